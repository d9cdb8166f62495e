//! Schemas to types. Every component schema gets a [`TypeId`] and a name before anything is
//! converted, so forward references and cycles need no special cases; inline schemas that
//! need a name (objects, enums, unions) get one from where they appear.

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};
use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};
use serde_json::Value;

use super::hint::Hint;
use super::shape::{Shape, Shapes};
use super::view::View;
use crate::error::Diagnostic;
use crate::ir::{
    Enum, EnumRepr, ErrorBody, Extra, Field, Struct, TypeDef, TypeId, TypeKind, TypeRef, Union, UnionVariant,
    Variant,
};
use crate::load::{Item, Resolved, Spec};
use crate::naming::{self, pascal, shouty, snake, Scope};
use crate::pointer::Pointer;

type Result<T> = std::result::Result<T, Diagnostic>;

/// The schema nodes that name one property across merged members, with their pointers.
type PropertyNodes<'a> = Vec<(&'a ReferenceOr<Box<Schema>>, Pointer)>;

/// What a declared type turns out to be; its name was chosen when it was declared.
struct Definition {
    doc: Option<String>,
    kind: TypeKind,
}

/// All named types of one API, built up as schemas are lowered. Its maps are keyed by the
/// document's pointers and digests and looked up for every schema node: a fast hash (Fx),
/// as no key is chosen to collide.
pub struct TypeSpace<'s> {
    spec: &'s Spec,
    /// Declared types; each starts as a placeholder and is filled in when its schema is lowered.
    types: Vec<TypeDef>,
    /// Types already assigned to a node of the document.
    by_pointer: FxHashMap<Pointer, TypeRef>,
    /// Inline schemas of the same shape share one type.
    by_shape: FxHashMap<Shape, TypeId>,
    /// The shapes of the component schemas and the schemas inside them.
    shapes: Shapes<'s>,
    /// Properties that merge the same objects (by their pointers) share one type.
    merged: FxHashMap<String, TypeId>,
    names: Scope,
    /// Nodes being lowered without a name, to cut cycles that never pass a named type.
    inlining: FxHashSet<Pointer>,
    /// How many schemas are being lowered inside each other right now.
    depth: usize,
}

/// Schemas nested deeper than this (inline, or through merges that keep finding new
/// combinations) are refused: real specs stay far below it, and the lowering recurses.
pub const MAX_SCHEMA_DEPTH: usize = 256;

/// A property of an object schema, as [`TypeSpace::properties`] gives it.
pub struct Property {
    pub wire: String,
    pub ty: TypeRef,
    pub required: bool,
    pub doc: Option<String>,
    /// A `format: binary` string: file contents.
    pub binary: bool,
}

