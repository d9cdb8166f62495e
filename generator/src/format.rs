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
            // Pieces of whole lines are spaced as they are; others are joined first, as a
            // line may run on from one piece into the next.
            if pieces.iter().all(|piece| piece.is_empty() || piece.ends_with('\n')) {
                space_pieces(header(), &pieces, BYTES_A_TASK)
            } else {
                space_items(header(), &pieces.concat())
            }
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
pub fn space_items(out: String, text: &str) -> String {
    space_lines(out, text.len(), text.lines(), None)
}

/// Bytes of a file's pieces spaced in one task, at least.
const BYTES_A_TASK: usize = 1 << 18;

/// [`space_items`] for pieces of whole lines, after `out`. Whether a line has a blank line
/// before it depends on the line before it alone, so a large file's pieces are spaced in
/// runs of about `bytes_a_task` bytes on whichever thread is free, each run after the last
/// line of the one before, and the runs put in order.
fn space_pieces<S: AsRef<str> + Sync>(out: String, pieces: &[S], bytes_a_task: usize) -> String {
    use rayon::prelude::*;
    let (mut runs, mut start, mut size) = (Vec::new(), 0, 0);
    for (index, piece) in pieces.iter().enumerate() {
        size += piece.as_ref().len();
        if size >= bytes_a_task {
            runs.push(start..index + 1);
            (start, size) = (index + 1, 0);
        }
    }
    if start < pieces.len() || runs.is_empty() {
        runs.push(start..pieces.len());
    }
    fn last_line<S: AsRef<str>>(pieces: &[S]) -> Option<&str> {
        pieces.iter().rev().find_map(|piece| piece.as_ref().lines().next_back())
    }
    let spaced: Vec<String> = runs
        .par_iter()
        .map(|run| {
            let run_pieces = &pieces[run.clone()];
            let size = run_pieces.iter().map(|piece| piece.as_ref().len()).sum();
            let lines = run_pieces.iter().flat_map(|piece| piece.as_ref().lines());
            // The first run has no line before it.
            space_lines(String::new(), size, lines, last_line(&pieces[..run.start]).map(Before::of))
        })
        .collect();
    let mut out = out;
    out.reserve(spaced.iter().map(String::len).sum());
    spaced.iter().for_each(|run| out.push_str(run));
    out
}

/// What decides whether a blank line goes before a line, of the line before it.
#[derive(Clone, Copy)]
struct Before {
    indent: usize,
    /// The line ends an item.
    after_item: bool,
    kind: Option<&'static str>,
    /// The line is of the module's docs.
    module_docs: bool,
}

impl Before {
    fn of(line: &str) -> Self {
        let trim = trim_indent(line);
        Before::trimmed(line, trim)
    }

    fn trimmed(line: &str, trim: &str) -> Self {
        Before {
            indent: line.len() - trim.len(),
            after_item: !trim.starts_with("//") && (trim == "}" || trim.ends_with(';')),
            kind: declaration_kind(trim),
            module_docs: trim.starts_with("//!"),
        }
    }
}

/// [`space_items`] for lines `size` bytes long in all, the first after `previous`.
fn space_lines<'a>(
    mut out: String,
    size: usize,
    lines: impl Iterator<Item = &'a str>,
    mut previous: Option<Before>,
) -> String {
    out.reserve(size + size / 16);
    for line in lines {
        let trim = trim_indent(line);
        let this = Before::trimmed(line, trim);
        if let Some(before) = previous {
            let after_module_docs = before.module_docs && !this.module_docs;
            let same_block = || before.kind.is_some() && before.kind == this.kind;
            if after_module_docs
                || (before.indent == this.indent && before.after_item && starts_item(trim) && !same_block())
            {
                out.push('\n');
            }
        }
        previous = Some(this);
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `line.trim_start()`, quicker for the usual indentation of spaces.
fn trim_indent(line: &str) -> &str {
    let rest = line.trim_start_matches(' ');
    match rest.as_bytes().first() {
        Some(byte) if byte.is_ascii_graphic() => rest,
        None => rest,
        Some(_) => rest.trim_start(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indentation_is_trimmed_as_trim_start_trims_it() {
        for line in ["", "    ", "    fn f() {}", "\tx", "  \u{b}x", "  \u{a0}x", "   \u{2003}}", "}"] {
            assert_eq!(trim_indent(line), line.trim_start(), "{line:?}");
        }
    }

    #[test]
    fn pieces_of_whole_lines_are_spaced_as_their_text_is() {
        let pieces = ["use a;\n", "", "fn b() {}\nfn c() {}\n", "    x;\n}\n"];
        let joined = pieces.concat();
        let spaced = space_pieces(String::new(), &pieces, BYTES_A_TASK);
        assert_eq!(spaced, space_items(String::new(), &joined));
        assert_eq!(spaced, "use a;\n\nfn b() {}\nfn c() {}\n    x;\n}\n");
    }

    #[test]
    fn pieces_spaced_in_runs_are_spaced_as_in_one() {
        let text = "//! Docs.\nuse a;\nuse b;\nmod c;\npub mod d;\npub struct S {\n    pub a: u8,\n    /// B.\n    pub b: u8,\n}\nimpl S {\n    fn f() {\n        let x = 1;\n        g(x);\n    }\n    fn h() {}\n}\ntype T = u8;\n";
        let whole = space_items("// head\n\n".to_owned(), text);
        // A piece a line, and empty pieces between, spaced in runs of every size.
        let lines: Vec<String> = text.lines().map(|line| format!("{line}\n")).collect();
        let pieces: Vec<&str> = lines.iter().flat_map(|line| ["", line.as_str()]).collect();
        for bytes_a_task in 0..text.len() {
            assert_eq!(
                space_pieces("// head\n\n".to_owned(), &pieces, bytes_a_task),
                whole,
                "{bytes_a_task}"
            );
        }
    }

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
