//! Brings a document into the shape the typed reader expects, before it is typed:
//!
//! - OpenAPI 3.1 to 3.0: `type` arrays with `"null"` become `nullable`, other `type` arrays
//!   become `anyOf`, `const` becomes a one-value `enum`, numeric `exclusiveMinimum` /
//!   `exclusiveMaximum` become the 3.0 boolean form, `examples` arrays give an `example`,
//!   boolean schemas become `{}` / `{not: {}}`, and keywords 3.0 has no place for are dropped;
//! - mistakes common in published specs that would stop the typed reader over something the
//!   generator does not use (a `pattern` that is a number, a version that is a number) are
//!   corrected or dropped, each with a warning that names the place;
//! - OpenAPI 3.2 to 3.0 as well: its schemas are 3.1's; the `querystring` parameter becomes
//!   a query parameter whose members are exploded into the query; a tag's `summary` and
//!   `parent` join its description; the `query` method and `additionalOperations` are
//!   normalized in place and read by the lowering from the raw document;
//! - what the standard lets a document leave out, or published specs often do, is filled in:
//!   a response `description` (optional in 3.2), `responses` (optional in 3.1 and 3.2);
//! - `x-ms-enum` gives enum values names and descriptions, and the enum a name (see
//!   `enum_names`);
//! - what a client does not turn into code is taken out, each with a warning that names it:
//!   webhooks, callbacks and links.

use serde_json::{Map, Value};

use super::shape::Dialect;
use super::{enum_names, Pointer};
use crate::media::StreamFormat;

/// What was corrected or dropped, and where.
pub type Notes = Vec<(Pointer, String)>;

/// JSON Schema keywords without a place in OpenAPI 3.0 schemas; the generator does not use them.
const DROPPED_KEYWORDS: &[&str] = &[
    "prefixItems",
    "contains",
    "minContains",
    "maxContains",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "patternProperties",
    "propertyNames",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
    "$schema",
    "$id",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$comment",
];

/// Normalizes a 3.x document (Swagger 2.0 is converted to 3.0 before).
pub fn normalize(document: &mut Value, dialect: Dialect) -> (Notes, Vec<Event>) {
    let mut notes = Notes::new();
    let mut walker = Walker::new(dialect, &mut notes);
    walker.document(document);
    let named_enums = std::mem::take(&mut walker.named_enums);
    let events = std::mem::take(&mut walker.events);
    enum_names::hoist(document, named_enums);
    (notes, events)
}

/// A request the API sends to its users' servers: a webhook (3.1) or an operation's callback,
/// taken out of the document (a 3.0 reader has no place for them) with its path item
/// normalized like any other.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The webhook's name, or the callback's.
    pub name: String,
    pub kind: EventKind,
    /// Where the path item was written.
    pub at: Pointer,
    pub item: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Webhook,
    Callback,
}

/// Whether a keyword's value has the kind the keyword takes.
type KindCheck = fn(&Value) -> bool;

/// Walks one kind of node.
type Walk = for<'n> fn(&mut Walker<'n>, &mut Value, &Pointer);

struct Walker<'n> {
    dialect: Dialect,
    /// Schemas are JSON Schema 2020-12 (3.1 and 3.2).
    openapi_31: bool,
    notes: &'n mut Notes,
    /// Schemas that `x-ms-enum` names, and the names.
    named_enums: Vec<(Pointer, String)>,
    /// Webhooks and callbacks, as they are taken out.
    events: Vec<Event>,
    /// Callbacks that are `$ref`s, read once the document is walked: name, target, place.
    callbacks_by_ref: Vec<(String, String, Pointer)>,
}

/// What a walker found in one item, in the order it found it.
struct Found {
    notes: Notes,
    named_enums: Vec<(Pointer, String)>,
    events: Vec<Event>,
    callbacks_by_ref: Vec<(String, String, Pointer)>,
}

/// How many items one task of [`Walker::walk_all`] walks at least.
const ITEMS_A_TASK: usize = 16;

/// Each member of an object value but its extensions (the Paths and Responses objects).
fn members<'v>(value: &'v mut Value, at: &Pointer) -> Vec<(&'v mut Value, Pointer)> {
    let mut all = named(value, at);
    all.retain(|(_, at)| !at.last().is_some_and(|key| key.starts_with("x-")));
    all
}