/// What a schema becomes, decided before its members are lowered.
enum Class<'a> {
    /// A struct of the properties of these members (one, or several merged by `allOf`).
    Object(Vec<Resolved<'a, Schema>>),
    /// A string enum with these values.
    Enum(Vec<String>),
    /// `oneOf`/`anyOf` of these members.
    Union(Vec<Resolved<'a, Schema>>),
    /// The schema stands for another one (an `allOf` or union with one member that matters).
    Same(Box<Resolved<'a, Schema>>),
    /// No named type: a primitive, a list, a map or any JSON.
    Plain,
}

impl<'s> TypeSpace<'s> {
    /// Declares every component schema: each gets its id and name (its body is lowered by
    /// [`TypeSpace::define_components`]).
    pub fn new(spec: &'s Spec) -> Self {
        let mut space = Self {
            spec,
            types: Vec::new(),
            by_pointer: FxHashMap::default(),
            by_shape: FxHashMap::default(),
            shapes: Shapes::default(),
            merged: FxHashMap::default(),
            names: Scope::new(),
            inlining: FxHashSet::default(),
            depth: 0,
        };
        let Some(components) = &spec.api.components else { return space };
        let schemas: Vec<&Schema> = components.schemas.values().filter_map(ReferenceOr::as_item).collect();
        // What needs no type space, on both cores: the shapes, and the components' names
        // (claimed below in order, so that a clash numbers the same one).
        let (shapes, type_names) = rayon::join(
            || Shapes::of(&schemas),
            || {
                use rayon::prelude::*;
                let names: Vec<&String> = components.schemas.keys().collect();
                names.par_iter().map(|name| naming::type_name(name)).collect::<Vec<_>>()
            },
        );
        space.shapes = shapes;
        for (name, type_name) in components.schemas.keys().zip(&type_names) {
            let id = space.declare(type_name);
            space.by_pointer.insert(component_at(name), TypeRef::Named(id));
        }
        space
    }

    /// Lowers the body of every component schema [`TypeSpace::new`] declared, in order.
    pub fn define_components(&mut self) -> Result<()> {
        let spec = self.spec;
        let Some(components) = &spec.api.components else { return Ok(()) };
        // The components were declared first, in order: the nth has the nth id.
        for (index, (name, node)) in components.schemas.iter().enumerate() {
            let id = TypeId(index);
            let pointer = component_at(name);
            let def = match node {
                node @ ReferenceOr::Reference { .. } => {
                    let target = spec.resolve(node, &pointer)?;
                    let doc = View(&target.item).doc().map(str::to_owned);
                    let name = self.name_of(id);
                    let ty = self.lower_resolved(target, Hint::text(&name))?;
                    Definition { doc, kind: TypeKind::Alias(ty) }
                }
                ReferenceOr::Item(schema) => {
                    let resolved = Resolved {
                        item: Item::Borrowed(schema),
                        pointer: pointer.clone(),
                        component: Some(name.clone()),
                    };
                    self.define(resolved, &self.name_of(id))?
                }
            };
            self.fill(id, def);
        }
        Ok(())
    }

    fn declare(&mut self, candidate: &str) -> TypeId {
        let name = self.names.claim(candidate);
        self.types.push(TypeDef { name, doc: None, kind: TypeKind::Alias(TypeRef::Json) });
        TypeId(self.types.len() - 1)
    }

    /// An inline enum met again under another name (`direction` of two listings) is named
    /// for what the names share (`AuthenticationLogDirection` and `ScimUpdateLogDirection`
    /// make `Direction`), where that name is free.
    fn share_name(&mut self, id: TypeId, hint: Hint<'_>) {
        let def = &self.types[id.0];
        if !matches!(def.kind, TypeKind::Enum(_)) {
            return;
        }
        let hint = hint.spelled();
        if def.name == hint {
            return;
        }
        let (mine, theirs) = (naming::words(&def.name), naming::words(&hint));
        let common = mine.iter().rev().zip(theirs.iter().rev()).take_while(|(a, b)| a == b).count();
        if common == 0 || common == mine.len() {
            return;
        }
        let shared = naming::type_name(&mine[mine.len() - common..].join("_"));
        if !self.names.contains(&shared) {
            let name = self.names.claim(&shared);
            self.types[id.0].name = name;
        }
    }

    fn name_of(&self, id: TypeId) -> String {
        self.types[id.0].name.clone()
    }

    /// Stores a definition under an id declared earlier, keeping the declared name.
    fn fill(&mut self, id: TypeId, def: Definition) {
        let slot = &mut self.types[id.0];
        slot.doc = def.doc;
        slot.kind = def.kind;
    }

    /// The type for a schema node at `at`; `hint` names it if it needs a name of its own.
    pub fn lower(&mut self, node: &ReferenceOr<Schema>, at: &Pointer, hint: &str) -> Result<TypeRef> {
        self.lower_hinted(node, at, Hint::text(hint))
    }

    fn lower_hinted(&mut self, node: &ReferenceOr<Schema>, at: &Pointer, hint: Hint<'_>) -> Result<TypeRef> {
        let spec = self.spec;
        let resolved = spec.resolve(node, at)?;
        self.lower_resolved(resolved, hint)
    }

    /// [`TypeSpace::lower`] for a parameter: the items of an inline array are named after the
    /// parameter itself (`status: [FAILURE]` has items of type `Status`).
    pub fn lower_parameter(
        &mut self,
        node: &ReferenceOr<Schema>,
        at: &Pointer,
        hint: &str,
    ) -> Result<TypeRef> {
        if let ReferenceOr::Item(schema) = node {
            let view = View(schema);
            if let (Some("array"), Some(items), true) =
                (view.typ(), view.items(), view.alternatives().is_empty())
            {
                let item = self.lower_boxed(items, &at.join("items"), hint)?;
                let list = TypeRef::List(Box::new(item));
                return Ok(if view.nullable() { list.nullable() } else { list });
            }
        }
        self.lower(node, at, hint)
    }

    /// [`TypeSpace::lower`] for the boxed nodes of properties and items.
    pub fn lower_boxed(
        &mut self,
        node: &ReferenceOr<Box<Schema>>,
        at: &Pointer,
        hint: &str,
    ) -> Result<TypeRef> {
        self.lower_boxed_hinted(node, at, Hint::text(hint))
    }

    fn lower_boxed_hinted(
        &mut self,
        node: &ReferenceOr<Box<Schema>>,
        at: &Pointer,
        hint: Hint<'_>,
    ) -> Result<TypeRef> {
        let spec = self.spec;
        let resolved = spec.resolve_boxed(node, at)?;
        self.lower_resolved(resolved, hint)
    }

    fn lower_resolved(&mut self, resolved: Resolved<'_, Schema>, hint: Hint<'_>) -> Result<TypeRef> {
        if self.depth >= MAX_SCHEMA_DEPTH {
            return Err(self.spec.error(
                &resolved.pointer,
                format!("schemas nest more than {MAX_SCHEMA_DEPTH} levels deep here: expected a shallower schema (is an `allOf` merging itself?)"),
            ));
        }
        self.depth += 1;
        let lowered = self.lower_nested(resolved, hint);
        self.depth -= 1;
        lowered
    }

    fn lower_nested(&mut self, resolved: Resolved<'_, Schema>, hint: Hint<'_>) -> Result<TypeRef> {
        let view = View(&resolved.item);
        let nullable = view.nullable();
        if let Some(known) = self.by_pointer.get(&resolved.pointer) {
            let known = known.clone();
            return Ok(if nullable { known.nullable() } else { known });
        }
        let (class, null_member) = self.classify(&resolved)?;
        let ty = match class {
            // Most schemas: a string, a number, an enum of them; nothing inside to come back
            // through, so no cycle to watch for.
            Class::Plain if view.items().is_none() && view.additional_schema().is_none() => {
                self.plain(view, &resolved.pointer, hint)?
            }
            Class::Plain | Class::Same(_) if !self.inlining.insert(resolved.pointer.clone()) => {
                // A cycle that never passes a named type (`A: {items: {$ref: A}}`).
                TypeRef::Json
            }
            Class::Plain => {
                let ty = self.plain(view, &resolved.pointer, hint);
                self.inlining.remove(&resolved.pointer);
                ty?
            }
            Class::Same(member) => {
                let ty = self.lower_resolved(*member, hint);
                self.inlining.remove(&resolved.pointer);
                ty?
            }
            class => {
                let shape = resolved.component.is_none().then(|| self.shapes.shape(&resolved.item));
                if let Some(&id) = shape.as_ref().and_then(|key| self.by_shape.get(key)) {
                    self.share_name(id, hint);
                    TypeRef::Named(id)
                } else {
                    let id = self.declare(&hint.spelled());
                    self.by_pointer.insert(resolved.pointer.clone(), TypeRef::Named(id));
                    if let Some(key) = shape {
                        self.by_shape.insert(key, id);
                    }
                    let name = self.name_of(id);
                    let def = self.build(class, &resolved, &name)?;
                    self.fill(id, def);
                    TypeRef::Named(id)
                }
            }
        };
        Ok(if nullable || null_member { ty.nullable() } else { ty })
    }

    /// The members an object schema merges (itself, or its `allOf` members), or `None` when
    /// the schema is not an object. Used to look inside response envelopes.
    pub(super) fn object_members<'a>(
        &self,
        node: &'a ReferenceOr<Schema>,
        at: &Pointer,
    ) -> Result<Option<Vec<Resolved<'a, Schema>>>>
    where
        's: 'a,
    {
        let spec: &'a Spec = self.spec;
        let mut current = spec.resolve(node, at)?;
        for _ in 0..64 {
            current = match self.classify(&current)?.0 {
                Class::Object(members) => return Ok(Some(members)),
                Class::Same(member) => *member,
                _ => return Ok(None),
            };
        }
        Ok(None)
    }

    /// The properties of an object schema, merged across its members, with their types; `None`
    /// when the schema is not an object with properties.
    pub(super) fn properties(
        &mut self,
        node: &ReferenceOr<Schema>,
        at: &Pointer,
        hint: &str,
    ) -> Result<Option<Vec<Property>>> {
        let Some(members) = self.object_members(node, at)? else { return Ok(None) };
        let mut names: Vec<String> = Vec::new();
        let mut required = FxHashSet::default();
        for member in &members {
            let view = View(&member.item);
            for name in view.properties().into_iter().flat_map(|p| p.keys()) {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
            required.extend(view.required().iter().cloned());
        }
        let spec = self.spec;
        let mut properties = Vec::with_capacity(names.len());
        let owner = Hint::text(hint);
        for wire in names {
            let inline = members
                .iter()
                .find_map(|m| View(&m.item).properties()?.get(&wire).map(|n| (n, m.pointer.clone())));
            let (binary, doc, one_way) = match inline {
                Some((node, member_at)) => {
                    let property = spec.resolve_boxed(node, &member_at.join("properties").join(&wire))?;
                    let view = View(&property.item);
                    let binary = view.typ() == Some("string") && view.format() == Some("binary");
                    let data = &property.item.schema_data;
                    (binary, view.doc().map(str::to_owned), data.read_only || data.write_only)
                }
                None => (false, None, false),
            };
            let ty = match self.property_type_hinted(&members, &wire, owner.member(&wire))? {
                Some(_) if binary => TypeRef::Binary,
                Some(ty) => ty,
                None => TypeRef::Json,
            };
            properties.push(Property {
                required: required.contains(&wire) && !one_way,
                wire,
                ty,
                doc,
                binary,
            });
        }
        Ok(Some(properties))
    }

    /// The type of property `wire` across merged object members.
    pub(super) fn property_type(
        &mut self,
        members: &[Resolved<'_, Schema>],
        wire: &str,
        hint: &str,
    ) -> Result<Option<TypeRef>> {
        self.property_type_hinted(members, wire, Hint::text(hint))
    }

    fn property_type_hinted(
        &mut self,
        members: &[Resolved<'_, Schema>],
        wire: &str,
        hint: Hint<'_>,
    ) -> Result<Option<TypeRef>> {
        let nodes: PropertyNodes<'_> = members
            .iter()
            .filter_map(|m| {
                let node = View(&m.item).properties()?.get(wire)?;
                Some((node, m.pointer.join("properties").join(wire)))
            })
            .collect();
        if nodes.is_empty() {
            return Ok(None);
        }
        self.lower_property(&nodes, hint).map(Some)
    }

    /// Builds the definition of a named schema.
    fn define(&mut self, resolved: Resolved<'_, Schema>, name: &str) -> Result<Definition> {
        let (class, null_member) = self.classify(&resolved)?;
        let doc = View(&resolved.item).doc().map(str::to_owned);
        let wrap = |ty: TypeRef| if null_member { ty.nullable() } else { ty };
        match class {
            Class::Plain => {
                let ty = self.plain(View(&resolved.item), &resolved.pointer, Hint::text(name))?;
                Ok(Definition { doc, kind: TypeKind::Alias(wrap(ty)) })
            }
            Class::Same(member) => {
                let ty = self.lower_resolved(*member, Hint::text(name))?;
                Ok(Definition { doc, kind: TypeKind::Alias(wrap(ty)) })
            }
            class => self.build(class, &resolved, name),
        }
    }

    /// Decides what a schema becomes; the flag says a `null` member made it nullable. The
    /// members it names are borrowed from the document as the schema is (copied where the
    /// schema is a copy), not from `resolved` itself.
    fn classify<'a>(&self, resolved: &Resolved<'a, Schema>) -> Result<(Class<'a>, bool)>
    where
        's: 'a,
    {
        let schema: &Schema = &resolved.item;
        let view = View(schema);
        if !view.all_of().is_empty() {
            return Ok((self.classify_all_of(resolved)?, false));
        }
        let alternatives = view.alternatives();
        if !alternatives.is_empty() && view.properties().is_none() {
            let mut members = Vec::new();
            let mut null_member = false;
            for index in 0..alternatives.len() {
                let at = resolved.pointer.join(union_keyword(schema)).join(index);
                let member = self.member(resolved, |schema| View(schema).alternatives(), index, &at)?;
                if View(&member.item).typ() == Some("null") {
                    null_member = true;
                } else {
                    members.push(member);
                }
            }
            let class = match members.len() {
                0 => Class::Plain,
                1 => Class::Same(Box::new(members.remove(0))),
                // A union of bare types that admits any object or array is any JSON (Cloudflare's
                // `anyOf: [object, array, string]`); one of bare primitives is still a union.
                _ if members.iter().all(|m| View(&m.item).is_unconstrained())
                    && members
                        .iter()
                        .any(|m| matches!(View(&m.item).typ(), None | Some("object" | "array"))) =>
                {
                    Class::Plain
                }
                _ => Class::Union(members),
            };
            return Ok((class, null_member));
        }
        if view.is_enumerated() && matches!(view.typ(), None | Some("string")) {
            let values = view.enumeration();
            let null_member = values.iter().any(Value::is_null);
            let strings: Option<Vec<String>> = values
                .into_iter()
                .filter(|v| !v.is_null())
                .map(|v| match v {
                    Value::String(text) => Some(text),
                    _ => None,
                })
                .collect();
            return Ok(match strings {
                Some(strings) if !strings.is_empty() => (Class::Enum(strings), null_member),
                _ => (Class::Plain, null_member),
            });
        }
        if view.properties().is_some() {
            return Ok((Class::Object(vec![resolved.clone()]), false));
        }
        Ok((Class::Plain, false))
    }

    fn classify_all_of<'a>(&self, resolved: &Resolved<'a, Schema>) -> Result<Class<'a>>
    where
        's: 'a,
    {
        let view = View(&resolved.item);
        // `allOf: [$ref: X]`, with or without a description or a bare type beside it, is X
        // itself, not a copy of X's merged members.
        if view.properties().is_none() && view.additional_schema().is_none() {
            let mut direct = Vec::new();
            for index in 0..view.all_of().len() {
                let at = resolved.pointer.join("allOf").join(index);
                direct.push(self.member(resolved, |schema| View(schema).all_of(), index, &at)?);
            }
            let mut strong = direct.into_iter().filter(|m| !View(&m.item).is_unconstrained());
            if let (Some(only), None) = (strong.next(), strong.next()) {
                return Ok(Class::Same(Box::new(only)));
            }
        }
        let mut members = Vec::new();
        self.flatten_all_of(resolved.clone(), &mut members, 0)?;
        let strong: Vec<Resolved<'a, Schema>> =
            members.iter().filter(|m| !View(&m.item).is_unconstrained()).cloned().collect();
        let objects: Vec<Resolved<'a, Schema>> =
            strong.iter().filter(|m| View(&m.item).is_object_like()).cloned().collect();
        Ok(match (strong.len(), objects.len()) {
            // Nothing but bare types: the first that names one decides.
            (0, _) => match members.into_iter().find(|m| View(&m.item).typ().is_some()) {
                Some(member) if member.pointer != resolved.pointer => Class::Same(Box::new(member)),
                _ => Class::Plain,
            },
            (1, _) if strong[0].pointer != resolved.pointer => Class::Same(Box::new(strong[0].clone())),
            (_, 0) => Class::Same(Box::new(strong[0].clone())),
            _ => Class::Object(objects),
        })
    }

    /// Collects the members of nested `allOf`s in document order; a schema with its own
    /// properties next to `allOf` counts as a member too.
    fn flatten_all_of<'a>(
        &self,
        resolved: Resolved<'a, Schema>,
        out: &mut Vec<Resolved<'a, Schema>>,
        depth: usize,
    ) -> Result<()>
    where
        's: 'a,
    {
        let view = View(&resolved.item);
        if view.all_of().is_empty() || depth > 64 {
            out.push(resolved);
            return Ok(());
        }
        if view.properties().is_some() || view.additional_schema().is_some() {
            out.push(resolved.clone());
        }
        for index in 0..view.all_of().len() {
            let at = resolved.pointer.join("allOf").join(index);
            let member = self.member(&resolved, |schema| View(schema).all_of(), index, &at)?;
            if out.iter().any(|seen| seen.pointer == member.pointer) {
                continue;
            }
            self.flatten_all_of(member, out, depth + 1)?;
        }
        Ok(())
    }

    /// Member `index` of the list `list` finds in a schema (its `allOf`, `oneOf`/`anyOf`),
    /// resolved at `at`: borrowed from the document where the schema is, a copy where the
    /// schema is one.
    fn member<'a>(
        &self,
        resolved: &Resolved<'a, Schema>,
        list: fn(&Schema) -> &[ReferenceOr<Schema>],
        index: usize,
        at: &Pointer,
    ) -> Result<Resolved<'a, Schema>>
    where
        's: 'a,
    {
        let spec: &'a Spec = self.spec;
        match &resolved.item {
            Item::Borrowed(schema) => spec.resolve(&list(schema)[index], at),
            Item::Owned(schema) => {
                let node = list(schema)[index].clone();
                Ok(into_owned(spec.resolve(&node, at)?))
            }
        }
    }

    fn build(&mut self, class: Class<'_>, resolved: &Resolved<'_, Schema>, name: &str) -> Result<Definition> {
        let doc = View(&resolved.item).doc().map(str::to_owned);
        let kind = match class {
            Class::Object(members) => TypeKind::Struct(self.build_struct(&members, name)?),
            Class::Enum(values) => TypeKind::Enum(build_enum(&values, &value_labels(&resolved.item))),
            Class::Union(members) => TypeKind::Union(self.build_union(resolved, members, name)?),
            Class::Same(_) | Class::Plain => unreachable!("only named classes are built"),
        };
        Ok(Definition { doc, kind })
    }

    fn build_struct(&mut self, members: &[Resolved<'_, Schema>], name: &str) -> Result<Struct> {
        let mut properties: IndexMap<&str, PropertyNodes<'_>, FxBuildHasher> = IndexMap::default();
        let mut required: FxHashSet<&str> = FxHashSet::default();
        let mut additional = None;
        for member in members {
            let view = View(&member.item);
            for (wire, node) in view.properties().into_iter().flatten() {
                let at = member.pointer.join("properties").join(wire);
                properties.entry(wire.as_str()).or_default().push((node, at));
            }
            required.extend(view.required().iter().map(String::as_str));
            if additional.is_none() {
                additional =
                    view.additional_schema().map(|node| (node, member.pointer.join("additionalProperties")));
            }
        }
        // The members' names and `extra`.
        let mut scope = Scope::with_capacity(properties.len() + 1);
        let mut fields = Vec::with_capacity(properties.len());
        let owner = Hint::text(name);
        for (wire, nodes) in properties {
            let field_name = scope.claim(&snake(wire));
            let ty = self.lower_property(&nodes, owner.member(wire))?;
            let inline = nodes.iter().filter_map(|(node, _)| match node {
                ReferenceOr::Item(schema) => Some(View(schema)),
                ReferenceOr::Reference { .. } => None,
            });
            let doc = inline.clone().find_map(View::doc).map(str::to_owned);
            let deprecated = inline.clone().any(|v| v.0.schema_data.deprecated);
            fields.push(Field {
                name: field_name,
                wire: wire.to_owned(),
                ty,
                required: required.contains(wire) && !self.one_way(&nodes),
                boxed: false,
                doc,
                deprecated,
            });
        }
        let extra_name = scope.claim("extra");
        let value = match additional {
            Some((node, at)) => self.lower_hinted(node, &at, owner.then("Value"))?,
            None => TypeRef::Json,
        };
        Ok(Struct { fields, extra: Extra { name: extra_name, value } })
    }

    /// Whether a member travels one way only (`readOnly`: in answers, `writeOnly`: in
    /// requests): a type that serves both cannot require it (OpenAPI: `required` then holds for
    /// that way only).
    fn one_way(&self, nodes: &PropertyNodes<'_>) -> bool {
        nodes.iter().any(|(node, at)| {
            self.spec
                .resolve_boxed(node, at)
                .is_ok_and(|s| s.item.schema_data.read_only || s.item.schema_data.write_only)
        })
    }

    /// A property named by several `allOf` members: members without structure are dropped,
    /// several objects merge, otherwise the first member that says something wins.
    fn lower_property(&mut self, nodes: &PropertyNodes<'_>, hint: Hint<'_>) -> Result<TypeRef> {
        if let [(node, at)] = nodes.as_slice() {
            return self.lower_boxed_hinted(node, at, hint);
        }
        let spec = self.spec;
        let resolved =
            nodes.iter().map(|(node, at)| spec.resolve_boxed(node, at)).collect::<Result<Vec<_>>>()?;
        // One member that says something (a `$ref` next to bare `anyOf`s, as in Cloudflare's
        // envelopes) is the property's type as it is.
        let mut direct = resolved.iter().filter(|m| !View(&m.item).is_unconstrained());
        if let (Some(only), None) = (direct.next(), direct.next()) {
            return self.lower_resolved(only.clone(), hint);
        }
        let mut members = Vec::new();
        for member in resolved {
            self.flatten_all_of(member, &mut members, 0)?;
        }
        // A schema merged twice (two members reaching it) is one member: merges of merges
        // then come back to a combination already built instead of growing forever.
        let mut seen = FxHashSet::default();
        members.retain(|m| seen.insert(m.pointer.clone()));
        let strong: Vec<_> = members.iter().filter(|m| !View(&m.item).is_unconstrained()).cloned().collect();
        let objects: Vec<_> = strong.iter().filter(|m| View(&m.item).is_object_like()).cloned().collect();
        if strong.len() == 1 || (objects.len() < 2 && !strong.is_empty()) {
            return self.lower_resolved(strong.into_iter().next().expect("checked non-empty"), hint);
        }
        if strong.is_empty() {
            let first = members.into_iter().next().expect("a property has a node");
            return self.lower_resolved(first, hint);
        }
        let key = objects.iter().map(|m| m.pointer.to_string()).collect::<Vec<_>>().join("|");
        if let Some(id) = self.merged.get(&key) {
            return Ok(TypeRef::Named(*id));
        }
        let id = self.declare(&hint.spelled());
        self.merged.insert(key, id);
        let name = self.name_of(id);
        let doc = objects.iter().find_map(|m| View(&m.item).doc()).map(str::to_owned);
        let kind = TypeKind::Struct(self.build_struct(&objects, &name)?);
        self.fill(id, Definition { doc, kind });
        Ok(TypeRef::Named(id))
    }

    fn build_union(
        &mut self,
        union: &Resolved<'_, Schema>,
        members: Vec<Resolved<'_, Schema>>,
        name: &str,
    ) -> Result<Union> {
        let discriminator = union.item.schema_data.discriminator.as_ref();
        // OpenAPI 3.2's `defaultMapping` has no field in the 3.0 reader.
        let default_at = union.pointer.join("discriminator").join("defaultMapping");
        let default_target = self.spec.raw(&default_at).and_then(Value::as_str).map(str::to_owned);
        let mut default = None;
        let mut scope = Scope::new();
        let mut variants = Vec::with_capacity(members.len());
        for (index, member) in members.into_iter().enumerate() {
            let view = View(&member.item);
            let label = match (&member.component, view.0.schema_data.title.as_deref()) {
                (Some(component), _) => pascal(component),
                (None, Some(title)) => pascal(title),
                (None, None) => String::new(),
            };
            let tags: Vec<String> = match discriminator {
                Some(d) => {
                    let mapped: Vec<String> = d
                        .mapping
                        .iter()
                        .filter(|(_, target)| {
                            Pointer::from_ref(target).as_ref() == Some(&member.pointer)
                                || member.component.as_deref() == Some(target.as_str())
                        })
                        .map(|(value, _)| value.clone())
                        .collect();
                    match (&member.component, mapped.is_empty()) {
                        (Some(component), true) => vec![component.clone()],
                        _ => mapped,
                    }
                }
                None => Vec::new(),
            };
            let hint = if label.is_empty() {
                format!("{name}Variant{}", index + 1)
            } else {
                format!("{name}{label}")
            };
            let is_default = default_target.as_deref().is_some_and(|target| {
                Pointer::from_ref(target).as_ref() == Some(&member.pointer)
                    || member.component.as_deref() == Some(target)
            });
            let ty = self.lower_resolved(member, Hint::text(&hint))?;
            let variant_name = scope.claim(&if label.is_empty() { kind_word(&ty) } else { label });
            if is_default {
                default = Some(variant_name.clone());
            }
            variants.push(UnionVariant { name: variant_name, ty, boxed: false, tags });
        }
        let tagged = discriminator.is_some() && variants.iter().all(|v| !v.tags.is_empty());
        let has_catch_all = variants.iter().any(|v| matches!(v.ty.non_null(), TypeRef::Json));
        let fallback = (!has_catch_all).then(|| claim_first(&mut scope, &["Other", "Unknown", "OtherValue"]));
        Ok(Union {
            variants,
            discriminator: tagged.then(|| discriminator.map(|d| d.property_name.clone())).flatten(),
            fallback,
            default: default.filter(|_| tagged),
        })
    }

    /// Primitives, lists, maps and free-form JSON.
    fn plain(&mut self, view: View<'_>, at: &Pointer, hint: Hint<'_>) -> Result<TypeRef> {
        let values = view.enumeration();
        if !view.alternatives().is_empty() || view.is_not() {
            return Ok(TypeRef::Json);
        }
        if !values.is_empty() {
            let non_null: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            let ty = if non_null.is_empty() {
                TypeRef::Json
            } else if non_null.iter().all(|v| v.is_boolean()) {
                TypeRef::Bool
            } else if non_null.iter().all(|v| v.is_i64()) {
                integer(view.format())
            } else if non_null.iter().all(|v| v.is_number()) {
                TypeRef::F64
            } else {
                TypeRef::Json
            };
            return Ok(ty);
        }
        Ok(match view.typ() {
            Some("string") => match view.format() {
                Some("date-time") => TypeRef::DateTime,
                Some("date") => TypeRef::Date,
                Some("uuid") => TypeRef::Uuid,
                _ => TypeRef::String,
            },
            Some("integer") => integer(view.format()),
            Some("number") => match view.format() {
                Some("float") => TypeRef::F32,
                _ => TypeRef::F64,
            },
            Some("boolean") => TypeRef::Bool,
            Some("array") | None if view.items().is_some() => {
                let items = view.items().expect("checked above");
                let item = self.lower_boxed_hinted(items, &at.join("items"), hint.then("Item"))?;
                TypeRef::List(Box::new(item))
            }
            Some("array") => TypeRef::List(Box::new(TypeRef::Json)),
            Some("object") | None => match view.additional_schema() {
                Some(node) => {
                    let value =
                        self.lower_hinted(node, &at.join("additionalProperties"), hint.then("Value"))?;
                    TypeRef::Map(Box::new(value))
                }
                None if view.typ() == Some("object") || view.additional().is_some() => TypeRef::JsonObject,
                None => TypeRef::Json,
            },
            Some(_) => TypeRef::Json,
        })
    }

    /// A short name for a type, for enum variants that wrap it.
    pub fn describe(&self, ty: &TypeRef) -> String {
        match ty.non_null() {
            TypeRef::Named(id) => self.name_of(*id),
            other => kind_word(other),
        }
    }

    /// The finished types: recursive aliases cut, and every field, variant and error body
    /// that must be boxed (for recursion, for size, or to keep chains short) boxed.
    pub fn finish(self, error_bodies: &mut [ErrorBody]) -> Vec<TypeDef> {
        let mut types = self.types;
        super::cycles::break_alias_cycles(&mut types);
        super::cycles::box_recursive_fields(&mut types);
        super::cycles::box_large_payloads(&mut types, error_bodies);
        super::cycles::box_deep_chains(&mut types);
        types
    }
}

fn integer(format: Option<&str>) -> TypeRef {
    match format {
        Some("int32") => TypeRef::I32,
        Some("uint64" | "uint") => TypeRef::U64,
        Some("int128") => TypeRef::I128,
        Some("uint128") => TypeRef::U128,
        _ => TypeRef::I64,
    }
}

fn union_keyword(schema: &Schema) -> &'static str {
    match &schema.schema_kind {
        openapiv3::SchemaKind::AnyOf { .. } => "anyOf",
        openapiv3::SchemaKind::Any(any) if any.one_of.is_empty() => "anyOf",
        _ => "oneOf",
    }
}

fn into_owned<'a, T: Clone>(resolved: Resolved<'_, T>) -> Resolved<'a, T> {
    let item = match resolved.item {
        Item::Borrowed(item) => Box::new(item.clone()),
        Item::Owned(item) => item,
    };
    Resolved { item: Item::Owned(item), pointer: resolved.pointer, component: resolved.component }
}

