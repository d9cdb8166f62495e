//! The `types` module: one Rust type per named schema, written as text (see [`super::source`]):
//! it is most of a crate's lines, and all of them follow a few shapes.

use rayon::prelude::*;

use super::rust::Types;
use super::source::{Piece, Source, Written};
use crate::escape::{self, rust_string};
use crate::ir::features::{Features, Needed};
use crate::ir::{Api, Enum, EnumRepr, Struct, TypeDef, TypeKind, TypeRef, Union, Variant};

pub fn types_module(api: &Api, compiled: &Features) -> Vec<Piece> {
    let types = Types::local(&api.types);
    let mut module = Source::new();
    let doc = format!("Request and response types of the {}.", escape::inline(&api.display_name()));
    module.inner_docs([Some(doc.as_str())]);
    // The types module is most of a crate's code (GitHub: 70% of its lines), one file among
    // dozens: its types are written on whichever thread is free, in runs, and put in order.
    let runs: Vec<Vec<Written>> = api
        .types
        .par_iter()
        .zip(&compiled.types)
        .with_min_len(TYPES_A_TASK)
        .fold(Vec::new, |mut written, (def, needed)| {
            type_def(api, types, def, needed, &mut written);
            written
        })
        .collect();
    let mut pieces = Vec::with_capacity(1 + runs.iter().map(Vec::len).sum::<usize>());
    pieces.push(module.finish());
    pieces.extend(runs.into_iter().flatten().map(Piece::from));
    pieces
}

/// Types written in one task, at least.
const TYPES_A_TASK: usize = 64;

/// Writes items, each under the same `cfg` attribute (when only some builds need them), and
/// each a piece of its own: one the formatter has to lay out costs only its own time.
struct Items<'a> {
    pieces: &'a mut Vec<Written>,
    source: Source,
    /// The `cfg` attribute every item takes, written once (a type many tags reach has one
    /// feature a line).
    cfg: Source,
}

impl Items<'_> {
    /// Starts an item: its `cfg` first, before its docs and attributes.
    fn item(&mut self) -> &mut Source {
        self.finish_item();
        self.source.extend(&self.cfg);
        &mut self.source
    }

    fn finish_item(&mut self) {
        if !self.source.is_empty() {
            self.pieces.push(std::mem::take(&mut self.source).written());
        }
    }
}

fn type_def(api: &Api, types: Types<'_>, def: &TypeDef, needed: &Needed, pieces: &mut Vec<Written>) {
    let mut cfg = Source::new();
    super::features::write_cfg(&mut cfg, api, needed);
    let mut items = Items { pieces, source: Source::new(), cfg };
    let name = def.name.as_str();
    match &def.kind {
        TypeKind::Struct(s) => struct_def(types, &mut items, def, s),
        TypeKind::Enum(e) => match &e.repr {
            EnumRepr::Variants { other } => enum_def(types, &mut items, def, e, other),
            EnumRepr::Constants => constants_def(types, &mut items, def, e),
        },
        TypeKind::Union(u) => union_def(types, &mut items, def, u),
        TypeKind::Alias(target) => {
            let source = items.item();
            source.docs([def.doc.as_deref()]);
            source.line(format_args!("pub type {name} = {};", types.ty_text(target)));
        }
    }
    items.finish_item();
}

fn optional(field: &crate::ir::Field) -> bool {
    !field.required || field.ty.is_nullable()
}

