//! The shape of an inline schema: what two inline schemas share when they are one type (two
//! `direction` parameters with the same values and different descriptions are one enum).
//! It is everything in the schema and the schemas inside it but what only documents them
//! (descriptions, examples, defaults, external docs, extensions). Members named like those
//! keywords (a property called `description`) and values (an `enum` of objects) are part of it.
//!
//! A shape is kept as a 128-bit digest (XXH3): two digests of different shapes agree with a
//! chance of about 2^-128 for each pair, far below anything a spec's few thousand inline
//! schemas could meet. A schema's digest covers its own keywords and the digests of the
//! schemas inside it, so each schema of the document is digested once ([`Shapes`]): inline
//! schemas nest (an object's property is an object), and digesting each one's whole tree
//! again would walk the deepest of them once for every level above them.

use std::borrow::Borrow;
use std::hash::{Hash, Hasher};

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};
use rustc_hash::FxHashMap;
use serde_json::Value;
use xxhash_rust::xxh3::{xxh3_128, xxh3_64};

/// The digest of a schema's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shape(u128);

/// The shapes of the schemas of a typed document, taken before they are asked for.
#[derive(Default)]
pub struct Shapes<'d> {
    /// Keyed by each schema's address: the schemas are borrowed for as long as this lives,
    /// so an address kept here is that schema's and no other's. A schema not kept (one read
    /// from elsewhere in the raw document for a `$ref`) is digested when asked for.
    known: FxHashMap<usize, Shape>,
    schemas: std::marker::PhantomData<&'d Schema>,
}

/// Component schemas digested in one task, at least (most are small).
const SCHEMAS_A_TASK: usize = 32;

impl<'d> Shapes<'d> {
    /// The shapes of `schemas` and of every schema inside them, digested on all cores.
    pub fn of(schemas: &[&'d Schema]) -> Self {
        use rayon::prelude::*;
        let parts: Vec<Vec<(usize, Shape)>> = schemas
            .par_iter()
            .with_min_len(SCHEMAS_A_TASK)
            .fold(Vec::new, |taken, schema| {
                let mut digester = Digester { known: None, taken };
                digester.schema(schema, &mut Bytes::default());
                digester.taken
            })
            .collect();
        let mut known = FxHashMap::default();
        known.reserve(parts.iter().map(Vec::len).sum());
        known.extend(parts.into_iter().flatten());
        Self { known, schemas: std::marker::PhantomData }
    }

    /// The shape of `schema`.
    pub fn shape(&self, schema: &Schema) -> Shape {
        Digester { known: Some(&self.known), taken: Vec::new() }.schema(schema, &mut Bytes::default())
    }
}

/// The shape of `schema`, digested whole.
#[cfg(test)]
pub fn shape(schema: &Schema) -> Shape {
    Shapes::default().shape(schema)
}

fn address(schema: &Schema) -> usize {
    schema as *const Schema as usize
}

/// Digests schemas, each after the schemas inside it.
struct Digester<'k> {
    /// Digests taken before, looked up first.
    known: Option<&'k FxHashMap<usize, Shape>>,
    /// Each schema digested here, with its address.
    taken: Vec<(usize, Shape)>,
}

