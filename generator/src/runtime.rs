//! The client runtime: building, sending and decoding requests for the generated operations.
//!
//! This file is written once, compiled and tested in the generator, and copied verbatim into
//! every generated crate as its private `runtime` module. Generated code reaches HTTP, auth,
//! encoding and errors only through what is here.

// Every generated crate carries all of this file but uses only what its spec needs.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The future a request builder's `.await` runs.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// The stream of items or pages of a paginated operation.
pub type BoxStream<T> = Pin<Box<dyn futures_core::Stream<Item = T> + Send + 'static>>;

/// How long one attempt of a request may take, unless the client or the request says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// How often a failed request is tried again, unless the client or the request says otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// The first pause before a retry; it doubles with every retry, up to [`MAX_BACKOFF`].
const INITIAL_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// A server's `Retry-After` is honoured when it asks for at most this long.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// A secret that never shows in `Debug` output or error messages.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Where and how one security scheme's credential goes on a request.
#[derive(Clone, Debug)]
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
    pub alternatives: &'static [&'static [&'static str]],
    /// The operation may also be called without credentials.
    pub optional: bool,
}

impl Auth {
    pub const NONE: Auth = Auth { alternatives: &[], optional: true };
}

/// Per-request settings, set on a request builder: they override the client's.
#[derive(Clone, Debug, Default)]
pub struct RequestOptions {
    pub timeout: Option<Duration>,
    pub max_retries: Option<u32>,
    /// Headers sent in addition to the operation's (checked when the request is sent).
    pub headers: Vec<(String, String)>,
    /// Query parameters sent in addition to the operation's.
    pub query: Vec<(String, String)>,
}

/// What every request builder shares: `.send()`, `.await`, and the per-request settings. The
/// builder has an `options: RequestOptions` field and a `send_with_response` method.
// A crate whose spec has no operations has no builders.
#[allow(unused_macros)]
macro_rules! request_builder {
    ($builder:ident, $output:ty, $error:ty) => {
        impl $builder {
            /// How long one attempt of this request may take (overrides the client's timeout).
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.options.timeout = ::std::option::Option::Some(timeout);
                self
            }

            /// How often this request is tried again after a transient failure (overrides the
            /// client's setting).
            pub fn max_retries(mut self, max_retries: u32) -> Self {
                self.options.max_retries = ::std::option::Option::Some(max_retries);
                self
            }

            /// Sends a header the API description does not name.
            pub fn extra_header(
                mut self,
                name: impl ::std::convert::Into<::std::string::String>,
                value: impl ::std::convert::Into<::std::string::String>,
            ) -> Self {
                self.options.headers.push((name.into(), value.into()));
                self
            }

            /// Sends a query parameter the API description does not name.
            pub fn extra_query(
                mut self,
                name: impl ::std::convert::Into<::std::string::String>,
                value: impl ::std::convert::Into<::std::string::String>,
            ) -> Self {
                self.options.query.push((name.into(), value.into()));
                self
            }

            /// Sends the request and returns the decoded result.
            pub async fn send(self) -> ::std::result::Result<$output, $error> {
                self.send_with_response().await.map($crate::runtime::Response::into_value)
            }
        }

        impl ::std::future::IntoFuture for $builder {
            type Output = ::std::result::Result<$output, $error>;
            type IntoFuture = $crate::runtime::BoxFuture<Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.send())
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use request_builder;

/// Names of the members of a response envelope (`{success, errors, messages, result}`).
#[derive(Clone, Copy, Debug)]
pub struct Envelope {
    pub success: &'static str,
    pub errors: &'static str,
    pub messages: &'static str,
    pub result: &'static str,
    pub result_info: &'static str,
}

/// How a query parameter is written (OpenAPI `style` and `explode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    /// `k=a&k=b` (`explode: true`), or `k=a,b`.
    Form { explode: bool },
    /// `k=a%20b`
    SpaceDelimited,
    /// `k=a|b`
    PipeDelimited,
    /// `k[x]=1&k[y]=2`
    DeepObject,
}

