//! The requests an API sends to its users' servers, webhooks and callbacks: one variant each
//! of the crate's event enum, with its JSON body typed; and whether they are signed as
//! Standard Webhooks say.

use openapiv3::{PathItem, ReferenceOr};

use super::schema::TypeSpace;
use crate::error::Diagnostic;
use crate::ir::{Event, TypeRef};
use crate::load::{EventKind, Spec};
use crate::media::{essence, is_json};
use crate::naming::{pascal, Scope};
use crate::pointer::Pointer;

/// The variant an event's enum keeps for events the crate does not know.
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// The header a Standard Webhooks request is signed in.
const SIGNATURE_HEADER: &str = "webhook-signature";

/// The events of a spec, and whether any declares the Standard Webhooks signature header.
pub fn lower(
    spec: &Spec,
    space: &mut TypeSpace<'_>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Vec<Event>, bool), Diagnostic> {
    let mut variants = Scope::with_reserved([UNKNOWN_VARIANT]);
    let mut events = Vec::new();
    let mut signed = false;
    for raw in &spec.events {
        let what = if raw.kind == EventKind::Webhook { "webhook" } else { "callback" };
        // Events are read from the document as written: a `$ref` into another file is not
        // bundled for them, and leaves the event out rather than the whole client.
        if let Some(reference) = unfollowed_ref(spec, &raw.item) {
            warnings.push(spec.error(
                &raw.at,
                format!(
                    "{what} `{}` is left out: its `$ref` `{reference}` does not name a part of this document",
                    raw.name
                ),
            ));
            continue;
        }
        let item: PathItem = match serde_json::from_value(raw.item.clone()) {
            Ok(item) => item,
            Err(e) => {
                warnings.push(
                    spec.error(&raw.at, format!("{what} `{}` is left out: it cannot be read: {e}", raw.name)),
                );
                continue;
            }
        };
        let operations: Vec<_> = item.iter().collect();
        for (method, op) in &operations {
            let op_at = raw.at.join(method);
            let name = if operations.len() > 1 { format!("{} {method}", raw.name) } else { raw.name.clone() };
            signed |= op.parameters.iter().any(|p| match p {
                ReferenceOr::Item(p) => p.parameter_data_ref().name.eq_ignore_ascii_case(SIGNATURE_HEADER),
                ReferenceOr::Reference { .. } => false,
            });
            let variant = variants.claim(&pascal(&name));
            let payload = match &op.request_body {
                None => None,
                Some(body) => {
                    let body_at = op_at.join("requestBody");
                    let resolved = spec.resolve(body, &body_at)?;
                    let json = resolved.item.content.iter().find(|(media, _)| is_json(&essence(media)));
                    match json {
                        Some((media, content)) => match &content.schema {
                            Some(schema) => {
                                let at = resolved.pointer.join("content").join(media).join("schema");
                                Some(space.lower(schema, &at, &format!("{variant}Event"))?)
                            }
                            None => Some(TypeRef::Json),
                        },
                        None => None,
                    }
                }
            };
            let doc = op.summary.clone().or_else(|| op.description.clone()).or_else(|| item.summary.clone());
            let boxed = matches!(payload, Some(TypeRef::Named(_)));
            events.push(Event {
                name,
                variant,
                callback: raw.kind == EventKind::Callback,
                http_method: method.to_ascii_uppercase(),
                doc,
                payload,
                boxed,
            });
        }
    }
    Ok((events, signed))
}

/// The first `$ref` in a node that does not name a part of the document.
fn unfollowed_ref<'v>(spec: &Spec, node: &'v serde_json::Value) -> Option<&'v str> {
    match node {
        serde_json::Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(serde_json::Value::as_str) {
                let found = Pointer::from_ref(reference).is_some_and(|pointer| spec.raw(&pointer).is_some());
                if !found {
                    return Some(reference);
                }
            }
            map.values().find_map(|child| unfollowed_ref(spec, child))
        }
        serde_json::Value::Array(items) => items.iter().find_map(|child| unfollowed_ref(spec, child)),
        _ => None,
    }
}
