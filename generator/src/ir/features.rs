//! Which tags need which types: each tag is a cargo feature of the generated crate, and a
//! crate built with some tags compiles only their operations and the types those reach.

use std::collections::BTreeSet;

use super::{query, Api, TypeId, TypeKind, TypeRef};

/// What compiles a type or an error body variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Needed {
    /// Every build: the crate's own API uses it whatever the tags (the envelope's
    /// `result_info`, a webhook's body), or every tag does.
    Always,
    /// Builds with any of these groups (indices into [`Api::groups`]).
    By(BTreeSet<usize>),
    /// Only the full build: nothing reaches it.
    Full,
}

/// Which builds compile each type and each error body variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Features {
    pub types: Vec<Needed>,
    pub error_bodies: Vec<Needed>,
}

impl Features {
    pub fn of(api: &Api) -> Self {
        let groups = api.groups.len();
        let mut by_group: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); api.types.len()];
        let mut always = vec![false; api.types.len()];
        let mut bodies: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); api.error_bodies.len()];
        for (index, group) in api.groups.iter().enumerate() {
            let mut roots: Vec<&TypeRef> = Vec::new();
            for op in &group.operations {
                roots.extend(query::operation_type_refs(op));
                for case in &op.errors {
                    bodies[case.body.0].insert(index);
                    roots.push(&api.error_bodies[case.body.0].ty);
                }
            }
            for id in reach(api, roots) {
                by_group[id.0].insert(index);
            }
        }
        let shared = api.result_info.iter().chain(api.events.iter().filter_map(|e| e.payload.as_ref()));
        for id in reach(api, shared.collect()) {
            always[id.0] = true;
        }
        let needed = |users: BTreeSet<usize>, always: bool| match users.len() {
            _ if always => Needed::Always,
            0 => Needed::Full,
            n if n == groups => Needed::Always,
            _ => Needed::By(users),
        };
        Features {
            types: by_group.into_iter().zip(always).map(|(users, always)| needed(users, always)).collect(),
            error_bodies: bodies.into_iter().map(|users| needed(users, false)).collect(),
        }
    }
}

/// The named types `roots` reach, through members, variants, aliases, lists and maps.
fn reach(api: &Api, roots: Vec<&TypeRef>) -> BTreeSet<TypeId> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&TypeRef> = roots;
    while let Some(ty) = todo.pop() {
        for part in ty.parts() {
            let TypeRef::Named(id) = part else { continue };
            if !seen.insert(*id) {
                continue;
            }
            match &api.types[id.0].kind {
                TypeKind::Struct(s) => {
                    todo.extend(s.fields.iter().map(|f| &f.ty));
                    todo.push(&s.extra.value);
                }
                TypeKind::Union(u) => todo.extend(u.variants.iter().map(|v| &v.ty)),
                TypeKind::Alias(target) => todo.push(target),
                TypeKind::Enum(_) => {}
            }
        }
    }
    seen
}
