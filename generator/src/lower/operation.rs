//! Operations: parameters, bodies and responses, grouped by tag.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use indexmap::IndexMap;
use openapiv3::{MediaType, Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};

use super::envelope;
use super::schema::TypeSpace;
use super::security::Schemes;
use super::servers;
use super::stream;
use crate::error::Diagnostic;
use crate::ir::{
    Body, BodyEncoding, EnvelopeFields, ErrorBody, ErrorBodyId, ErrorCase, Group, Operation, OwnServer,
    Param, ParamId, ParamLocation, PathPart, QueryStyle, StatusMatch, Stream, Success, SuccessCase, TypeRef,
};
use crate::load::{Item, Spec};
use crate::media::{essence, is_json};
use crate::naming::{
    self, full_method_of_words, method_of_words, pascal, snake, words, Scope, BUILDER_MEMBERS,
    CLIENT_MEMBERS, GROUP_MEMBERS, MODULE_NAMES,
};
use crate::options::StreamSetting;
use crate::pointer::Pointer;

type Result<T> = std::result::Result<T, Diagnostic>;

pub struct Lowered {
    pub groups: Vec<Group>,
    pub error_bodies: Vec<ErrorBody>,
    pub uses_envelope: bool,
    /// The type of the envelope's `result_info`, where every envelope that has one gives it
    /// the same type.
    pub result_info: Option<TypeRef>,
}

pub struct OperationLowering<'a, 's> {
    pub spec: &'s Spec,
    pub space: &'a mut TypeSpace<'s>,
    pub schemes: &'a Schemes,
    pub envelope: Option<EnvelopeFields>,
    pub warnings: &'a mut Vec<Diagnostic>,
    /// Streams set by hand, by operationId.
    pub streams: &'a BTreeMap<String, StreamSetting>,
    error_bodies: Vec<ErrorBody>,
    error_names: Scope,
    uses_envelope: bool,
    /// The types envelopes give their `result_info`, one per operation that has one.
    result_info: Vec<TypeRef>,
    /// Schemas already found not to be envelopes: most answers of a large API name one of a
    /// few schemas, each checked once (checking merges its members).
    not_envelopes: HashSet<Pointer>,
}

/// An operation lowered but not yet named: its names are chosen in its group's scopes once
/// every operation is grouped, and `build` makes the operation with them.
struct Pending {
    tag: String,
    build: Unnamed,
}

/// Makes the operation once its names are chosen.
type Unnamed = Box<dyn FnOnce(OperationNames<'_>) -> Operation>;

/// The names of one operation, and the scope its module's other type names come from.
struct OperationNames<'n> {
    method: String,
    builder: String,
    types: &'n mut Scope,
}

/// What a call answers: one kind of success, or an enum by status that still needs its name.
enum Answer {
    One(Success),
    ByStatus(Vec<SuccessCase>),
}

impl<'a, 's> OperationLowering<'a, 's> {
    pub fn new(
        spec: &'s Spec,
        space: &'a mut TypeSpace<'s>,
        schemes: &'a Schemes,
        envelope: Option<EnvelopeFields>,
        warnings: &'a mut Vec<Diagnostic>,
        streams: &'a BTreeMap<String, StreamSetting>,
    ) -> Self {
        Self {
            spec,
            space,
            schemes,
            envelope,
            warnings,
            streams,
            error_bodies: Vec::new(),
            error_names: Scope::with_reserved(["Other"]),
            uses_envelope: false,
            not_envelopes: HashSet::new(),
            result_info: Vec::new(),
        }
    }

    /// Lowers the operations [`survey`] found, in order, with what it noted between them.
    pub fn run(mut self, surveyed: Vec<Surveyed<'s>>) -> Result<Lowered> {
        let spec = self.spec;
        let mut pending = Vec::new();
        for entry in surveyed {
            match entry {
                Surveyed::Noted(warning) => self.warnings.push(warning),
                Surveyed::Failed(error) => return Err(error),
                Surveyed::Operation(found) => {
                    let build = self.operation(&found)?;
                    let Found { tag, names, .. } = *found;
                    pending.push((Pending { tag, build }, names));
                }
            }
        }
        let groups = group(spec, pending);
        let mut infos = self.result_info.into_iter();
        let first = infos.next();
        let result_info = first.filter(|first| infos.all(|info| info == *first));
        Ok(Lowered {
            groups,
            error_bodies: self.error_bodies,
            uses_envelope: self.uses_envelope,
            result_info,
        })
    }

