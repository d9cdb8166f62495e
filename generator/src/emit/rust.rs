//! Identifiers and type references as tokens.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{query, TypeDef, TypeRef};

/// An identifier token; `r#type` becomes a raw identifier.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Which of `names` `tokens` use unqualified (not as `path::name`), in one walk: a module
/// imports what its items name, and nothing else (an unused import is a warning).
pub fn mentioned<const N: usize>(tokens: &TokenStream, names: [&str; N]) -> [bool; N] {
    let mut found = [false; N];
    note_mentions(tokens, &names, &mut found);
    found
}

fn note_mentions(tokens: &TokenStream, names: &[&str], found: &mut [bool]) {
    let mut colons = 0;
    for tree in tokens.clone() {
        match &tree {
            proc_macro2::TokenTree::Ident(ident) if colons < 2 => {
                if let Some(index) = names.iter().position(|name| ident == name) {
                    found[index] = true;
                }
            }
            proc_macro2::TokenTree::Group(group) => note_mentions(&group.stream(), names, found),
            _ => {}
        }
        colons = match &tree {
            proc_macro2::TokenTree::Punct(punct) if punct.as_char() == ':' => colons + 1,
            _ => 0,
        };
    }
}

/// More arguments than clippy accepts without a word.
const MANY_ARGUMENTS: usize = 7;

