//! Rust source written as text, for the items that make up most of a crate (the types, and
//! each operation's parameters, setters, accessor and `Endpoint` impl): laid out line by line
//! as the formatter lays them out, so that formatting them is copying them. An item the
//! formatter could lay out otherwise (a line long enough that it might break it, or a layout
//! this writer does not follow) is marked, and `format` lays it out as it does token streams.

use std::fmt::{Display, Write as _};

use proc_macro2::TokenStream;

use super::rust::{closed_literal_end, literal_end};
use crate::escape;

/// The longest line (indentation included) the formatter keeps whole however it could break
/// it: a function signature up to this width stays on one line.
pub const WIDTH: usize = 89;

/// Some items of a module.
#[derive(Debug, Clone)]
pub enum Piece {
    /// Written as text; `laid_out` when laid out as the formatter would lay it out (if no
    /// line is long).
    Text { text: String, laid_out: bool },
    /// Tokens, for the formatter to lay out.
    Tokens(TokenStream),
    /// A block written as text (`impl X { .. }`, its closing brace last) that goes on with
    /// more items the formatter lays out: `rest` is a block of the same opening line holding
    /// them, which takes the place of the text's closing brace.
    Continued { text: String, laid_out: bool, rest: TokenStream },
}

/// What a [`Source`] wrote, as a [`Piece::Text`] becomes: text alone, which (unlike tokens)
/// can be written on one thread and laid out on another.
#[derive(Debug)]
pub struct Written {
    pub text: String,
    pub laid_out: bool,
}

impl From<Written> for Piece {
    fn from(written: Written) -> Self {
        Piece::Text { text: written.text, laid_out: written.laid_out }
    }
}

/// Writes lines of Rust source at an indentation of four spaces a level.
#[derive(Debug, Default)]
pub struct Source {
    text: String,
    depth: usize,
    /// Whether something written is not laid out as the formatter would lay it out.
    needs_layout: bool,
}

impl Source {
    pub fn new() -> Self {
        Self::default()
    }

    /// A writer whose lines start `depth` levels deep: items for a block another writer opens.
    pub fn within(depth: usize) -> Self {
        Self { depth, ..Self::default() }
    }

    /// One line at the current depth. A line of code too long for the formatter to keep,
    /// with somewhere it could break it, marks what is written as needing its layout: the
    /// writer's methods break what they know how to break before it comes to that.
    pub fn line(&mut self, line: impl Display) {
        let start = self.text.len();
        self.fitted_line(line);
        let written = &self.text[start..self.text.len() - 1];
        if written.len() > WIDTH && might_break(written.trim_start()) {
            self.needs_layout = true;
        }
    }

    /// A line a method of this writer found fits as the formatter measures it (which may
    /// leave a last comma out of the width).
    fn fitted_line(&mut self, line: impl Display) {
        self.push_indent();
        // Writing to a `String` cannot fail.
        let _ = writeln!(self.text, "{line}");
    }

    /// `parts` written one after another as a line at the current depth, where it fits (the
    /// formatter leaving its last `uncounted` bytes out of the width); otherwise nothing is
    /// written, and each part's text is given back for the caller to break. Most lines fit:
    /// they are written in place, with no text made for them first.
    fn fitting_line<const N: usize>(
        &mut self,
        parts: [&dyn Display; N],
        uncounted: usize,
    ) -> Option<[String; N]> {
        let start = self.text.len();
        self.push_indent();
        let mut ends = [0; N];
        for (part, end) in parts.iter().zip(&mut ends) {
            // Writing to a `String` cannot fail.
            let _ = write!(self.text, "{part}");
            *end = self.text.len();
        }
        if self.text.len() - start - uncounted <= WIDTH {
            self.text.push('\n');
            return None;
        }
        let mut from = start + self.indent();
        let texts = ends.map(|end| {
            let text = self.text[from..end].to_owned();
            from = end;
            text
        });
        self.text.truncate(start);
        Some(texts)
    }

    fn push_indent(&mut self) {
        for _ in 0..self.depth {
            self.text.push_str("    ");
        }
    }

