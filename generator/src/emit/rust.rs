//! Identifiers, and type references as text or tokens.

use proc_macro2::{Ident, Span, TokenStream};

use crate::ir::{query, TypeDef, TypeRef};

/// An identifier token; `r#type` becomes a raw identifier.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Which of `names` Rust source uses unqualified (not as `path::name`), in one pass over its
/// text, string and character literals and comments skipped: a module imports what its items
/// name, and nothing else (an unused import is a warning). Token streams are read as their
/// text (`tokens.to_string()`), which walks them without copying them.
pub fn mentioned<const N: usize>(source: &str, names: [&str; N]) -> [bool; N] {
    let mut found = [false; N];
    let bytes = source.as_bytes();
    let mut index = 0;
    // Whether the last token was `::`, so an identifier after it is a path's member.
    let mut after_path = false;
    while index < bytes.len() {
        let byte = bytes[index];
        match byte {
            b'"' => {
                index = literal_end(bytes, index, b'"');
                after_path = false;
            }
            b'\'' => {
                // A character literal (`'a'`, `'\n'`) or a lifetime (`'de`).
                let escaped = bytes.get(index + 1) == Some(&b'\\');
                let closes = |at: usize| bytes.get(at) == Some(&b'\'');
                if escaped || closes(index + 2) || source[index + 1..].chars().nth(1) == Some('\'') {
                    index = literal_end(bytes, index, b'\'');
                } else {
                    index += 1;
                    while index < bytes.len() && is_ident_byte(bytes[index]) {
                        index += 1;
                    }
                }
                after_path = false;
            }
            b'/' if bytes.get(index + 1) == Some(&b'/') => {
                index = memchr::memchr(b'\n', &bytes[index..]).map_or(bytes.len(), |end| index + end);
            }
            b':' if bytes.get(index + 1) == Some(&b':') => {
                index += 2;
                after_path = true;
            }
            _ if byte.is_ascii_alphabetic() || byte == b'_' || byte >= 0x80 => {
                let start = index;
                while index < bytes.len() && is_ident_byte(bytes[index]) {
                    index += 1;
                }
                let ident = &source[start..index];
                if !after_path {
                    if let Some(position) = names.iter().position(|name| *name == ident) {
                        found[position] = true;
                    }
                }
                after_path = false;
            }
            _ if byte.is_ascii_whitespace() => index += 1,
            _ => {
                index += 1;
                after_path = false;
            }
        }
    }
    found
}

fn is_ident_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

/// Where the literal opened by the quote at `start` ends (just past its closing quote, or at
/// the end of the text where it is left open).
pub(super) fn literal_end(bytes: &[u8], start: usize, quote: u8) -> usize {
    closed_literal_end(bytes, start, quote).unwrap_or(bytes.len())
}

/// [`literal_end`], `None` where the text ends before the literal is closed.
pub(super) fn closed_literal_end(bytes: &[u8], start: usize, quote: u8) -> Option<usize> {
    let mut index = start + 1;
    while index < bytes.len() {
        index += memchr::memchr2(b'\\', quote, &bytes[index..])?;
        match bytes[index] {
            b'\\' => index += 2,
            _ => return Some(index + 1),
        }
    }
    None
}

/// Tokens of Rust the generator wrote as text (a type, a path): text it makes from names the
/// naming rules made valid, so it always lexes.
pub fn tokens(text: &str) -> TokenStream {
    text.parse()
        .unwrap_or_else(|error| unreachable!("the generator wrote `{text}`, which does not lex: {error}"))
}

/// More arguments than clippy accepts without a word.
const MANY_ARGUMENTS: usize = 7;

/// `#[allow(clippy::too_many_arguments)]` for a function of `count` arguments that needs it.
pub fn many_arguments(count: usize) -> Option<&'static str> {
    (count > MANY_ARGUMENTS).then_some("#[allow(clippy::too_many_arguments)]")
}

