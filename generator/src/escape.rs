//! Spec text as data: one function per place spec text is written to (rustdoc Markdown, an
//! inline code span, a Markdown table cell, a Rust string literal, a line comment, a TOML
//! string). Emitters never paste spec text anywhere without one of these.
//!
//! Doc comments and the README (which is also the crate's documentation) are Markdown that
//! rustdoc reads: any code block in them that is not fenced as `text` would be compiled and
//! run by `cargo test`. Descriptions are normalised so their code stays readable as `text`
//! blocks, then checked with the Markdown parser rustdoc uses; a paragraph that still holds
//! any other code block is written with every block marker escaped.

use std::borrow::Cow;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

/// Characters `rustc` refuses in literals and comments (`text_direction_codepoint_in_*`):
/// they can make source read differently from how it compiles.
const BIDI: &[char] = &[
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}',
];

/// The lines of a rustdoc Markdown text made of the given paragraphs (empty ones skipped),
/// separated by blank lines. No code block in the result is anything but `text`.
pub fn markdown_lines<'a>(paragraphs: impl IntoIterator<Item = Option<&'a str>>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut sources = Vec::new();
    for paragraph in paragraphs.into_iter().flatten() {
        let paragraph = visible(paragraph);
        let mut lines = normalise(&paragraph);
        if !runs_no_code(&lines) {
            lines = literal(&paragraph);
        }
        if lines.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(String::new());
        }
        out.extend(lines);
        sources.push(paragraph);
    }
    // One paragraph is its own lines, checked above (or, where they were not safe, its lines
    // as prose, which are what the check below would fall back to).
    if sources.len() < 2 || runs_no_code(&out) {
        return out;
    }
    // Paragraphs that are safe alone can still combine (an open list item, say).
    let mut literal_out: Vec<String> = Vec::new();
    for paragraph in sources {
        if !literal_out.is_empty() {
            literal_out.push(String::new());
        }
        literal_out.extend(literal(&paragraph));
    }
    literal_out
}

/// Inline code showing `text` exactly, on one line (line breaks become spaces).
pub fn code_span(text: &str) -> String {
    let text: String = visible(text).chars().map(|c| if c.is_whitespace() { ' ' } else { c }).collect();
    if text.is_empty() {
        return "(empty)".to_owned();
    }
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = text.starts_with('`') || text.ends_with('`') || (text.starts_with(' ') && text.ends_with(' '));
    let pad = if pad { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Prose placed inside a line we write (a title in a sentence, a table cell): whitespace,
/// line breaks included, collapsed to single spaces, so it cannot open a block; `|` escaped
/// so it cannot end a table cell.
pub fn inline(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    visible(&words.join(" ")).replace('|', "\\|")
}

/// A Markdown table cell: [`inline`], with `|` escaped inside code spans too.
pub fn table_cell_code(text: &str) -> String {
    code_span(text).replace('|', "\\|")
}

/// A Rust string literal holding `text`.
pub fn rust_string(text: &str) -> String {
    // Printable ASCII but the quote and the backslash is written as it is: the common case,
    // without the literal's escaping pass.
    if text.bytes().all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\') {
        return format!("\"{text}\"");
    }
    proc_macro2::Literal::string(text).to_string()
}

/// Text for a line comment (Rust `//`, TOML `#`): one line, control and direction
/// characters written as escapes.
pub fn comment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || BIDI.contains(&c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A TOML basic string holding `text`.
pub fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// `text` with the characters rustc refuses in source replaced by their escapes.
fn visible(text: &str) -> String {
    // Each of them is three bytes in UTF-8, the first 0xE2: most text has no such byte, and
    // finding a byte is quicker than matching each character against the list.
    if memchr::memchr(0xE2, text.as_bytes()).is_none() || !text.contains(BIDI) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| if BIDI.contains(&c) { c.escape_unicode().to_string() } else { c.to_string() })
        .collect()
}

/// Whether rustdoc would find no code block but `text` ones in these lines, and nothing in
/// them left open (an HTML block that only `?>` or `-->` ends) takes in what follows them: a
/// code block after them is still read as one.
fn runs_no_code(lines: &[String]) -> bool {
    lines.iter().all(|line| cannot_open_block(line)) || parser_finds_no_code(lines)
}

/// Whether a line can open no code block and no HTML block, seen without parsing: the
/// common case. A fence takes three backticks or tildes; an indented block, a tab or four
/// spaces in a row; an HTML block, a `<` with nothing before it on its line but
/// indentation and the markers of quotes and list items. Inline code and inline HTML do
/// not open blocks.
fn cannot_open_block(line: &str) -> bool {
    let opens_html =
        |at: usize| line[..at].chars().all(|c| c == ' ' || c.is_ascii_digit() || ">-*+.)".contains(c));
    // One pass over the bytes (a doc's every line comes through here): runs of spaces,
    // backticks and tildes counted, tabs refused, and the first `<` (which has nothing before
    // it that a later one could not also have) looked behind.
    let (mut run_of, mut run) = (0, 0);
    let mut seen_angle = false;
    for (at, &byte) in line.as_bytes().iter().enumerate() {
        match byte {
            b'\t' => return false,
            b' ' | b'`' | b'~' => {
                run = if run_of == byte { run + 1 } else { 1 };
                run_of = byte;
                if run == if byte == b' ' { 4 } else { 3 } {
                    return false;
                }
            }
            _ => {
                run_of = 0;
                if byte == b'<' && !seen_angle {
                    seen_angle = true;
                    if opens_html(at) {
                        return false;
                    }
                }
            }
        }
    }
    true
}

/// [`runs_no_code`] as rustdoc's Markdown parser reads the lines.
fn parser_finds_no_code(lines: &[String]) -> bool {
    const AFTER: &str = "\n\n```rust\n```\n";
    let text = lines.join("\n") + AFTER;
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let mut after_read = false;
    for event in Parser::new_ext(&text, options) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => match info.as_ref() {
                "text" if !after_read => {}
                "rust" if !after_read => after_read = true,
                _ => return false,
            },
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => return false,
            _ => {}
        }
    }
    after_read
}