impl Digester<'_> {
    /// The shape of `schema`, its bytes written after `h`'s and taken away again.
    fn schema(&mut self, schema: &Schema, h: &mut Bytes) -> Shape {
        if let Some(&known) = self.known.and_then(|known| known.get(&address(schema))) {
            return known;
        }
        let start = h.0.len();
        self.write_schema(schema, h);
        let shape = Shape(xxh3_128(&h.0[start..]));
        h.0.truncate(start);
        // Most schemas have none inside them (a string, a number): their bytes are written
        // into their parent's, and one asked for alone is digested again, which costs less
        // than keeping them all.
        if has_inner(schema) {
            self.taken.push((address(schema), shape));
        }
        shape
    }

    /// Each part is written after a tag of its own, and each list after its length, so that
    /// different shapes are different byte streams.
    fn write_schema(&mut self, schema: &Schema, h: &mut Bytes) {
        let data = &schema.schema_data;
        (data.nullable, data.read_only, data.write_only, data.deprecated, &data.title).hash(h);
        match &data.discriminator {
            Some(discriminator) => {
                h.write_u8(1);
                discriminator.property_name.hash(h);
                h.write_usize(discriminator.mapping.len());
                discriminator.mapping.iter().for_each(|entry| entry.hash(h));
            }
            None => h.write_u8(0),
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                h.write_u8(10);
                write_format(&string.format, h);
                (&string.pattern, &string.enumeration, string.min_length, string.max_length).hash(h);
            }
            SchemaKind::Type(Type::Number(number)) => {
                h.write_u8(11);
                write_format(&number.format, h);
                let bits = |n: Option<f64>| n.map(f64::to_bits);
                (bits(number.multiple_of), number.exclusive_minimum, number.exclusive_maximum).hash(h);
                (bits(number.minimum), bits(number.maximum)).hash(h);
                h.write_usize(number.enumeration.len());
                number.enumeration.iter().for_each(|value| bits(*value).hash(h));
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                h.write_u8(12);
                write_format(&integer.format, h);
                (integer.multiple_of, integer.exclusive_minimum, integer.exclusive_maximum).hash(h);
                (integer.minimum, integer.maximum, &integer.enumeration).hash(h);
            }
            SchemaKind::Type(Type::Boolean(boolean)) => {
                h.write_u8(13);
                boolean.enumeration.hash(h);
            }
            SchemaKind::Type(Type::Object(object)) => {
                h.write_u8(14);
                self.write_properties(&object.properties, h);
                object.required.hash(h);
                self.write_additional(&object.additional_properties, h);
                (object.min_properties, object.max_properties).hash(h);
            }
            SchemaKind::Type(Type::Array(array)) => {
                h.write_u8(15);
                self.write_optional(array.items.as_ref(), h);
                (array.min_items, array.max_items, array.unique_items).hash(h);
            }
            SchemaKind::OneOf { one_of } => self.write_members(16, one_of, h),
            SchemaKind::AllOf { all_of } => self.write_members(17, all_of, h),
            SchemaKind::AnyOf { any_of } => self.write_members(18, any_of, h),
            SchemaKind::Not { not } => {
                h.write_u8(19);
                self.write_node(not, h);
            }
            SchemaKind::Any(any) => {
                h.write_u8(20);
                let bits = |n: Option<f64>| n.map(f64::to_bits);
                (&any.typ, &any.pattern, bits(any.multiple_of), any.exclusive_minimum, any.exclusive_maximum)
                    .hash(h);
                (bits(any.minimum), bits(any.maximum)).hash(h);
                self.write_properties(&any.properties, h);
                any.required.hash(h);
                self.write_additional(&any.additional_properties, h);
                (any.min_properties, any.max_properties).hash(h);
                self.write_optional(any.items.as_ref(), h);
                (any.min_items, any.max_items, any.unique_items).hash(h);
                h.write_usize(any.enumeration.len());
                any.enumeration.iter().for_each(|value| write_value(value, h));
                (&any.format, any.min_length, any.max_length).hash(h);
                self.write_members(21, &any.one_of, h);
                self.write_members(22, &any.all_of, h);
                self.write_members(23, &any.any_of, h);
                self.write_optional(any.not.as_deref(), h);
            }
        }
    }

    /// A schema or a `$ref` (held as is or boxed: the same to the shape).
    fn write_node<S: Borrow<Schema>>(&mut self, node: &ReferenceOr<S>, h: &mut Bytes) {
        match node {
            ReferenceOr::Reference { reference } => {
                h.write_u8(1);
                reference.hash(h);
            }
            ReferenceOr::Item(schema) if has_inner(schema.borrow()) => {
                let inner = self.schema(schema.borrow(), h);
                h.write_u8(2);
                h.write_u128(inner.0);
            }
            ReferenceOr::Item(schema) => {
                h.write_u8(3);
                self.write_schema(schema.borrow(), h);
            }
        }
    }

    fn write_optional<S: Borrow<Schema>>(&mut self, node: Option<&ReferenceOr<S>>, h: &mut Bytes) {
        match node {
            Some(node) => self.write_node(node, h),
            None => h.write_u8(0),
        }
    }

    fn write_members(&mut self, tag: u8, members: &[ReferenceOr<Schema>], h: &mut Bytes) {
        h.write_u8(tag);
        h.write_usize(members.len());
        members.iter().for_each(|member| self.write_node(member, h));
    }

    fn write_properties(
        &mut self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        h: &mut Bytes,
    ) {
        h.write_usize(properties.len());
        for (name, node) in properties {
            name.hash(h);
            self.write_node(node, h);
        }
    }

    fn write_additional(&mut self, additional: &Option<AdditionalProperties>, h: &mut Bytes) {
        match additional {
            None => h.write_u8(0),
            Some(AdditionalProperties::Any(any)) => {
                h.write_u8(1);
                any.hash(h);
            }
            Some(AdditionalProperties::Schema(schema)) => {
                h.write_u8(2);
                self.write_node(schema, h);
            }
        }
    }
}