    fn operation(&mut self, found: &Found<'_>) -> Result<Unnamed> {
        let Found { path, method, op, at, owner, id, hint: builder_hint, server, .. } = found;
        let op = op.as_ref();
        let shared = (found.shared.as_ref(), &found.shared_at);
        let mut names = Scope::with_reserved(BUILDER_MEMBERS.iter().copied());
        let mut params = self.parameters(shared, &op.parameters, at, &mut names, owner)?;
        let mut security = self.schemes.requirement(self.spec, op.security.as_ref(), at, self.warnings);
        self.schemes.take_credentials(&mut params, &mut security);
        let path_parts = self.path(path, at, &mut params, &mut names);
        let mut multipart_required = false;
        let body = self.body(op, at, builder_hint, &mut params, &mut names, &mut multipart_required)?;
        let (answer, errors, accept, stream) = self.responses(op, at, builder_hint, self.streams.get(id))?;
        let required_one_of = self.required_one_of(op, at, &params)?;
        let (id, http_method, path_template) = (id.clone(), method.clone(), (*path).to_owned());
        let (summary, description, deprecated) = (op.summary.clone(), op.description.clone(), op.deprecated);
        let permissions = permissions(self.spec, op);
        let server = server.clone();
        Ok(Box::new(move |names: OperationNames<'_>| {
            let response = match answer {
                Answer::One(success) => success,
                Answer::ByStatus(cases) => Success::ByStatus {
                    name: names.types.claim(&format!("{}Response", names.builder)),
                    cases,
                },
            };
            Operation {
                id,
                method: names.method,
                builder: names.builder,
                http_method,
                path_template,
                path: path_parts,
                server,
                summary,
                description,
                deprecated,
                params,
                body,
                multipart_required,
                response,
                accept,
                errors,
                security,
                required_one_of,
                pagination: None,
                stream,
                download: false,
                permissions,
            }
        }))
    }

    /// Path-level parameters (with the path item's pointer), overridden by operation-level
    /// ones with the same name and place.
    fn parameters(
        &mut self,
        (shared, path_at): (&[ReferenceOr<Parameter>], &Pointer),
        own: &[ReferenceOr<Parameter>],
        at: &Pointer,
        names: &mut Scope,
        owner: &str,
    ) -> Result<Vec<Param>> {
        let spec = self.spec;
        let mut merged: IndexMap<(String, &'static str), (openapiv3::ParameterData, ParamLocation, Pointer)> =
            IndexMap::new();
        let nodes = shared
            .iter()
            .enumerate()
            .map(|(i, node)| (node, path_at.join("parameters").join(i)))
            .chain(own.iter().enumerate().map(|(i, node)| (node, at.join("parameters").join(i))));
        for (node, node_at) in nodes {
            let resolved = spec.resolve(node, &node_at)?;
            let (data, location, place) = match &*resolved.item {
                Parameter::Query { parameter_data, style, .. } => {
                    let explode = parameter_data.explode;
                    let style = match style {
                        openapiv3::QueryStyle::Form => QueryStyle::Form { explode: explode.unwrap_or(true) },
                        openapiv3::QueryStyle::SpaceDelimited if explode != Some(true) => {
                            QueryStyle::SpaceDelimited
                        }
                        openapiv3::QueryStyle::PipeDelimited if explode != Some(true) => {
                            QueryStyle::PipeDelimited
                        }
                        openapiv3::QueryStyle::SpaceDelimited | openapiv3::QueryStyle::PipeDelimited => {
                            QueryStyle::Form { explode: true }
                        }
                        openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
                    };
                    (parameter_data, ParamLocation::Query(style), "query")
                }
                Parameter::Header { parameter_data, .. } => (parameter_data, ParamLocation::Header, "header"),
                Parameter::Path { parameter_data, .. } => (parameter_data, ParamLocation::Path, "path"),
                Parameter::Cookie { parameter_data, .. } => (parameter_data, ParamLocation::Cookie, "cookie"),
            };
            // Transport headers the client sets itself (OpenAPI says these are ignored).
            if place == "header"
                && ["accept", "content-type", "authorization"]
                    .contains(&data.name.to_ascii_lowercase().as_str())
            {
                continue;
            }
            merged.insert((data.name.clone(), place), (data.clone(), location, resolved.pointer.clone()));
        }
        let mut params = Vec::with_capacity(merged.len());
        for ((wire, _), (data, location, param_at)) in merged {
            // A type of its own (an inline enum) is named after what the tag is about.
            let hint = format!("{owner}{}", pascal(&wire));
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    self.space.lower_parameter(schema, &param_at.join("schema"), &hint)?
                }
                ParameterSchemaOrContent::Content(content) => match content.iter().next() {
                    Some((media, MediaType { schema: Some(schema), .. })) => {
                        let schema_at = param_at.join("content").join(media).join("schema");
                        self.space.lower(schema, &schema_at, &hint)?
                    }
                    _ => TypeRef::String,
                },
            };
            params.push(Param {
                name: names.claim(&snake(&wire)),
                wire,
                required: data.required || location == ParamLocation::Path,
                location,
                ty,
                doc: data.description.clone().or_else(|| schema_description(&data.format)),
                deprecated: data.deprecated.unwrap_or(false),
            });
        }
        Ok(params)
    }

    /// Splits the path template; a placeholder without a declared parameter becomes a string
    /// parameter, a path parameter without a placeholder is dropped.
    fn path(
        &mut self,
        template: &str,
        at: &Pointer,
        params: &mut Vec<Param>,
        names: &mut Scope,
    ) -> Vec<PathPart> {
        let mut parts = Vec::new();
        let mut rest = template;
        let mut used = Vec::new();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
            if open > 0 {
                parts.push(PathPart::Literal(rest[..open].to_owned()));
            }
            let wire = &rest[open + 1..close];
            let index = match params.iter().position(|p| p.location == ParamLocation::Path && p.wire == wire)
            {
                Some(index) => index,
                None => {
                    self.warnings.push(self.spec.error(at, format!(
                        "path placeholder `{{{wire}}}` has no parameter: expected one with `in: path`; it is taken as a string"
                    )));
                    params.push(Param {
                        name: names.claim(&snake(wire)),
                        wire: wire.to_owned(),
                        location: ParamLocation::Path,
                        ty: TypeRef::String,
                        required: true,
                        doc: None,
                        deprecated: false,
                    });
                    params.len() - 1
                }
            };
            used.push(index);
            parts.push(PathPart::Param(ParamId(index)));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_owned()));
        }
        let unused: Vec<usize> = (0..params.len())
            .filter(|i| params[*i].location == ParamLocation::Path && !used.contains(i))
            .collect();
        for index in unused.into_iter().rev() {
            let wire = params[index].wire.clone();
            self.warnings.push(self.spec.error(
                at,
                format!("path parameter `{wire}` does not appear in the path `{template}`; it is left out"),
            ));
            params.remove(index);
            for part in &mut parts {
                if let PathPart::Param(id) = part {
                    if id.0 > index {
                        id.0 -= 1;
                    }
                }
            }
        }
        parts
    }

    /// The request body: JSON, form, text or bytes; a multipart body becomes parameters, one
    /// per member, added to `params`.
    fn body(
        &mut self,
        op: &openapiv3::Operation,
        at: &Pointer,
        builder_hint: &str,
        params: &mut Vec<Param>,
        names: &mut Scope,
        multipart_required: &mut bool,
    ) -> Result<Option<Body>> {
        let Some(node) = &op.request_body else { return Ok(None) };
        let spec = self.spec;
        let body_at = at.join("requestBody");
        let resolved = spec.resolve(node, &body_at)?;
        let Some((media, kind, schema)) = body_media(&resolved.item.content) else { return Ok(None) };
        let media_at = resolved.pointer.join("content").join(media);
        let schema_at = media_at.join("schema");
        let hint = format!("{builder_hint}Body");
        let encoding = match kind {
            MediaKind::Json => BodyEncoding::Json,
            MediaKind::Form => BodyEncoding::Form,
            MediaKind::Text => BodyEncoding::Text,
            MediaKind::Binary => BodyEncoding::Binary,
            MediaKind::Multipart => {
                let properties = match schema {
                    Some(schema) => self.space.properties(schema, &schema_at, &hint)?,
                    None => None,
                };
                let Some(properties) = properties else {
                    self.warnings.push(spec.error(&schema_at, format!(
                        "a `{media}` body must be an object with properties, one per part; the body is left out"
                    )));
                    return Ok(None);
                };
                for property in properties {
                    params.push(Param {
                        name: names.claim(&snake(&property.wire)),
                        wire: property.wire,
                        location: ParamLocation::Multipart { file: property.binary },
                        ty: property.ty,
                        required: property.required && resolved.item.required,
                        doc: property.doc,
                        deprecated: false,
                    });
                }
                *multipart_required = resolved.item.required;
                return Ok(None);
            }
        };
        if matches!(encoding, BodyEncoding::Text | BodyEncoding::Binary)
            && loses_structure(spec, schema, &schema_at)
        {
            self.warnings.push(spec.error(
                &media_at,
                format!(
                "`{media}` is not encoded from a type: the body is sent as {}, and its schema is not typed",
                if encoding == BodyEncoding::Text { "text" } else { "bytes" }
            ),
            ));
        }
        let ty = match (encoding, schema) {
            (BodyEncoding::Text, _) => TypeRef::String,
            (BodyEncoding::Binary, _) => TypeRef::Binary,
            (_, Some(schema)) => self.space.lower(schema, &schema_at, &hint)?,
            (_, None) => TypeRef::Json,
        };
        let joined = if encoding == BodyEncoding::Form {
            joined_members(spec.raw(&media_at.join("encoding")))
        } else {
            Vec::new()
        };
        Ok(Some(Body {
            joined,
            name: names.claim("body"),
            ty,
            required: resolved.item.required,
            media_type: media.to_owned(),
            doc: resolved.item.description.clone(),
            encoding,
        }))
    }

    fn responses(
        &mut self,
        op: &openapiv3::Operation,
        at: &Pointer,
        builder_hint: &str,
        stream_setting: Option<&StreamSetting>,
    ) -> Result<(Answer, Vec<ErrorCase>, String, Option<Stream>)> {
        let spec = self.spec;
        let responses_at = at.join("responses");
        let mut statuses: Vec<(StatusMatch, &ReferenceOr<openapiv3::Response>, Pointer)> = op
            .responses
            .responses
            .iter()
            .map(|(status, node)| {
                let matcher = match status {
                    StatusCode::Code(code) => StatusMatch::Code(*code),
                    StatusCode::Range(range) => StatusMatch::Range(*range),
                };
                (matcher, node, responses_at.join(status))
            })
            .collect();
        statuses.sort_by_key(|(status, _, _)| match status {
            StatusMatch::Code(code) => (*code, 0),
            StatusMatch::Range(range) => (range * 100, 1),
            StatusMatch::Default => (1000, 0),
        });
        let is_success = |s: &StatusMatch| matches!(s, StatusMatch::Code(200..=299) | StatusMatch::Range(2));
        let mut success_nodes: Vec<(StatusMatch, &ReferenceOr<openapiv3::Response>, Pointer)> =
            statuses.iter().filter(|(s, _, _)| is_success(s)).map(|(s, n, a)| (*s, *n, a.clone())).collect();
        let mut default_is_success = false;
        if success_nodes.is_empty() {
            if let Some(default) = &op.responses.default {
                success_nodes.push((StatusMatch::Default, default, responses_at.join("default")));
                default_is_success = true;
            }
        }
        let mut successes = Vec::with_capacity(success_nodes.len());
        let mut media_types = Vec::with_capacity(success_nodes.len());
        let mut stream = None;
        for (status, node, node_at) in &success_nodes {
            // These statuses have no body, whatever the spec declares (RFC 9110).
            if matches!(status, StatusMatch::Code(204 | 205)) {
                successes.push((*status, Success::Empty));
                media_types.push(None);
                continue;
            }
            let (success, media, streamed) = self.success(node, node_at, builder_hint, stream_setting)?;
            stream = stream.or(streamed);
            successes.push((*status, success));
            media_types.push(media);
        }
        let response = by_status(successes);
        // The media types of the answers the client reads: all of them where it tells them
        // apart by status, else the first's.
        let mut read: Vec<String> = match &response {
            Answer::One(_) => media_types.into_iter().take(1).flatten().collect(),
            Answer::ByStatus(_) => media_types.into_iter().flatten().collect(),
        };
        let mut errors = Vec::new();
        let defaults = op.responses.default.iter().filter(|_| !default_is_success);
        let error_nodes = statuses
            .iter()
            .filter(|(s, _, _)| !is_success(s))
            .map(|(s, n, a)| (*s, *n, a.clone()))
            .chain(defaults.map(|n| (StatusMatch::Default, n, responses_at.join("default"))));
        let mut error_media = Vec::new();
        for (status, node, node_at) in error_nodes {
            let resolved = spec.resolve(node, &node_at)?;
            let content = &resolved.item.content;
            error_media.extend(
                json_media(content)
                    .map(|(m, _)| m)
                    .or_else(|| content.keys().next().map(String::as_str))
                    .map(str::to_owned),
            );
            let Some((media, Some(schema))) = json_media(content) else { continue };
            let schema_at = resolved.pointer.join("content").join(media).join("schema");
            let suffix = match status {
                StatusMatch::Code(code) => code.to_string(),
                StatusMatch::Range(range) => format!("{range}xx"),
                StatusMatch::Default => "Default".into(),
            };
            let ty = self.space.lower(schema, &schema_at, &format!("{builder_hint}Error{suffix}"))?;
            let body = self.error_body(ty);
            errors.push(ErrorCase { status, body });
        }
        // Where no success has a body, the answers that do are what the server sends.
        if read.is_empty() {
            read = error_media;
        }
        Ok((response, errors, accept(read), stream))
    }

    /// What a success response is read as, the media type it is read from, and the stream it
    /// offers to be read item by item.
    fn success(
        &mut self,
        node: &ReferenceOr<openapiv3::Response>,
        at: &Pointer,
        builder_hint: &str,
        stream_setting: Option<&StreamSetting>,
    ) -> Result<(Success, Option<String>, Option<Stream>)> {
        let spec = self.spec;
        let resolved = spec.resolve(node, at)?;
        let content = &resolved.item.content;
        let schema_of = |media: &str| resolved.pointer.join("content").join(media).join("schema");
        let whole =
            json_media(content).filter(|(media, schema)| !any_text(spec, media, *schema, &schema_of(media)));
        let content_at = resolved.pointer.join("content");
        let stream = stream::lower(
            spec,
            self.space,
            content,
            &content_at,
            whole.is_some(),
            stream_setting,
            builder_hint,
        )?;
        let Some((media, schema)) = whole else {
            let Some((media, body)) = content.iter().next() else { return Ok((Success::Empty, None, None)) };
            let text =
                media.starts_with("text/") || any_text(spec, media, body.schema.as_ref(), &schema_of(media));
            let media_at = resolved.pointer.join("content").join(media);
            // A stream's items are typed for `.stream()`; only its whole body is read untyped.
            let streamed = stream.as_ref().is_some_and(|s| s.media == *media);
            if !streamed && loses_structure(spec, body.schema.as_ref(), &media_at.join("schema")) {
                self.warnings.push(spec.error(
                    &media_at,
                    format!(
                    "`{media}` is not decoded: the response is read whole as {}, and its schema is not typed",
                    if text { "text" } else { "bytes" }
                ),
                ));
            }
            let success = if text { Success::Text } else { Success::Bytes };
            return Ok((success, Some(media.clone()), stream));
        };
        let schema_at = resolved.pointer.join("content").join(media).join("schema");
        let media = Some(media.to_owned());
        let Some(schema) = schema else { return Ok((Success::Json(TypeRef::Json), media, stream)) };
        if let Some(fields) = &self.envelope {
            let target = spec.resolve(schema, &schema_at)?.pointer;
            if !self.not_envelopes.contains(&target) {
                let hint = format!("{builder_hint}Result");
                match envelope::result_type(self.space, schema, &schema_at, fields, &hint)? {
                    Some(enveloped) => {
                        self.uses_envelope = true;
                        if let Some(info) = enveloped.info {
                            self.result_info.push(info);
                        }
                        return Ok((Success::Envelope { result: enveloped.result }, media, stream));
                    }
                    None => {
                        self.not_envelopes.insert(target);
                    }
                }
            }
        }
        let ty = self.space.lower(schema, &schema_at, &format!("{builder_hint}Response"))?;
        Ok((Success::Json(ty), media, stream))
    }

    /// The error body variant for a type, shared by every operation that declares it.
    fn error_body(&mut self, ty: TypeRef) -> ErrorBodyId {
        if let Some(index) = self.error_bodies.iter().position(|b| b.ty == ty) {
            return ErrorBodyId(index);
        }
        let variant = self.error_names.claim(&self.space.describe(&ty));
        // Boxed or not once every type is known (`cycles::box_large_payloads`).
        self.error_bodies.push(ErrorBody { variant, ty, boxed: false });
        ErrorBodyId(self.error_bodies.len() - 1)
    }

    /// `x-required-one-of: [[a, b], [c, d]]` (or one flat group): at least one parameter of
    /// each group must be set.
    fn required_one_of(
        &self,
        op: &openapiv3::Operation,
        at: &Pointer,
        params: &[Param],
    ) -> Result<Vec<Vec<ParamId>>> {
        let Some(value) = op.extensions.get("x-required-one-of") else { return Ok(Vec::new()) };
        let ext_at = at.join("x-required-one-of");
        let expected = "expected a list of parameter names, or a list of such lists";
        let groups: Vec<&serde_json::Value> = match value.as_array() {
            Some(items) if items.iter().all(|v| v.is_string()) => vec![value],
            Some(items) => items.iter().collect(),
            None => return Err(self.spec.error(&ext_at, expected)),
        };
        groups
            .iter()
            .enumerate()
            .map(|(g, group)| {
                let names = group.as_array().ok_or_else(|| self.spec.error(&ext_at.join(g), expected))?;
                names
                    .iter()
                    .map(|name| {
                        let name = name.as_str().ok_or_else(|| self.spec.error(&ext_at.join(g), expected))?;
                        params.iter().position(|p| p.wire == name).map(ParamId).ok_or_else(|| {
                            self.spec.error(
                                &ext_at.join(g),
                                format!("`{name}` is not a parameter of this operation"),
                            )
                        })
                    })
                    .collect()
            })
            .collect()
    }
}

