//! Credentials: one per security scheme the client was given, and the choice of which go on
//! a request.

use std::fmt;
use std::sync::Arc;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::error::InvalidRequest;
use super::oauth::TokenSource;
use super::request::header_value;

/// A security scheme of the API. Each generated crate declares one constant per scheme, so
/// operations and the client builder name schemes by value, never by a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scheme {
    /// The scheme's place among the crate's schemes.
    pub index: usize,
    /// The `ClientBuilder` method that sets its credential, for messages.
    pub setter: &'static str,
}

/// A secret that never shows in `Debug` output or error messages.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    #[allow(dead_code, reason = "used by crates with a scheme that takes a token, key or password")]
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// Where and how one security scheme's credential goes on a request.
#[derive(Clone, Debug)]
#[allow(dead_code, reason = "each crate builds the kinds its security schemes use")]
pub enum Credential {
    /// `Authorization: Bearer <token>`
    Bearer(Secret),
    /// `Authorization: Basic base64(<username>:<password>)`
    Basic { username: String, password: Secret },
    /// An API key in a header.
    Header { name: &'static str, value: Secret },
    /// An API key in the query string.
    Query { name: &'static str, value: Secret },
    /// An API key in a cookie.
    Cookie { name: &'static str, value: Secret },
    /// The request is signed: the signer runs on the final request, before every attempt.
    Signed(Arc<dyn Signer>),
    /// `Authorization: Bearer <token>` with an OAuth2 token the client gets and renews itself.
    OAuth2(Arc<TokenSource>),
}

/// Signs requests: runs on the final request just before it is sent, again before every
/// retry (so a signature with a timestamp is always fresh). Implement it to replace a signing
/// scheme the client ships with, or to sign requests of an API the spec does not describe.
pub trait Signer: fmt::Debug + Send + Sync {
    /// Adds the signature (headers, query parameters) to the request.
    fn sign(&self, request: &mut reqwest::Request) -> Result<(), SignError>;
}

/// Why a request could not be signed; the call fails with it before anything is sent.
#[derive(Debug)]
pub struct SignError {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl SignError {
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), source: None }
    }

    /// The error that made signing fail, for `source()`.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SignError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The credentials an operation accepts: the first alternative whose schemes are all
/// configured is sent.
#[derive(Clone, Copy, Debug)]
pub struct Auth {
    pub alternatives: &'static [&'static [Scheme]],
    /// The operation may also be called without credentials.
    pub optional: bool,
}

impl Auth {
    #[allow(dead_code, reason = "used by crates with operations that need no credentials")]
    pub const NONE: Auth = Auth { alternatives: &[], optional: true };
}

/// The credentials a client was given, one slot per scheme.
#[derive(Clone, Default)]
pub struct Credentials {
    slots: Vec<Option<Slot>>,
}

/// One scheme's credential.
#[derive(Clone)]
struct Slot {
    scheme: Scheme,
    credential: Credential,
    /// The header a bearer token or an API key in a header sends, written once when it is set
    /// rather than for every request (or why it cannot be sent, told when a request would).
    header: Option<Result<(HeaderName, HeaderValue), InvalidRequest>>,
}

impl Slot {
    fn new(scheme: Scheme, credential: Credential) -> Self {
        let header = match &credential {
            Credential::Bearer(token) => {
                Some(bearer(scheme, token).map(|value| (reqwest::header::AUTHORIZATION, value)))
            }
            Credential::Header { name, value } => Some(
                HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| InvalidRequest(format!("`{name}` is not a valid header name")))
                    .and_then(|header| Ok((header, sensitive(header_value(name, value.expose())?)))),
            ),
            _ => None,
        };
        Slot { scheme, credential, header }
    }

    /// The header the credential sends.
    fn header(&self) -> Result<(HeaderName, HeaderValue), InvalidRequest> {
        self.header.clone().unwrap_or_else(|| {
            Err(InvalidRequest(format!("`{}` is not sent in a header", self.scheme.setter)))
        })
    }
}

impl Credentials {
    /// Refuses credentials that can never be sent: a scheme set without the schemes it is
    /// only ever sent with (an email without its key). `alternatives` are every combination
    /// of schemes some operation accepts.
    pub fn check(&self, alternatives: &[&[Scheme]]) -> Result<(), String> {
        for Slot { scheme, .. } in self.slots.iter().flatten() {
            let with = || alternatives.iter().filter(|schemes| schemes.contains(scheme));
            if with().next().is_none() || with().any(|schemes| self.complete(schemes)) {
                continue;
            }
            let needed: Vec<String> = with()
                .map(|schemes| {
                    let missing: Vec<String> = schemes
                        .iter()
                        .filter(|s| self.get(**s).is_none())
                        .map(|s| format!("`{}`", s.setter))
                        .collect();
                    missing.join(" and ")
                })
                .collect();
            return Err(format!(
                "`{}` is set, but it is only sent together with {}: set that too",
                scheme.setter,
                needed.join(", or ")
            ));
        }
        Ok(())
    }

    pub fn set(&mut self, scheme: Scheme, credential: Credential) {
        if self.slots.len() <= scheme.index {
            self.slots.resize(scheme.index + 1, None);
        }
        self.slots[scheme.index] = Some(Slot::new(scheme, credential));
    }

