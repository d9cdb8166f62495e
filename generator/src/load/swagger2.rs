//! Swagger 2.0 to OpenAPI 3.0, on the bundled document (all `$ref`s are local by then):
//!
//! - `host`, `basePath` and `schemes` become `servers` (https first);
//! - `definitions`, `parameters`, `responses` and `securityDefinitions` become components, and
//!   every `$ref` to them is rewritten;
//! - `in: body` parameters become request bodies, one media type per `consumes` entry;
//!   `in: formData` parameters become one object body, multipart when `consumes` says so or a
//!   member is a file (`type: file` is binary), else form-urlencoded;
//! - the type keywords of other parameters and headers move into their `schema`, and
//!   `collectionFormat` becomes `style`/`explode`;
//! - response `schema`s get one media type per `produces` entry (JSON when none is given);
//! - `x-nullable` becomes `nullable`, a `discriminator` name becomes `{propertyName}`;
//! - OAuth2 flows get their 3.0 names (`application` is `clientCredentials`, `accessCode` is
//!   `authorizationCode`).
//!
//! What has no 3.0 form is noted with its pointer (`collectionFormat: tsv`, a body next to
//! form members, `x-ms-paths`).

use serde_json::{json, Map, Value};

use super::origin::{Origin, Origins};
use super::Pointer;
use crate::media::essence;

/// The converted document, where its moved nodes were, and what was lost on the way.
#[derive(Debug)]
pub struct Converted {
    pub document: Value,
    pub origins: Origins,
    pub notes: Vec<(Pointer, String)>,
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// Keywords of a 2.0 parameter, header or items object that describe its value.
const VALUE_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
    "x-ms-enum",
];

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

pub fn convert(document: &Value) -> Converted {
    let empty = Map::new();
    let root = document.as_object().unwrap_or(&empty);
    let mut converter = Converter {
        root,
        consumes: media_list(root.get("consumes")),
        produces: media_list(root.get("produces")),
        origins: Origins::default(),
        notes: Vec::new(),
    };
    let document = converter.document();
    Converted { document, origins: converter.origins, notes: converter.notes }
}

struct Converter<'d> {
    root: &'d Map<String, Value>,
    consumes: Vec<String>,
    produces: Vec<String>,
    origins: Origins,
    notes: Vec<(Pointer, String)>,
}

fn media_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// A pointer built from keys.
fn path(keys: &[&str]) -> Pointer {
    keys.iter().fold(Pointer::root(), |p, k| p.join(k))
}

