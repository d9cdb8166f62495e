//! `.pages()`, `.stream()` and the next-page step of paginated listings.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{ident, Types};
use crate::ir::{Member, Operation, PageNext, PageStyle, Pagination, ParamId, TypeRef};

/// An integer member as an `Option<i64>` expression.
fn number(member: &Member) -> TokenStream {
    let field = ident(&member.field);
    let value = quote!(response.value.#field);
    match (&member.ty, member.optional) {
        (TypeRef::I64, true) => value,
        (TypeRef::I64, false) => quote!(Some(#value)),
        (_, true) => quote!(#value.map(i64::from)),
        (_, false) => quote!(Some(i64::from(#value))),
    }
}

/// An integer expression as `i64`.
fn widen(value: TokenStream, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::I64 => value,
        _ => quote!(i64::from(#value)),
    }
}

/// A number member of the envelope's `result_info` (bound to `info`) as an `Option<f64>`
/// expression; `None` where the type has no such member.
fn info_number(member: &Option<Member>) -> TokenStream {
    let Some(member) = member else { return quote!(None) };
    let field = ident(&member.field);
    let value = if member.optional {
        quote!(info.and_then(|info| info.#field))
    } else {
        quote!(info.map(|info| info.#field))
    };
    match member.ty {
        TypeRef::F64 => value,
        TypeRef::F32 | TypeRef::I32 => quote!(#value.map(f64::from)),
        _ => quote!(#value.map(|number| number as f64)),
    }
}

/// A boolean member as a `bool` expression (absent is `false`).
fn flag(member: &Member) -> TokenStream {
    let field = ident(&member.field);
    if member.optional {
        quote!(response.value.#field.unwrap_or(false))
    } else {
        quote!(response.value.#field)
    }
}

/// Reads and writes the paging parameter of the builder, whatever its integer type and
/// whether it is positional (a plain field) or optional (an `Option`).
struct Parameter {
    field: proc_macro2::Ident,
    ty: TypeRef,
    positional: bool,
}

impl Parameter {
    /// The current value as `i64`, `default` when unset.
    fn current(&self, default: i64) -> TokenStream {
        let field = &self.field;
        let default = proc_macro2::Literal::i64_unsuffixed(default);
        match (&self.ty, self.positional) {
            (TypeRef::I64, true) => quote!(self.params.#field),
            (_, true) => quote!(i64::from(self.params.#field)),
            (TypeRef::I64, false) => quote!(self.params.#field.unwrap_or(#default)),
            (_, false) => quote!(self.params.#field.map_or(#default, i64::from)),
        }
    }

    /// Sets it from the `i64` in `value`, giving up when it does not fit.
    fn set(&self, value: TokenStream) -> TokenStream {
        let field = &self.field;
        let converted = match &self.ty {
            TypeRef::I64 => value,
            _ => quote!(i32::try_from(#value).ok()?),
        };
        if self.positional {
            quote!(self.params.#field = #converted;)
        } else {
            quote!(self.params.#field = Some(#converted);)
        }
    }
}

pub fn paging_methods(
    types: Types<'_>,
    op: &Operation,
    pagination: &Pagination,
    output: &TokenStream,
) -> TokenStream {
    let item = types.ty(&pagination.item);
    let (take, empty, count) = match &pagination.items {
        None => (quote!(|items| items), quote!(response.value.is_empty()), quote!(response.value.len())),
        Some(member) => {
            let field = ident(&member.field);
            if member.optional {
                (
                    quote!(|page| page.#field.unwrap_or_default()),
                    quote!(response.value.#field.as_ref().is_none_or(Vec::is_empty)),
                    quote!(response.value.#field.as_ref().map_or(0, Vec::len)),
                )
            } else {
                (
                    quote!(|page| page.#field),
                    quote!(response.value.#field.is_empty()),
                    quote!(response.value.#field.len()),
                )
            }
        }
    };
    let positional = op.positional();
    let param_of = |id: ParamId| {
        let param = &op.params[id];
        Parameter {
            field: ident(&param.name),
            ty: types.resolve(param.ty.non_null()).clone(),
            positional: positional.contains(&id),
        }
    };
    let step = match &pagination.style {
        PageStyle::Page { param, next } => {
            let param = param_of(*param);
            let current = param.current(1);
            match next {
                PageNext::Field(member) => {
                    let next = number(member);
                    let set = param.set(quote!(next));
                    quote! {
                        if #empty {
                            return None;
                        }
                        let next = #next?;
                        if next <= #current {
                            return None;
                        }
                        #set
                    }
                }
                PageNext::HasMore(member) => {
                    let more = flag(member);
                    let set = param.set(quote!(#current + 1));
                    quote! {
                        if #empty || !#more {
                            return None;
                        }
                        #set
                    }
                }
                PageNext::Total(member) => {
                    let field = ident(&member.field);
                    let last = if member.optional {
                        let total = widen(quote!(total), &member.ty);
                        quote!(response.value.#field.is_some_and(|total| page >= #total))
                    } else {
                        let total = widen(quote!(response.value.#field), &member.ty);
                        quote!(page >= #total)
                    };
                    let set = param.set(quote!(page + 1));
                    quote! {
                        let page = #current;
                        if #empty || #last {
                            return None;
                        }
                        #set
                    }
                }
                PageNext::ResultInfo(counts) => {
                    let set = param.set(quote!(page + 1));
                    let [pages, count, per_page] =
                        [&counts.total_pages, &counts.total_count, &counts.per_page].map(info_number);
                    let read_info = (counts.total_pages.is_some()
                        || counts.total_count.is_some()
                        || counts.per_page.is_some())
                    .then(|| quote!(let info = response.result_info.as_ref();));
                    quote! {
                        let page = #current;
                        #read_info
                        if #empty || !runtime::paging::more_pages(page, #pages, #count, #per_page) {
                            return None;
                        }
                        #set
                    }
                }
                PageNext::UntilEmpty => {
                    let set = param.set(quote!(#current + 1));
                    quote! {
                        if #empty {
                            return None;
                        }
                        #set
                    }
                }
            }
        }
        PageStyle::Cursor { param, next } => {
            let field = ident(&op.params[*param].name);
            let next_field = ident(&next.field);
            let cursor = if next.optional {
                quote!(response.value.#next_field.clone()?)
            } else {
                quote!(response.value.#next_field.clone())
            };
            let (same, set) = if positional.contains(param) {
                (quote!(self.params.#field == cursor), quote!(self.params.#field = cursor;))
            } else {
                (
                    quote!(self.params.#field.as_ref() == Some(&cursor)),
                    quote!(self.params.#field = Some(cursor);),
                )
            };
            quote! {
                if #empty {
                    return None;
                }
                let cursor = #cursor;
                // An empty or repeated cursor would start the listing over.
                if cursor.is_empty() || #same {
                    return None;
                }
                #set
            }
        }
        PageStyle::Offset { param } => {
            let param = param_of(*param);
            let current = param.current(0);
            let set = param.set(quote!(#current + received));
            quote! {
                let received = i64::try_from(#count).ok()?;
                if received == 0 {
                    return None;
                }
                #set
            }
        }
    };
    let operation = &op.id;
    quote! {
        /// Every page of this listing, each requested only when the stream gets to it.
        pub fn pages(self) -> runtime::paging::BoxStream<Result<Response<#output>, Error>> {
            runtime::paging::pages(#operation, self, Self::send_with_response, Self::next_page)
        }

        /// Every item of every page, in order, fetched page by page as the stream is read.
        pub fn stream(self) -> runtime::paging::BoxStream<Result<#item, Error>> {
            runtime::paging::items(self.pages(), #take)
        }

        /// The request for the page after `response`, or `None` after the last page.
        fn next_page(mut self, response: &Response<#output>) -> Option<Self> {
            #step
            Some(self)
        }
    }
}