/// The prelude names the generator writes, and their full paths for when a spec type of the
/// same name is in scope.
const PRELUDE: [(&str, &str); 14] = [
    ("String", "::std::string::String"),
    ("Vec", "::std::vec::Vec"),
    ("Option", "::std::option::Option"),
    ("Box", "::std::boxed::Box"),
    ("Result", "::std::result::Result"),
    ("From", "::std::convert::From"),
    ("Into", "::std::convert::Into"),
    ("Default", "::std::default::Default"),
    ("PartialEq", "::std::cmp::PartialEq"),
    ("Eq", "::std::cmp::Eq"),
    ("None", "::std::option::Option::None"),
    ("Some", "::std::option::Option::Some"),
    ("Ok", "::std::result::Result::Ok"),
    ("Err", "::std::result::Result::Err"),
];

/// Renders type references from one module of the generated crate, as text or as tokens.
#[derive(Clone, Copy)]
pub struct Types<'a> {
    defs: &'a [TypeDef],
    /// In the `types` module named types are in scope; elsewhere they are `types::Name`.
    qualified: bool,
    /// Which of [`PRELUDE`] a spec type shadows here.
    shadowed: [bool; PRELUDE.len()],
}

impl<'a> Types<'a> {
    /// For code inside the `types` module.
    pub fn local(defs: &'a [TypeDef]) -> Self {
        let shadowed = PRELUDE.map(|(name, _)| defs.iter().any(|d| d.name == name));
        Self { defs, qualified: false, shadowed }
    }

    /// For code in other modules, which `use crate::types`.
    pub fn qualified(defs: &'a [TypeDef]) -> Self {
        Self { defs, qualified: true, shadowed: [false; PRELUDE.len()] }
    }

