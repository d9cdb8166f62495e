//! What kind of object each member of a spec document holds, for Swagger 2.0 and OpenAPI 3.x,
//! and where each kind may be a `$ref`. The bundler walks a document with it, so a `$ref` is
//! read as what its place says it is.

/// The dialect of a document: what its members mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Swagger2,
    OpenApi30,
    OpenApi31,
    OpenApi32,
}

/// The kinds of objects in a spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Document,
    Components,
    PathItem,
    Operation,
    Responses,
    Response,
    Parameter,
    Header,
    RequestBody,
    MediaType,
    Encoding,
    Schema,
    Discriminator,
    Example,
    Link,
    Callback,
    SecurityScheme,
    /// Anything without a `$ref` of its own (info, tags, servers, descriptions, ...).
    Plain,
    /// Values that are data, not spec (examples, defaults, enum values, extensions, and what
    /// a client leaves out: webhooks, callbacks, links). Never read for `$ref`s.
    Data,
}

/// How a member holds its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    One(Kind),
    /// A mapping of names (schemas, properties, headers) to the kind: every member is one,
    /// `x-` names included.
    Map(Kind),
    /// A mapping whose members are of the kind, beside extensions (the Paths object).
    Extensible(Kind),
    List(Kind),
    /// One, or a list of them (`items` of a schema: a tuple in some specs).
    OneOrList(Kind),
}

impl Shape {
    /// The kind of the objects the member holds.
    pub fn kind(self) -> Kind {
        match self {
            Shape::One(kind)
            | Shape::Map(kind)
            | Shape::Extensible(kind)
            | Shape::List(kind)
            | Shape::OneOrList(kind) => kind,
        }
    }
}

/// What a `$ref` in a place of a kind means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefRule {
    /// A reusable component: the target belongs in this section (`["components", "schemas"]`).
    Component(&'static [&'static str]),
    /// The standard allows a `$ref` here, but there is no section for it: the target is
    /// put in its place.
    Inline,
    /// The standard expects the value itself here: the target is put in its place, with a
    /// warning.
    NotAllowed,
}

const HTTP_METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