/// A parameter's description when only its (inline) schema has one.
fn schema_description(format: &ParameterSchemaOrContent) -> Option<String> {
    match format {
        ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => schema.schema_data.description.clone(),
        _ => None,
    }
}

/// The success of an operation from the successes of its statuses: one kind of answer is that
/// answer; JSON bodies that differ (or a body for some statuses and none for others) are an
/// enum by status. Text, bytes and envelopes keep the first status's answer.
fn by_status(successes: Vec<(StatusMatch, Success)>) -> Answer {
    let mut distinct: Vec<&Success> = Vec::new();
    for (_, success) in &successes {
        if !distinct.contains(&success) {
            distinct.push(success);
        }
    }
    let json_or_empty = successes.iter().all(|(_, s)| matches!(s, Success::Json(_) | Success::Empty));
    if distinct.len() < 2 || !json_or_empty {
        return Answer::One(successes.into_iter().next().map_or(Success::Empty, |(_, s)| s));
    }
    let mut variants = Scope::new();
    let cases = successes
        .into_iter()
        .map(|(status, success)| SuccessCase {
            status,
            variant: variants.claim(&status_variant(status)),
            body: match success {
                Success::Json(ty) => Some(ty),
                _ => None,
            },
        })
        .collect();
    Answer::ByStatus(cases)
}

