//! `$ref` resolution (all are local once the spec is bundled). References into `#/components/...` are looked up in the typed
//! document; any other local pointer is read from the raw tree and typed on demand, so specs
//! that point into `#/paths/...` work too.

use std::borrow::Cow;

use openapiv3::{
    Components, Header, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema, SecurityScheme,
};
use serde::de::DeserializeOwned;

use super::{typed, Pointer, Spec};
use crate::error::Diagnostic;

/// A resolved node: the item and the pointer where it actually lives.
#[derive(Debug, Clone)]
pub struct Resolved<'a, T: Clone> {
    pub item: Item<'a, T>,
    pub pointer: Pointer,
    /// The component name when the item was reached through `#/components/<kind>/<name>`.
    pub component: Option<String>,
}

/// An item a node resolves to: borrowed from the typed document, or typed from the raw one
/// (where a `$ref` points outside the components). A copy is boxed: items are large (a
/// schema is a kilobyte), and a resolved node is handed on by value at every level of a schema.
#[derive(Debug, Clone)]
pub enum Item<'a, T> {
    Borrowed(&'a T),
    Owned(Box<T>),
}

impl<T> std::ops::Deref for Item<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        match self {
            Item::Borrowed(item) => item,
            Item::Owned(item) => item,
        }
    }
}

/// The kinds of items a `$ref` can name, each with its components section.
pub trait Referable: Clone + DeserializeOwned {
    const SECTION: &'static str;
    fn components(components: &Components) -> &indexmap::IndexMap<String, ReferenceOr<Self>>;
}

macro_rules! referable {
    ($type:ty, $section:literal, $field:ident) => {
        impl Referable for $type {
            const SECTION: &'static str = $section;
            fn components(c: &Components) -> &indexmap::IndexMap<String, ReferenceOr<Self>> {
                &c.$field
            }
        }
    };
}

referable!(Schema, "schemas", schemas);
referable!(Parameter, "parameters", parameters);
referable!(Response, "responses", responses);
referable!(RequestBody, "requestBodies", request_bodies);
referable!(Header, "headers", headers);
referable!(SecurityScheme, "securitySchemes", security_schemes);

/// Path items have no section in 3.0 components (3.1's `pathItems` are read from the raw
/// document like any other pointer).
impl Referable for PathItem {
    const SECTION: &'static str = "pathItems";
    fn components(_: &Components) -> &indexmap::IndexMap<String, ReferenceOr<Self>> {
        static NONE: std::sync::OnceLock<indexmap::IndexMap<String, ReferenceOr<PathItem>>> =
            std::sync::OnceLock::new();
        NONE.get_or_init(indexmap::IndexMap::new)
    }
}

/// How many `$ref`s may be chained before the chain is called a loop.
const MAX_REF_CHAIN: usize = 64;

