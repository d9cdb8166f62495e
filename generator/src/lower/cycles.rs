//! Analyses over the finished type graph, where every boxing decision is made: which fields
//! must be boxed because a type reaches itself by value or holds too long a chain of types by
//! value, which enum payloads are boxed for size, and which aliases would expand forever.

use crate::ir::query::is_composite;
use crate::ir::{ErrorBody, TypeDef, TypeId, TypeKind, TypeRef};

/// The named types a type reference contains by value: lists and maps are already on the
/// heap, `Option` is not; aliases are looked through.
fn by_value(ty: &TypeRef, types: &[TypeDef], out: &mut Vec<TypeId>, depth: usize) {
    match ty {
        TypeRef::Named(id) => match &types[id.0].kind {
            TypeKind::Alias(target) if depth < types.len() => by_value(target, types, out, depth + 1),
            TypeKind::Alias(_) => {}
            _ => out.push(*id),
        },
        TypeRef::Nullable(inner) => by_value(inner, types, out, depth),
        _ => {}
    }
}

/// `type A = Vec<A>;` does not compile: an alias that reaches itself through other aliases
/// becomes free-form JSON.
pub fn break_alias_cycles(types: &mut [TypeDef]) {
    for start in 0..types.len() {
        if !matches!(types[start].kind, TypeKind::Alias(_)) {
            continue;
        }
        let mut stack = vec![TypeId(start)];
        let mut seen = vec![false; types.len()];
        let mut cyclic = false;
        while let Some(id) = stack.pop() {
            let TypeKind::Alias(target) = &types[id.0].kind else { continue };
            let next = target.parts().filter_map(|part| match part {
                TypeRef::Named(id) => Some(*id),
                _ => None,
            });
            for n in next {
                if n.0 == start {
                    cyclic = true;
                } else if !seen[n.0] {
                    seen[n.0] = true;
                    stack.push(n);
                }
            }
        }
        if cyclic {
            types[start].kind = TypeKind::Alias(TypeRef::Json);
        }
    }
}

/// Boxes every struct field and union variant whose type lies in the same strongly connected
/// component of the by-value graph as its owner (so the type has a finite size).
pub fn box_recursive_fields(types: &mut [TypeDef]) {
    let edges: Vec<Vec<TypeId>> = types
        .iter()
        .map(|def| {
            let mut out = Vec::new();
            match &def.kind {
                TypeKind::Struct(s) => s.fields.iter().for_each(|f| by_value(&f.ty, types, &mut out, 0)),
                TypeKind::Union(u) => u.variants.iter().for_each(|v| by_value(&v.ty, types, &mut out, 0)),
                TypeKind::Enum(_) | TypeKind::Alias(_) => {}
            }
            out
        })
        .collect();
    let component = strongly_connected(&edges);
    let same = |owner: usize, ty: &TypeRef, types: &[TypeDef]| {
        let mut out = Vec::new();
        by_value(ty, types, &mut out, 0);
        out.iter().any(|target| component[target.0] == component[owner])
    };
    for owner in 0..types.len() {
        let boxes: Vec<bool> = match &types[owner].kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| same(owner, &f.ty, types)).collect(),
            TypeKind::Union(u) => u.variants.iter().map(|v| same(owner, &v.ty, types)).collect(),
            _ => continue,
        };
        match &mut types[owner].kind {
            TypeKind::Struct(s) => s.fields.iter_mut().zip(boxes).for_each(|(f, b)| f.boxed = b),
            TypeKind::Union(u) => u.variants.iter_mut().zip(boxes).for_each(|(v, b)| v.boxed = b),
            _ => {}
        }
    }
}