/// A variant name for a success status (`201` is `Created`).
fn status_variant(status: StatusMatch) -> String {
    let name = match status {
        StatusMatch::Code(200) => "Ok",
        StatusMatch::Code(201) => "Created",
        StatusMatch::Code(202) => "Accepted",
        StatusMatch::Code(203) => "NonAuthoritative",
        StatusMatch::Code(204) => "NoContent",
        StatusMatch::Code(205) => "ResetContent",
        StatusMatch::Code(206) => "PartialContent",
        StatusMatch::Code(207) => "MultiStatus",
        StatusMatch::Code(code) => return format!("Status{code}"),
        StatusMatch::Range(range) => return format!("Status{range}xx"),
        StatusMatch::Default => "Other",
    };
    name.to_owned()
}

/// How a request body's media type is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaKind {
    Json,
    Form,
    Multipart,
    Text,
    Binary,
}

/// The media type a request body is sent as: JSON if offered, then a form, multipart, text,
/// and anything else as bytes.
fn body_media(
    content: &IndexMap<String, MediaType>,
) -> Option<(&str, MediaKind, Option<&ReferenceOr<openapiv3::Schema>>)> {
    let mut offered: Vec<(&str, MediaKind, Option<&ReferenceOr<openapiv3::Schema>>)> = content
        .iter()
        .map(|(media, body)| (media.as_str(), media_kind(&essence(media)), body.schema.as_ref()))
        .collect();
    offered.sort_by_key(|(_, kind, _)| *kind as u8);
    offered.into_iter().next()
}

