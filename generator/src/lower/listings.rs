//! What listings tell about the types of their items, once paging is known: a name for one
//! item where the spec's name reads as many, and the enums their filters give its members.

use std::collections::{BTreeMap, HashSet};

use crate::ir::query::resolve;
use crate::ir::{Group, ParamLocation, TypeDef, TypeId, TypeKind, TypeRef};
use crate::naming;

/// Names the item type of listings after one item where its name is a plural (the spec's
/// `access_access-requests` for one log entry): the singular of what the listing's tag is
/// about (`AuthenticationLog`), or of its own name where listings of several tags share it.
pub fn name_items(types: &mut [TypeDef], groups: &[Group], package: &str) {
    let mut owners: BTreeMap<TypeId, Vec<String>> = BTreeMap::new();
    for group in groups {
        for op in &group.operations {
            let Some(paging) = &op.pagination else { continue };
            if let TypeRef::Named(id) = paging.item.non_null() {
                let owner = naming::owner(&group.tag, package);
                let list = owners.entry(*id).or_default();
                if !list.contains(&owner) {
                    list.push(owner);
                }
            }
        }
    }
    let mut taken: HashSet<String> = types.iter().map(|t| t.name.clone()).collect();
    for (id, owners) in owners {
        let name = &types[id.0].name;
        let words = naming::words(name);
        let Some(last) = words.last() else { continue };
        if naming::singular(last) == *last || !matches!(types[id.0].kind, TypeKind::Struct(_)) {
            continue;
        }
        let renamed = match owners.as_slice() {
            [owner] => owner.clone(),
            _ => naming::type_name(&naming::singular_last(words.clone()).join("_")),
        };
        if !taken.contains(&renamed) {
            taken.insert(renamed.clone());
            types[id.0].name = renamed;
        }
    }
}

/// Types a string member of a listing's item with the enum of the query parameter that
/// filters on it: same name, same description, and the parameter's values an enum (or a list
/// of one). The enum keeps any value it does not know, so nothing the server sends is lost.
pub fn type_filtered_members(types: &mut [TypeDef], groups: &[Group]) {
    for op in groups.iter().flat_map(|g| &g.operations) {
        let Some(paging) = &op.pagination else { continue };
        let TypeRef::Named(item) = resolve(types, paging.item.non_null()).clone() else { continue };
        let filters: Vec<(String, Option<String>, TypeId)> = op
            .params
            .iter()
            .filter(|p| matches!(p.location, ParamLocation::Query(_)))
            .filter_map(|p| {
                let values = match resolve(types, p.ty.non_null()) {
                    TypeRef::List(inner) => resolve(types, inner.non_null()).clone(),
                    other => other.clone(),
                };
                match values {
                    TypeRef::Named(id) if matches!(types[id.0].kind, TypeKind::Enum(_)) => {
                        Some((p.wire.clone(), p.doc.clone(), id))
                    }
                    _ => None,
                }
            })
            .collect();
        let TypeKind::Struct(entry) = &mut types[item.0].kind else { continue };
        for field in &mut entry.fields {
            let Some((_, _, id)) = filters.iter().find(|(wire, doc, _)| {
                *wire == field.wire && same_text(doc.as_deref(), field.doc.as_deref())
            }) else {
                continue;
            };
            field.ty = match &field.ty {
                TypeRef::String => TypeRef::Named(*id),
                TypeRef::Nullable(inner) if **inner == TypeRef::String => TypeRef::Named(*id).nullable(),
                _ => continue,
            };
        }
    }
}

fn same_text(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.split_whitespace().eq(b.split_whitespace()),
        _ => false,
    }
}