/// Where the component schema `name` is.
fn component_at(name: &str) -> Pointer {
    Pointer::root().join("components").join("schemas").join(name)
}

/// Names and descriptions the spec gives enum values (`x-enum-varnames` and
/// `x-enum-descriptions`, lists in the order of `enum`), by value.
fn value_labels(schema: &Schema) -> FxHashMap<String, (Option<String>, Option<String>)> {
    let extensions = &schema.schema_data.extensions;
    let list =
        |key: &str| extensions.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let (names, docs) = (list("x-enum-varnames"), list("x-enum-descriptions"));
    if names.is_empty() && docs.is_empty() {
        return FxHashMap::default();
    }
    let text =
        |v: Option<&Value>| v.and_then(Value::as_str).filter(|t| !t.trim().is_empty()).map(str::to_owned);
    View(schema)
        .enum_texts()
        .into_iter()
        .enumerate()
        .filter_map(|(i, value)| Some((value?.to_owned(), (text(names.get(i)), text(docs.get(i))))))
        .collect()
}

/// Enums with more values than this are string newtypes with constants
/// ([`EnumRepr::Constants`]): `rustc` checks an `enum` and its matches of 10,000 values in
/// seconds, of 50,000 in minutes.
pub const LARGE_ENUM: usize = 1_000;

