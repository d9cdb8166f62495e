//! Values for a call, built from the spec's schemas as JSON Schema reads them: the example,
//! default or first enum value where the spec gives one that can be sent (it conforms, is not
//! empty, holds no `readOnly` member), else a value of the schema's type that meets its
//! format, pattern, lengths and bounds. Objects get their required members (from every member
//! of an `allOf` too), or, for the call that sets everything, every member a request may
//! carry; `readOnly` members are never sent. Of the alternatives of a `oneOf` or `anyOf`, the
//! first whose value conforms to the whole schema is taken, with its discriminator set.

use indexmap::IndexMap;
use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind};
use serde_json::{json, Map, Value};

use generator::pointer::Pointer;

use super::schemas::{matches, Schemas};

/// Schemas nested deeper than this get `null` (a recursive schema ends there).
const MAX_DEPTH: usize = 12;

/// Optional members are filled in down to this depth only, so recursive schemas stay small.
const OPTIONAL_DEPTH: usize = 4;

/// `allOf` members nested deeper than this are not read.
const MAX_ALL_OF_DEPTH: usize = 16;

/// Which members of an object a value has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Members {
    Required,
    /// Every member a request may carry (not the `readOnly` ones).
    All,
}

/// Makes values for the schemas of one spec.
pub struct Values<'a> {
    schemas: &'a Schemas,
}

/// A schema with the members of its `allOf` (and theirs), read as one.
#[derive(Default)]
struct View<'s> {
    /// The schema first, then its `allOf` members, each with where it is.
    parts: Vec<(Pointer, &'s Map<String, Value>)>,
}

impl<'s> View<'s> {
    /// The first value of `key` among the parts, with the part's pointer.
    fn first(&self, key: &str) -> Option<(&Pointer, &'s Value)> {
        self.parts.iter().find_map(|(at, part)| part.get(key).map(|value| (at, value)))
    }

    fn number(&self, key: &str) -> Option<f64> {
        self.first(key).and_then(|(_, v)| v.as_f64())
    }

    fn count(&self, key: &str) -> Option<u64> {
        self.first(key).and_then(|(_, v)| v.as_u64())
    }

    fn flag(&self, key: &str) -> bool {
        self.first(key).and_then(|(_, v)| v.as_bool()).unwrap_or(false)
    }

    /// The type the parts declare (the first that is not `null`), or the one their keywords
    /// imply.
    fn ty(&self) -> Option<&'s str> {
        let declared = self.parts.iter().find_map(|(_, part)| match part.get("type")? {
            Value::String(ty) => Some(ty.as_str()),
            Value::Array(types) => types.iter().filter_map(Value::as_str).find(|t| *t != "null"),
            _ => None,
        });
        declared.or_else(|| {
            let has = |key: &str| self.parts.iter().any(|(_, part)| part.contains_key(key));
            if has("properties") || has("required") || has("additionalProperties") {
                Some("object")
            } else if has("items") {
                Some("array")
            } else {
                None
            }
        })
    }

    /// Every property of the parts, with where each part that names it has its schema.
    fn properties(&self) -> IndexMap<&'s str, Vec<Pointer>> {
        let mut properties: IndexMap<&'s str, Vec<Pointer>> = IndexMap::new();
        for (at, part) in &self.parts {
            let Some(map) = part.get("properties").and_then(Value::as_object) else { continue };
            for name in map.keys() {
                properties.entry(name.as_str()).or_default().push(at.join("properties").join(name));
            }
        }
        properties
    }

    /// The names any part requires.
    fn required(&self) -> Vec<&'s str> {
        let mut required = Vec::new();
        for (_, part) in &self.parts {
            for name in part.get("required").and_then(Value::as_array).into_iter().flatten() {
                if let Some(name) = name.as_str().filter(|n| !required.contains(n)) {
                    required.push(name);
                }
            }
        }
        required
    }
}

impl<'a> Values<'a> {
    pub fn new(schemas: &'a Schemas) -> Self {
        Self { schemas }
    }

    /// A value for the schema at `at`.
    pub fn of(&self, at: &Pointer, members: Members) -> Value {
        self.make(at, 0, members)
    }

