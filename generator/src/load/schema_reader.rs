//! Schemas typed straight from the tree, as `openapiv3`'s own reader types them.
//!
//! Its reader goes through serde's buffer for flattened and untagged types at every level of
//! nesting (a schema is both), copying each subtree once per level it sits under: on large
//! specs, typing the component schemas took longer than parsing the whole file. This reads a
//! schema in one pass and gives the same value; a node in any form it does not read (a
//! keyword of the wrong kind, a schema that is not an object) makes it give `None`, and the
//! crate's reader then reads that node, with its error where it has one.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, ArrayType, BooleanType, IntegerType, NumberType, ObjectType,
    ReferenceOr, Schema, SchemaData, SchemaKind, StringType, Type,
};
use serde_json::{Map, Number, Value};

/// A schema or a `$ref` to one, as `ReferenceOr::<Schema>::deserialize` reads it.
pub fn schema_or_reference(value: &Value) -> Option<ReferenceOr<Schema>> {
    reference_or(value, schema)
}

fn boxed_or_reference(value: &Value) -> Option<ReferenceOr<Box<Schema>>> {
    reference_or(value, |map| schema(map).map(Box::new))
}

/// A `$ref` (a string `$ref` member: its siblings are ignored), or the object read with
/// `read`; `None` for anything but an object, as for any `ReferenceOr` the typed reader reads.
pub(super) fn reference_or<T>(
    value: &Value,
    read: fn(&Map<String, Value>) -> Option<T>,
) -> Option<ReferenceOr<T>> {
    let map = value.as_object()?;
    match super::member_of(map, "$ref") {
        Some(Value::String(reference)) => Some(ReferenceOr::Reference { reference: reference.clone() }),
        _ => Some(ReferenceOr::Item(read(map)?)),
    }
}

/// The keywords a schema object may hold, each as written.
#[derive(Default)]
struct Keywords<'v> {
    nullable: Option<&'v Value>,
    read_only: Option<&'v Value>,
    write_only: Option<&'v Value>,
    deprecated: Option<&'v Value>,
    external_docs: Option<&'v Value>,
    example: Option<&'v Value>,
    title: Option<&'v Value>,
    description: Option<&'v Value>,
    discriminator: Option<&'v Value>,
    default: Option<&'v Value>,
    typ: Option<&'v Value>,
    pattern: Option<&'v Value>,
    multiple_of: Option<&'v Value>,
    exclusive_minimum: Option<&'v Value>,
    exclusive_maximum: Option<&'v Value>,
    minimum: Option<&'v Value>,
    maximum: Option<&'v Value>,
    properties: Option<&'v Value>,
    required: Option<&'v Value>,
    additional_properties: Option<&'v Value>,
    min_properties: Option<&'v Value>,
    max_properties: Option<&'v Value>,
    items: Option<&'v Value>,
    min_items: Option<&'v Value>,
    max_items: Option<&'v Value>,
    unique_items: Option<&'v Value>,
    enumeration: Option<&'v Value>,
    format: Option<&'v Value>,
    min_length: Option<&'v Value>,
    max_length: Option<&'v Value>,
    one_of: Option<&'v Value>,
    all_of: Option<&'v Value>,
    any_of: Option<&'v Value>,
    not: Option<&'v Value>,
}

