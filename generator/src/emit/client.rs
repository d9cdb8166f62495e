//! The `client` module: `Client`, its builder with one setter per security scheme, and one
//! accessor per tag.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::rust::ident;
use crate::escape;
use crate::ir::{Api, KeyLocation, SchemeKind, Signature};

pub fn client_module(api: &Api) -> TokenStream {
    let client_doc = doc_attrs([
        Some(format!("A client for the {}.", escape::inline(&api.display_name())).as_str()),
        Some("Cheap to clone: clones share one connection pool and configuration. Build one with [`Client::builder`]."),
    ]);
    let default_url = match &api.base_url {
        Some(url) => {
            let doc = " The API's default base URL (its first server).";
            quote!(#[doc = #doc] pub const DEFAULT_BASE_URL: Option<&str> = Some(#url);)
        }
        None => {
            let doc = " The API names no server: set a base URL with [`ClientBuilder::base_url`].";
            quote!(#[doc = #doc] pub const DEFAULT_BASE_URL: Option<&str> = None;)
        }
    };
    let envelope = api.envelope.as_ref().map(|e| {
        let (success, errors, messages, result, result_info) =
            (&e.success, &e.errors, &e.messages, &e.result, &e.result_info);
        quote! {
            /// Member names of the API's response envelope.
            pub(crate) const ENVELOPE: Envelope = Envelope {
                success: #success,
                errors: #errors,
                messages: #messages,
                result: #result,
                result_info: #result_info,
            };
        }
    });
    let accessors = api.groups.iter().map(|group| {
        let accessor = ident(&group.accessor);
        let module = ident(&group.module);
        let type_name = ident(&group.type_name);
        let doc = doc_attrs([Some(format!("Operations tagged {}.", escape::code_span(&group.tag)).as_str())]);
        quote! {
            #doc
            pub fn #accessor(&self) -> crate::#module::#type_name {
                crate::#module::#type_name::new(self.clone())
            }
        }
    });
    let constants = api.schemes.iter().enumerate().map(|(index, scheme)| {
        let constant = ident(&scheme.constant);
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        let setter = crate::naming::bare(&scheme.setter);
        let doc = doc_attrs([Some(escape::code_span(&scheme.key).as_str())]);
        quote!(#doc pub(crate) const #constant: Scheme = Scheme { index: #index, setter: #setter };)
    });
    let schemes = (!api.schemes.is_empty()).then(|| {
        quote! {
            /// The API's security schemes, as operations and the builder name them.
            pub(crate) mod scheme {
                use crate::runtime::auth::Scheme;

                #(#constants)*
            }
        }
    });
    let setters = api.schemes.iter().map(|scheme| {
        let setter = ident(&scheme.setter);
        let constant = ident(&scheme.constant);
        let key = &scheme.key;
        let summary = format!("Authenticates with {}: {}.", escape::code_span(key), scheme_summary(&scheme.kind));
        let doc = doc_attrs([Some(summary.as_str()), scheme.doc.as_deref()]);
        match &scheme.kind {
            SchemeKind::Bearer => quote! {
                #doc
                pub fn #setter(mut self, token: impl Into<String>) -> Self {
                    self.core.credential(scheme::#constant, Credential::Bearer(Secret::new(token)));
                    self
                }
            },
            SchemeKind::Basic => quote! {
                #doc
                pub fn #setter(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
                    let credential = Credential::Basic { username: username.into(), password: Secret::new(password) };
                    self.core.credential(scheme::#constant, credential);
                    self
                }
            },
            SchemeKind::Signed(Signature::NcpApigwV2) => {
                let replace_doc = format!("Signs {} requests with `signer` instead of the built-in signature.", escape::code_span(key));
                let replace_doc = doc_attrs([Some(replace_doc.as_str())]);
                let replace = scheme.signer_setter.as_deref().map(ident).map(|replace| quote! {
                    #replace_doc
                    pub fn #replace(mut self, signer: impl Signer + 'static) -> Self {
                        self.core.credential(scheme::#constant, Credential::Signed(Arc::new(signer)));
                        self
                    }
                });
                quote! {
                    #doc
                    pub fn #setter(mut self, access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
                        let signer = crate::ncp_apigw_v2::NcpApigwV2::new(access_key, secret_key);
                        self.core.credential(scheme::#constant, Credential::Signed(Arc::new(signer)));
                        self
                    }

                    #replace
                }
            }
            SchemeKind::ApiKey { location, name } => {
                let variant = match location {
                    KeyLocation::Header => quote!(Header),
                    KeyLocation::Query => quote!(Query),
                    KeyLocation::Cookie => quote!(Cookie),
                };
                quote! {
                    #doc
                    pub fn #setter(mut self, key: impl Into<String>) -> Self {
                        self.core.credential(scheme::#constant, Credential::#variant { name: #name, value: Secret::new(key) });
                        self
                    }
                }
            }
        }
    });
    let envelope_import = api.envelope.as_ref().map(|_| {
        quote!(
            use crate::runtime::response::Envelope;
        )
    });
    let core_accessor = (!api.groups.is_empty()).then(|| {
        quote! {
            pub(crate) fn core(&self) -> &ClientCore {
                &self.core
            }
        }
    });
    let uses_secrets = !api.schemes.is_empty();
    let signs = api.schemes.iter().any(|s| matches!(s.kind, SchemeKind::Signed(_)));
    let keeps_secrets = api.schemes.iter().any(|s| !matches!(s.kind, SchemeKind::Signed(_)));
    let signer_import = signs.then(|| quote!(Signer,));
    let secret_type_import = keeps_secrets.then(|| quote!(Secret,));
    let auth_import = uses_secrets.then(|| {
        quote!(
            use crate::runtime::auth::{Credential, #secret_type_import #signer_import};
        )
    });
    quote! {
        #![doc = " The client and its builder."]
        use std::sync::Arc;
        use std::time::Duration;

        #auth_import
        #envelope_import
        use crate::runtime::transport::{ClientCore, CoreBuilder};
        use crate::Error;

        #default_url
        #envelope
        #schemes

        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            core: Arc<ClientCore>,
        }

        impl Client {
            /// Starts configuring a client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::default()
            }

            /// The URL every request path is appended to.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }

            #core_accessor

            #(#accessors)*
        }

        /// Configures a [`Client`]: base URL, credentials, timeout.
        #[derive(Debug)]
        pub struct ClientBuilder {
            core: CoreBuilder,
        }

        impl Default for ClientBuilder {
            fn default() -> Self {
                let user_agent = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
                Self { core: CoreBuilder::new(DEFAULT_BASE_URL, user_agent) }
            }
        }

        impl ClientBuilder {
            /// The URL every request path is appended to.
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.core.base_url(url.into());
                self
            }

            /// How long one attempt of a request may take (default: 60 seconds); a request
            /// builder's `.timeout(..)` overrides it.
            pub fn timeout(mut self, timeout: Duration) -> Self {
                self.core.timeout(timeout);
                self
            }

            /// How often a failed request is tried again (default: 2): on connection
            /// failures, 408, 409, 429 and 5xx for requests that can safely be repeated, with
            /// exponential backoff and the server's `Retry-After`. A request builder's
            /// `.max_retries(..)` overrides it.
            pub fn max_retries(mut self, max_retries: u32) -> Self {
                self.core.max_retries(max_retries);
                self
            }

            /// The `User-Agent` header (default: this crate's name and version).
            pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
                self.core.user_agent(user_agent.into());
                self
            }

            /// Sends requests through this `reqwest` client (for proxies, custom TLS, ...).
            pub fn http_client(mut self, client: reqwest::Client) -> Self {
                self.core.http_client(client);
                self
            }

            #(#setters)*

            /// Builds the client; fails when no base URL is known or it is not valid.
            pub fn build(self) -> Result<Client, Error> {
                Ok(Client { core: Arc::new(self.core.build()?) })
            }
        }
    }
}

/// Which credentials are in play, for docs.
pub fn scheme_summary(kind: &SchemeKind) -> String {
    match kind {
        SchemeKind::Bearer => "a bearer token (`Authorization: Bearer ...`)".into(),
        SchemeKind::Basic => "HTTP basic authentication".into(),
        SchemeKind::ApiKey { location: KeyLocation::Header, name } => {
            format!("an API key in the `{name}` header")
        }
        SchemeKind::ApiKey { location: KeyLocation::Query, name } => {
            format!("an API key in the `{name}` query parameter")
        }
        SchemeKind::Signed(Signature::NcpApigwV2) => {
            "NAVER Cloud API Gateway signatures (`x-ncp-apigw-signature-v2`) made with an access key and a secret key".into()
        }
        SchemeKind::ApiKey { location: KeyLocation::Cookie, name } => {
            format!("an API key in the `{name}` cookie")
        }
    }
}