    /// `candidate` where it can be sent for the schema at `at`, else a value made for it.
    pub fn given_or_made(&self, candidate: Option<&Value>, at: &Pointer, members: Members) -> Value {
        match candidate {
            Some(value) if self.usable(std::slice::from_ref(at), value) => value.clone(),
            _ => self.of(at, members),
        }
    }

    /// Whether a value the spec gives (an example, a default, an enum value) can be sent for
    /// the schemas at `ats`: it conforms to them, says something (servers read an empty string
    /// as nothing), and holds no member only the server sends.
    fn usable(&self, ats: &[Pointer], value: &Value) -> bool {
        !value.is_null()
            && value.as_str() != Some("")
            && ats.iter().all(|at| self.schemas.conforms(at, value))
            && !self.sends_read_only(ats, value, 0)
    }

    /// Whether `value` holds, at any depth, a member that the schemas at `ats` mark `readOnly`.
    fn sends_read_only(&self, ats: &[Pointer], value: &Value, depth: usize) -> bool {
        if depth > MAX_DEPTH || !(value.is_object() || value.is_array()) {
            return false;
        }
        let view = self.view_all(ats);
        match value {
            Value::Object(members) => {
                let properties = view.properties();
                members.iter().any(|(name, member)| {
                    properties.get(name.as_str()).is_some_and(|ats| {
                        ats.iter().any(|at| self.read_only(at))
                            || self.sends_read_only(ats, member, depth + 1)
                    })
                })
            }
            Value::Array(items) => view.first("items").is_some_and(|(at, _)| {
                let items_at = [at.join("items")];
                items.iter().any(|item| self.sends_read_only(&items_at, item, depth + 1))
            }),
            _ => false,
        }
    }

    fn make(&self, at: &Pointer, depth: usize, mode: Members) -> Value {
        self.make_all(std::slice::from_ref(at), depth, mode)
    }

