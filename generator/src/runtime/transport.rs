//! The client: its settings, and the one path every request takes to the server, with
//! per-attempt timeouts and retries where they are safe.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};

use super::auth::{Credential, Credentials, Scheme, Tokens};
use super::error::{transport, transport_message, Error, InvalidRequest};
use super::request::{header_value, static_header, Part, Payload, Request, Server};
use super::response::{Reply, Response};
use super::trace::{self, Call};

/// The future a request builder's `.await` runs.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// How long one attempt of a request may take, unless the client or the request says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// How often a failed request is tried again, unless the client or the request says otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// The first pause before a retry; it doubles with every retry, up to [`MAX_BACKOFF`].
const INITIAL_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// A server's `Retry-After` is honoured when it asks for at most this long.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Settings collected by the generated `ClientBuilder`.
#[derive(Debug)]
pub struct CoreBuilder {
    base_url: Option<String>,
    /// The API's own base URL: while the client's is this one, operations that name servers
    /// of their own send their requests there.
    default_base_url: Option<String>,
    credentials: Credentials,
    timeout: Duration,
    max_retries: u32,
    user_agent: String,
    http: Option<reqwest::Client>,
    hooks: Vec<Hook>,
}

/// Changes each request just before it is sent (after its credentials are added, before it is
/// signed), on every attempt.
#[derive(Clone)]
pub struct Hook(pub Arc<dyn Fn(&mut reqwest::Request) + Send + Sync>);

impl fmt::Debug for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Hook(..)")
    }
}

impl CoreBuilder {
    pub fn new(default_base_url: Option<&str>, user_agent: &str) -> Self {
        Self {
            base_url: default_base_url.map(str::to_owned),
            default_base_url: default_base_url.map(str::to_owned),
            credentials: Credentials::default(),
            timeout: DEFAULT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            user_agent: user_agent.to_owned(),
            http: None,
            hooks: Vec::new(),
        }
    }

    pub fn hook(&mut self, hook: Hook) {
        self.hooks.push(hook);
    }

    pub fn base_url(&mut self, url: String) {
        self.base_url = Some(url);
    }

    #[allow(dead_code, reason = "used by crates whose API has security schemes")]
    pub fn credential(&mut self, scheme: Scheme, credential: Credential) {
        self.credentials.set(scheme, credential);
    }

    pub fn timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    pub fn max_retries(&mut self, max_retries: u32) {
        self.max_retries = max_retries;
    }

    pub fn user_agent(&mut self, user_agent: String) {
        self.user_agent = user_agent;
    }

    pub fn http_client(&mut self, client: reqwest::Client) {
        self.http = Some(client);
    }

    /// The client; `alternatives` are every combination of schemes an operation accepts,
    /// which the credentials set must fit.
    pub fn build<B>(self, alternatives: &[&[Scheme]]) -> Result<ClientCore, Error<B>> {
        self.credentials.check(alternatives).map_err(Error::Config)?;
        let base_url = self.base_url.ok_or_else(|| {
            Error::Config("no base URL: the API names no server; set one with `.base_url(..)`".into())
        })?;
        let parsed = parse_base_url(&base_url).map_err(Error::Config)?;
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::Config("the user agent is not a valid header value".into()))?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        let base_url = base_url.trim_end_matches('/').to_owned();
        let follows_servers =
            self.default_base_url.as_deref().map(|url| url.trim_end_matches('/')) == Some(base_url.as_str());
        Ok(ClientCore {
            http,
            base_url,
            base: parsed,
            follows_servers,
            credentials: self.credentials,
            timeout: self.timeout,
            max_retries: self.max_retries,
            user_agent,
            hooks: self.hooks,
        })
    }
}

/// What every generated `Client` shares: the HTTP client, base URL and credentials.
pub struct ClientCore {
    http: reqwest::Client,
    base_url: String,
    /// The base URL parsed once, so that a request's URL is this with its path set.
    base: reqwest::Url,
    /// The base URL is the API's own, so an operation's own server is where it goes.
    follows_servers: bool,
    credentials: Credentials,
    timeout: Duration,
    max_retries: u32,
    user_agent: HeaderValue,
    hooks: Vec<Hook>,
}