/// A message from an API: an entry of an envelope's `errors` or `messages`.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiMessage {
    pub code: Option<i64>,
    pub message: String,
    /// Every other member the API sent with the message (documentation links, sources, ...).
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl ApiMessage {
    /// Reads messages leniently: anything that is not an object with a `message` is kept as
    /// text, so a surprising error body never hides the error itself.
    fn list(value: Option<&serde_json::Value>) -> Vec<ApiMessage> {
        let Some(serde_json::Value::Array(items)) = value else { return Vec::new() };
        items
            .iter()
            .map(|item| match item {
                serde_json::Value::Object(map) => {
                    let mut extra = map.clone();
                    let code = extra.remove("code").and_then(|c| match c {
                        serde_json::Value::Number(n) => n.as_i64(),
                        serde_json::Value::String(s) => s.parse().ok(),
                        _ => None,
                    });
                    let message = match extra.remove("message") {
                        Some(serde_json::Value::String(s)) => s,
                        Some(other) => other.to_string(),
                        None => String::new(),
                    };
                    ApiMessage { code, message, extra }
                }
                serde_json::Value::String(s) => {
                    ApiMessage { code: None, message: s.clone(), extra: Default::default() }
                }
                other => ApiMessage { code: None, message: other.to_string(), extra: Default::default() },
            })
            .collect()
    }
}

impl fmt::Display for ApiMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some(code) => write!(f, "[{code}] {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A successful response: the decoded value and everything else the server said.
#[derive(Clone, Debug)]
pub struct Response<T> {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub value: T,
    /// The envelope's `messages`, for APIs that answer in an envelope.
    pub messages: Vec<ApiMessage>,
    /// The envelope's `result_info` (paging details), when present.
    pub result_info: Option<serde_json::Value>,
}

impl<T> Response<T> {
    pub fn into_value(self) -> T {
        self.value
    }
}

/// An error response from the API.
#[derive(Debug)]
pub struct ApiError<B> {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The envelope's `errors` list (code and message), when the API answers in envelopes.
    pub errors: Vec<ApiMessage>,
    /// The body decoded as the type the spec declares for this status.
    pub body: Option<B>,
    /// The body as received.
    pub raw: Vec<u8>,
}

impl<B> ApiError<B> {
    /// The body as text (lossy for bytes that are not UTF-8).
    pub fn raw_text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }
}

impl<B> fmt::Display for ApiError<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if !self.errors.is_empty() {
            let messages: Vec<String> = self.errors.iter().map(ToString::to_string).collect();
            return write!(f, ": {}", messages.join("; "));
        }
        let text = self.raw_text();
        let text = text.trim();
        if !text.is_empty() {
            const LIMIT: usize = 200;
            match text.char_indices().nth(LIMIT) {
                Some((end, _)) => write!(f, ": {}...", &text[..end])?,
                None => write!(f, ": {text}")?,
            }
        }
        Ok(())
    }
}

/// A response body that did not match the type the spec declares.
#[derive(Debug)]
pub struct DecodeError {
    pub status: StatusCode,
    /// Where in the body decoding failed (`result.devices[2].id`); empty for the root.
    pub path: String,
    pub message: String,
    /// The body as received.
    pub raw: Vec<u8>,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() || self.path == "." { "the body" } else { &self.path };
        write!(f, "cannot decode {path} of an HTTP {} response: {}", self.status, self.message)
    }
}

/// Everything that can go wrong with a call; `B` is the crate's typed error body.
#[derive(Debug)]
pub enum Error<B> {
    /// The server answered with an error status, or an envelope with `success: false`.
    Api(Box<ApiError<B>>),
    /// The request could not be sent or the response not read.
    Transport(reqwest::Error),
    /// The request took longer than its timeout.
    Timeout,
    /// The response did not decode as the spec says it should.
    Decode(Box<DecodeError>),
    /// The request was refused before sending (a missing filter, a header with a line break...).
    InvalidRequest(String),
    /// The client could not be built (no base URL, an invalid one...).
    Config(String),
}

impl<B> Error<B> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::Transport(e) => e.status(),
            _ => None,
        }
    }

    /// The API error, if this is one.
    pub fn api(&self) -> Option<&ApiError<B>> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }
}

impl<B> fmt::Display for Error<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => write!(f, "API error: {e}"),
            Error::Transport(e) => write!(f, "transport error: {}", transport_message(e)),
            Error::Timeout => f.write_str("request timed out"),
            Error::Decode(e) => e.fmt(f),
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::Config(message) => write!(f, "invalid client configuration: {message}"),
        }
    }
}

impl<B: fmt::Debug> std::error::Error for Error<B> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            _ => None,
        }
    }
}

