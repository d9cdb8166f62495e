//! Stage 3: the IR to the files of a crate. Rust sources are token streams, or (the types and
//! most of each operation) text laid out as the next stage would lay it out; the manifest and
//! README are text.

mod client;
mod docs;
mod errors;
mod example;
mod features;
mod manifest;
mod models;
mod operations;
mod paging;
mod readme;
mod rust;
mod source;
mod stream;
mod webhooks;

use std::borrow::Cow;
use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::query::Needs;
use crate::ir::Api;
/// How the generated code writes identifiers and types, for tools that write code against a
/// crate.
pub use rust::{ident, Types};
pub use source::{Piece, WIDTH};

/// The runtime every generated crate carries as its private `runtime` module: its files,
/// relative to the module's folder, and their text.
pub const RUNTIME_FILES: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../runtime/mod.rs")),
    ("request.rs", include_str!("../runtime/request.rs")),
    ("auth.rs", include_str!("../runtime/auth.rs")),
    ("body.rs", include_str!("../runtime/body.rs")),
    ("transport.rs", include_str!("../runtime/transport.rs")),
    ("response.rs", include_str!("../runtime/response.rs")),
    ("model.rs", include_str!("../runtime/model.rs")),
    ("error.rs", include_str!("../runtime/error.rs")),
    ("oauth.rs", include_str!("../runtime/oauth.rs")),
    ("paging.rs", include_str!("../runtime/paging.rs")),
    ("received.rs", include_str!("../runtime/received.rs")),
    ("stream.rs", include_str!("../runtime/stream.rs")),
    ("trace.rs", include_str!("../runtime/trace.rs")),
];

/// The runtime's streaming module, and its declaration in `mod.rs`: left out of crates
/// without streamed answers, which then need none of its dependencies.
const STREAM_FILE: &str = "stream.rs";
const STREAM_DECLARATION: &str =
    "// Only in crates with streamed answers, with the dependencies it needs (see `emit`).\npub(crate) mod stream;\n";

/// The NAVER Cloud API Gateway signer, carried by crates whose spec selects it.
pub const NCP_APIGW_V2_SOURCE: &str = include_str!("../signers/ncp_apigw_v2.rs");

/// The Standard Webhooks signature check, carried by crates whose API signs its webhooks so.
pub const STANDARD_WEBHOOKS_SOURCE: &str = include_str!("../signers/standard_webhooks.rs");

/// One file of a generated crate, relative to the crate's root.
#[derive(Debug, Clone)]
pub struct EmittedFile {
    pub path: PathBuf,
    pub content: Content,
}

#[derive(Debug, Clone)]
pub enum Content {
    /// Rust source, to be formatted.
    Rust(TokenStream),
    /// Rust source written as text, in pieces the formatter copies or, where one is not laid
    /// out as it would lay it out, formats.
    RustText(Vec<Piece>),
    /// Rust source written by hand, copied as is.
    RustVerbatim(Cow<'static, str>),
    /// Any other text, final.
    Text(String),
}

/// Every file of a crate: what [`Plan::file`] makes each from. Files are independent once
/// the IR exists, so a caller can make them in any order, or several at once.
pub struct Plan<'a> {
    api: &'a Api,
    needs: Needs,
    compiled: crate::ir::features::Features,
    files: Vec<(PathBuf, Part)>,
}

/// What one file of the plan holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Manifest,
    Readme,
    Lib,
    Client,
    Errors,
    Types,
    Runtime(&'static str, &'static str),
    Group(usize),
    NcpSigner,
    Webhooks,
    StandardWebhooks,
}

impl<'a> Plan<'a> {
    pub fn new(api: &'a Api) -> Self {
        let needs = Needs::of(api);
        let compiled = crate::ir::features::Features::of(api);
        let mut files = vec![
            ("Cargo.toml".to_owned(), Part::Manifest),
            ("README.md".to_owned(), Part::Readme),
            ("src/lib.rs".to_owned(), Part::Lib),
            ("src/client.rs".to_owned(), Part::Client),
            ("src/error.rs".to_owned(), Part::Errors),
            ("src/types.rs".to_owned(), Part::Types),
        ];
        for (name, text) in RUNTIME_FILES {
            if *name == STREAM_FILE && !needs.streams {
                continue;
            }
            files.push((format!("src/runtime/{name}"), Part::Runtime(name, text)));
        }
        for (index, group) in api.groups.iter().enumerate() {
            files.push((format!("src/{}.rs", crate::naming::bare(&group.module)), Part::Group(index)));
        }
        if needs.ncp_signature {
            files.push(("src/ncp_apigw_v2.rs".to_owned(), Part::NcpSigner));
        }
        if !api.events.is_empty() {
            files.push(("src/webhooks.rs".to_owned(), Part::Webhooks));
        }
        if api.standard_webhooks {
            files.push(("src/standard_webhooks.rs".to_owned(), Part::StandardWebhooks));
        }
        let files = files.into_iter().map(|(path, part)| (PathBuf::from(path), part)).collect();
        Plan { api, needs, compiled, files }
    }

