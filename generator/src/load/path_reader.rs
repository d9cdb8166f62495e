//! Path items typed straight from the tree, as `openapiv3`'s own reader types them (see
//! `schema_reader`, whose rules this follows): operations, their parameters, bodies and
//! responses, and the schemas in them, in one pass; examples too, which large specs hold
//! by the thousand. What carries no schema and is rare (servers, links, encodings,
//! callbacks, security requirements) is read by the crate's reader, node by node. A node in any form this does not read makes it give `None`,
//! and the crate's reader then reads the whole path item, with its error where it has one.

use indexmap::IndexMap;
use openapiv3::{
    Example, Header, MediaType, Operation, Parameter, ParameterData, ParameterSchemaOrContent, PathItem,
    ReferenceOr, RequestBody, Response, Responses, StatusCode,
};
use serde::de::{DeserializeOwned, IntoDeserializer};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::schema_reader::{data, flag, optional, reference_or, schema_or_reference, set, string, typed};

/// A path item or a `$ref` to one, as `ReferenceOr::<PathItem>::deserialize` reads it.
pub fn path_item_or_reference(value: &Value) -> Option<ReferenceOr<PathItem>> {
    reference_or(value, path_item)
}

/// An example or a `$ref` to one, as `ReferenceOr::<Example>::deserialize` reads it. That
/// reader buffers an untagged node whole before reading it, so each example's value was
/// copied twice; here it is copied once.
pub fn example_or_reference(value: &Value) -> Option<ReferenceOr<Example>> {
    reference_or(value, example)
}

fn example(map: &Map<String, Value>) -> Option<Example> {
    let ([summary, description, value, external_value], extensions) =
        fields(map, ["summary", "description", "value", "externalValue"]);
    Some(Example {
        summary: string(summary)?,
        description: string(description)?,
        value: data(value),
        external_value: string(external_value)?,
        extensions,
    })
}