/// Each member of a map of names (schemas, properties, headers, media types), `x-` names
/// included.
fn named<'v>(value: &'v mut Value, at: &Pointer) -> Vec<(&'v mut Value, Pointer)> {
    match value {
        Value::Object(map) => map.iter_mut().map(|(key, child)| (child, at.join(key))).collect(),
        _ => Vec::new(),
    }
}

/// [`named`], with each member's key.
fn named_with_keys<'v>(value: &'v mut Value, at: &Pointer) -> Vec<(String, &'v mut Value, Pointer)> {
    match value {
        Value::Object(map) => map.iter_mut().map(|(key, child)| (key.clone(), child, at.join(key))).collect(),
        _ => Vec::new(),
    }
}

fn member<'v>(value: &'v mut Value, key: &str, at: &Pointer) -> Option<(&'v mut Value, Pointer)> {
    value.as_object_mut()?.get_mut(key).map(|child| (child, at.join(key)))
}

impl<'n> Walker<'n> {
    fn new(dialect: Dialect, notes: &'n mut Notes) -> Self {
        Walker {
            dialect,
            openapi_31: matches!(dialect, Dialect::OpenApi31 | Dialect::OpenApi32),
            notes,
            named_enums: Vec::new(),
            events: Vec::new(),
            callbacks_by_ref: Vec::new(),
        }
    }
}