/// Boxes union variants and error bodies that hold a struct or a union, so one large member
/// does not make every value of the enum large. Runs after [`box_recursive_fields`], which
/// sets the variants' boxing from scratch.
pub fn box_large_payloads(types: &mut [TypeDef], error_bodies: &mut [ErrorBody]) {
    for owner in 0..types.len() {
        let TypeKind::Union(u) = &types[owner].kind else { continue };
        let large: Vec<bool> = u.variants.iter().map(|v| is_composite(types, &v.ty)).collect();
        if let TypeKind::Union(u) = &mut types[owner].kind {
            u.variants.iter_mut().zip(large).for_each(|(v, large)| v.boxed |= large);
        }
    }
    for body in error_bodies {
        body.boxed = is_composite(types, &body.ty);
    }
}

/// The longest chain of types held by value that a type may head. `rustc` computes a layout
/// one query deeper per level and stops at 128 (its default recursion limit), and an
/// `async fn` holding the type adds a few more, so chains are cut well below that.
pub const MAX_BY_VALUE_DEPTH: usize = 32;

/// Boxes fields and union variants so no type holds a by-value chain deeper than
/// [`MAX_BY_VALUE_DEPTH`]. Runs after [`box_recursive_fields`], when what is left unboxed is
/// acyclic; each type's height is computed after its members' (iteratively: chains may be
/// thousands of types long), and a member whose height reaches the limit is boxed.
pub fn box_deep_chains(types: &mut [TypeDef]) {
    let members = |def: &TypeDef, types: &[TypeDef]| -> Vec<(bool, Vec<TypeId>)> {
        let targets = |ty: &TypeRef| {
            let mut out = Vec::new();
            by_value(ty, types, &mut out, 0);
            out
        };
        match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| (f.boxed, targets(&f.ty))).collect(),
            TypeKind::Union(u) => u.variants.iter().map(|v| (v.boxed, targets(&v.ty))).collect(),
            TypeKind::Enum(_) | TypeKind::Alias(_) => Vec::new(),
        }
    };
    const UNKNOWN: usize = usize::MAX;
    let mut height = vec![UNKNOWN; types.len()];
    let mut expanding = vec![false; types.len()];
    for root in 0..types.len() {
        let mut work = vec![(root, false)];
        while let Some((node, expanded)) = work.pop() {
            if height[node] != UNKNOWN || (!expanded && expanding[node]) {
                continue;
            }
            let node_members = members(&types[node], types);
            if !expanded {
                expanding[node] = true;
                work.push((node, true));
                for (_, targets) in node_members.iter().filter(|(boxed, _)| !boxed) {
                    work.extend(targets.iter().filter(|t| height[t.0] == UNKNOWN).map(|t| (t.0, false)));
                }
                continue;
            }
            let mut tallest = 0;
            let mut to_box = Vec::new();
            for (index, (boxed, targets)) in node_members.iter().enumerate() {
                if *boxed {
                    continue;
                }
                // A target still unknown here is on the path being expanded: only a cycle
                // (boxed already) could do that, so it counts as nothing.
                let member = targets.iter().map(|t| height[t.0]).filter(|h| *h != UNKNOWN).max().unwrap_or(0);
                if member >= MAX_BY_VALUE_DEPTH {
                    to_box.push(index);
                } else {
                    tallest = tallest.max(member);
                }
            }
            match &mut types[node].kind {
                TypeKind::Struct(s) => to_box.iter().for_each(|i| s.fields[*i].boxed = true),
                TypeKind::Union(u) => to_box.iter().for_each(|i| u.variants[*i].boxed = true),
                _ => {}
            }
            height[node] = tallest + 1;
        }
    }
}

