//! Reading one file of a spec into a JSON tree. JSON and YAML are read by one visitor, so
//! both forms of a spec give the same tree and the same leniency:
//!
//! - integers beyond `i64`/`u64` (YAML reads them as 128-bit) become floats, and numbers
//!   beyond `f64` (`1e400`, `.inf`) the largest float of their sign, each with a note;
//! - mapping keys that are not strings (`200:` in YAML) become their text;
//! - YAML merge keys (`<<: *base`) are applied;
//! - a key given twice keeps its last value, with a note;
//! - a byte-order mark is skipped.

use std::cell::RefCell;
use std::fmt;
use std::path::Path;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::{json_parts, Pointer};
use crate::error::Diagnostic;

/// How a file's text is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    /// By extension, else by the first character of the text.
    pub fn of(file: &Path, text: &str) -> Self {
        match file.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("json") => Format::Json,
            Some(ext) if ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml") => Format::Yaml,
            _ if text.trim_start_matches('\u{feff}').trim_start().starts_with('{') => Format::Json,
            _ => Format::Yaml,
        }
    }
}

/// A parsed file: its tree and what was corrected while reading it.
#[derive(Debug)]
pub struct Parsed {
    pub value: Value,
    pub format: Format,
    pub notes: Vec<Diagnostic>,
}

/// How many numbers beyond `f64` one JSON file may have before it is refused.
const MAX_HUGE_NUMBERS: usize = 1000;

/// Parses the text of `file`; a syntax error names the file, line and column.
pub fn parse(file: &Path, text: &str) -> Result<Parsed, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let format = Format::of(file, text);
    let notes = RefCell::new(Vec::new());
    let note = |pointer: Pointer, position, message: String| Diagnostic {
        file: file.to_owned(),
        pointer,
        position,
        message,
    };
    let value = match format {
        Format::Json if text.len() >= json_parts::LARGE_FILE => {
            let read = |part: &str, keys: &[String]| read_part(file, part, keys);
            match json_parts::parse(text, read) {
                Some((value, found)) => {
                    notes.replace(found);
                    value
                }
                None => read_json(text, &notes, &note, file)?,
            }
        }
        Format::Json => read_json(text, &notes, &note, file)?,
        Format::Yaml => {
            let de = serde_yaml::Deserializer::from_str(text);
            Node { path: None, file, notes: &notes }.deserialize(de).map_err(|e| {
                let position = e.location().map(|l| (l.line(), l.column()));
                note(Pointer::root(), position, syntax_message("YAML", &e))
            })?
        }
    };
    Ok(Parsed { value, format, notes: notes.into_inner() })
}

