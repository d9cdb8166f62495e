//! Whether an answer the mock gave matches the spec: an answer the client could not decode is
//! the mock's fault (`mock-wrong`) when it violates the response schema the spec declares for
//! its status, and the client's (`decode-failed`) when it does not.
//!
//! The spec is read as OpenAPI 3.0 whatever it was written in, so its schemas are checked as
//! JSON Schema draft 4 (whose `exclusiveMinimum` is a boolean, as in 3.0) once `nullable` is
//! spelt as draft 4 spells it.

use serde_json::{Map, Value};

use generator::load::Spec;
use generator::pointer::Pointer;

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

/// The spec's document, ready to check answers against.
pub struct Checker {
    document: Value,
}

impl Checker {
    pub fn new(spec: &Spec) -> Self {
        let mut document = spec.raw(&Pointer::root()).cloned().unwrap_or(Value::Null);
        spell_nullable(&mut document);
        Self { document }
    }

    /// Where the spec declares the JSON schema of the answer to `method path` with `status`:
    /// the exact status, else its class (`2XX`), else `default`.
    pub fn response_schema(&self, path: &str, method: &str, status: u16) -> Option<Pointer> {
        let responses = Pointer::root()
            .join("paths")
            .join(path)
            .join(method.to_ascii_lowercase())
            .join("responses");
        let class = format!("{}XX", status / 100);
        let response = [status.to_string(), class.clone(), class.to_ascii_lowercase(), "default".into()]
            .into_iter()
            .map(|key| responses.join(key))
            .find(|at| self.document.pointer(at.as_str()).is_some())?;
        let response = self.follow(response);
        let content = self.document.pointer(response.join("content").as_str())?.as_object()?;
        let media = content.keys().find(|m| m.contains("json")).or_else(|| content.keys().next())?;
        let schema = response.join("content").join(media).join("schema");
        self.document.pointer(schema.as_str()).is_some().then_some(schema)
    }

    /// The ways `answer` violates the schema at `schema`, each with where in the answer; none
    /// when it conforms. An error when the schema cannot be checked.
    pub fn violations(&self, schema: &Pointer, answer: &Value) -> Result<Vec<String>, String> {
        // The whole document is the schema's resource, so its `$ref`s resolve; in draft 4 the
        // root's `$ref` hides every other member of the document.
        let mut root = self.document.clone();
        if let Value::Object(members) = &mut root {
            let fragment = percent_encoding::utf8_percent_encode(schema.as_str(), NOT_IN_FRAGMENT);
            members.insert("$ref".into(), Value::String(format!("#{fragment}")));
        }
        let validator = jsonschema::draft4::options()
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| format!("the schema at {schema} cannot be checked: {e}"))?;
        let mut violations: Vec<String> = Vec::new();
        for error in validator.iter_errors(answer) {
            let at = error.instance_path().to_string();
            let text = format!("at `{}`: {error}", if at.is_empty() { "/" } else { &at });
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

    /// A `$ref`'d response, followed to the response it names.
    fn follow(&self, mut at: Pointer) -> Pointer {
        for _ in 0..8 {
            let next = self
                .document
                .pointer(at.as_str())
                .and_then(|node| node.get("$ref"))
                .and_then(Value::as_str)
                .and_then(Pointer::from_ref);
            match next {
                Some(next) => at = next,
                None => break,
            }
        }
        at
    }
}

/// OpenAPI 3.0's `nullable: true` in draft 4's words: `null` added to the schema's `type` (and
/// to its `enum`), or, for a schema without a `type`, `null` as an alternative to it.
fn spell_nullable(node: &mut Value) {
    match node {
        Value::Array(items) => items.iter_mut().for_each(spell_nullable),
        Value::Object(members) => {
            members.values_mut().for_each(spell_nullable);
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
                    members.insert("anyOf".into(), Value::Array(vec![Value::Object(null), Value::Object(rest)]));
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn checker(yaml: &str) -> Checker {
        let spec = generator::load::parse(std::path::Path::new("spec.yaml"), yaml).expect("the spec parses");
        Checker::new(&spec)
    }

    const ENVELOPE: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /users/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: one user
          content:
            application/json:
              schema: {$ref: "#/components/schemas/User"}
  /users:
    get:
      responses:
        "200":
          $ref: "#/components/responses/Users"
        default:
          description: an error
          content:
            application/json:
              schema: {type: object, required: [code], properties: {code: {type: integer}}}
components:
  responses:
    Users:
      description: the users
      content:
        application/json:
          schema:
            allOf:
              - type: object
                properties:
                  result: {anyOf: [{type: object}, {type: array}, {type: string}]}
              - type: object
                properties:
                  result: {type: array, items: {$ref: "#/components/schemas/User"}}
  schemas:
    User:
      type: object
      required: [id]
      properties:
        id: {type: string}
        created: {type: string, format: date-time}
        name: {type: string, nullable: true}
"##;

    #[test]
    fn an_answer_that_breaks_one_member_of_an_all_of_violates_the_schema() {
        let checker = checker(ENVELOPE);
        let schema = checker.response_schema("/users", "GET", 200).expect("the 200 answer has a schema");
        assert_eq!(schema.as_str(), "/components/responses/Users/content/application~1json/schema");
        let violations = checker.violations(&schema, &json!({"result": "a string"})).expect("checkable");
        assert_eq!(violations.len(), 1, "{violations:?}");
        assert!(violations[0].starts_with("at `/result`:"), "{violations:?}");
    }

    #[test]
    fn a_conforming_answer_has_no_violations_and_nullable_allows_null() {
        let checker = checker(ENVELOPE);
        let schema = checker.response_schema("/users", "get", 200).expect("a schema");
        let answer = json!({"result": [{"id": "a", "created": "2024-01-02T03:04:05Z", "name": null}]});
        assert_eq!(checker.violations(&schema, &answer), Ok(vec![]));
        let wrong_format = json!({"result": [{"id": "a", "created": "yesterday"}]});
        assert_eq!(checker.violations(&schema, &wrong_format).map(|v| v.len()), Ok(1));
    }

    #[test]
    fn other_statuses_fall_back_to_default() {
        let checker = checker(ENVELOPE);
        let schema = checker.response_schema("/users", "get", 404).expect("the default answer");
        assert_eq!(schema.as_str(), "/paths/~1users/get/responses/default/content/application~1json/schema");
        assert_eq!(checker.violations(&schema, &json!({"code": "x"})).map(|v| v.len()), Ok(1));
        let templated = checker.response_schema("/users/{id}", "get", 200).expect("a path with a placeholder");
        assert_eq!(checker.violations(&templated, &json!({"id": 1})).map(|v| v.len()), Ok(1));
        assert!(checker.response_schema("/nowhere", "get", 200).is_none());
    }
}