/// The members of an object named in `names`, each in its place, and its extensions.
fn fields<'v, const N: usize>(
    map: &'v Map<String, Value>,
    names: [&str; N],
) -> ([Option<&'v Value>; N], IndexMap<String, Value>) {
    let mut found = [None; N];
    let mut extensions = IndexMap::new();
    for (key, value) in map {
        if let Some(place) = names.iter().position(|name| name == key) {
            found[place] = Some(value);
        } else if key.starts_with("x-") {
            extensions.insert(key.clone(), value.clone());
        }
    }
    (found, extensions)
}

/// A member that must be there: `null` or absent is the wrong kind.
fn required(value: Option<&Value>) -> Option<&Value> {
    value.filter(|value| !value.is_null())
}

/// A list that is empty when absent (and must not be `null`).
fn list_of<T>(value: Option<&Value>, read: impl Fn(&Value) -> Option<T>) -> Option<Vec<T>> {
    match value {
        None => Some(Vec::new()),
        Some(value) => value.as_array()?.iter().map(read).collect(),
    }
}

/// A map that is empty when absent (and must not be `null`).
fn map_of<T>(value: Option<&Value>, read: impl Fn(&Value) -> Option<T>) -> Option<IndexMap<String, T>> {
    match value {
        None => Some(IndexMap::new()),
        Some(value) => {
            value.as_object()?.iter().map(|(key, value)| Some((key.clone(), read(value)?))).collect()
        }
    }
}

/// A node the crate's reader reads.
fn crate_read<T: DeserializeOwned>(value: &Value) -> Option<T> {
    T::deserialize(value).ok()
}

fn path_item(map: &Map<String, Value>) -> Option<PathItem> {
    let names = [
        "summary",
        "description",
        "get",
        "put",
        "post",
        "delete",
        "options",
        "head",
        "patch",
        "trace",
        "servers",
        "parameters",
    ];
    let (
        [summary, description, get, put, post, delete, options, head, patch, trace, servers, parameters],
        extensions,
    ) = fields(map, names);
    let operation = |value: Option<&Value>| optional(value, |value| operation(value.as_object()?));
    Some(PathItem {
        summary: string(summary)?,
        description: string(description)?,
        get: operation(get)?,
        put: operation(put)?,
        post: operation(post)?,
        delete: operation(delete)?,
        options: operation(options)?,
        head: operation(head)?,
        patch: operation(patch)?,
        trace: operation(trace)?,
        servers: list_of(servers, crate_read)?,
        parameters: list_of(parameters, |value| reference_or(value, parameter))?,
        extensions,
    })
}

fn operation(map: &Map<String, Value>) -> Option<Operation> {
    let names = [
        "tags",
        "summary",
        "description",
        "externalDocs",
        "operationId",
        "parameters",
        "requestBody",
        "responses",
        "callbacks",
        "deprecated",
        "security",
        "servers",
    ];
    let (
        [tags, summary, description, external_docs, operation_id, parameters, request_body, responses, callbacks, deprecated, security, servers],
        extensions,
    ) = fields(map, names);
    Some(Operation {
        tags: list_of(tags, |tag| tag.as_str().map(str::to_owned))?,
        summary: string(summary)?,
        description: string(description)?,
        external_docs: typed(external_docs)?,
        operation_id: string(operation_id)?,
        parameters: list_of(parameters, |value| reference_or(value, parameter))?,
        request_body: optional(request_body, |value| reference_or(value, self::request_body))?,
        responses: self::responses(required(responses)?.as_object()?)?,
        callbacks: map_of(callbacks, crate_read)?,
        deprecated: set(deprecated)?,
        security: typed(security)?,
        servers: list_of(servers, crate_read)?,
        extensions,
    })
}

fn responses(map: &Map<String, Value>) -> Option<Responses> {
    let mut default = None;
    let mut responses = IndexMap::new();
    let mut extensions = IndexMap::new();
    for (key, value) in map {
        if key == "default" {
            default = optional(Some(value), |value| reference_or(value, response))?;
        } else if let Ok(status) = status_code(key) {
            responses.insert(status, reference_or(value, response)?);
        } else if key.starts_with("x-") {
            extensions.insert(key.clone(), value.clone());
        }
    }
    Some(Responses { default, responses, extensions })
}

/// A member name read as a status code (`200`, `2XX`), by the crate's rule.
fn status_code(key: &str) -> Result<StatusCode, serde::de::value::Error> {
    StatusCode::deserialize(key.into_deserializer())
}

fn response(map: &Map<String, Value>) -> Option<Response> {
    let ([description, headers, content, links], extensions) =
        fields(map, ["description", "headers", "content", "links"]);
    Some(Response {
        description: required(description)?.as_str()?.to_owned(),
        headers: map_of(headers, |value| reference_or(value, header))?,
        content: map_of(content, media_type)?,
        links: map_of(links, crate_read)?,
        extensions,
    })
}

fn request_body(map: &Map<String, Value>) -> Option<RequestBody> {
    let ([description, content, required], extensions) = fields(map, ["description", "content", "required"]);
    Some(RequestBody {
        description: string(description)?,
        content: map_of(content, media_type)?,
        required: set(required)?,
        extensions,
    })
}

fn media_type(value: &Value) -> Option<MediaType> {
    let ([schema, example, examples, encoding], extensions) =
        fields(value.as_object()?, ["schema", "example", "examples", "encoding"]);
    Some(MediaType {
        schema: optional(schema, schema_or_reference)?,
        example: data(example),
        examples: map_of(examples, example_or_reference)?,
        encoding: map_of(encoding, crate_read)?,
        extensions,
    })
}

/// A parameter's or a header's `schema` or `content`, whichever comes first.
fn schema_or_content(map: &Map<String, Value>) -> Option<ParameterSchemaOrContent> {
    let (key, value) = map.iter().find(|(key, _)| *key == "schema" || *key == "content")?;
    Some(match key.as_str() {
        "schema" => ParameterSchemaOrContent::Schema(schema_or_reference(value)?),
        _ => ParameterSchemaOrContent::Content(map_of(Some(value), media_type)?),
    })
}

fn parameter(map: &Map<String, Value>) -> Option<Parameter> {
    let names = [
        "in",
        "name",
        "description",
        "required",
        "deprecated",
        "example",
        "examples",
        "explode",
        "allowReserved",
        "style",
        "allowEmptyValue",
    ];
    let (
        [place, name, description, required, deprecated, example, examples, explode, allow_reserved, style, allow_empty_value],
        extensions,
    ) = fields(map, names);
    let parameter_data = ParameterData {
        name: self::required(name)?.as_str()?.to_owned(),
        description: string(description)?,
        required: set(required)?,
        deprecated: flag(deprecated)?,
        format: schema_or_content(map)?,
        example: data(example),
        examples: map_of(examples, example_or_reference)?,
        explode: flag(explode)?,
        extensions,
    };
    Some(match self::required(place)?.as_str()? {
        "query" => Parameter::Query {
            parameter_data,
            allow_reserved: set(allow_reserved)?,
            style: style_or_default(style)?,
            allow_empty_value: flag(allow_empty_value)?,
        },
        "header" => Parameter::Header { parameter_data, style: style_or_default(style)? },
        "path" => Parameter::Path { parameter_data, style: style_or_default(style)? },
        "cookie" => Parameter::Cookie { parameter_data, style: style_or_default(style)? },
        _ => return None,
    })
}

fn header(map: &Map<String, Value>) -> Option<Header> {
    let ([description, style, required, deprecated, example, examples], extensions) =
        fields(map, ["description", "style", "required", "deprecated", "example", "examples"]);
    Some(Header {
        description: string(description)?,
        style: style_or_default(style)?,
        required: set(required)?,
        deprecated: flag(deprecated)?,
        format: schema_or_content(map)?,
        example: data(example),
        examples: map_of(examples, example_or_reference)?,
        extensions,
    })
}

/// A `style`, its default when absent.
fn style_or_default<T: DeserializeOwned + Default>(value: Option<&Value>) -> Option<T> {
    match value {
        None => Some(T::default()),
        Some(value) => crate_read(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the crate's own reader makes of a node.
    fn derived(value: &Value) -> Option<ReferenceOr<PathItem>> {
        ReferenceOr::<PathItem>::deserialize(value).ok()
    }

    const OK: &str = r#"{"description": "ok"}"#;

    /// Path items of each form the typed reader tells apart, `{ok}` an answer that reads.
    const NODES: &[&str] = &[
        r##"{"$ref": "#/components/pathItems/A", "summary": "ignored"}"##,
        r##"{"summary": "S", "description": "D", "x-b": 1, "x-a": {}, "other": 1, "get": {"responses": {"200": {ok}}}}"##,
        r##"{"get": null, "put": {"responses": {}}, "servers": [{"url": "/v1"}], "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]}"##,
        r##"{"servers": null}"##,
        r##"{"parameters": [{"$ref": "#/p"}, {"name": "q", "in": "query", "style": "deepObject", "explode": true, "allowReserved": true, "allowEmptyValue": false, "deprecated": true, "content": {"application/json": {"schema": {"type": "object"}}}, "x-p": 1}]}"##,
        r##"{"parameters": [{"name": "h", "in": "header", "style": "simple", "schema": {"type": "integer"}, "content": {}, "example": 1, "examples": {"e": {"value": 1}}}]}"##,
        r##"{"parameters": [{"name": "c", "in": "cookie", "content": {"text/plain": {}}, "schema": {"type": "string"}}]}"##,
        r##"{"parameters": [{"name": "p", "in": "path", "style": "label"}]}"##,
        r##"{"parameters": [{"name": "p", "in": "body", "schema": {}}]}"##,
        r##"{"parameters": [{"name": "p", "in": "query", "style": "sideways", "schema": {}}]}"##,
        r##"{"parameters": [{"in": "query", "schema": {}}]}"##,
        r##"{"parameters": [{"name": "p", "in": "query", "schema": null}]}"##,
        r##"{"parameters": [{"name": "p", "in": "query", "schema": {}, "required": null}]}"##,
        r##"{"parameters": [{"name": "p", "in": "query", "schema": {}, "deprecated": null, "explode": null, "example": null}]}"##,
        r##"{"post": {"tags": ["a", "b"], "summary": "S", "description": "D", "operationId": "create", "deprecated": true, "externalDocs": {"url": "https://example.com"}, "security": [{"key": []}], "servers": [{"url": "/"}], "callbacks": {"cb": {"{$url}": {"post": {"responses": {"200": {ok}}}}}}, "x-o": [1], "requestBody": {"description": "B", "required": true, "content": {"application/json": {"schema": {"$ref": "#/s"}, "example": {"a": 1}, "encoding": {"a": {"contentType": "text/plain"}}, "x-m": 1}}}, "responses": {"default": {ok}, "200": {"description": "ok", "headers": {"X-Rate": {"schema": {"type": "integer"}, "required": true, "deprecated": false, "x-h": 1}, "X-Ref": {"$ref": "#/h"}}, "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}}, "links": {"l": {"operationId": "get"}}}, "2XX": {"$ref": "#/r"}, "2xx": {ok}, "404": {ok}, "x-r": 1, "other": 2}}}"##,
        r##"{"get": {"tags": [1], "responses": {}}}"##,
        r##"{"get": {"tags": null, "responses": {}}}"##,
        r##"{"get": {"responses": null}}"##,
        r##"{"get": {}}"##,
        r##"{"get": {"responses": {"200": {"headers": {}}}}}"##,
        r##"{"get": {"responses": {"200": "ok"}}}"##,
        r##"{"get": {"responses": {"1000": {ok}, "20": {ok}, "abc": {ok}, "default": null}}}"##,
        r##"{"get": {"responses": {"200": {"description": "ok", "headers": {"X": {"style": "form", "schema": {}}}}}}}"##,
        r##"{"get": {"responses": {"200": {"description": "ok", "headers": {"X": {"description": "no schema"}}}}}}"##,
        r##"{"get": {"responses": {"200": {"description": "ok", "content": null}}}}"##,
        r##"{"get": {"requestBody": null, "security": null, "summary": null, "operationId": null, "responses": {}}}"##,
        r##"{"get": {"requestBody": {"content": {"a/b": {"schema": null, "examples": null}}}, "responses": {}}}"##,
        r##"{"get": {"requestBody": {"required": "yes"}, "responses": {}}}"##,
        r##"{"get": {"deprecated": null, "responses": {}}}"##,
        r##"{"get": {"externalDocs": {"description": "no url"}, "responses": {}}}"##,
        r##"{"get": "nothing"}"##,
        r##"[]"##,
    ];

    fn node(text: &str) -> Value {
        serde_json::from_str(&text.replace("{ok}", OK)).expect("a test node")
    }

    #[test]
    fn reads_what_the_typed_reader_reads() {
        for text in NODES {
            let node = node(text);
            if let Some(read) = path_item_or_reference(&node) {
                assert_eq!(derived(&node).as_ref(), Some(&read), "{text}");
            }
        }
    }

    /// Examples of each form the typed reader tells apart.
    const EXAMPLES: &[&str] = &[
        r##"{"$ref": "#/components/examples/A", "summary": "ignored"}"##,
        r##"{"summary": "S", "description": "D", "value": {"a": [1, "b", null]}, "x-e": 1, "other": 2}"##,
        r##"{"externalValue": "https://example.com/e.json", "value": null, "summary": null}"##,
        r##"{"value": "text"}"##,
        r##"{}"##,
        r##"{"summary": 1}"##,
        r##"{"externalValue": ["a"]}"##,
        r##""text""##,
    ];

    #[test]
    fn examples_read_as_the_typed_reader_reads_them() {
        let derived = |value: &Value| ReferenceOr::<Example>::deserialize(value).ok();
        for text in EXAMPLES {
            let node = node(text);
            assert_eq!(example_or_reference(&node), derived(&node), "{text}");
        }
        let refused = EXAMPLES.iter().filter(|text| derived(&node(text)).is_none()).count();
        assert_eq!(refused, 3);
    }

    #[test]
    fn leaves_only_nodes_of_the_wrong_kind_to_the_typed_reader() {
        let unread: Vec<&str> =
            NODES.iter().copied().filter(|text| path_item_or_reference(&node(text)).is_none()).collect();
        let refused: Vec<&str> =
            NODES.iter().copied().filter(|text| derived(&node(text)).is_none()).collect();
        assert_eq!(unread, refused);
        assert!(refused.len() >= 10, "{refused:?}");
    }
}
