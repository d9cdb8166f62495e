//! Values for a call, built from the spec's schemas: the example or default where the spec
//! gives one, else the first enum value, else a value of the schema's type that meets its
//! format, pattern, lengths and bounds. Objects get their required members, or, for the call
//! that sets everything, every member the client may send.

use openapiv3::{ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};
use serde_json::{json, Map, Value};

use generator::load::Spec;
use generator::pointer::Pointer;

/// Schemas nested deeper than this get `null` (a recursive schema ends there).
const MAX_DEPTH: usize = 12;

/// Optional members are filled in down to this depth only, so recursive schemas stay small.
const OPTIONAL_DEPTH: usize = 4;

/// Which members of an object a value has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Members {
    Required,
    /// Every member a request may carry (not the `readOnly` ones).
    All,
}

/// A value for the schema at `at`.
pub fn value(spec: &Spec, node: &ReferenceOr<Schema>, at: &Pointer, members: Members) -> Value {
    synthesise(spec, node, at, 0, members)
}

fn synthesise(spec: &Spec, node: &ReferenceOr<Schema>, at: &Pointer, depth: usize, mode: Members) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    let Ok(resolved) = spec.resolve(node, at) else { return Value::Null };
    let schema = resolved.item.as_ref();
    let at = &resolved.pointer;
    let data = &schema.schema_data;
    if let Some(example) = data.example.clone().filter(|e| !e.is_null()) {
        return example;
    }
    if let Some(default) = data.default.clone().filter(|d| !d.is_null()) {
        return default;
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            if let Some(first) = s.enumeration.iter().flatten().next() {
                return Value::String(first.clone());
            }
            let format = match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => "date-time",
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => "date",
                VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => "byte",
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => "binary",
                VariantOrUnknownOrEmpty::Item(StringFormat::Password) => "password",
                VariantOrUnknownOrEmpty::Unknown(other) => other.as_str(),
                VariantOrUnknownOrEmpty::Empty => "",
            };
            if let Some(text) = s.pattern.as_deref().filter(|_| format.is_empty()).and_then(|p| matching(p, s.min_length, s.max_length)) {
                return Value::String(text);
            }
            Value::String(string(format, s.min_length, s.max_length))
        }
        SchemaKind::Type(Type::Integer(i)) => {
            if let Some(first) = i.enumeration.iter().flatten().next() {
                return json!(first);
            }
            let low = i.minimum.map(|m| if i.exclusive_minimum { m + 1 } else { m });
            let high = i.maximum.map(|m| if i.exclusive_maximum { m - 1 } else { m });
            let mut n = low.unwrap_or(1).max(1).min(high.unwrap_or(i64::MAX));
            if let Some(step) = i.multiple_of.filter(|s| *s > 0) {
                n = (n + step - 1) / step * step;
            }
            json!(n)
        }
        SchemaKind::Type(Type::Number(n)) => {
            if let Some(first) = n.enumeration.iter().flatten().next() {
                return json!(first);
            }
            let low = n.minimum.unwrap_or(1.0).max(1.0);
            json!(low.min(n.maximum.unwrap_or(f64::MAX)))
        }
        SchemaKind::Type(Type::Boolean(b)) => {
            json!(b.enumeration.iter().flatten().next().copied().unwrap_or(true))
        }
        SchemaKind::Type(Type::Array(a)) => {
            let Some(items) = &a.items else { return json!([]) };
            let item = match items {
                ReferenceOr::Reference { reference } => synthesise(
                    spec,
                    &ReferenceOr::Reference { reference: reference.clone() },
                    &at.join("items"),
                    depth + 1,
                    mode,
                ),
                ReferenceOr::Item(schema) => {
                    synthesise(spec, &ReferenceOr::Item((**schema).clone()), &at.join("items"), depth + 1, mode)
                }
            };
            let count = a.min_items.unwrap_or(1).max(1);
            Value::Array(vec![item; count])
        }
        SchemaKind::Type(Type::Object(o)) => object(spec, &o.properties, &o.required, at, depth, mode),
        SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => members
            .first()
            .map_or(Value::Null, |first| synthesise(spec, first, &at.join("oneOf").join(0), depth + 1, mode)),
        SchemaKind::AllOf { all_of } => {
            let mut merged = Map::new();
            for (index, member) in all_of.iter().enumerate() {
                match synthesise(spec, member, &at.join("allOf").join(index), depth + 1, mode) {
                    Value::Object(members) => merged.extend(members),
                    other if all_of.len() == 1 => return other,
                    _ => {}
                }
            }
            Value::Object(merged)
        }
        SchemaKind::Not { .. } => Value::Null,
        SchemaKind::Any(any) => {
            if any.properties.is_empty() && any.typ.is_none() {
                return json!({});
            }
            object(spec, &any.properties, &any.required, at, depth, mode)
        }
    }
}

