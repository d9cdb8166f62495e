//! Which operations are paginated listings, and how their pages are walked: found from the
//! names of their parameters and response members, or set in `generator.toml` for APIs whose
//! paging cannot be inferred.

use crate::ir::query::resolve;
use crate::ir::{
    InfoPages, Member, Operation, PageNext, PageStyle, Pagination, ParamId, ParamLocation, Success, TypeDef,
    TypeKind, TypeRef,
};
use crate::naming::words;
use crate::options::{PagingSetting, PagingStyle};

/// Member names that hold the items of a page, most likely first.
const ITEMS: &[&str] = &[
    "data", "items", "results", "docs", "records", "entries", "values", "list", "elements", "objects",
    "nodes", "content", "rows", "hits",
];
const PAGE_PARAMS: &[&str] = &["page", "page_number", "page_num", "page_index"];
const CURSOR_PARAMS: &[&str] = &[
    "cursor",
    "page_token",
    "next_token",
    "starting_after",
    "after",
    "continuation_token",
    "continuation",
    "marker",
    "next_cursor",
    "next_page_token",
    "page_cursor",
    "pagination_token",
];
const OFFSET_PARAMS: &[&str] = &["offset", "skip", "start", "start_index"];
const NEXT_CURSOR: &[&str] = &[
    "next_cursor",
    "next_page_token",
    "next_token",
    "continuation_token",
    "next_marker",
    "cursor",
    "next",
    "end_cursor",
    "pagination_token",
    "marker",
];
const NEXT_PAGE: &[&str] = &["next_page", "next_page_number"];
const HAS_MORE: &[&str] = &["has_next_page", "has_more", "has_next", "more", "has_more_pages"];
const TOTAL_PAGES: &[&str] = &["total_pages", "page_count", "pages", "last_page", "num_pages"];

/// Names compared across styles: `nextPage`, `next_page` and `NextPage` are one name.
fn key(name: &str) -> String {
    words(name).join("_")
}

/// A member of a response: its name as sent and as compared ([`key`], found once).
struct Named {
    wire: String,
    key: String,
    member: Member,
}

fn named(fields: &[crate::ir::Field], types: &[TypeDef]) -> Vec<Named> {
    let named = |f: &crate::ir::Field| Named {
        wire: f.wire.clone(),
        key: key(&f.wire),
        member: Member::of(f, types),
    };
    fields.iter().map(named).collect()
}

/// The paging of an operation, from its setting or else inferred; `Err` explains a setting
/// that does not fit the operation.
pub fn paging(
    op: &Operation,
    types: &[TypeDef],
    result_info: Option<&TypeRef>,
    setting: Option<&PagingSetting>,
) -> Result<Option<Pagination>, String> {
    let info = info_pages(types, result_info);
    match setting {
        Some(setting) => configured(op, types, info, setting),
        None if op.http_method == "GET" => Ok(inferred(op, types, info)),
        None => Ok(None),
    }
}

const TOTAL_COUNT: &[&str] = &["total_count", "total", "count_total"];
const PER_PAGE: &[&str] = &["per_page", "page_size"];

/// The members of an envelope's `result_info` that count pages or items, where its type is
/// known: a listing in such envelopes pages until its page count.
fn info_pages(types: &[TypeDef], result_info: Option<&TypeRef>) -> InfoPages {
    let Some(TypeRef::Named(id)) = result_info.map(|ty| resolve(types, ty.non_null())) else {
        return InfoPages::default();
    };
    let TypeKind::Struct(info) = &types[id.0].kind else { return InfoPages::default() };
    let members = named(&info.fields, types);
    let number = |ty: &TypeRef| matches!(ty, TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64);
    InfoPages {
        total_pages: find(&members, TOTAL_PAGES, number).cloned(),
        total_count: find(&members, TOTAL_COUNT, number).cloned(),
        per_page: find(&members, PER_PAGE, number).cloned(),
    }
}

/// What the success value is: a list, or a struct with members.
enum Value {
    List(TypeRef),
    Struct(Vec<Named>),
    Other,
}

fn success_value(op: &Operation, types: &[TypeDef]) -> (Value, bool) {
    let (ty, envelope) = match &op.response {
        Success::Envelope { result } => (result, true),
        Success::Json(ty) => (ty, false),
        _ => return (Value::Other, false),
    };
    let value = match resolve(types, ty) {
        TypeRef::List(item) => Value::List((**item).clone()),
        TypeRef::Named(id) => match &types[id.0].kind {
            TypeKind::Struct(s) => Value::Struct(named(&s.fields, types)),
            _ => Value::Other,
        },
        _ => Value::Other,
    };
    (value, envelope)
}

fn find<'m>(members: &'m [Named], names: &[&str], fits: impl Fn(&TypeRef) -> bool) -> Option<&'m Member> {
    names.iter().find_map(|name| {
        members.iter().find(|named| named.key == *name && fits(&named.member.ty)).map(|named| &named.member)
    })
}

fn is_integer(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::I32 | TypeRef::I64)
}

fn query_param(
    op: &Operation,
    keys: &[String],
    types: &[TypeDef],
    names: &[&str],
    fits: impl Fn(&TypeRef) -> bool,
) -> Option<ParamId> {
    names.iter().find_map(|name| {
        op.params
            .iter()
            .zip(keys)
            .position(|(p, key)| {
                matches!(p.location, ParamLocation::Query(_))
                    && key == name
                    && fits(resolve(types, p.ty.non_null()))
            })
            .map(ParamId)
    })
}