/// A transport error's message with the causes that say what actually failed.
fn transport_message(error: &reqwest::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// A request refused before it was sent; becomes [`Error::InvalidRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRequest(pub String);

impl<B> From<InvalidRequest> for Error<B> {
    fn from(e: InvalidRequest) -> Self {
        Error::InvalidRequest(e.0)
    }
}

/// Settings collected by the generated `ClientBuilder`.
#[derive(Debug)]
pub struct CoreBuilder {
    base_url: Option<String>,
    credentials: BTreeMap<&'static str, Credential>,
    timeout: Duration,
    max_retries: u32,
    user_agent: String,
    http: Option<reqwest::Client>,
}

impl CoreBuilder {
    pub fn new(default_base_url: Option<&str>, user_agent: &str) -> Self {
        Self {
            base_url: default_base_url.map(str::to_owned),
            credentials: BTreeMap::new(),
            timeout: DEFAULT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            user_agent: user_agent.to_owned(),
            http: None,
        }
    }

    pub fn base_url(&mut self, url: String) {
        self.base_url = Some(url);
    }

    pub fn credential(&mut self, scheme: &'static str, credential: Credential) {
        self.credentials.insert(scheme, credential);
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

    pub fn build<B>(self) -> Result<ClientCore, Error<B>> {
        let base_url = self.base_url.ok_or_else(|| {
            Error::Config("no base URL: the API names no server; set one with `.base_url(..)`".into())
        })?;
        let parsed = reqwest::Url::parse(&base_url)
            .map_err(|e| Error::Config(format!("base URL `{base_url}` is not a valid URL: {e}")))?;
        if parsed.cannot_be_a_base() || !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::Config(format!("base URL `{base_url}` must be an http or https URL")));
        }
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::Config("the user agent is not a valid header value".into()))?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        Ok(ClientCore {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            credentials: self.credentials,
            timeout: self.timeout,
            max_retries: self.max_retries,
            user_agent,
        })
    }
}

/// What every generated `Client` shares: the HTTP client, base URL and credentials.
pub struct ClientCore {
    http: reqwest::Client,
    base_url: String,
    credentials: BTreeMap<&'static str, Credential>,
    timeout: Duration,
    max_retries: u32,
    user_agent: HeaderValue,
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
            .field("credentials", &self.credentials.keys().collect::<Vec<_>>())
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

/// One request, built up by a generated request builder.
#[derive(Debug)]
pub struct Request {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Option<(Vec<u8>, &'static str)>,
    /// The parts of a `multipart/form-data` body.
    parts: Vec<(String, Part)>,
    auth: Auth,
    options: RequestOptions,
}

/// One part of a multipart body.
#[derive(Debug, Clone)]
enum Part {
    Text(String),
    File(Vec<u8>),
}

/// A parameter value, flattened from whatever `Serialize` type the operation takes.
enum ParamValue {
    Absent,
    Scalar(String),
    List(Vec<String>),
    Object(Vec<(String, String)>),
}

impl ParamValue {
    fn of<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Self, InvalidRequest> {
        let value = serde_json::to_value(value)
            .map_err(|e| InvalidRequest(format!("parameter `{name}` cannot be encoded: {e}")))?;
        Ok(match value {
            serde_json::Value::Null => ParamValue::Absent,
            serde_json::Value::Array(items) => ParamValue::List(items.iter().map(scalar_text).collect()),
            serde_json::Value::Object(map) => {
                ParamValue::Object(map.iter().map(|(k, v)| (k.clone(), scalar_text(v))).collect())
            }
            scalar => ParamValue::Scalar(scalar_text(&scalar)),
        })
    }
}

impl ParamValue {
    /// The value in OpenAPI's `simple` style (path, header and cookie parameters): lists and
    /// objects comma-separated (`a,b`; `k,v,k2,v2`); `None` when absent.
    fn simple(self) -> Option<String> {
        match self {
            ParamValue::Absent => None,
            ParamValue::Scalar(text) => Some(text),
            ParamValue::List(items) => Some(items.join(",")),
            ParamValue::Object(pairs) => Some(comma_pairs(pairs)),
        }
    }
}

fn comma_pairs(pairs: Vec<(String, String)>) -> String {
    pairs.into_iter().flat_map(|(k, v)| [k, v]).collect::<Vec<_>>().join(",")
}

/// Text of a primitive value; nested structures are written as JSON.
fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Characters left as they are in a path segment: RFC 3986 unreserved only, so `/`, `?`, `#`
/// and `%` in a value can never change the path.
const PATH_SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

fn header_value(name: &str, value: &str) -> Result<HeaderValue, InvalidRequest> {
    if value.contains(['\r', '\n']) {
        return Err(InvalidRequest(format!("header `{name}` contains a line break")));
    }
    HeaderValue::from_str(value)
        .map_err(|_| InvalidRequest(format!("header `{name}` contains characters not allowed in a header")))
}

impl Request {
    pub fn new(method: Method, auth: Auth) -> Self {
        Self {
            method,
            path: String::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            parts: Vec::new(),
            auth,
            options: RequestOptions::default(),
        }
    }