    /// A prelude name (`String`, `Vec`, `Option`, `Box`, `Result`, `From`, `Into`, `Default`,
    /// `PartialEq`, `Eq`, `None`, `Some`, `Ok`, `Err`), written in full when a spec type of
    /// the same name is in scope.
    pub fn prelude_text(&self, name: &str) -> &'static str {
        match PRELUDE.iter().position(|(short, _)| *short == name) {
            Some(index) if self.shadowed[index] => PRELUDE[index].1,
            Some(index) => PRELUDE[index].0,
            None => unreachable!("{name} is not a prelude name the generator writes"),
        }
    }

    /// The Rust type of a reference, as tokens.
    pub fn ty(&self, ty: &TypeRef) -> TokenStream {
        tokens(&self.ty_text(ty))
    }

    /// The Rust type of a reference, as text laid out as the formatter lays out a type.
    pub fn ty_text(&self, ty: &TypeRef) -> String {
        let mut out = String::new();
        self.write_ty(ty, &mut out);
        out
    }

    /// [`Types::ty_text`], boxed when `boxed`; a `Nullable` wrapper stays outside the box.
    pub fn boxed_text(&self, ty: &TypeRef, boxed: bool) -> String {
        if !boxed {
            return self.ty_text(ty);
        }
        let mut out = String::new();
        let (inner, nullable) = match ty {
            TypeRef::Nullable(inner) => (&**inner, true),
            other => (other, false),
        };
        if nullable {
            out.push_str(self.prelude_text("Option"));
            out.push('<');
        }
        out.push_str(self.prelude_text("Box"));
        out.push('<');
        self.write_ty(inner, &mut out);
        out.push('>');
        if nullable {
            out.push('>');
        }
        out
    }

    fn write_ty(&self, ty: &TypeRef, out: &mut String) {
        let generic = |out: &mut String, outer: &str, inner: &TypeRef| {
            out.push_str(outer);
            out.push('<');
            self.write_ty(inner, out);
            out.push('>');
        };
        match ty {
            TypeRef::Named(id) => {
                if self.qualified {
                    out.push_str("types::");
                }
                out.push_str(&self.defs[id.0].name);
            }
            TypeRef::String => out.push_str(self.prelude_text("String")),
            TypeRef::Bool => out.push_str("bool"),
            TypeRef::I32 => out.push_str("i32"),
            TypeRef::I64 => out.push_str("i64"),
            TypeRef::U64 => out.push_str("u64"),
            TypeRef::I128 => out.push_str("i128"),
            TypeRef::U128 => out.push_str("u128"),
            TypeRef::F32 => out.push_str("f32"),
            TypeRef::F64 => out.push_str("f64"),
            TypeRef::DateTime => out.push_str("chrono::DateTime<chrono::Utc>"),
            TypeRef::Date => out.push_str("chrono::NaiveDate"),
            TypeRef::Uuid => out.push_str("uuid::Uuid"),
            TypeRef::Binary => {
                out.push_str(self.prelude_text("Vec"));
                out.push_str("<u8>");
            }
            TypeRef::Json => out.push_str("serde_json::Value"),
            TypeRef::JsonObject => {
                out.push_str("serde_json::Map<");
                out.push_str(self.prelude_text("String"));
                out.push_str(", serde_json::Value>");
            }
            TypeRef::List(item) => generic(out, self.prelude_text("Vec"), item),
            TypeRef::Map(value) => {
                out.push_str("std::collections::BTreeMap<");
                out.push_str(self.prelude_text("String"));
                out.push_str(", ");
                self.write_ty(value, out);
                out.push('>');
            }
            TypeRef::Nullable(inner) => generic(out, self.prelude_text("Option"), inner),
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
    use quote::quote;

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
        assert_eq!(mentioned(&tokens.to_string(), ["Error", "Response", "reqwest"]), [true, false, true]);
        assert_eq!(mentioned(&quote!({ [Response] }).to_string(), ["Response"]), [true]);
        let path = quote!(a::b::Response).to_string();
        assert_eq!(mentioned(&path, ["Response", "a", "b"]), [false, true, false]);
    }

    #[test]
    fn names_in_literals_and_comments_are_not_mentions() {
        let source = "/// An Error.\nfn f<'de>(c: char) -> Result<(), Response> {\n    g(\"Error \\\" Types\", '\"', 'x', '\\'', c); // Types\n}\n";
        assert_eq!(
            mentioned(source, ["Error", "Types", "Response", "Result", "de"]),
            [false, false, true, true, false]
        );
        let tokens = quote!(
            #[doc = "Error"]
            fn f() -> Types {}
        );
        assert_eq!(mentioned(&tokens.to_string(), ["Error", "Types"]), [false, true]);
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
        assert_eq!(local.ty_text(&TypeRef::String), "::std::string::String");
        assert_eq!(local.ty(&TypeRef::String).to_string(), ":: std :: string :: String");
        assert_eq!(local.ty_text(&TypeRef::Named(TypeId(0))), "String");
        assert_eq!(local.ty_text(&TypeRef::List(Box::new(TypeRef::I32))), "Vec<i32>");
        assert_eq!(
            local.ty_text(&TypeRef::Map(Box::new(TypeRef::String))),
            "std::collections::BTreeMap<::std::string::String, ::std::string::String>"
        );
        assert_eq!(local.prelude_text("Vec"), "Vec");
        let qualified = Types::qualified(&defs);
        assert_eq!(qualified.ty_text(&TypeRef::String), "String");
        assert_eq!(qualified.ty(&TypeRef::Named(TypeId(0))).to_string(), "types :: String");
    }

    #[test]
    fn boxes_stay_inside_options() {
        let defs = vec![def("Node", TypeKind::Alias(TypeRef::Json))];
        let types = Types::local(&defs);
        let ty = TypeRef::Named(TypeId(0)).nullable();
        assert_eq!(types.boxed_text(&ty, true), "Option<Box<Node>>");
        assert_eq!(types.boxed_text(&ty, false), "Option<Node>");
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