impl Walker<'_> {
    fn note(&mut self, at: &Pointer, message: impl Into<String>) {
        self.notes.push((at.clone(), message.into()));
    }

    fn document(&mut self, document: &mut Value) {
        let root = Pointer::root();
        let Some(map) = document.as_object_mut() else { return };
        if self.openapi_31 {
            // The typed reader knows 3.0; what 3.1 adds is converted below.
            map.insert("openapi".into(), Value::String("3.0.3".into()));
            map.entry("paths").or_insert_with(|| Value::Object(Map::new()));
        }
        if let Some(info) = map.get_mut("info").and_then(Value::as_object_mut) {
            for key in ["version", "title"] {
                if let Some(value) = info.get_mut(key).filter(|v| !v.is_string() && !v.is_null()) {
                    let text = value.to_string();
                    *value = Value::String(text);
                    self.notes.push((
                        root.join("info").join(key),
                        format!("`{key}` is not a string; read as text"),
                    ));
                }
            }
        }
        if let Some(Value::Object(webhooks)) = document.as_object_mut().and_then(|d| d.remove("webhooks")) {
            let at = root.join("webhooks");
            for (name, mut item) in webhooks {
                let item_at = at.join(&name);
                self.path_item(&mut item, &item_at);
                self.events.push(Event { name, kind: EventKind::Webhook, at: item_at, item });
            }
        }
        if self.dialect == Dialect::OpenApi32 {
            self.tags(document);
        }
        if let Some((paths, at)) = member(document, "paths", &root) {
            self.rooted_paths(paths, &at);
            self.walk_all(members(paths, &at), |walker, node, at| walker.path_item(node, at));
        }
        // Callbacks given by `$ref` are read from the components they name.
        for (name, reference, at) in std::mem::take(&mut self.callbacks_by_ref) {
            let target = Pointer::from_ref(&reference)
                .filter(|pointer| pointer.as_str().starts_with("/components/callbacks/"))
                .and_then(|pointer| Some((document.pointer(pointer.as_str())?.clone(), pointer)));
            match target {
                Some((callback, target_at)) => self.callback(&name, callback, &target_at),
                None => self.note(&at, format!("callback `{name}` is left out: `{reference}` is not a callback of this document's components")),
            }
        }
        if let Some((components, at)) = member(document, "components", &root) {
            // Callbacks are read where operations name them (above).
            if let Some(map) = components.as_object_mut() {
                map.remove("callbacks");
            }
            self.leave_out(components, "links", &at);
            let sections: [(&str, Walk); 6] = [
                ("schemas", |walker, node, at| walker.schema(node, at)),
                ("parameters", |walker, node, at| walker.parameter(node, at)),
                ("responses", |walker, node, at| walker.response(node, at)),
                ("requestBodies", |walker, node, at| walker.request_body(node, at)),
                ("headers", |walker, node, at| walker.header(node, at)),
                ("pathItems", |walker, node, at| walker.path_item(node, at)),
            ];
            for (section, walk) in sections {
                if let Some((items, at)) = member(components, section, &at) {
                    self.walk_all(named(items, &at), walk);
                }
            }
        }
    }

    /// Walks each of `items` (the path items, a section of the components: most of a large
    /// document) on whichever core is free, each with a walker of its own, and takes what
    /// they found in the items' order: the same as walking them one after the other.
    fn walk_all(&mut self, items: Vec<(&mut Value, Pointer)>, walk: Walk) {
        use rayon::prelude::*;
        let found: Vec<Found> = items
            .into_par_iter()
            .with_min_len(ITEMS_A_TASK)
            .map(|(item, at)| {
                let mut notes = Notes::new();
                let mut walker = Walker::new(self.dialect, &mut notes);
                walk(&mut walker, item, &at);
                let (named_enums, events, callbacks_by_ref) =
                    (walker.named_enums, walker.events, walker.callbacks_by_ref);
                Found { notes, named_enums, events, callbacks_by_ref }
            })
            .collect();
        for found in found {
            self.notes.extend(found.notes);
            self.named_enums.extend(found.named_enums);
            self.events.extend(found.events);
            self.callbacks_by_ref.extend(found.callbacks_by_ref);
        }
    }

    /// A path must start with `/`; one that does not is read as if it did (the 3.0 reader
    /// would drop it), unless that path is given as well.
    fn rooted_paths(&mut self, paths: &mut Value, at: &Pointer) {
        let Some(map) = paths.as_object_mut() else { return };
        if map.keys().all(|k| k.starts_with('/') || k.starts_with("x-")) {
            return;
        }
        let rooted: std::collections::HashSet<String> =
            map.keys().filter(|k| k.starts_with('/')).cloned().collect();
        for (key, item) in std::mem::take(map) {
            if key.starts_with('/') || key.starts_with("x-") {
                map.insert(key, item);
            } else if rooted.contains(&format!("/{key}")) {
                self.note(
                    &at.join(&key),
                    format!("the path `{key}` does not start with `/`, and `/{key}` is given too; left out"),
                );
            } else {
                self.note(
                    &at.join(&key),
                    format!("the path `{key}` does not start with `/`; read as `/{key}`"),
                );
                map.insert(format!("/{key}"), item);
            }
        }
    }

    /// Takes out a section a client does not use, with a warning for each member.
    fn leave_out(&mut self, value: &mut Value, section: &str, at: &Pointer) {
        let Some(Value::Object(removed)) = value.as_object_mut().and_then(|m| m.remove(section)) else {
            return;
        };
        let why = "links between operations are not turned into code";
        let singular = section.trim_end_matches('s');
        for name in removed.keys().filter(|k| !k.starts_with("x-")) {
            self.note(&at.join(section).join(name), format!("{singular} `{name}` is left out: {why}"));
        }
    }

    /// 3.2 tags: `summary` and `parent` join the description the client's docs show.
    fn tags(&mut self, document: &mut Value) {
        let Some(Value::Array(tags)) = document.get_mut("tags") else { return };
        for tag in tags.iter_mut().filter_map(Value::as_object_mut) {
            let summary = tag.get("summary").and_then(Value::as_str).map(str::to_owned);
            let parent = tag.get("parent").and_then(Value::as_str).map(|p| format!("Part of `{p}`."));
            let description = tag.get("description").and_then(Value::as_str).map(str::to_owned);
            let parts: Vec<String> = [summary, description, parent].into_iter().flatten().collect();
            if !parts.is_empty() {
                tag.insert("description".into(), Value::String(parts.join("\n\n")));
            }
        }
    }

    fn path_item(&mut self, item: &mut Value, at: &Pointer) {
        self.each(item, "parameters", at, Self::parameter);
        for method in self.dialect.methods() {
            if let Some((operation, at)) = member(item, method, at) {
                self.operation(operation, &at);
            }
        }
        if self.dialect == Dialect::OpenApi32 {
            if let Some((operations, at)) = member(item, "additionalOperations", at) {
                for (operation, at) in members(operations, &at) {
                    self.operation(operation, &at);
                }
            }
        }
    }

    /// An operation's callbacks are events: each expression's path item, named after the
    /// callback (and the expression, where it has several).
    fn callbacks(&mut self, operation: &mut Value, at: &Pointer) {
        let Some(Value::Object(callbacks)) = operation.as_object_mut().and_then(|m| m.remove("callbacks"))
        else {
            return;
        };
        for (name, callback) in callbacks {
            let callback_at = at.join("callbacks").join(&name);
            match callback.get("$ref").and_then(Value::as_str) {
                Some(reference) => self.callbacks_by_ref.push((name, reference.to_owned(), callback_at)),
                None => self.callback(&name, callback, &callback_at),
            }
        }
    }

    fn callback(&mut self, name: &str, callback: Value, at: &Pointer) {
        let Value::Object(expressions) = callback else { return };
        let several = expressions.keys().filter(|k| !k.starts_with("x-")).count() > 1;
        for (expression, mut item) in expressions.into_iter().filter(|(k, _)| !k.starts_with("x-")) {
            let item_at = at.join(&expression);
            self.path_item(&mut item, &item_at);
            let name = if several { format!("{name} {expression}") } else { name.to_owned() };
            self.events.push(Event { name, kind: EventKind::Callback, at: item_at, item });
        }
    }

    fn operation(&mut self, operation: &mut Value, at: &Pointer) {
        self.callbacks(operation, at);
        self.each(operation, "parameters", at, Self::parameter);
        if let Some((body, at)) = member(operation, "requestBody", at) {
            self.request_body(body, &at);
        }
        if let Some(map) = operation.as_object_mut() {
            if !map.contains_key("responses") {
                map.insert("responses".into(), Value::Object(Map::new()));
                if self.dialect == Dialect::OpenApi30 {
                    self.note(
                        at,
                        "an operation without `responses`; read as answering nothing the client decodes",
                    );
                }
            }
        }
        if let Some((responses, at)) = member(operation, "responses", at) {
            for (response, at) in members(responses, &at) {
                self.response(response, &at);
            }
        }
    }

    /// Walks each item of an array member.
    fn each(
        &mut self,
        value: &mut Value,
        key: &str,
        at: &Pointer,
        walk: fn(&mut Self, &mut Value, &Pointer),
    ) {
        if let Some((Value::Array(items), at)) = member(value, key, at) {
            for (index, item) in items.iter_mut().enumerate() {
                walk(self, item, &at.join(index));
            }
        }
    }

    fn parameter(&mut self, parameter: &mut Value, at: &Pointer) {
        if parameter.get("in").and_then(Value::as_str) == Some("querystring") {
            self.querystring(parameter, at);
        }
        if let Some((schema, at)) = member(parameter, "schema", at) {
            self.schema(schema, &at);
        }
        self.content(parameter, at);
    }

    fn header(&mut self, header: &mut Value, at: &Pointer) {
        self.parameter(header, at);
    }

    fn request_body(&mut self, body: &mut Value, at: &Pointer) {
        self.content(body, at);
    }

    /// A 3.2 `querystring` parameter describes the whole query with one media type; as a
    /// query parameter exploded in form style, its members are the query's pairs.
    fn querystring(&mut self, parameter: &mut Value, at: &Pointer) {
        let Some(map) = parameter.as_object_mut() else { return };
        let content = map.remove("content");
        let media = content.as_ref().and_then(Value::as_object).and_then(|c| c.iter().next());
        let schema = match media {
            Some((media, body)) => {
                if !media.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") {
                    self.note(
                        &at.join("content").join(media),
                        format!("a `querystring` parameter of `{media}` is sent as form-style query members"),
                    );
                }
                body.get("schema").cloned().unwrap_or_else(|| Value::Object(Map::new()))
            }
            None => Value::Object(Map::new()),
        };
        map.insert("in".into(), Value::String("query".into()));
        map.insert("style".into(), Value::String("form".into()));
        map.insert("explode".into(), Value::Bool(true));
        map.insert("schema".into(), schema);
    }

    fn response(&mut self, response: &mut Value, at: &Pointer) {
        if let Some(map) = response.as_object_mut().filter(|m| !m.contains_key("$ref")) {
            if !map.get("description").is_some_and(Value::is_string) {
                map.insert("description".into(), Value::String(String::new()));
                if self.dialect != Dialect::OpenApi32 {
                    self.note(at, "a response without a `description`; read as an empty one");
                }
            }
        }
        self.leave_out(response, "links", at);
        self.content(response, at);
        if let Some((headers, at)) = member(response, "headers", at) {
            for (header, at) in named(headers, &at) {
                self.header(header, &at);
            }
        }
    }

    fn content(&mut self, value: &mut Value, at: &Pointer) {
        if let Some((content, at)) = member(value, "content", at) {
            for (key, media, at) in named_with_keys(content, &at) {
                self.item_schema(&key, media, &at);
                if let Some((schema, at)) = member(media, "schema", &at) {
                    self.schema(schema, &at);
                }
            }
        }
    }

    /// 3.2's `itemSchema` of a streamed media type (events, JSON lines, JSON sequences) is
    /// read as its `schema`, which lowering takes for one item of the stream. An event's
    /// `data` given as a string with a `contentSchema` is read as that schema: the client
    /// decodes the data.
    fn item_schema(&mut self, key: &str, media: &mut Value, at: &Pointer) {
        let Some(map) = media.as_object_mut() else { return };
        let Some(mut item) = map.remove("itemSchema") else { return };
        let Some(format) = StreamFormat::of(key) else {
            self.note(
                &at.join("itemSchema"),
                "the items of this media type (`itemSchema`) are not typed; the body is read whole",
            );
            return;
        };
        if map.contains_key("schema") {
            self.note(&at.join("itemSchema"), "`itemSchema` is left out: the media type also has a `schema`, which is read as the stream's items");
            return;
        }
        if format == StreamFormat::Events {
            let data =
                item.get_mut("properties").and_then(|p| p.get_mut("data")).and_then(Value::as_object_mut);
            if let Some(data) = data {
                if let Some(content) = data.remove("contentSchema") {
                    *data = match content {
                        Value::Object(content) => content,
                        _ => Map::new(),
                    };
                }
            }
        }
        map.insert("schema".into(), item);
    }

    fn schema(&mut self, schema: &mut Value, at: &Pointer) {
        match schema {
            Value::Bool(true) => *schema = Value::Object(Map::new()),
            Value::Bool(false) => *schema = serde_json::json!({"not": {}}),
            Value::Object(_) => {}
            _ => {
                self.note(at, "a schema must be an object; read as any value");
                *schema = Value::Object(Map::new());
            }
        }
        let Value::Object(map) = schema else { return };
        let present = Present::of(map);
        if present.has(Present::REF) {
            // 3.0 ignores the siblings of a `$ref`; 3.1 allows them but they only annotate.
            return;
        }
        self.keywords(map, present, at);
        // Most schemas hold none of these (a string, a number): one pass over the members
        // says which to look up (each lookup hashes the key). Read again, not reused: the
        // keywords may have become members (a 3.1 `type` list becomes `anyOf`).
        let present = Present::of(map);
        if !present.has(Present::INNER) {
            return;
        }
        for key in SUBSCHEMAS {
            if !present.has(Present::key(key)) {
                continue;
            }
            let Some(child) = map.get_mut(key) else { continue };
            let child_at = at.join(key);
            match (key, child) {
                // `additionalProperties: true/false` is the 3.0 form already.
                ("additionalProperties", Value::Bool(_)) => {}
                ("$defs" | "definitions", defs) => {
                    for (def, at) in named(defs, &child_at) {
                        self.schema(def, &at);
                    }
                }
                ("items", Value::Array(tuple)) => {
                    // A tuple: its items are not all one type; the first is as good as any.
                    let first = tuple.first().cloned().unwrap_or(Value::Object(Map::new()));
                    let mut child = first;
                    self.schema(&mut child, &child_at);
                    map.insert(key.into(), child);
                }
                (_, child) => self.schema(child, &child_at),
            }
        }
        if let Some(properties) =
            map.get_mut("properties").filter(|_| present.has(Present::key("properties")))
        {
            for (property, at) in named(properties, &at.join("properties")) {
                self.schema(property, &at);
            }
        }
        for key in COMPOSITIONS {
            if !present.has(Present::key(key)) {
                continue;
            }
            if let Some(Value::Array(items)) = map.get_mut(key) {
                for (index, item) in items.iter_mut().enumerate() {
                    self.schema(item, &at.join(key).join(index));
                }
            }
        }
    }

    /// The keywords of one schema object (not its subschemas), `present` as it holds them.
    fn keywords(&mut self, map: &mut Map<String, Value>, present: Present, at: &Pointer) {
        if let Some(name) = present.has(Present::key("x-ms-enum")).then(|| enum_names::read(map)).flatten() {
            self.named_enums.push((at.clone(), name));
        }
        if self.openapi_31 {
            for key in DROPPED_KEYWORDS {
                map.remove(*key);
            }
            if let Some(value) = map.remove("const") {
                map.entry("enum").or_insert(Value::Array(vec![value]));
            }
            if let Some(Value::Array(examples)) = map.remove("examples") {
                if let Some(first) = examples.into_iter().next() {
                    map.entry("example").or_insert(first);
                }
            }
            for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
                if let Some(limit @ Value::Number(_)) = map.get(exclusive).cloned() {
                    map.insert(bound.into(), limit);
                    map.insert(exclusive.into(), Value::Bool(true));
                }
            }
        }
        if present.has(Present::key("type")) {
            self.types(map, at);
        }
        self.check_kinds(map, at);
    }

    /// `type` as an array: `[X, "null"]` is a nullable X; several types are a union of them.
    fn types(&mut self, map: &mut Map<String, Value>, at: &Pointer) {
        let types = match map.get("type") {
            Some(Value::Array(types)) => types.clone(),
            Some(Value::String(_)) | None => return,
            Some(_) => {
                map.remove("type");
                self.note(&at.join("type"), "`type` is neither a name nor a list of names; dropped");
                return;
            }
        };
        map.remove("type");
        let mut names: Vec<String> = types.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect();
        if names.iter().any(|t| t == "null") {
            names.retain(|t| t != "null");
            map.insert("nullable".into(), Value::Bool(true));
        }
        match names.as_slice() {
            [] => {}
            [one] => {
                map.insert("type".into(), Value::String(one.clone()));
            }
            several if !map.contains_key("anyOf") && !map.contains_key("oneOf") => {
                let members = several.iter().map(|t| serde_json::json!({ "type": t })).collect();
                map.insert("anyOf".into(), Value::Array(members));
            }
            _ => {}
        }
    }

    /// Keywords whose value has the wrong kind stop the typed reader; the generator does not
    /// need them, so they are dropped with a note. One pass over the schema's members (a
    /// lookup for each keyword cost more than the rest of normalizing), its notes in the order
    /// of [`KEYWORD_KINDS`].
    fn check_kinds(&mut self, map: &mut Map<String, Value>, at: &Pointer) {
        let mut dropped: Vec<(usize, String)> = Vec::new();
        for (key, value) in map.iter_mut() {
            match key.as_str() {
                flag @ ("readOnly" | "writeOnly" | "deprecated") if !value.is_boolean() => {
                    let rank = QUIETLY_DROPPED.iter().position(|quiet| *quiet == flag).unwrap_or_default();
                    dropped.push((KEYWORD_KINDS.len() + rank, key.clone()));
                }
                "description" | "title" if !value.is_string() => *value = Value::String(value.to_string()),
                "required" => match value {
                    Value::Array(required) => required.retain(Value::is_string),
                    _ => dropped.push((REQUIRED_RANK, key.clone())),
                },
                key => {
                    let rank = KEYWORD_KINDS.iter().position(|(keyword, ..)| *keyword == key);
                    if let Some(rank) = rank.filter(|&rank| !(KEYWORD_KINDS[rank].1)(value)) {
                        dropped.push((rank, key.to_owned()));
                    }
                }
            }
        }
        dropped.sort_unstable_by_key(|(rank, _)| *rank);
        for (rank, key) in dropped {
            map.remove(&key);
            let message = match KEYWORD_KINDS.get(rank) {
                Some((_, _, expected)) => format!("`{key}` is not {expected}; dropped"),
                None if rank == REQUIRED_RANK => "`required` of a schema is a list of names; dropped".into(),
                None => continue,
            };
            self.note(&at.join(&key), message);
        }
        let present = Present::of(map);
        for key in ["properties", "allOf", "anyOf", "oneOf"] {
            let fits = if key == "properties" { Value::is_object } else { Value::is_array };
            if present.has(Present::key(key)) && map.get(key).is_some_and(|v| !fits(v)) {
                map.remove(key);
                self.note(&at.join(key), format!("`{key}` has the wrong form; dropped"));
            }
        }
    }
}

