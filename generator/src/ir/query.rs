//! Questions asked of the IR by more than one stage: what an alias finally stands for, which
//! types a value holds, which crates the generated code needs. Answered here once, so lowering
//! (which decides boxing and paging) and the emitters (which print) always agree.

use super::{
    Api, Operation, SchemeId, SchemeKind, Signature, StreamItem, Success, TypeDef, TypeKind, TypeRef,
};

/// Follows aliases to the type a reference finally stands for (at most once round every
/// type, so an alias cycle ends).
pub fn resolve<'t>(types: &'t [TypeDef], ty: &'t TypeRef) -> &'t TypeRef {
    let mut current = ty;
    for _ in 0..types.len() {
        match current {
            TypeRef::Named(id) => match &types[id.0].kind {
                TypeKind::Alias(target) => current = target,
                _ => return current,
            },
            _ => return current,
        }
    }
    current
}

/// Whether the type is a struct or a union (after aliases and `null`): the values that are
/// boxed where one large member would make every value of an enum large.
pub fn is_composite(types: &[TypeDef], ty: &TypeRef) -> bool {
    match resolve(types, ty.non_null()) {
        TypeRef::Named(id) => matches!(types[id.0].kind, TypeKind::Struct(_) | TypeKind::Union(_)),
        _ => false,
    }
}

/// Whether values of the type are strings (after aliases).
pub fn is_string(types: &[TypeDef], ty: &TypeRef) -> bool {
    matches!(resolve(types, ty), TypeRef::String)
}

/// Visits every type reference the generated code writes: members of the models, and the
/// parameters, bodies, results and error bodies of the operations.
pub fn visit_type_refs<'a>(api: &'a Api, visit: &mut impl FnMut(&'a TypeRef)) {
    for def in &api.types {
        match &def.kind {
            TypeKind::Struct(s) => {
                s.fields.iter().for_each(|f| visit(&f.ty));
                visit(&s.extra.value);
            }
            TypeKind::Union(u) => u.variants.iter().for_each(|v| visit(&v.ty)),
            TypeKind::Alias(ty) => visit(ty),
            TypeKind::Enum(_) => {}
        }
    }
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        operation_type_refs(op).into_iter().for_each(&mut *visit);
    }
    api.events.iter().filter_map(|e| e.payload.as_ref()).for_each(&mut *visit);
    api.error_bodies.iter().for_each(|e| visit(&e.ty));
}

/// The type references of one operation: its parameters, body and results (its error bodies
/// are the API's, in [`Api::error_bodies`]).
pub fn operation_type_refs(op: &Operation) -> Vec<&TypeRef> {
    let mut out: Vec<&TypeRef> = op.params.iter().map(|p| &p.ty).collect();
    out.extend(op.body.iter().map(|b| &b.ty));
    match &op.response {
        Success::Json(ty) | Success::Envelope { result: ty } => out.push(ty),
        Success::ByStatus { cases, .. } => out.extend(cases.iter().flat_map(|c| &c.body)),
        Success::Empty | Success::Text | Success::Bytes => {}
    }
    if let Some(StreamItem::Data(ty) | StreamItem::Event(ty)) = op.stream.as_ref().map(|s| &s.item) {
        out.push(ty);
    }
    out
}

/// Every combination of schemes some operation accepts (its security alternatives), each once,
/// in the order operations name them.
pub fn scheme_combinations(api: &Api) -> Vec<&Vec<SchemeId>> {
    let mut combinations: Vec<&Vec<SchemeId>> = Vec::new();
    for alternative in api.groups.iter().flat_map(|g| &g.operations).flat_map(|op| &op.security.alternatives)
    {
        if !combinations.contains(&alternative) {
            combinations.push(alternative);
        }
    }
    combinations
}

/// Whether a type reference names a type of the `types` module (in a list, map or option too).
pub fn names_a_type(ty: &TypeRef) -> bool {
    ty.parts().any(|part| matches!(part, TypeRef::Named(_)))
}

/// Which optional dependencies the generated code needs.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    pub chrono: bool,
    pub uuid: bool,
    /// The NAVER Cloud API Gateway signer (and its hmac, sha2 and base64).
    pub ncp_signature: bool,
    /// Answers read as they arrive (an SSE parser, byte streams).
    pub streams: bool,
}

impl Needs {
    pub fn of(api: &Api) -> Self {
        let ncp_signature = api.schemes.iter().any(|s| s.kind == SchemeKind::Signed(Signature::NcpApigwV2));
        let streams = api.groups.iter().flat_map(|g| &g.operations).any(|op| op.stream.is_some());
        let mut needs = Needs { ncp_signature, streams, ..Needs::default() };
        visit_type_refs(api, &mut |ty| {
            for part in ty.parts() {
                match part {
                    TypeRef::DateTime | TypeRef::Date => needs.chrono = true,
                    TypeRef::Uuid => needs.uuid = true,
                    _ => {}
                }
            }
        });
        needs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Extra, Struct, TypeId};

    fn def(name: &str, kind: TypeKind) -> TypeDef {
        TypeDef { name: name.into(), doc: None, kind }
    }

    #[test]
    fn aliases_resolve_to_what_they_stand_for_and_a_cycle_ends() {
        let object =
            Struct { fields: Vec::new(), extra: Extra { name: "extra".into(), value: TypeRef::Json } };
        let types = vec![
            def("Id", TypeKind::Alias(TypeRef::String)),
            def("UserId", TypeKind::Alias(TypeRef::Named(TypeId(0)))),
            def("Loop", TypeKind::Alias(TypeRef::Named(TypeId(2)))),
            def("Pet", TypeKind::Struct(object)),
            def("MaybePet", TypeKind::Alias(TypeRef::Named(TypeId(3)).nullable())),
        ];
        assert_eq!(resolve(&types, &TypeRef::Named(TypeId(1))), &TypeRef::String);
        assert!(is_string(&types, &TypeRef::Named(TypeId(1))));
        assert_eq!(resolve(&types, &TypeRef::Named(TypeId(2))), &TypeRef::Named(TypeId(2)));
        assert!(is_composite(&types, &TypeRef::Named(TypeId(3)).nullable()));
        assert!(!is_composite(&types, &TypeRef::Named(TypeId(4))), "an alias of an option is an option");
        assert!(!is_composite(&types, &TypeRef::Named(TypeId(0))));
    }
}