/// `#[allow(clippy::too_many_arguments)]` for a function of `count` arguments that needs it.
pub fn many_arguments(count: usize) -> Option<TokenStream> {
    (count > MANY_ARGUMENTS).then(|| quote!(#[allow(clippy::too_many_arguments)]))
}

/// Renders type references from one module of the generated crate.
#[derive(Clone, Copy)]
pub struct Types<'a> {
    defs: &'a [TypeDef],
    /// In the `types` module named types are in scope; elsewhere they are `types::Name`.
    qualified: bool,
}

impl<'a> Types<'a> {
    /// For code inside the `types` module.
    pub fn local(defs: &'a [TypeDef]) -> Self {
        Self { defs, qualified: false }
    }

    /// For code in other modules, which `use crate::types`.
    pub fn qualified(defs: &'a [TypeDef]) -> Self {
        Self { defs, qualified: true }
    }

    /// A prelude name (`String`, `Vec`, `Option`, `Box`, `Result`, `From`), written in full
    /// when a spec type of the same name is in scope.
    pub fn prelude(&self, name: &str) -> TokenStream {
        let shadowed = !self.qualified && self.defs.iter().any(|d| d.name == name);
        let short = ident(name);
        if !shadowed {
            return quote!(#short);
        }
        match name {
            "String" => quote!(::std::string::String),
            "Vec" => quote!(::std::vec::Vec),
            "Option" => quote!(::std::option::Option),
            "Box" => quote!(::std::boxed::Box),
            "Result" => quote!(::std::result::Result),
            "From" => quote!(::std::convert::From),
            other => unreachable!("{other} is not a prelude name the generator writes"),
        }
    }

    pub fn named(&self, id: crate::ir::TypeId) -> TokenStream {
        let name = ident(&self.defs[id.0].name);
        if self.qualified {
            quote!(types::#name)
        } else {
            quote!(#name)
        }
    }

    /// The Rust type of a reference.
    pub fn ty(&self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::Named(id) => self.named(*id),
            TypeRef::String => self.prelude("String"),
            TypeRef::Bool => quote!(bool),
            TypeRef::I32 => quote!(i32),
            TypeRef::I64 => quote!(i64),
            TypeRef::U64 => quote!(u64),
            TypeRef::I128 => quote!(i128),
            TypeRef::U128 => quote!(u128),
            TypeRef::F32 => quote!(f32),
            TypeRef::F64 => quote!(f64),
            TypeRef::DateTime => quote!(chrono::DateTime<chrono::Utc>),
            TypeRef::Date => quote!(chrono::NaiveDate),
            TypeRef::Uuid => quote!(uuid::Uuid),
            TypeRef::Binary => {
                let vec = self.prelude("Vec");
                quote!(#vec<u8>)
            }
            TypeRef::Json => quote!(serde_json::Value),
            TypeRef::JsonObject => {
                let string = self.prelude("String");
                quote!(serde_json::Map<#string, serde_json::Value>)
            }
            TypeRef::List(item) => {
                let vec = self.prelude("Vec");
                let item = self.ty(item);
                quote!(#vec<#item>)
            }
            TypeRef::Map(value) => {
                let string = self.prelude("String");
                let value = self.ty(value);
                quote!(std::collections::BTreeMap<#string, #value>)
            }
            TypeRef::Nullable(inner) => {
                let option = self.prelude("Option");
                let inner = self.ty(inner);
                quote!(#option<#inner>)
            }
        }
    }

    /// `ty`, boxed when `boxed`; a `Nullable` wrapper stays outside the box.
    pub fn boxed(&self, ty: &TypeRef, boxed: bool) -> TokenStream {
        if !boxed {
            return self.ty(ty);
        }
        let boxed_inner = |inner: &TypeRef| {
            let b = self.prelude("Box");
            let inner = self.ty(inner);
            quote!(#b<#inner>)
        };
        match ty {
            TypeRef::Nullable(inner) => {
                let option = self.prelude("Option");
                let inner = boxed_inner(inner);
                quote!(#option<#inner>)
            }
            other => boxed_inner(other),
        }
    }

    /// Follows aliases to the type a reference finally stands for.
    pub fn resolve<'t>(&self, ty: &'t TypeRef) -> &'t TypeRef
    where
        'a: 't,
    {
        query::resolve(self.defs, ty)
    }

    /// Whether values of the type are strings (so builders can take `impl Into<String>`).
    pub fn is_string(&self, ty: &TypeRef) -> bool {
        query::is_string(self.defs, ty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{TypeId, TypeKind};

    fn def(name: &str, kind: TypeKind) -> TypeDef {
        TypeDef { name: name.into(), doc: None, kind }
    }

    #[test]
    fn a_name_is_mentioned_only_unqualified() {
        let tokens = quote!(
            fn open() -> Result<reqwest::Response, Error> {
                Ok(x)
            }
        );
        assert_eq!(mentioned(&tokens, ["Error", "Response", "reqwest"]), [true, false, true]);
        assert_eq!(mentioned(&quote!({ [Response] }), ["Response"]), [true]);
        assert_eq!(mentioned(&quote!(a::b::Response), ["Response", "a", "b"]), [false, true, false]);
    }

    #[test]
    fn raw_identifiers() {
        assert_eq!(ident("r#type").to_string(), "r#type");
        assert_eq!(ident("name").to_string(), "name");
    }

    #[test]
    fn prelude_names_are_written_in_full_only_when_shadowed() {
        let defs = vec![def("String", TypeKind::Alias(TypeRef::I64))];
        let local = Types::local(&defs);
        assert_eq!(local.ty(&TypeRef::String).to_string(), ":: std :: string :: String");
        assert_eq!(local.ty(&TypeRef::Named(TypeId(0))).to_string(), "String");
        assert_eq!(local.ty(&TypeRef::List(Box::new(TypeRef::I32))).to_string(), "Vec < i32 >");
        assert_eq!(local.prelude("Vec").to_string(), "Vec");
        let qualified = Types::qualified(&defs);
        assert_eq!(qualified.ty(&TypeRef::String).to_string(), "String");
        assert_eq!(qualified.ty(&TypeRef::Named(TypeId(0))).to_string(), "types :: String");
    }

    #[test]
    fn boxes_stay_inside_options() {
        let defs = vec![def("Node", TypeKind::Alias(TypeRef::Json))];
        let types = Types::local(&defs);
        let ty = TypeRef::Named(TypeId(0)).nullable();
        assert_eq!(types.boxed(&ty, true).to_string(), "Option < Box < Node > >");
    }

    #[test]
    fn aliases_resolve() {
        let defs = vec![
            def("Id", TypeKind::Alias(TypeRef::String)),
            def("UserId", TypeKind::Alias(TypeRef::Named(TypeId(0)))),
        ];
        let types = Types::qualified(&defs);
        assert!(types.is_string(&TypeRef::Named(TypeId(1))));
        assert!(!types.is_string(&TypeRef::I64));
    }
}