/// A part of a JSON file (see `json_parts`) read on its own, the keys of the members it is
/// in before its notes' places; `None` where it does not read.
fn read_part(file: &Path, text: &str, keys: &[String]) -> Option<(Value, Vec<Diagnostic>)> {
    fn within<R>(
        keys: &[String],
        parent: Option<&KeyPath<'_>>,
        read: impl FnOnce(Option<&KeyPath<'_>>) -> R,
    ) -> R {
        match keys.split_first() {
            None => read(parent),
            Some((key, rest)) => within(rest, Some(&KeyPath { key: Step::Key(key), parent }), read),
        }
    }
    let notes = RefCell::new(Vec::new());
    let value = within(keys, None, |path| {
        let mut de = serde_json::Deserializer::from_str(text);
        let value = Node { path, file, notes: &notes }.deserialize(&mut de).ok()?;
        de.end().ok()?;
        Some(value)
    })?;
    Some((value, notes.into_inner()))
}

/// A JSON file read whole.
fn read_json(
    text: &str,
    notes: &RefCell<Vec<Diagnostic>>,
    note: &impl Fn(Pointer, Option<(usize, usize)>, String) -> Diagnostic,
    file: &Path,
) -> Result<Value, Diagnostic> {
    // serde_json refuses a number beyond f64 before any visitor sees it; such a number is
    // replaced in the text by the largest float and the text read again.
    let mut text = std::borrow::Cow::Borrowed(text);
    let mut replaced = 0;
    let mut clamped = Vec::new();
    loop {
        // Each pass notes afresh what it reads.
        notes.borrow_mut().clear();
        let mut de = serde_json::Deserializer::from_str(&text);
        let result = Node { path: None, file, notes }.deserialize(&mut de).and_then(|v| {
            de.end()?;
            Ok(v)
        });
        match result {
            Ok(value) => {
                notes.borrow_mut().splice(0..0, clamped);
                return Ok(value);
            }
            Err(e) if e.to_string().starts_with("number out of range") && replaced < MAX_HUGE_NUMBERS => {
                let Some(fixed) = clamp_number_at(&text, e.line(), e.column()) else {
                    return Err(note(
                        Pointer::root(),
                        Some((e.line(), e.column())),
                        syntax_message("JSON", &e),
                    ));
                };
                clamped.push(note(
                    Pointer::root(),
                    Some((e.line(), e.column())),
                    "a number beyond the range of a 64-bit float; read as the largest float of its sign"
                        .into(),
                ));
                text = std::borrow::Cow::Owned(fixed);
                replaced += 1;
            }
            Err(e) => {
                return Err(note(Pointer::root(), Some((e.line(), e.column())), syntax_message("JSON", &e)))
            }
        }
    }
}

/// Both parsers stop at this many nested levels rather than exhaust the stack.
const MAX_NESTING: usize = 128;

/// What a parser's error says, in the diagnostic's words.
fn syntax_message(format: &str, error: &dyn std::fmt::Display) -> String {
    let text = error.to_string();
    if text.starts_with("recursion limit exceeded") {
        return format!(
            "the {format} nests more than {MAX_NESTING} levels deep here: expected a document that nests less deeply"
        );
    }
    format!("invalid {format}: {text}")
}

/// The text with the number that ends at `line`:`column` (1-based, as serde_json reports)
/// replaced by the largest `f64` of its sign.
fn clamp_number_at(text: &str, line: usize, column: usize) -> Option<String> {
    let line_start =
        if line <= 1 { 0 } else { text.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)? };
    let end = (line_start + column).min(text.len());
    let is_number_char = |c: u8| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E');
    let bytes = text.as_bytes();
    let mut end = end;
    while end < bytes.len() && is_number_char(bytes[end]) {
        end += 1;
    }
    let mut start = end;
    while start > 0 && is_number_char(bytes[start - 1]) {
        start -= 1;
    }
    let number = text.get(start..end).filter(|n| !n.is_empty())?;
    let replacement =
        if number.starts_with('-') { "-1.7976931348623157e308" } else { "1.7976931348623157e308" };
    Some(format!("{}{replacement}{}", &text[..start], &text[end..]))
}

/// The path to the node being read, as a chain of keys on the stack (built into a pointer
/// only when a note needs it).
struct KeyPath<'p> {
    key: Step<'p>,
    parent: Option<&'p KeyPath<'p>>,
}

/// One step of a [`KeyPath`]: a mapping's key, or a list's index (written only if needed).
#[derive(Clone, Copy)]
enum Step<'p> {
    Key(&'p str),
    Index(usize),
}

fn pointer_of(path: Option<&KeyPath<'_>>) -> Pointer {
    let mut steps = Vec::new();
    let mut current = path;
    while let Some(p) = current {
        steps.push(p.key);
        current = p.parent;
    }
    steps.iter().rev().fold(Pointer::root(), |p, step| match step {
        Step::Key(key) => p.join(key),
        Step::Index(index) => p.join(index),
    })
}

/// Reads one node into a `Value`.
#[derive(Clone, Copy)]
struct Node<'p, 'n> {
    path: Option<&'p KeyPath<'p>>,
    file: &'n Path,
    notes: &'n RefCell<Vec<Diagnostic>>,
}

impl Node<'_, '_> {
    fn note(&self, message: impl Into<String>) {
        self.notes.borrow_mut().push(Diagnostic {
            file: self.file.to_owned(),
            pointer: pointer_of(self.path),
            position: None,
            message: message.into(),
        });
    }

    fn float(&self, value: f64) -> Value {
        match Number::from_f64(value) {
            Some(n) => Value::Number(n),
            None if value.is_nan() => {
                self.note("`.nan` is not a JSON number; read as null");
                Value::Null
            }
            None => {
                self.note("an infinite number; read as the largest float of its sign");
                let max = if value < 0.0 { f64::MIN } else { f64::MAX };
                Value::Number(Number::from_f64(max).expect("finite"))
            }
        }
    }

