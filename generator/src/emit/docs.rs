//! Doc attributes from spec text, always through [`escape::markdown_lines`], so no spec
//! text becomes a doctest or trips clippy's doc lints.

use proc_macro2::TokenStream;
use quote::quote;

use crate::escape;

/// Outer `#[doc]` attributes for the given paragraphs (empty ones are skipped).
pub fn doc_attrs<'a>(paragraphs: impl IntoIterator<Item = Option<&'a str>>) -> TokenStream {
    let lines = attr_lines(paragraphs);
    quote!(#(#[doc = #lines])*)
}

fn attr_lines<'a>(paragraphs: impl IntoIterator<Item = Option<&'a str>>) -> Vec<String> {
    let lines = escape::markdown_lines(paragraphs);
    lines.iter().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") }).collect()
}
