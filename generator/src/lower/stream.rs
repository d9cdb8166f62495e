//! Streamed answers: which media type streams, what each item is, the body member that asks
//! for the stream, and the data that ends it.

use indexmap::IndexMap;
use openapiv3::{MediaType, ReferenceOr, Schema};

use super::schema::TypeSpace;
use super::view::View;
use crate::error::Diagnostic;
use crate::ir::query::resolve;
use crate::ir::{Member, Operation, Stream, StreamItem, Success, TypeDef, TypeKind, TypeRef};
use crate::load::Spec;
use crate::media::StreamFormat;
use crate::options::StreamSetting;
use crate::pointer::Pointer;

/// The members a server-sent event has; a schema with `data` and only these describes the event.
const EVENT_FIELDS: &[&str] = &["event", "data", "id", "retry"];

/// The body member that usually asks for a stream instead of a whole answer.
const SWITCH: &str = "stream";

/// The extension beside a streamed media type that gives its items' schema.
const ITEM_EXTENSION: &str = "x-stream-item";

/// Extensions in published specs that name the data ending an event stream.
const SENTINEL_EXTENSIONS: &[&str] = &["x-stream-sentinel", "x-speakeasy-sse-sentinel"];

/// The first streamed media type of a success's content, with its format.
pub fn media(content: &IndexMap<String, MediaType>) -> Option<(&str, StreamFormat, &MediaType)> {
    content
        .iter()
        .find_map(|(media, body)| StreamFormat::of(media).map(|format| (media.as_str(), format, body)))
}

/// The stream a success offers, with its item typed: by the `item` a setting names, else the
/// media type's schema (3.2's `itemSchema` is read into `schema` when the document is
/// loaded), else an `x-stream-item` schema beside it; without any, raw events (or JSON
/// values, for lines and sequences). `alongside` says the success also has a JSON answer. The
/// switch member is found once types are known ([`finish`]).
pub fn lower(
    spec: &Spec,
    space: &mut TypeSpace<'_>,
    content: &IndexMap<String, MediaType>,
    content_at: &Pointer,
    alongside: bool,
    setting: Option<&StreamSetting>,
    hint: &str,
) -> Result<Option<Stream>, Diagnostic> {
    let Some((media, format, body)) = media(content) else { return Ok(None) };
    let media_at = content_at.join(media);
    let configured =
        setting.and_then(|s| s.item.clone()).map(|reference| ReferenceOr::Reference { reference });
    let hinted = match body.extensions.get(ITEM_EXTENSION) {
        Some(value) => Some(serde_json::from_value::<ReferenceOr<Schema>>(value.clone()).map_err(|e| {
            spec.error(
                &media_at.join(ITEM_EXTENSION),
                format!("expected a schema for the stream's items: {e}"),
            )
        })?),
        None => None,
    };
    let (schema, schema_at) = match (&configured, &body.schema, &hinted) {
        (Some(schema), _, _) => (Some(schema), media_at.clone()),
        (None, Some(schema), _) => (Some(schema), media_at.join("schema")),
        (None, None, Some(schema)) => (Some(schema), media_at.join(ITEM_EXTENSION)),
        (None, None, None) => (None, media_at.clone()),
    };
    let item = match schema {
        None if format == StreamFormat::Events => StreamItem::Raw,
        None => StreamItem::Data(TypeRef::Json),
        Some(schema) => item(spec, space, format, schema, &schema_at, hint)?,
    };
    let sentinel = SENTINEL_EXTENSIONS
        .iter()
        .find_map(|name| body.extensions.get(*name).and_then(serde_json::Value::as_str))
        .map(str::to_owned);
    Ok(Some(Stream { format, media: media.to_owned(), item, alongside, switch: None, sentinel }))
}