/// The bytes of a shape. A schema's bytes are digested at once (XXH3 is fastest on a whole
/// slice), and where the schema is inside another, they give way to the digest.
#[derive(Default)]
struct Bytes(Vec<u8>);

impl Hasher for Bytes {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn finish(&self) -> u64 {
        xxh3_64(&self.0)
    }
}

/// Whether a schema has schemas inside it (not `$ref`s: those are written as they read).
fn has_inner(schema: &Schema) -> bool {
    fn item<S>(node: &ReferenceOr<S>) -> bool {
        matches!(node, ReferenceOr::Item(_))
    }
    fn any_item<'n, S: 'n>(mut nodes: impl Iterator<Item = &'n ReferenceOr<S>>) -> bool {
        nodes.any(item)
    }
    let additional = |additional: &Option<AdditionalProperties>| matches!(additional, Some(AdditionalProperties::Schema(node)) if item(node));
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            any_item(object.properties.values()) || additional(&object.additional_properties)
        }
        SchemaKind::Type(Type::Array(array)) => array.items.as_ref().is_some_and(item),
        SchemaKind::Type(_) => false,
        SchemaKind::OneOf { one_of: members }
        | SchemaKind::AllOf { all_of: members }
        | SchemaKind::AnyOf { any_of: members } => any_item(members.iter()),
        SchemaKind::Not { not } => item(not),
        SchemaKind::Any(any) => {
            any_item(any.properties.values())
                || additional(&any.additional_properties)
                || any.items.as_ref().is_some_and(item)
                || any_item(any.one_of.iter().chain(&any.all_of).chain(&any.any_of))
                || any.not.as_deref().is_some_and(item)
        }
    }
}

fn write_format<T: Copy>(format: &VariantOrUnknownOrEmpty<T>, h: &mut Bytes) {
    match format {
        VariantOrUnknownOrEmpty::Item(known) => {
            h.write_u8(1);
            std::mem::discriminant(known).hash(h);
        }
        VariantOrUnknownOrEmpty::Unknown(name) => {
            h.write_u8(2);
            name.hash(h);
        }
        VariantOrUnknownOrEmpty::Empty => h.write_u8(0),
    }
}

