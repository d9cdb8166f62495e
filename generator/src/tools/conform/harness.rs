//! The harness of one client: a program that calls every operation once, with arguments
//! made from the spec, against the base URL it is given, and prints one JSON line per
//! operation with its outcome.

use openapiv3::ParameterSchemaOrContent;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use generator::emit::{ident, Types};
use generator::ir::{query::Needs, Api, Operation, ParamId, ParamLocation, SchemeKind, TypeRef};
use generator::load::Spec;
use generator::pointer::Pointer;

use super::values::{self, Members};

/// One operation as the harness reports it.
pub struct Call {
    pub operation: String,
    pub method: String,
    pub path: String,
}

/// The operations of the API, in the order the harness calls them.
pub fn calls(api: &Api) -> Vec<Call> {
    api.groups
        .iter()
        .flat_map(|g| &g.operations)
        .map(|op| Call {
            operation: op.id.clone(),
            method: op.http_method.clone(),
            path: op.path_template.clone(),
        })
        .collect()
}

/// The harness crate's manifest.
pub fn manifest(package: &str, client: &str, api: &Api) -> String {
    let needs = Needs::of(api);
    let mut out = format!(
        "[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{client} = {{ path = \"../{client}\" }}\nserde_json = \"1.0\"\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n"
    );
    if needs.chrono {
        out.push_str(
            "chrono = { version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }\n",
        );
    }
    if needs.uuid {
        out.push_str("uuid = { version = \"1\", features = [\"serde\"] }\n");
    }
    out
}