/// An object's members: the required ones, and with [`Members::All`] (near the top) the others
/// a request may carry too.
fn object(
    spec: &Spec,
    properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &[String],
    at: &Pointer,
    depth: usize,
    mode: Members,
) -> Value {
    let mut members = Map::new();
    for (name, property) in properties {
        let node = unbox(property);
        let at = at.join("properties").join(name);
        let wanted = required.contains(name)
            || (mode == Members::All && depth < OPTIONAL_DEPTH && !read_only(spec, &node, &at));
        if wanted {
            members.insert(name.clone(), synthesise(spec, &node, &at, depth + 1, mode));
        }
    }
    Value::Object(members)
}

/// Whether the schema is `readOnly` (a member only the server sends).
fn read_only(spec: &Spec, node: &ReferenceOr<Schema>, at: &Pointer) -> bool {
    spec.resolve(node, at).is_ok_and(|s| s.item.schema_data.read_only)
}

/// A string matching the pattern, with a length within the bounds; none where the pattern is
/// not one the generator of matches can read (look-arounds, back-references).
fn matching(pattern: &str, min: Option<usize>, max: Option<usize>) -> Option<String> {
    use rand::{RngExt as _, SeedableRng as _};
    // A pattern matches anywhere unless anchored; a match of what is between the anchors
    // matches either way.
    let inner = pattern.strip_prefix('^').unwrap_or(pattern);
    let inner = match inner.strip_suffix('$') {
        Some(rest) if !rest.ends_with('\\') => rest,
        _ => inner,
    };
    // ECMAScript classes (`\d`, `\w`) are ASCII; `.` is any character, which needs Unicode.
    let parse = |unicode: bool| regex_syntax::ParserBuilder::new().unicode(unicode).build().parse(inner);
    let hir = parse(false).or_else(|_| parse(true)).ok()?;
    let generator = rand_regex::Regex::with_hir(hir, 8).ok()?;
    // A fixed seed: the same spec gets the same values on every run.
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let fits = |text: &String| {
        let length = text.chars().count();
        min.is_none_or(|m| length >= m) && max.is_none_or(|m| length <= m)
    };
    (0..32).map(|_| rng.sample::<String, _>(&generator)).find(fits)
}

fn unbox(node: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match node {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference: reference.clone() },
        ReferenceOr::Item(schema) => ReferenceOr::Item((**schema).clone()),
    }
}

/// A string of the format, at least `min` and at most `max` characters where that fits it.
fn string(format: &str, min: Option<usize>, max: Option<usize>) -> String {
    let text = match format {
        "date-time" => "2024-01-02T03:04:05Z",
        "date" => "2024-01-02",
        "time" => "03:04:05Z",
        "uuid" => "f174e90a-fafe-4643-bbbc-4a0ed4fc8415",
        "email" => "user@example.com",
        "uri" | "url" => "https://example.com/a",
        "hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "c3RyaW5n",
        _ => "string",
    };
    let mut text = text.to_owned();
    if let Some(min) = min {
        while text.chars().count() < min {
            text.push('x');
        }
    }
    if let Some(max) = max.filter(|m| text.chars().count() > *m && format.is_empty()) {
        text = text.chars().take(max.max(1)).collect();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_matched_within_the_lengths() {
        let pattern = "^[A-Z]{2}-[0-9]{3,5}$";
        let checker = regex::Regex::new(pattern).expect("a valid pattern");
        let text = matching(pattern, None, Some(7)).expect("a match");
        assert!(checker.is_match(&text) && text.len() <= 7, "{text}");
        assert_eq!(matching(pattern, None, None), matching(pattern, None, None), "the same every time");
        assert_eq!(matching("(?=a)b", None, None), None, "look-arounds are not generated");
        let any = matching("^.{3}$", None, None).expect("any character");
        assert_eq!(any.chars().count(), 3, "{any}");
    }

    #[test]
    fn strings_meet_their_format_and_length() {
        assert_eq!(string("email", None, None), "user@example.com");
        assert_eq!(string("", Some(8), None), "stringxx");
        assert_eq!(string("", None, Some(3)), "str");
        assert_eq!(string("date-time", None, Some(3)), "2024-01-02T03:04:05Z", "a format wins over a length");
    }
}
