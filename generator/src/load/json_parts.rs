//! A large JSON file read on every core: the text is split where its root mapping and its
//! largest mappings (`paths`, `components`, `schemas`) separate their members, and each part
//! is read on its own, into the tree the whole would have given.
//!
//! Splitting only finds where members begin and end (strings skipped, brackets counted); it
//! decides nothing about the text. Wherever the text is not plainly split (it is not a
//! mapping, a part does not read, a key at a split is given twice or is a merge key, the
//! document nests deeply) it gives `None`, and the file is read whole, which says what is
//! wrong and where.

use std::sync::{Mutex, PoisonError};

use memchr::memchr2;
use rustc_hash::FxHashMap;
use serde_json::{Map, Value};

use crate::error::Diagnostic;

/// Files smaller than this are read whole: splitting would cost more than it saves.
pub const LARGE_FILE: usize = 1 << 20;

/// A mapping larger than this is split into its members.
const LARGE_PART: usize = 1 << 16;

/// How many mappings deep the text is split (the root's members, `components`' members,
/// their entries).
const SPLIT_DEPTH: usize = 3;

/// Deeper than this, a part is left to the whole reading, which knows the parser's limit.
const SHALLOW: usize = 100;

/// A part of the text: read as it is, or a mapping split into its members.
enum Part {
    /// The text's `start..end`, read on its own.
    Whole(usize, usize),
    Mapping(Vec<(String, Part)>),
}

/// The tree of `text` (JSON) and the notes reading it gave, or `None` where it is not
/// plainly split. `read` reads one part, given the keys of the members it is in. Parts are
/// read on the other cores while the text is still being split (the split is one pass over
/// the whole text, on one core).
pub fn parse(
    text: &str,
    read: impl Fn(&str, &[String]) -> Option<(Value, Vec<Diagnostic>)> + Sync,
) -> Option<(Value, Vec<Diagnostic>)> {
    let bytes = text.as_bytes();
    let start = skip_space(bytes, 0);
    let read = &read;
    let values: Mutex<Values> = Mutex::default();
    let values_ref = &values;
    let split = rayon::scope(|scope| {
        let mut hand_over = |keys: Vec<String>, start: usize, end: usize| {
            scope.spawn(move |_| {
                let value = read(&text[start..end], &keys);
                values_ref.lock().unwrap_or_else(PoisonError::into_inner).insert(start, value);
            });
        };
        split(bytes, start, 0, &mut Vec::new(), &mut hand_over)
    });
    let (root, end, _) = split?;
    if skip_space(bytes, end) != bytes.len() {
        return None;
    }
    let mut values = values.into_inner().unwrap_or_else(PoisonError::into_inner);
    let mut notes = Vec::new();
    let value = assemble(root, &mut values, &mut notes)?;
    Some((value, notes))
}

/// What each part read to, by where the part starts in the text.
type Values = FxHashMap<usize, Option<(Value, Vec<Diagnostic>)>>;

/// The tree of a part, its leaves' values taken in order.
fn assemble(part: Part, values: &mut Values, notes: &mut Vec<Diagnostic>) -> Option<Value> {
    match part {
        Part::Whole(start, _) => {
            let (value, found) = values.remove(&start)??;
            notes.extend(found);
            Some(value)
        }
        Part::Mapping(members) => {
            let mut map = Map::with_capacity(members.len());
            for (key, member) in members {
                let value = assemble(member, values, notes)?;
                // A key given twice is noted by the whole reading, where it is noted in its place.
                if map.insert(key, value).is_some() {
                    return None;
                }
            }
            Some(Value::Object(map))
        }
    }
}

/// Takes a part to be read: the keys of the members it is in, where it starts and ends.
type HandOver<'h> = dyn FnMut(Vec<String>, usize, usize) + 'h;