/// The harness's `main.rs`.
pub fn main_source(spec: &Spec, api: &Api) -> String {
    let client = format_ident!("{}", api.crate_ident);
    let types = Types::qualified(&api.types);
    let credentials = api.schemes.iter().map(|scheme| {
        let setter = ident(&scheme.setter);
        match &scheme.kind {
            SchemeKind::Basic => quote!(.#setter("user", "password")),
            SchemeKind::Signed(_) => quote!(.#setter("ACCESS_KEY", "SECRET_KEY")),
            SchemeKind::Bearer | SchemeKind::ApiKey { .. } => quote!(.#setter("credential")),
        }
    });
    let operations: Vec<(proc_macro2::Ident, &Operation)> = api
        .groups
        .iter()
        .flat_map(|group| group.operations.iter().map(|op| (ident(&group.accessor), op)))
        .collect();
    // One function per operation, called from a table: one `main` holding thousands of calls
    // takes the compiler minutes.
    let functions = operations.iter().enumerate().map(|(index, (accessor, op))| {
        let name = format_ident!("call_{index}");
        let body = call(spec, types, accessor, op);
        quote! {
            fn #name(client: &client::Client) -> Calls<'_> {
                Box::pin(async move { #body })
            }
        }
    });
    let table = operations.iter().enumerate().map(|(index, (_, op))| {
        let name = format_ident!("call_{index}");
        let id = &op.id;
        quote!((#id, #name),)
    });
    let file = quote! {
        use #client as client;
        // Arguments of some operations are models.
        #[allow(unused_imports)]
        use client::types;

        /// One call's outcome, its detail, and for an answer that did not decode its status and body.
        type Outcome = (&'static str, String, Option<(u16, String)>);

        fn outcome<T>(result: Result<Result<T, client::Error>, String>) -> Outcome {
            match result {
                Err(why) => ("not-called", why, None),
                Ok(Ok(_)) => ("ok", String::new(), None),
                Ok(Err(client::Error::Api(e))) => {
                    let text = e.raw_text();
                    let violations = e.headers.get("sl-violations").and_then(|v| v.to_str().ok()).map(str::to_owned);
                    if text.contains("stoplight.io/prism/errors#NO_") {
                        ("mock-wrong", format!("HTTP {}: {text}", e.status.as_u16()), None)
                    } else {
                        ("request-rejected", format!("HTTP {}: {}", e.status.as_u16(), violations.unwrap_or(text)), None)
                    }
                }
                Ok(Err(client::Error::Decode(e))) => {
                    let body = String::from_utf8_lossy(&e.raw).into_owned();
                    ("decode-failed", format!("at `{}`: {}", e.path, e.message), Some((e.status.as_u16(), body)))
                }
                Ok(Err(other)) => ("not-called", other.to_string(), None),
            }
        }

        /// Prints the outcome of an operation as a line of JSON: its first call that was not
        /// `ok` (the one with required arguments only, then the one with every argument), else `ok`.
        fn report(operation: &str, calls: &[(&str, Outcome)]) {
            let failed = calls.iter().find(|(_, (outcome, _, _))| *outcome != "ok");
            let mut line = serde_json::json!({ "operation": operation, "outcome": "ok", "detail": "" });
            if let Some((call, (outcome, detail, answer))) = failed {
                line["outcome"] = (*outcome).into();
                line["detail"] = format!("{call}: {detail}").into();
                if let Some((status, body)) = answer {
                    line["status"] = (*status).into();
                    line["body"] = body.as_str().into();
                }
            }
            println!("{line}");
        }

        #[tokio::main(flavor = "current_thread")]
        async fn main() {
            let base_url = std::env::args().nth(1).expect("the mock server's URL");
            let client = client::Client::builder()
                .base_url(base_url)
                #(#credentials)*
                .max_retries(0)
                .build()
                .expect("the client builds");
            for (operation, call) in CALLS {
                report(operation, &call(&client).await);
            }
        }

        /// The outcome of an operation's calls, each with what it set.
        type Outcomes = Vec<(&'static str, Outcome)>;

        /// The calls of one operation, run one after the other.
        type Calls<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Outcomes> + 'a>>;

        /// Every operation, in the order the report lists them.
        const CALLS: &[(&str, fn(&client::Client) -> Calls<'_>)] = &[#(#table)*];

        #(#functions)*
    };
    let parsed: syn::File = syn::parse2(file).expect("the harness is valid Rust");
    prettyplease::unparse(&parsed)
}

/// One operation's calls: with its required arguments only, then, where the operation takes
/// anything more, with every parameter, the optional body and every member set.
fn call(spec: &Spec, types: Types<'_>, accessor: &proc_macro2::Ident, op: &Operation) -> TokenStream {
    let required = one_call(spec, types, accessor, op, Members::Required);
    let everything = one_call(spec, types, accessor, op, Members::All);
    // Each call's future on the heap: a future holding every argument of a large operation
    // inline is large too.
    let first = quote!(("with required arguments", outcome(Box::pin(async { #required }).await)));
    if everything.to_string() == required.to_string() {
        return quote!(vec![#first]);
    }
    let second = quote!(("with every argument", outcome(Box::pin(async { #everything }).await)));
    quote!(vec![#first, #second])
}

/// The body of one call: its arguments made from the spec (required ones, or all of them),
/// then `.send()`.
fn one_call(
    spec: &Spec,
    types: Types<'_>,
    accessor: &proc_macro2::Ident,
    op: &Operation,
    members: Members,
) -> TokenStream {
    let method = ident(&op.method);
    let mut lets = Vec::new();
    let mut count = 0;
    // Binds a value made for `name` to a new variable of the argument's type.
    let mut bind = |name: &str, ty: &TypeRef, value: Result<Value, String>| {
        let variable = format_ident!("a{count}");
        count += 1;
        let ty = ty.non_null();
        let rust = types.ty(ty);
        lets.push(match (ty, value) {
            (TypeRef::Binary, _) => quote!(let #variable: Vec<u8> = b"conformance".to_vec();),
            (_, Err(why)) => quote!(let #variable: #rust = return Err(#why.to_owned());),
            (_, Ok(value)) => {
                let json = value.to_string();
                let why = format!("the value made for `{name}` does not decode: ");
                quote! {
                    let #variable: #rust = serde_json::from_str(#json).map_err(|e| format!("{}{e}", #why))?;
                }
            }
        });
        variable
    };
    let raw = raw_operation(spec, op);
    let missing = || format!("`{} {}` is not in the spec's paths", op.http_method, op.path_template);
    let param_value = |id: ParamId| {
        let param = &op.params[id];
        match &raw {
            Some((operation, at)) => param_value(spec, operation, at, &param.wire, param.location, members),
            None => Err(missing()),
        }
    };
    let body_value = |media: &str| match &raw {
        Some((operation, at)) => body_value(spec, operation, at, Some(media), members),
        None => Err(missing()),
    };
    let positional = op.positional();
    let mut arguments = Vec::new();
    for id in &positional {
        let param = &op.params[*id];
        arguments.push(bind(&param.name, &param.ty, param_value(*id)));
    }
    let mut setters = Vec::new();
    if let Some(body) = &op.body {
        if body.required {
            arguments.push(bind(&body.name, &body.ty, body_value(&body.media_type)));
        } else if members == Members::All {
            let setter = ident(&body.name);
            let variable = bind(&body.name, &body.ty, body_value(&body.media_type));
            setters.push(quote!(.#setter(#variable)));
        }
    }
    // The optional parameters: of each group of which one must be set, the first; with every
    // argument, all of them.
    let optional: Vec<ParamId> = match members {
        Members::Required => op.required_one_of.iter().filter_map(|group| group.first().copied()).collect(),
        // Not the others of a group: their members may exclude each other.
        Members::All => op
            .params_with_ids()
            .map(|(id, _)| id)
            .filter(|id| op.required_one_of.iter().all(|group| !group.contains(id) || group.first() == Some(id)))
            .collect(),
    };
    for id in optional.into_iter().filter(|id| !positional.contains(id)) {
        let param = &op.params[id];
        let setter = ident(&param.name);
        let variable = bind(&param.name, &param.ty, param_value(id));
        setters.push(quote!(.#setter(#variable)));
    }
    quote! {
        #(#lets)*
        Ok(client.#accessor().#method(#(#arguments),*)#(#setters)*.send().await)
    }
}

/// The operation as the spec gives it (with the path's shared parameters), and its pointer.
fn raw_operation(spec: &Spec, op: &Operation) -> Option<(openapiv3::Operation, Pointer)> {
    let node = spec.api.paths.paths.get(&op.path_template)?;
    let at = Pointer::root().join("paths").join(&op.path_template);
    let item = spec.resolve(node, &at).ok()?;
    let method = op.http_method.to_ascii_lowercase();
    let (_, found) = item.item.iter().find(|(m, _)| *m == method)?;
    let mut operation = found.clone();
    // Path-level parameters the operation does not override.
    for shared in &item.item.parameters {
        operation.parameters.push(shared.clone());
    }
    Some((operation, item.pointer.join(&method)))
}

fn param_value(
    spec: &Spec,
    op: &openapiv3::Operation,
    at: &Pointer,
    wire: &str,
    location: ParamLocation,
    members: Members,
) -> Result<Value, String> {
    if let ParamLocation::Multipart { .. } = location {
        let body = body_value(spec, op, at, Some("multipart/form-data"), members)?;
        return body.get(wire).cloned().ok_or_else(|| format!("no value made for the part `{wire}`"));
    }
    for (index, node) in op.parameters.iter().enumerate() {
        let node_at = at.join("parameters").join(index);
        let Ok(parameter) = spec.resolve(node, &node_at) else { continue };
        let data = parameter.item.parameter_data_ref();
        if data.name != wire {
            continue;
        }
        if let Some(example) = data.example.clone() {
            return Ok(example);
        }
        return match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                Ok(values::value(spec, schema, &parameter.pointer.join("schema"), members))
            }
            ParameterSchemaOrContent::Content(content) => content
                .iter()
                .find_map(|(_, media)| media.schema.as_ref())
                .map(|schema| values::value(spec, schema, &parameter.pointer, members))
                .ok_or_else(|| format!("parameter `{wire}` has no schema")),
        };
    }
    Err(format!("parameter `{wire}` is not among the operation's parameters"))
}

fn body_value(
    spec: &Spec,
    op: &openapiv3::Operation,
    at: &Pointer,
    media: Option<&str>,
    members: Members,
) -> Result<Value, String> {
    let node = op.request_body.as_ref().ok_or("the operation has no request body")?;
    let body = spec.resolve(node, &at.join("requestBody")).map_err(|d| d.message.clone())?;
    let (name, content) = body
        .item
        .content
        .iter()
        .find(|(name, _)| media.is_none_or(|m| name.split(';').next().unwrap_or_default().trim() == m))
        .or_else(|| body.item.content.iter().next())
        .ok_or("the request body has no media type")?;
    if let Some(example) = content.example.clone() {
        return Ok(example);
    }
    let schema = content.schema.as_ref().ok_or_else(|| format!("the `{name}` body has no schema"))?;
    Ok(values::value(spec, schema, &body.pointer.join("content").join(name).join("schema"), members))
}