/// The first JSON media type of a content map (`application/json`, `application/x+json`, ...).
fn json_media(
    content: &IndexMap<String, MediaType>,
) -> Option<(&str, Option<&ReferenceOr<openapiv3::Schema>>)> {
    content.iter().find_map(|(media, body)| {
        let essence = essence(media);
        // A response of any type is read as JSON: that is what such APIs send.
        let json = media_kind(&essence) == MediaKind::Json || essence == "*/*";
        json.then_some((media.as_str(), body.schema.as_ref()))
    })
}

/// Whether an answer of any media type (`*/*`) is a string, which servers send as text.
fn any_text(spec: &Spec, media: &str, schema: Option<&ReferenceOr<openapiv3::Schema>>, at: &Pointer) -> bool {
    use openapiv3::{SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};
    if essence(media) != "*/*" {
        return false;
    }
    let Some(schema) = schema else { return false };
    spec.resolve(schema, at).is_ok_and(|s| match &s.item.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            string.format != VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
        }
        _ => false,
    })
}

/// The `Accept` header of an operation, from the media types of the answers it reads: JSON
/// before a `*/*` that is read as JSON; `application/json` where it reads none. Keys that are
/// not media types (`type/subtype`, in header characters) are left out.
fn accept(read: Vec<String>) -> String {
    let mut types: Vec<String> = Vec::new();
    for media in read {
        let valid = media.contains('/') && media.chars().all(|c| c.is_ascii_graphic() || c == ' ');
        if !valid || types.contains(&media) {
            continue;
        }
        if essence(&media) == "*/*" && !types.iter().any(|t| media_kind(&essence(t)) == MediaKind::Json) {
            types.push("application/json".into());
        }
        types.push(media);
    }
    if types.is_empty() {
        return "application/json".into();
    }
    types.join(", ")
}

