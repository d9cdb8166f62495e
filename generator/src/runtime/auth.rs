//! Credentials: one per security scheme the client was given, and the choice of which go on
//! a request.

use std::fmt;
use std::sync::Arc;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::error::InvalidRequest;
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
}

/// Signs requests: runs on the final request just before it is sent, again before every
/// retry (so a signature with a timestamp is always fresh). Implement it to replace a signing
/// scheme the client ships with, or to sign requests of an API the spec does not describe.
pub trait Signer: fmt::Debug + Send + Sync {
    /// Adds the signature (headers, query parameters) to the request.
    fn sign(&self, request: &mut reqwest::Request) -> Result<(), String>;
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
    slots: Vec<Option<(Scheme, Credential)>>,
}

impl Credentials {
    pub fn set(&mut self, scheme: Scheme, credential: Credential) {
        if self.slots.len() <= scheme.index {
            self.slots.resize(scheme.index + 1, None);
        }
        self.slots[scheme.index] = Some((scheme, credential));
    }

    fn get(&self, scheme: Scheme) -> Option<&Credential> {
        self.slots.get(scheme.index)?.as_ref().map(|(_, credential)| credential)
    }

    /// Adds the credentials of the first alternative that is fully configured to the request's
    /// headers and query (a basic credential is returned for the request builder); returns
    /// the signers among them, which run on the finished request.
    pub fn apply<'c>(
        &'c self,
        auth: Auth,
        headers: &mut HeaderMap,
        query: &mut Vec<(String, String)>,
    ) -> Result<Applied<'c>, InvalidRequest> {
        let chosen = auth.alternatives.iter().find(|schemes| schemes.iter().all(|s| self.get(*s).is_some()));
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
            let Some(credential) = self.get(*scheme) else { continue };
            match credential {
                Credential::Bearer(token) => {
                    let value = header_value(scheme.setter, &format!("Bearer {}", token.expose()))?;
                    headers.insert(reqwest::header::AUTHORIZATION, sensitive(value));
                }
                Credential::Basic { username, password } => {
                    applied.basic = Some((username, password.expose()))
                }
                Credential::Header { name, value } => {
                    let header = HeaderName::from_bytes(name.as_bytes())
                        .map_err(|_| InvalidRequest(format!("`{name}` is not a valid header name")))?;
                    headers.insert(header, sensitive(header_value(name, value.expose())?));
                }
                Credential::Query { name, value } => {
                    query.push(((*name).to_owned(), value.expose().to_owned()))
                }
                Credential::Cookie { name, value } => {
                    let pair = format!("{name}={}", value.expose());
                    headers.append(reqwest::header::COOKIE, sensitive(header_value(name, &pair)?));
                }
                Credential::Signed(signer) => applied.signers.push(signer.as_ref()),
            }
        }
        Ok(applied)
    }
}

impl fmt::Debug for Credentials {
    /// The setters of the schemes that have credentials, never the credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.slots.iter().flatten().map(|(scheme, _)| scheme.setter)).finish()
    }
}

/// What of a request's credentials is applied after the headers: a basic credential (set
/// through the request builder) and the signers, which need the finished request.
pub struct Applied<'c> {
    pub basic: Option<(&'c str, &'c str)>,
    pub signers: Vec<&'c dyn Signer>,
}

fn sensitive(mut value: HeaderValue) -> HeaderValue {
    value.set_sensitive(true);
    value
}
