//! `webhooks.rs`: the requests the API sends to its users' servers as one event enum, with
//! the function that reads a received body into it and, where the API signs them as
//! Standard Webhooks say, the signature check.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::rust::{ident, Types};
use crate::escape;
use crate::ir::Api;

/// The name of the event enum.
pub const EVENT_ENUM: &str = "WebhookEvent";

pub fn webhooks_module(api: &Api) -> TokenStream {
    let types = Types::qualified(&api.types);
    let name = ident(EVENT_ENUM);
    let variants = api.events.iter().map(|event| {
        let variant = ident(&event.variant);
        let kind = if event.callback { "a callback" } else { "a webhook" };
        let origin = format!("{}: {kind}, {}.", escape::code_span(&event.name), event.http_method);
        let doc = doc_attrs([event.doc.as_deref(), Some(origin.as_str())]);
        match &event.payload {
            Some(ty) => {
                let ty = types.ty(ty);
                let ty = if event.boxed { quote!(Box<#ty>) } else { ty };
                quote!(#doc #variant(#ty),)
            }
            None => quote!(#doc #variant,),
        }
    });
    let names = api.events.iter().map(|event| event.name.as_str());
    let parse_arms = api.events.iter().map(|event| {
        let variant = ident(&event.variant);
        let wire = &event.name;
        match (&event.payload, event.boxed) {
            (Some(_), true) => {
                quote!(#wire => runtime::received::payload(name, body).map(|p| #name::#variant(Box::new(p))),)
            }
            (Some(_), false) => quote!(#wire => runtime::received::payload(name, body).map(#name::#variant),),
            (None, _) => quote!(#wire => Ok(#name::#variant),),
        }
    });
    let name_arms = api.events.iter().map(|event| {
        let variant = ident(&event.variant);
        let wire = &event.name;
        match event.payload {
            Some(_) => quote!(#name::#variant(_) => #wire,),
            None => quote!(#name::#variant => #wire,),
        }
    });
    let uses_types =
        api.events.iter().any(|e| e.payload.as_ref().is_some_and(crate::ir::query::names_a_type));
    let types_import = uses_types.then(|| {
        quote!(
            use crate::types;
        )
    });
    let verifier = api.standard_webhooks.then(|| {
        quote! {
            /// Checks that a received request comes from the API: its `webhook-id`,
            /// `webhook-timestamp` and `webhook-signature` headers, as Standard Webhooks say.
            pub use crate::standard_webhooks::{SignatureError, Verifier, DEFAULT_TOLERANCE};
        }
    });
    let module_doc = quote! {
        #![doc = " The requests the API sends to your servers (its webhooks and callbacks). A server that"]
        #![doc = " receives one reads its body with [`WebhookEvent::parse`], by the name the API gives the"]
        #![doc = " event (the route it arrived on says which)."]
    };
    quote! {
        #module_doc

        use crate::runtime;
        #types_import

        pub use crate::runtime::received::PayloadError;
        #verifier

        /// A request the API sends to your servers, by the event the API names.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// An event this client does not know, kept as received.
            Unknown {
                name: String,
                body: serde_json::Value,
            },
        }

        impl #name {
            /// The names of the events this client knows, as the API gives them.
            pub const NAMES: &'static [&'static str] = &[#(#names),*];

            /// Reads a received request's body as the event the API names `name`. A name this
            /// client does not know is kept as [`Self::Unknown`], not an error; a body that
            /// does not fit its event is an error naming the member.
            pub fn parse(name: &str, body: &[u8]) -> Result<Self, PayloadError> {
                match name {
                    #(#parse_arms)*
                    _ => Ok(#name::Unknown { name: name.to_owned(), body: runtime::received::unknown(body) }),
                }
            }

            /// The name the API gives this event.
            pub fn name(&self) -> &str {
                match self {
                    #(#name_arms)*
                    #name::Unknown { name, .. } => name,
                }
            }
        }
    }
}
