//! The `types` module: one Rust type per named schema.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, inner_doc_attrs};
use super::rust::{ident, Types};
use crate::escape;
use crate::ir::features::Features;
use crate::ir::{Api, Enum, EnumRepr, Struct, TypeDef, TypeKind, TypeRef, Union, Variant};

pub fn types_module(api: &Api, compiled: &Features) -> TokenStream {
    let types = Types::local(&api.types);
    let items =
        api.types.iter().zip(&compiled.types).map(|(def, needed)| {
            super::features::gate(type_def(types, def), super::features::cfg(api, needed))
        });
    let doc = format!("Request and response types of the {}.", escape::inline(&api.display_name()));
    let doc = inner_doc_attrs([Some(doc.as_str())]);
    quote! {
        #doc
        #(#items)*
    }
}

fn type_def(types: Types<'_>, def: &TypeDef) -> TokenStream {
    let name = ident(&def.name);
    let doc = doc_attrs([def.doc.as_deref()]);
    match &def.kind {
        TypeKind::Struct(s) => struct_def(types, &name, doc, s),
        TypeKind::Enum(e) => match &e.repr {
            EnumRepr::Variants { other } => enum_def(types, &name, doc, e, other),
            EnumRepr::Constants => constants_def(types, &name, def.doc.as_deref(), e),
        },
        TypeKind::Union(u) => union_def(types, &name, doc, u),
        TypeKind::Alias(target) => {
            let target = types.ty(target);
            quote! { #doc pub type #name = #target; }
        }
    }
}

fn struct_def(types: Types<'_>, name: &proc_macro2::Ident, doc: TokenStream, s: &Struct) -> TokenStream {
    let option = types.prelude("Option");
    let fields = s.fields.iter().map(|field| {
        let field_name = ident(&field.name);
        let optional = !field.required || field.ty.is_nullable();
        let inner = field.ty.non_null();
        let ty = types.boxed(inner, field.boxed);
        let ty = if optional { quote!(#option<#ty>) } else { ty };
        let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
        let doc = doc_attrs([field.doc.as_deref()]);
        let mut serde = Vec::new();
        if crate::naming::bare(&field.name) != field.wire {
            let wire = &field.wire;
            serde.push(quote!(rename = #wire));
        }
        if !field.required {
            let is_none = format!("{}::is_none", path_text(&option));
            serde.push(quote!(default, skip_serializing_if = #is_none));
        }
        let serde = (!serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)]));
        quote! { #doc #deprecated #serde pub #field_name: #ty, }
    });
    let extra_name = ident(&s.extra.name);
    let extra_ty = match &s.extra.value {
        TypeRef::Json => types.ty(&TypeRef::JsonObject),
        typed => types.ty(&TypeRef::Map(Box::new(typed.clone()))),
    };
    let all_optional = s.fields.iter().all(|f| !f.required || f.ty.is_nullable());
    let default = all_optional.then(|| quote!(Default,));
    let constructor = (!all_optional).then(|| constructor(types, name, s));
    let any_deprecated = s.fields.iter().any(|f| f.deprecated).then(|| quote!(#[allow(deprecated)]));
    quote! {
        #doc
        #any_deprecated
        #[derive(Debug, Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            /// Members the API sent that this type does not name, kept so nothing is lost.
            #[serde(flatten)]
            pub #extra_name: #extra_ty,
        }

        #constructor
    }
}

/// `new(..)` for a struct with required members: those in order, every other member unset.
/// (The struct may gain members, so it cannot be written as a literal outside the crate.)
fn constructor(types: Types<'_>, name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let mut arguments = Vec::new();
    let mut inits = Vec::new();
    for field in &s.fields {
        let field_name = ident(&field.name);
        if !field.required || field.ty.is_nullable() {
            inits.push(quote!(#field_name: None,));
            continue;
        }
        let ty = types.boxed(field.ty.non_null(), field.boxed);
        let (signature, convert) = if types.is_string(field.ty.non_null()) && !field.boxed {
            (quote!(impl Into<#ty>), Some(quote!(#field_name.into())))
        } else if field.boxed {
            let inner = types.ty(field.ty.non_null());
            let boxed = types.prelude("Box");
            (inner, Some(quote!(#boxed::new(#field_name))))
        } else {
            (ty, None)
        };
        arguments.push(quote!(#field_name: #signature));
        inits.push(match convert {
            Some(convert) => quote!(#field_name: #convert,),
            None => quote!(#field_name,),
        });
    }
    let extra = ident(&s.extra.name);
    let many = super::rust::many_arguments(arguments.len());
    let deprecated = s.fields.iter().any(|f| f.deprecated).then(|| quote!(#[allow(deprecated)]));
    quote! {
        impl #name {
            /// A value with the required members, every optional one unset.
            #many
            #deprecated
            pub fn new(#(#arguments),*) -> Self {
                Self {
                    #(#inits)*
                    #extra: Default::default(),
                }
            }
        }
    }
}

/// A value's doc: the value as written, then what the spec says it means.
fn value_doc(v: &Variant) -> TokenStream {
    let wire = if v.wire.is_empty() { "The empty string.".to_owned() } else { escape::code_span(&v.wire) };
    doc_attrs([Some(wire.as_str()), v.doc.as_deref()])
}

fn enum_def(
    types: Types<'_>,
    name: &proc_macro2::Ident,
    doc: TokenStream,
    e: &Enum,
    other: &str,
) -> TokenStream {
    let other = ident(other);
    let string = types.prelude("String");
    let string_path = path_text(&string);
    let from_trait = types.prelude("From");
    let result = types.prelude("Result");
    let variants = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let doc = value_doc(v);
        quote!(#doc #variant,)
    });
    let as_str = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote!(Self::#variant => #wire,)
    });
    let from = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote!(#wire => Self::#variant,)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
        #[serde(from = #string_path, into = #string_path)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this client does not know yet, kept as sent.
            #other(#string),
        }

        /// Values compare as they go on the wire: a known value held as `Other` equals its
        /// variant.
        impl PartialEq for #name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl Eq for #name {}

        impl std::hash::Hash for #name {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state);
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> #result<Self, std::convert::Infallible> {
                #result::Ok(Self::from(value))
            }
        }

        impl #name {
            /// The value as it goes on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::#other(value) => value,
                }
            }
        }

        impl #from_trait<#string> for #name {
            fn from(value: #string) -> Self {
                match value.as_str() {
                    #(#from)*
                    _ => Self::#other(value),
                }
            }
        }

        impl #from_trait<&str> for #name {
            fn from(value: &str) -> Self {
                Self::from(#string::from(value))
            }
        }

        impl #from_trait<#name> for #string {
            fn from(value: #name) -> Self {
                match value {
                    #name::#other(value) => value,
                    known => known.as_str().into(),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

/// A large enum as a string newtype: one associated constant per value, any other value kept.
fn constants_def(types: Types<'_>, name: &proc_macro2::Ident, doc: Option<&str>, e: &Enum) -> TokenStream {
    let string = types.prelude("String");
    let from_trait = types.prelude("From");
    let result = types.prelude("Result");
    let note = format!(
        "The API lists {} values: each is a constant (compare with `==`), and any other value is kept as sent.",
        e.variants.len()
    );
    let doc = doc_attrs([doc, Some(note.as_str())]);
    let constants = e.variants.iter().map(|v| {
        let constant = ident(&v.name);
        let doc = value_doc(v);
        let wire = &v.wire;
        quote!(#doc pub const #constant: Self = Self(std::borrow::Cow::Borrowed(#wire));)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct #name(std::borrow::Cow<'static, str>);

        impl #name {
            #(#constants)*

            /// The value as it goes on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl #from_trait<#string> for #name {
            fn from(value: #string) -> Self {
                Self(std::borrow::Cow::Owned(value))
            }
        }

        impl #from_trait<&str> for #name {
            fn from(value: &str) -> Self {
                Self(std::borrow::Cow::Owned(value.into()))
            }
        }

        impl #from_trait<#name> for #string {
            fn from(value: #name) -> Self {
                value.0.into_owned()
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> #result<Self, std::convert::Infallible> {
                #result::Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

fn union_def(types: Types<'_>, name: &proc_macro2::Ident, doc: TokenStream, u: &Union) -> TokenStream {
    let variants = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let payload = types.boxed(&v.ty, v.boxed);
        quote!(#variant(#payload),)
    });
    let fallback = u.fallback.as_ref().map(|f| {
        let f = ident(f);
        quote! {
            /// A value that matches none of the shapes this client knows, kept as sent.
            #f(serde_json::Value),
        }
    });
    let Some(property) = &u.discriminator else {
        return quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[serde(untagged)]
            #[non_exhaustive]
            pub enum #name {
                #(#variants)*
                #fallback
            }
        };
    };
    let result = types.prelude("Result");
    let arms = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let tags = &v.tags;
        quote! {
            #(Some(#tags))|* => serde_json::from_value(value).map(Self::#variant).map_err(serde::de::Error::custom),
        }
    });
    let unknown = match (&u.default, &u.fallback) {
        (Some(d), Some(f)) => {
            let (d, f) = (ident(d), ident(f));
            quote!(_ => Ok(serde_json::from_value(value.clone()).map(Self::#d).unwrap_or(Self::#f(value))),)
        }
        (Some(d), None) => {
            let d = ident(d);
            quote!(_ => serde_json::from_value(value).map(Self::#d).map_err(serde::de::Error::custom),)
        }
        (None, Some(f)) => {
            let f = ident(f);
            quote!(_ => Ok(Self::#f(value)),)
        }
        (None, None) => {
            let message = format!("unknown or missing `{property}`");
            quote!(_ => Err(serde::de::Error::custom(#message)),)
        }
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #fallback
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                match value.get(#property).and_then(serde_json::Value::as_str) {
                    #(#arms)*
                    #unknown
                }
            }
        }
    }
}

/// A path as the text serde attributes take (`Option`, or `::std::option::Option`).
fn path_text(path: &TokenStream) -> String {
    path.to_string().replace(' ', "")
}
