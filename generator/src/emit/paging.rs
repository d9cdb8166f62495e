//! `.pages()`, `.stream()` and the next-page step of paginated listings.

use super::rust::Types;
use super::source::Source;
use crate::escape;
use crate::ir::{Member, Operation, PageNext, PageStyle, Pagination, ParamId, TypeRef};

/// An integer member as an `Option<i64>` expression.
fn number(member: &Member) -> String {
    let value = format!("response.value.{}", member.field);
    match (&member.ty, member.optional) {
        (TypeRef::I64, true) => value,
        (TypeRef::I64, false) => format!("Some({value})"),
        (_, true) => format!("{value}.map(i64::from)"),
        (_, false) => format!("Some(i64::from({value}))"),
    }
}

/// An integer expression as `i64`.
fn widen(value: &str, ty: &TypeRef) -> String {
    match ty {
        TypeRef::I64 => value.to_owned(),
        _ => format!("i64::from({value})"),
    }
}

/// A number member of the envelope's `result_info` (bound to `info`) as an `Option<f64>`
/// expression; `None` where the type has no such member.
fn info_number(member: &Option<Member>) -> String {
    let Some(member) = member else { return "None".to_owned() };
    let field = &member.field;
    let value = if member.optional {
        format!("info.and_then(|info| info.{field})")
    } else {
        format!("info.map(|info| info.{field})")
    };
    match member.ty {
        TypeRef::F64 => value,
        TypeRef::F32 | TypeRef::I32 => format!("{value}.map(f64::from)"),
        _ => format!("{value}.map(|number| number as f64)"),
    }
}

/// A boolean member as a `bool` expression (absent is `false`).
fn flag(member: &Member) -> String {
    if member.optional {
        format!("response.value.{}.unwrap_or(false)", member.field)
    } else {
        format!("response.value.{}", member.field)
    }
}

/// Reads and writes the paging parameter of the builder, whatever its integer type and
/// whether it is positional (a plain field) or optional (an `Option`).
struct Parameter<'a> {
    field: &'a str,
    ty: TypeRef,
    positional: bool,
}

impl Parameter<'_> {
    /// The current value as `i64`, `default` when unset.
    fn current(&self, default: i64) -> String {
        let field = self.field;
        match (&self.ty, self.positional) {
            (TypeRef::I64, true) => format!("self.params.{field}"),
            (_, true) => format!("i64::from(self.params.{field})"),
            (TypeRef::I64, false) => format!("self.params.{field}.unwrap_or({default})"),
            (_, false) => format!("self.params.{field}.map_or({default}, i64::from)"),
        }
    }

    /// Sets it from the `i64` in `value`, giving up when it does not fit.
    fn set(&self, value: &str) -> String {
        let converted = match &self.ty {
            TypeRef::I64 => value.to_owned(),
            _ => format!("i32::try_from({value}).ok()?"),
        };
        if self.positional {
            format!("self.params.{} = {converted};", self.field)
        } else {
            format!("self.params.{} = Some({converted});", self.field)
        }
    }
}

/// The paging methods of a listing's `Call`, written inside its open `impl` block. `output`
/// is the type of a page.
pub fn paging_methods(
    source: &mut Source,
    types: Types<'_>,
    op: &Operation,
    pagination: &Pagination,
    output: &str,
) {
    let item = types.ty_text(&pagination.item);
    let (take, empty, count) = match &pagination.items {
        None => (
            "|items| items".to_owned(),
            "response.value.is_empty()".to_owned(),
            "response.value.len()".to_owned(),
        ),
        Some(member) => {
            let field = &member.field;
            if member.optional {
                (
                    format!("|page| page.{field}.unwrap_or_default()"),
                    format!("response.value.{field}.as_ref().is_none_or(Vec::is_empty)"),
                    format!("response.value.{field}.as_ref().map_or(0, Vec::len)"),
                )
            } else {
                (
                    format!("|page| page.{field}"),
                    format!("response.value.{field}.is_empty()"),
                    format!("response.value.{field}.len()"),
                )
            }
        }
    };
    source.line("/// Every page of this listing, each requested only when the stream gets to it.");
    source.signature(
        "pub fn pages",
        &["self".to_owned()],
        &format!(" -> runtime::paging::BoxStream<Result<Response<{output}>, Error>> {{"),
    );
    let arguments = [
        escape::rust_string(&op.id),
        "self".into(),
        "Self::send_with_response".into(),
        "Self::next_page".into(),
    ];
    source.call("runtime::paging::pages", &arguments, "");
    source.close("}");
    source.line("/// Every item of every page, in order, fetched page by page as the stream is read.");
    source.signature(
        "pub fn stream",
        &["self".to_owned()],
        &format!(" -> runtime::paging::BoxStream<Result<{item}, Error>> {{"),
    );
    source.line(format_args!("runtime::paging::items(self.pages(), {take})"));
    source.close("}");
    source.line("/// The request for the page after `response`, or `None` after the last page.");
    source.signature(
        "fn next_page",
        &["mut self".to_owned(), format!("response: &Response<{output}>")],
        " -> Option<Self> {",
    );
    next_page(source, types, op, pagination, &empty, &count);
    source.line("Some(self)");
    source.close("}");
}