impl ClientCore {
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

impl fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("hooks", &self.hooks.len())
            .finish_non_exhaustive()
    }
}

impl ClientCore {
    /// Sends a request and reads its answer as `reply` says: retried where that is safe,
    /// each attempt built and signed afresh (so signatures carry a fresh timestamp) and
    /// limited by the timeout.
    pub fn send<'a, T, B, I>(
        &'a self,
        request: Request,
        reply: Reply<T, B, I>,
    ) -> impl Future<Output = Result<Response<T, I>, Error<B>>> + 'a
    where
        T: 'a,
        B: From<serde_json::Value> + 'a,
        I: serde::de::DeserializeOwned + 'a,
    {
        // Not an `async fn`, which would hold the future it returns beside a copy of it.
        Call::start(&request).run(self.exchange(request, reply))
    }

    /// Sends a request and reads its answer whole, for [`Self::send`].
    fn exchange<'a, T, B, I>(
        &'a self,
        request: Request,
        reply: Reply<T, B, I>,
    ) -> impl Future<Output = Result<Response<T, I>, Error<B>>> + 'a
    where
        T: 'a,
        B: From<serde_json::Value> + 'a,
        I: serde::de::DeserializeOwned + 'a,
    {
        let operation = request.operation;
        let max_retries = self.max_retries(&request);
        let idempotent = is_idempotent(&request.method);
        // A block, not an `async fn`: the request is held once, where an `async fn` would
        // keep its argument and a copy of it.
        async move {
            let mut attempt = 0;
            loop {
                let mut response = self.answer(&request, &mut attempt, max_retries, idempotent).await?;
                // Taken, not copied: the body is read next and the response is gone after it.
                let (status, headers) = (response.status(), std::mem::take(response.headers_mut()));
                match response.bytes().await {
                    Ok(body) => return reply.read(operation, status, headers, body),
                    // The answer broke off: asking again is safe only if asking twice is.
                    Err(_) if idempotent && attempt < max_retries => {
                        tokio::time::sleep(backoff(attempt)).await;
                        attempt += 1;
                    }
                    Err(error) => return Err(transport(operation, error)),
                }
            }
        }
    }

    /// Sends a request whose answer is read as it arrives, and returns the response to a
    /// success status with its body unread; an error status is read whole into the error
    /// `reply` describes. Retries happen only before the answer's first byte, and the timeout
    /// covers the wait for the response headers, not the stream.
    #[allow(dead_code, reason = "used by crates with streamed answers")]
    pub async fn open<T, B>(
        &self,
        mut request: Request,
        reply: Reply<T, B>,
    ) -> Result<reqwest::Response, Error<B>>
    where
        B: From<serde_json::Value>,
    {
        request.streamed = true;
        let max_retries = self.max_retries(&request);
        let idempotent = is_idempotent(&request.method);
        let call = Call::start(&request);
        let mut response = call.run(self.answer(&request, &mut 0, max_retries, idempotent)).await?;
        if response.status().is_success() {
            return Ok(response);
        }
        let (status, headers) = (response.status(), std::mem::take(response.headers_mut()));
        let operation = request.operation;
        let body = response.bytes().await.map_err(|e| transport(operation, e))?;
        Err(reply.refused(operation, status, headers, Vec::from(body)))
    }

    /// How often a request may be tried again: never where its body is streamed from its
    /// source, which is read once.
    fn max_retries(&self, request: &Request) -> u32 {
        match request.replayable() {
            true => request.options.max_retries.unwrap_or(self.max_retries),
            false => 0,
        }
    }

    /// Sends attempts until the server answers with a response not worth retrying, and
    /// returns it with its body still unread, so a caller may read the body whole or as it
    /// arrives. `attempt` counts the attempts made so far, across calls.
    async fn answer<B>(
        &self,
        request: &Request,
        attempt: &mut u32,
        max_retries: u32,
        idempotent: bool,
    ) -> Result<reqwest::Response, Error<B>> {
        let operation = request.operation;
        if let Some(reason) = &request.invalid {
            return Err(reason.clone().of(operation));
        }
        let timeout = request.options.timeout.unwrap_or(self.timeout);
        // A refused OAuth2 token is renewed once, whatever the retry settings.
        let mut renewed = false;
        loop {
            let tokens = self
                .credentials
                .tokens(request.auth, &self.http, &self.base_url)
                .await
                .map_err(|message| Error::Auth { operation, message })?;
            let prepared = self.prepare(request, &tokens).map_err(|reason| reason.of(operation))?;
            let sent = self.http.execute(prepared);
            // A stream's timeout is the wait for its headers; reqwest's would end the stream.
            let outcome = trace::attempt(*attempt + 1, async {
                if request.streamed {
                    tokio::time::timeout(timeout, sent).await.ok()
                } else {
                    Some(sent.await)
                }
            })
            .await;
            let delay = match outcome {
                // Retried as a timeout reqwest reports is (`retry_after_failure`).
                None if idempotent && *attempt < max_retries => backoff(*attempt),
                None => return Err(Error::Timeout { operation }),
                Some(Err(error)) => match retry_after_failure(&error, idempotent, *attempt, max_retries) {
                    Some(delay) => delay,
                    None => return Err(transport(operation, error)),
                },
                Some(Ok(response))
                    if response.status() == StatusCode::UNAUTHORIZED
                        && !tokens.is_empty()
                        && !renewed
                        && request.replayable() =>
                {
                    self.credentials.forget_tokens(request.auth).await;
                    renewed = true;
                    continue;
                }
                Some(Ok(response)) => {
                    match retry_after_status(
                        response.status(),
                        response.headers(),
                        idempotent,
                        *attempt,
                        max_retries,
                    ) {
                        Some(delay) => delay,
                        None => return Ok(response),
                    }
                }
            };
            tokio::time::sleep(delay).await;
            *attempt += 1;
        }
    }

    /// The final `reqwest` request: URL, query, credentials, headers, and signatures.
    fn prepare(&self, request: &Request, tokens: &Tokens) -> Result<reqwest::Request, InvalidRequest> {
        let mut url = self.url(request)?;
        let mut headers = HeaderMap::new();
        headers.insert(reqwest::header::USER_AGENT, self.user_agent.clone());
        let accept = static_header(request.accept)
            .ok_or_else(|| InvalidRequest(format!("`{}` is not a valid Accept header", request.accept)))?;
        headers.insert(reqwest::header::ACCEPT, accept);
        // A header the operation sets itself (a declared `User-Agent`) replaces the client's.
        for (name, _) in &request.headers {
            headers.remove(name);
        }
        for (name, value) in &request.headers {
            headers.append(name.clone(), value.clone());
        }
        for (name, value) in &request.options.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| InvalidRequest(format!("`{name}` is not a valid header name")))?;
            headers.insert(header, header_value(name, value)?);
        }
        let mut query = request.query.clone();
        query.extend(request.options.query.iter().cloned());
        let applied = self.credentials.apply(request.auth, tokens, &mut headers, &mut query)?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        if let Some((_, media_type)) = &request.body {
            headers.insert(reqwest::header::CONTENT_TYPE, HeaderValue::from_static(media_type));
        }
        // A multipart body holds at least one part (RFC 2046).
        if request.multipart && request.parts.is_empty() {
            return Err(InvalidRequest("the request body is required: set at least one of its parts".into()));
        }
        let body = match &request.body {
            Some((Payload::Bytes(bytes), _)) => Some(reqwest::Body::from(bytes.clone())),
            Some((Payload::Upload(upload), _)) => {
                let (body, length) = upload.body()?;
                if let Some(length) = length {
                    headers.insert(reqwest::header::CONTENT_LENGTH, HeaderValue::from(length));
                }
                Some(body)
            }
            None => None,
        };
        // Built directly: a request builder would copy the headers into a map of its own.
        let mut http_request = reqwest::Request::new(request.method.clone(), url);
        *http_request.headers_mut() = headers;
        *http_request.body_mut() = body;
        if !request.streamed {
            *http_request.timeout_mut() = Some(request.options.timeout.unwrap_or(self.timeout));
        }
        if !request.parts.is_empty() || applied.basic.is_some() {
            http_request = self.through_builder(request, http_request, applied.basic)?;
        }
        for hook in &self.hooks {
            (hook.0)(&mut http_request);
        }
        for signer in applied.signers {
            signer
                .sign(&mut http_request)
                .map_err(|e| InvalidRequest(format!("cannot sign the request: {e}")))?;
        }
        Ok(http_request)
    }

    /// Adds what only a request builder writes: a multipart form, basic credentials.
    fn through_builder(
        &self,
        request: &Request,
        http_request: reqwest::Request,
        basic: Option<(&str, &str)>,
    ) -> Result<reqwest::Request, InvalidRequest> {
        let mut builder = reqwest::RequestBuilder::from_parts(self.http.clone(), http_request);
        if !request.parts.is_empty() {
            // Built for every attempt: a multipart form is consumed when it is sent.
            let mut form = reqwest::multipart::Form::new();
            for (name, part) in &request.parts {
                form = match part {
                    Part::Text(text) => form.text(name.clone(), text.clone()),
                    Part::Json(json) => {
                        let part = reqwest::multipart::Part::text(json.clone())
                            .mime_str("application/json")
                            .map_err(|e| InvalidRequest(format!("part `{name}` cannot be built: {e}")))?;
                        form.part(name.clone(), part)
                    }
                    Part::File(upload) => form.part(name.clone(), upload.part(name)?),
                };
            }
            builder = builder.multipart(form);
        }
        if let Some((username, password)) = basic {
            builder = builder.basic_auth(username, Some(password));
        }
        builder
            .build()
            .map_err(|e| InvalidRequest(format!("the request cannot be built: {}", transport_message(&e))))
    }

    /// The request's URL: its base URL with the operation's path after the base's own.
    fn url(&self, request: &Request) -> Result<reqwest::Url, InvalidRequest> {
        let path = request.path.as_str();
        let other = self.base_of(request)?;
        let (base, base_text) = match &other {
            Some(url) => (url, url.as_str().trim_end_matches('/')),
            None => (&self.base, self.base_url.as_str()),
        };
        // A path template written with a query or fragment in it is read as URL text, as
        // the server would; any other is set on the base URL parsed once.
        if path.contains(['?', '#']) {
            return reqwest::Url::parse(&format!("{base_text}{path}"))
                .map_err(|e| InvalidRequest(format!("the request URL is not valid: {e}")));
        }
        let mut url = base.clone();
        match base.path().trim_end_matches('/') {
            "" => url.set_path(path),
            prefix => url.set_path(&format!("{prefix}{path}")),
        }
        Ok(url)
    }

    /// The base URL a request goes to where it is not the client's: the one set on the
    /// request, else the operation's own server, an absolute URL while the client's base URL
    /// is the API's (a client pointed elsewhere, at a proxy or a mock, sends everything
    /// there), or a reference resolved against the client's base URL.
    fn base_of(&self, request: &Request) -> Result<Option<reqwest::Url>, InvalidRequest> {
        if let Some(url) = &request.options.base_url {
            return parse_base_url(url).map(Some).map_err(InvalidRequest);
        }
        let invalid = |server: &str, e: &dyn fmt::Display| {
            InvalidRequest(format!("the operation's server `{server}` is not a valid URL: {e}"))
        };
        match request.server {
            None => Ok(None),
            Some(Server::Absolute(_)) if !self.follows_servers => Ok(None),
            Some(Server::Absolute(url)) => reqwest::Url::parse(url).map(Some).map_err(|e| invalid(url, &e)),
            Some(Server::Relative(reference)) => {
                // Joined onto the base URL as a folder, so `v2` extends its path.
                let mut folder = self.base.clone();
                if !folder.path().ends_with('/') {
                    folder.set_path(&format!("{}/", folder.path()));
                }
                folder.join(reference).map(Some).map_err(|e| invalid(reference, &e))
            }
        }
    }
}