/// Every line trimmed and its block marker escaped: prose only, whatever the text was.
fn literal(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.split(['\n', '\r']).map(str::trim) {
        if line.is_empty() {
            if out.last().is_some_and(|l| !l.is_empty()) {
                out.push(String::new());
            }
            continue;
        }
        out.push(escape_block_start(line));
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

/// A trimmed line that cannot open a Markdown block: a leading punctuation mark (fence,
/// quote, list bullet, heading, rule, HTML) or the dot of an ordered list is escaped.
fn escape_block_start(line: &str) -> String {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        let rest = &line[digits..];
        if rest.starts_with('.') || rest.starts_with(')') {
            return format!("{}\\{rest}", &line[..digits]);
        }
        return line.to_owned();
    }
    match line.chars().next() {
        Some(c) if c.is_ascii_punctuation() => format!("\\{line}"),
        _ => line.to_owned(),
    }
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

/// The fence that opens a code block at the start of `text`, if one does.
fn fence_marker(text: &str) -> Option<String> {
    (text.starts_with("```") || text.starts_with("~~~"))
        .then(|| text.chars().take_while(|c| *c == '`' || *c == '~').collect())
}

/// Descriptions as readable rustdoc: code fenced as `text` (also in quotes), indentation that
/// would make a code block dropped, list continuations indented under their item.
fn normalise(text: &str) -> Vec<String> {
    let text: Cow<'_, str> = if text.contains(['\r', '\t']) {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n").replace('\t', "    "))
    } else {
        Cow::Borrowed(text)
    };
    let mut out = Vec::new();
    // An open fence: its marker and the prefix its lines carry (`> ` in a quote, the item's
    // indentation in a list).
    let mut fence: Option<(String, String)> = None;
    let mut list_indent: Option<usize> = None;
    let mut quote_open = false;
    // An open indented code block, kept as a `text` fence: the indentation its lines lose,
    // the prefix they get (a list item's), and the blank lines not yet known to be inside it.
    let mut indented: Option<(usize, String, usize)> = None;
    for raw in text.lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some((strip, prefix, blanks)) = &mut indented {
            if trimmed.is_empty() {
                *blanks += 1;
                continue;
            }
            if indent >= *strip {
                for _ in 0..*blanks {
                    out.push(prefix.trim_end().to_owned());
                }
                *blanks = 0;
                out.push(format!("{prefix}{}", &line[*strip..]));
                continue;
            }
            out.push(format!("{prefix}```"));
            out.push(String::new());
            indented = None;
        }
        let base = list_indent.unwrap_or(0);
        let after_blank = out.last().is_none_or(String::is_empty);
        if fence.is_none() && !quote_open && !trimmed.is_empty() && indent >= base + 4 && after_blank {
            let prefix = " ".repeat(base);
            out.push(format!("{prefix}```text"));
            out.push(format!("{prefix}{}", &line[base + 4..]));
            indented = Some((base + 4, prefix, 0));
            continue;
        }
        if let Some((marker, prefix)) = &fence {
            let inner = if prefix.starts_with('>') {
                trimmed.trim_start_matches('>').trim_start()
            } else if prefix.is_empty() {
                line
            } else {
                line.strip_prefix(prefix.as_str()).unwrap_or(trimmed)
            };
            if inner.trim_start().starts_with(marker.as_str()) {
                out.push(format!("{prefix}{marker}"));
                fence = None;
            } else {
                out.push(format!("{prefix}{inner}").trim_end().to_owned());
            }
            continue;
        }
        if let Some(marker) = fence_marker(trimmed) {
            out.push(format!("{marker}text"));
            fence = Some((marker, String::new()));
            list_indent = None;
            quote_open = false;
            continue;
        }
        if trimmed.is_empty() {
            if out.last().is_some_and(|l: &String| !l.is_empty()) {
                out.push(String::new());
            }
            // A list item goes on after a blank line where the next line is indented under it.
            quote_open = false;
            continue;
        }
        if list_indent.is_some_and(|width| after_blank && indent < width && list_marker(trimmed).is_none()) {
            list_indent = None;
        }
        // Leading indentation would make an indented code block (a doctest); it is dropped,
        // and list continuation lines are indented exactly under their item instead.
        if let Some(width) = list_marker(trimmed) {
            list_indent = Some(width);
            quote_open = false;
            let item = trimmed[width..].trim_start();
            if let Some(marker) = fence_marker(item) {
                out.push(format!("{}{marker}text", &trimmed[..width]));
                fence = Some((marker, " ".repeat(width)));
            } else {
                out.push(trimmed.to_owned());
            }
        } else if let Some(quoted) = trimmed.strip_prefix('>') {
            quote_open = true;
            let quoted = quoted.trim_start_matches('>').trim();
            if let Some(marker) = fence_marker(quoted) {
                out.push(format!("> {marker}text"));
                fence = Some((marker, "> ".to_owned()));
            } else {
                out.push(format!("> {quoted}").trim_end().to_owned());
            }
        } else if quote_open {
            out.push(format!("> {trimmed}"));
        } else if let Some(width) = list_indent {
            out.push(format!("{}{trimmed}", " ".repeat(width)));
        } else {
            out.push(trimmed.to_owned());
        }
    }
    if let Some((marker, prefix)) = fence {
        out.push(format!("{prefix}{marker}"));
    }
    if let Some((_, prefix, _)) = indented {
        out.push(format!("{prefix}```"));
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    escape_brackets(out)
}

/// Square brackets in prose escaped, except those of an inline link (`[text](url)`): rustdoc
/// reads any other `[word]` as a link to an item (`data: [DONE]` would be a broken link).
/// Code blocks and code spans keep theirs.
fn escape_brackets(lines: Vec<String>) -> Vec<String> {
    let mut fence: Option<String> = None;
    lines
        .into_iter()
        .map(|line| {
            let trimmed = line.trim_start().trim_start_matches('>').trim_start();
            let trimmed = match list_marker(trimmed) {
                Some(width) => &trimmed[width..],
                None => trimmed,
            };
            if let Some(marker) = &fence {
                if trimmed.starts_with(marker.as_str()) {
                    fence = None;
                }
                return line;
            }
            if let Some(marker) = fence_marker(trimmed) {
                fence = Some(marker);
                return line;
            }
            escape_line_brackets(&line)
        })
        .collect()
}

fn escape_line_brackets(line: &str) -> String {
    // Only brackets are escaped: a line without any is itself.
    if !line.contains(['[', ']']) {
        return line.to_owned();
    }
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        if c == '`' {
            // A code span: copied up to the closing run of as many backticks, if there is one.
            let run = chars[at..].iter().take_while(|c| **c == '`').count();
            let rest: String = chars[at + run..].iter().collect();
            let fence = "`".repeat(run);
            match rest.find(&fence) {
                Some(end) => {
                    let span: String =
                        chars[at..at + run + rest[..end].chars().count() + run].iter().collect();
                    at += span.chars().count();
                    out.push_str(&span);
                }
                None => {
                    out.push_str(&fence);
                    at += run;
                }
            }
            continue;
        }
        if c == '\\' && at + 1 < chars.len() {
            out.push(c);
            out.push(chars[at + 1]);
            at += 2;
            continue;
        }
        if c == '[' {
            if let Some(close) = chars[at..].iter().position(|c| *c == ']') {
                if chars.get(at + close + 1) == Some(&'(') {
                    let link: String = chars[at..=at + close].iter().collect();
                    out.push_str(&link);
                    at += close + 1;
                    continue;
                }
            }
        }
        if c == '[' || c == ']' {
            out.push('\\');
        }
        out.push(c);
        at += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn direction_characters_begin_with_the_byte_looked_for() {
        for c in BIDI {
            assert_eq!(c.to_string().as_bytes()[0], 0xE2, "{c:?}");
        }
    }

    #[test]
    fn lines_seen_to_open_no_block_are_those_the_parser_finds_none_in() {
        let cases = [
            "Use `repo` scope, or ``a`b`` spans, and a <b>bold</b> word.",
            "x < y and ~a~ struck",
            "<pre>",
            "   <div>",
            "> <!-- open",
            "- <?php",
            "10. <![CDATA[",
            "* > <div>",
            "```",
            "~~~",
            "text ``` fence in the middle",
            "    indented",
            "\tcode",
            "-     code in an item",
        ];
        for line in cases {
            let lines = vec!["Before.".to_owned(), line.to_owned(), "After.".to_owned()];
            if cannot_open_block(line) {
                assert!(parser_finds_no_code(&lines), "{line:?} is seen as plain but opens a block");
            }
        }
        assert!(cannot_open_block(cases[0]) && cannot_open_block(cases[1]));
        assert!(cases[2..].iter().all(|line| !cannot_open_block(line)));
    }

    fn lines(text: &str) -> Vec<String> {
        markdown_lines([Some(text)])
    }

    #[test]
    fn code_blocks_never_become_doctests() {
        assert_eq!(lines("Example:\n```\nlet x = 1;\n```"), ["Example:", "```text", "let x = 1;", "```"]);
        assert_eq!(lines("```json\n{}\n```"), ["```text", "{}", "```"]);
        assert_eq!(lines("Run:\n\n    cargo run\n"), ["Run:", "", "```text", "cargo run", "```"]);
        assert_eq!(lines("```\nunclosed"), ["```text", "unclosed", "```"]);
        assert_eq!(lines("> ```rust\n> panic!()\n> ```"), ["> ```text", "> panic!()", "> ```"]);
        assert_eq!(lines("~~~rust\npanic!()\n~~~"), ["~~~text", "panic!()", "~~~"]);
        assert_eq!(lines("- ```rust\n  panic!()\n  ```"), ["- ```text", "  panic!()", "  ```"]);
        assert_eq!(lines("1. ~~~\n   x\n   ~~~"), ["1. ~~~text", "   x", "   ~~~"]);
        assert_eq!(lines(">     panic!()"), ["> panic!()"]);
    }

    #[test]
    fn plain_strings_are_written_as_the_literal_would_write_them() {
        for text in
            ["", "a b", "it's ~ok~ {x}", "/paths/{id}", "tab\there", "quote\"", "back\\slash", "é", "\u{7f}"]
        {
            assert_eq!(rust_string(text), proc_macro2::Literal::string(text).to_string(), "{text:?}");
        }
    }

    #[test]
    fn an_html_block_that_would_take_in_what_follows_is_written_as_prose() {
        assert_eq!(lines("<?"), ["\\<?"]);
        assert_eq!(lines("Before.\n\n<!-- never closed"), ["Before.", "", "\\<!-- never closed"]);
        assert_eq!(lines("<!-- closed -->"), ["<!-- closed -->"]);
    }

    #[test]
    fn what_normalising_cannot_tidy_is_written_as_prose() {
        // A fence inside a quote inside a list item is beyond what normalising follows.
        let nested = lines("- > ```rust\n  > panic!()\n  > ```");
        assert!(runs_no_code(&nested), "{nested:?}");
        assert_eq!(nested[0], "\\- > ```rust");
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
    fn indented_code_keeps_its_indentation_as_text() {
        assert_eq!(
            lines("Sign:\n\n    {METHOD} {path}\n      indented more\n\nAfter."),
            ["Sign:", "", "```text", "{METHOD} {path}", "  indented more", "```", "", "After."]
        );
        assert_eq!(
            lines("* item:\n\n      code line\n\n  more of the item"),
            ["* item:", "", "  ```text", "  code line", "  ```", "", "  more of the item"]
        );
    }

    #[test]
    fn brackets_are_not_links_unless_they_are() {
        assert_eq!(lines("ends with data: [DONE]"), ["ends with data: \\[DONE\\]"]);
        assert_eq!(lines("see [the docs](https://example.com)"), ["see [the docs](https://example.com)"]);
        assert_eq!(lines("`a[0]` and [x]"), ["`a[0]` and \\[x\\]"]);
        assert_eq!(lines("```\nlet a = [1];\n```"), ["```text", "let a = [1];", "```"]);
    }

    #[test]
    fn whitespace_is_tidied() {
        assert_eq!(lines("a\r\n\r\n\r\nb\t "), ["a", "", "b"]);
        assert!(lines("  \n\n ").is_empty());
        assert_eq!(
            markdown_lines([Some("Summary."), None, Some(""), Some("More.")]),
            ["Summary.", "", "More."]
        );
    }

    #[test]
    fn code_spans_hold_any_text_on_one_line() {
        assert_eq!(code_span("plain"), "`plain`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x`"), "`` `x` ``");
        assert_eq!(code_span("two\nlines"), "`two lines`");
    }

    #[test]
    fn comments_stay_on_their_line() {
        assert_eq!(comment("specs/a.yaml"), "specs/a.yaml");
        assert_eq!(comment("a\nname = \"x\""), "a\\nname = \"x\"");
        assert_eq!(comment("\u{202E}x"), "\\u{202e}x");
    }

    /// Markdown-heavy text: fences, quotes, bullets, indentation and line breaks mixed.
    fn markdownish() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("```".to_owned()),
            Just("~~~".to_owned()),
            Just("rust".to_owned()),
            Just("> ".to_owned()),
            Just("- ".to_owned()),
            Just("1. ".to_owned()),
            Just("    ".to_owned()),
            Just("\t".to_owned()),
            Just("\n".to_owned()),
            Just("\n\n".to_owned()),
            Just("<pre>".to_owned()),
            Just("<?".to_owned()),
            Just("<!--".to_owned()),
            Just("panic!()".to_owned()),
            Just("`".to_owned()),
            Just("|".to_owned()),
            Just("\r".to_owned()),
            "[ -~]{0,6}",
            any::<String>(),
        ];
        prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn no_text_becomes_a_doctest(paragraphs in prop::collection::vec(markdownish(), 1..4)) {
            let out = markdown_lines(paragraphs.iter().map(|p| Some(p.as_str())));
            prop_assert!(runs_no_code(&out), "{paragraphs:?} -> {out:?}");
            prop_assert!(out.iter().all(|line| !line.contains(BIDI) && !line.contains(['\n', '\r'])));
        }

        #[test]
        fn lines_are_seen_to_open_no_block_as_their_substrings_say(line in "( |  |`|``|~|~~|\t|<|>|\\*|1\\.|-|a){0,10}") {
            let opens_html =
                |at: usize| line[..at].chars().all(|c| c == ' ' || c.is_ascii_digit() || ">-*+.)".contains(c));
            let by_substrings = !line.contains('\t')
                && !line.contains("    ")
                && !line.contains("```")
                && !line.contains("~~~")
                && line.find('<').is_none_or(|at| !opens_html(at));
            prop_assert_eq!(cannot_open_block(&line), by_substrings, "{:?}", line);
        }

        #[test]
        fn code_spans_are_one_span(text in markdownish()) {
            prop_assume!(!text.is_empty());
            let span = code_span(&text);
            let events: Vec<Event<'_>> = Parser::new(&span).collect();
            let codes = events.iter().filter(|e| matches!(e, Event::Code(_))).count();
            prop_assert_eq!(codes, 1, "{:?} -> {:?}: {:?}", text, span, events);
        }

        #[test]
        fn comments_and_toml_strings_keep_to_their_place(text in any::<String>()) {
            let line = comment(&text);
            prop_assert!(!line.contains(|c: char| c.is_control() || BIDI.contains(&c)));
            let parsed: toml::Table = toml::from_str(&format!("# {line}\nkey = {}", toml_string(&text))).unwrap();
            prop_assert_eq!(parsed.len(), 1);
            prop_assert_eq!(parsed["key"].as_str(), Some(text.as_str()));
        }

        #[test]
        fn rust_strings_are_one_literal(text in any::<String>()) {
            let literal: syn::LitStr = syn::parse_str(&rust_string(&text)).unwrap();
            prop_assert_eq!(literal.value(), text);
        }
    }
}
