//! The `client` module: `Client`, its builder with one setter per security scheme, and one
//! accessor per tag.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::rust::ident;
use crate::escape;
use crate::ir::{Api, KeyLocation, SchemeKind, Signature};

pub fn client_module(api: &Api) -> TokenStream {
    let title =
        doc_attrs([Some(format!("A client for the {}.", escape::inline(&api.display_name())).as_str())]);
    // Written by us, with a link rustdoc resolves: not through the escaping spec text needs.
    let client_doc = quote! {
        #title
        #[doc = ""]
        #[doc = " Cheap to clone: clones share one connection pool and configuration. Build one with [`Client::builder`]."]
    };
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
    let info = match &api.result_info {
        Some(info) => {
            let ty = super::rust::Types::qualified(&api.types).ty(info);
            quote!(crate::#ty)
        }
        None => quote!(serde_json::Value),
    };
    let response = quote! {
        /// A successful response: the decoded value, the status and headers, and (where the API
        /// answers in an envelope) its messages and `result_info`.
        pub type Response<T> = crate::runtime::response::Response<T, #info>;
    };
    let accessors = api.groups.iter().map(|group| {
        let accessor = ident(&group.accessor);
        let module = ident(&group.module);
        let type_name = ident(&group.type_name);
        let doc = doc_attrs([Some(format!("Operations tagged {}.", escape::code_span(&group.tag)).as_str())]);
        let cfg = super::features::group_cfg(group);
        quote! {
            #doc
            #cfg
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
    // Every combination of schemes an operation accepts, so that `build()` can refuse half of
    // one.
    let combinations = crate::ir::query::scheme_combinations(api);
    let combinations = combinations.iter().map(|schemes| {
        let constants = schemes.iter().map(|s| ident(&api.schemes[s.0].constant));
        quote!(&[#(#constants),*])
    });
    let schemes = (!api.schemes.is_empty()).then(|| {
        quote! {
            /// The API's security schemes, as operations and the builder name them.
            pub(crate) mod scheme {
                use crate::runtime::auth::Scheme;

                #(#constants)*

                /// Every combination of schemes some operation accepts.
                pub(crate) const COMBINATIONS: &[&[Scheme]] = &[#(#combinations),*];
            }
        }
    });
    let combinations = if api.schemes.is_empty() { quote!(&[]) } else { quote!(scheme::COMBINATIONS) };
    let setters = api.schemes.iter().map(|scheme| {
        let setter = ident(&scheme.setter);
        let constant = ident(&scheme.constant);
        let key = &scheme.key;
        let summary = format!("Authenticates with {}: {}.", escape::code_span(key), scheme_summary(&scheme.kind));
        let doc = doc_attrs([Some(summary.as_str()), scheme.doc.as_deref()]);
        match &scheme.kind {
            SchemeKind::Bearer => {
                let flows = oauth_setters(scheme);
                quote! {
                    #doc
                    pub fn #setter(mut self, token: impl Into<String>) -> Self {
                        self.core.credential(scheme::#constant, Credential::Bearer(Secret::new(token)));
                        self
                    }

                    #flows
                }
            }
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
    let (from_env, client_from_env) = from_env(api);
    let envelope_import = api.envelope.as_ref().map(|_| {
        quote!(
            use crate::runtime::response::Envelope;
        )
    });
    let call = (!api.groups.is_empty()).then(|| call_types(&info));
    let core_accessor = (!api.groups.is_empty()).then(|| {
        quote! {
            pub(crate) fn core(&self) -> &ClientCore {
                &self.core
            }
        }
    });
    let runs_oauth =
        api.schemes.iter().any(|s| s.oauth.client_credentials.is_some() || s.oauth.refresh.is_some());
    let oauth_import = runs_oauth.then(|| {
        quote!(
            use crate::runtime::oauth::{Grant, TokenSource};
        )
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
        #oauth_import
        #envelope_import
        use crate::runtime::transport::{ClientCore, CoreBuilder};
        use crate::Error;

        #default_url
        #response
        #envelope
        #schemes
        #call

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

            #client_from_env

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
            /// exponential backoff and the server's `Retry-After`. A `Call`'s
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

            /// Changes every request just before it is sent, on every attempt: after its
            /// credentials are added and before it is signed (so a signature covers the
            /// change). Hooks run in the order they are added.
            pub fn on_request(mut self, hook: impl Fn(&mut reqwest::Request) + Send + Sync + 'static) -> Self {
                self.core.hook(crate::runtime::transport::Hook(Arc::new(hook)));
                self
            }

            #from_env

            #(#setters)*

            /// Builds the client; fails when no base URL is known or it is not valid, or a
            /// credential is set without the others it is always sent with.
            pub fn build(self) -> Result<Client, Error> {
                Ok(Client { core: Arc::new(self.core.build(#combinations)?) })
            }
        }
    }
}

/// The setters of the OAuth2 flows the client runs itself: it fetches tokens, caches them and
/// renews them before they expire.
fn oauth_setters(scheme: &crate::ir::SecurityScheme) -> TokenStream {
    let constant = ident(&scheme.constant);
    let key = escape::code_span(&scheme.key);
    let credentials = scheme.oauth.client_credentials.as_ref().map(|flow| {
        let setter = ident(&flow.setter);
        let url = &flow.url;
        let doc = format!(
            "Authenticates with {key} by OAuth2 client credentials: the client gets its tokens from {} itself, keeps each until shortly before it expires, and gets a new one then (one request at a time, however many calls wait).",
            escape::code_span(url)
        );
        let doc = doc_attrs([Some(doc.as_str())]);
        quote! {
            #doc
            pub fn #setter(mut self, client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
                let grant = Grant::ClientCredentials { client_id: client_id.into(), client_secret: Secret::new(client_secret) };
                let source = TokenSource::new(#url, grant, Vec::new());
                self.core.credential(scheme::#constant, Credential::OAuth2(Arc::new(source)));
                self
            }
        }
    });
    let refresh = scheme.oauth.refresh.as_ref().map(|flow| {
        let setter = ident(&flow.setter);
        let url = &flow.url;
        let doc = format!(
            "Authenticates with {key} by an OAuth2 refresh token: the client gets access tokens with it from {} itself, and renews them before they expire (keeping the new refresh token where the server sends one).",
            escape::code_span(url)
        );
        let doc = doc_attrs([Some(doc.as_str())]);
        quote! {
            #doc
            pub fn #setter(
                mut self,
                client_id: impl Into<String>,
                client_secret: impl Into<String>,
                refresh_token: impl Into<String>,
            ) -> Self {
                let grant = Grant::RefreshToken {
                    client_id: client_id.into(),
                    client_secret: Secret::new(client_secret),
                    refresh_token: Secret::new(refresh_token),
                };
                let source = TokenSource::new(#url, grant, Vec::new());
                self.core.credential(scheme::#constant, Credential::OAuth2(Arc::new(source)));
                self
            }
        }
    });
    quote!(#credentials #refresh)
}

/// `ClientBuilder::from_env` (every variable that is set) and `Client::from_env` (which also
/// requires credentials, where the API has schemes).
fn from_env(api: &Api) -> (TokenStream, TokenStream) {
    let base_url_env = &api.base_url_env;
    let mut documented = vec![format!("- {}: the base URL", escape::code_span(base_url_env))];
    let mut reads = Vec::new();
    for scheme in &api.schemes {
        let setter = ident(&scheme.setter);
        let names: Vec<String> = scheme.env.iter().map(|name| escape::code_span(name)).collect();
        documented.push(format!("- {}: {}", names.join(" and "), scheme_summary(&scheme.kind)));
        reads.push(match scheme.env.as_slice() {
            [one] => quote! {
                if let Some(value) = env_var(#one) {
                    builder = builder.#setter(value);
                }
            },
            [first, second] => quote! {
                if let (Some(first), Some(second)) = (env_var(#first), env_var(#second)) {
                    builder = builder.#setter(first, second);
                }
            },
            _ => unreachable!("a scheme reads one or two variables"),
        });
        if let Some(flow) = &scheme.oauth.client_credentials {
            let setter = ident(&flow.setter);
            let [id, secret] = &flow.env;
            let names = [id, secret].map(|name| escape::code_span(name));
            documented.push(format!("- {} and {}: OAuth2 client credentials", names[0], names[1]));
            reads.push(quote! {
                if let (Some(id), Some(secret)) = (env_var(#id), env_var(#secret)) {
                    builder = builder.#setter(id, secret);
                }
            });
        }
    }
    let groups = env_groups(api).into_iter().map(|names| quote!(&[#(#names),*]));
    let doc = doc_attrs([
        Some("A builder set up from the environment, with each of these variables that is set:"),
        Some(documented.join("\n").as_str()),
        Some("Setters called after it override what it read."),
    ]);
    let builder = quote! {
        #doc
        pub fn from_env() -> Self {
            use crate::runtime::transport::env_var;
            let mut builder = Self::default();
            if let Some(url) = env_var(#base_url_env) {
                builder = builder.base_url(url);
            }
            #(#reads)*
            builder
        }
    };
    let client_doc = if api.schemes.is_empty() {
        " A client configured from the environment (see [`ClientBuilder::from_env`])."
    } else {
        " A client configured from the environment (see [`ClientBuilder::from_env`]); fails when no credential is set, or only part of one."
    };
    let client_doc = quote!(#[doc = #client_doc]);
    let client = quote! {
        #client_doc
        pub fn from_env() -> Result<Client, Error> {
            crate::runtime::transport::require_env(&[#(#groups),*]).map_err(Error::Config)?;
            ClientBuilder::from_env().build()
        }
    };
    (builder, client)
}

/// The sets of variables that each make a usable credential: per combination of schemes an
/// operation accepts (each scheme its token or key, or its OAuth2 client credentials), or per
/// scheme where no operation names one.
fn env_groups(api: &Api) -> Vec<Vec<String>> {
    let options = |scheme: &crate::ir::SecurityScheme| {
        let flow = scheme.oauth.client_credentials.as_ref().map(|flow| flow.env.to_vec());
        std::iter::once(scheme.env.clone()).chain(flow).collect::<Vec<_>>()
    };
    let mut combinations: Vec<Vec<crate::ir::SchemeId>> =
        crate::ir::query::scheme_combinations(api).into_iter().cloned().collect();
    if combinations.is_empty() {
        combinations = (0..api.schemes.len()).map(|index| vec![crate::ir::SchemeId(index)]).collect();
    }
    let mut groups: Vec<Vec<String>> = Vec::new();
    for combination in combinations {
        let mut sets: Vec<Vec<String>> = vec![Vec::new()];
        for id in combination {
            let choices = options(&api.schemes[id.0]);
            sets = sets
                .iter()
                .flat_map(|set| choices.iter().map(move |choice| set.iter().chain(choice).cloned().collect()))
                .collect();
        }
        for set in sets {
            if !groups.contains(&set) {
                groups.push(set);
            }
        }
    }
    groups
}

/// Which credentials are in play, for docs.
pub fn scheme_summary(kind: &SchemeKind) -> String {
    match kind {
        SchemeKind::Bearer => "a bearer token (`Authorization: Bearer ...`)".into(),
        SchemeKind::Basic => "HTTP basic authentication".into(),
        SchemeKind::ApiKey { location: KeyLocation::Header, name } => {
            format!("an API key in the {} header", escape::code_span(name))
        }
        SchemeKind::ApiKey { location: KeyLocation::Query, name } => {
            format!("an API key in the {} query parameter", escape::code_span(name))
        }
        SchemeKind::Signed(Signature::NcpApigwV2) => {
            "NAVER Cloud API Gateway signatures (`x-ncp-apigw-signature-v2`) made with an access key and a secret key".into()
        }
        SchemeKind::ApiKey { location: KeyLocation::Cookie, name } => {
            format!("an API key in the {} cookie", escape::code_span(name))
        }
    }
}

/// `Call`, the request builder every operation returns, and `Endpoint`, what an operation's
/// parameters say about its request and answer. What all builders share is written once
/// here; each operation adds only its own setters.
fn call_types(info: &TokenStream) -> TokenStream {
    quote! {
        /// A request to one operation, ready to send: set its optional parameters (the methods
        /// each operation's parameters add) and per-request settings, then `.send().await` it,
        /// or `.await` it.
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct Call<P> {
            pub(crate) client: Client,
            pub(crate) params: P,
            pub(crate) options: crate::runtime::request::RequestOptions,
        }

        impl<P> Call<P> {
            pub(crate) fn new(client: Client, params: P) -> Self {
                Self { client, params, options: Default::default() }
            }

            /// How long one attempt of this request may take (overrides the client's timeout).
            pub fn timeout(mut self, timeout: Duration) -> Self {
                self.options.timeout = Some(timeout);
                self
            }

            /// How often this request is tried again after a transient failure (overrides the
            /// client's setting).
            pub fn max_retries(mut self, max_retries: u32) -> Self {
                self.options.max_retries = Some(max_retries);
                self
            }

            /// Sends a header the API description does not name.
            pub fn extra_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.options.headers.push((name.into(), value.into()));
                self
            }

            /// Sends a query parameter the API description does not name.
            pub fn extra_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.options.query.push((name.into(), value.into()));
                self
            }

            /// Sends this request to another base URL than the client's (and than a server
            /// the operation names for itself), the operation's path after its own.
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.options.base_url = Some(url.into());
                self
            }
        }

        impl<P: Endpoint> Call<P> {
            /// Sends the request and returns the decoded result.
            pub fn send(self) -> impl std::future::Future<Output = Result<P::Output, Error>> {
                // Mapped, not awaited in an `async fn`, which would hold the request's whole
                // state twice and copy it from one to the other.
                futures_util::FutureExt::map(self.send_with_response(), |answer| {
                    answer.map(Response::into_value)
                })
            }

            /// Sends the request and returns the result with the response's status, headers and
            /// (for envelopes) messages.
            pub fn send_with_response(
                mut self,
            ) -> impl std::future::Future<Output = Result<Response<P::Output>, Error>> {
                self.params.read_whole();
                let (client, request) = self.into_request();
                async move { client.core().send(request, P::reply()).await }
            }

            /// The request as the API expects it, and the client to send it with.
            pub(crate) fn into_request(self) -> (Client, crate::runtime::request::Request) {
                let mut request = self.params.request();
                request.options(self.options);
                (self.client, request)
            }
        }

        impl<P> std::future::IntoFuture for Call<P>
        where
            P: Endpoint + Send + 'static,
            P::Output: Send + 'static,
        {
            type Output = Result<P::Output, Error>;
            type IntoFuture = crate::runtime::transport::BoxFuture<Self::Output>;

            /// Sends the request: `call.await` is `call.send().await`.
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }

        /// How an operation's answer is read (see [`Endpoint::reply`]).
        pub type Reply<T> = crate::runtime::response::Reply<T, crate::ErrorBody, #info>;

        /// One operation's parameters: the request they make and how its answer is read.
        /// Each operation's parameters implement it; [`Call`] sends them.
        pub trait Endpoint {
            /// What a success decodes to.
            type Output;

            /// The request, from the parameters.
            fn request(self) -> crate::runtime::request::Request;

            /// How the answer is read: the success value, and the error bodies the operation
            /// declares.
            fn reply() -> Reply<Self::Output>;

            /// Asks for an answer the operation can stream in one piece, for `send`.
            fn read_whole(&mut self) {}
        }
    }
}