impl Spec {
    /// Follows `$ref`s from `node` (found at `at`) to the item they name.
    pub fn resolve<'a, T: Referable>(
        &'a self,
        node: &'a ReferenceOr<T>,
        at: &Pointer,
    ) -> Result<Resolved<'a, T>, Diagnostic> {
        self.follow(Cow::Borrowed(node), at)
    }

    /// [`Spec::resolve`] for the boxed nodes of properties and items.
    pub fn resolve_boxed<'a, T: Referable>(
        &'a self,
        node: &'a ReferenceOr<Box<T>>,
        at: &Pointer,
    ) -> Result<Resolved<'a, T>, Diagnostic> {
        match node {
            ReferenceOr::Item(item) => {
                Ok(Resolved { item: Item::Borrowed(&**item), pointer: at.clone(), component: None })
            }
            ReferenceOr::Reference { reference } => {
                self.follow(Cow::Owned(ReferenceOr::Reference { reference: reference.clone() }), at)
            }
        }
    }

    fn follow<'a, T: Referable>(
        &'a self,
        node: Cow<'a, ReferenceOr<T>>,
        at: &Pointer,
    ) -> Result<Resolved<'a, T>, Diagnostic> {
        let mut pointer = at.clone();
        let mut component = None;
        let mut current = node;
        for _ in 0..MAX_REF_CHAIN {
            let reference = match current {
                Cow::Borrowed(ReferenceOr::Item(item)) => {
                    return Ok(Resolved { item: Item::Borrowed(item), pointer, component });
                }
                Cow::Owned(ReferenceOr::Item(item)) => {
                    return Ok(Resolved { item: Item::Owned(Box::new(item)), pointer, component });
                }
                Cow::Borrowed(ReferenceOr::Reference { reference }) => reference.clone(),
                Cow::Owned(ReferenceOr::Reference { reference }) => reference,
            };
            let target = Pointer::from_ref(&reference).ok_or_else(|| {
                self.error(
                    &pointer.join("$ref"),
                    format!("`{reference}` is not a local reference: expected `#/...`"),
                )
            })?;
            let tokens: Vec<String> = target.tokens().collect();
            let in_components = tokens.len() == 3 && tokens[0] == "components" && tokens[1] == T::SECTION;
            let found = in_components
                .then_some(self.api.components.as_ref())
                .flatten()
                .and_then(|c| T::components(c).get(&tokens[2]));
            current = match found {
                Some(next) => Cow::Borrowed(next),
                None => {
                    let raw = self.raw(&target).ok_or_else(|| {
                        self.error(
                            &pointer.join("$ref"),
                            format!("`{reference}` points at nothing in this document"),
                        )
                    })?;
                    Cow::Owned(typed(raw).map_err(|(inner, message)| {
                        let inner = inner.tokens().fold(target.clone(), |p, t| p.join(t));
                        self.error(&inner, format!("target of `{reference}` is not valid: {message}"))
                    })?)
                }
            };
            component = in_components.then(|| tokens[2].clone());
            pointer = target;
        }
        Err(self.error(at, format!("`$ref` chain longer than {MAX_REF_CHAIN}: is it a loop?")))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::load::parse;

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: string, format: uuid}
components:
  schemas:
    Pet: {type: object}
    Alias: {$ref: '#/components/schemas/Pet'}
    Loop: {$ref: '#/components/schemas/Loop'}
    Elsewhere: {$ref: '#/paths/~1pets/get/responses/200/content/application~1json/schema'}
    Missing: {$ref: '#/components/schemas/Nope'}
"#;

    fn schema<'a>(spec: &'a Spec, name: &str) -> Result<Resolved<'a, Schema>, Diagnostic> {
        let node = &spec.api.components.as_ref().unwrap().schemas[name];
        let at = Pointer::root().join("components").join("schemas").join(name);
        spec.resolve(node, &at)
    }

    #[test]
    fn follows_chains_and_reports_where_the_item_lives() {
        let spec = parse(Path::new("s.yaml"), SPEC).unwrap();
        let alias = schema(&spec, "Alias").unwrap();
        assert_eq!(alias.pointer.to_string(), "#/components/schemas/Pet");
        assert_eq!(alias.component.as_deref(), Some("Pet"));
        let elsewhere = schema(&spec, "Elsewhere").unwrap();
        assert!(elsewhere.component.is_none());
        assert_eq!(
            elsewhere.pointer.to_string(),
            "#/paths/~1pets/get/responses/200/content/application~1json/schema"
        );
    }

    #[test]
    fn bad_refs_are_diagnostics() {
        let spec = parse(Path::new("s.yaml"), SPEC).unwrap();
        assert!(schema(&spec, "Loop").unwrap_err().message.contains("loop"));
        let missing = schema(&spec, "Missing").unwrap_err();
        assert_eq!(missing.pointer.to_string(), "#/components/schemas/Missing/$ref");
        assert!(missing.message.contains("points at nothing"));
    }
}
