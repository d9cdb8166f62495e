//! Stage 4: Rust source laid out (prettyplease), under the generated-file header that `emit`
//! writes. Most of a crate comes as text already laid out as prettyplease would lay it out
//! (see `emit::source`), which is copied; the rest (tokens, and text the writer could not
//! vouch for) goes through syn and prettyplease.

use std::borrow::Cow;
use std::path::PathBuf;

use crate::emit::{header_comment, Content, EmittedFile, Piece};
use crate::error::{Error, Result};

/// A finished file: path relative to the crate root, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormattedFile {
    pub path: PathBuf,
    pub text: String,
}

pub fn format(files: Vec<EmittedFile>, source: &str) -> Result<Vec<FormattedFile>> {
    files.into_iter().map(|file| format_file(file, source)).collect()
}

/// One file's text: Rust sources laid out by prettyplease, under the generated-file header.
pub fn format_file(file: EmittedFile, source: &str) -> Result<FormattedFile> {
    let header = || format!("{}\n\n", header_comment("//", source));
    let failed = |e: syn::Error| format_error(&file.path, e);
    let text = match file.content {
        Content::Text(text) => text,
        Content::RustVerbatim(text) => header() + &text,
        Content::Rust(tokens) => space_items(header(), &unparse(tokens).map_err(failed)?),
        Content::RustText(pieces) => {
            let pieces =
                pieces.iter().map(piece_text).collect::<std::result::Result<Vec<_>, _>>().map_err(failed)?;
            let mut text = String::with_capacity(pieces.iter().map(|piece| piece.len()).sum());
            for piece in &pieces {
                text.push_str(piece);
            }
            space_items(header(), &text)
        }
    };
    Ok(FormattedFile { path: file.path, text })
}

/// Tokens laid out by prettyplease.
fn unparse(tokens: proc_macro2::TokenStream) -> std::result::Result<String, syn::Error> {
    Ok(prettyplease::unparse(&syn::parse2(tokens)?))
}

/// A piece's text as the formatter lays it out: text itself where it is laid out so.
pub fn piece_text(piece: &Piece) -> std::result::Result<Cow<'_, str>, syn::Error> {
    match piece {
        Piece::Text { text, laid_out } => text_piece(text, *laid_out),
        Piece::Tokens(tokens) => Ok(Cow::Owned(unparse(tokens.clone())?)),
        Piece::Continued { text, laid_out, rest } => {
            let head = text_piece(text, *laid_out)?;
            let rest = unparse(rest.clone())?;
            // Without the block's closing brace, and without `rest`'s opening (which the
            // formatter may break over lines: it ends at the first brace that ends a line).
            let head = head.trim_end().strip_suffix('}').unwrap_or(&head);
            let rest = rest.split_once("{\n").map_or("", |(_, items)| items);
            Ok(Cow::Owned(format!("{head}{rest}")))
        }
    }
}

fn text_piece(text: &str, laid_out: bool) -> std::result::Result<Cow<'_, str>, syn::Error> {
    if laid_out {
        return Ok(Cow::Borrowed(text));
    }
    Ok(Cow::Owned(prettyplease::unparse(&syn::parse_file(text)?)))
}

fn format_error(path: &std::path::Path, error: syn::Error) -> Error {
    Error::Format { file: path.display().to_string(), message: error.to_string() }
}

/// Declarations of the same kind that read best as one block.
fn declaration_kind(line: &str) -> Option<&'static str> {
    let line = line.strip_prefix("pub ").unwrap_or(line);
    if line.starts_with("use ") {
        Some("use")
    } else if line.starts_with("mod ") && line.ends_with(';') {
        Some("mod")
    } else {
        None
    }
}

fn starts_item(line: &str) -> bool {
    const STARTS: &[&str] = &[
        "#[",
        "///",
        "pub ",
        "pub(",
        "fn ",
        "async fn ",
        "impl ",
        "impl<",
        "struct ",
        "enum ",
        "type ",
        "const ",
        "mod ",
        "use ",
        "trait ",
    ];
    STARTS.iter().any(|start| line.starts_with(start))
}

/// prettyplease prints items back to back; a blank line between items (and after the module
/// docs) makes the output read like hand-formatted code. The lines go after `out`.
pub fn space_items(mut out: String, text: &str) -> String {
    out.reserve(text.len() + text.len() / 16);
    let mut previous: Option<&str> = None;
    for line in text.lines() {
        if let Some(previous) = previous {
            let (prev_trim, trim) = (previous.trim_start(), line.trim_start());
            let same_indent = previous.len() - prev_trim.len() == line.len() - trim.len();
            let after_item = !prev_trim.starts_with("//") && (prev_trim == "}" || prev_trim.ends_with(';'));
            let same_block = declaration_kind(prev_trim).is_some()
                && declaration_kind(prev_trim) == declaration_kind(trim);
            let after_module_docs = prev_trim.starts_with("//!") && !trim.starts_with("//!");
            if after_module_docs || (same_indent && after_item && starts_item(trim) && !same_block) {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_separated_by_blank_lines() {
        let text = "//! Docs.\nuse a;\nuse b;\nmod c;\npub mod d;\npub struct S {\n    pub a: u8,\n    /// B.\n    pub b: u8,\n}\nimpl S {\n    fn f() {\n        let x = 1;\n        g(x);\n    }\n    fn h() {}\n}\n";
        let expected = "//! Docs.\n\nuse a;\nuse b;\n\nmod c;\npub mod d;\n\npub struct S {\n    pub a: u8,\n    /// B.\n    pub b: u8,\n}\n\nimpl S {\n    fn f() {\n        let x = 1;\n        g(x);\n    }\n\n    fn h() {}\n}\n";
        assert_eq!(space_items(String::new(), text), expected);
        assert_eq!(
            space_items("// head\n\n".to_owned(), "use a;\nfn b() {}\n"),
            "// head\n\nuse a;\n\nfn b() {}\n"
        );
    }
}
