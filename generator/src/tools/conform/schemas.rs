//! The spec's document read as JSON Schema: the schema at a pointer, and whether a value
//! conforms to it. Both the values a harness sends and the answers the mock gives are checked
//! here.
//!
//! The spec is read as OpenAPI 3.0 whatever it was written in, so its schemas are checked as
//! JSON Schema draft 4 (whose `exclusiveMinimum` is a boolean, as in 3.0) once `nullable` is
//! spelt as draft 4 spells it. The whole document is one resource of a registry, so a schema
//! anywhere in it is checked with its `$ref`s resolved, and each checker is compiled once.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde_json::{Map, Value};

use generator::load::Spec;
use generator::pointer::Pointer;

/// The URI the document is registered under.
const DOCUMENT: &str = "urn:spec";

/// `$ref` chains longer than this are taken for loops.
const MAX_REF_CHAIN: usize = 64;

/// What a URI fragment cannot hold as it is (RFC 3986): path templates' braces among them.
const NOT_IN_FRAGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

type Checker = Rc<jsonschema::Validator>;

pub struct Schemas {
    document: Value,
    /// `None` when the document cannot be a schema resource; nothing is checked then.
    registry: Option<jsonschema::Registry<'static>>,
    checkers: RefCell<HashMap<Pointer, Option<Checker>>>,
}

impl Schemas {
    pub fn new(spec: &Spec) -> Self {
        let mut document = spec.raw(&Pointer::root()).cloned().unwrap_or(Value::Null);
        spell_nullable(&mut document);
        let registry = jsonschema::Registry::new()
            .draft(jsonschema::Draft::Draft4)
            .add(DOCUMENT, document.clone())
            .and_then(jsonschema::RegistryBuilder::prepare)
            .ok();
        Self { document, registry, checkers: RefCell::default() }
    }

    /// The node at `at`, as draft 4 reads it.
    pub fn node(&self, at: &Pointer) -> Option<&Value> {
        self.document.pointer(at.as_str())
    }

    /// The node at `at` with its `$ref`s followed, and where it is.
    pub fn follow(&self, at: &Pointer) -> Option<(Pointer, &Value)> {
        let mut at = at.clone();
        for _ in 0..MAX_REF_CHAIN {
            let node = self.node(&at)?;
            match node.get("$ref").and_then(Value::as_str) {
                Some(reference) => at = Pointer::from_ref(reference)?,
                None => return Some((at, node)),
            }
        }
        None
    }

    /// Whether `value` conforms to the schema at `at`; `true` where that cannot be checked.
    pub fn conforms(&self, at: &Pointer, value: &Value) -> bool {
        self.checker(at).is_none_or(|checker| checker.is_valid(value))
    }

    /// The ways `value` violates the schema at `at` (three at most), each with where in the
    /// value; none when it conforms. An error when the schema cannot be checked.
    pub fn violations(&self, at: &Pointer, value: &Value) -> Result<Vec<String>, String> {
        let checker = self.checker(at).ok_or_else(|| format!("the schema at {at} cannot be checked"))?;
        let mut violations: Vec<String> = Vec::new();
        for error in checker.iter_errors(value) {
            let place = error.instance_path().to_string();
            let text = format!("at `{}`: {error}", if place.is_empty() { "/" } else { &place });
            // Each member of an `allOf` that fails says so: once is enough.
            if !violations.contains(&text) {
                violations.push(text);
            }
            if violations.len() == 3 {
                break;
            }
        }
        Ok(violations)
    }

    fn checker(&self, at: &Pointer) -> Option<Checker> {
        if let Some(known) = self.checkers.borrow().get(at) {
            return known.clone();
        }
        let registry = self.registry.as_ref()?;
        let fragment = percent_encoding::utf8_percent_encode(at.as_str(), NOT_IN_FRAGMENT);
        let mut root = Map::new();
        root.insert("$ref".into(), Value::String(format!("{DOCUMENT}#{fragment}")));
        let checker = jsonschema::draft4::options()
            .with_registry(registry)
            .should_validate_formats(true)
            .build(&Value::Object(root))
            .ok()
            .map(Rc::new);
        self.checkers.borrow_mut().insert(at.clone(), checker.clone());
        checker
    }
}

/// Whether `value` matches the ECMAScript `pattern` as a JSON Schema validator reads it, and
/// has a length within the bounds.
pub fn matches(pattern: &str, min: Option<u64>, max: Option<u64>, value: &str) -> bool {
    let mut schema = Map::new();
    schema.insert("pattern".into(), pattern.into());
    if let Some(min) = min {
        schema.insert("minLength".into(), min.into());
    }
    if let Some(max) = max {
        schema.insert("maxLength".into(), max.into());
    }
    jsonschema::draft4::options()
        .build(&Value::Object(schema))
        .is_ok_and(|checker| checker.is_valid(&Value::String(value.to_owned())))
}