/// A base URL, set on the client or on one request: an http or https URL with a path.
fn parse_base_url(url: &str) -> Result<reqwest::Url, String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("base URL `{url}` is not a valid URL: {e}"))?;
    if parsed.cannot_be_a_base() || !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("base URL `{url}` must be an http or https URL"));
    }
    Ok(parsed)
}

/// An environment variable's value, where it is set and not empty.
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// Requires a credential in the environment: `schemes` are the variables of each security
/// scheme; at least one scheme must have all of its variables set, and none only part of them.
pub fn require_env(schemes: &[&[&str]]) -> Result<(), String> {
    for names in schemes {
        let set: Vec<&str> = names.iter().copied().filter(|name| env_var(name).is_some()).collect();
        if !set.is_empty() && set.len() < names.len() {
            let missing: Vec<String> =
                names.iter().filter(|name| !set.contains(name)).map(|name| format!("`{name}`")).collect();
            return Err(format!("`{}` is set without {}", set.join("`, `"), missing.join(" and ")));
        }
    }
    if schemes.is_empty() || schemes.iter().any(|names| names.iter().all(|name| env_var(name).is_some())) {
        return Ok(());
    }
    let options: Vec<String> = schemes
        .iter()
        .map(|names| names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(" and "))
        .collect();
    Err(format!("no credentials in the environment: set {}", options.join(", or ")))
}