/// The mapping that opens at `start` (inside the members `keys` name), split into its members
/// where they are large; where it ends, and how many levels it nests. Each byte is looked at
/// once. The parts are handed over to be read as soon as they are known to be parts: at
/// once in the root; in a mapping once it is larger than [`LARGE_PART`] (a smaller one is
/// read whole, as a part of the mapping it is in).
fn split(
    bytes: &[u8],
    start: usize,
    depth: usize,
    keys: &mut Vec<String>,
    hand_over: &mut HandOver<'_>,
) -> Option<(Part, usize, usize)> {
    if bytes.get(start) != Some(&b'{') {
        return None;
    }
    let mut members: Vec<(String, Part)> = Vec::new();
    // Members read whole, not yet handed over.
    let mut held = Vec::new();
    let mut handing = depth == 0;
    let mut deepest = 0;
    let mut at = skip_space(bytes, start + 1);
    if bytes.get(at) == Some(&b'}') {
        return Some((Part::Mapping(members), at + 1, 1));
    }
    loop {
        let key_end = string_end(bytes, at)?;
        let key = key(&bytes[at..key_end])?;
        at = skip_space(bytes, key_end);
        if bytes.get(at) != Some(&b':') {
            return None;
        }
        let value_start = skip_space(bytes, at + 1);
        let (part, value_end, nesting) = if bytes.get(value_start) == Some(&b'{') && depth + 1 < SPLIT_DEPTH {
            keys.push(key.clone());
            let split = split(bytes, value_start, depth + 1, keys, hand_over);
            keys.pop();
            match split? {
                (_, end, nesting) if end - value_start <= LARGE_PART => {
                    (Part::Whole(value_start, end), end, nesting)
                }
                split => split,
            }
        } else {
            let (end, nesting) = value_end(bytes, value_start)?;
            (Part::Whole(value_start, end), end, nesting)
        };
        if depth + nesting > SHALLOW {
            return None;
        }
        deepest = deepest.max(nesting);
        if matches!(part, Part::Whole(..)) {
            held.push(members.len());
        }
        members.push((key, part));
        at = skip_space(bytes, value_end);
        let end = match bytes.get(at) {
            Some(b',') => None,
            Some(b'}') => Some(at + 1),
            _ => return None,
        };
        // Larger than a part, whatever follows: its parent will not read it whole.
        handing |= end.unwrap_or(at) - start > LARGE_PART;
        if handing {
            for index in held.drain(..) {
                if let (key, Part::Whole(part_start, part_end)) = &members[index] {
                    let mut path = keys.clone();
                    path.push(key.clone());
                    hand_over(path, *part_start, *part_end);
                }
            }
        }
        match end {
            None => at = skip_space(bytes, at + 1),
            Some(end) => return Some((Part::Mapping(members), end, deepest + 1)),
        }
    }
}

/// A key's text: its quotes' contents where it holds no escape, else as JSON reads it; `None`
/// for a key the whole reading must judge (a control character, a merge key).
fn key(quoted: &[u8]) -> Option<String> {
    let inner = &quoted[1..quoted.len() - 1];
    let key = if inner.contains(&b'\\') {
        serde_json::from_slice::<String>(quoted).ok()?
    } else if inner.iter().any(|byte| *byte < 0x20) {
        return None;
    } else {
        String::from_utf8(inner.to_vec()).ok()?
    };
    (key != "<<").then_some(key)
}

/// Where the string that opens at `start` ends (after its closing quote).
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    if bytes.get(start) != Some(&b'"') {
        return None;
    }
    let mut at = start + 1;
    loop {
        at += memchr2(b'"', b'\\', bytes.get(at..)?)?;
        match bytes[at] {
            b'\\' => at += 2,
            _ => return Some(at + 1),
        }
    }
}

