//! The generated crate's README, which is also its crate documentation: its usage example is
//! compiled as a doctest.

use std::fmt::Write;

use crate::escape;
use crate::ir::Api;

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
    let _ = writeln!(
        out,
        "client, the same methods on a `Call` (what every operation returns) for one request.\n"
    );
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
            let flows = [
                (&scheme.oauth.client_credentials, "OAuth2 client credentials"),
                (&scheme.oauth.refresh, "an OAuth2 refresh token"),
            ];
            for (flow, what) in flows {
                if let Some(flow) = flow {
                    let _ = writeln!(
                        out,
                        "- `ClientBuilder::{}`: {what}; the client gets its tokens from {} and renews them",
                        crate::naming::bare(&flow.setter),
                        escape::code_span(&flow.url)
                    );
                }
            }
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## Configuration\n");
    let _ = writeln!(
        out,
        "`Client::from_env()` reads the base URL from {}{}.",
        escape::code_span(&api.base_url_env),
        if api.schemes.is_empty() { "" } else { " and credentials from these variables" }
    );
    if !api.schemes.is_empty() {
        out.push('\n');
        for scheme in &api.schemes {
            let names: Vec<String> = scheme.env.iter().map(|name| escape::code_span(name)).collect();
            let _ =
                writeln!(out, "- {}: {}", names.join(" and "), super::client::scheme_summary(&scheme.kind));
        }
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "With the `tracing` feature, every request is a `tracing` span (operation, method, path"
    );
    let _ = writeln!(out, "template, status, attempts) holding a span per attempt (status, duration).\n");
    if api.groups.len() > 1 {
        let names: Vec<String> =
            api.groups.iter().map(|g| escape::code_span(super::features::feature(g))).collect();
        let _ = writeln!(
            out,
            "Each tag is a cargo feature ({}); `full`, the default, is all of them. With",
            names.join(", ")
        );
        let _ = writeln!(
            out,
            "`default-features = false`, only the tags named are compiled, with the types they use.\n"
        );
    }
    let _ = writeln!(out, "## Operations\n");
    for group in &api.groups {
        let _ = writeln!(out, "### {}\n", escape::inline(&group.tag));
        let _ = writeln!(out, "| Call | Route | Summary |");
        let _ = writeln!(out, "| --- | --- | --- |");
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
        out.push('\n');
    }
    out
}

/// A usage example: the example of the first operation (a client from the environment, a
/// call), or else a client built from the environment.
fn example(api: &Api) -> String {
    let first = api.groups.iter().find_map(|g| g.operations.first().map(|op| (g, op)));
    match first {
        Some((group, op)) => super::example::code(api, group, op),
        None => {
            let krate = &api.crate_ident;
            format!(
                "async fn example() -> Result<(), {krate}::Error> {{\n    let client = {krate}::Client::from_env()?;\n    println!(\"{{client:?}}\");\n    Ok(())\n}}\n"
            )
        }
    }
}
