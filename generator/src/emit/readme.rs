//! The generated crate's README, which is also its crate documentation: its usage example is
//! compiled as a doctest.

use std::fmt::Write;

use super::rust::Types;
use crate::escape;
use crate::ir::{Api, Operation, SchemeId, SchemeKind, TypeRef};

pub fn readme(api: &Api) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", api.package);
    let _ = writeln!(
        out,
        "A typed Rust client for the {} (version {}), generated from {}.\n",
        escape::inline(&api.display_name()),
        escape::inline(&api.version),
        escape::code_span(&api.source)
    );
    for line in escape::markdown_lines([api.description.as_deref()]) {
        let _ = writeln!(out, "{line}");
    }
    if api.description.as_deref().is_some_and(|d| !d.trim().is_empty()) {
        out.push('\n');
    }
    let _ = writeln!(out, "## Usage\n");
    let _ = writeln!(out, "```rust,no_run\n{}```\n", example(api));
    let _ = writeln!(
        out,
        "Required parameters are arguments; optional ones are builder methods. A request is sent"
    );
    let _ = writeln!(
        out,
        "with `.await` (or `.send().await`); `.send_with_response()` also returns the status and"
    );
    let _ = writeln!(
        out,
        "headers. Failures are [`Error`] values: `Error::Api` carries the HTTP status, the API's"
    );
    let _ = writeln!(out, "error messages and the decoded error body.\n");
    let _ = writeln!(
        out,
        "Each attempt times out after 60 s; failed requests are retried twice where that is safe"
    );
    let _ = writeln!(
        out,
        "(connection failures, 408, 409, 429, 5xx), with exponential backoff or as long as the"
    );
    let _ = writeln!(
        out,
        "server's `Retry-After` asks. `ClientBuilder::timeout`/`max_retries` change that for the"
    );
    let _ = writeln!(out, "client, the same methods on a request builder for one request.\n");
    let listings: Vec<String> = api
        .groups
        .iter()
        .flat_map(|g| g.operations.iter().filter(|op| op.pagination.is_some()).map(move |op| (g, op)))
        .map(|(g, op)| {
            format!("`{}().{}`", crate::naming::bare(&g.accessor), crate::naming::bare(&op.method))
        })
        .collect();
    if !listings.is_empty() {
        let _ = writeln!(
            out,
            "Listings ({}) also have `.stream()`, every item of every page fetched lazily,",
            listings.join(", ")
        );
        let _ = writeln!(out, "and `.pages()`, the whole pages.\n");
    }
    if !api.schemes.is_empty() {
        let _ = writeln!(out, "## Authentication\n");
        for scheme in &api.schemes {
            let summary = super::client::scheme_summary(&scheme.kind);
            let _ = writeln!(out, "- `ClientBuilder::{}`: {summary}", crate::naming::bare(&scheme.setter));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## Operations\n");
    let _ = writeln!(out, "| Call | Route | Summary |");
    let _ = writeln!(out, "| --- | --- | --- |");
    for group in &api.groups {
        for op in &group.operations {
            let args: Vec<&str> =
                op.positional().iter().map(|i| crate::naming::bare(&op.params[*i].name)).collect();
            let mut args = args.join(", ");
            if op.body.as_ref().is_some_and(|b| b.required) {
                if !args.is_empty() {
                    args.push_str(", ");
                }
                args.push_str("body");
            }
            let call = format!(
                "{}().{}({args})",
                crate::naming::bare(&group.accessor),
                crate::naming::bare(&op.method)
            );
            let summary = op.summary.as_deref().unwrap_or_default().lines().next().unwrap_or_default();
            let route = format!("{} {}", op.http_method, op.path_template);
            let _ = writeln!(
                out,
                "| `{call}` | {} | {} |",
                escape::table_cell_code(&route),
                escape::inline(summary)
            );
        }
    }
    out
}

/// A usage example: build a client, call the first operation whose arguments are easy to
/// write down.
fn example(api: &Api) -> String {
    let types = Types::qualified(&api.types);
    let crate_name = &api.crate_ident;
    let mut out = String::new();
    let _ = writeln!(out, "use {crate_name}::{{Client, Error}};\n");
    let _ = writeln!(out, "async fn example() -> Result<(), Error> {{");
    let _ = writeln!(out, "    let client = Client::builder()");
    if api.base_url.is_none() {
        let _ = writeln!(out, "        .base_url(\"https://api.example.com\")");
    }
    let call = api
        .groups
        .iter()
        .find_map(|g| g.operations.iter().find_map(|op| call_arguments(types, op).map(|args| (g, op, args))));
    let schemes: Vec<SchemeId> = match call {
        Some((_, op, _)) => op.security.alternatives.first().cloned().unwrap_or_default(),
        None => api.schemes.first().map(|_| vec![SchemeId(0)]).unwrap_or_default(),
    };
    for index in schemes {
        let scheme = &api.schemes[index];
        let setter = crate::naming::bare(&scheme.setter);
        let value = match scheme.kind {
            SchemeKind::Basic => "\"username\", \"password\"".to_owned(),
            SchemeKind::Signed(_) => "\"ACCESS_KEY\", \"SECRET_KEY\"".to_owned(),
            _ => escape::rust_string(&scheme.key.to_ascii_uppercase()),
        };
        let _ = writeln!(out, "        .{setter}({value})");
    }
    let _ = writeln!(out, "        .build()?;");
    if let Some((group, op, args)) = call {
        let _ = writeln!(out, "    let response = client");
        let _ = writeln!(out, "        .{}()", crate::naming::bare(&group.accessor));
        let (arguments, setters) = args;
        let _ = writeln!(out, "        .{}({})", crate::naming::bare(&op.method), arguments.join(", "));
        for setter in setters {
            let _ = writeln!(out, "        {setter}");
        }
        let _ = writeln!(out, "        .await?;");
        let _ = writeln!(out, "    println!(\"{{response:?}}\");");
    } else {
        let _ = writeln!(out, "    println!(\"{{client:?}}\");");
    }
    let _ = writeln!(out, "    Ok(())");
    let _ = writeln!(out, "}}");
    out
}

/// A literal for an example value of a parameter, if its type has a simple one.
fn example_value(types: Types<'_>, param: &crate::ir::Param) -> Option<String> {
    let placeholder = escape::rust_string(&param.wire);
    match types.resolve(param.ty.non_null()) {
        TypeRef::String => Some(placeholder),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U64 | TypeRef::I128 | TypeRef::U128 => Some("1".to_owned()),
        TypeRef::F32 | TypeRef::F64 => Some("1.0".to_owned()),
        TypeRef::Bool => Some("true".to_owned()),
        TypeRef::List(item) if types.is_string(item) => Some(format!("[{placeholder}]")),
        _ => None,
    }
}

/// The example call of an operation: literal positional arguments, then the setters that
/// its required-one-of rules need; `None` when some value is not simple to write.
fn call_arguments(types: Types<'_>, op: &Operation) -> Option<(Vec<String>, Vec<String>)> {
    if op.body.as_ref().is_some_and(|b| b.required) {
        return None;
    }
    let positional = op.positional();
    let arguments =
        positional.iter().map(|index| example_value(types, &op.params[*index])).collect::<Option<_>>()?;
    let setters = op
        .required_one_of
        .iter()
        .filter(|group| !group.iter().any(|index| positional.contains(index)))
        .map(|group| {
            let param = &op.params[*group.first()?];
            Some(format!(".{}({})", crate::naming::bare(&param.name), example_value(types, param)?))
        })
        .collect::<Option<_>>()?;
    Some((arguments, setters))
}