/// Where the value that starts at `start` ends, and how many levels it nests.
fn value_end(bytes: &[u8], start: usize) -> Option<(usize, usize)> {
    match bytes.get(start)? {
        b'"' => Some((string_end(bytes, start)?, 0)),
        b'{' | b'[' => {
            let (mut depth, mut deepest, mut at) = (0usize, 0usize, start);
            loop {
                match bytes.get(at)? {
                    b'"' => {
                        at = string_end(bytes, at)?;
                        continue;
                    }
                    b'{' | b'[' => {
                        depth += 1;
                        deepest = deepest.max(depth);
                    }
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some((at + 1, deepest));
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
        }
        _ => {
            let end = bytes[start..]
                .iter()
                .position(|byte| matches!(byte, b',' | b'}' | b']') || byte.is_ascii_whitespace())
                .map_or(bytes.len(), |offset| start + offset);
            Some((end, 0))
        }
    }
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|byte| matches!(byte, b' ' | b'\n' | b'\r' | b'\t')) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::{json, Value};

    use crate::load::source;

    /// A document large enough to be split three mappings deep, in JSON text.
    fn large(extra_root: &str, extra_schema: &str) -> String {
        let filler = "x".repeat(200);
        let schemas: Vec<String> = (0..400)
            .map(|i| {
                let properties: Vec<String> = (0..40)
                    .map(|p| format!(r#""p{p}": {{"type": "string", "description": "{filler}"}}"#))
                    .collect();
                format!(
                    r#""S{i}": {{"type": "object", {extra_schema} "properties": {{{}}}}}"#,
                    properties.join(", ")
                )
            })
            .collect();
        let paths: Vec<String> = (0..300)
            .map(|i| format!(r#""/p{i}": {{"get": {{"description": "{filler}", "responses": {{}}}}}}"#))
            .collect();
        format!(
            r#"{{"openapi": "3.0.3", {extra_root} "paths": {{{}}}, "components": {{"schemas": {{{}}}, "k\"ey": [1, {{"a": [true, null]}}]}}}}"#,
            paths.join(",\n"),
            schemas.join(",\n")
        )
    }

    fn read(text: &str) -> source::Parsed {
        assert!(text.len() >= super::LARGE_FILE, "{} bytes", text.len());
        source::parse(Path::new("s.json"), text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn places(parsed: &source::Parsed) -> Vec<String> {
        parsed.notes.iter().map(|n| format!("{} {}", n.pointer, n.message)).collect()
    }

    #[test]
    fn a_split_document_reads_as_the_whole_does() {
        let text = large("", r#""d": 1, "d": 2,"#);
        let parts = super::parse(&text, |part, _| Some((serde_json::from_str(part).ok()?, Vec::new())));
        assert!(parts.is_some(), "the document is split");
        let parsed = read(&text);
        let whole: Value = serde_json::from_str(&text).expect("JSON");
        // The same members in the same order (a map's equality ignores order).
        assert_eq!(serde_json::to_string(&parsed.value).ok(), serde_json::to_string(&whole).ok());
        assert_eq!(parsed.value["components"]["k\"ey"], json!([1, {"a": [true, null]}]));
        let notes = places(&parsed);
        let expected: Vec<String> = (0..400)
            .map(|i| format!("#/components/schemas/S{i}/d this key is given twice; the last value is kept"))
            .collect();
        assert_eq!(notes, expected);
    }

    #[test]
    fn mappings_about_as_large_as_a_part_are_read_once() {
        // A mapping two levels down whose size crosses `LARGE_PART` within its last member,
        // between it and the closing brace, or not at all.
        for size in super::LARGE_PART - 8..super::LARGE_PART + 8 {
            for spaces in 0..3 {
                let filler = "z".repeat(size - r#"{"x": 1, "y": ""}"#.len() - spaces);
                let inner = format!(r#"{{"x": 1, "y": "{filler}"{}}}"#, " ".repeat(spaces));
                let text = format!(r#"{{"a": {{"b": {inner}, "c": 2}}, "d": [3]}}"#);
                let parts =
                    super::parse(&text, |part, _| Some((serde_json::from_str(part).ok()?, Vec::new())));
                let whole: Value = serde_json::from_str(&text).expect("JSON");
                assert_eq!(parts.map(|(value, _)| value), Some(whole), "{} bytes", inner.len());
            }
        }
    }

    #[test]
    fn documents_not_plainly_split_are_read_whole() {
        let twice = large(r#""paths": {}, "#, "");
        assert!(
            super::parse(&twice, |part, _| Some((serde_json::from_str(part).ok()?, Vec::new()))).is_none()
        );
        let parsed = read(&twice);
        assert_eq!(places(&parsed), ["#/paths this key is given twice; the last value is kept"]);
        let merged = large(r#""<<": {"a": 1}, "#, "");
        assert_eq!(read(&merged).value["a"], 1);
        let deep =
            |levels: usize| large(&format!(r#""deep": {}1{}, "#, "[".repeat(levels), "]".repeat(levels)), "");
        assert!(source::parse(Path::new("s.json"), &deep(130)).is_err(), "too deep for the parser");
        assert_eq!(
            read(&deep(110)).value["deep"].to_string(),
            format!("{}1{}", "[".repeat(110), "]".repeat(110))
        );
        // Too deep as a whole, though not as a part.
        let nested = format!(r#""deep": {}1{},"#, "[".repeat(126), "]".repeat(126));
        assert!(source::parse(Path::new("s.json"), &large("", &nested)).is_err(), "too deep for the parser");
        let huge = read(&large(r#""big": -1e400, "#, ""));
        assert_eq!(huge.value["big"].as_f64(), Some(f64::MIN));
        assert_eq!(huge.notes.len(), 1);
        assert!(huge.notes[0].position.is_some() && huge.notes[0].message.contains("64-bit float"));
        let broken = large("", "").replacen("\"S7\"", "\"S7\" 1", 1);
        let error = source::parse(Path::new("s.json"), &broken).expect_err("not JSON");
        assert!(error.message.starts_with("invalid JSON") && error.position.is_some(), "{error}");
    }
}
