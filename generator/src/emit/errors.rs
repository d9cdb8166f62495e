//! The `error` module: the crate's `Error` and the enum of declared error bodies.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{ident, Types};
use crate::ir::features::Features;
use crate::ir::{query, Api};

pub fn error_module(api: &Api, compiled: &Features) -> TokenStream {
    let types = Types::qualified(&api.types);
    let variants = api.error_bodies.iter().zip(&compiled.error_bodies).map(|(body, needed)| {
        let variant = ident(&body.variant);
        let ty = types.ty(&body.ty);
        let ty = if body.boxed { quote!(Box<#ty>) } else { ty };
        let cfg = super::features::cfg(api, needed);
        quote!(#cfg #variant(#ty),)
    });
    let uses_types = api.error_bodies.iter().any(|b| query::names_a_type(&b.ty));
    let types_import = uses_types.then(|| {
        quote!(
            use crate::types;
        )
    });
    quote! {
        #![doc = " Errors."]
        #types_import

        /// Everything that can go wrong with a call. `Error::Api` carries the HTTP status, the
        /// API's error messages, the typed error body and the raw body.
        pub type Error = crate::runtime::error::Error<ErrorBody>;

        /// An error response: status, headers, messages and body.
        pub type ApiError = crate::runtime::error::ApiError<ErrorBody>;

        /// The body of an error response, decoded as the type the API declares for its status.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum ErrorBody {
            #(#variants)*
            /// A JSON body of a shape the API does not declare for that status.
            Other(serde_json::Value),
        }

        impl From<serde_json::Value> for ErrorBody {
            fn from(value: serde_json::Value) -> Self {
                ErrorBody::Other(value)
            }
        }
    }
}
