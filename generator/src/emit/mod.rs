//! Stage 3: the IR to the files of a crate. Rust sources are token streams (formatted by the
//! next stage); the manifest and README are text.

mod client;
mod docs;
mod errors;
mod manifest;
mod models;
mod operations;
mod paging;
mod readme;
mod rust;

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, SchemeKind, Signature, TypeRef};
use rust::ident;

/// The runtime every generated crate carries as its private `runtime` module.
pub const RUNTIME_SOURCE: &str = include_str!("../runtime.rs");

/// The NAVER Cloud API Gateway signer, carried by crates whose spec selects it.
pub const NCP_APIGW_V2_SOURCE: &str = include_str!("../signers/ncp_apigw_v2.rs");

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
    /// Rust source written by hand, copied as is.
    RustVerbatim(&'static str),
    /// Any other text, final.
    Text(String),
}

pub fn emit(api: &Api) -> Vec<EmittedFile> {
    let mut files = vec![
        file("Cargo.toml", Content::Text(manifest::manifest(api))),
        file("README.md", Content::Text(readme::readme(api))),
        file("src/lib.rs", Content::Rust(lib_module(api))),
        file("src/client.rs", Content::Rust(client::client_module(api))),
        file("src/error.rs", Content::Rust(errors::error_module(api))),
        file("src/runtime.rs", Content::RustVerbatim(RUNTIME_SOURCE)),
        file("src/types.rs", Content::Rust(models::types_module(api))),
    ];
    for group in &api.groups {
        let path = format!("src/{}.rs", crate::naming::bare(&group.module));
        files.push(file(&path, Content::Rust(operations::group_module(api, group))));
    }
    if Needs::of(api).ncp_signature {
        files.push(file("src/ncp_apigw_v2.rs", Content::RustVerbatim(NCP_APIGW_V2_SOURCE)));
    }
    files
}

fn file(path: &str, content: Content) -> EmittedFile {
    EmittedFile { path: PathBuf::from(path), content }
}

fn lib_module(api: &Api) -> TokenStream {
    let modules = api.groups.iter().map(|g| {
        let module = ident(&g.module);
        quote!(pub mod #module;)
    });
    let signer = Needs::of(api).ncp_signature.then(|| {
        quote!(
            mod ncp_apigw_v2;
        )
    });
    quote! {
        #![doc = include_str!("../README.md")]

        mod client;
        mod error;
        mod runtime;
        #signer
        pub mod types;
        #(#modules)*

        pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL};
        pub use error::{ApiError, Error, ErrorBody};
        pub use runtime::{ApiMessage, BoxStream, DecodeError, Response, Signer};
        /// The HTTP client the generated client is built on, for implementing [`Signer`] and
        /// for [`ClientBuilder::http_client`].
        pub use reqwest;
    }
}

/// Which optional dependencies the generated code needs.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    pub chrono: bool,
    pub uuid: bool,
    /// The NAVER Cloud API Gateway signer (and its hmac, sha2 and base64).
    pub ncp_signature: bool,
}

impl Needs {
    pub fn of(api: &Api) -> Self {
        let ncp_signature = api.schemes.iter().any(|s| s.kind == SchemeKind::Signed(Signature::NcpApigwV2));
        let mut needs = Needs { ncp_signature, ..Needs::default() };
        let mut visit = |ty: &TypeRef| needs.add(ty);
        for def in &api.types {
            match &def.kind {
                crate::ir::TypeKind::Struct(s) => {
                    s.fields.iter().for_each(|f| visit(&f.ty));
                    visit(&s.extra.value);
                }
                crate::ir::TypeKind::Union(u) => u.variants.iter().for_each(|v| visit(&v.ty)),
                crate::ir::TypeKind::Alias(ty) => visit(ty),
                crate::ir::TypeKind::Enum(_) => {}
            }
        }
        // Operations name types outside the models too: parameters, bodies, results by status.
        for op in api.groups.iter().flat_map(|g| &g.operations) {
            op.params.iter().for_each(|p| visit(&p.ty));
            op.body.iter().for_each(|b| visit(&b.ty));
            match &op.response {
                crate::ir::Success::Json(ty) | crate::ir::Success::Envelope { result: ty } => visit(ty),
                crate::ir::Success::ByStatus { cases, .. } => {
                    cases.iter().flat_map(|c| &c.body).for_each(&mut visit)
                }
                crate::ir::Success::Empty | crate::ir::Success::Text | crate::ir::Success::Bytes => {}
            }
        }
        api.error_bodies.iter().for_each(|e| visit(&e.ty));
        needs
    }

    fn add(&mut self, ty: &TypeRef) {
        for part in ty.parts() {
            match part {
                TypeRef::DateTime | TypeRef::Date => self.chrono = true,
                TypeRef::Uuid => self.uuid = true,
                _ => {}
            }
        }
    }
}