/// Methods the server may receive twice without harm (`QUERY` is safe, like `GET`).
fn is_idempotent(method: &Method) -> bool {
    [Method::GET, Method::HEAD, Method::PUT, Method::DELETE, Method::OPTIONS, Method::TRACE].contains(method)
        || method.as_str() == "QUERY"
}

/// The pause before retry number `attempt + 1`: 0.5 s doubling up to 8 s, less up to a
/// quarter at random so that many clients do not retry in step.
pub(crate) fn backoff(attempt: u32) -> Duration {
    let exponential = INITIAL_BACKOFF.saturating_mul(2u32.saturating_pow(attempt)).min(MAX_BACKOFF);
    exponential.mul_f64(1.0 - 0.25 * fastrand::f64())
}

/// How long the server asks to wait (`retry-after-ms`, or `Retry-After` in seconds or as an
/// HTTP date), when it asks for a sensible time.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let asked = if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        Duration::try_from_secs_f64(ms / 1000.0).ok()
    } else if let Some(value) = text("retry-after") {
        match value.parse::<f64>() {
            Ok(seconds) => Duration::try_from_secs_f64(seconds).ok(),
            Err(_) => httpdate::parse_http_date(value)
                .ok()
                .map(|date| date.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO)),
        }
    } else {
        None
    };
    asked.filter(|delay| *delay <= MAX_RETRY_AFTER)
}