/// An operation's body parameters, taken out of its parameter list.
#[derive(Default)]
struct Bodies<'d> {
    body: Option<(&'d Map<String, Value>, Pointer)>,
    form: Vec<(&'d Map<String, Value>, Pointer)>,
}

impl<'d> Converter<'d> {
    fn note(&mut self, at: &Pointer, message: impl Into<String>) {
        self.notes.push((at.clone(), message.into()));
    }

    fn moved(&mut self, now: Pointer, was: Pointer) {
        self.origins.record(now, Origin { file: None, pointer: was });
    }

    /// A parameter's schema was its value keywords.
    fn moved_parameter(&mut self, now: Pointer, was: &Pointer) {
        self.moved(now.join("schema"), was.clone());
        self.moved(now, was.clone());
    }

    fn document(&mut self) -> Value {
        let root = self.root;
        let mut out = Map::new();
        out.insert("openapi".into(), json!("3.0.3"));
        for key in ["info", "tags", "externalDocs", "security"] {
            if let Some(value) = root.get(key) {
                out.insert(key.into(), value.clone());
            }
        }
        if let Some(servers) = self.servers(root.get("schemes"), &path(&["schemes"])) {
            out.insert("servers".into(), servers);
        }
        let mut paths = Map::new();
        if let Some(items) = root.get("paths").and_then(Value::as_object) {
            for (key, item) in items {
                let at = path(&["paths", key]);
                if key.starts_with("x-") {
                    paths.insert(key.clone(), item.clone());
                } else if let Some(item) = item.as_object() {
                    paths.insert(key.clone(), self.path_item(item, &at));
                }
            }
        }
        out.insert("paths".into(), Value::Object(paths));
        let components = self.components();
        if !components.is_empty() {
            out.insert("components".into(), Value::Object(components));
        }
        for (key, value) in root.iter().filter(|(k, _)| k.starts_with("x-")) {
            if key == "x-ms-paths" {
                self.note(&path(&[key]), "`x-ms-paths` (paths told apart by their query) are left out");
                continue;
            }
            out.insert(key.clone(), value.clone());
        }
        Value::Object(out)
    }

    /// `host` + `basePath` for each scheme, https first.
    fn servers(&mut self, schemes: Option<&Value>, at: &Pointer) -> Option<Value> {
        let host = self.root.get("host").and_then(Value::as_str).map(|h| h.trim_end_matches('/'));
        let base = self.root.get("basePath").and_then(Value::as_str).unwrap_or("");
        let base = if base == "/" { "" } else { base };
        let Some(host) = host.filter(|h| !h.is_empty()) else {
            return (!base.is_empty()).then(|| json!([{ "url": base }]));
        };
        let mut schemes = media_list(schemes);
        if schemes.is_empty() {
            schemes.push("https".into());
        }
        schemes.sort_by_key(|s| match s.as_str() {
            "https" => 0,
            "http" => 1,
            _ => 2,
        });
        let mut servers = Vec::new();
        for scheme in schemes {
            if matches!(scheme.as_str(), "http" | "https") {
                servers.push(json!({ "url": format!("{scheme}://{host}{base}") }));
            } else {
                self.note(at, format!("the `{scheme}` scheme has no client here; left out"));
            }
        }
        (!servers.is_empty()).then_some(Value::Array(servers))
    }

    fn components(&mut self) -> Map<String, Value> {
        let root = self.root;
        let mut components = Map::new();
        if let Some(definitions) = root.get("definitions").and_then(Value::as_object) {
            let schemas: Map<String, Value> =
                definitions.iter().map(|(name, schema)| (name.clone(), self.schema(schema))).collect();
            self.moved(path(&["components", "schemas"]), path(&["definitions"]));
            components.insert("schemas".into(), Value::Object(schemas));
        }
        if let Some(parameters) = root.get("parameters").and_then(Value::as_object) {
            let mut converted = Map::new();
            for (name, parameter) in parameters {
                let at = path(&["parameters", name]);
                let Some(parameter) = parameter.as_object() else { continue };
                // Body and form members are put into the request bodies of the operations
                // that name them.
                if matches!(parameter.get("in").and_then(Value::as_str), Some("body" | "formData")) {
                    continue;
                }
                let now = path(&["components", "parameters", name]);
                converted.insert(name.clone(), self.parameter(parameter, &at, &now));
            }
            if !converted.is_empty() {
                components.insert("parameters".into(), Value::Object(converted));
            }
        }
        if let Some(responses) = root.get("responses").and_then(Value::as_object) {
            let produces = self.produces.clone();
            let mut converted = Map::new();
            for (name, response) in responses {
                let at = path(&["responses", name]);
                let now = path(&["components", "responses", name]);
                converted.insert(name.clone(), self.response(response, &produces, &at, &now));
            }
            components.insert("responses".into(), Value::Object(converted));
        }
        if let Some(schemes) = root.get("securityDefinitions").and_then(Value::as_object) {
            let mut converted = Map::new();
            for (name, scheme) in schemes {
                let at = path(&["securityDefinitions", name]);
                converted.insert(name.clone(), self.security_scheme(scheme, &at));
            }
            self.moved(path(&["components", "securitySchemes"]), path(&["securityDefinitions"]));
            components.insert("securitySchemes".into(), Value::Object(converted));
        }
        components
    }

    fn path_item(&mut self, item: &'d Map<String, Value>, at: &Pointer) -> Value {
        let mut out = Map::new();
        let (shared, shared_bodies) = self.split_parameters(item.get("parameters"), &at.join("parameters"));
        if !shared.is_empty() {
            out.insert("parameters".into(), Value::Array(shared.iter().map(|(p, _)| p.clone()).collect()));
            for (index, (_, was)) in shared.iter().enumerate() {
                self.moved_parameter(at.join("parameters").join(index), was);
            }
        }
        for (key, value) in item {
            if METHODS.contains(&key.as_str()) {
                if let Some(operation) = value.as_object() {
                    let converted = self.operation(operation, &shared_bodies, &at.join(key));
                    out.insert(key.clone(), converted);
                }
            } else if key.starts_with("x-") || key == "$ref" {
                out.insert(key.clone(), value.clone());
            }
        }
        Value::Object(out)
    }

    /// A parameter list without its body and form members (returned apart), each parameter
    /// converted or its `$ref` rewritten.
    fn split_parameters(
        &mut self,
        list: Option<&'d Value>,
        at: &Pointer,
    ) -> (Vec<(Value, Pointer)>, Bodies<'d>) {
        let mut kept = Vec::new();
        let mut bodies = Bodies::default();
        for (index, node) in list.and_then(Value::as_array).into_iter().flatten().enumerate() {
            let node_at = at.join(index);
            let Some((parameter, param_at)) = self.parameter_node(node, &node_at) else { continue };
            match parameter.get("in").and_then(Value::as_str) {
                Some("body") => bodies.body = Some((parameter, param_at)),
                Some("formData") => bodies.form.push((parameter, param_at)),
                _ if node.get("$ref").is_some() => {
                    let name = param_at.last().unwrap_or_default();
                    let reference = format!("#{}", path(&["components", "parameters", &name]).as_str());
                    kept.push((json!({ "$ref": reference }), node_at));
                }
                _ => {
                    let converted = self.parameter(parameter, &param_at, &Pointer::root());
                    kept.push((converted, param_at));
                }
            }
        }
        (kept, bodies)
    }

    /// A parameter given in place or by `$ref` to `#/parameters/...`, with where it is.
    fn parameter_node(&mut self, node: &'d Value, at: &Pointer) -> Option<(&'d Map<String, Value>, Pointer)> {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
            return node.as_object().map(|p| (p, at.clone()));
        };
        let target = Pointer::from_ref(reference);
        let found = target.as_ref().and_then(|t| {
            let tokens: Vec<String> = t.tokens().collect();
            match tokens.as_slice() {
                [section, name] if section == "parameters" => {
                    self.root.get("parameters")?.get(name)?.as_object().map(|p| (p, t.clone()))
                }
                _ => None,
            }
        });
        if found.is_none() {
            self.note(
                at,
                format!("`{reference}` is not a parameter of `#/parameters`; the parameter is left out"),
            );
        }
        found
    }

    fn operation(&mut self, operation: &'d Map<String, Value>, shared: &Bodies<'d>, at: &Pointer) -> Value {
        let mut out = Map::new();
        for (key, value) in operation {
            match key.as_str() {
                "tags" | "summary" | "description" | "externalDocs" | "operationId" | "deprecated"
                | "security" => {
                    out.insert(key.clone(), value.clone());
                }
                _ if key.starts_with("x-") => {
                    out.insert(key.clone(), value.clone());
                }
                _ => {}
            }
        }
        let consumes =
            operation.get("consumes").map(|c| media_list(Some(c))).unwrap_or_else(|| self.consumes.clone());
        let produces =
            operation.get("produces").map(|p| media_list(Some(p))).unwrap_or_else(|| self.produces.clone());
        if let Some(servers) =
            operation.get("schemes").and_then(|s| self.servers(Some(s), &at.join("schemes")))
        {
            out.insert("servers".into(), servers);
        }
        let (parameters, mut bodies) =
            self.split_parameters(operation.get("parameters"), &at.join("parameters"));
        if !parameters.is_empty() {
            for (index, (_, was)) in parameters.iter().enumerate() {
                self.moved_parameter(at.join("parameters").join(index), was);
            }
            out.insert("parameters".into(), Value::Array(parameters.into_iter().map(|(p, _)| p).collect()));
        }
        // Path-level body and form members apply unless the operation gives a body of its
        // own (a body, or form members for form members of the same name).
        if bodies.body.is_none() && bodies.form.is_empty() {
            bodies.body = shared.body.clone();
        }
        if bodies.body.is_none() {
            for member in &shared.form {
                let name = member.0.get("name");
                if !bodies.form.iter().any(|(own, _)| own.get("name") == name) {
                    bodies.form.push(member.clone());
                }
            }
        }
        if let Some(body) = self.request_body(&bodies, &consumes, at) {
            out.insert("requestBody".into(), body);
        }
        let mut responses = Map::new();
        if let Some(given) = operation.get("responses").and_then(Value::as_object) {
            for (status, response) in given {
                let response_at = at.join("responses").join(status);
                if status.starts_with("x-") {
                    responses.insert(status.clone(), response.clone());
                    continue;
                }
                let converted = self.response(response, &produces, &response_at, &response_at);
                responses.insert(status.clone(), converted);
            }
        }
        out.insert("responses".into(), Value::Object(responses));
        Value::Object(out)
    }

    fn request_body(&mut self, bodies: &Bodies<'d>, consumes: &[String], at: &Pointer) -> Option<Value> {
        let body_at = at.join("requestBody");
        if let Some((body, was)) = &bodies.body {
            if let Some((_, form_at)) = bodies.form.first() {
                self.note(form_at, "form members next to an `in: body` parameter cannot both be sent; the form members are left out");
            }
            let schema = body.get("schema").map(|s| self.schema(s)).unwrap_or_else(|| json!({}));
            let mut media: Vec<String> = consumes.iter().filter(|m| !is_form(m)).cloned().collect();
            if media.is_empty() {
                media.push(JSON.into());
            }
            let mut content = Map::new();
            for m in &media {
                content.insert(m.clone(), json!({ "schema": schema }));
                self.moved(body_at.join("content").join(m).join("schema"), was.join("schema"));
            }
            self.moved(body_at.clone(), was.clone());
            let mut out = Map::new();
            if let Some(description) = body.get("description") {
                out.insert("description".into(), description.clone());
            }
            out.insert("content".into(), Value::Object(content));
            if body.get("required").and_then(Value::as_bool) == Some(true) {
                out.insert("required".into(), json!(true));
            }
            if let Some(name) = body.get("name") {
                out.insert("x-codegen-request-body-name".into(), name.clone());
            }
            return Some(Value::Object(out));
        }
        if bodies.form.is_empty() {
            return None;
        }
        let has_file = bodies.form.iter().any(|(p, _)| p.get("type").and_then(Value::as_str) == Some("file"));
        let wants_multipart = consumes.iter().any(|m| essence(m) == MULTIPART);
        let wants_form = consumes.iter().any(|m| essence(m) == FORM);
        // Without a file, form-urlencoded where it is offered (or nothing is said).
        let media = if has_file || (wants_multipart && !wants_form) { MULTIPART } else { FORM };
        if has_file && wants_form && !wants_multipart {
            self.note(
                &at.join("consumes"),
                "a file member cannot be sent form-urlencoded; the body is sent as multipart/form-data",
            );
        }
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut encoding = Map::new();
        let schema_at = body_at.join("content").join(media).join("schema");
        for (member, was) in &bodies.form {
            let Some(name) = member.get("name").and_then(Value::as_str) else { continue };
            if media == FORM && member.get("type").and_then(Value::as_str) == Some("array") {
                // 2.0 sends form arrays comma-separated unless told otherwise; 3.0 repeats
                // the member unless its encoding says otherwise.
                let format = member.get("collectionFormat").and_then(Value::as_str).unwrap_or("csv");
                let (style, explode) = match format {
                    "multi" => ("form", true),
                    "ssv" => ("spaceDelimited", false),
                    "pipes" => ("pipeDelimited", false),
                    "csv" => ("form", false),
                    other => {
                        self.note(
                            &was.join("collectionFormat"),
                            format!(
                                "`collectionFormat: {other}` has no OpenAPI 3 form; sent comma-separated"
                            ),
                        );
                        ("form", false)
                    }
                };
                encoding.insert(name.to_owned(), json!({ "style": style, "explode": explode }));
            }
            let mut schema = self.value_schema(member, was);
            if let Some(description) = member.get("description") {
                schema.insert("description".into(), description.clone());
            }
            properties.insert(name.to_owned(), Value::Object(schema));
            self.moved(schema_at.join("properties").join(name), was.clone());
            if member.get("required").and_then(Value::as_bool) == Some(true) {
                required.push(json!(name));
            }
        }
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        schema.insert("properties".into(), Value::Object(properties));
        let any_required = !required.is_empty();
        if any_required {
            schema.insert("required".into(), Value::Array(required));
        }
        let mut entry = Map::new();
        entry.insert("schema".into(), Value::Object(schema));
        if !encoding.is_empty() {
            entry.insert("encoding".into(), Value::Object(encoding));
        }
        let mut content = Map::new();
        content.insert(media.into(), Value::Object(entry));
        let mut out = Map::new();
        out.insert("content".into(), Value::Object(content));
        if any_required {
            out.insert("required".into(), json!(true));
        }
        Some(Value::Object(out))
    }

    /// A query, header or path parameter: its value keywords become its schema.
    fn parameter(&mut self, parameter: &Map<String, Value>, at: &Pointer, now: &Pointer) -> Value {
        let mut out = Map::new();
        for key in ["name", "in", "description", "required", "allowEmptyValue"] {
            if let Some(value) = parameter.get(key) {
                out.insert(key.into(), value.clone());
            }
        }
        for (key, value) in
            parameter.iter().filter(|(k, _)| k.starts_with("x-") && !VALUE_KEYWORDS.contains(&k.as_str()))
        {
            if key == "x-example" {
                out.insert("example".into(), value.clone());
            } else {
                out.insert(key.clone(), value.clone());
            }
        }
        let location = parameter.get("in").and_then(Value::as_str).unwrap_or_default();
        if parameter.get("type").and_then(Value::as_str) == Some("array") {
            let format = parameter.get("collectionFormat").and_then(Value::as_str).unwrap_or("csv");
            let (style, explode) = match (format, location) {
                ("csv", "query") => (Some("form"), false),
                ("csv", _) => (None, false),
                ("multi", "query") => (Some("form"), true),
                ("ssv", "query") => (Some("spaceDelimited"), false),
                ("pipes", "query") => (Some("pipeDelimited"), false),
                (other, _) => {
                    self.note(
                        &at.join("collectionFormat"),
                        format!("`collectionFormat: {other}` has no OpenAPI 3 form for a {location} parameter; sent comma-separated"),
                    );
                    (if location == "query" { Some("form") } else { None }, false)
                }
            };
            if let Some(style) = style {
                out.insert("style".into(), json!(style));
            }
            out.insert("explode".into(), json!(explode));
        }
        let schema = self.value_schema(parameter, at);
        out.insert("schema".into(), Value::Object(schema));
        if !now.as_str().is_empty() {
            self.moved(now.clone(), at.clone());
            self.moved(now.join("schema"), at.clone());
        }
        Value::Object(out)
    }

    /// The schema of a parameter, header or items object (its value keywords).
    fn value_schema(&mut self, node: &Map<String, Value>, at: &Pointer) -> Map<String, Value> {
        let mut schema = Map::new();
        for key in VALUE_KEYWORDS {
            let Some(value) = node.get(*key) else { continue };
            match *key {
                "items" => match value.as_object() {
                    // Off the standard, but published: items of a parameter that are a schema.
                    Some(items) if items.contains_key("$ref") => {
                        schema.insert("items".into(), self.schema(value));
                    }
                    Some(items) => {
                        let items = self.value_schema(items, &at.join("items"));
                        schema.insert("items".into(), Value::Object(items));
                    }
                    None => {
                        schema.insert("items".into(), json!({}));
                    }
                },
                "x-nullable" => {
                    if value.as_bool() == Some(true) {
                        schema.insert("nullable".into(), json!(true));
                    }
                }
                "type" if value.as_str() == Some("file") => {
                    schema.insert("type".into(), json!("string"));
                    schema.insert("format".into(), json!("binary"));
                }
                _ => {
                    schema.insert((*key).into(), value.clone());
                }
            }
        }
        if let Some(nested) =
            node.get("items").and_then(|i| i.get("collectionFormat")).and_then(Value::as_str)
        {
            if nested != "csv" {
                self.note(&at.join("items").join("collectionFormat"), format!("`collectionFormat: {nested}` of nested items has no OpenAPI 3 form; sent comma-separated"));
            }
        }
        schema
    }

    fn response(&mut self, response: &Value, produces: &[String], at: &Pointer, now: &Pointer) -> Value {
        let Some(response) = response.as_object() else { return response.clone() };
        if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
            return json!({ "$ref": rewrite_ref(reference) });
        }
        let mut out = Map::new();
        match response.get("description") {
            Some(description) => {
                out.insert("description".into(), description.clone());
            }
            None => {
                out.insert("description".into(), json!(""));
            }
        }
        if let Some(headers) = response.get("headers").and_then(Value::as_object) {
            let mut converted = Map::new();
            for (name, header) in headers {
                let Some(header) = header.as_object() else { continue };
                let header_at = at.join("headers").join(name);
                let mut out_header = Map::new();
                if let Some(description) = header.get("description") {
                    out_header.insert("description".into(), description.clone());
                }
                let schema = self.value_schema(header, &header_at);
                out_header.insert("schema".into(), Value::Object(schema));
                self.moved(now.join("headers").join(name).join("schema"), header_at);
                converted.insert(name.clone(), Value::Object(out_header));
            }
            out.insert("headers".into(), Value::Object(converted));
        }
        if let Some(schema) = response.get("schema") {
            let schema = self.schema(schema);
            let mut media: Vec<String> = produces.to_vec();
            if media.is_empty() {
                media.push(JSON.into());
            }
            let examples = response.get("examples").and_then(Value::as_object);
            let mut content = Map::new();
            for m in &media {
                let mut entry = Map::new();
                entry.insert("schema".into(), schema.clone());
                if let Some(example) = examples.and_then(|e| e.get(m)) {
                    entry.insert("example".into(), example.clone());
                }
                content.insert(m.clone(), Value::Object(entry));
                self.moved(now.join("content").join(m).join("schema"), at.join("schema"));
            }
            out.insert("content".into(), Value::Object(content));
        }
        for (key, value) in response.iter().filter(|(k, _)| k.starts_with("x-")) {
            out.insert(key.clone(), value.clone());
        }
        if now != at {
            self.moved(now.clone(), at.clone());
        }
        Value::Object(out)
    }

    fn security_scheme(&mut self, scheme: &Value, at: &Pointer) -> Value {
        let Some(scheme) = scheme.as_object() else { return scheme.clone() };
        let mut out = Map::new();
        if let Some(description) = scheme.get("description") {
            out.insert("description".into(), description.clone());
        }
        match scheme.get("type").and_then(Value::as_str) {
            Some("basic") => {
                out.insert("type".into(), json!("http"));
                out.insert("scheme".into(), json!("basic"));
            }
            Some("apiKey") => {
                out.insert("type".into(), json!("apiKey"));
                for key in ["name", "in"] {
                    if let Some(value) = scheme.get(key) {
                        out.insert(key.into(), value.clone());
                    }
                }
            }
            Some("oauth2") => {
                out.insert("type".into(), json!("oauth2"));
                let flow = scheme.get("flow").and_then(Value::as_str).unwrap_or_default();
                let name = match flow {
                    "implicit" => "implicit",
                    "password" => "password",
                    "application" => "clientCredentials",
                    "accessCode" => "authorizationCode",
                    other => {
                        self.note(
                            &at.join("flow"),
                            format!("unknown OAuth2 flow `{other}`; read as client credentials"),
                        );
                        "clientCredentials"
                    }
                };
                let mut details = Map::new();
                for key in ["authorizationUrl", "tokenUrl"] {
                    if let Some(value) = scheme.get(key) {
                        details.insert(key.into(), value.clone());
                    }
                }
                details.insert("scopes".into(), scheme.get("scopes").cloned().unwrap_or_else(|| json!({})));
                out.insert("flows".into(), json!({ name: details }));
            }
            _ => return Value::Object(scheme.clone()),
        }
        for (key, value) in scheme.iter().filter(|(k, _)| k.starts_with("x-")) {
            out.insert(key.clone(), value.clone());
        }
        Value::Object(out)
    }

    /// A schema with its `$ref`s, `x-nullable`, `type: file` and `discriminator` in 3.0 form.
    fn schema(&mut self, schema: &Value) -> Value {
        let Some(map) = schema.as_object() else { return schema.clone() };
        let mut out = Map::new();
        for (key, value) in map {
            let converted = match key.as_str() {
                "$ref" => value.as_str().map(|r| json!(rewrite_ref(r))).unwrap_or_else(|| value.clone()),
                "x-nullable" => {
                    if value.as_bool() == Some(true) {
                        out.insert("nullable".into(), json!(true));
                    }
                    continue;
                }
                "type" if value.as_str() == Some("file") => {
                    out.insert("format".into(), json!("binary"));
                    json!("string")
                }
                "discriminator" => match value.as_str() {
                    Some(name) => json!({ "propertyName": name }),
                    None => value.clone(),
                },
                "properties" => match value.as_object() {
                    Some(properties) => {
                        Value::Object(properties.iter().map(|(k, v)| (k.clone(), self.schema(v))).collect())
                    }
                    None => value.clone(),
                },
                "items" | "additionalProperties" | "not" => match value {
                    Value::Array(items) => Value::Array(items.iter().map(|i| self.schema(i)).collect()),
                    other => self.schema(other),
                },
                "allOf" | "anyOf" | "oneOf" => match value.as_array() {
                    Some(items) => Value::Array(items.iter().map(|i| self.schema(i)).collect()),
                    None => value.clone(),
                },
                _ => value.clone(),
            };
            out.insert(key.clone(), converted);
        }
        Value::Object(out)
    }
}

