//! The shape of an inline schema: what two inline schemas share when they are one type (two
//! `direction` parameters with the same values and different descriptions are one enum).
//! It is everything in the schema and the schemas inside it but what only documents them
//! (descriptions, examples, defaults, external docs, extensions). Members named like those
//! keywords (a property called `description`) and values (an `enum` of objects) are part of it.
//!
//! A shape is kept as a 128-bit digest (XXH3), taken in one walk without copying the schema:
//! two digests of different shapes agree with a chance of about 2^-128 for each pair, far
//! below anything a spec's few thousand inline schemas could meet.

use std::borrow::Borrow;
use std::hash::{Hash, Hasher};

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};
use serde_json::Value;
use xxhash_rust::xxh3::Xxh3 as Digest;

/// The digest of a schema's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shape(u128);

/// The shape of `schema`.
pub fn shape(schema: &Schema) -> Shape {
    let mut digest = Digest::new();
    write_schema(schema, &mut digest);
    Shape(digest.digest128())
}

/// Each part is written after a tag of its own, and each list after its length, so that
/// different shapes are different byte streams.
fn write_schema(schema: &Schema, h: &mut Digest) {
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
            write_properties(&object.properties, h);
            object.required.hash(h);
            write_additional(&object.additional_properties, h);
            (object.min_properties, object.max_properties).hash(h);
        }
        SchemaKind::Type(Type::Array(array)) => {
            h.write_u8(15);
            write_optional(array.items.as_ref(), h);
            (array.min_items, array.max_items, array.unique_items).hash(h);
        }
        SchemaKind::OneOf { one_of } => write_members(16, one_of, h),
        SchemaKind::AllOf { all_of } => write_members(17, all_of, h),
        SchemaKind::AnyOf { any_of } => write_members(18, any_of, h),
        SchemaKind::Not { not } => {
            h.write_u8(19);
            write_node(not, h);
        }
        SchemaKind::Any(any) => {
            h.write_u8(20);
            let bits = |n: Option<f64>| n.map(f64::to_bits);
            (&any.typ, &any.pattern, bits(any.multiple_of), any.exclusive_minimum, any.exclusive_maximum)
                .hash(h);
            (bits(any.minimum), bits(any.maximum)).hash(h);
            write_properties(&any.properties, h);
            any.required.hash(h);
            write_additional(&any.additional_properties, h);
            (any.min_properties, any.max_properties).hash(h);
            write_optional(any.items.as_ref(), h);
            (any.min_items, any.max_items, any.unique_items).hash(h);
            h.write_usize(any.enumeration.len());
            any.enumeration.iter().for_each(|value| write_value(value, h));
            (&any.format, any.min_length, any.max_length).hash(h);
            write_members(21, &any.one_of, h);
            write_members(22, &any.all_of, h);
            write_members(23, &any.any_of, h);
            write_optional(any.not.as_deref(), h);
        }
    }
}

fn write_format<T: Copy>(format: &VariantOrUnknownOrEmpty<T>, h: &mut Digest) {
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

/// A schema or a `$ref` (held as is or boxed: the same to the shape).
fn write_node<S: Borrow<Schema>>(node: &ReferenceOr<S>, h: &mut Digest) {
    match node {
        ReferenceOr::Reference { reference } => {
            h.write_u8(1);
            reference.hash(h);
        }
        ReferenceOr::Item(schema) => {
            h.write_u8(2);
            write_schema(schema.borrow(), h);
        }
    }
}

fn write_optional<S: Borrow<Schema>>(node: Option<&ReferenceOr<S>>, h: &mut Digest) {
    match node {
        Some(node) => write_node(node, h),
        None => h.write_u8(0),
    }
}

fn write_members(tag: u8, members: &[ReferenceOr<Schema>], h: &mut Digest) {
    h.write_u8(tag);
    h.write_usize(members.len());
    members.iter().for_each(|member| write_node(member, h));
}

fn write_properties(properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>, h: &mut Digest) {
    h.write_usize(properties.len());
    for (name, node) in properties {
        name.hash(h);
        write_node(node, h);
    }
}

fn write_additional(additional: &Option<AdditionalProperties>, h: &mut Digest) {
    match additional {
        None => h.write_u8(0),
        Some(AdditionalProperties::Any(any)) => {
            h.write_u8(1);
            any.hash(h);
        }
        Some(AdditionalProperties::Schema(schema)) => {
            h.write_u8(2);
            write_node(schema, h);
        }
    }
}

/// A value (of an `enum`), written whole.
fn write_value(value: &Value, h: &mut Digest) {
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