/// Whether (and after how long) to retry after an error status. Idempotent requests retry on
/// 408, 409, 429 and 5xx; others only where the server cannot have acted on them (429, and
/// 503 with `Retry-After`). A server's `x-should-retry` header overrides both.
pub(crate) fn retry_after_status(
    status: StatusCode,
    headers: &HeaderMap,
    idempotent: bool,
    attempt: u32,
    max_retries: u32,
) -> Option<Duration> {
    if status.is_success() || attempt >= max_retries {
        return None;
    }
    let asked = retry_after(headers);
    let should = match headers.get("x-should-retry").and_then(|v| v.to_str().ok()) {
        Some("true") => true,
        Some("false") => false,
        _ => {
            let code = status.as_u16();
            let transient = matches!(code, 408 | 409 | 429) || status.is_server_error();
            let not_acted = code == 429 || (code == 503 && asked.is_some());
            transient && (idempotent || not_acted)
        }
    };
    should.then(|| asked.unwrap_or_else(|| backoff(attempt)))
}

/// Whether (and after how long) to retry after a failure to get an answer: a connection that
/// could not be made is always safe to retry; anything later only for idempotent requests.
fn retry_after_failure(
    error: &reqwest::Error,
    idempotent: bool,
    attempt: u32,
    max_retries: u32,
) -> Option<Duration> {
    let safe = error.is_connect() || (idempotent && (error.is_timeout() || error.is_request()));
    (safe && attempt < max_retries).then(|| backoff(attempt))
}