/// A schema's members that hold a schema or a map of them, walked in this order (then
/// `properties`, then [`COMPOSITIONS`]).
const SUBSCHEMAS: [&str; 5] = ["items", "not", "additionalProperties", "$defs", "definitions"];

/// A schema's members that list schemas.
const COMPOSITIONS: [&str; 3] = ["allOf", "anyOf", "oneOf"];

/// Which of the keywords the walk looks up a schema holds, found in one pass over its
/// members: a lookup hashes its key, and most schemas hold none of them.
#[derive(Clone, Copy)]
struct Present(u16);

impl Present {
    /// The keywords, each a bit by its place here.
    const KEYS: [&'static str; 12] = [
        "$ref",
        "items",
        "not",
        "additionalProperties",
        "$defs",
        "definitions",
        "properties",
        "allOf",
        "anyOf",
        "oneOf",
        "x-ms-enum",
        "type",
    ];
    const REF: u16 = 1;
    /// The keywords that hold schemas.
    const INNER: u16 = 0b11_1111_1110;

    fn of(map: &Map<String, Value>) -> Self {
        let bits = map.keys().filter_map(|key| Self::KEYS.iter().position(|known| known == key));
        Present(bits.fold(0, |present, bit| present | 1 << bit))
    }

    /// The bit of `key`, one of [`Present::KEYS`].
    fn key(key: &str) -> u16 {
        Self::KEYS.iter().position(|known| *known == key).map_or(0, |bit| 1 << bit)
    }