    /// A line that opens a block (`struct X {`, `fn f() {`): what follows is one level deeper.
    pub fn open(&mut self, line: impl Display) {
        self.line(line);
        self.depth += 1;
    }

    /// A line that closes the innermost open block (`}`, `};`).
    pub fn close(&mut self, line: impl Display) {
        self.depth = self.depth.saturating_sub(1);
        self.line(line);
    }

    /// A line that closes a block and opens another (`) -> Self {`, `} else {`).
    pub fn reopen(&mut self, line: impl Display) {
        self.close(line);
        self.depth += 1;
    }

    /// How wide the indentation of the current depth is.
    fn indent(&self) -> usize {
        4 * self.depth
    }

    /// Whether `line` at the current depth is within the width the formatter keeps.
    pub fn fits(&self, line: &str) -> bool {
        self.fits_width(line.len())
    }

    /// Whether text `width` columns wide at the current depth is within the width the
    /// formatter keeps.
    fn fits_width(&self, width: usize) -> bool {
        self.indent() + width <= WIDTH
    }

    /// A function signature that opens its body (`head(params) -> Self {`): on one line where
    /// it fits, else one parameter a line, as the formatter breaks it.
    pub fn signature(&mut self, head: impl Display, params: &[String], tail: &str) {
        let line = format!("{head}({}){tail}", comma_list(params));
        if self.fits(&line) {
            self.open(line);
            return;
        }
        if params.is_empty() {
            self.returning(&format!("{head}()"), tail);
            return;
        }
        self.open(format_args!("{head}("));
        for (index, param) in params.iter().enumerate() {
            let last = index + 1 == params.len();
            match param.split_once(": ") {
                Some((name, ty)) => self.typed(format_args!("{name}: "), ty, !last),
                None => self.line(format_args!("{param},")),
            }
        }
        self.depth -= 1;
        self.returning(")", tail);
    }

    /// The end of a signature (`before`, then ` -> Type {`), opening the body: where it does
    /// not fit, a generic return type is broken into its arguments, a line each.
    fn returning(&mut self, before: &str, tail: &str) {
        let line = format!("{before}{tail}");
        let broken = if self.fits(&line) {
            None
        } else {
            tail.strip_prefix(" -> ").and_then(|tail| tail.strip_suffix(" {")).and_then(generic_arguments)
        };
        match broken {
            Some((outer, arguments)) => {
                self.open(format_args!("{before} -> {outer}<"));
                self.list(&arguments, true);
                self.reopen("> {");
            }
            None => self.open(line),
        }
    }

    /// `name: Type,` (a struct's member or a parameter, `name` with what comes before it);
    /// a generic type that makes the line too long is broken as the formatter breaks it, its
    /// arguments a line each.
    pub fn field(&mut self, name: impl Display, ty: impl Display) {
        self.typed(format_args!("{name}: "), ty, true);
    }

    /// `Name(Type),` in an enum: where it does not fit, the type on a line of its own (itself
    /// broken as [`Source::field`] breaks a type), as the formatter breaks it.
    pub fn tuple_variant(&mut self, name: &str, ty: &str) {
        let line = format!("{name}({ty}),");
        if self.fits(&line) {
            self.line(line);
            return;
        }
        self.open(format_args!("{name}("));
        self.typed("", ty, false);
        self.close("),");
    }

    /// A type and its comma after `prefix` (`name: `, or nothing), for a member, a parameter
    /// or a variant's type: the formatter counts a struct member's comma in its width, and a
    /// parameter's, but not the last parameter's nor a variant's (the last of a list).
    fn typed(&mut self, prefix: impl Display, ty: impl Display, comma_counts: bool) {
        let parts: [&dyn Display; 3] = [&prefix, &ty, &","];
        let Some([prefix, ty, _]) = self.fitting_line(parts, usize::from(!comma_counts)) else { return };
        match generic_arguments(&ty) {
            Some((outer, arguments)) => {
                self.open(format_args!("{prefix}{outer}<"));
                self.list(&arguments, true);
                self.close(">,");
            }
            None => self.line(format_args!("{prefix}{ty},")),
        }
    }

