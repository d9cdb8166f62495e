//! OAuth2 access tokens the client gets itself: with its client credentials, or with a
//! refresh token, from the API's token endpoint (RFC 6749 §4.4, §6). A token is fetched when
//! first needed, kept until shortly before it expires, and fetched again then; concurrent
//! requests wait for one fetch instead of each making their own.

use std::fmt;
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::auth::Secret;

/// A token is fetched again this long before it expires, so that it does not expire on the
/// way to the server.
const EARLY: Duration = Duration::from_secs(30);

/// How the client gets its tokens.
#[derive(Clone, Debug)]
#[allow(dead_code, reason = "each crate uses the grants its OAuth2 flows have")]
pub enum Grant {
    /// `grant_type=client_credentials`: the client acts on its own behalf.
    ClientCredentials { client_id: String, client_secret: Secret },
    /// `grant_type=refresh_token`: a refresh token a user's authorization gave.
    RefreshToken { client_id: String, client_secret: Secret, refresh_token: Secret },
}

/// Access tokens from one token endpoint with one grant, cached.
pub struct TokenSource {
    /// The token endpoint; relative to the client's base URL where the API gives a relative
    /// one.
    url: String,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
    /// Locked while a token is fetched, so concurrent requests wait for that one fetch.
    state: tokio::sync::Mutex<State>,
}

struct State {
    token: Option<Token>,
    /// The refresh token to use next (a server may hand out a new one with every token);
    /// `None` for the client credentials grant.
    refresh_token: Option<Secret>,
}

#[derive(Clone)]
struct Token {
    access: Secret,
    /// When to fetch another; `None` when the server did not say it expires.
    renew_at: Option<Instant>,
}

/// The token endpoint's answer (RFC 6749 §5.1).
#[derive(Deserialize)]
struct Issued {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
    /// A server may rotate the refresh token with every use.
    #[serde(default)]
    refresh_token: Option<String>,
}

/// The token endpoint's refusal (RFC 6749 §5.2).
#[derive(Deserialize)]
struct Refused {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

impl TokenSource {
    #[allow(dead_code, reason = "used by crates with OAuth2 flows the client can run")]
    pub fn new(url: &str, grant: Grant, scopes: Vec<String>) -> Self {
        let (client_id, client_secret, refresh_token) = match grant {
            Grant::ClientCredentials { client_id, client_secret } => (client_id, client_secret, None),
            Grant::RefreshToken { client_id, client_secret, refresh_token } => {
                (client_id, client_secret, Some(refresh_token))
            }
        };
        Self {
            url: url.to_owned(),
            client_id,
            client_secret,
            scopes,
            state: tokio::sync::Mutex::new(State { token: None, refresh_token }),
        }
    }

    /// A valid access token: the cached one, or a new one from the token endpoint.
    pub(super) async fn token(&self, http: &reqwest::Client, base_url: &str) -> Result<Secret, String> {
        let mut state = self.state.lock().await;
        if let Some(token) = &state.token {
            if token.renew_at.is_none_or(|at| Instant::now() < at) {
                return Ok(token.access.clone());
            }
        }
        // Boxed: a fetch is rare, and inline it would make every request's future as large as
        // a whole token exchange.
        let token = Box::pin(self.fetch(&mut state, http, base_url)).await?;
        let access = token.access.clone();
        state.token = Some(token);
        Ok(access)
    }

    /// Forgets the cached token (the server refused it), so the next request fetches another.
    pub(super) async fn forget(&self) {
        self.state.lock().await.token = None;
    }

    async fn fetch(
        &self,
        state: &mut State,
        http: &reqwest::Client,
        base_url: &str,
    ) -> Result<Token, String> {
        let url = reqwest::Url::parse(&self.url)
            .or_else(|_| reqwest::Url::parse(&format!("{base_url}/")).and_then(|base| base.join(&self.url)))
            .map_err(|e| format!("the token URL `{}` is not valid: {e}", self.url))?;
        let form = {
            let mut form = form_urlencoded::Serializer::new(String::new());
            match &state.refresh_token {
                None => form.append_pair("grant_type", "client_credentials"),
                Some(refresh_token) => form
                    .append_pair("grant_type", "refresh_token")
                    .append_pair("refresh_token", refresh_token.expose()),
            };
            if !self.scopes.is_empty() {
                form.append_pair("scope", &self.scopes.join(" "));
            }
            form.finish()
        };
        let started = Instant::now();
        let response = http
            .post(url)
            // Client authentication every server must accept (RFC 6749 §2.3.1).
            .basic_auth(&self.client_id, Some(self.client_secret.expose()))
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(form)
            .send()
            .await
            .map_err(|e| {
                let reason = super::error::transport_message(&e.without_url());
                format!("the token endpoint cannot be reached: {reason}")
            })?;
        let status = response.status();
        let bytes =
            response.bytes().await.map_err(|e| format!("the token endpoint's answer broke off: {e}"))?;
        if !status.is_success() {
            return Err(match serde_json::from_slice::<Refused>(&bytes) {
                Ok(Refused { error, error_description: Some(description) }) => {
                    format!("the token endpoint refused ({error}): {description}")
                }
                Ok(Refused { error, error_description: None }) => {
                    format!("the token endpoint refused ({error})")
                }
                Err(_) => format!("the token endpoint answered HTTP {status}"),
            });
        }
        let issued: Issued = serde_json::from_slice(&bytes)
            .map_err(|e| format!("the token endpoint's answer is not a token: {e}"))?;
        if let (Some(rotated), Some(current)) = (issued.refresh_token, state.refresh_token.as_mut()) {
            // The old refresh token may no longer work.
            *current = Secret::new(rotated);
        }
        // Renewed early, but never before half its life.
        let renew_at =
            issued.expires_in.map(Duration::from_secs).map(|life| started + life - EARLY.min(life / 2));
        Ok(Token { access: Secret::new(issued.access_token), renew_at })
    }
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource").field("url", &self.url).finish_non_exhaustive()
    }
}
