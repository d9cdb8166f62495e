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
    match features(api, needed)?.as_slice() {
        [one] => Some(quote!(#[cfg(feature = #one)])),
        many => Some(quote!(#[cfg(any(#(feature = #many),*))])),
    }
}

/// [`cfg`], written as text.
pub fn write_cfg(source: &mut super::source::Source, api: &Api, needed: &Needed) {
    let Some(names) = features(api, needed) else { return };
    let conditions: Vec<String> =
        names.iter().map(|name| format!("feature = {}", crate::escape::rust_string(name))).collect();
    match conditions.as_slice() {
        [one] => source.attribute("cfg", std::slice::from_ref(one)),
        _ => source.cfg_any(&conditions),
    }
}

/// The features any one of which compiles an item; `None` when every build does.
fn features<'a>(api: &'a Api, needed: &Needed) -> Option<Vec<&'a str>> {
    match needed {
        Needed::Always => None,
        Needed::Full => Some(vec!["full"]),
        Needed::By(groups) => Some(groups.iter().map(|index| feature(&api.groups[*index])).collect()),
    }
}

/// The attribute of a tag's own items: its module and accessor.
pub fn group_cfg(group: &Group) -> TokenStream {
    let name = feature(group);
    quote!(#[cfg(feature = #name)])
}
