//! Finding the node a structural error is in. `openapiv3`'s types flatten their vendor
//! extensions, which hides the path of a failure below the first level; this walks the
//! document's known shape, typing one node at a time, down to the deepest node that does
//! not fit.

use openapiv3::{
    Components, Header, Info, MediaType, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response,
    Schema, SecurityScheme, Server, Tag,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Pointer;

#[derive(Clone, Copy)]
enum Kind {
    Document,
    Info,
    Server,
    Tag,
    Components,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    MediaType,
    Header,
    Schema,
    SecurityScheme,
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Whether a node fits its type; if not, where inside the node it went wrong (as far as the
/// path can be followed) and why.
fn fits(kind: Kind, value: &Value) -> Result<(), (Pointer, String)> {
    fn check<T: DeserializeOwned>(value: &Value) -> Result<(), (Pointer, String)> {
        super::typed::<T>(value).map(drop)
    }
    match kind {
        Kind::Document => check::<openapiv3::OpenAPI>(value),
        Kind::Info => check::<Info>(value),
        Kind::Server => check::<Server>(value),
        Kind::Tag => check::<Tag>(value),
        Kind::Components => check::<Components>(value),
        Kind::PathItem => check::<ReferenceOr<PathItem>>(value),
        Kind::Operation => check::<Operation>(value),
        Kind::Parameter => check::<ReferenceOr<Parameter>>(value),
        Kind::RequestBody => check::<ReferenceOr<RequestBody>>(value),
        Kind::Response => check::<ReferenceOr<Response>>(value),
        Kind::MediaType => check::<MediaType>(value),
        Kind::Header => check::<ReferenceOr<Header>>(value),
        Kind::Schema => check::<ReferenceOr<Schema>>(value),
        Kind::SecurityScheme => check::<ReferenceOr<SecurityScheme>>(value),
    }
}

/// The typed children of a node: (path below the node, kind). `*` stands for every member.
fn children(kind: Kind) -> &'static [(&'static [&'static str], Kind)] {
    match kind {
        Kind::Document => &[
            (&["info"], Kind::Info),
            (&["servers", "*"], Kind::Server),
            (&["tags", "*"], Kind::Tag),
            (&["paths", "*"], Kind::PathItem),
            (&["components"], Kind::Components),
        ],
        Kind::Components => &[
            (&["schemas", "*"], Kind::Schema),
            (&["responses", "*"], Kind::Response),
            (&["parameters", "*"], Kind::Parameter),
            (&["requestBodies", "*"], Kind::RequestBody),
            (&["headers", "*"], Kind::Header),
            (&["securitySchemes", "*"], Kind::SecurityScheme),
        ],
        Kind::PathItem => &[(&["parameters", "*"], Kind::Parameter), (&["servers", "*"], Kind::Server)],
        Kind::Operation => &[
            (&["parameters", "*"], Kind::Parameter),
            (&["requestBody"], Kind::RequestBody),
            (&["responses", "*"], Kind::Response),
            (&["servers", "*"], Kind::Server),
        ],
        Kind::Parameter | Kind::Header => {
            &[(&["schema"], Kind::Schema), (&["content", "*"], Kind::MediaType)]
        }
        Kind::RequestBody => &[(&["content", "*"], Kind::MediaType)],
        Kind::Response => &[(&["content", "*"], Kind::MediaType), (&["headers", "*"], Kind::Header)],
        Kind::MediaType => &[(&["schema"], Kind::Schema)],
        Kind::Schema => &[
            (&["properties", "*"], Kind::Schema),
            (&["items"], Kind::Schema),
            (&["allOf", "*"], Kind::Schema),
            (&["oneOf", "*"], Kind::Schema),
            (&["anyOf", "*"], Kind::Schema),
            (&["not"], Kind::Schema),
            (&["additionalProperties"], Kind::Schema),
        ],
        Kind::Info | Kind::Server | Kind::Tag | Kind::SecurityScheme => &[],
    }
}

/// The members of `value` at `path` (expanding `*`), with their pointers.
fn select<'v>(value: &'v Value, at: &Pointer, path: &[&str], out: &mut Vec<(&'v Value, Pointer)>) {
    let Some((first, rest)) = path.split_first() else {
        out.push((value, at.clone()));
        return;
    };
    match (*first, value) {
        ("*", Value::Object(map)) => {
            for (key, child) in map {
                if !key.starts_with("x-") {
                    select(child, &at.join(key), rest, out);
                }
            }
        }
        ("*", Value::Array(items)) => {
            for (index, child) in items.iter().enumerate() {
                select(child, &at.join(index), rest, out);
            }
        }
        (key, Value::Object(map)) => {
            if let Some(child) = map.get(key) {
                select(child, &at.join(key), rest, out);
            }
        }
        _ => {}
    }
}

fn descend(value: &Value, at: &Pointer, kind: Kind, depth: usize) -> Option<(Pointer, String)> {
    let (inside, message) = fits(kind, value).err()?;
    if depth < 256 {
        let mut kinds: Vec<(&[&str], Kind)> = children(kind).to_vec();
        if matches!(kind, Kind::PathItem) {
            kinds.extend(METHODS.iter().map(|m| (std::slice::from_ref(m), Kind::Operation)));
        }
        for (path, child_kind) in kinds {
            let mut nodes = Vec::new();
            select(value, at, path, &mut nodes);
            for (child, pointer) in nodes {
                // `additionalProperties: true` is not a schema, and fits where it is.
                if matches!(child_kind, Kind::Schema) && child.is_boolean() {
                    continue;
                }
                if let Some(found) = descend(child, &pointer, child_kind, depth + 1) {
                    return Some(found);
                }
            }
        }
    }
    Some((inside.tokens().fold(at.clone(), |p, t| p.join(t)), message))
}

/// The deepest node of a document that does not fit its type, and why.
pub fn locate(document: &Value) -> Option<(Pointer, String)> {
    descend(document, &Pointer::root(), Kind::Document, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nodes_below_flattened_types() {
        let document: Value = serde_yaml::from_str(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  id: {type: [string]}\n",
        )
        .unwrap();
        let (pointer, message) = locate(&document).unwrap();
        assert_eq!(
            pointer.to_string(),
            "#/paths/~1pets/get/responses/200/content/application~1json/schema/properties/id"
        );
        assert!(!message.is_empty());
        let fine: Value =
            serde_yaml::from_str("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap();
        assert!(locate(&fine).is_none());
    }
}
