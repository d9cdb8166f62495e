//! Everything that can go wrong with a call, with what the server said where it answered.

use std::fmt;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::response::ApiMessage;

/// Everything that can go wrong with a call; `B` is the crate's typed error body. Every
/// error of a call names its operation ([`Error::operation`]); the `Display` of an error says
/// what went wrong at its level and leaves the underlying cause to `source()`, so reporters
/// that print the chain print each cause once.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<B> {
    /// The server answered with an error status, or an envelope with `success: false`.
    Api(Box<ApiError<B>>),
    /// The request could not be sent or the response not read; `source` says why.
    Transport { operation: &'static str, source: reqwest::Error },
    /// The request took longer than its timeout.
    Timeout { operation: &'static str },
    /// The response did not decode as the spec says it should.
    Decode(Box<DecodeError>),
    /// The request was refused before sending (a missing filter, a header with a line break...).
    InvalidRequest { operation: &'static str, message: String },
    /// Credentials could not be obtained (an OAuth2 token endpoint refused or failed).
    Auth { operation: &'static str, message: String },
    /// The client could not be built (no base URL, an invalid one, half a credential...).
    Config(String),
    /// A download could not be written to its file.
    File { operation: &'static str, path: std::path::PathBuf, source: std::io::Error },
    /// A listing's server answered the same page twice: following it would never end.
    Paging { operation: &'static str, message: String },
}

impl<B> Error<B> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::Transport { source, .. } => source.status(),
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

    /// The operation (its `operationId`) whose call failed; `None` for a client that could
    /// not be built.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Api(e) => Some(e.operation),
            Error::Decode(e) => Some(e.operation),
            Error::Transport { operation, .. }
            | Error::Timeout { operation }
            | Error::InvalidRequest { operation, .. }
            | Error::Auth { operation, .. }
            | Error::File { operation, .. }
            | Error::Paging { operation, .. } => Some(operation),
            Error::Config(_) => None,
        }
    }
}

impl<B> fmt::Display for Error<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::Transport { operation, source } => write!(f, "{operation}: {}", transport_failure(source)),
            Error::Timeout { operation } => write!(f, "{operation}: the request timed out"),
            Error::Decode(e) => e.fmt(f),
            Error::InvalidRequest { operation, message } => {
                write!(f, "{operation}: invalid request: {message}")
            }
            Error::Auth { operation, message } => write!(f, "{operation}: cannot authenticate: {message}"),
            Error::Config(message) => write!(f, "invalid client configuration: {message}"),
            Error::File { operation, path, .. } => {
                write!(f, "{operation}: cannot write `{}`", path.display())
            }
            Error::Paging { operation, message } => write!(f, "{operation}: {message}"),
        }
    }
}

impl<B: fmt::Debug> std::error::Error for Error<B> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            Error::File { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// What a transport failure was, in words; its cause is the error's `source()`.
fn transport_failure(error: &reqwest::Error) -> &'static str {
    if error.is_connect() {
        "cannot connect to the server"
    } else if error.is_redirect() {
        "the server redirected too often"
    } else if error.is_body() || error.is_decode() {
        "the response could not be read"
    } else if error.is_builder() {
        "the request could not be built"
    } else {
        "the request could not be sent"
    }
}

/// Where a value did not fit, as serde_path_to_error names it; empty for the value itself.
pub(super) fn member_path(path: &serde_path_to_error::Path) -> String {
    let path = path.to_string();
    if path == "." {
        String::new()
    } else {
        path
    }
}

/// A transport error's message with the causes that say what actually failed.
pub(super) fn transport_message(error: &reqwest::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// A failure of `operation` to get an answer. The URL is dropped: it may carry credentials in
/// its query string.
pub(super) fn transport<B>(operation: &'static str, error: reqwest::Error) -> Error<B> {
    if error.is_timeout() {
        Error::Timeout { operation }
    } else {
        Error::Transport { operation, source: error.without_url() }
    }
}

/// Why a request cannot be sent; becomes [`Error::InvalidRequest`] of its operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRequest(pub String);

impl InvalidRequest {
    pub(super) fn of<B>(self, operation: &'static str) -> Error<B> {
        Error::InvalidRequest { operation, message: self.0 }
    }
}

/// Where and why a body did not decode as its type; the reader adds which call and answer it
/// was ([`DecodeError`]).
#[derive(Debug)]
pub struct Mismatch {
    /// Where in the body (`result.devices[2].id`); empty for the body itself.
    pub path: String,
    pub message: String,
}

impl Mismatch {
    pub(super) fn of_json(error: serde_path_to_error::Error<serde_json::Error>) -> Self {
        Mismatch { path: member_path(error.path()), message: error.into_inner().to_string() }
    }
}

/// An error response from the API.
#[derive(Debug)]
#[non_exhaustive]
pub struct ApiError<B> {
    /// The operation (its `operationId`) that was called.
    pub operation: &'static str,
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
        write!(f, "{}: HTTP {}", self.operation, self.status)?;
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
#[non_exhaustive]
pub struct DecodeError {
    /// The operation (its `operationId`) that was called.
    pub operation: &'static str,
    pub status: StatusCode,
    /// Where in the body decoding failed (`result.devices[2].id`); empty for the root.
    pub path: String,
    pub message: String,
    /// For a streamed answer, the item that did not decode (`event 3 (id 17)`, `line 2`);
    /// `path` is then within that item.
    pub item: Option<String>,
    /// The body as received (for a streamed answer, the item's data).
    pub raw: Vec<u8>,
}

impl DecodeError {
    pub(super) fn new(
        operation: &'static str,
        status: StatusCode,
        mismatch: Mismatch,
        item: Option<String>,
        raw: Vec<u8>,
    ) -> Box<Self> {
        Box::new(DecodeError { operation, status, path: mismatch.path, message: mismatch.message, item, raw })
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() || self.path == "." { None } else { Some(self.path.as_str()) };
        let status = self.status;
        write!(f, "{}: ", self.operation)?;
        match (&self.item, path) {
            (None, None) => write!(f, "cannot decode the body of an HTTP {status} response")?,
            (None, Some(path)) => write!(f, "cannot decode {path} of an HTTP {status} response")?,
            (Some(item), None) => write!(f, "cannot decode {item} of an HTTP {status} stream")?,
            (Some(item), Some(path)) => {
                write!(f, "cannot decode {path} of {item} of an HTTP {status} stream")?
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl<B> From<Box<DecodeError>> for Error<B> {
    fn from(e: Box<DecodeError>) -> Self {
        Error::Decode(e)
    }
}