    /// Whether any of `keys` (bits) is present.
    fn has(self, keys: u16) -> bool {
        self.0 & keys != 0
    }
}

/// The keywords of a schema whose value must be of one kind, and what they take.
const KEYWORD_KINDS: [(&str, KindCheck, &str); 17] = [
    ("pattern", Value::is_string, "a string"),
    ("format", Value::is_string, "a string"),
    ("minLength", is_count, "a count"),
    ("maxLength", is_count, "a count"),
    ("minItems", is_count, "a count"),
    ("maxItems", is_count, "a count"),
    ("minProperties", is_count, "a count"),
    ("maxProperties", is_count, "a count"),
    ("minimum", Value::is_number, "a number"),
    ("maximum", Value::is_number, "a number"),
    ("multipleOf", Value::is_number, "a number"),
    ("exclusiveMinimum", Value::is_boolean, "true or false"),
    ("exclusiveMaximum", Value::is_boolean, "true or false"),
    ("uniqueItems", Value::is_boolean, "true or false"),
    ("nullable", Value::is_boolean, "true or false"),
    ("enum", Value::is_array, "a list"),
    ("discriminator", is_discriminator, "an object with `propertyName`"),
];

/// Flags dropped without a note when they are not `true` or `false`, after those above.
const QUIETLY_DROPPED: [&str; 3] = ["readOnly", "writeOnly", "deprecated"];