/// The items of the success value: the value itself, or its one list member (preferring the
/// usual names when it has several).
fn items(value: &Value) -> Option<(Option<Member>, TypeRef)> {
    match value {
        Value::List(item) => Some((None, item.clone())),
        Value::Struct(members) => {
            let lists: Vec<&Named> =
                members.iter().filter(|n| matches!(n.member.ty, TypeRef::List(_))).collect();
            let chosen = match lists.as_slice() {
                [only] => Some(*only),
                _ => ITEMS.iter().find_map(|name| lists.iter().find(|n| n.key == *name).copied()),
            }?;
            let TypeRef::List(item) = &chosen.member.ty else { return None };
            Some((Some(chosen.member.clone()), (**item).clone()))
        }
        Value::Other => None,
    }
}

fn inferred(op: &Operation, types: &[TypeDef], info: InfoPages) -> Option<Pagination> {
    let (value, envelope) = success_value(op, types);
    let (items, item) = items(&value)?;
    let members: &[Named] = match &value {
        Value::Struct(members) => members,
        _ => &[],
    };
    let keys: Vec<String> = op.params.iter().map(|p| key(&p.wire)).collect();
    let string = |ty: &TypeRef| matches!(ty, TypeRef::String);
    if let Some(param) = query_param(op, &keys, types, CURSOR_PARAMS, string) {
        if let Some(next) = find(members, NEXT_CURSOR, string) {
            return Some(Pagination { items, item, style: PageStyle::Cursor { param, next: next.clone() } });
        }
    }
    if let Some(param) = query_param(op, &keys, types, PAGE_PARAMS, is_integer) {
        let next = if let Some(next) = find(members, NEXT_PAGE, is_integer) {
            PageNext::Field(next.clone())
        } else if let Some(more) = find(members, HAS_MORE, |t| *t == TypeRef::Bool) {
            PageNext::HasMore(more.clone())
        } else if let Some(total) = find(members, TOTAL_PAGES, is_integer) {
            PageNext::Total(total.clone())
        } else if envelope {
            PageNext::ResultInfo(info)
        } else {
            PageNext::UntilEmpty
        };
        return Some(Pagination { items, item, style: PageStyle::Page { param, next } });
    }
    let param = query_param(op, &keys, types, OFFSET_PARAMS, is_integer)?;
    Some(Pagination { items, item, style: PageStyle::Offset { param } })
}

fn configured(
    op: &Operation,
    types: &[TypeDef],
    info: InfoPages,
    setting: &PagingSetting,
) -> Result<Option<Pagination>, String> {
    if setting.style == PagingStyle::None {
        return Ok(None);
    }
    let (value, envelope) = success_value(op, types);
    let members: &[Named] = match &value {
        Value::Struct(members) => members,
        _ => &[],
    };
    let member = |wire: &str| {
        members
            .iter()
            .find(|n| n.wire == wire)
            .map(|n| n.member.clone())
            .ok_or_else(|| format!("the response has no member `{wire}`"))
    };
    let (items, item) = match &setting.items {
        Some(wire) => {
            let member = member(wire)?;
            let TypeRef::List(item) = &member.ty else { return Err(format!("`{wire}` is not a list")) };
            let item = (**item).clone();
            (Some(member), item)
        }
        None => {
            items(&value).ok_or("the items cannot be found (the response is not a list and has no single list member, or has several lists); name their member in `items`")?
        }
    };
    let param = |defaults: &[&str]| {
        let index = match &setting.param {
            Some(wire) => op.params.iter().position(|p| &p.wire == wire),
            None => defaults.iter().find_map(|name| op.params.iter().position(|p| key(&p.wire) == *name)),
        };
        index.map(ParamId).ok_or_else(|| match &setting.param {
            Some(wire) => format!("the operation has no parameter `{wire}`"),
            None => "no paging parameter found; name it in `param`".to_owned(),
        })
    };
    let style = match setting.style {
        PagingStyle::Page => {
            let param = param(PAGE_PARAMS)?;
            if !is_integer(resolve(types, op.params[param].ty.non_null())) {
                return Err(format!("page parameter `{}` is not an integer", op.params[param].wire));
            }
            let next = match &setting.next {
                Some(wire) => {
                    let next = member(wire)?;
                    match next.ty {
                        TypeRef::Bool => PageNext::HasMore(next),
                        TypeRef::I32 | TypeRef::I64 => PageNext::Field(next),
                        _ => return Err(format!("`{wire}` is neither a page number nor a boolean")),
                    }
                }
                None if envelope => PageNext::ResultInfo(info),
                None => PageNext::UntilEmpty,
            };
            PageStyle::Page { param, next }
        }
        PagingStyle::Cursor => {
            let param = param(CURSOR_PARAMS)?;
            let wire = setting
                .next
                .as_deref()
                .ok_or("a cursor listing needs `next`: the member with the next cursor")?;
            let next = member(wire)?;
            if next.ty != TypeRef::String {
                return Err(format!("`{wire}` is not a string"));
            }
            PageStyle::Cursor { param, next }
        }
        PagingStyle::Offset => PageStyle::Offset { param: param(OFFSET_PARAMS)? },
        PagingStyle::None => unreachable!("handled above"),
    };
    Ok(Some(Pagination { items, item, style }))
}