/// Tarjan's algorithm, iterative so deep type chains cannot overflow the stack. Returns the
/// component number of every node.
fn strongly_connected(edges: &[Vec<TypeId>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![UNVISITED; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != UNVISITED {
            continue;
        }
        // (node, position of the next edge to look at)
        let mut work = vec![(root, 0usize)];
        while let Some(&(node, edge)) = work.last() {
            if edge == 0 && index[node] == UNVISITED {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(target) = edges[node].get(edge).map(|t| t.0) {
                if let Some(top) = work.last_mut() {
                    top.1 += 1;
                }
                if index[target] == UNVISITED {
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Extra, Field, Struct};

    fn field(ty: TypeRef) -> Field {
        Field {
            name: "f".into(),
            wire: "f".into(),
            ty,
            required: false,
            boxed: false,
            doc: None,
            deprecated: false,
        }
    }

    fn object(name: &str, fields: Vec<TypeRef>) -> TypeDef {
        TypeDef {
            name: name.into(),
            doc: None,
            kind: TypeKind::Struct(Struct {
                fields: fields.into_iter().map(field).collect(),
                extra: Extra { name: "extra".into(), value: TypeRef::Json },
            }),
        }
    }

    fn boxed(def: &TypeDef) -> Vec<bool> {
        match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| f.boxed).collect(),
            _ => unreachable!(),
        }
    }

    #[test]
    fn only_edges_inside_a_cycle_are_boxed() {
        let named = |i| TypeRef::Named(TypeId(i));
        let mut types = vec![
            // Node { next: Option<Node>, children: Vec<Node>, leaf: Leaf }
            object("Node", vec![named(0).nullable(), TypeRef::List(Box::new(named(0))), named(1)]),
            object("Leaf", vec![TypeRef::String]),
            // A -> B -> A, through an alias
            object("A", vec![named(3)]),
            object("B", vec![named(4)]),
            TypeDef { name: "AliasA".into(), doc: None, kind: TypeKind::Alias(named(2)) },
        ];
        box_recursive_fields(&mut types);
        assert_eq!(boxed(&types[0]), [true, false, false]);
        assert_eq!(boxed(&types[1]), [false]);
        assert_eq!(boxed(&types[2]), [true]);
        assert_eq!(boxed(&types[3]), [true]);
    }

    #[test]
    fn long_by_value_chains_are_cut() {
        let named = |i| TypeRef::Named(TypeId(i));
        let length = 5 * MAX_BY_VALUE_DEPTH;
        let mut types: Vec<TypeDef> = (0..length)
            .map(|i| if i + 1 < length { object("S", vec![named(i + 1)]) } else { object("Leaf", vec![]) })
            .collect();
        box_recursive_fields(&mut types);
        box_deep_chains(&mut types);
        let boxed_at: Vec<usize> = (0..length).filter(|i| boxed(&types[*i]).first() == Some(&true)).collect();
        assert!(!boxed_at.is_empty());
        // No run of unboxed links is as long as the limit.
        let mut run = 0;
        for def in &types {
            run = if boxed(def).first() == Some(&false) { run + 1 } else { 0 };
            assert!(run < MAX_BY_VALUE_DEPTH);
        }
        // A short chain is left as it is.
        let mut short = vec![object("A", vec![named(1)]), object("B", vec![named(2)]), object("C", vec![])];
        box_deep_chains(&mut short);
        assert_eq!(boxed(&short[0]), [false]);
    }

    #[test]
    fn self_referencing_aliases_become_json() {
        let mut types = vec![
            TypeDef {
                name: "A".into(),
                doc: None,
                kind: TypeKind::Alias(TypeRef::List(Box::new(TypeRef::Named(TypeId(1))))),
            },
            TypeDef { name: "B".into(), doc: None, kind: TypeKind::Alias(TypeRef::Named(TypeId(0))) },
            TypeDef { name: "C".into(), doc: None, kind: TypeKind::Alias(TypeRef::Named(TypeId(0))) },
        ];
        break_alias_cycles(&mut types);
        assert_eq!(types[0].kind, TypeKind::Alias(TypeRef::Json));
        // Once A is cut, B and C are plain aliases of it.
        assert_eq!(types[1].kind, TypeKind::Alias(TypeRef::Named(TypeId(0))));
        assert_eq!(types[2].kind, TypeKind::Alias(TypeRef::Named(TypeId(0))));
    }
}
