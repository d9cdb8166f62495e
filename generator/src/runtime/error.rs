//! Everything that can go wrong with a call, with what the server said where it answered.

use std::fmt;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::response::ApiMessage;

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
    /// A download could not be written to its file.
    File { path: std::path::PathBuf, source: std::io::Error },
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
            Error::File { path, .. } => write!(f, "cannot write `{}`", path.display()),
        }
    }
}

impl<B: fmt::Debug> std::error::Error for Error<B> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            Error::File { source, .. } => Some(source),
            _ => None,
        }
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

/// A failure to get an answer. The URL is dropped: it may carry credentials in its query
/// string.
pub(super) fn transport<B>(error: reqwest::Error) -> Error<B> {
    if error.is_timeout() {
        Error::Timeout
    } else {
        Error::Transport(error.without_url())
    }
}

/// A request refused before it was sent; becomes [`Error::InvalidRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRequest(pub String);

impl<B> From<InvalidRequest> for Error<B> {
    fn from(e: InvalidRequest) -> Self {
        Error::InvalidRequest(e.0)
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
    /// For a streamed answer, the item that did not decode (`event 3 (id 17)`, `line 2`);
    /// `path` is then within that item.
    pub item: Option<String>,
    /// The body as received (for a streamed answer, the item's data).
    pub raw: Vec<u8>,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() || self.path == "." { None } else { Some(self.path.as_str()) };
        let status = self.status;
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