fn build_enum(values: &[String], labels: &FxHashMap<String, (Option<String>, Option<String>)>) -> Enum {
    let mut seen = FxHashSet::default();
    let distinct: Vec<&String> = values.iter().filter(|value| seen.insert(value.as_str())).collect();
    // The values' names and the catch-all's.
    let mut scope = Scope::with_capacity(distinct.len() + 1);
    let constants = distinct.len() > LARGE_ENUM;
    let case = if constants { shouty } else { pascal };
    let variants = distinct
        .into_iter()
        .map(|value| {
            let (label, doc) = labels.get(value).cloned().unwrap_or_default();
            let name = match label.as_deref().map(case).filter(|n| !n.is_empty()) {
                Some(name) => name,
                None if value.trim().is_empty() => case("Empty"),
                None => case(value),
            };
            Variant { name: scope.claim(&name), wire: value.clone(), doc }
        })
        .collect();
    let repr = if constants {
        EnumRepr::Constants
    } else {
        EnumRepr::Variants { other: claim_first(&mut scope, &["Other", "Unknown", "OtherValue"]) }
    };
    Enum { variants, repr }
}

fn claim_first(scope: &mut Scope, candidates: &[&str]) -> String {
    match candidates.iter().find(|c| !scope.contains(c)) {
        Some(free) => scope.claim(free),
        None => scope.claim(candidates[0]),
    }
}

/// A variant name for an unnamed union member, from its type.
fn kind_word(ty: &TypeRef) -> String {
    match ty.non_null() {
        TypeRef::String | TypeRef::Uuid => "String",
        TypeRef::Binary => "Bytes",
        TypeRef::Bool => "Bool",
        TypeRef::I32 | TypeRef::I64 | TypeRef::U64 | TypeRef::I128 | TypeRef::U128 => "Integer",
        TypeRef::F32 | TypeRef::F64 => "Number",
        TypeRef::DateTime => "DateTime",
        TypeRef::Date => "Date",
        TypeRef::List(_) => "List",
        TypeRef::Map(_) | TypeRef::JsonObject | TypeRef::Named(_) => "Object",
        TypeRef::Json | TypeRef::Nullable(_) => "Value",
    }
    .to_owned()
}