fn struct_def(types: Types<'_>, items: &mut Items<'_>, def: &TypeDef, s: &Struct) {
    let option = types.prelude_text("Option");
    let all_optional = s.fields.iter().all(optional);
    let source = items.item();
    source.docs([def.doc.as_deref()]);
    allow_deprecated(source, s);
    let default = if all_optional { ", Default" } else { "" };
    source.line(format_args!("#[derive(Debug, Clone, PartialEq{default})]"));
    source.line("#[non_exhaustive]");
    source.open(format_args!("pub struct {} {{", def.name));
    for field in &s.fields {
        source.docs([field.doc.as_deref()]);
        if field.deprecated {
            source.line("#[deprecated]");
        }
        let ty = types.boxed_text(field.ty.non_null(), field.boxed);
        let name = format_args!("pub {}", field.name);
        if optional(field) {
            source.field(name, format_args!("{option}<{ty}>"));
        } else {
            source.field(name, ty);
        }
    }
    let extra_ty = match &s.extra.value {
        TypeRef::Json => types.ty_text(&TypeRef::JsonObject),
        typed => types.ty_text(&TypeRef::Map(Box::new(typed.clone()))),
    };
    source.line("/// Members the API sent that this type does not name, kept so nothing is lost.");
    source.line(format_args!("pub {}: {extra_ty},", s.extra.name));
    source.close("}");
    if !all_optional {
        constructor(types, items, def, s);
    }
    // Each member's name as a Rust string, written three times below.
    let wires: Vec<String> = s.fields.iter().map(|field| rust_string(&field.wire)).collect();
    deserialize_impl(types, items, def, s, &wires);
    serialize_impl(types, items, def, s, &wires);
}

/// `#[allow(deprecated)]` on an item that names the struct's members, when one is deprecated.
fn allow_deprecated(source: &mut Source, s: &Struct) {
    if s.fields.iter().any(|f| f.deprecated) {
        source.line("#[allow(deprecated)]");
    }
}

/// `Deserialize`, written out rather than derived: the runtime's `model` reads the object's
/// members and this impl says where each goes (see the runtime module for why).
fn deserialize_impl(types: Types<'_>, items: &mut Items<'_>, def: &TypeDef, s: &Struct, wires: &[String]) {
    let name = def.name.as_str();
    let result = types.prelude_text("Result");
    let source = items.item();
    source.impl_header("impl<'de> serde::Deserialize<'de>", &format!("for {name} {{"));
    source.signature(
        "fn deserialize<D: serde::Deserializer<'de>>",
        &["deserializer: D".to_owned()],
        &format!(" -> {result}<Self, D::Error> {{"),
    );
    let rust_name = rust_string(crate::naming::bare(name));
    source.call("crate::runtime::model::deserialize", &["deserializer".to_owned(), rust_name], "");
    source.close("}");
    source.close("}");

    // The slots are the members' own names; the reader and the key take names none of them has.
    let mut locals =
        crate::naming::Scope::with_reserved(s.fields.iter().map(|f| crate::naming::bare(&f.name)));
    locals.claim(&s.extra.name);
    let members = locals.claim("members");
    let key = locals.claim("key");
    let source = items.item();
    allow_deprecated(source, s);
    source.impl_header("impl crate::runtime::model::FromMembers", &format!("for {name} {{"));
    source.signature(
        "fn from_members<'de, A: serde::de::MapAccess<'de>>",
        &[format!("mut {members}: crate::runtime::model::Members<'de, A>")],
        &format!(" -> {result}<Self, A::Error> {{"),
    );
    let none = types.prelude_text("None");
    for field in &s.fields {
        source.line(format_args!("let mut {} = {none};", field.name));
    }
    source.line(format_args!("let mut {} = {}::default();", s.extra.name, types.prelude_text("Default")));
    source.open(format_args!("while let {}({key}) = {members}.key()? {{", types.prelude_text("Some")));
    source.open(format_args!("match {key}.as_str() {{"));
    for (field, wire) in s.fields.iter().zip(wires) {
        source.arm(wire, format_args!("{members}.value(&mut {}, {wire})?", field.name));
    }
    source.arm("_", format_args!("{members}.other(&mut {}, {key})?", s.extra.name));
    source.close("}");
    source.close("}");
    source.open(format_args!("{}(Self {{", types.prelude_text("Ok")));
    for (field, wire) in s.fields.iter().zip(wires) {
        if optional(field) {
            source.init(&field.name, format_args!("{members}.optional({})", field.name), false);
        } else {
            source.init(&field.name, format_args!("{members}.required({}, {wire})?", field.name), false);
        }
    }
    source.line(format_args!("{},", s.extra.name));
    source.close("})");
    source.close("}");
    source.close("}");
}