/// How a media type (its essence) is written.
fn media_kind(essence: &str) -> MediaKind {
    if is_json(essence) {
        MediaKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        MediaKind::Form
    } else if essence.starts_with("multipart/") {
        MediaKind::Multipart
    } else if essence.starts_with("text/") {
        MediaKind::Text
    } else {
        MediaKind::Binary
    }
}

/// Whether a body read or sent whole, as text or bytes, loses a structure its schema gives
/// (anything but a string or a free-form value).
fn loses_structure(spec: &Spec, schema: Option<&ReferenceOr<openapiv3::Schema>>, at: &Pointer) -> bool {
    use openapiv3::{SchemaKind, Type};
    let Some(schema) = schema else { return false };
    let Ok(resolved) = spec.resolve(schema, at) else { return true };
    match &resolved.item.schema_kind {
        SchemaKind::Type(Type::String(_)) => false,
        SchemaKind::Any(any) => {
            any.typ.as_deref().is_some_and(|t| t != "string")
                || !any.properties.is_empty()
                || any.items.is_some()
        }
        _ => true,
    }
}

/// Form members an `encoding` sends as one value (`explode: false`), with their separator.
/// Read from the raw document: the 3.0 reader takes a missing `explode` for `false`, where
/// the standard's default for the form style is `true`.
fn joined_members(encoding: Option<&serde_json::Value>) -> Vec<(String, String)> {
    let Some(members) = encoding.and_then(serde_json::Value::as_object) else { return Vec::new() };
    members
        .iter()
        .filter_map(|(name, member)| {
            let style = member.get("style").and_then(serde_json::Value::as_str).unwrap_or("form");
            let explode =
                member.get("explode").and_then(serde_json::Value::as_bool).unwrap_or(style == "form");
            let separator = match style {
                _ if explode => return None,
                "form" => ",",
                "spaceDelimited" => " ",
                "pipeDelimited" => "|",
                _ => return None,
            };
            Some((name.clone(), separator.to_owned()))
        })
        .collect()
}

/// Whether a method name is an HTTP token (RFC 9110), so it can be sent as it is.
fn is_http_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Operations without tags are grouped by the first segment of their path.
fn fallback_tag(path: &str) -> String {
    path.split('/').find(|s| !s.is_empty() && !s.starts_with('{')).unwrap_or("default").to_owned()
}

/// A stable operationId from the method and path: `get /pets/{id}` is `get_pets_id`.
fn fallback_id(method: &str, path: &str) -> String {
    let mut id = vec![method.to_owned()];
    id.extend(words(path));
    id.join("_")
}

/// What a caller's credentials must be allowed to do: the scopes of the security requirements
/// in effect, and the permissions an `x-api-token-group` or `x-permissions` list names.
fn permissions(spec: &Spec, op: &openapiv3::Operation) -> Vec<String> {
    let requirements = op.security.as_ref().or(spec.api.security.as_ref());
    let scopes = requirements.into_iter().flatten().flat_map(|requirement| requirement.values().flatten());
    let listed = ["x-api-token-group", "x-permissions"]
        .into_iter()
        .filter_map(|key| op.extensions.get(key)?.as_array())
        .flatten()
        .filter_map(|value| value.as_str());
    let mut permissions: Vec<String> = Vec::new();
    for permission in scopes.map(String::as_str).chain(listed) {
        if !permission.trim().is_empty() && !permissions.iter().any(|p| p == permission) {
            permissions.push(permission.to_owned());
        }
    }
    permissions
}