    /// Applies the builder's per-request settings.
    pub fn options(&mut self, options: RequestOptions) {
        self.options = options;
    }

    /// Appends a literal part of the path template.
    pub fn path(&mut self, literal: &str) {
        self.path.push_str(literal);
    }

    /// Appends a path parameter, percent-encoded so it stays one segment.
    pub fn path_param<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), InvalidRequest> {
        let text = ParamValue::of(name, value)?.simple().unwrap_or_default();
        // Empty, `.` and `..` segments would change which resource the path names.
        if text.is_empty() || text == "." || text == ".." {
            return Err(InvalidRequest(format!("path parameter `{name}` cannot be {text:?}")));
        }
        self.path.extend(percent_encoding::utf8_percent_encode(&text, PATH_SEGMENT));
        Ok(())
    }

    /// Adds a query parameter; `None` values are left out.
    pub fn query<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: QueryStyle,
    ) -> Result<(), InvalidRequest> {
        match (ParamValue::of(name, value)?, style) {
            (ParamValue::Absent, _) => {}
            (ParamValue::Scalar(text), _) => self.query.push((name.to_owned(), text)),
            (ParamValue::List(items), QueryStyle::Form { explode: true } | QueryStyle::DeepObject) => {
                self.query.extend(items.into_iter().map(|item| (name.to_owned(), item)));
            }
            (ParamValue::List(items), style) => {
                let separator = match style {
                    QueryStyle::SpaceDelimited => " ",
                    QueryStyle::PipeDelimited => "|",
                    _ => ",",
                };
                self.query.push((name.to_owned(), items.join(separator)));
            }
            (ParamValue::Object(pairs), QueryStyle::DeepObject) => {
                self.query.extend(pairs.into_iter().map(|(k, v)| (format!("{name}[{k}]"), v)));
            }
            (ParamValue::Object(pairs), QueryStyle::Form { explode: true }) => self.query.extend(pairs),
            (ParamValue::Object(pairs), _) => self.query.push((name.to_owned(), comma_pairs(pairs))),
        }
        Ok(())
    }

    /// Adds a header parameter; `None` values are left out.
    pub fn header<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), InvalidRequest> {
        let Some(text) = ParamValue::of(name, value)?.simple() else { return Ok(()) };
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| InvalidRequest(format!("`{name}` is not a valid header name")))?;
        self.headers.push((header, header_value(name, &text)?));
        Ok(())
    }

    /// Adds a cookie parameter; `None` values are left out.
    pub fn cookie<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), InvalidRequest> {
        match ParamValue::of(name, value)?.simple() {
            Some(text) => self.add_cookie(name, &text),
            None => Ok(()),
        }
    }

    fn add_cookie(&mut self, name: &str, value: &str) -> Result<(), InvalidRequest> {
        let pair = format!("{name}={}", percent_encoding::utf8_percent_encode(value, PATH_SEGMENT));
        let existing = self.headers.iter_mut().find(|(n, _)| n == reqwest::header::COOKIE);
        match existing {
            Some((_, cookies)) => {
                let joined = format!("{}; {pair}", cookies.to_str().unwrap_or_default());
                *cookies = header_value("cookie", &joined)?;
            }
            None => self.headers.push((reqwest::header::COOKIE, header_value("cookie", &pair)?)),
        }
        Ok(())
    }

    /// Sets a JSON body.
    pub fn json<T: Serialize + ?Sized>(
        &mut self,
        body: &T,
        media_type: &'static str,
    ) -> Result<(), InvalidRequest> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| InvalidRequest(format!("the request body cannot be encoded: {e}")))?;
        self.body = Some((bytes, media_type));
        Ok(())
    }
}

impl Request {
    /// Sets a text body.
    pub fn text(&mut self, body: &str, media_type: &'static str) {
        self.body = Some((body.as_bytes().to_vec(), media_type));
    }

    /// Sets a binary body.
    pub fn bytes(&mut self, body: &[u8], media_type: &'static str) {
        self.body = Some((body.to_vec(), media_type));
    }