impl Dialect {
    /// The methods a path item holds by name.
    pub fn methods(self) -> &'static [&'static str] {
        match self {
            Dialect::OpenApi32 => {
                &["get", "put", "post", "delete", "options", "head", "patch", "trace", "query"]
            }
            _ => HTTP_METHODS,
        }
    }

    /// The kind of the member `key` of an object of kind `parent`.
    pub fn member(self, parent: Kind, key: &str) -> Shape {
        use Kind::*;
        use Shape::*;
        if key.starts_with("x-") {
            return One(Data);
        }
        let v2 = self == Dialect::Swagger2;
        match (parent, key) {
            (Data, _) => One(Data),
            (Document, "paths") => Extensible(PathItem),
            (Document, "components") if !v2 => One(Components),
            (Document, "definitions") if v2 => Map(Schema),
            (Document, "parameters") if v2 => Map(Parameter),
            (Document, "responses") if v2 => Map(Response),
            (Document, "securityDefinitions") if v2 => Map(SecurityScheme),
            (Document, "info" | "servers" | "tags" | "security" | "externalDocs") => One(Plain),
            // Webhooks are left out of clients; unknown members are not read.
            (Document, _) => One(Data),
            (Components, "schemas") => Map(Schema),
            (Components, "responses") => Map(Response),
            (Components, "parameters") => Map(Parameter),
            (Components, "examples") => Map(Example),
            (Components, "requestBodies") => Map(RequestBody),
            (Components, "headers") => Map(Header),
            (Components, "securitySchemes") => Map(SecurityScheme),
            (Components, "pathItems") => Map(PathItem),
            (Components, "mediaTypes") => Map(MediaType),
            (Components, "links" | "callbacks") => One(Data),
            (PathItem, "parameters") => List(Parameter),
            (PathItem, "additionalOperations") if self == Dialect::OpenApi32 => Map(Operation),
            (PathItem, method) if self.methods().contains(&method) => One(Operation),
            (Operation, "parameters") => List(Parameter),
            (Operation, "requestBody") if !v2 => One(RequestBody),
            (Operation, "responses") => One(Responses),
            (Operation, "callbacks") => One(Data),
            (Responses, _) => One(Response),
            (Response, "headers") => Map(Header),
            (Response, "content") if !v2 => Map(MediaType),
            (Response, "schema") if v2 => One(Schema),
            (Response, "examples") if v2 => One(Data),
            (Response, "links") => One(Data),
            (Parameter | Header, "schema") => One(Schema),
            (Parameter | Header, "items") if v2 => One(Schema),
            (Parameter | Header, "content") => Map(MediaType),
            (Parameter | Header, "examples") if !v2 => Map(Example),
            (Parameter | Header, "example" | "default" | "enum") => One(Data),
            (RequestBody, "content") => Map(MediaType),
            (MediaType, "schema" | "itemSchema") => One(Schema),
            (MediaType, "examples") => Map(Example),
            (MediaType, "example") => One(Data),
            (MediaType, "encoding") => Map(Encoding),
            (MediaType, "prefixEncoding") => List(Encoding),
            (MediaType, "itemEncoding") => One(Encoding),
            (Encoding, "headers") => Map(Header),
            (Encoding, "encoding") => Map(Encoding),
            (Encoding, "prefixEncoding") => List(Encoding),
            (Encoding, "itemEncoding") => One(Encoding),
            (Example, "value" | "dataValue") => One(Data),
            (Callback, _) => One(PathItem),
            (Schema, "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas") => {
                Map(Schema)
            }
            (Schema, "items") => OneOrList(Schema),
            (Schema, "allOf" | "anyOf" | "oneOf" | "prefixItems") => List(Schema),
            (
                Schema,
                "not"
                | "additionalProperties"
                | "additionalItems"
                | "if"
                | "then"
                | "else"
                | "contains"
                | "propertyNames"
                | "unevaluatedItems"
                | "unevaluatedProperties"
                | "contentSchema",
            ) => One(Schema),
            (Schema, "discriminator") => One(Discriminator),
            (Schema, "example" | "examples" | "default" | "enum" | "const") => One(Data),
            _ => One(Plain),
        }
    }

    /// What a `$ref` in a place of `kind` means.
    pub fn ref_rule(self, kind: Kind) -> RefRule {
        use Kind::*;
        match (self, kind) {
            (Dialect::Swagger2, Schema) => RefRule::Component(&["definitions"]),
            (Dialect::Swagger2, Parameter) => RefRule::Component(&["parameters"]),
            (Dialect::Swagger2, Response) => RefRule::Component(&["responses"]),
            (Dialect::Swagger2, PathItem) => RefRule::Inline,
            (Dialect::Swagger2, _) => RefRule::NotAllowed,
            (_, Schema) => RefRule::Component(&["components", "schemas"]),
            (_, Parameter) => RefRule::Component(&["components", "parameters"]),
            (_, Response) => RefRule::Component(&["components", "responses"]),
            (_, RequestBody) => RefRule::Component(&["components", "requestBodies"]),
            (_, Header) => RefRule::Component(&["components", "headers"]),
            (_, Example) => RefRule::Component(&["components", "examples"]),
            (_, SecurityScheme) => RefRule::Component(&["components", "securitySchemes"]),
            (_, PathItem) => RefRule::Inline,
            (Dialect::OpenApi32, MediaType) => RefRule::Inline,
            _ => RefRule::NotAllowed,
        }
    }

    /// The component sections of the dialect, with the kind each holds.
    pub fn sections(self) -> Vec<(&'static [&'static str], Kind)> {
        use Kind::*;
        let kinds: &[Kind] = match self {
            Dialect::Swagger2 => &[Schema, Parameter, Response],
            _ => &[Schema, Parameter, Response, RequestBody, Header, Example, SecurityScheme],
        };
        kinds
            .iter()
            .filter_map(|kind| match self.ref_rule(*kind) {
                RefRule::Component(section) => Some((section, *kind)),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_read_by_dialect() {
        let v2 = Dialect::Swagger2;
        let v3 = Dialect::OpenApi30;
        assert_eq!(v2.member(Kind::Document, "definitions"), Shape::Map(Kind::Schema));
        assert_eq!(v2.member(Kind::Document, "paths"), Shape::Extensible(Kind::PathItem));
        assert_eq!(v3.member(Kind::Document, "definitions"), Shape::One(Kind::Data));
        assert_eq!(v2.member(Kind::Response, "schema"), Shape::One(Kind::Schema));
        assert_eq!(v3.member(Kind::Schema, "properties"), Shape::Map(Kind::Schema));
        assert_eq!(v3.member(Kind::Schema, "x-anything"), Shape::One(Kind::Data));
        assert_eq!(v3.member(Kind::Schema, "example"), Shape::One(Kind::Data));
        assert_eq!(v3.member(Kind::PathItem, "query"), Shape::One(Kind::Plain));
        assert_eq!(Dialect::OpenApi32.member(Kind::PathItem, "query"), Shape::One(Kind::Operation));
        assert_eq!(v3.member(Kind::Plain, "description"), Shape::One(Kind::Plain));
        assert_eq!(v3.member(Kind::Document, "tags"), Shape::One(Kind::Plain));
    }

    #[test]
    fn refs_by_place() {
        assert_eq!(Dialect::Swagger2.ref_rule(Kind::Schema), RefRule::Component(&["definitions"]));
        assert_eq!(Dialect::OpenApi31.ref_rule(Kind::Schema), RefRule::Component(&["components", "schemas"]));
        assert_eq!(Dialect::OpenApi30.ref_rule(Kind::Operation), RefRule::NotAllowed);
        assert_eq!(Dialect::OpenApi30.ref_rule(Kind::MediaType), RefRule::NotAllowed);
        assert_eq!(Dialect::OpenApi32.ref_rule(Kind::MediaType), RefRule::Inline);
        assert_eq!(Dialect::Swagger2.sections().len(), 3);
    }
}