impl<'v> Keywords<'v> {
    fn of(map: &'v Map<String, Value>) -> (Self, IndexMap<String, Value>) {
        let mut k = Keywords::default();
        let mut extensions = IndexMap::new();
        for (key, value) in map {
            let slot = match key.as_str() {
                "nullable" => &mut k.nullable,
                "readOnly" => &mut k.read_only,
                "writeOnly" => &mut k.write_only,
                "deprecated" => &mut k.deprecated,
                "externalDocs" => &mut k.external_docs,
                "example" => &mut k.example,
                "title" => &mut k.title,
                "description" => &mut k.description,
                "discriminator" => &mut k.discriminator,
                "default" => &mut k.default,
                "type" => &mut k.typ,
                "pattern" => &mut k.pattern,
                "multipleOf" => &mut k.multiple_of,
                "exclusiveMinimum" => &mut k.exclusive_minimum,
                "exclusiveMaximum" => &mut k.exclusive_maximum,
                "minimum" => &mut k.minimum,
                "maximum" => &mut k.maximum,
                "properties" => &mut k.properties,
                "required" => &mut k.required,
                "additionalProperties" => &mut k.additional_properties,
                "minProperties" => &mut k.min_properties,
                "maxProperties" => &mut k.max_properties,
                "items" => &mut k.items,
                "minItems" => &mut k.min_items,
                "maxItems" => &mut k.max_items,
                "uniqueItems" => &mut k.unique_items,
                "enum" => &mut k.enumeration,
                "format" => &mut k.format,
                "minLength" => &mut k.min_length,
                "maxLength" => &mut k.max_length,
                "oneOf" => &mut k.one_of,
                "allOf" => &mut k.all_of,
                "anyOf" => &mut k.any_of,
                "not" => &mut k.not,
                extension if extension.starts_with("x-") => {
                    extensions.insert(key.clone(), value.clone());
                    continue;
                }
                _ => continue,
            };
            *slot = Some(value);
        }
        (k, extensions)
    }
}

/// The readers of a keyword give `Some(None)` where it is absent or `null` (which the typed
/// reader reads alike, for an optional keyword) and `None` where it is of the wrong kind.
pub(super) fn string(value: Option<&Value>) -> Option<Option<String>> {
    optional(value, |value| value.as_str().map(str::to_owned))
}

pub(super) fn flag(value: Option<&Value>) -> Option<Option<bool>> {
    optional(value, Value::as_bool)
}

/// A flag that is `false` when absent, and must not be `null`.
pub(super) fn set(value: Option<&Value>) -> Option<bool> {
    match value {
        None => Some(false),
        Some(value) => value.as_bool(),
    }
}

fn count(value: Option<&Value>) -> Option<Option<usize>> {
    optional(value, |value| usize::try_from(value.as_u64()?).ok())
}

fn number(value: Option<&Value>) -> Option<Option<&Number>> {
    optional(value, |value| match value {
        Value::Number(number) => Some(number),
        _ => None,
    })
}

fn list(value: Option<&Value>) -> Option<Option<&Vec<Value>>> {
    optional(value, Value::as_array)
}

/// A free JSON value (an `example`, a `default`, an example's `value`): absent where `null`,
/// as the typed reader reads an `Option<Value>`.
pub(super) fn data(value: Option<&Value>) -> Option<Value> {
    value.filter(|value| !value.is_null()).cloned()
}

/// Reads a present, non-`null` keyword with `read`.
pub(super) fn optional<'v, T>(
    value: Option<&'v Value>,
    read: impl FnOnce(&'v Value) -> Option<T>,
) -> Option<Option<T>> {
    match value {
        None | Some(Value::Null) => Some(None),
        Some(value) => read(value).map(Some),
    }
}

fn members(value: Option<&Value>) -> Option<Option<Vec<ReferenceOr<Schema>>>> {
    optional(value, |value| value.as_array()?.iter().map(schema_or_reference).collect())
}

pub(super) fn typed<T: serde::de::DeserializeOwned>(value: Option<&Value>) -> Option<Option<T>> {
    optional(value, |value| T::deserialize(value).ok())
}

fn schema(map: &Map<String, Value>) -> Option<Schema> {
    let (k, extensions) = Keywords::of(map);
    let schema_data = SchemaData {
        nullable: set(k.nullable)?,
        read_only: set(k.read_only)?,
        write_only: set(k.write_only)?,
        deprecated: set(k.deprecated)?,
        external_docs: typed(k.external_docs)?,
        example: data(k.example),
        title: string(k.title)?,
        description: string(k.description)?,
        discriminator: typed(k.discriminator)?,
        default: data(k.default),
        extensions,
    };
    Some(Schema { schema_data, schema_kind: kind(&k)? })
}