fn is_form(media: &str) -> bool {
    let essence = essence(media);
    essence == FORM || essence == MULTIPART
}

/// `#/definitions/X` -> `#/components/schemas/X`, and so on for parameters and responses.
fn rewrite_ref(reference: &str) -> String {
    for (old, new) in [
        ("#/definitions/", "#/components/schemas/"),
        ("#/parameters/", "#/components/parameters/"),
        ("#/responses/", "#/components/responses/"),
    ] {
        if let Some(rest) = reference.strip_prefix(old) {
            return format!("{new}{rest}");
        }
    }
    reference.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert_yaml(text: &str) -> Converted {
        let value: Value = serde_yaml::from_str(text).unwrap();
        convert(&value)
    }

    #[test]
    fn servers_from_host_base_path_and_schemes() {
        let c = convert_yaml(
            "swagger: '2.0'\nhost: api.example.com\nbasePath: /v1\nschemes: [http, https, ws]\npaths: {}\n",
        );
        assert_eq!(
            c.document["servers"],
            json!([{"url": "https://api.example.com/v1"}, {"url": "http://api.example.com/v1"}])
        );
        assert_eq!(c.notes.len(), 1, "{:?}", c.notes);
        let c = convert_yaml("swagger: '2.0'\nbasePath: /v2\npaths: {}\n");
        assert_eq!(c.document["servers"], json!([{"url": "/v2"}]));
        let c = convert_yaml("swagger: '2.0'\npaths: {}\n");
        assert!(c.document.get("servers").is_none());
    }

    #[test]
    fn bodies_forms_and_parameters() {
        let c = convert_yaml(
            r##"
swagger: '2.0'
consumes: [application/json]
produces: [application/json, text/plain]
paths:
  /pets/{id}:
    parameters:
      - {name: id, in: path, required: true, type: string}
    put:
      parameters:
        - {name: body, in: body, required: true, schema: {$ref: '#/definitions/Pet'}}
        - {name: tags, in: query, type: array, items: {type: string}, collectionFormat: multi}
        - {name: ids, in: header, type: array, items: {type: integer}, collectionFormat: tsv}
        - $ref: '#/parameters/Limit'
      responses:
        '200': {description: ok, schema: {$ref: '#/definitions/Pet'}, headers: {X-Rate: {type: integer}}}
        '404': {$ref: '#/responses/NotFound'}
    post:
      consumes: [multipart/form-data]
      parameters:
        - {name: photo, in: formData, type: file, required: true}
        - {name: note, in: formData, type: string}
      responses:
        default: {description: error}
parameters:
  Limit: {name: limit, in: query, type: integer, x-nullable: true}
responses:
  NotFound: {description: missing}
definitions:
  Pet:
    type: object
    discriminator: kind
    properties:
      kind: {type: string}
      owner: {$ref: '#/definitions/Pet', x-nullable: true}
      photo: {type: file}
"##,
        );
        let put = &c.document["paths"]["/pets/{id}"]["put"];
        assert_eq!(
            put["requestBody"],
            json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
                   "required": true, "x-codegen-request-body-name": "body"})
        );
        let parameters = put["parameters"].as_array().unwrap();
        assert_eq!(
            parameters[0],
            json!({"name": "tags", "in": "query", "style": "form", "explode": true,
                   "schema": {"type": "array", "items": {"type": "string"}}})
        );
        assert_eq!(parameters[1]["explode"], false);
        assert_eq!(parameters[2], json!({"$ref": "#/components/parameters/Limit"}));
        assert_eq!(
            put["responses"]["200"]["content"]["text/plain"]["schema"],
            json!({"$ref": "#/components/schemas/Pet"})
        );
        assert_eq!(put["responses"]["200"]["headers"]["X-Rate"], json!({"schema": {"type": "integer"}}));
        assert_eq!(put["responses"]["404"], json!({"$ref": "#/components/responses/NotFound"}));
        let post = &c.document["paths"]["/pets/{id}"]["post"];
        assert_eq!(
            post["requestBody"]["content"]["multipart/form-data"]["schema"],
            json!({"type": "object", "properties": {"photo": {"type": "string", "format": "binary"}, "note": {"type": "string"}},
                   "required": ["photo"]})
        );
        let components = &c.document["components"];
        assert_eq!(components["parameters"]["Limit"]["schema"], json!({"type": "integer", "nullable": true}));
        assert_eq!(components["schemas"]["Pet"]["discriminator"], json!({"propertyName": "kind"}));
        assert_eq!(
            components["schemas"]["Pet"]["properties"]["owner"],
            json!({"$ref": "#/components/schemas/Pet", "nullable": true})
        );
        assert_eq!(
            components["schemas"]["Pet"]["properties"]["photo"],
            json!({"type": "string", "format": "binary"})
        );
        let notes: Vec<String> = c.notes.iter().map(|(at, _)| at.to_string()).collect();
        assert_eq!(notes, ["#/paths/~1pets~1{id}/put/parameters/2/collectionFormat"]);
        // A node that moved is traced back to where it was.
        let traced = c.origins.trace(&path(&[
            "paths",
            "/pets/{id}",
            "put",
            "requestBody",
            "content",
            "application/json",
            "schema",
        ]));
        assert_eq!(traced.unwrap().pointer.to_string(), "#/paths/~1pets~1{id}/put/parameters/0/schema");
    }

    #[test]
    fn form_arrays_path_level_bodies_and_items_by_ref() {
        let c = convert_yaml(
            r##"
swagger: '2.0'
paths:
  /a:
    parameters:
      - {name: doc, in: body, schema: {type: object}}
    post:
      consumes: [application/x-www-form-urlencoded]
      parameters:
        - {name: ids, in: formData, type: array, items: {type: string}}
        - {name: all, in: formData, type: array, items: {type: string}, collectionFormat: multi}
        - {name: colors, in: query, type: array, items: {$ref: '#/definitions/Color'}}
      responses: {'204': {description: done}}
    put:
      responses: {'204': {description: done}}
definitions:
  Color: {type: string, enum: [red]}
"##,
        );
        let post = &c.document["paths"]["/a"]["post"];
        // The operation's own form members win over the path's body.
        let form = &post["requestBody"]["content"]["application/x-www-form-urlencoded"];
        assert_eq!(
            form["encoding"],
            json!({"ids": {"style": "form", "explode": false}, "all": {"style": "form", "explode": true}})
        );
        assert_eq!(post["parameters"][0]["schema"]["items"], json!({"$ref": "#/components/schemas/Color"}));
        let put = &c.document["paths"]["/a"]["put"];
        assert_eq!(put["requestBody"]["content"]["application/json"]["schema"], json!({"type": "object"}));
        assert!(c.notes.is_empty(), "{:?}", c.notes);
    }

    #[test]
    fn security_definitions_and_oauth_flows() {
        let c = convert_yaml(
            "swagger: '2.0'\npaths: {}\nsecurityDefinitions:\n  basic: {type: basic}\n  key: {type: apiKey, name: X-Key, in: header}\n  app: {type: oauth2, flow: application, tokenUrl: 'https://t', scopes: {read: r}}\n  code: {type: oauth2, flow: accessCode, authorizationUrl: 'https://a', tokenUrl: 'https://t'}\n",
        );
        let schemes = &c.document["components"]["securitySchemes"];
        assert_eq!(schemes["basic"], json!({"type": "http", "scheme": "basic"}));
        assert_eq!(schemes["key"], json!({"type": "apiKey", "name": "X-Key", "in": "header"}));
        assert_eq!(
            schemes["app"]["flows"],
            json!({"clientCredentials": {"tokenUrl": "https://t", "scopes": {"read": "r"}}})
        );
        assert_eq!(
            schemes["code"]["flows"],
            json!({"authorizationCode": {"authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {}}})
        );
    }
}