    fn big(&self, value: f64) -> Value {
        self.note("an integer beyond 64 bits; read as a float");
        self.float(value)
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(match i64::try_from(v) {
            Ok(small) => Value::Number(small.into()),
            Err(_) => match u64::try_from(v) {
                Ok(unsigned) => Value::Number(unsigned.into()),
                Err(_) => self.big(v as f64),
            },
        })
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(match u64::try_from(v) {
            Ok(small) => Value::Number(small.into()),
            Err(_) => self.big(v as f64),
        })
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(self.float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        loop {
            let path = KeyPath { key: Step::Index(items.len()), parent: self.path };
            match seq.next_element_seed(Node { path: Some(&path), ..self })? {
                Some(item) => items.push(item),
                None => break,
            }
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        let mut merged: Vec<Value> = Vec::new();
        while let Some(key) = access.next_key_seed(Key)? {
            let path = KeyPath { key: Step::Key(&key), parent: self.path };
            let value = access.next_value_seed(Node { path: Some(&path), ..self })?;
            if key == "<<" {
                merged.push(value);
                continue;
            }
            match map.entry(key) {
                serde_json::map::Entry::Vacant(entry) => {
                    entry.insert(value);
                }
                serde_json::map::Entry::Occupied(mut entry) => {
                    let path = KeyPath { key: Step::Key(entry.key()), parent: self.path };
                    Node { path: Some(&path), ..self }
                        .note("this key is given twice; the last value is kept");
                    entry.insert(value);
                }
            }
        }
        // Merge keys: the merged mappings' members, where the mapping does not set them itself
        // (in a list of mappings, the earlier one wins).
        for source in merged {
            let sources = match source {
                Value::Array(items) => items,
                other => vec![other],
            };
            for source in sources {
                match source {
                    Value::Object(members) => {
                        for (key, value) in members {
                            map.entry(key).or_insert(value);
                        }
                    }
                    _ => self.note("a merge key (`<<`) must name a mapping; ignored"),
                }
            }
        }
        Ok(Value::Object(map))
    }
}

/// Reads a mapping key: any scalar, as its text.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = String;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }
    fn visit_str<E>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_bool<E>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i128<E>(self, v: i128) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u128<E>(self, v: u128) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }
    fn visit_none<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(de::Error::custom("a list cannot be a mapping key"))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(de::Error::custom("a mapping cannot be a mapping key"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Parsed {
        parse(Path::new("s.yaml"), text).unwrap()
    }

    #[test]
    fn yaml_and_json_give_the_same_tree() {
        let y = yaml("a: 1\nb: [x, 2.5]\n200: ok\ntrue: yes\n");
        let j =
            parse(Path::new("s.json"), r#"{"a": 1, "b": ["x", 2.5], "200": "ok", "true": "yes"}"#).unwrap();
        assert_eq!(y.value, j.value);
        assert!(y.notes.is_empty() && j.notes.is_empty());
    }

    #[test]
    fn numbers_beyond_range_are_read_with_a_note() {
        let y = yaml("s:\n  minimum: -9223372036854776000\n  maximum: 18446744073709551616\n  big: .inf\n");
        assert_eq!(y.value["s"]["minimum"].as_f64(), Some(-9223372036854776000.0));
        assert_eq!(y.value["s"]["maximum"].as_f64(), Some(18446744073709551616.0));
        assert_eq!(y.value["s"]["big"].as_f64(), Some(f64::MAX));
        let places: Vec<String> = y.notes.iter().map(|n| n.pointer.to_string()).collect();
        assert_eq!(places, ["#/s/minimum", "#/s/maximum", "#/s/big"]);
        let j =
            parse(Path::new("s.json"), "{\"a\": -9223372036854776000,\n \"b\": [1e400, -2E+999]}").unwrap();
        assert_eq!(j.value["a"].as_f64(), Some(-9223372036854776000.0));
        assert_eq!(j.value["b"][0].as_f64(), Some(f64::MAX));
        assert_eq!(j.value["b"][1].as_f64(), Some(f64::MIN));
        assert_eq!(j.notes.len(), 2);
        assert_eq!(j.notes[0].position, Some((2, 12)));
    }

    #[test]
    fn merge_keys_duplicates_and_byte_order_marks() {
        let y = yaml("\u{feff}base: &b {k: 1, j: 1}\nm:\n  <<: *b\n  j: 2\nd: 1\nd: 2\n");
        assert_eq!(y.value["m"], serde_json::json!({"j": 2, "k": 1}));
        assert_eq!(y.value["d"], 2);
        assert_eq!(y.notes.len(), 1);
        assert_eq!(y.notes[0].pointer.to_string(), "#/d");
        let j = parse(Path::new("s.json"), "\u{feff}{\"a\": 1}").unwrap();
        assert_eq!(j.value["a"], 1);
    }

    #[test]
    fn syntax_errors_name_the_place() {
        let e = parse(Path::new("s.json"), "{\n  \"a\": 1,,\n}").unwrap_err();
        assert_eq!(e.position.map(|p| p.0), Some(2));
        assert!(e.message.starts_with("invalid JSON"), "{e}");
        let e = parse(Path::new("s.yaml"), "a: [unclosed\n").unwrap_err();
        assert!(e.position.is_some() && e.message.starts_with("invalid YAML"), "{e}");
    }
}