    /// Sets an `application/x-www-form-urlencoded` body from the members of an object; lists
    /// repeat their key (or, for the members `joined` names, are one value joined by its
    /// separator), nested objects are written as JSON.
    pub fn form<T: Serialize + ?Sized>(
        &mut self,
        body: &T,
        media_type: &'static str,
        joined: &[(&str, &str)],
    ) -> Result<(), InvalidRequest> {
        let value = serde_json::to_value(body)
            .map_err(|e| InvalidRequest(format!("the request body cannot be encoded: {e}")))?;
        let members = match value {
            serde_json::Value::Object(members) => members,
            serde_json::Value::Null => serde_json::Map::new(),
            _ => return Err(InvalidRequest("a form body must be an object".into())),
        };
        let mut form = form_urlencoded::Serializer::new(String::new());
        for (name, value) in &members {
            match value {
                serde_json::Value::Null => {}
                serde_json::Value::Array(items) => match joined.iter().find(|(member, _)| member == name) {
                    Some((_, separator)) => {
                        let texts: Vec<String> = items.iter().map(scalar_text).collect();
                        form.append_pair(name, &texts.join(separator));
                    }
                    None => {
                        for item in items {
                            form.append_pair(name, &scalar_text(item));
                        }
                    }
                },
                other => {
                    form.append_pair(name, &scalar_text(other));
                }
            }
        }
        self.body = Some((form.finish().into_bytes(), media_type));
        Ok(())
    }

    /// Adds a text part to a multipart body; `None` values are left out, lists give one part
    /// per item.
    pub fn part<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), InvalidRequest> {
        match ParamValue::of(name, value)? {
            ParamValue::Absent => {}
            ParamValue::Scalar(text) => self.parts.push((name.to_owned(), Part::Text(text))),
            ParamValue::List(items) => {
                self.parts.extend(items.into_iter().map(|item| (name.to_owned(), Part::Text(item))));
            }
            ParamValue::Object(_) => {
                let json = serde_json::to_string(value)
                    .map_err(|e| InvalidRequest(format!("part `{name}` cannot be encoded: {e}")))?;
                self.parts.push((name.to_owned(), Part::Text(json)));
            }
        }
        Ok(())
    }

    /// Adds a file part (named after the part) to a multipart body.
    pub fn file_part(&mut self, name: &str, contents: &[u8]) {
        self.parts.push((name.to_owned(), Part::File(contents.to_vec())));
    }
}

/// Refuses a request unless at least one parameter of a group is set (`names` are the wire
/// names, `set` says which are).
pub fn require_one_of(names: &[&str], set: &[bool]) -> Result<(), InvalidRequest> {
    if set.iter().any(|s| *s) {
        return Ok(());
    }
    let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    Err(InvalidRequest(format!("at least one of {} must be set", list.join(", "))))
}

/// The raw answer to a request, before decoding.
struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl RawResponse {
    /// The response with the value read from its body (and no envelope messages).
    fn into_response<V>(self, read: impl FnOnce(Vec<u8>) -> V) -> Response<V> {
        let value = read(self.body);
        Response {
            status: self.status,
            headers: self.headers,
            value,
            messages: Vec::new(),
            result_info: None,
        }
    }
}

impl ClientCore {
    /// Sends a request whose successful answer is JSON of type `T`.
    pub async fn send_json<T: DeserializeOwned, B>(
        &self,
        request: Request,
        errors: fn(StatusCode, &[u8]) -> Option<B>,
        envelope: Option<&Envelope>,
    ) -> Result<Response<T>, Error<B>>
    where
        B: From<serde_json::Value>,
    {
        let raw = self.execute(request, errors, envelope).await?;
        let value = decode(raw.status, &raw.body, "")?;
        Ok(raw.into_response(|_| value))
    }