/// The schema's kind, by the typed reader's rule: a `type` with only the keywords of that
/// type, or a lone `oneOf`, `allOf`, `anyOf` or `not`, or else any schema.
fn kind(k: &Keywords<'_>) -> Option<SchemaKind> {
    let typ = string(k.typ)?;
    let pattern = string(k.pattern)?;
    let multiple_of = number(k.multiple_of)?;
    let (exclusive_minimum, exclusive_maximum) = (flag(k.exclusive_minimum)?, flag(k.exclusive_maximum)?);
    let (minimum, maximum) = (number(k.minimum)?, number(k.maximum)?);
    let properties = optional(k.properties, |properties| {
        let properties = properties.as_object()?.iter();
        properties
            .map(|(name, node)| Some((name.clone(), boxed_or_reference(node)?)))
            .collect::<Option<IndexMap<_, _>>>()
    })?;
    let required = match list(k.required)? {
        None => None,
        Some(names) => {
            Some(names.iter().map(|name| name.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>()?)
        }
    };
    let additional_properties = optional(k.additional_properties, |node| match node {
        Value::Bool(any) => Some(AdditionalProperties::Any(*any)),
        node => Some(AdditionalProperties::Schema(Box::new(schema_or_reference(node)?))),
    })?;
    let (min_properties, max_properties) = (count(k.min_properties)?, count(k.max_properties)?);
    let items = optional(k.items, boxed_or_reference)?;
    let (min_items, max_items) = (count(k.min_items)?, count(k.max_items)?);
    let unique_items = flag(k.unique_items)?;
    let enumeration = list(k.enumeration)?;
    let format = string(k.format)?;
    let (min_length, max_length) = (count(k.min_length)?, count(k.max_length)?);
    let (one_of, all_of, any_of) = (members(k.one_of)?, members(k.all_of)?, members(k.any_of)?);
    let not = optional(k.not, |node| schema_or_reference(node).map(Box::new))?;

    let numeric = multiple_of.is_none()
        && exclusive_minimum.is_none()
        && exclusive_maximum.is_none()
        && minimum.is_none()
        && maximum.is_none();
    let object = properties.is_none()
        && required.is_none()
        && additional_properties.is_none()
        && min_properties.is_none()
        && max_properties.is_none();
    let array = items.is_none() && min_items.is_none() && max_items.is_none() && unique_items.is_none();
    let text = min_length.is_none() && max_length.is_none();
    let values_are = |fits: fn(&Value) -> bool| {
        enumeration.is_none_or(|values| values.iter().all(|v| v.is_null() || fits(v)))
    };
    let lone = typ.is_none()
        && pattern.is_none()
        && numeric
        && object
        && array
        && enumeration.is_none()
        && format.is_none()
        && text;
    let (one_of, all_of, any_of, not) = match (one_of, all_of, any_of, not) {
        (Some(one_of), None, None, None) if lone => return Some(SchemaKind::OneOf { one_of }),
        (None, Some(all_of), None, None) if lone => return Some(SchemaKind::AllOf { all_of }),
        (None, None, Some(any_of), None) if lone => return Some(SchemaKind::AnyOf { any_of }),
        (None, None, None, Some(not)) if lone => return Some(SchemaKind::Not { not }),
        composition => composition,
    };
    let composed = one_of.is_none() && all_of.is_none() && any_of.is_none() && not.is_none();
    match typ.as_deref() {
        Some("string") if numeric && object && array && composed && values_are(Value::is_string) => {
            return Some(SchemaKind::Type(Type::String(StringType {
                format: format.into(),
                pattern,
                enumeration: transform(enumeration, |v| v.as_str().map(str::to_owned))?,
                min_length,
                max_length,
            })));
        }
        Some("number")
            if pattern.is_none() && object && array && text && composed && values_are(Value::is_number) =>
        {
            return Some(SchemaKind::Type(Type::Number(NumberType {
                format: format.into(),
                multiple_of: multiple_of.and_then(Number::as_f64),
                exclusive_minimum: exclusive_minimum.unwrap_or_default(),
                exclusive_maximum: exclusive_maximum.unwrap_or_default(),
                minimum: minimum.and_then(Number::as_f64),
                maximum: maximum.and_then(Number::as_f64),
                enumeration: transform(enumeration, Value::as_f64)?,
            })));
        }
        Some("integer")
            if pattern.is_none()
                && object
                && array
                && text
                && composed
                && values_are(Value::is_i64)
                && [multiple_of, minimum, maximum].iter().all(|n| n.is_none_or(Number::is_i64)) =>
        {
            return Some(SchemaKind::Type(Type::Integer(IntegerType {
                format: format.into(),
                multiple_of: multiple_of.and_then(Number::as_i64),
                exclusive_minimum: exclusive_minimum.unwrap_or_default(),
                exclusive_maximum: exclusive_maximum.unwrap_or_default(),
                minimum: minimum.and_then(Number::as_i64),
                maximum: maximum.and_then(Number::as_i64),
                enumeration: transform(enumeration, Value::as_i64)?,
            })));
        }
        Some("boolean")
            if pattern.is_none()
                && numeric
                && object
                && array
                && format.is_none()
                && text
                && composed
                && values_are(Value::is_boolean) =>
        {
            return Some(SchemaKind::Type(Type::Boolean(BooleanType {
                enumeration: transform(enumeration, Value::as_bool)?,
            })));
        }
        Some("object")
            if pattern.is_none()
                && numeric
                && array
                && enumeration.is_none()
                && format.is_none()
                && text
                && composed =>
        {
            return Some(SchemaKind::Type(Type::Object(ObjectType {
                properties: properties.unwrap_or_default(),
                required: required.unwrap_or_default(),
                additional_properties,
                min_properties,
                max_properties,
            })));
        }
        Some("array")
            if pattern.is_none()
                && numeric
                && object
                && enumeration.is_none()
                && format.is_none()
                && text
                && composed =>
        {
            return Some(SchemaKind::Type(Type::Array(ArrayType {
                items,
                min_items,
                max_items,
                unique_items: unique_items.unwrap_or_default(),
            })));
        }
        _ => {}
    }
    Some(SchemaKind::Any(AnySchema {
        typ,
        pattern,
        multiple_of: multiple_of.and_then(Number::as_f64),
        exclusive_minimum,
        exclusive_maximum,
        minimum: minimum.and_then(Number::as_f64),
        maximum: maximum.and_then(Number::as_f64),
        properties: properties.unwrap_or_default(),
        required: required.unwrap_or_default(),
        additional_properties,
        min_properties,
        max_properties,
        items,
        min_items,
        max_items,
        unique_items,
        enumeration: enumeration.cloned().unwrap_or_default(),
        format,
        min_length,
        max_length,
        one_of: one_of.unwrap_or_default(),
        all_of: all_of.unwrap_or_default(),
        any_of: any_of.unwrap_or_default(),
        not,
    }))
}

/// An `enum`'s values read as one type, `null` as `None` (the values are checked first).
fn transform<T>(enumeration: Option<&Vec<Value>>, read: fn(&Value) -> Option<T>) -> Option<Vec<Option<T>>> {
    match enumeration {
        None => Some(Vec::new()),
        Some(values) => {
            values.iter().map(|v| if v.is_null() { Some(None) } else { read(v).map(Some) }).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the crate's own reader makes of a node.
    fn derived(value: &Value) -> Option<ReferenceOr<Schema>> {
        use serde::Deserialize as _;
        ReferenceOr::<Schema>::deserialize(value).ok()
    }

    /// Nodes of each form the typed reader tells apart, read both ways.
    const NODES: &[&str] = &[
        r##"{"$ref": "#/components/schemas/A", "description": "ignored"}"##,
        r##"{"$ref": 1, "type": "string"}"##,
        r##"{"type": "string", "format": "date-time", "pattern": "^a", "enum": ["a", null], "minLength": 1}"##,
        r##"{"type": "string", "format": "mine", "maxLength": 0, "nullable": true, "x-b": 1, "x-a": [2]}"##,
        r##"{"type": "string", "enum": ["a", 1]}"##,
        r##"{"type": "string", "minItems": 1}"##,
        r##"{"type": "number", "format": "float", "minimum": 1, "maximum": 2.5, "multipleOf": 0.5, "exclusiveMinimum": true}"##,
        r##"{"type": "number", "enum": [1, 2.5, null], "default": 1}"##,
        r##"{"type": "integer", "format": "int64", "minimum": -3, "maximum": 18446744073709551615}"##,
        r##"{"type": "integer", "multipleOf": 2, "enum": [1, 2], "exclusiveMaximum": false}"##,
        r##"{"type": "integer", "minimum": 1.5}"##,
        r##"{"type": "integer", "enum": [1.5]}"##,
        r##"{"type": "boolean", "enum": [true, null]}"##,
        r##"{"type": "boolean", "format": "flag"}"##,
        r##"{"type": "object", "properties": {"a": {"type": "string"}, "b": {"$ref": "#/x"}}, "required": ["a"], "additionalProperties": false, "minProperties": 1}"##,
        r##"{"type": "object", "additionalProperties": {"type": "integer"}, "maxProperties": 2}"##,
        r##"{"type": "object", "properties": {"a": true}}"##,
        r##"{"type": "object", "required": [1]}"##,
        r##"{"type": "object", "enum": [{}]}"##,
        r##"{"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3, "uniqueItems": true}"##,
        r##"{"type": "array", "items": [{"type": "string"}]}"##,
        r##"{"type": "array", "oneOf": [{"type": "string"}]}"##,
        r##"{"oneOf": [{"type": "string"}, {"$ref": "#/a"}], "discriminator": {"propertyName": "kind", "mapping": {"a": "#/a"}}}"##,
        r##"{"allOf": [{"type": "object"}], "title": "T", "description": "D", "readOnly": true, "deprecated": true}"##,
        r##"{"anyOf": [{"type": "string"}], "externalDocs": {"url": "https://example.com"}}"##,
        r##"{"not": {"type": "string"}, "writeOnly": true}"##,
        r##"{"oneOf": [{"type": "string"}], "anyOf": [{"type": "integer"}]}"##,
        r##"{"oneOf": [{"type": "string"}], "properties": {"a": {}}}"##,
        r##"{"properties": {"a": {}}, "items": {}, "enum": [1, "a"], "format": "f", "minimum": 1}"##,
        r##"{"type": "thing", "pattern": "p"}"##,
        r##"{}"##,
        r##"{"type": null, "format": null, "example": null, "default": null, "enum": null, "not": null, "items": null}"##,
        r##"{"additionalProperties": null, "properties": null, "required": null, "oneOf": null, "title": null}"##,
        r##"{"nullable": null}"##,
        r##"{"nullable": "yes"}"##,
        r##"{"minLength": -1, "type": "string"}"##,
        r##"{"minLength": 1.0, "type": "string"}"##,
        r##"{"externalDocs": {"description": "no url"}}"##,
        r##"{"discriminator": {"mapping": {}}}"##,
        r##"{"additionalProperties": "yes"}"##,
        r##"{"type": ["string", "null"]}"##,
        r##"true"##,
        r##""a string""##,
    ];

    #[test]
    fn reads_what_the_typed_reader_reads() {
        for text in NODES {
            let node: Value = serde_json::from_str(text).expect("a test node");
            if let Some(read) = schema_or_reference(&node) {
                assert_eq!(derived(&node).as_ref(), Some(&read), "{text}");
            }
        }
    }

    #[test]
    fn leaves_only_nodes_of_the_wrong_kind_to_the_typed_reader() {
        let unread: Vec<&str> = NODES
            .iter()
            .copied()
            .filter(|text| schema_or_reference(&serde_json::from_str(text).unwrap()).is_none())
            .collect();
        let wrong = |text: &str| derived(&serde_json::from_str(text).unwrap()).is_none();
        // Every node the typed reader refuses is left to it, and so is no other.
        let refused: Vec<&str> = NODES.iter().copied().filter(|text| wrong(text)).collect();
        assert_eq!(unread, refused);
        assert!(refused.len() >= 10, "{refused:?}");
    }
}