/// An operation of the paths, with what lowering it takes but the type space: found while
/// the component schemas are lowered (see [`survey`]).
pub struct Found<'s> {
    path: &'s str,
    /// The HTTP method, in capitals.
    method: String,
    op: Cow<'s, openapiv3::Operation>,
    at: Pointer,
    /// The parameters of its path item, which it shares, and the path item's pointer.
    shared: Cow<'s, [ReferenceOr<Parameter>]>,
    shared_at: Pointer,
    /// The server its requests go to, where it (or its path item) names one of its own.
    server: Option<OwnServer>,
    tag: String,
    id: String,
    /// The type name its tag's types are owned by (see [`naming::owner`]).
    owner: String,
    /// What its own types are named after.
    hint: String,
    names: Candidates,
}

/// The paths' operations in document order, with what was noted about them in its place (a
/// path or method left out, a server that cannot be used); a path that cannot be read ends it.
pub enum Surveyed<'s> {
    Operation(Box<Found<'s>>),
    Noted(Diagnostic),
    Failed(Diagnostic),
}

/// Finds the operations of the paths and what they are called, which needs nothing of the
/// type space: this runs beside the lowering of the component schemas, and the names made
/// from each operation's id and tag are made on whichever core is free.
pub fn survey<'s>(spec: &'s Spec, package: &str) -> Vec<Surveyed<'s>> {
    use rayon::prelude::*;
    let found = find_operations(spec, package);
    found
        .into_par_iter()
        .with_max_len(1)
        .map(|entry| match entry {
            Surveyed::Operation(mut found) => {
                found.hint = pascal(&found.id);
                found.names = Candidates::of(&found.id, &found.tag);
                Surveyed::Operation(found)
            }
            other => other,
        })
        .collect()
}

/// The server of its own that `servers` (at `at`) give their operations, [`servers::own_server`];
/// one that cannot be used is noted in its place.
fn noted_server(
    spec: &Spec,
    api: Option<&str>,
    servers: &[openapiv3::Server],
    at: &Pointer,
    found: &mut Vec<Surveyed<'_>>,
) -> Option<OwnServer> {
    servers::own_server(spec, api, servers, at).unwrap_or_else(|warning| {
        found.push(Surveyed::Noted(warning));
        None
    })
}

