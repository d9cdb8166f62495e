//! Response envelopes: `{success, errors, messages, result}` as Cloudflare answers. An
//! operation whose success body has that shape returns the typed `result`; the client checks
//! `success` and turns `errors` into an API error.

use openapiv3::{ReferenceOr, Schema};

use super::schema::TypeSpace;
use super::view::View;
use crate::error::Diagnostic;
use crate::ir::{EnvelopeFields, TypeRef};
use crate::pointer::Pointer;

/// The types of an envelope's `result` and of its `result_info` (where it has one).
pub struct Enveloped {
    pub result: TypeRef,
    pub info: Option<TypeRef>,
}

/// The types of `result` and `result_info` when the schema at `at` is an envelope with these
/// member names.
pub fn result_type(
    space: &mut TypeSpace<'_>,
    node: &ReferenceOr<Schema>,
    at: &Pointer,
    fields: &EnvelopeFields,
    hint: &str,
) -> Result<Option<Enveloped>, Diagnostic> {
    let Some(members) = space.object_members(node, at)? else { return Ok(None) };
    let has =
        |wire: &str| members.iter().any(|m| View(&m.item).properties().is_some_and(|p| p.contains_key(wire)));
    let is_envelope =
        has(&fields.result) && has(&fields.success) && (has(&fields.errors) || has(&fields.messages));
    if !is_envelope {
        return Ok(None);
    }
    let Some(result) = space.property_type(&members, &fields.result, hint)? else { return Ok(None) };
    let info = space.property_type(&members, &fields.result_info, &format!("{hint}Info"))?;
    Ok(Some(Enveloped { result, info }))
}
