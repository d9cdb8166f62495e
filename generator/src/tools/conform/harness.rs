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

use super::values;

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
    let calls = api.groups.iter().flat_map(|group| {
        let accessor = ident(&group.accessor);
        group.operations.iter().map(move |op| call(spec, types, &accessor, op))
    });
    let file = quote! {
        use #client as client;
        // Arguments of some operations are models.
        #[allow(unused_imports)]
        use client::types;

        /// Prints the outcome of one call as a line of JSON.
        fn report<T>(operation: &str, result: Result<Result<T, client::Error>, String>) {
            let (outcome, detail) = match result {
                Err(why) => ("not-called", why),
                Ok(Ok(_)) => ("ok", String::new()),
                Ok(Err(client::Error::Api(e))) => {
                    let text = e.raw_text();
                    let violations = e.headers.get("sl-violations").and_then(|v| v.to_str().ok()).map(str::to_owned);
                    if text.contains("stoplight.io/prism/errors#NO_") {
                        ("mock-wrong", format!("HTTP {}: {text}", e.status.as_u16()))
                    } else {
                        ("request-rejected", format!("HTTP {}: {}", e.status.as_u16(), violations.unwrap_or(text)))
                    }
                }
                Ok(Err(client::Error::Decode(e))) => {
                    let body = String::from_utf8_lossy(&e.raw);
                    let body: String = body.chars().take(300).collect();
                    ("decode-failed", format!("at `{}`: {}; body: {body}", e.path, e.message))
                }
                Ok(Err(other)) => ("not-called", other.to_string()),
            };
            println!("{}", serde_json::json!({ "operation": operation, "outcome": outcome, "detail": detail }));
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
            #(#calls)*
        }
    };
    let parsed: syn::File = syn::parse2(file).expect("the harness is valid Rust");
    prettyplease::unparse(&parsed)
}

/// One operation's call: its positional arguments made from the spec, then `.send()`.
fn call(spec: &Spec, types: Types<'_>, accessor: &proc_macro2::Ident, op: &Operation) -> TokenStream {
    let method = ident(&op.method);
    let id = &op.id;
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
            Some((operation, at)) => param_value(spec, operation, at, &param.wire, param.location),
            None => Err(missing()),
        }
    };
    let positional = op.positional();
    let mut arguments = Vec::new();
    for id in &positional {
        let param = &op.params[*id];
        arguments.push(bind(&param.name, &param.ty, param_value(*id)));
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let value = match &raw {
            Some((operation, at)) => body_value(spec, operation, at, Some(&body.media_type)),
            None => Err(missing()),
        };
        arguments.push(bind(&body.name, &body.ty, value));
    }
    // Of each group of which one parameter must be set, the first.
    let mut setters = Vec::new();
    for group in &op.required_one_of {
        let Some(id) = group.first().filter(|id| !positional.contains(id)) else { continue };
        let param = &op.params[*id];
        let setter = ident(&param.name);
        let variable = bind(&param.name, &param.ty, param_value(*id));
        setters.push(quote!(.#setter(#variable)));
    }
    quote! {
        // Each call's future on the heap: thousands of them inline would overflow `main`'s stack.
        report(#id, Box::pin(async {
            #(#lets)*
            Ok(client.#accessor().#method(#(#arguments),*)#(#setters)*.send().await)
        }).await);
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
) -> Result<Value, String> {
    if let ParamLocation::Multipart { .. } = location {
        let body = body_value(spec, op, at, Some("multipart/form-data"))?;
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
                Ok(values::value(spec, schema, &parameter.pointer.join("schema")))
            }
            ParameterSchemaOrContent::Content(content) => content
                .iter()
                .find_map(|(_, media)| media.schema.as_ref())
                .map(|schema| values::value(spec, schema, &parameter.pointer))
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
    Ok(values::value(spec, schema, &body.pointer.join("content").join(name).join("schema")))
}