/// `Serialize`, written out rather than derived: named members in order (an optional one
/// only when set), then the extra ones.
fn serialize_impl(types: Types<'_>, items: &mut Items<'_>, def: &TypeDef, s: &Struct, wires: &[String]) {
    let name = def.name.as_str();
    let result = types.prelude_text("Result");
    let source = items.item();
    allow_deprecated(source, s);
    source.impl_header("impl serde::Serialize", &format!("for {name} {{"));
    source.signature(
        "fn serialize<S: serde::Serializer>",
        &["&self".to_owned(), "serializer: S".to_owned()],
        &format!(" -> {result}<S::Ok, S::Error> {{"),
    );
    source.line("let mut members = crate::runtime::model::serialize(serializer)?;");
    for (field, wire) in s.fields.iter().zip(wires) {
        let method = if field.required { "member" } else { "optional" };
        source.method_statement("members", format_args!("{method}({wire}, &self.{})", field.name), "?;");
    }
    source.line(format_args!("members.end(&self.{})", s.extra.name));
    source.close("}");
    source.close("}");
}

/// `new(..)` for a struct with required members: those in order, every other member unset.
/// (The struct may gain members, so it cannot be written as a literal outside the crate.)
fn constructor(types: Types<'_>, items: &mut Items<'_>, def: &TypeDef, s: &Struct) {
    let mut arguments = Vec::new();
    let mut inits = Vec::new();
    for field in &s.fields {
        let name = &field.name;
        if optional(field) {
            inits.push(format!("{name}: {},", types.prelude_text("None")));
            continue;
        }
        let inner = field.ty.non_null();
        if types.is_string(inner) && !field.boxed {
            arguments.push(format!("{name}: impl {}<{}>", types.prelude_text("Into"), types.ty_text(inner)));
            inits.push(format!("{name}: {name}.into(),"));
        } else if field.boxed {
            arguments.push(format!("{name}: {}", types.ty_text(inner)));
            inits.push(format!("{name}: {}::new({name}),", types.prelude_text("Box")));
        } else {
            arguments.push(format!("{name}: {}", types.ty_text(inner)));
            inits.push(format!("{name},"));
        }
    }
    let source = items.item();
    source.open(format_args!("impl {} {{", def.name));
    source.line("/// A value with the required members, every optional one unset.");
    if let Some(allow) = super::rust::many_arguments(arguments.len()) {
        source.line(allow);
    }
    allow_deprecated(source, s);
    source.signature("pub fn new", &arguments, " -> Self {");
    source.open("Self {");
    for init in &inits {
        source.line(init);
    }
    source.line(format_args!("{}: {}::default(),", s.extra.name, types.prelude_text("Default")));
    source.close("}");
    source.close("}");
    source.close("}");
}

/// A value's doc: the value as written, then what the spec says it means.
fn value_doc(source: &mut Source, v: &Variant) {
    let wire = if v.wire.is_empty() { "The empty string.".to_owned() } else { escape::code_span(&v.wire) };
    source.docs([Some(wire.as_str()), v.doc.as_deref()]);
}