    /// Sends a request whose successful answer is an envelope with a `result` of type `T`.
    pub async fn send_envelope<T: DeserializeOwned, B>(
        &self,
        request: Request,
        errors: fn(StatusCode, &[u8]) -> Option<B>,
        envelope: &Envelope,
    ) -> Result<Response<T>, Error<B>>
    where
        B: From<serde_json::Value>,
    {
        let raw = self.execute(request, errors, Some(envelope)).await?;
        let mut members: serde_json::Map<String, serde_json::Value> = decode(raw.status, &raw.body, "")?;
        if members.get(envelope.success) == Some(&serde_json::Value::Bool(false)) {
            let body = typed_error_body(errors, raw.status, &raw.body);
            return Err(Error::Api(Box::new(ApiError {
                status: raw.status,
                errors: ApiMessage::list(members.get(envelope.errors)),
                headers: raw.headers,
                body,
                raw: raw.body,
            })));
        }
        let messages = ApiMessage::list(members.get(envelope.messages));
        let result_info = members.remove(envelope.result_info).filter(|v| !v.is_null());
        let result = members.remove(envelope.result).unwrap_or(serde_json::Value::Null);
        let value = serde_path_to_error::deserialize(result).map_err(|e| {
            let path = e.path().to_string();
            let path =
                if path == "." { envelope.result.to_owned() } else { format!("{}.{path}", envelope.result) };
            Error::Decode(Box::new(DecodeError {
                status: raw.status,
                path,
                message: e.into_inner().to_string(),
                raw: raw.body.clone(),
            }))
        })?;
        Ok(Response { status: raw.status, headers: raw.headers, value, messages, result_info })
    }

    /// Sends a request whose successful answer is decoded by `decode`, which knows the body
    /// each success status has.
    pub async fn send_decoded<T, B>(
        &self,
        request: Request,
        errors: fn(StatusCode, &[u8]) -> Option<B>,
        envelope: Option<&Envelope>,
        decode: fn(StatusCode, &[u8]) -> Result<T, Box<DecodeError>>,
    ) -> Result<Response<T>, Error<B>>
    where
        B: From<serde_json::Value>,
    {
        let raw = self.execute(request, errors, envelope).await?;
        let value = decode(raw.status, &raw.body)?;
        Ok(raw.into_response(|_| value))
    }

    /// Sends a request whose successful answer has no body worth decoding.
    pub async fn send_empty<B>(
        &self,
        request: Request,
        errors: fn(StatusCode, &[u8]) -> Option<B>,
        envelope: Option<&Envelope>,
    ) -> Result<Response<()>, Error<B>>
    where
        B: From<serde_json::Value>,
    {
        Ok(self.execute(request, errors, envelope).await?.into_response(drop))
    }

    /// Sends a request whose successful answer is text.
    pub async fn send_text<B>(
        &self,
        request: Request,
        errors: fn(StatusCode, &[u8]) -> Option<B>,
        envelope: Option<&Envelope>,
    ) -> Result<Response<String>, Error<B>>
    where
        B: From<serde_json::Value>,
    {
        let raw = self.execute(request, errors, envelope).await?;
        Ok(raw.into_response(|body| String::from_utf8_lossy(&body).into_owned()))
    }

    /// Sends a request whose successful answer is returned as bytes.
    pub async fn send_bytes<B>(
        &self,
        request: Request,
        errors: fn(StatusCode, &[u8]) -> Option<B>,
        envelope: Option<&Envelope>,
    ) -> Result<Response<Vec<u8>>, Error<B>>
    where
        B: From<serde_json::Value>,
    {
        Ok(self.execute(request, errors, envelope).await?.into_response(|body| body))
    }