/// The operations of the paths, their names not yet made.
fn find_operations<'s>(spec: &'s Spec, package: &str) -> Vec<Surveyed<'s>> {
    let mut found = Vec::new();
    // Each tag's owner type name, found once for all its operations.
    let mut owners: HashMap<String, String> = HashMap::new();
    let non_navigation: HashSet<&str> = spec
        .raw(&Pointer::root().join("tags"))
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter(|tag| tag.get("kind").and_then(serde_json::Value::as_str).is_some_and(|k| k != "nav"))
        .filter_map(|tag| tag.get("name").and_then(serde_json::Value::as_str))
        .collect();
    let api_server = spec.api.servers.first().map(servers::server_url);
    for (path, item_node) in spec.api.paths.iter() {
        let at = Pointer::root().join("paths").join(path);
        let (item, item_at) = match spec.resolve(item_node, &at) {
            Ok(resolved) => (resolved.item, resolved.pointer),
            Err(problem) => {
                let message = format!("{}; the path is left out", problem.message);
                found.push(Surveyed::Noted(spec.error(&problem.pointer, message)));
                continue;
            }
        };
        // A path item read from elsewhere in the document is a copy: its operations are too.
        let (mut operations, shared): (Vec<(String, Cow<'s, openapiv3::Operation>, Pointer)>, _) = match &item
        {
            Item::Borrowed(item) => (
                item.iter()
                    .map(|(method, op)| {
                        (method.to_ascii_uppercase(), Cow::Borrowed(op), item_at.join(method))
                    })
                    .collect(),
                Cow::Borrowed(&item.parameters[..]),
            ),
            Item::Owned(item) => (
                item.iter()
                    .map(|(method, op)| {
                        (method.to_ascii_uppercase(), Cow::Owned(op.clone()), item_at.join(method))
                    })
                    .collect(),
                Cow::Owned(item.parameters.clone()),
            ),
        };
        let additional = match spec.additional_operations(&item_at) {
            Ok(additional) => additional,
            Err(error) => {
                found.push(Surveyed::Failed(error));
                return found;
            }
        };
        for (method, op, op_at) in additional {
            if !is_http_token(&method) {
                found.push(Surveyed::Noted(spec.error(&op_at, format!(
                    "`{method}` is not an HTTP method name (letters, digits and `!#$%&'*+-.^_`|~`); the operation is left out"
                ))));
                continue;
            }
            if operations.iter().any(|(known, _, _)| known.eq_ignore_ascii_case(&method)) {
                found.push(Surveyed::Noted(spec.error(
                    &op_at,
                    format!(
                        "`{method}` is also defined as a fixed method of this path; this one is left out"
                    ),
                )));
                continue;
            }
            operations.push((method, Cow::Owned(op), op_at));
        }
        // A path item's servers apply to each of its operations that names none of its own.
        let api = api_server.as_deref();
        let path_server = noted_server(spec, api, &item.servers, &item_at.join("servers"), &mut found);
        for (method, op, op_at) in operations {
            let server = match op.servers.is_empty() {
                true => path_server.clone(),
                false => noted_server(spec, api, &op.servers, &op_at.join("servers"), &mut found),
            };
            // OpenAPI 3.2 tags of another kind than navigation (badges, audiences) do not
            // make a group while the operation has a navigation tag.
            let tag = op.tags.iter().find(|t| !non_navigation.contains(t.as_str())).or(op.tags.first());
            let tag = tag.cloned().unwrap_or_else(|| fallback_tag(path));
            let id =
                op.operation_id.clone().unwrap_or_else(|| fallback_id(&method.to_ascii_lowercase(), path));
            let owner = owners.entry(tag.clone()).or_insert_with(|| naming::owner(&tag, package)).clone();
            found.push(Surveyed::Operation(Box::new(Found {
                path,
                method,
                op,
                at: op_at,
                shared: shared.clone(),
                shared_at: item_at.clone(),
                server,
                tag,
                id,
                owner,
                hint: String::new(),
                names: Candidates::default(),
            })));
        }
    }
    found
}

/// The names an operation may take in its tag's module, from its id and tag alone.
#[derive(Default)]
struct Candidates {
    /// The method name without the tag's words ([`method_of_words`]).
    short: String,
    /// The longer method name ([`full_method_of_words`]), and the builder type named after it.
    full: String,
    builder: String,
}

impl Candidates {
    fn of(id: &str, tag: &str) -> Self {
        let (id_words, tag_words) = (words(id), words(tag));
        let full = full_method_of_words(&id_words, &tag_words);
        let builder = pascal(&full);
        Candidates { short: method_of_words(&id_words, &tag_words), full, builder }
    }
}

/// Groups operations by tag: declared tags first, in declaration order, then the rest in
/// order of appearance. Names accessor, module, method and builder of each.
fn group(spec: &Spec, pending: Vec<(Pending, Candidates)>) -> Vec<Group> {
    let mut order: Vec<String> = spec.api.tags.iter().map(|t| t.name.clone()).collect();
    let mut ordered: HashSet<String> = order.iter().cloned().collect();
    for (p, _) in &pending {
        if ordered.insert(p.tag.clone()) {
            order.push(p.tag.clone());
        }
    }
    let mut by_tag: HashMap<String, Vec<(Pending, Candidates)>> = HashMap::new();
    for (p, names) in pending {
        by_tag.entry(p.tag.clone()).or_default().push((p, names));
    }
    let mut accessors = Scope::with_reserved(CLIENT_MEMBERS.iter().copied());
    let mut modules = Scope::with_reserved(naming::root_module_names());
    let mut group_types = Scope::with_reserved(MODULE_NAMES.iter().copied());
    let mut groups = Vec::new();
    for tag in order {
        let Some(members) = by_tag.remove(&tag) else { continue };
        let accessor = accessors.claim(&snake(&tag));
        let module = modules.claim(&snake(&tag));
        let type_name = group_types.claim(&pascal(&tag));
        let mut methods = Scope::with_reserved(GROUP_MEMBERS.iter().copied());
        let mut builders = Scope::with_reserved(MODULE_NAMES.iter().copied().chain([type_name.as_str()]));
        // A short name two operations of the tag share is neither's: both keep their longer one.
        let mut uses: HashMap<String, usize> = HashMap::new();
        for (_, names) in &members {
            *uses.entry(names.short.clone()).or_default() += 1;
        }
        let operations = members
            .into_iter()
            .map(|(p, names)| {
                let shared = uses[&names.short] > 1;
                let method = if shared || methods.contains(&names.short) {
                    methods.claim(&names.full)
                } else {
                    methods.claim(&names.short)
                };
                let builder = builders.claim(&names.builder);
                (p.build)(OperationNames { method, builder, types: &mut builders })
            })
            .collect();
        let doc = spec.api.tags.iter().find(|t| t.name == tag).and_then(|t| t.description.clone());
        groups.push(Group { tag, accessor, module, type_name, doc, operations });
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_names_are_stable() {
        assert_eq!(fallback_tag("/pets/{id}"), "pets");
        assert_eq!(fallback_tag("/{id}"), "default");
        assert_eq!(fallback_id("get", "/pets/{petId}/toys"), "get_pets_pet_id_toys");
    }

    #[test]
    fn json_media_types() {
        let content = |media: &str| {
            let mut map = IndexMap::new();
            map.insert(media.to_owned(), MediaType::default());
            map
        };
        for media in ["application/json", "application/vnd.api+json", "application/json; charset=utf-8"] {
            assert!(json_media(&content(media)).is_some(), "{media}");
        }
        for media in ["text/plain", "application/octet-stream", "multipart/form-data"] {
            assert!(json_media(&content(media)).is_none(), "{media}");
        }
    }
}
