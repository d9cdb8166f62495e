//! The harness of one client: a program that calls every operation, with arguments made from
//! the spec, against the base URL it is given, and prints one JSON line per operation with
//! what each of its calls got.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use generator::emit::{ident, Types};
use generator::ir::{
    query::Needs, Api, BodyEncoding, Operation, ParamId, ParamLocation, SchemeKind, TypeRef,
};
use generator::media::essence;
use generator::pointer::Pointer;

use super::schemas::Schemas;
use super::values::{Members, Values};

/// One operation as the harness reports it.
pub struct Call {
    pub operation: String,
    pub method: String,
    pub path: String,
    /// The body is a form (`multipart/form-data` or `application/x-www-form-urlencoded`).
    pub form_body: bool,
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
            form_body: op.params.iter().any(|p| matches!(p.location, ParamLocation::Multipart { .. }))
                || op.body.as_ref().is_some_and(|b| b.encoding == BodyEncoding::Form),
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

/// The harness's `main.rs`. It is run as `harness URL [FIRST]`: it calls the operations from
/// the one numbered `FIRST` on (so a run can go on after the mock stopped).
pub fn main_source(schemas: &Schemas, api: &Api) -> String {
    let client = format_ident!("{}", api.crate_ident);
    let types = Types::qualified(&api.types);
    let values = Values::new(schemas);
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
        let body = call(schemas, &values, types, accessor, op);
        quote! {
            fn #name(client: &client::Client, example: bool) -> Calls<'_> {
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

        /// What one call got, as a JSON object: `kind` (`ok`, `api`, `decode`, `unbuilt` or
        /// `error`), `detail`, and where the server answered, its status and body.
        fn outcome<T>(result: Result<Result<T, client::Error>, String>) -> serde_json::Value {
            match result {
                Err(why) => serde_json::json!({ "kind": "unbuilt", "detail": why }),
                Ok(Ok(_)) => serde_json::json!({ "kind": "ok" }),
                Ok(Err(client::Error::Api(e))) => {
                    let violations = e.headers.get("sl-violations").and_then(|v| v.to_str().ok());
                    serde_json::json!({
                        "kind": "api",
                        "status": e.status.as_u16(),
                        "violations": violations,
                        "typed": e.body.is_some(),
                        "body": e.raw_text(),
                    })
                }
                Ok(Err(client::Error::Decode(e))) => serde_json::json!({
                    "kind": "decode",
                    "status": e.status.as_u16(),
                    "detail": format!("at `{}`: {}", e.path, e.message),
                    "body": String::from_utf8_lossy(&e.raw),
                }),
                Ok(Err(other)) => serde_json::json!({ "kind": "error", "detail": other.to_string() }),
            }
        }

        /// Whether Prism failed to make up an answer (the spec has no schema for it, or its
        /// generator broke on the schema) and should be asked for its static answer instead:
        /// the spec's example, or one it builds from the schema another way.
        fn wants_example(outcome: &serde_json::Value) -> bool {
            outcome["kind"] == "api"
                && outcome["status"] == 500
                && outcome["body"].as_str().is_some_and(|b| b.contains("stoplight.io/prism/errors#UNKNOWN"))
        }

        #[tokio::main(flavor = "current_thread")]
        async fn main() {
            let mut args = std::env::args().skip(1);
            let base_url = args.next().expect("the mock server's URL");
            let first: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
            let client = client::Client::builder()
                .base_url(base_url)
                #(#credentials)*
                .max_retries(0)
                .build()
                .expect("the client builds");
            for (operation, call) in CALLS.iter().skip(first) {
                let mut calls = call(&client, false).await;
                if calls.iter().any(|(_, outcome)| wants_example(outcome)) {
                    calls = call(&client, true).await;
                } else if calls.iter().any(|(_, outcome)| outcome["kind"] == "decode") {
                    // What the client makes of the spec's own example, for where Prism's made-up
                    // answer turns out not to fit the spec.
                    let again = call(&client, true).await;
                    for ((_, first), (_, example)) in calls.iter_mut().zip(again) {
                        if first["kind"] == "decode" {
                            first["example"] = example;
                        }
                    }
                }
                let calls: Vec<serde_json::Value> = calls
                    .into_iter()
                    .map(|(name, mut outcome)| {
                        outcome["call"] = name.into();
                        outcome
                    })
                    .collect();
                println!("{}", serde_json::json!({ "operation": operation, "calls": calls }));
            }
        }

        /// The outcome of an operation's calls, each with what it set.
        type Outcomes = Vec<(&'static str, serde_json::Value)>;

        /// The calls of one operation, run one after the other.
        type Calls<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Outcomes> + 'a>>;

        /// Every operation, in the order the report lists them.
        #[allow(clippy::type_complexity)]
        const CALLS: &[(&str, fn(&client::Client, bool) -> Calls<'_>)] = &[#(#table)*];

        #(#functions)*
    };
    let parsed: syn::File = syn::parse2(file).expect("the harness is valid Rust");
    prettyplease::unparse(&parsed)
}

/// One operation's calls: with its required arguments only, then, where the operation takes
/// anything more, with every parameter, the optional body and every member set.
fn call(
    schemas: &Schemas,
    values: &Values<'_>,
    types: Types<'_>,
    accessor: &proc_macro2::Ident,
    op: &Operation,
) -> TokenStream {
    let raw = RawOperation::find(schemas, op);
    let required = one_call(&raw, values, types, accessor, op, Members::Required);
    let everything = one_call(&raw, values, types, accessor, op, Members::All);
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
/// then `.send()`; with `example`, the mock is asked for the spec's example.
fn one_call(
    raw: &Result<RawOperation<'_>, String>,
    values: &Values<'_>,
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
    let param_value = |id: ParamId| {
        let param = &op.params[id];
        raw.as_ref()
            .map_err(Clone::clone)
            .and_then(|raw| raw.param_value(values, &param.wire, param.location, members))
    };
    let body_value = |media: &str| {
        raw.as_ref().map_err(Clone::clone).and_then(|raw| raw.body_value(values, media, members))
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
        Members::Required => {
            let mut ids: Vec<ParamId> =
                op.required_one_of.iter().filter_map(|group| group.first().copied()).collect();
            // A required multipart body holds at least one part.
            let parts: Vec<ParamId> = op
                .params_with_ids()
                .filter(|(_, p)| matches!(p.location, ParamLocation::Multipart { .. }))
                .map(|(id, _)| id)
                .collect();
            if op.multipart_required && parts.iter().all(|id| !positional.contains(id)) {
                ids.extend(parts.first());
            }
            ids
        }
        // Not the others of a group: their members may exclude each other.
        Members::All => op
            .params_with_ids()
            .map(|(id, _)| id)
            .filter(|id| {
                op.required_one_of.iter().all(|group| !group.contains(id) || group.first() == Some(id))
            })
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
        let request = client.#accessor().#method(#(#arguments),*)#(#setters)*;
        // Prism answers from the spec's example where asked.
        let request = if example { request.extra_header("prefer", "dynamic=false") } else { request };
        Ok(request.send().await)
    }
}

/// An operation as the spec's document has it.
struct RawOperation<'s> {
    schemas: &'s Schemas,
    /// The operation's parameters, then the path item's that it does not override, each
    /// followed to its definition.
    parameters: Vec<(Pointer, &'s Value)>,
    at: Pointer,
}

impl<'s> RawOperation<'s> {
    fn find(schemas: &'s Schemas, op: &Operation) -> Result<Self, String> {
        let missing = || format!("`{} {}` is not in the spec's paths", op.http_method, op.path_template);
        let (item_at, _) =
            schemas.follow(&Pointer::root().join("paths").join(&op.path_template)).ok_or_else(missing)?;
        let method = op.http_method.to_ascii_lowercase();
        let at = [item_at.join(&method), item_at.join("additionalOperations").join(&op.http_method)]
            .into_iter()
            .find(|at| schemas.node(at).is_some())
            .ok_or_else(missing)?;
        let mut parameters: Vec<(Pointer, &Value)> = Vec::new();
        let lists = [at.join("parameters"), item_at.join("parameters")];
        for list_at in lists {
            let count = schemas.node(&list_at).and_then(Value::as_array).map_or(0, Vec::len);
            for index in 0..count {
                let Some((param_at, param)) = schemas.follow(&list_at.join(index)) else { continue };
                let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
                if !parameters.iter().any(|(_, known)| key(known) == key(param)) {
                    parameters.push((param_at, param));
                }
            }
        }
        Ok(Self { schemas, parameters, at })
    }

    /// A value for the parameter `wire` at `location`: its example where that conforms, else
    /// one made from its schema.
    fn param_value(
        &self,
        values: &Values<'_>,
        wire: &str,
        location: ParamLocation,
        members: Members,
    ) -> Result<Value, String> {
        let place = match location {
            ParamLocation::Multipart { .. } => {
                // Every member has a value: the call sets the parts it chose.
                let body = self.body_value(values, "multipart/form-data", Members::All)?;
                return body.get(wire).cloned().ok_or_else(|| format!("no value made for the part `{wire}`"));
            }
            ParamLocation::Path => "path",
            ParamLocation::Query(_) => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        };
        let (at, parameter) = self
            .parameters
            .iter()
            .find(|(_, p)| {
                p.get("name").and_then(Value::as_str) == Some(wire)
                    && p.get("in").and_then(Value::as_str).is_some_and(|i| i.eq_ignore_ascii_case(place))
            })
            .ok_or_else(|| format!("parameter `{wire}` is not among the operation's parameters"))?;
        let schema_at = if parameter.get("schema").is_some() {
            at.join("schema")
        } else {
            let content = parameter.get("content").and_then(Value::as_object);
            let media = content
                .and_then(|c| c.keys().next())
                .ok_or_else(|| format!("parameter `{wire}` has no schema"))?;
            at.join("content").join(media).join("schema")
        };
        let given = example(parameter);
        Ok(values.given_or_made(given.as_ref(), &schema_at, members))
    }

    /// A value for the request body of `media`: the example where it conforms (for the call
    /// with required arguments), else one made from its schema.
    fn body_value(&self, values: &Values<'_>, media: &str, members: Members) -> Result<Value, String> {
        let (body_at, body) =
            self.schemas.follow(&self.at.join("requestBody")).ok_or("the operation has no request body")?;
        let content =
            body.get("content").and_then(Value::as_object).ok_or("the request body has no media type")?;
        let (name, media_type) = content
            .iter()
            .find(|(name, _)| essence(name) == media.to_ascii_lowercase())
            .or_else(|| content.iter().next())
            .ok_or("the request body has no media type")?;
        let schema_at = body_at.join("content").join(name).join("schema");
        if self.schemas.node(&schema_at).is_none() {
            return example(media_type).ok_or_else(|| format!("the `{name}` body has no schema"));
        }
        let given = if members == Members::Required { example(media_type) } else { None };
        Ok(values.given_or_made(given.as_ref(), &schema_at, members))
    }
}

/// The example a parameter or media type gives: `example`, else the first of `examples`.
fn example(node: &Value) -> Option<Value> {
    if let Some(example) = node.get("example").filter(|e| !e.is_null()) {
        return Some(example.clone());
    }
    node.get("examples")?.as_object()?.values().find_map(|e| e.get("value").cloned())
}