    /// Sends the request, retrying where that is safe, and reads the whole answer; error
    /// statuses become [`Error::Api`].
    async fn execute<B>(
        &self,
        request: Request,
        errors: fn(StatusCode, &[u8]) -> Option<B>,
        envelope: Option<&Envelope>,
    ) -> Result<RawResponse, Error<B>>
    where
        B: From<serde_json::Value>,
    {
        let max_retries = request.options.max_retries.unwrap_or(self.max_retries);
        let idempotent = is_idempotent(&request.method);
        let mut attempt = 0;
        loop {
            // Built and signed afresh for every attempt, so signatures carry a fresh timestamp.
            let http_request = self.prepare(&request)?;
            let retry = match self.http.execute(http_request).await {
                Err(error) => {
                    let delay = retry_after_failure(&error, idempotent, attempt, max_retries);
                    match delay {
                        Some(delay) => delay,
                        None => return Err(transport(error)),
                    }
                }
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    if let Some(delay) =
                        retry_after_status(status, &headers, idempotent, attempt, max_retries)
                    {
                        delay
                    } else {
                        match response.bytes().await {
                            Ok(body) => return answer(status, headers, body.to_vec(), errors, envelope),
                            // The answer broke off: asking again is safe only if asking twice is.
                            Err(_) if idempotent && attempt < max_retries => backoff(attempt),
                            Err(error) => return Err(transport(error)),
                        }
                    }
                }
            };
            tokio::time::sleep(retry).await;
            attempt += 1;
        }
    }

    /// The final `reqwest` request: URL, query, credentials, headers, and signatures.
    fn prepare(&self, request: &Request) -> Result<reqwest::Request, InvalidRequest> {
        let mut url = reqwest::Url::parse(&format!("{}{}", self.base_url, request.path))
            .map_err(|e| InvalidRequest(format!("the request URL is not valid: {e}")))?;
        let mut headers = HeaderMap::new();
        headers.insert(reqwest::header::USER_AGENT, self.user_agent.clone());
        headers.insert(reqwest::header::ACCEPT, HeaderValue::from_static("application/json"));
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
        let mut basic = None;
        let signers = self.authenticate(request.auth, &mut headers, &mut query, &mut basic)?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        let timeout = request.options.timeout.unwrap_or(self.timeout);
        if let Some((_, media_type)) = &request.body {
            headers.insert(reqwest::header::CONTENT_TYPE, HeaderValue::from_static(media_type));
        }
        let mut builder = self.http.request(request.method.clone(), url).timeout(timeout).headers(headers);
        if let Some((bytes, _)) = &request.body {
            builder = builder.body(bytes.clone());
        }
        if !request.parts.is_empty() {
            // Built for every attempt: a multipart form is consumed when it is sent.
            let form =
                request.parts.iter().fold(reqwest::multipart::Form::new(), |form, (name, part)| match part {
                    Part::Text(text) => form.text(name.clone(), text.clone()),
                    Part::File(bytes) => form.part(
                        name.clone(),
                        reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.clone()),
                    ),
                });
            builder = builder.multipart(form);
        }
        if let Some((username, password)) = basic {
            builder = builder.basic_auth(username, Some(password));
        }
        let mut http_request = builder
            .build()
            .map_err(|e| InvalidRequest(format!("the request cannot be built: {}", transport_message(&e))))?;
        for signer in signers {
            signer
                .sign(&mut http_request)
                .map_err(|e| InvalidRequest(format!("cannot sign the request: {e}")))?;
        }
        Ok(http_request)
    }

    /// Adds the credentials of the first alternative that is fully configured; returns the
    /// signers among them, which run on the finished request.
    fn authenticate<'c>(
        &'c self,
        auth: Auth,
        headers: &mut HeaderMap,
        query: &mut Vec<(String, String)>,
        basic: &mut Option<(&'c str, &'c str)>,
    ) -> Result<Vec<&'c dyn Signer>, InvalidRequest> {
        let chosen =
            auth.alternatives.iter().find(|schemes| schemes.iter().all(|s| self.credentials.contains_key(s)));
        let Some(schemes) = chosen else {
            if auth.optional {
                return Ok(Vec::new());
            }
            let options: Vec<String> = auth.alternatives.iter().map(|schemes| schemes.join(" + ")).collect();
            return Err(InvalidRequest(format!(
                "this operation needs credentials: set {}",
                options.join(", or ")
            )));
        };
        let mut signers = Vec::new();
        for scheme in schemes.iter() {
            match &self.credentials[scheme] {
                Credential::Bearer(token) => {
                    let value = header_value(scheme, &format!("Bearer {}", token.expose()))?;
                    headers.insert(reqwest::header::AUTHORIZATION, sensitive(value));
                }
                Credential::Basic { username, password } => *basic = Some((username, password.expose())),
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
                Credential::Signed(signer) => signers.push(signer.as_ref()),
            }
        }
        Ok(signers)
    }
}

/// The answer to a request: the body for a success, an [`Error::Api`] for an error status.
fn answer<B: From<serde_json::Value>>(
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
    errors: fn(StatusCode, &[u8]) -> Option<B>,
    envelope: Option<&Envelope>,
) -> Result<RawResponse, Error<B>> {
    if status.is_success() {
        return Ok(RawResponse { status, headers, body });
    }
    let messages = envelope
        .and_then(|e| {
            let parsed: serde_json::Value = serde_json::from_slice(&body).ok()?;
            Some(ApiMessage::list(parsed.get(e.errors)))
        })
        .unwrap_or_default();
    let typed = typed_error_body(errors, status, &body);
    Err(Error::Api(Box::new(ApiError { status, headers, errors: messages, body: typed, raw: body })))
}