/// Where a `required` that is not a list is dropped, after all of the above.
const REQUIRED_RANK: usize = KEYWORD_KINDS.len() + QUIETLY_DROPPED.len();

fn is_count(value: &Value) -> bool {
    value.as_u64().is_some()
}

fn is_discriminator(value: &Value) -> bool {
    value.get("propertyName").is_some_and(Value::is_string)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema_31(mut schema: Value) -> Value {
        let mut document = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"S": schema.take()}}});
        let (notes, _) = normalize(&mut document, Dialect::OpenApi31);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(document["openapi"], "3.0.3");
        document["components"]["schemas"]["S"].take()
    }

    #[test]
    fn the_keywords_looked_for_are_each_a_bit_of_their_own() {
        let map: Map<String, Value> = Present::KEYS.iter().map(|key| (key.to_string(), json!(1))).collect();
        let all = Present::of(&map);
        for (index, key) in Present::KEYS.iter().enumerate() {
            assert_eq!(Present::key(key), 1 << index, "{key}");
            assert!(all.has(Present::key(key)));
            let one: Map<String, Value> =
                [(key.to_string(), json!(1)), ("x".into(), json!(2))].into_iter().collect();
            assert_eq!(Present::of(&one).0, 1 << index, "{key}");
        }
        let walked = SUBSCHEMAS.iter().chain(&["properties"]).chain(&COMPOSITIONS);
        assert_eq!(Present::INNER, walked.fold(0, |bits, key| bits | Present::key(key)));
        assert!(!Present::of(&Map::new()).has(u16::MAX));
    }

    #[test]
    fn openapi_31_schemas_become_30_schemas() {
        assert_eq!(
            schema_31(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            schema_31(json!({"type": ["string", "integer"]})),
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})
        );
        assert_eq!(schema_31(json!({"const": "on"})), json!({"enum": ["on"]}));
        assert_eq!(
            schema_31(json!({"type": "number", "exclusiveMinimum": 0})),
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true})
        );
        assert_eq!(schema_31(json!({"examples": [1, 2]})), json!({"example": 1}));
        assert_eq!(
            schema_31(json!({"properties": {"a": true, "b": false, "c": {"type": ["null"]}}})),
            json!({"properties": {"a": {}, "b": {"not": {}}, "c": {"nullable": true}}})
        );
        assert_eq!(
            schema_31(json!({"prefixItems": [{}], "items": {"const": 1}})),
            json!({"items": {"enum": [1]}})
        );
        // A `$ref` keeps its siblings; they only annotate.
        assert_eq!(
            schema_31(json!({"$ref": "#/x", "description": "d"})),
            json!({"$ref": "#/x", "description": "d"})
        );
    }

    #[test]
    fn webhooks_and_callbacks_are_taken_out_as_events() {
        let mut document = json!({"openapi": "3.1.0",
            "paths": {"/a": {"post": {"responses": {}, "callbacks": {
                "done": {"{$url}": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": ["string", "null"]}}}}}}},
                "shared": {"$ref": "#/components/callbacks/Shared"}}}}},
            "webhooks": {"added": {"post": {"responses": {}}}},
            "components": {"callbacks": {"Shared": {"{$url}/a": {"put": {}}, "{$url}/b": {"put": {}}}}}});
        let (notes, events) = normalize(&mut document, Dialect::OpenApi31);
        assert!(notes.is_empty(), "{notes:?}");
        let names: Vec<(&str, EventKind, String)> =
            events.iter().map(|e| (e.name.as_str(), e.kind, e.at.to_string())).collect();
        assert_eq!(
            names,
            [
                ("added", EventKind::Webhook, "#/webhooks/added".to_owned()),
                ("done", EventKind::Callback, "#/paths/~1a/post/callbacks/done/{$url}".to_owned()),
                (
                    "shared {$url}/a",
                    EventKind::Callback,
                    "#/components/callbacks/Shared/{$url}~1a".to_owned()
                ),
                (
                    "shared {$url}/b",
                    EventKind::Callback,
                    "#/components/callbacks/Shared/{$url}~1b".to_owned()
                ),
            ]
        );
        // Their path items are read as any other: 3.1 schemas become 3.0 ones.
        let schema = &events[1].item["post"]["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(*schema, json!({"type": "string", "nullable": true}));
        assert!(document.get("webhooks").is_none() && document["components"].get("callbacks").is_none());
        assert!(document["paths"]["/a"]["post"].get("callbacks").is_none());
    }

    #[test]
    fn paths_without_a_slash_are_read_with_one() {
        let mut document =
            json!({"openapi": "3.0.0", "paths": {"pets": {}, "a": {}, "/a": {"get": {}}, "x-b": {}}});
        let (notes, _) = normalize(&mut document, Dialect::OpenApi30);
        let keys: Vec<&String> = document["paths"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["/pets", "/a", "x-b"]);
        assert_eq!(document["paths"]["/a"], json!({"get": {"responses": {}}}));
        let places: Vec<String> = notes.iter().map(|(at, _)| at.to_string()).collect();
        assert_eq!(places[..2], ["#/paths/pets", "#/paths/a"]);
    }

    #[test]
    fn mistakes_are_dropped_with_a_note_naming_the_place() {
        let mut document = json!({"openapi": "3.0.0", "info": {"title": "t", "version": 2},
            "paths": {"/a": {"get": {"parameters": [{"name": "p", "in": "query", "schema": {"type": "string", "pattern": 0}}],
            "callbacks": {"c": {"$ref": "#/components/callbacks/c"}}, "responses": {}}}}});
        let (notes, _) = normalize(&mut document, Dialect::OpenApi30);
        let places: Vec<String> = notes.iter().map(|(at, _)| at.to_string()).collect();
        assert_eq!(
            places,
            ["#/info/version", "#/paths/~1a/get/parameters/0/schema/pattern", "#/paths/~1a/get/callbacks/c"]
        );
        assert_eq!(document["info"]["version"], "2");
        assert!(document["paths"]["/a"]["get"].get("callbacks").is_none());
        assert_eq!(document["openapi"], "3.0.0");
    }
}