/// The statements that turn a builder into the next page's, or return `None`.
fn next_page(
    source: &mut Source,
    types: Types<'_>,
    op: &Operation,
    pagination: &Pagination,
    empty: &str,
    count: &str,
) {
    let positional = op.positional();
    let param_of = |id: ParamId| {
        let param = &op.params[id];
        Parameter {
            field: param.name.as_str(),
            ty: types.resolve(param.ty.non_null()).clone(),
            positional: positional.contains(&id),
        }
    };
    // `if condition { return None; }`
    let stop_if = |source: &mut Source, condition: &str| {
        source.open(format_args!("if {condition} {{"));
        source.line("return None;");
        source.close("}");
    };
    match &pagination.style {
        PageStyle::Page { param, next } => {
            let param = param_of(*param);
            let current = param.current(1);
            match next {
                PageNext::Field(member) => {
                    stop_if(source, empty);
                    source.line(format_args!("let next = {}?;", number(member)));
                    stop_if(source, &format!("next <= {current}"));
                    source.line(param.set("next"));
                }
                PageNext::HasMore(member) => {
                    stop_if(source, &format!("{empty} || !{}", flag(member)));
                    source.line(param.set(&format!("{current} + 1")));
                }
                PageNext::Total(member) => {
                    let field = &member.field;
                    let last = if member.optional {
                        let total = widen("total", &member.ty);
                        format!("response.value.{field}.is_some_and(|total| page >= {total})")
                    } else {
                        format!("page >= {}", widen(&format!("response.value.{field}"), &member.ty))
                    };
                    source.line(format_args!("let page = {current};"));
                    stop_if(source, &format!("{empty} || {last}"));
                    source.line(param.set("page + 1"));
                }
                PageNext::ResultInfo(counts) => {
                    let [pages, count, per_page] =
                        [&counts.total_pages, &counts.total_count, &counts.per_page].map(info_number);
                    source.line(format_args!("let page = {current};"));
                    if counts.total_pages.is_some()
                        || counts.total_count.is_some()
                        || counts.per_page.is_some()
                    {
                        source.line("let info = response.result_info.as_ref();");
                    }
                    stop_if(
                        source,
                        &format!(
                            "{empty} || !runtime::paging::more_pages(page, {pages}, {count}, {per_page})"
                        ),
                    );
                    source.line(param.set("page + 1"));
                }
                PageNext::UntilEmpty => {
                    stop_if(source, empty);
                    source.line(param.set(&format!("{current} + 1")));
                }
            }
        }
        PageStyle::Cursor { param, next } => {
            let field = &op.params[*param].name;
            let next_field = &next.field;
            let cursor = if next.optional {
                format!("response.value.{next_field}.clone()?")
            } else {
                format!("response.value.{next_field}.clone()")
            };
            let (same, set) = if positional.contains(param) {
                (format!("self.params.{field} == cursor"), format!("self.params.{field} = cursor;"))
            } else {
                (
                    format!("self.params.{field}.as_ref() == Some(&cursor)"),
                    format!("self.params.{field} = Some(cursor);"),
                )
            };
            stop_if(source, empty);
            source.line(format_args!("let cursor = {cursor};"));
            // An empty or repeated cursor would start the listing over.
            stop_if(source, &format!("cursor.is_empty() || {same}"));
            source.line(set);
        }
        PageStyle::Offset { param } => {
            let param = param_of(*param);
            let current = param.current(0);
            source.method_statement(format_args!("let received = i64::try_from({count})"), "ok()?", ";");
            stop_if(source, "received == 0");
            source.line(param.set(&format!("{current} + received")));
        }
    }
}