/// Methods the server may receive twice without harm (`QUERY` is safe, like `GET`).
fn is_idempotent(method: &Method) -> bool {
    [Method::GET, Method::HEAD, Method::PUT, Method::DELETE, Method::OPTIONS, Method::TRACE].contains(method)
        || method.as_str() == "QUERY"
}

/// A method without a constant in `http` (`QUERY`, WebDAV's `COPY`), by the name the API
/// sends.
pub fn method(name: &'static str) -> Result<Method, InvalidRequest> {
    Method::from_bytes(name.as_bytes()).map_err(|_| InvalidRequest(format!("`{name}` is not an HTTP method")))
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

fn sensitive(mut value: HeaderValue) -> HeaderValue {
    value.set_sensitive(true);
    value
}

/// The URL is dropped from transport errors: it may carry credentials in its query string.
fn transport<B>(error: reqwest::Error) -> Error<B> {
    if error.is_timeout() {
        Error::Timeout
    } else {
        Error::Transport(error.without_url())
    }
}

/// Decodes a JSON body, naming the path of the member that did not fit.
pub fn decode_json<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T, Box<DecodeError>> {
    decode(status, body, "")
}

/// Decodes JSON, naming the path of the member that did not fit.
fn decode<T: DeserializeOwned>(status: StatusCode, body: &[u8], prefix: &str) -> Result<T, Box<DecodeError>> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        Box::new(DecodeError {
            status,
            path: if path == "." { prefix.to_owned() } else { format!("{prefix}{path}") },
            message: e.into_inner().to_string(),
            raw: body.to_vec(),
        })
    })
}

impl<B> From<Box<DecodeError>> for Error<B> {
    fn from(e: Box<DecodeError>) -> Self {
        Error::Decode(e)
    }
}

/// The pages of a paginated operation, requested one at a time as the stream is read: `fetch`
/// sends a request; `next` turns the request and its answer into the request for the next
/// page, or `None` after the last one. An error ends the stream after it is yielded.
pub fn pages<R, P, B, F, Fut>(
    first: R,
    fetch: F,
    next: fn(R, &Response<P>) -> Option<R>,
) -> BoxStream<Result<Response<P>, Error<B>>>
where
    R: Clone + Send + 'static,
    P: Send + 'static,
    B: Send + 'static,
    F: Fn(R) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<Response<P>, Error<B>>> + Send + 'static,
{
    Box::pin(futures_util::stream::unfold(Some(first), move |state| {
        let fetch = fetch.clone();
        async move {
            let request = state?;
            let following = request.clone();
            match fetch(request).await {
                Ok(response) => {
                    let after = next(following, &response);
                    Some((Ok(response), after))
                }
                Err(error) => Some((Err(error), None)),
            }
        }
    }))
}

/// Every item of every page, in order.
pub fn items<P, T, B>(
    pages: BoxStream<Result<Response<P>, Error<B>>>,
    items: fn(P) -> Vec<T>,
) -> BoxStream<Result<T, Error<B>>>
where
    P: 'static,
    T: Send + 'static,
    B: Send + 'static,
{
    use futures_util::StreamExt;
    Box::pin(pages.flat_map(move |page| {
        let batch: Vec<Result<T, Error<B>>> = match page {
            Ok(response) => items(response.value).into_iter().map(Ok).collect(),
            Err(error) => vec![Err(error)],
        };
        futures_util::stream::iter(batch)
    }))
}

/// Whether an envelope's `result_info` says there are pages after `page` (from `total_pages`,
/// or else `total_count` and `per_page`); without either, there may be.
pub fn more_pages(result_info: Option<&serde_json::Value>, page: i64) -> bool {
    let Some(info) = result_info else { return true };
    let number = |name: &str| info.get(name).and_then(serde_json::Value::as_f64);
    let total_pages = number("total_pages").or_else(|| {
        let (count, per_page) = (number("total_count")?, number("per_page")?);
        (per_page > 0.0).then(|| (count / per_page).ceil())
    });
    total_pages.is_none_or(|total| (page as f64) < total)
}

/// The error body as the operation declares it for the status, or else as any JSON.
fn typed_error_body<B: From<serde_json::Value>>(
    errors: fn(StatusCode, &[u8]) -> Option<B>,
    status: StatusCode,
    body: &[u8],
) -> Option<B> {
    errors(status, body).or_else(|| error_body::<serde_json::Value>(body).map(B::from))
}

/// Decodes an error body as the type the spec declares for it, if it is one.
pub fn error_body<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_json::from_slice(body).ok()
}
