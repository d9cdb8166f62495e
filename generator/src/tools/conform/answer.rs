//! Whether an answer the mock gave matches the spec: an answer the client could not decode is
//! the mock's fault (`mock-wrong`) when it violates the response schema the spec declares for
//! its status, and the client's (`decode-failed`) when it does not.

use serde_json::Value;

use generator::pointer::Pointer;

use super::schemas::Schemas;

/// The spec's responses.
pub struct Checker<'a> {
    schemas: &'a Schemas,
}

impl<'a> Checker<'a> {
    pub fn new(schemas: &'a Schemas) -> Self {
        Self { schemas }
    }

    /// Where the spec declares the JSON schema of the answer to `method path` with `status`:
    /// the exact status, else its class (`2XX`), else `default`.
    pub fn response_schema(&self, path: &str, method: &str, status: u16) -> Option<Pointer> {
        let responses =
            Pointer::root().join("paths").join(path).join(method.to_ascii_lowercase()).join("responses");
        let class = format!("{}XX", status / 100);
        let response = [status.to_string(), class.clone(), class.to_ascii_lowercase(), "default".into()]
            .into_iter()
            .map(|key| responses.join(key))
            .find(|at| self.schemas.node(at).is_some())?;
        let (response, _) = self.schemas.follow(&response)?;
        let content = self.schemas.node(&response.join("content"))?.as_object()?;
        let media = content.keys().find(|m| m.contains("json")).or_else(|| content.keys().next())?;
        let schema = response.join("content").join(media).join("schema");
        self.schemas.node(&schema).is_some().then_some(schema)
    }

    /// The ways `answer` violates the schema at `schema`; none when it conforms.
    pub fn violations(&self, schema: &Pointer, answer: &Value) -> Result<Vec<String>, String> {
        self.schemas.violations(schema, answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
        let schemas = Schemas::from_yaml(ENVELOPE);
        let checker = Checker::new(&schemas);
        let schema = checker.response_schema("/users", "GET", 200).expect("the 200 answer has a schema");
        assert_eq!(schema.as_str(), "/components/responses/Users/content/application~1json/schema");
        let violations = checker.violations(&schema, &json!({"result": "a string"})).expect("checkable");
        assert_eq!(violations.len(), 1, "{violations:?}");
        assert!(violations[0].starts_with("at `/result`:"), "{violations:?}");
    }

    #[test]
    fn a_conforming_answer_has_no_violations_and_nullable_allows_null() {
        let schemas = Schemas::from_yaml(ENVELOPE);
        let checker = Checker::new(&schemas);
        let schema = checker.response_schema("/users", "get", 200).expect("a schema");
        let answer = json!({"result": [{"id": "a", "created": "2024-01-02T03:04:05Z", "name": null}]});
        assert_eq!(checker.violations(&schema, &answer), Ok(vec![]));
        let wrong_format = json!({"result": [{"id": "a", "created": "yesterday"}]});
        assert_eq!(checker.violations(&schema, &wrong_format).map(|v| v.len()), Ok(1));
    }

    #[test]
    fn other_statuses_fall_back_to_default() {
        let schemas = Schemas::from_yaml(ENVELOPE);
        let checker = Checker::new(&schemas);
        let schema = checker.response_schema("/users", "get", 404).expect("the default answer");
        assert_eq!(schema.as_str(), "/paths/~1users/get/responses/default/content/application~1json/schema");
        assert_eq!(checker.violations(&schema, &json!({"code": "x"})).map(|v| v.len()), Ok(1));
        let templated =
            checker.response_schema("/users/{id}", "get", 200).expect("a path with a placeholder");
        assert_eq!(checker.violations(&templated, &json!({"id": 1})).map(|v| v.len()), Ok(1));
        assert!(checker.response_schema("/nowhere", "get", 200).is_none());
    }
}