/// The bounds an integer format sets (OpenAPI's `int32` and `int64`, and the unsigned and
/// narrower ones published specs use), which draft 4 knows only as `minimum` and `maximum`.
fn format_bounds(format: &str) -> Option<(i128, i128)> {
    Some(match format {
        "int8" => (i8::MIN.into(), i8::MAX.into()),
        "uint8" => (0, u8::MAX.into()),
        "int16" => (i16::MIN.into(), i16::MAX.into()),
        "uint16" => (0, u16::MAX.into()),
        "int32" => (i32::MIN.into(), i32::MAX.into()),
        "uint32" => (0, u32::MAX.into()),
        "int64" => (i64::MIN.into(), i64::MAX.into()),
        "uint64" | "uint" => (0, u64::MAX.into()),
        _ => return None,
    })
}

/// OpenAPI 3.0 in draft 4's words. `nullable: true`: `null` added to the schema's `type` (and
/// to its `enum`), or, for a schema without a `type`, `null` as an alternative to it. An
/// integer format: its bounds, where the schema gives none.
fn spell_nullable(node: &mut Value) {
    match node {
        Value::Array(items) => items.iter_mut().for_each(spell_nullable),
        Value::Object(members) => {
            members.values_mut().for_each(spell_nullable);
            let bounds = members.get("format").and_then(Value::as_str).and_then(format_bounds);
            if let (Some((low, high)), Some("integer")) =
                (bounds, members.get("type").and_then(Value::as_str))
            {
                if !members.contains_key("minimum") {
                    members.insert("minimum".into(), json_number(low));
                }
                if !members.contains_key("maximum") {
                    members.insert("maximum".into(), json_number(high));
                }
            }
            if members.remove("nullable") != Some(Value::Bool(true)) {
                return;
            }
            if let Some(Value::Array(values)) = members.get_mut("enum") {
                values.push(Value::Null);
            }
            let reference = members.contains_key("$ref");
            match members.get_mut("type") {
                Some(Value::String(ty)) => {
                    let ty = Value::String(std::mem::take(ty));
                    members.insert("type".into(), Value::Array(vec![ty, "null".into()]));
                }
                Some(Value::Array(types)) => types.push("null".into()),
                // A `$ref`'s siblings are ignored in 3.0.
                _ if reference => {}
                _ => {
                    let rest = std::mem::take(members);
                    let mut null = Map::new();
                    null.insert("type".into(), "null".into());
                    members
                        .insert("anyOf".into(), Value::Array(vec![Value::Object(null), Value::Object(rest)]));
                }
            }
        }
        _ => {}
    }
}

/// A JSON number for a bound (every bound of [`format_bounds`] fits an `i64` or a `u64`).
fn json_number(n: i128) -> Value {
    i64::try_from(n).map(Value::from).or_else(|_| u64::try_from(n).map(Value::from)).unwrap_or(Value::Null)
}

#[cfg(test)]
impl Schemas {
    /// The schemas of a spec a test writes out.
    pub fn from_yaml(yaml: &str) -> Self {
        let spec = generator::load::parse(std::path::Path::new("spec.yaml"), yaml).expect("the spec parses");
        Self::new(&spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    User:
      type: object
      required: [id]
      properties:
        id: {type: string}
        created: {type: string, format: date-time}
        name: {type: string, nullable: true}
        friend: {$ref: "#/components/schemas/User"}
        index: {type: integer, format: uint64}
    Alias: {$ref: "#/components/schemas/User"}
"##;

    #[test]
    fn values_are_checked_with_refs_nullable_and_formats() {
        let schemas = Schemas::from_yaml(SPEC);
        let user = Pointer::from_ref("#/components/schemas/User").expect("a pointer");
        assert!(schemas.conforms(&user, &json!({"id": "a", "name": null, "friend": {"id": "b"}})));
        assert!(!schemas.conforms(&user, &json!({"id": "a", "friend": {}})), "the friend needs an id");
        let wrong =
            schemas.violations(&user, &json!({"id": "a", "created": "yesterday"})).expect("checkable");
        assert_eq!(wrong.len(), 1, "{wrong:?}");
        assert!(wrong[0].starts_with("at `/created`:"), "{wrong:?}");
        assert!(
            !schemas.conforms(&user, &json!({"id": "a", "index": -1})),
            "an unsigned format has no negatives"
        );
    }

    #[test]
    fn refs_are_followed_to_their_target() {
        let schemas = Schemas::from_yaml(SPEC);
        let alias = Pointer::from_ref("#/components/schemas/Alias").expect("a pointer");
        let (at, node) = schemas.follow(&alias).expect("a target");
        assert_eq!(at.as_str(), "/components/schemas/User");
        assert_eq!(node["required"], json!(["id"]));
    }

    #[test]
    fn patterns_are_read_as_ecmascript() {
        assert!(matches(r"^\w+$", None, None, "abc_1"));
        assert!(!matches(r"^\w+$", None, None, "é"), "`\\w` is ASCII in ECMAScript");
        assert!(matches(r"^[a-z]((?!--)[a-z-])+$", None, None, "ab-c"), "look-arounds are read");
        assert!(!matches(r"^[a-z]((?!--)[a-z-])+$", None, None, "a--b"));
        assert!(!matches("^a+$", Some(3), None, "aa"), "too short");
    }
}
