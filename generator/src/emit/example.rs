//! The short example that ends each operation's docs: a call with a value for every required
//! argument, compiled as a doctest (`no_run`: it would need the real server).

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::ident;
use crate::ir::{Api, BodyEncoding, EnumRepr, Group, Operation, ParamLocation, Success, TypeKind, TypeRef};

/// How deep example values nest before a required member is left to the reader.
const DEPTH: usize = 4;

/// The doc lines of the example (each to be written as `///` plus the line): the body of
/// [`code`], the function around it hidden.
pub fn doc_lines(api: &Api, group: &Group, op: &Operation) -> Vec<String> {
    let text = code(api, group, op);
    let lines: Vec<&str> = text.lines().filter(|line| !line.is_empty()).collect();
    let mut out = vec!["# Example".to_owned(), String::new(), "```no_run".to_owned()];
    for line in &lines {
        // The function's attributes, signature and end, and its `Ok(())`, are hidden.
        let framing = !line.starts_with("    ") || line.trim() == "Ok(())";
        if framing {
            out.push(format!("# {}", line.trim_start()));
        } else {
            out.push(line.strip_prefix("    ").unwrap_or(line).to_owned());
        }
    }
    out.push("```".to_owned());
    out
}

/// The example as a function that makes a client from the environment and calls `op` with a
/// value for every required argument (and one of each group of which one must be set).
pub fn code(api: &Api, group: &Group, op: &Operation) -> String {
    let krate = ident(&api.crate_ident);
    let accessor = ident(&group.accessor);
    let method = ident(&op.method);
    let values = Values { api, krate: &krate };
    let mut arguments = Vec::new();
    for id in op.positional() {
        let param = &op.params[id];
        let upload = matches!(param.location, ParamLocation::Multipart { file: true });
        arguments.push(values.argument(&param.ty, &param.wire, upload));
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        arguments.push(values.argument(&body.ty, &body.name, body.encoding == BodyEncoding::Binary));
    }
    let positional = op.positional();
    let setters =
        op.required_one_of.iter().filter(|ids| !ids.iter().any(|id| positional.contains(id))).filter_map(
            |ids| {
                let param = &op.params[*ids.first()?];
                let setter = ident(&param.name);
                let value = values.argument(&param.ty, &param.wire, false);
                Some(quote!(.#setter(#value)))
            },
        );
    let call = quote!(client.#accessor().#method(#(#arguments),*)#(#setters)*.send().await?);
    let statement = match op.response {
        Success::Empty => quote!(#call;),
        _ => quote! {
            let answer = #call;
            println!("{answer:?}");
        },
    };
    let allow = op.deprecated.then(|| quote!(#[allow(deprecated)]));
    let function = quote! {
        #allow
        async fn example() -> Result<(), #krate::Error> {
            let client = #krate::Client::from_env()?;
            #statement
            Ok(())
        }
    };
    match syn::parse2::<syn::File>(function) {
        Ok(file) => prettyplease::unparse(&file),
        Err(e) => unreachable!("an example is Rust the generator writes: {e}"),
    }
}

/// Example values of the API's types, written from outside the crate.
struct Values<'a> {
    api: &'a Api,
    krate: &'a proc_macro2::Ident,
}

impl Values<'_> {
    /// A value for a positional argument: what its setter accepts (`"text"` for strings, a
    /// list for lists).
    fn argument(&self, ty: &TypeRef, name: &str, upload: bool) -> TokenStream {
        let ty = ty.non_null();
        if upload && *ty == TypeRef::Binary {
            let krate = self.krate;
            return quote!(#krate::Upload::from(Vec::<u8>::new()));
        }
        self.value(ty, name, 0, true)
    }

    /// A value of `ty`; `loose` where it is taken as `impl Into<..>` (so `"text"` will do for a
    /// string), else the exact type.
    fn value(&self, ty: &TypeRef, name: &str, depth: usize, loose: bool) -> TokenStream {
        let krate = self.krate;
        match ty {
            TypeRef::String if loose => quote!(#name),
            TypeRef::String => quote!(#name.to_owned()),
            TypeRef::Bool => quote!(true),
            TypeRef::I32 | TypeRef::I64 | TypeRef::U64 | TypeRef::I128 | TypeRef::U128 => quote!(1),
            TypeRef::F32 | TypeRef::F64 => quote!(1.0),
            TypeRef::DateTime => quote!(chrono::Utc::now()),
            TypeRef::Date => quote!(chrono::NaiveDate::default()),
            TypeRef::Uuid => quote!(uuid::Uuid::nil()),
            TypeRef::Binary => quote!(Vec::<u8>::new()),
            TypeRef::Json => quote!(serde_json::json!({})),
            TypeRef::JsonObject => quote!(serde_json::Map::new()),
            // Where any iterable will do, an array; a member's list is a `Vec`.
            TypeRef::List(item) if loose => {
                let item = self.value(item, name, depth + 1, loose);
                quote!([#item])
            }
            TypeRef::List(item) => {
                let item = self.value(item, name, depth + 1, loose);
                quote!(vec![#item])
            }
            TypeRef::Map(_) => quote!(Default::default()),
            TypeRef::Nullable(inner) => {
                let inner = self.value(inner, name, depth, false);
                quote!(Some(#inner))
            }
            TypeRef::Named(id) => {
                let def = &self.api.types[id.0];
                let path = {
                    let name = ident(&def.name);
                    quote!(#krate::types::#name)
                };
                match &def.kind {
                    TypeKind::Alias(target) => self.value(target, name, depth, loose),
                    TypeKind::Enum(e) => match (&e.repr, e.variants.first()) {
                        (EnumRepr::Variants { .. }, Some(first)) => {
                            let variant = ident(&first.name);
                            quote!(#path::#variant)
                        }
                        (EnumRepr::Constants, Some(first)) => {
                            let constant = ident(&first.name);
                            quote!(#path::#constant)
                        }
                        (_, None) => quote!(#path::from("")),
                    },
                    TypeKind::Struct(s) => {
                        let required: Vec<_> =
                            s.fields.iter().filter(|f| f.required && !f.ty.is_nullable()).collect();
                        if required.is_empty() {
                            return quote!(#path::default());
                        }
                        if depth >= DEPTH {
                            return quote!(todo!());
                        }
                        // Strings are taken as `impl Into<String>`; other members as they are.
                        let arguments = required.iter().map(|f| {
                            let direct =
                                !f.boxed && crate::ir::query::is_string(&self.api.types, f.ty.non_null());
                            self.value(f.ty.non_null(), &f.wire, depth + 1, direct)
                        });
                        quote!(#path::new(#(#arguments),*))
                    }
                    TypeKind::Union(u) => match u.variants.first() {
                        Some(first) if depth < DEPTH => {
                            let variant = ident(&first.name);
                            let value = self.value(&first.ty, name, depth + 1, false);
                            let value = if first.boxed { quote!(Box::new(#value)) } else { value };
                            quote!(#path::#variant(#value))
                        }
                        _ => quote!(todo!()),
                    },
                }
            }
        }
    }
}