    /// `name: value,` in a struct literal: where it does not fit, a value that calls methods
    /// is broken before each call, as the formatter breaks a chain. The formatter counts the
    /// comma in the width, except the `last` member's.
    pub fn init(&mut self, name: impl Display, value: impl Display, last: bool) {
        let parts: [&dyn Display; 4] = [&name, &": ", &value, &","];
        let Some([name, _, value, _]) = self.fitting_line(parts, usize::from(last)) else { return };
        let calls = chain(&value);
        if calls.len() < 2 {
            self.line(format_args!("{name}: {value},"));
        } else {
            self.chain(&format!("{name}: "), &calls, ",");
        }
    }

    /// The expression that ends a block: on one line where it fits, else a method chain
    /// broken before each call, as the formatter breaks it.
    pub fn expression(&mut self, value: &str) {
        let calls = chain(value);
        if self.fits(value) || calls.len() < 2 {
            self.line(value);
        } else {
            self.chain("", &calls, "");
        }
    }

    /// A match arm (`pattern => value,`): on one line where it fits (its comma not counted),
    /// else the value in a block of its own, as the formatter breaks it. A pattern too long
    /// for `pattern => {` is left to the formatter.
    pub fn arm(&mut self, pattern: impl Display, value: impl Display) {
        let parts: [&dyn Display; 4] = [&pattern, &" => ", &value, &","];
        let Some([pattern, _, value, _]) = self.fitting_line(parts, 1) else { return };
        let open = format!("{pattern} => {{");
        if self.fits(&open) {
            self.open(open);
            self.expression(&value);
            self.close("}");
        } else {
            self.line(format_args!("{pattern} => {value},"));
            self.needs_layout();
        }
    }

    /// A receiver and its calls (see [`chain`]), each call on a line of its own one level
    /// deeper; `prefix` before the receiver, `suffix` after the last call.
    fn chain(&mut self, prefix: &str, calls: &[&str], suffix: &str) {
        self.line(format_args!("{prefix}{}", calls[0]));
        self.depth += 1;
        for (index, call) in calls.iter().enumerate().skip(1) {
            let end = if index + 1 == calls.len() { suffix } else { "" };
            self.chained_call(call, end);
        }
        self.depth -= 1;
    }

    /// One call of a broken chain (`.name(args)?`, then `end`): on one line where it fits,
    /// else its arguments a line each, as the formatter breaks them.
    fn chained_call(&mut self, call: &str, end: &str) {
        if self.fitting_line([&".", &call, &end], 0).is_none() {
            return;
        }
        match call_arguments(call) {
            Some((name, arguments, after)) if !arguments.is_empty() => {
                self.open(format_args!(".{name}("));
                self.list(&arguments, true);
                self.close(format_args!("){after}{end}"));
            }
            _ => self.line(format_args!(".{call}{end}")),
        }
    }

    /// A statement that calls a method and ends with `tail` (`receiver.name(args)?;`): on one
    /// line where it fits, else the call on a line of its own, broken as
    /// [`Source::chained_call`] breaks it.
    pub fn method_statement(&mut self, receiver: impl Display, call: impl Display, tail: &str) {
        let parts: [&dyn Display; 4] = [&receiver, &".", &call, &tail];
        let Some([receiver, _, call, _]) = self.fitting_line(parts, 0) else { return };
        self.line(receiver);
        self.depth += 1;
        self.chained_call(&call, tail);
        self.depth -= 1;
    }

    /// `impl Trait for Type {`, broken before `for` where it does not fit, as the formatter
    /// breaks it; it opens the block.
    pub fn impl_header(&mut self, head: &str, tail: &str) {
        let line = format!("{head} {tail}");
        if self.fits(&line) {
            self.open(line);
        } else {
            self.line(head);
            self.open(tail);
        }
    }