    /// How many files the crate has.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// What the file at `index` holds.
    pub fn part(&self, index: usize) -> Part {
        self.files[index].1
    }

    /// The file at `index` (below [`Plan::len`]).
    pub fn file(&self, index: usize) -> EmittedFile {
        let (api, needs) = (self.api, self.needs);
        let (path, part) = &self.files[index];
        let content = match *part {
            Part::Manifest => Content::Text(manifest::manifest(api, needs)),
            Part::Readme => Content::Text(readme::readme(api)),
            Part::Lib => Content::Rust(lib_module(api, needs)),
            Part::Client => Content::Rust(client::client_module(api)),
            Part::Errors => Content::Rust(errors::error_module(api, &self.compiled)),
            Part::Types => Content::RustText(models::types_module(api, &self.compiled)),
            Part::Runtime("mod.rs", text) if !needs.streams => {
                Content::RustVerbatim(text.replace(STREAM_DECLARATION, "").into())
            }
            Part::Runtime(_, text) => Content::RustVerbatim(Cow::Borrowed(text)),
            Part::Group(index) => Content::RustText(operations::group_module(api, &api.groups[index])),
            Part::NcpSigner => Content::RustVerbatim(Cow::Borrowed(NCP_APIGW_V2_SOURCE)),
            Part::Webhooks => Content::Rust(webhooks::webhooks_module(api)),
            Part::StandardWebhooks => Content::RustVerbatim(Cow::Borrowed(STANDARD_WEBHOOKS_SOURCE)),
        };
        EmittedFile { path: path.clone(), content }
    }
}

/// Every file of the crate, one after the other (see [`Plan`] to make them otherwise).
pub fn emit(api: &Api) -> Vec<EmittedFile> {
    let plan = Plan::new(api);
    (0..plan.len()).map(|index| plan.file(index)).collect()
}

/// The first line of every generated file, in the file's comment syntax.
pub fn header_comment(comment: &str, source: &str) -> String {
    let source = crate::escape::comment(source);
    format!("{comment} @generated by `generator` from {source}: do not edit by hand; run `cargo run -p generator`.")
}

fn lib_module(api: &Api, needs: Needs) -> TokenStream {
    let modules = api.groups.iter().map(|g| {
        let module = ident(&g.module);
        let cfg = features::group_cfg(g);
        quote!(#cfg pub mod #module;)
    });
    let signer = needs.ncp_signature.then(|| {
        quote!(
            pub mod ncp_apigw_v2;
        )
    });
    let webhooks = (!api.events.is_empty()).then(|| {
        quote!(
            pub mod webhooks;
        )
    });
    let webhook_signature = api.standard_webhooks.then(|| {
        quote!(
            mod standard_webhooks;
        )
    });
    let event = needs.streams.then(|| {
        quote!(
            pub use runtime::stream::Event;
        )
    });
    let call = (!api.groups.is_empty()).then(|| quote!(Call,));
    let endpoint = (!api.groups.is_empty()).then(|| quote!(Endpoint,));
    // Without operations nothing sends a request, and most of the runtime goes unused.
    let runtime = if api.groups.is_empty() {
        quote!(
            #[allow(dead_code, reason = "the API has no operations")]
            mod runtime;
        )
    } else {
        quote!(
            mod runtime;
        )
    };
    quote! {
        #![doc = include_str!("../README.md")]
        // Built with some tags only, the client's shared parts are not all used.
        #![cfg_attr(not(feature = "full"), allow(dead_code, unused_imports))]

        mod client;
        mod error;
        #runtime
        #signer
        #webhook_signature
        pub mod types;
        #webhooks
        #(#modules)*

        pub use client::{#call Client, ClientBuilder, #endpoint Response, DEFAULT_BASE_URL};
        pub use error::{ApiError, Error, ErrorBody};
        pub use runtime::auth::{SignError, Signer};
        pub use runtime::body::Upload;
        pub use runtime::error::DecodeError;
        pub use runtime::paging::BoxStream;
        pub use runtime::response::ApiMessage;
        #event
        /// The HTTP client the generated client is built on, for implementing [`Signer`] and
        /// for [`ClientBuilder::http_client`].
        pub use reqwest;
    }
}