fn enum_def(types: Types<'_>, items: &mut Items<'_>, def: &TypeDef, e: &Enum, other: &str) {
    let name = def.name.as_str();
    let string = types.prelude_text("String");
    let from = types.prelude_text("From");
    let result = types.prelude_text("Result");
    let source = items.item();
    source.docs([def.doc.as_deref()]);
    source.line("#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]");
    let string_literal = rust_string(string);
    source.line(format_args!("#[serde(from = {string_literal}, into = {string_literal})]"));
    source.line("#[non_exhaustive]");
    source.open(format_args!("pub enum {name} {{"));
    for v in &e.variants {
        value_doc(source, v);
        source.line(format_args!("{},", v.name));
    }
    source.line("/// A value this client does not know yet, kept as sent.");
    source.line(format_args!("{other}({string}),"));
    source.close("}");

    let source = items.item();
    source.line("/// Values compare as they go on the wire: a known value held as `Other` equals its");
    source.line("/// variant.");
    source.impl_header(&format!("impl {}", types.prelude_text("PartialEq")), &format!("for {name} {{"));
    source.open("fn eq(&self, other: &Self) -> bool {");
    source.line("self.as_str() == other.as_str()");
    source.close("}");
    source.close("}");

    items.item().line(format_args!("impl {} for {name} {{}}", types.prelude_text("Eq")));

    let source = items.item();
    source.impl_header("impl std::hash::Hash", &format!("for {name} {{"));
    source.open("fn hash<H: std::hash::Hasher>(&self, state: &mut H) {");
    source.line("self.as_str().hash(state);");
    source.close("}");
    source.close("}");

    from_str_impl(items, name, result);

    let source = items.item();
    source.open(format_args!("impl {name} {{"));
    source.line("/// The value as it goes on the wire.");
    source.open("pub fn as_str(&self) -> &str {");
    source.open("match self {");
    for v in &e.variants {
        source.arm(format_args!("Self::{}", v.name), rust_string(&v.wire));
    }
    source.arm(format_args!("Self::{other}(value)"), "value");
    source.close("}");
    source.close("}");
    source.close("}");

    let source = items.item();
    source.impl_header(&format!("impl {from}<{string}>"), &format!("for {name} {{"));
    source.open(format_args!("fn from(value: {string}) -> Self {{"));
    source.open("match value.as_str() {");
    for v in &e.variants {
        source.arm(rust_string(&v.wire), format_args!("Self::{}", v.name));
    }
    source.arm("_", format_args!("Self::{other}(value)"));
    source.close("}");
    source.close("}");
    source.close("}");

    let source = items.item();
    source.impl_header(&format!("impl {from}<&str>"), &format!("for {name} {{"));
    source.open("fn from(value: &str) -> Self {");
    source.line(format_args!("Self::from({string}::from(value))"));
    source.close("}");
    source.close("}");

    let source = items.item();
    source.impl_header(&format!("impl {from}<{name}>"), &format!("for {string} {{"));
    source.open(format_args!("fn from(value: {name}) -> Self {{"));
    source.open("match value {");
    source.arm(format_args!("{name}::{other}(value)"), "value");
    source.line("known => known.as_str().into(),");
    source.close("}");
    source.close("}");
    source.close("}");

    display_impl(items, name);
}

/// `FromStr`, which never fails: any other value is kept.
fn from_str_impl(items: &mut Items<'_>, name: &str, result: &str) {
    let source = items.item();
    source.impl_header("impl std::str::FromStr", &format!("for {name} {{"));
    source.line("type Err = std::convert::Infallible;");
    source.open(format_args!("fn from_str(value: &str) -> {result}<Self, std::convert::Infallible> {{"));
    source.line(format_args!("{result}::Ok(Self::from(value))"));
    source.close("}");
    source.close("}");
}

/// `Display`: the value as it goes on the wire.
fn display_impl(items: &mut Items<'_>, name: &str) {
    let source = items.item();
    source.impl_header("impl std::fmt::Display", &format!("for {name} {{"));
    source.open("fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {");
    source.line("f.write_str(self.as_str())");
    source.close("}");
    source.close("}");
}

