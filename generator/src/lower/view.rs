//! One read-only view over the two ways `openapiv3` stores a schema (`SchemaKind::Type` for
//! the plain cases, `SchemaKind::Any` for mixed ones), so lowering asks each question once.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

#[derive(Clone, Copy)]
pub struct View<'a>(pub &'a Schema);

type Properties = IndexMap<String, ReferenceOr<Box<Schema>>>;

const NO_MEMBERS: &[ReferenceOr<Schema>] = &[];

impl<'a> View<'a> {
    /// The `type` keyword.
    pub fn typ(self) -> Option<&'a str> {
        match &self.0.schema_kind {
            SchemaKind::Type(Type::String(_)) => Some("string"),
            SchemaKind::Type(Type::Number(_)) => Some("number"),
            SchemaKind::Type(Type::Integer(_)) => Some("integer"),
            SchemaKind::Type(Type::Boolean(_)) => Some("boolean"),
            SchemaKind::Type(Type::Object(_)) => Some("object"),
            SchemaKind::Type(Type::Array(_)) => Some("array"),
            SchemaKind::Any(any) => any.typ.as_deref(),
            _ => None,
        }
    }

    pub fn format(self) -> Option<&'a str> {
        fn name<T>(format: &VariantOrUnknownOrEmpty<T>, known: fn(&T) -> &'static str) -> Option<&str> {
            match format {
                VariantOrUnknownOrEmpty::Item(item) => Some(known(item)),
                VariantOrUnknownOrEmpty::Unknown(other) => Some(other),
                VariantOrUnknownOrEmpty::Empty => None,
            }
        }
        match &self.0.schema_kind {
            SchemaKind::Type(Type::String(s)) => name(&s.format, |f| match f {
                StringFormat::Date => "date",
                StringFormat::DateTime => "date-time",
                StringFormat::Password => "password",
                StringFormat::Byte => "byte",
                StringFormat::Binary => "binary",
            }),
            SchemaKind::Type(Type::Number(n)) => name(&n.format, |f| match f {
                NumberFormat::Float => "float",
                NumberFormat::Double => "double",
            }),
            SchemaKind::Type(Type::Integer(i)) => name(&i.format, |f| match f {
                IntegerFormat::Int32 => "int32",
                IntegerFormat::Int64 => "int64",
            }),
            SchemaKind::Any(any) => any.format.as_deref(),
            _ => None,
        }
    }

    pub fn properties(self) -> Option<&'a Properties> {
        match &self.0.schema_kind {
            SchemaKind::Type(Type::Object(o)) => Some(&o.properties),
            SchemaKind::Any(any) => Some(&any.properties),
            _ => None,
        }
        .filter(|p| !p.is_empty())
    }

    pub fn required(self) -> &'a [String] {
        match &self.0.schema_kind {
            SchemaKind::Type(Type::Object(o)) => &o.required,
            SchemaKind::Any(any) => &any.required,
            _ => &[],
        }
    }

    pub fn additional(self) -> Option<&'a AdditionalProperties> {
        match &self.0.schema_kind {
            SchemaKind::Type(Type::Object(o)) => o.additional_properties.as_ref(),
            SchemaKind::Any(any) => any.additional_properties.as_ref(),
            _ => None,
        }
    }

    /// `additionalProperties` given as a schema (not `true`/`false`).
    pub fn additional_schema(self) -> Option<&'a ReferenceOr<Schema>> {
        match self.additional()? {
            AdditionalProperties::Schema(schema) => Some(schema),
            AdditionalProperties::Any(_) => None,
        }
    }

    pub fn items(self) -> Option<&'a ReferenceOr<Box<Schema>>> {
        match &self.0.schema_kind {
            SchemaKind::Type(Type::Array(a)) => a.items.as_ref(),
            SchemaKind::Any(any) => any.items.as_ref(),
            _ => None,
        }
    }

    /// The `enum` values as JSON.
    pub fn enumeration(self) -> Vec<Value> {
        fn all<T: Clone>(values: &[Option<T>], to: fn(T) -> Value) -> Vec<Value> {
            values.iter().map(|v| v.clone().map_or(Value::Null, to)).collect()
        }
        match &self.0.schema_kind {
            SchemaKind::Type(Type::String(s)) => all(&s.enumeration, Value::String),
            SchemaKind::Type(Type::Integer(i)) => all(&i.enumeration, Value::from),
            SchemaKind::Type(Type::Number(n)) => all(&n.enumeration, Value::from),
            SchemaKind::Type(Type::Boolean(b)) => all(&b.enumeration, Value::Bool),
            SchemaKind::Any(any) => any.enumeration.clone(),
            _ => Vec::new(),
        }
    }

    /// Whether the schema lists `enum` values ([`View::enumeration`] without copying them).
    pub fn is_enumerated(self) -> bool {
        match &self.0.schema_kind {
            SchemaKind::Type(Type::String(s)) => !s.enumeration.is_empty(),
            SchemaKind::Type(Type::Integer(i)) => !i.enumeration.is_empty(),
            SchemaKind::Type(Type::Number(n)) => !n.enumeration.is_empty(),
            SchemaKind::Type(Type::Boolean(b)) => !b.enumeration.is_empty(),
            SchemaKind::Any(any) => !any.enumeration.is_empty(),
            _ => false,
        }
    }

    /// Each `enum` value's text where it is a string, in order (`None` for any other value).
    pub fn enum_texts(self) -> Vec<Option<&'a str>> {
        match &self.0.schema_kind {
            SchemaKind::Type(Type::String(s)) => s.enumeration.iter().map(Option::as_deref).collect(),
            SchemaKind::Any(any) => any.enumeration.iter().map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    pub fn all_of(self) -> &'a [ReferenceOr<Schema>] {
        match &self.0.schema_kind {
            SchemaKind::AllOf { all_of } => all_of,
            SchemaKind::Any(any) => &any.all_of,
            _ => NO_MEMBERS,
        }
    }

    /// `oneOf`, or else `anyOf`: both become a union.
    pub fn alternatives(self) -> &'a [ReferenceOr<Schema>] {
        match &self.0.schema_kind {
            SchemaKind::OneOf { one_of } => one_of,
            SchemaKind::AnyOf { any_of } => any_of,
            SchemaKind::Any(any) if !any.one_of.is_empty() => &any.one_of,
            SchemaKind::Any(any) => &any.any_of,
            _ => NO_MEMBERS,
        }
    }

    pub fn is_not(self) -> bool {
        match &self.0.schema_kind {
            SchemaKind::Not { .. } => true,
            SchemaKind::Any(any) => any.not.is_some(),
            _ => false,
        }
    }

    pub fn nullable(self) -> bool {
        self.0.schema_data.nullable
    }

    /// Title or description, whichever says more.
    pub fn doc(self) -> Option<&'a str> {
        let data = &self.0.schema_data;
        data.description.as_deref().or(data.title.as_deref()).filter(|d| !d.trim().is_empty())
    }

    /// Describes the shape of an object: properties or a typed map.
    pub fn is_object_like(self) -> bool {
        self.properties().is_some() || self.additional_schema().is_some() || self.typ() == Some("object")
    }

    /// A schema that carries no structure: only a `type` (or nothing), or a union of such.
    /// `allOf` drops these next to a member that says more (Cloudflare's envelopes merge an
    /// `anyOf` of object/array/string with the real `result`).
    pub fn is_unconstrained(self) -> bool {
        let inline_unconstrained = |node: &ReferenceOr<Schema>| match node {
            ReferenceOr::Item(schema) => View(schema).is_unconstrained(),
            ReferenceOr::Reference { .. } => false,
        };
        let items_unconstrained = match self.items() {
            None => true,
            Some(ReferenceOr::Item(items)) => View(items).is_unconstrained(),
            Some(ReferenceOr::Reference { .. }) => false,
        };
        self.properties().is_none()
            && self.additional_schema().is_none()
            && !self.is_enumerated()
            && self.format().is_none()
            && self.all_of().is_empty()
            && !self.is_not()
            && self.0.schema_data.discriminator.is_none()
            && items_unconstrained
            && self.alternatives().iter().all(inline_unconstrained)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(yaml: &str) -> Schema {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn mixed_schemas_answer_like_plain_ones() {
        let mixed = schema("type: object\nallOf: [{type: object}]\nproperties: {a: {type: string}}");
        assert_eq!(View(&mixed).typ(), Some("object"));
        assert_eq!(View(&mixed).all_of().len(), 1);
        assert!(View(&mixed).properties().is_some());
        let s = schema("type: string\nformat: uuid\nenum: [a, b]");
        assert_eq!(View(&s).format(), Some("uuid"));
        assert_eq!(View(&s).enumeration(), vec![Value::from("a"), Value::from("b")]);
    }

    #[test]
    fn unconstrained_schemas() {
        for yaml in [
            "{}",
            "type: object",
            "type: string",
            "items: {}\ntype: array",
            "anyOf: [{type: object}, {items: {}, type: array}, {type: string}]",
            "description: x",
        ] {
            assert!(View(&schema(yaml)).is_unconstrained(), "{yaml}");
        }
        for yaml in [
            "type: string\nformat: date",
            "properties: {a: {}}",
            "enum: [a]",
            "anyOf: [{$ref: '#/components/schemas/A'}]",
            "type: array\nitems: {type: object, properties: {a: {}}}",
            "additionalProperties: {type: string}",
        ] {
            assert!(!View(&schema(yaml)).is_unconstrained(), "{yaml}");
        }
    }
}
