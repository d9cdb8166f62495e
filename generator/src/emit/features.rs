//! `#[cfg(feature = ..)]` for what only some tags need: each tag is a cargo feature (named
//! after its module), and `full`, the default, is all of them.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::features::Needed;
use crate::ir::{Api, Group};

/// A tag's feature name.
pub fn feature(group: &Group) -> &str {
    crate::naming::bare(&group.module)
}

/// The attribute that compiles an item only in the builds that need it; nothing for an item
/// every build needs.
pub fn cfg(api: &Api, needed: &Needed) -> Option<TokenStream> {
    match needed {
        Needed::Always => None,
        Needed::Full => Some(quote!(#[cfg(feature = "full")])),
        Needed::By(groups) => {
            let names: Vec<&str> = groups.iter().map(|index| feature(&api.groups[*index])).collect();
            match names.as_slice() {
                [one] => Some(quote!(#[cfg(feature = #one)])),
                many => Some(quote!(#[cfg(any(#(feature = #many),*))])),
            }
        }
    }
}

/// The attribute of a tag's own items: its module and accessor.
pub fn group_cfg(group: &Group) -> TokenStream {
    let name = feature(group);
    quote!(#[cfg(feature = #name)])
}

/// `items` with `cfg` before each of them. An item ends at a top-level `;` or `{..}` (the
/// only items the emitters write are structs, enums, type aliases and impls).
pub fn gate(items: TokenStream, cfg: Option<TokenStream>) -> TokenStream {
    use proc_macro2::{Delimiter, TokenTree};
    let Some(cfg) = cfg else { return items };
    let mut out = TokenStream::new();
    let mut starts = true;
    for tree in items {
        if starts {
            out.extend(cfg.clone());
        }
        starts = match &tree {
            TokenTree::Group(group) => group.delimiter() == Delimiter::Brace,
            TokenTree::Punct(punct) => punct.as_char() == ';',
            _ => false,
        };
        out.extend([tree]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_gated() {
        let items = quote! {
            #[derive(Debug)]
            pub struct A { x: i64 }
            impl A { fn new() -> Self { Self { x: 1 } } }
            pub type B = Vec<A>;
            pub struct C(pub String);
        };
        let gated = gate(items, Some(quote!(#[cfg(feature = "t")]))).to_string();
        assert_eq!(gated.matches("cfg").count(), 4, "{gated}");
        assert!(gated.starts_with("# [cfg (feature = \"t\")] # [derive (Debug)]"), "{gated}");
    }
}