    /// `impl Outer<Type> {`, the type on a line of its own where it does not fit, as the
    /// formatter breaks it; it opens the block.
    pub fn generic_impl_header(&mut self, outer: &str, ty: &str) {
        let line = format!("impl {outer}<{ty}> {{");
        if self.fits(&line) {
            self.open(line);
        } else {
            self.open(format_args!("impl {outer}<"));
            self.line(format_args!("{ty},"));
            self.reopen("> {");
        }
    }

    /// A statement that calls a method (`receiver.method(args);`), broken as
    /// [`Source::method_statement`] breaks it.
    pub fn method_call(&mut self, receiver: &str, method: &str, args: &[String]) {
        self.method_statement(receiver, format_args!("{method}({})", comma_list(args)), ";");
    }

    /// A call (`callee(args)`, then `tail`): on one line where it fits, else one argument a
    /// line with a trailing comma, as the formatter breaks it.
    pub fn call(&mut self, callee: &str, args: &[String], tail: &str) {
        let line = format!("{callee}({}){tail}", comma_list(args));
        if self.fits(&line) {
            self.line(line);
            return;
        }
        self.open(format_args!("{callee}("));
        self.list(args, true);
        self.close(format_args!("){tail}"));
    }

    /// An attribute with arguments (`#[serde(rename = "x", default)]`): on one line where it
    /// fits, else one argument a line, as the formatter breaks it.
    pub fn attribute(&mut self, path: &str, args: &[String]) {
        let line = format!("#[{path}({})]", comma_list(args));
        if self.fits(&line) {
            self.line(line);
            return;
        }
        self.open(format_args!("#[{path}("));
        self.list(args, false);
        self.close(")]");
    }

    /// `items` one a line, each followed by a comma; the last one only with `last_comma`
    /// (broken call arguments have it, broken attribute arguments do not).
    fn list<T: Display>(&mut self, items: &[T], last_comma: bool) {
        for (index, item) in items.iter().enumerate() {
            if index + 1 == items.len() && !last_comma {
                self.line(item);
            } else {
                self.line(format_args!("{item},"));
            }
        }
    }

    /// `#[cfg(any(a, b))]`, broken as the formatter breaks it: the whole on one line where it
    /// fits, else `any(..)` on a line of its own, else one condition a line.
    pub fn cfg_any(&mut self, conditions: &[String]) {
        let any = format!("any({})", comma_list(conditions));
        if self.fits_width("#[cfg()]".len() + any.len()) {
            self.line(format_args!("#[cfg({any})]"));
            return;
        }
        self.open("#[cfg(");
        if self.fits(&any) {
            self.line(any);
        } else {
            self.open("any(");
            self.list(conditions, false);
            self.close(")");
        }
        self.close(")]");
    }