fn item(
    spec: &Spec,
    space: &mut TypeSpace<'_>,
    format: StreamFormat,
    schema: &ReferenceOr<Schema>,
    at: &Pointer,
    hint: &str,
) -> Result<StreamItem, Diagnostic> {
    let resolved = spec.resolve(schema, at)?;
    let view = View(&resolved.item);
    if format != StreamFormat::Events {
        // A schema for the whole body is a list of the items.
        if let (Some("array"), Some(items)) = (view.typ(), view.items()) {
            let ty = space.lower_boxed(items, &resolved.pointer.join("items"), &format!("{hint}Item"))?;
            return Ok(StreamItem::Data(ty));
        }
        return Ok(StreamItem::Data(space.lower(schema, at, &format!("{hint}Item"))?));
    }
    let properties: Vec<&str> =
        view.properties().into_iter().flatten().map(|(name, _)| name.as_str()).collect();
    let describes_event = properties.contains(&"data") && properties.iter().all(|p| EVENT_FIELDS.contains(p));
    let ty = space.lower(schema, at, &format!("{hint}Event"))?;
    Ok(if describes_event { StreamItem::Event(ty) } else { StreamItem::Data(ty) })
}

/// Completes an operation's stream once types are known (and says whether its answer is a
/// download): the body member that asks for it
/// (set by `setting`, or else a boolean `stream` member, where the operation also answers
/// whole) and the data that ends it (set, or named by the spec: an extension, or a
/// description that says the stream ends with `data: [DONE]`). `Err` explains a setting that
/// does not fit.
pub fn finish(op: &mut Operation, types: &[TypeDef], setting: Option<&StreamSetting>) -> Result<(), String> {
    if op.pagination.is_some() {
        // A listing set to be paged reads its items with `.stream()` already.
        op.stream = None;
    }
    // Bytes that are not items of a stream may be read as they arrive, or saved to a file.
    op.download = op.stream.is_none() && op.pagination.is_none() && op.response == Success::Bytes;
    let Some(alongside) = op.stream.as_ref().map(|s| s.alongside) else {
        return match setting {
            Some(_) => Err("the operation does not answer a stream (text/event-stream, JSON lines)".into()),
            None => Ok(()),
        };
    };
    let wanted = setting.and_then(|s| s.switch.as_deref());
    let switch =
        match (alongside || wanted.is_some()).then(|| switch_member(op, types, wanted.unwrap_or(SWITCH))) {
            Some(Some(found)) => Some(found),
            Some(None) if wanted.is_some() => {
                return Err(format!(
                    "the request body has no boolean member `{}` to ask for the stream",
                    wanted.unwrap_or_default()
                ))
            }
            _ => None,
        };
    let named = switch
        .as_ref()
        .and_then(|(_, doc)| doc.as_deref())
        .into_iter()
        .chain(op.description.as_deref())
        .chain(op.summary.as_deref())
        .find_map(sentinel_in);
    let configured = setting.and_then(|s| s.sentinel.clone());
    if let Some(stream) = op.stream.as_mut() {
        stream.switch = switch.map(|(member, _)| member);
        stream.sentinel = configured.or(stream.sentinel.take()).or(named);
    }
    Ok(())
}

/// The body's boolean member of that wire name, with its docs.
fn switch_member(op: &Operation, types: &[TypeDef], wire: &str) -> Option<(Member, Option<String>)> {
    let body = op.body.as_ref()?;
    let TypeRef::Named(id) = resolve(types, &body.ty) else { return None };
    let TypeKind::Struct(fields) = &types[id.0].kind else { return None };
    let field = fields.fields.iter().find(|f| f.wire == wire)?;
    let member = Member::of(field, types);
    (member.ty == TypeRef::Bool).then(|| (member, field.doc.clone()))
}

/// The data a description says ends the stream: the bracketed word in `data: [DONE]`.
fn sentinel_in(text: &str) -> Option<String> {
    text.match_indices("data:").find_map(|(at, marker)| {
        let rest = text[at + marker.len()..].trim_start();
        let end = rest.find(']')?;
        let word = &rest[..=end];
        let inner = word.strip_prefix('[')?.strip_suffix(']')?;
        (!inner.is_empty() && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .then(|| word.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::sentinel_in;

    #[test]
    fn sentinels_named_in_descriptions() {
        assert_eq!(
            sentinel_in("tokens are sent as events, with the stream terminated by a data: [DONE] message.")
                .as_deref(),
            Some("[DONE]")
        );
        assert_eq!(sentinel_in("ends with `data:[END_OF_STREAM]`").as_deref(), Some("[END_OF_STREAM]"));
        assert_eq!(sentinel_in("the data: [a b] is not a word"), None);
        assert_eq!(sentinel_in("no marker here [DONE]"), None);
    }
}