    fn slot(&self, scheme: Scheme) -> Option<&Slot> {
        self.slots.get(scheme.index)?.as_ref()
    }

    fn get(&self, scheme: Scheme) -> Option<&Credential> {
        self.slot(scheme).map(|slot| &slot.credential)
    }

    /// Whether every one of `schemes` has a credential.
    fn complete(&self, schemes: &[Scheme]) -> bool {
        schemes.iter().all(|s| self.get(*s).is_some())
    }

    /// The first alternative of `auth` whose schemes all have credentials.
    fn chosen(&self, auth: Auth) -> Option<&'static [Scheme]> {
        auth.alternatives.iter().copied().find(|schemes| self.complete(schemes))
    }

    /// The OAuth2 sources among the credentials a request of `auth` sends.
    fn sources(&self, auth: Auth) -> impl Iterator<Item = (Scheme, &TokenSource)> {
        self.chosen(auth).into_iter().flatten().filter_map(|scheme| match self.get(*scheme) {
            Some(Credential::OAuth2(source)) => Some((*scheme, source.as_ref())),
            _ => None,
        })
    }

    /// The OAuth2 tokens a request of `auth` sends, from their cache or their token endpoints.
    pub(super) async fn tokens(
        &self,
        auth: Auth,
        http: &reqwest::Client,
        base_url: &str,
    ) -> Result<Tokens, String> {
        let mut tokens = Vec::new();
        for (scheme, source) in self.sources(auth) {
            tokens.push((scheme.index, source.token(http, base_url).await?));
        }
        Ok(Tokens(tokens))
    }

    /// Forgets the cached OAuth2 tokens of `auth` (the server refused one), so the next
    /// attempt fetches new ones.
    pub(super) async fn forget_tokens(&self, auth: Auth) {
        for (_, source) in self.sources(auth) {
            source.forget().await;
        }
    }

    /// Adds the credentials of the first alternative that is fully configured to the request's
    /// headers and query (a basic credential is returned for the request builder); returns
    /// the signers among them, which run on the finished request.
    pub fn apply<'c>(
        &'c self,
        auth: Auth,
        tokens: &Tokens,
        headers: &mut HeaderMap,
        query: &mut Vec<(String, String)>,
    ) -> Result<Applied<'c>, InvalidRequest> {
        let chosen = self.chosen(auth);
        let mut applied = Applied { basic: None, signers: Vec::new() };
        let Some(schemes) = chosen else {
            if auth.optional {
                return Ok(applied);
            }
            let options: Vec<String> = auth
                .alternatives
                .iter()
                .map(|schemes| schemes.iter().map(|s| s.setter).collect::<Vec<_>>().join(" + "))
                .collect();
            return Err(InvalidRequest(format!(
                "this operation needs credentials: set {}",
                options.join(", or ")
            )));
        };
        for scheme in schemes.iter() {
            let Some(slot) = self.slot(*scheme) else { continue };
            match &slot.credential {
                Credential::Bearer(_) | Credential::Header { .. } => {
                    let (name, value) = slot.header()?;
                    headers.insert(name, value);
                }
                Credential::Basic { username, password } => {
                    applied.basic = Some((username, password.expose()))
                }
                Credential::Query { name, value } => {
                    query.push(((*name).to_owned(), value.expose().to_owned()))
                }
                Credential::Cookie { name, value } => {
                    let pair = format!("{name}={}", value.expose());
                    headers.append(reqwest::header::COOKIE, sensitive(header_value(name, &pair)?));
                }
                Credential::Signed(signer) => applied.signers.push(signer.as_ref()),
                Credential::OAuth2(_) => {
                    let token = tokens.0.iter().find(|(index, _)| *index == scheme.index).map(|(_, t)| t);
                    let token =
                        token.ok_or_else(|| InvalidRequest(format!("no token for `{}`", scheme.setter)))?;
                    headers.insert(reqwest::header::AUTHORIZATION, bearer(*scheme, token)?);
                }
            }
        }
        Ok(applied)
    }
}

impl fmt::Debug for Credentials {
    /// The setters of the schemes that have credentials, never the credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.slots.iter().flatten().map(|slot| slot.scheme.setter)).finish()
    }
}

/// The OAuth2 tokens one attempt sends, by scheme index.
#[derive(Default)]
pub struct Tokens(Vec<(usize, Secret)>);

impl Tokens {
    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What of a request's credentials is applied after the headers: a basic credential (set
/// through the request builder) and the signers, which need the finished request.
pub struct Applied<'c> {
    pub basic: Option<(&'c str, &'c str)>,
    pub signers: Vec<&'c dyn Signer>,
}

/// `Authorization: Bearer <token>`, marked sensitive.
fn bearer(scheme: Scheme, token: &Secret) -> Result<HeaderValue, InvalidRequest> {
    header_value(scheme.setter, &format!("Bearer {}", token.expose())).map(sensitive)
}

fn sensitive(mut value: HeaderValue) -> HeaderValue {
    value.set_sensitive(true);
    value
}