    /// Outer doc comments (`///`) of the given paragraphs, as [`super::docs::doc_attrs`]
    /// writes them.
    pub fn docs<'a>(&mut self, paragraphs: impl IntoIterator<Item = Option<&'a str>>) {
        self.doc_lines("///", "#", paragraphs);
    }

    /// Inner doc comments (`//!`), the inner counterpart of [`super::docs::doc_attrs`].
    pub fn inner_docs<'a>(&mut self, paragraphs: impl IntoIterator<Item = Option<&'a str>>) {
        self.doc_lines("//!", "#!", paragraphs);
    }

    fn doc_lines<'a>(
        &mut self,
        comment: &str,
        attr: &str,
        paragraphs: impl IntoIterator<Item = Option<&'a str>>,
    ) {
        for line in escape::markdown_lines(paragraphs) {
            self.doc_line(comment, attr, &line);
        }
    }

    /// One outer doc line as written (a line of an example the generator wrote).
    pub fn doc_verbatim(&mut self, line: &str) {
        self.doc_line("///", "#", line);
    }

    fn doc_line(&mut self, comment: &str, attr: &str, line: &str) {
        if line.is_empty() {
            self.line(comment);
        } else if line.contains(['\n', '\r']) {
            // A line comment cannot hold it (Markdown lines never do): an attribute, which the
            // formatter writes as it sees fit.
            self.line(format_args!("{attr}[doc = {}]", escape::rust_string(&format!(" {line}"))));
            self.needs_layout = true;
        } else {
            self.line(format_args!("{comment} {}", line.trim_end_matches(' ')));
        }
    }

    /// What `other` wrote (at the top level), written again here.
    pub fn extend(&mut self, other: &Source) {
        self.text.push_str(&other.text);
        self.needs_layout |= other.needs_layout;
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Marks what is written as needing the formatter's layout.
    pub fn needs_layout(&mut self) {
        self.needs_layout = true;
    }

    /// What was written, continued by the items of `rest` (see [`Piece::Continued`]).
    pub fn finish_with(self, rest: TokenStream) -> Piece {
        Piece::Continued { text: self.text, laid_out: !self.needs_layout, rest }
    }

    pub fn finish(self) -> Piece {
        self.written().into()
    }

    /// [`Source::finish`], to be sent to another thread.
    pub fn written(self) -> Written {
        Written { text: self.text, laid_out: !self.needs_layout }
    }

    /// Whether what was written is laid out as the formatter would lay it out.
    pub fn laid_out(&self) -> bool {
        !self.needs_layout
    }

    /// What was written.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// A method chain's receiver and calls (`a.b().c(d)` is `a`, `b()` and `c(d)`); a value
/// with no call outside brackets and string literals is its receiver alone.
fn chain(value: &str) -> Vec<&str> {
    top_level_split(value, b'.', false).0
}

/// A call's name, its top-level arguments and what follows its closing parenthesis
/// (`value(a, "b")?` is `value`, `a` and `"b"`, and `?`).
fn call_arguments(call: &str) -> Option<(&str, Vec<&str>, &str)> {
    let open = call.find('(')?;
    let inside = &call[open + 1..];
    let (mut arguments, close) = top_level_split(inside, b',', true);
    let close = close?;
    arguments.iter_mut().for_each(|argument| *argument = argument.trim());
    arguments.retain(|argument| !argument.is_empty());
    Some((&call[..open], arguments, &inside[close + 1..]))
}

/// `text` split at each `separator` outside brackets and string literals; with `to_close`, up
/// to a closing bracket it did not open (whose index comes second), else to the end.
fn top_level_split(text: &str, separator: u8, to_close: bool) -> (Vec<&str>, Option<usize>) {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let (mut depth, mut start, mut index) = (0usize, 0, 0);
    while index < bytes.len() {
        match bytes[index] {
            b'"' => {
                index = literal_end(bytes, index, b'"');
                continue;
            }
            b'(' | b'<' | b'[' => depth += 1,
            b')' | b']' if depth == 0 && to_close => {
                parts.push(&text[start..index]);
                return (parts, Some(index));
            }
            b')' | b'>' | b']' => depth = depth.saturating_sub(1),
            byte if byte == separator && depth == 0 => {
                parts.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
        index += 1;
    }
    parts.push(&text[start..]);
    (parts, None)
}

/// Whether the formatter might break a line of code that is too long for it: one with
/// generics, a list, an assignment, a pattern or a `for`. A comment, or a name or path (with
/// the bracket that opens a broken list, or the comma that ends it), a string literal, or a
/// type alias of a path, it has nowhere to break.
fn might_break(code: &str) -> bool {
    if code.starts_with("//") {
        return false;
    }
    let Some(code) = without_string_contents(code) else { return true };
    let code = code.trim_end_matches([',', ';', '{', '(', '<', ' ']);
    let code = code.replace(" = \"\"", "");
    let code = match code.strip_prefix("pub ").unwrap_or(&code).strip_prefix("type ") {
        Some(alias) => alias.split_once(" = ").map_or(alias, |(_, ty)| ty),
        None => &code,
    };
    code.contains(['<', '(', '=', ',', '|', '&']) || code.contains(" for ")
}

/// A line with its string literals emptied (`"a(b)"` is `""`); `None` where it is not sure
/// what a literal holds (a character or a lifetime outside them, or a literal left open).
fn without_string_contents(code: &str) -> Option<String> {
    if !code.contains(['"', '\'']) {
        return Some(code.to_owned());
    }
    let bytes = code.as_bytes();
    let mut out = String::with_capacity(code.len());
    let (mut start, mut index) = (0, 0);
    while index < bytes.len() {
        match bytes[index] {
            b'\'' => return None,
            b'"' => {
                let end = closed_literal_end(bytes, index, b'"')?;
                out.push_str(&code[start..index]);
                out.push_str("\"\"");
                (start, index) = (end, end);
            }
            _ => index += 1,
        }
    }
    out.push_str(&code[start..]);
    Some(out)
}

/// A generic type's outer part and its arguments (`Vec<u8>` is `Vec` and `u8`); `None` for a
/// type that does not end with its arguments.
fn generic_arguments(ty: &str) -> Option<(&str, Vec<&str>)> {
    let (outer, inner) = ty.strip_suffix('>')?.split_once('<')?;
    let mut arguments = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (index, byte) in inner.bytes().enumerate() {
        match byte {
            b'<' | b'(' => depth += 1,
            b'>' | b')' => depth = depth.checked_sub(1)?,
            b',' if depth == 0 => {
                arguments.push(inner[start..index].trim());
                start = index + 1;
            }
            _ => {}
        }
    }
    arguments.push(inner[start..].trim());
    Some((outer, arguments))
}

/// Separated by `", "`: arguments, attribute arguments, features.
pub fn comma_list<T: Display>(items: impl IntoIterator<Item = T>) -> String {
    let mut out = String::new();
    for (index, item) in items.into_iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{item}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_indent_and_docs_are_line_comments() {
        let mut source = Source::new();
        source.docs([Some("A thing.  "), Some("More.")]);
        source.open("pub struct A {");
        source.line("pub a: u8,");
        source.close("}");
        let Piece::Text { text, laid_out } = source.finish() else { unreachable!("text") };
        assert_eq!(text, "/// A thing.\n///\n/// More.\npub struct A {\n    pub a: u8,\n}\n");
        assert!(laid_out);
    }

    #[test]
    fn generic_types_split_into_their_arguments() {
        assert_eq!(generic_arguments("Vec<u8>"), Some(("Vec", vec!["u8"])));
        let map = "std::collections::BTreeMap<String, Vec<Option<X>>>";
        assert_eq!(
            generic_arguments(map),
            Some(("std::collections::BTreeMap", vec!["String", "Vec<Option<X>>"]))
        );
        let list = "impl IntoIterator<Item = impl Into<types::X>>";
        assert_eq!(generic_arguments(list), Some(("impl IntoIterator", vec!["Item = impl Into<types::X>"])));
        assert_eq!(generic_arguments("types::Name"), None);
    }

    #[test]
    fn chains_split_into_receiver_and_calls() {
        assert_eq!(
            chain("a.into_iter().map(Into::into).collect()"),
            ["a", "into_iter()", "map(Into::into)", "collect()"]
        );
        assert_eq!(chain("f(a.b)"), ["f(a.b)"]);
        assert_eq!(chain("\"v1.2\\\".3\".len()"), ["\"v1.2\\\".3\"", "len()"]);
    }

    #[test]
    fn only_lines_the_formatter_could_break_might_break() {
        for code in [
            "pub fn a_very_long_name(",
            ") -> Call<",
            "path: \"/a/b(c='{d}', e=<f>)\",",
            "feature = \"a_feature\",",
            "type Output = types::Name;",
            "pub field: types::Name,",
            "/// Docs, (with) <all> = sorts, of | things & more",
            "Name {},",
        ] {
            assert!(!might_break(code), "{code}");
        }
        for code in [
            "fn reply() -> Reply<types::Name> {",
            "name: name.into(),",
            "Self::Variant => \"variant\",",
            "Variant(Box<Name>),",
            "type Output = Vec<Name>;",
            "impl Trait for Name {",
            "#[serde(rename = \"a\")]",
            "x: &'static str,",
        ] {
            assert!(might_break(code), "{code}");
        }
    }

    #[test]
    fn a_too_long_line_the_writer_could_not_break_needs_layout() {
        let mut source = Source::new();
        source.line(format_args!("let x = f({});", "a".repeat(WIDTH)));
        let Piece::Text { laid_out, .. } = source.finish() else { unreachable!("text") };
        assert!(!laid_out);
        let mut source = Source::new();
        source.line(format_args!("pub fn {}(", "a".repeat(WIDTH)));
        let Piece::Text { laid_out, .. } = source.finish() else { unreachable!("text") };
        assert!(laid_out);
    }

    fn written(write: impl FnOnce(&mut Source)) -> String {
        let mut source = Source::new();
        source.depth = 3;
        write(&mut source);
        let Piece::Text { text, laid_out } = source.finish() else { unreachable!("text") };
        assert!(laid_out, "{text}");
        text
    }

    #[test]
    fn an_arm_too_long_for_its_line_takes_a_block_and_then_breaks_its_chain() {
        let value = "runtime::response::error_body(body).map(ErrorBody::V)";
        assert_eq!(written(|s| s.arm("400", value)), format!("            400 => {value},\n"));
        // Its comma is not counted: 90 columns with it still fit.
        let exact = format!("runtime::response::error_body(body).map(ErrorBody::{})", "V".repeat(18));
        assert_eq!(written(|s| s.arm("400", &exact)).len(), 91);
        let long =
            format!("runtime::response::error_body(body).map(Box::new).map(ErrorBody::{})", "V".repeat(12));
        assert_eq!(
            written(|s| s.arm("400 | 500", &long)),
            format!(
                "            400 | 500 => {{\n                runtime::response::error_body(body)\n                    .map(Box::new)\n                    .map(ErrorBody::{})\n            }}\n",
                "V".repeat(12)
            )
        );
    }

    #[test]
    fn a_pattern_too_long_for_its_block_is_left_to_the_formatter() {
        let mut source = Source::new();
        source.arm(["400"; 20].join(" | "), "None");
        let Piece::Text { laid_out, .. } = source.finish() else { unreachable!("text") };
        assert!(!laid_out);
    }

    #[test]
    fn a_tuple_variant_too_long_puts_its_type_on_a_line_of_its_own() {
        let ty = format!("Box<{}>", "X".repeat(67));
        assert_eq!(
            written(|s| s.tuple_variant("Name", &ty)),
            format!("            Name(\n                {ty},\n            ),\n")
        );
        assert_eq!(written(|s| s.tuple_variant("Name", "u8")), "            Name(u8),\n");
    }

    #[test]
    fn a_too_long_return_type_breaks_into_its_arguments() {
        let ty = format!("types::{}", "X".repeat(60));
        assert_eq!(
            written(|s| s.signature("fn reply", &[], &format!(" -> Reply<{ty}> {{"))),
            format!("            fn reply() -> Reply<\n                {ty},\n            > {{\n")
        );
    }

    #[test]
    fn a_parameter_s_comma_counts_in_its_width_unless_it_is_the_last() {
        // `        name: Vec<X..>,` is 90 columns: too wide with its comma, not without.
        let param = format!("name: Vec<{}>", "X".repeat(70));
        let mut source = Source::new();
        source.depth = 1;
        source.signature("pub fn f", &[param.clone(), "a: u8".to_owned()], " {");
        source.depth = 1;
        source.signature("pub fn g", &["a: u8".to_owned(), param.clone()], " {");
        let Piece::Text { text, laid_out } = source.finish() else { unreachable!("text") };
        assert!(laid_out);
        let x = "X".repeat(70);
        let broken = format!("        name: Vec<\n            {x},\n        >,\n        a: u8,\n");
        let whole = format!("        a: u8,\n        {param},\n");
        assert!(text.contains(&broken) && text.contains(&whole), "{text}");
    }

    #[test]
    fn a_doc_line_with_a_carriage_return_is_an_attribute_left_to_the_formatter() {
        let mut source = Source::new();
        source.doc_line("///", "#", "a\rb");
        let Piece::Text { text, laid_out } = source.finish() else { unreachable!("text") };
        assert!(text.starts_with("#[doc = \" a\\rb\"]"), "{text}");
        assert!(!laid_out);
    }
}