/// A value (of an `enum`), written whole.
fn write_value(value: &Value, h: &mut Bytes) {
    match value {
        Value::Null => h.write_u8(0),
        Value::Bool(flag) => {
            h.write_u8(1);
            flag.hash(h);
        }
        Value::Number(number) => {
            h.write_u8(2);
            match (number.as_u64(), number.as_i64()) {
                (Some(n), _) => (0u8, n).hash(h),
                (None, Some(n)) => (1u8, n).hash(h),
                (None, None) => (2u8, number.as_f64().map(f64::to_bits)).hash(h),
            }
        }
        Value::String(text) => {
            h.write_u8(3);
            text.hash(h);
        }
        Value::Array(items) => {
            h.write_u8(4);
            h.write_usize(items.len());
            items.iter().for_each(|item| write_value(item, h));
        }
        Value::Object(members) => {
            h.write_u8(5);
            h.write_usize(members.len());
            for (name, member) in members {
                name.hash(h);
                write_value(member, h);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(json: &str) -> Schema {
        serde_json::from_str(json).expect("a schema")
    }

    #[test]
    fn shapes_ignore_what_documents_them_but_not_members_named_so() {
        let plain = schema(r#"{"type": "object", "properties": {"name": {"type": "string"}}}"#);
        let documented = schema(
            r#"{"type": "object", "description": "A thing.", "example": {}, "properties": {"name": {"type": "string", "description": "Its name.", "default": "a", "x-note": 1}}}"#,
        );
        assert_eq!(shape(&plain), shape(&documented));
        let described = schema(
            r#"{"type": "object", "properties": {"name": {"type": "string"}, "description": {"type": "string"}}}"#,
        );
        assert_ne!(shape(&plain), shape(&described));
        let a = schema(r#"{"enum": [{"description": "a"}]}"#);
        let b = schema(r#"{"enum": [{"description": "b"}]}"#);
        assert_ne!(shape(&a), shape(&b));
    }

    /// The schemas inside `schema` (itself first), as the lowering meets them.
    fn inner(schema: &Schema) -> Vec<&Schema> {
        let mut found = vec![schema];
        fn items(node: &ReferenceOr<Box<Schema>>) -> Option<&Schema> {
            node.as_item().map(|boxed| &**boxed)
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                object.properties.values().filter_map(items).for_each(|s| found.extend(inner(s)));
            }
            SchemaKind::Type(Type::Array(array)) => {
                array.items.as_ref().and_then(items).into_iter().for_each(|s| found.extend(inner(s)));
            }
            SchemaKind::OneOf { one_of: members } => {
                members.iter().filter_map(ReferenceOr::as_item).for_each(|s| found.extend(inner(s)));
            }
            _ => {}
        }
        found
    }

    #[test]
    fn shapes_taken_ahead_are_the_shapes_taken_when_asked() {
        let schemas = [
            schema(
                r#"{"type": "object", "properties": {"a": {"type": "object", "properties": {"b": {"type": "array", "items": {"type": "object", "properties": {"c": {"type": "string"}}}}}}}}"#,
            ),
            schema(
                r#"{"oneOf": [{"type": "object", "properties": {"d": {"type": "integer"}}}, {"type": "string", "enum": ["e"]}]}"#,
            ),
        ];
        let shapes = Shapes::of(&schemas.iter().collect::<Vec<_>>());
        // Each schema with schemas inside it is kept: the outer ones, `a`, `b`, its items,
        // and the first member.
        assert_eq!(shapes.known.len(), 6);
        for schema in schemas.iter().flat_map(inner) {
            assert_eq!(shapes.shape(schema), shape(schema));
        }
        let distinct: std::collections::HashSet<Shape> =
            schemas.iter().flat_map(inner).map(|schema| shapes.shape(schema)).collect();
        assert_eq!(distinct.len(), 9);
    }

    #[test]
    fn shapes_deep_inside_count() {
        let deep = |leaf: &str, doc: &str| {
            schema(&format!(
                r#"{{"type": "object", "properties": {{"a": {{"type": "object", {doc} "properties": {{"b": {{"type": "array", "items": {leaf}}}}}}}}}}}"#
            ))
        };
        let string = deep(r#"{"type": "string"}"#, "");
        assert_eq!(
            shape(&string),
            shape(&deep(r#"{"type": "string", "description": "B."}"#, r#""title": null,"#))
        );
        assert_ne!(shape(&string), shape(&deep(r#"{"type": "integer"}"#, "")));
        assert_ne!(
            shape(&string),
            shape(&deep(r#"{"type": "object", "properties": {"c": {"type": "string"}}}"#, ""))
        );
        assert_ne!(
            shape(&deep(r#"{"type": "object", "properties": {"c": {"type": "string"}}}"#, "")),
            shape(&deep(r#"{"type": "object", "properties": {"c": {"type": "boolean"}}}"#, "")),
        );
    }

    #[test]
    fn every_keyword_that_constrains_is_part_of_the_shape() {
        let shapes = [
            r#"{"type": "string"}"#,
            r#"{"type": "string", "format": "date"}"#,
            r#"{"type": "string", "format": "day"}"#,
            r#"{"type": "string", "enum": ["a"]}"#,
            r#"{"type": "string", "enum": ["b"]}"#,
            r#"{"type": "string", "nullable": true}"#,
            r#"{"type": "string", "title": "T"}"#,
            r#"{"type": "integer"}"#,
            r#"{"type": "integer", "minimum": 1}"#,
            r#"{"type": "number", "minimum": 1}"#,
            r#"{"type": "object"}"#,
            r#"{"type": "object", "required": ["a"]}"#,
            r#"{"type": "object", "additionalProperties": false}"#,
            r#"{"type": "object", "additionalProperties": {"type": "string"}}"#,
            r##"{"type": "object", "properties": {"a": {"$ref": "#/a"}}}"##,
            r##"{"type": "object", "properties": {"a": {"$ref": "#/b"}}}"##,
            r#"{"type": "array", "items": {"type": "string"}}"#,
            r#"{"type": "array", "items": {"type": "integer"}}"#,
            r#"{"oneOf": [{"type": "string"}]}"#,
            r#"{"anyOf": [{"type": "string"}]}"#,
            r#"{"allOf": [{"type": "string"}]}"#,
            r#"{"not": {"type": "string"}}"#,
            r#"{"enum": [1, "a"]}"#,
            r#"{"enum": ["a", 1]}"#,
            r#"{"oneOf": [{"type": "string"}], "discriminator": {"propertyName": "k"}}"#,
        ];
        let digests: Vec<Shape> = shapes.iter().map(|text| shape(&schema(text))).collect();
        for (i, a) in digests.iter().enumerate() {
            for (j, b) in digests.iter().enumerate().skip(i + 1) {
                assert_ne!(a, b, "{} and {}", shapes[i], shapes[j]);
            }
        }
    }
}