    /// A value for all of the schemas at `ats` at once (a member that several members of an
    /// `allOf` describe).
    fn make_all(&self, ats: &[Pointer], depth: usize, mode: Members) -> Value {
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        let followed: Vec<(Pointer, &'a Value)> =
            ats.iter().filter_map(|at| self.schemas.follow(at)).collect();
        if followed.is_empty() {
            return Value::Null;
        }
        let roots: Vec<(Pointer, &'a Map<String, Value>)> = followed
            .into_iter()
            .filter_map(|(at, node)| node.as_object().map(|schema| (at, schema)))
            .collect();
        if roots.is_empty() {
            return json!({});
        }
        let given = roots.iter().flat_map(|(_, schema)| {
            let values = schema.get("enum").and_then(Value::as_array).into_iter().flatten();
            [schema.get("example"), schema.get("default")].into_iter().flatten().chain(values)
        });
        let ats: Vec<Pointer> = roots.iter().map(|(at, _)| at.clone()).collect();
        for value in given {
            if self.usable(&ats, value) {
                return value.clone();
            }
        }
        let view = self.view_all(&ats);
        for key in ["oneOf", "anyOf"] {
            if let Some((part_at, Value::Array(variants))) = view.first(key) {
                return self.choose(&part_at.join(key), variants.len(), &view, depth, mode);
            }
        }
        self.typed(&view, depth, mode)
    }

    /// The schemas at `ats` read as one, each with its `allOf` members.
    fn view_all(&self, ats: &[Pointer]) -> View<'a> {
        let mut view = View::default();
        for (at, node) in ats.iter().filter_map(|at| self.schemas.follow(at)) {
            if let Some(schema) = node.as_object() {
                view.parts.extend(self.view(&at, schema).parts);
            }
        }
        view
    }

    /// The schema at `at` with its `allOf` members (and theirs), `$ref`s followed.
    fn view(&self, at: &Pointer, schema: &'a Map<String, Value>) -> View<'a> {
        let mut view = View::default();
        let mut pending = vec![(at.clone(), schema, 0)];
        while let Some((at, part, depth)) = pending.pop() {
            if let Some(members) =
                part.get("allOf").and_then(Value::as_array).filter(|_| depth < MAX_ALL_OF_DEPTH)
            {
                // Members in their order: pushed last first.
                for index in (0..members.len()).rev() {
                    let Some((member_at, member)) = self.schemas.follow(&at.join("allOf").join(index)) else {
                        continue;
                    };
                    if let Some(member) = member.as_object() {
                        pending.push((member_at, member, depth + 1));
                    }
                }
            }
            // The schema itself first, then its members depth first.
            view.parts.push((at, part));
        }
        view
    }

    /// A value of the type the view declares.
    fn typed(&self, view: &View<'_>, depth: usize, mode: Members) -> Value {
        // A member of an `allOf` may be the one with the example or the enum (an `allOf` of a
        // `$ref` and a description).
        for (at, part) in view.parts.iter().skip(1) {
            if part.contains_key("enum") || part.contains_key("example") {
                return self.make(at, depth + 1, mode);
            }
        }
        match view.ty() {
            Some("object") => self.object(view, depth, mode),
            Some("array") => self.array(view, depth, mode),
            Some("string") => Value::String(self.string(view)),
            Some("integer") => json!(integer(view)),
            Some("number") => json!(number(view)),
            Some("boolean") => json!(true),
            Some("null") => Value::Null,
            _ => json!({}),
        }
    }

    /// The first alternative whose value conforms to the whole schema (with required members
    /// only where every member makes it fit another alternative too), else the first one.
    fn choose(
        &self,
        variants_at: &Pointer,
        count: usize,
        view: &View<'_>,
        depth: usize,
        mode: Members,
    ) -> Value {
        let (at, schema) = &view.parts[0];
        // Members the schema itself has beside its alternatives.
        let base = if view.parts.iter().any(|(_, p)| p.contains_key("properties")) {
            Some(self.object(view, depth, mode))
        } else {
            None
        };
        let discriminator = schema.get("discriminator");
        let tag_name = discriminator.and_then(|d| d.get("propertyName")).and_then(Value::as_str);
        let mapping = discriminator.and_then(|d| d.get("mapping")).and_then(Value::as_object);
        let variant_at = |index: usize| variants_at.join(index);
        // A `null` alternative (a nullable schema spelt for draft 4) last.
        let mut order: Vec<usize> = (0..count).collect();
        order.sort_by_key(|i| {
            self.schemas.node(&variant_at(*i)).and_then(|v| v.get("type")) == Some(&json!("null"))
        });
        let modes: &[Members] =
            if mode == Members::All { &[Members::All, Members::Required] } else { &[mode] };
        let mut first = None;
        for index in order {
            for mode in modes {
                let mut value = self.make(&variant_at(index), depth + 1, *mode);
                if let (Some(Value::Object(base)), Value::Object(members)) = (&base, &mut value) {
                    for (name, member) in base {
                        members.entry(name.clone()).or_insert_with(|| member.clone());
                    }
                }
                if let (Some(tag_name), Value::Object(members)) = (tag_name, &mut value) {
                    let reference = self
                        .schemas
                        .node(&variant_at(index))
                        .and_then(|v| v.get("$ref"))
                        .and_then(Value::as_str);
                    let tag = reference.map(|r| {
                        mapping
                            .and_then(|m| m.iter().find(|(_, target)| target.as_str() == Some(r)))
                            .map_or_else(
                                || r.rsplit('/').next().unwrap_or(r).to_owned(),
                                |(tag, _)| tag.clone(),
                            )
                    });
                    if let Some(tag) = tag {
                        let before = members.insert(tag_name.to_owned(), Value::String(tag));
                        if !self.schemas.conforms(at, &value) {
                            if let (Some(before), Value::Object(members)) = (before, &mut value) {
                                members.insert(tag_name.to_owned(), before);
                            }
                        }
                    }
                }
                if self.schemas.conforms(at, &value) {
                    return value;
                }
                first.get_or_insert(value);
            }
        }
        first.unwrap_or(Value::Null)
    }

    /// An object's members: the required ones, and with [`Members::All`] (near the top) the
    /// others a request may carry too.
    fn object(&self, view: &View<'_>, depth: usize, mode: Members) -> Value {
        let required = view.required();
        let mut members = Map::new();
        let properties = view.properties();
        for (name, ats) in &properties {
            // Members only the server sends are never sent, required or not.
            let wanted = (required.contains(name) || (mode == Members::All && depth < OPTIONAL_DEPTH))
                && !ats.iter().any(|at| self.read_only(at));
            if wanted {
                members.insert((*name).to_owned(), self.make_all(ats, depth + 1, mode));
            }
        }
        for name in required.iter().filter(|n| !properties.contains_key(**n)) {
            members.insert((*name).to_owned(), Value::String("string".into()));
        }
        // A map: one entry, where it must have one or a request may carry them.
        let minimum = view.count("minProperties").unwrap_or(0) as usize;
        if let Some((at, additional)) = view.first("additionalProperties") {
            let wanted = members.len() < minimum || (properties.is_empty() && mode == Members::All);
            if wanted && additional.is_object() {
                let value = self.make(&at.join("additionalProperties"), depth + 1, mode);
                let mut index = 1;
                while members.len() < minimum.max(1) {
                    members.insert(format!("key{index}"), value.clone());
                    index += 1;
                }
            }
        }
        Value::Object(members)
    }

    fn array(&self, view: &View<'_>, depth: usize, mode: Members) -> Value {
        let Some((at, _)) = view.first("items") else { return json!([]) };
        let item = self.make(&at.join("items"), depth + 1, mode);
        let count =
            view.count("minItems").unwrap_or(1).max(1).min(view.count("maxItems").unwrap_or(u64::MAX));
        let unique = view.flag("uniqueItems");
        (0..count)
            .map(|index| match (&item, unique && index > 0) {
                (Value::String(text), true) => Value::String(format!("{text}{index}")),
                (Value::Number(n), true) => json!(n.as_f64().unwrap_or(0.0) + index as f64),
                _ => item.clone(),
            })
            .collect()
    }

    /// A string of the format; else one that matches the pattern; at least `minLength` and at
    /// most `maxLength` characters where that fits the format.
    fn string(&self, view: &View<'_>) -> String {
        let format = view.first("format").and_then(|(_, f)| f.as_str()).unwrap_or_default();
        let min = view.count("minLength");
        let max = view.count("maxLength");
        if let Some((_, Value::String(pattern))) = view.first("pattern") {
            if let Some(text) = matching(pattern, min, max) {
                return text;
            }
        }
        string(format, min, max)
    }

    /// Whether the schema is `readOnly` (a member only the server sends).
    fn read_only(&self, at: &Pointer) -> bool {
        self.schemas.follow(at).is_some_and(|(_, node)| node.get("readOnly") == Some(&Value::Bool(true)))
    }
}

fn integer(view: &View<'_>) -> i64 {
    let exclusive = |key: &str| view.flag(key);
    let low = view.number("minimum").map(|m| m.ceil() as i64 + i64::from(exclusive("exclusiveMinimum")));
    let high = view.number("maximum").map(|m| m.floor() as i64 - i64::from(exclusive("exclusiveMaximum")));
    let mut n = low.unwrap_or(1).max(1).min(high.unwrap_or(i64::MAX));
    if let Some(step) = view.number("multipleOf").map(|s| s as i64).filter(|s| *s > 0) {
        n = n.div_euclid(step) * step + if n % step == 0 { 0 } else { step };
    }
    n
}

fn number(view: &View<'_>) -> f64 {
    let low = view.number("minimum").unwrap_or(1.0).max(1.0);
    let value =
        if view.flag("exclusiveMinimum") && view.number("minimum") == Some(low) { low + 0.5 } else { low };
    match view.number("maximum") {
        Some(high) if value > high => high - if view.flag("exclusiveMaximum") { 0.5 } else { 0.0 },
        _ => value,
    }
}

/// A string matching the ECMAScript pattern, with a length within the bounds, made of
/// printable ASCII where the pattern allows; none where no candidate matches.
fn matching(pattern: &str, min: Option<u64>, max: Option<u64>) -> Option<String> {
    use rand::{RngExt as _, SeedableRng as _};
    // Look-arounds are not generated: candidates without them are checked with them.
    let plain = without_lookarounds(pattern);
    let translated = jsonschema_regex::to_rust_regex(&plain).ok()?;
    let hir = regex_syntax::ParserBuilder::new().build().parse(&translated).ok()?;
    // A pattern matches anywhere unless anchored: what it makes is the whole string.
    let generator = rand_regex::Regex::with_hir(printable(hir), 8).ok()?;
    // A fixed seed: the same spec gets the same values on every run.
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    (0..64).map(|_| rng.sample::<String, _>(&generator)).find(|text| matches(pattern, min, max, text))
}

/// The pattern with its look-around groups (`(?=..)`, `(?!..)`, `(?<=..)`, `(?<!..)`) left out.
fn without_lookarounds(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.char_indices().peekable();
    let mut in_class = false;
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                if let Some((_, next)) = chars.next() {
                    out.push(next);
                }
            }
            '[' => {
                in_class = true;
                out.push(c);
            }
            ']' => {
                in_class = false;
                out.push(c);
            }
            '(' if !in_class
                && ["(?=", "(?!", "(?<=", "(?<!"].iter().any(|p| pattern[at..].starts_with(p)) =>
            {
                // Skip to the group's end.
                let mut level = 1;
                let mut escaped = false;
                let mut class = false;
                for (_, c) in chars.by_ref() {
                    match (escaped, class, c) {
                        (true, _, _) => escaped = false,
                        (false, _, '\\') => escaped = true,
                        (false, false, '[') => class = true,
                        (false, true, ']') => class = false,
                        (false, false, '(') => level += 1,
                        (false, false, ')') => {
                            level -= 1;
                            if level == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The expression with each class narrowed to printable ASCII where it has any (`.` and `\w`
/// otherwise make characters a server may read differently), and without its anchors and
/// other assertions, which the generator of matches does not take (what it makes is checked).
fn printable(hir: Hir) -> Hir {
    match hir.into_kind() {
        HirKind::Class(Class::Unicode(class)) => {
            let mut ascii = ClassUnicode::new([ClassUnicodeRange::new(' ', '~')]);
            ascii.intersect(&class);
            Hir::class(Class::Unicode(if ascii.ranges().is_empty() { class } else { ascii }))
        }
        HirKind::Class(class) => Hir::class(class),
        HirKind::Repetition(mut repetition) => {
            repetition.sub = Box::new(printable(*repetition.sub));
            Hir::repetition(repetition)
        }
        HirKind::Capture(mut capture) => {
            capture.sub = Box::new(printable(*capture.sub));
            Hir::capture(capture)
        }
        HirKind::Concat(subs) => Hir::concat(subs.into_iter().map(printable).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.into_iter().map(printable).collect()),
        HirKind::Literal(literal) => Hir::literal(literal.0),
        HirKind::Look(_) | HirKind::Empty => Hir::empty(),
    }
}

/// A string of the format, at least `min` and at most `max` characters where that fits it.
fn string(format: &str, min: Option<u64>, max: Option<u64>) -> String {
    let text = match format {
        "date-time" => "2024-01-02T03:04:05Z",
        "date" => "2024-01-02",
        "time" => "03:04:05Z",
        "uuid" => "f174e90a-fafe-4643-bbbc-4a0ed4fc8415",
        "email" => "user@example.com",
        "uri" | "url" => "https://example.com/a",
        "hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "c3RyaW5n",
        "duration" => "P1D",
        "uri-reference" | "iri-reference" => "/a",
        "iri" => "https://example.com/a",
        "uri-template" => "/a/{b}",
        "json-pointer" => "/a",
        "relative-json-pointer" => "0",
        "regex" => "^a$",
        "idn-email" => "user@example.com",
        "idn-hostname" => "example.com",
        _ => "string",
    };
    let mut text = text.to_owned();
    let known = text != "string";
    if let Some(min) = min {
        while (text.chars().count() as u64) < min {
            text.push('x');
        }
    }
    if let Some(max) = max.filter(|m| text.chars().count() as u64 > *m && !known) {
        text = text.chars().take(max.max(1) as usize).collect();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(reference: &str) -> Pointer {
        Pointer::from_ref(reference).expect("a pointer")
    }

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Name: {type: string, minLength: 2}
    Address:
      type: object
      properties:
        country: {type: string, pattern: "^[A-Z]{2}$"}
        street: {type: string}
    AddressRequest:
      allOf:
        - $ref: "#/components/schemas/Address"
        - required: [country]
    Account:
      type: object
      required: [name, address, ids, id]
      example: {name: "ab", address: {country: "FR"}, ids: ["a"], id: "x"}
      properties:
        id: {type: string, readOnly: true}
        name:
          allOf: [{$ref: "#/components/schemas/Name"}, {description: the name}]
        address: {$ref: "#/components/schemas/AddressRequest"}
        ids: {type: array, example: "a,b,c", items: {type: string}}
        created: {type: string, format: date-time, readOnly: true}
        limit: {type: integer, minimum: 10, maximum: 20, multipleOf: 3}
        labels: {type: object, minProperties: 1, additionalProperties: {type: string}}
    Pet:
      oneOf:
        - $ref: "#/components/schemas/Cat"
        - $ref: "#/components/schemas/Dog"
      discriminator:
        propertyName: kind
        mapping: {dog: "#/components/schemas/Dog"}
    Cat:
      type: object
      required: [kind, lives]
      properties: {kind: {type: string}, lives: {type: integer}}
      additionalProperties: false
    Dog:
      type: object
      required: [kind, barks]
      properties: {kind: {type: string}, barks: {type: boolean}}
      additionalProperties: false
    Rules:
      allOf:
        - type: object
          properties:
            inbound: {type: array, items: {type: string}}
      properties:
        inbound: {description: the rules coming in}
    Shape:
      oneOf:
        - {type: object, required: [radius], properties: {radius: {type: number}}}
        - {type: object, required: [side], properties: {side: {type: number}}}
"##;

    #[test]
    fn all_of_members_add_required_members_and_examples_must_fit() {
        let schemas = Schemas::from_yaml(SPEC);
        let values = Values::new(&schemas);
        let account = at("#/components/schemas/Account");
        let required = values.of(&account, Members::Required);
        assert_eq!(
            required,
            json!({"name": "string", "address": {"country": required["address"]["country"]}, "ids": ["string"]})
        );
        // As the server would see it, with the member only it sends.
        let answered = |value: &Value| {
            let mut value = value.clone();
            value["id"] = json!("x");
            schemas.conforms(&account, &value)
        };
        assert!(answered(&required), "{required}");
        let all = values.of(&account, Members::All);
        assert!(answered(&all), "{all}");
        assert!(all.get("created").is_none(), "read-only members are not sent: {all}");
        assert!(all.get("id").is_none(), "not even required ones: {all}");
        assert_eq!(all["limit"], json!(12));
        assert_eq!(all["labels"], json!({"key1": "string"}));
        assert_eq!(all["address"]["street"], json!("string"));
        let rules = values.of(&at("#/components/schemas/Rules"), Members::All);
        assert_eq!(rules, json!({"inbound": ["string"]}), "a member two parts describe is made of both");
    }

    #[test]
    fn alternatives_that_conform_are_chosen_with_their_tag() {
        let schemas = Schemas::from_yaml(SPEC);
        let values = Values::new(&schemas);
        let pet = values.of(&at("#/components/schemas/Pet"), Members::All);
        assert_eq!(pet, json!({"kind": "Cat", "lives": 1}));
        let shape = at("#/components/schemas/Shape");
        let value = values.of(&shape, Members::All);
        assert!(schemas.conforms(&shape, &value), "{value}");
    }

    #[test]
    fn patterns_are_matched_in_printable_ascii_within_the_lengths() {
        let pattern = r"^[-\w\._\(\)]+[^\.]$";
        let text = matching(pattern, None, Some(7)).expect("a match");
        assert!(matches(pattern, None, Some(7), &text) && text.is_ascii(), "{text}");
        assert_eq!(matching(pattern, None, None), matching(pattern, None, None), "the same every time");
        let lookahead = r"^[a-zA-Z]((?!--|__|..)[a-zA-Z0-9-_.])+$";
        let text = matching(lookahead, None, None).expect("a match of a pattern with a look-ahead");
        assert!(matches(lookahead, None, None, &text), "{text}");
        assert_eq!(without_lookarounds(r"a(?=b(c))[(?=]d(?<!e)"), "a[(?=]d");
        assert_eq!(matching("(?=a)b", None, None), None, "nothing matches");
    }

    #[test]
    fn strings_meet_their_format_and_length() {
        assert_eq!(string("email", None, None), "user@example.com");
        assert_eq!(string("", Some(8), None), "stringxx");
        assert_eq!(string("", None, Some(3)), "str");
        assert_eq!(string("date-time", None, Some(3)), "2024-01-02T03:04:05Z", "a format wins over a length");
    }
}