/// A large enum as a string newtype: one associated constant per value, any other value kept.
fn constants_def(types: Types<'_>, items: &mut Items<'_>, def: &TypeDef, e: &Enum) {
    let name = def.name.as_str();
    let string = types.prelude_text("String");
    let from = types.prelude_text("From");
    let result = types.prelude_text("Result");
    let note = format!(
        "The API lists {} values: each is a constant (compare with `==`), and any other value is kept as sent.",
        e.variants.len()
    );
    let source = items.item();
    source.docs([def.doc.as_deref(), Some(note.as_str())]);
    source.line("#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]");
    source.line("#[serde(transparent)]");
    source.line(format_args!("pub struct {name}(std::borrow::Cow<'static, str>);"));

    let source = items.item();
    source.open(format_args!("impl {name} {{"));
    for v in &e.variants {
        value_doc(source, v);
        source.line(format_args!(
            "pub const {}: Self = Self(std::borrow::Cow::Borrowed({}));",
            v.name,
            rust_string(&v.wire)
        ));
    }
    source.line("/// The value as it goes on the wire.");
    source.open("pub fn as_str(&self) -> &str {");
    source.line("&self.0");
    source.close("}");
    source.close("}");

    let source = items.item();
    source.impl_header(&format!("impl {from}<{string}>"), &format!("for {name} {{"));
    source.open(format_args!("fn from(value: {string}) -> Self {{"));
    source.line("Self(std::borrow::Cow::Owned(value))");
    source.close("}");
    source.close("}");

    let source = items.item();
    source.impl_header(&format!("impl {from}<&str>"), &format!("for {name} {{"));
    source.open("fn from(value: &str) -> Self {");
    source.line("Self(std::borrow::Cow::Owned(value.into()))");
    source.close("}");
    source.close("}");

    let source = items.item();
    source.impl_header(&format!("impl {from}<{name}>"), &format!("for {string} {{"));
    source.open(format_args!("fn from(value: {name}) -> Self {{"));
    source.line("value.0.into_owned()");
    source.close("}");
    source.close("}");

    from_str_impl(items, name, result);
    display_impl(items, name);
}

fn union_def(types: Types<'_>, items: &mut Items<'_>, def: &TypeDef, u: &Union) {
    let name = def.name.as_str();
    let source = items.item();
    source.docs([def.doc.as_deref()]);
    if u.discriminator.is_some() {
        source.line("#[derive(Debug, Clone, PartialEq, serde::Serialize)]");
    } else {
        source.line("#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]");
    }
    source.line("#[serde(untagged)]");
    source.line("#[non_exhaustive]");
    source.open(format_args!("pub enum {name} {{"));
    for v in &u.variants {
        source.tuple_variant(&v.name, &types.boxed_text(&v.ty, v.boxed));
    }
    if let Some(fallback) = &u.fallback {
        source.line("/// A value that matches none of the shapes this client knows, kept as sent.");
        source.tuple_variant(fallback, "serde_json::Value");
    }
    source.close("}");
    let Some(property) = &u.discriminator else { return };

    // Rare, and laid out by the formatter: its arms are chains it breaks by its own rules.
    let result = types.prelude_text("Result");
    let (some, ok, err) = (types.prelude_text("Some"), types.prelude_text("Ok"), types.prelude_text("Err"));
    let source = items.item();
    source.needs_layout();
    source.open(format_args!("impl<'de> serde::Deserialize<'de> for {name} {{"));
    source.open(format_args!(
        "fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> {result}<Self, D::Error> {{"
    ));
    source.line("let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;");
    source.open(format_args!(
        "match value.get({}).and_then(serde_json::Value::as_str) {{",
        rust_string(property)
    ));
    for v in &u.variants {
        let tags = v.tags.iter().map(|tag| format!("{some}({})", rust_string(tag)));
        let tags: Vec<String> = tags.collect();
        source.line(format_args!(
            "{} => serde_json::from_value(value).map(Self::{}).map_err(serde::de::Error::custom),",
            tags.join(" | "),
            v.name
        ));
    }
    match (&u.default, &u.fallback) {
        (Some(d), Some(f)) => source.line(format_args!(
            "_ => {ok}(serde_json::from_value(value.clone()).map(Self::{d}).unwrap_or(Self::{f}(value))),"
        )),
        (Some(d), None) => source.line(format_args!(
            "_ => serde_json::from_value(value).map(Self::{d}).map_err(serde::de::Error::custom),"
        )),
        (None, Some(f)) => source.line(format_args!("_ => {ok}(Self::{f}(value)),")),
        (None, None) => {
            let message = format!("unknown or missing `{property}`");
            source.line(format_args!("_ => {err}(serde::de::Error::custom({})),", rust_string(&message)))
        }
    }
    source.close("}");
    source.close("}");
    source.close("}");
}
