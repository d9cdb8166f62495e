//! Doc comments from spec text. Descriptions are Markdown written for other renderers: they
//! must never become doctests (rustdoc compiles fenced and indented code blocks) or trip
//! clippy's doc lints, so they are normalised here.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc]` attributes for the given paragraphs (empty ones are skipped).
pub fn doc_attrs<'a>(paragraphs: impl IntoIterator<Item = Option<&'a str>>) -> TokenStream {
    let lines = doc_lines(paragraphs);
    let lines = lines.iter().map(|line| {
        let text = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#[doc = #text])
    });
    quote!(#(#lines)*)
}

/// The lines of a doc comment: paragraphs separated by blank lines.
pub fn doc_lines<'a>(paragraphs: impl IntoIterator<Item = Option<&'a str>>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for paragraph in paragraphs.into_iter().flatten() {
        let lines = normalise(paragraph);
        if lines.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(String::new());
        }
        out.extend(lines);
    }
    out
}

/// Whether a line starts a Markdown list item; returns the width of its marker.
fn list_marker(line: &str) -> Option<usize> {
    let bullet = ["- ", "* ", "+ "].iter().any(|m| line.starts_with(m));
    if bullet {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && (rest.starts_with(". ") || rest.starts_with(") "))).then_some(digits + 2)
}

fn normalise(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n").replace('\t', "    ");
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    let mut list_indent: Option<usize> = None;
    let mut quote_open = false;
    for raw in text.lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if let Some(marker) = &fence {
            if trimmed.starts_with(marker.as_str()) {
                out.push(marker.clone());
                fence = None;
            } else {
                out.push(line.to_owned());
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            // Code in descriptions is never Rust: fence it as text so it is not a doctest.
            let marker: String = trimmed.chars().take_while(|c| *c == '`' || *c == '~').collect();
            out.push(format!("{marker}text"));
            fence = Some(marker);
            list_indent = None;
            quote_open = false;
            continue;
        }
        if trimmed.is_empty() {
            if out.last().is_some_and(|l: &String| !l.is_empty()) {
                out.push(String::new());
            }
            list_indent = None;
            quote_open = false;
            continue;
        }
        // Leading indentation would make an indented code block (a doctest); it is dropped,
        // and list continuation lines are indented exactly under their item instead.
        if let Some(width) = list_marker(trimmed) {
            list_indent = Some(width);
            quote_open = false;
            out.push(trimmed.to_owned());
        } else if trimmed.starts_with('>') {
            quote_open = true;
            out.push(trimmed.to_owned());
        } else if quote_open {
            out.push(format!("> {trimmed}"));
        } else if let Some(width) = list_indent {
            out.push(format!("{}{trimmed}", " ".repeat(width)));
        } else {
            out.push(trimmed.to_owned());
        }
    }
    if let Some(marker) = fence {
        out.push(marker);
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        doc_lines([Some(text)])
    }

    #[test]
    fn code_blocks_never_become_doctests() {
        assert_eq!(lines("Example:\n```\nlet x = 1;\n```"), ["Example:", "```text", "let x = 1;", "```"]);
        assert_eq!(lines("```json\n{}\n```"), ["```text", "{}", "```"]);
        assert_eq!(lines("Run:\n\n    cargo run\n"), ["Run:", "", "cargo run"]);
        assert_eq!(lines("```\nunclosed"), ["```text", "unclosed", "```"]);
    }

    #[test]
    fn list_continuations_are_indented_under_their_item() {
        assert_eq!(
            lines("Options:\n- first\ncontinued\n- second\n\nAfter."),
            ["Options:", "- first", "  continued", "- second", "", "After."]
        );
        assert_eq!(lines("1. one\n   more"), ["1. one", "   more"]);
        assert_eq!(lines("> quoted\nlazy"), ["> quoted", "> lazy"]);
    }

    #[test]
    fn whitespace_is_tidied() {
        assert_eq!(lines("a\r\n\r\n\r\nb\t "), ["a", "", "b"]);
        assert!(lines("  \n\n ").is_empty());
        assert_eq!(doc_lines([Some("Summary."), None, Some(""), Some("More.")]), ["Summary.", "", "More."]);
    }
}
