//! Reading an answer: a success into the operation's typed result (from the body itself or an
//! envelope's `result`), an error status into an [`Error::Api`] with the declared error body.

use std::fmt;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::error::{member_path, ApiError, DecodeError, Error};

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

/// Names of the members of a response envelope (`{success, errors, messages, result}`).
#[derive(Clone, Copy, Debug)]
#[allow(dead_code, reason = "used by crates whose API answers in an envelope")]
pub struct Envelope {
    pub success: &'static str,
    pub errors: &'static str,
    pub messages: &'static str,
    pub result: &'static str,
    pub result_info: &'static str,
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

/// How one operation's answer is read: its declared error bodies, the API's envelope if it
/// answers in one, and where the success value is.
pub struct Reply<T, B> {
    errors: fn(StatusCode, &[u8]) -> Option<B>,
    envelope: Option<&'static Envelope>,
    success: Success<T>,
}

enum Success<T> {
    /// The body is the value, read by the function.
    Body(fn(StatusCode, Vec<u8>) -> Result<T, Box<DecodeError>>),
    /// The body is an envelope; its `result` member is the value.
    Enveloped(&'static Envelope, fn(serde_json::Value) -> Result<T, ResultError>),
}

type ResultError = serde_path_to_error::Error<serde_json::Error>;

impl<T, B> Reply<T, B> {
    /// The success body is the value, read by `read` ([`json`], [`text`], [`bytes`],
    /// [`empty`], or an operation's own decoding by status); `errors` reads the body the
    /// operation declares for an error status, and an error's messages are read from the
    /// `envelope` where the API has one.
    #[allow(dead_code, reason = "used by crates with operations whose answer is not in an envelope")]
    pub fn body(
        errors: fn(StatusCode, &[u8]) -> Option<B>,
        envelope: Option<&'static Envelope>,
        read: fn(StatusCode, Vec<u8>) -> Result<T, Box<DecodeError>>,
    ) -> Self {
        Reply { errors, envelope, success: Success::Body(read) }
    }
}

impl<T: DeserializeOwned, B> Reply<T, B> {
    /// The success body is an envelope whose `result` is the value.
    #[allow(dead_code, reason = "used by crates whose API answers in an envelope")]
    pub fn enveloped(errors: fn(StatusCode, &[u8]) -> Option<B>, envelope: &'static Envelope) -> Self {
        Reply {
            errors,
            envelope: Some(envelope),
            success: Success::Enveloped(envelope, serde_path_to_error::deserialize),
        }
    }
}

impl<T, B: From<serde_json::Value>> Reply<T, B> {
    /// The response for a success status, an [`Error::Api`] for an error status or an
    /// envelope that says `success: false`.
    pub(super) fn read(
        &self,
        status: StatusCode,
        headers: HeaderMap,
        body: Vec<u8>,
    ) -> Result<Response<T>, Error<B>> {
        if !status.is_success() {
            return Err(self.refused(status, headers, body));
        }
        match self.success {
            Success::Body(read) => {
                let value = read(status, body)?;
                Ok(Response { status, headers, value, messages: Vec::new(), result_info: None })
            }
            Success::Enveloped(envelope, read) => {
                let mut members: serde_json::Map<String, serde_json::Value> = decode(status, &body)?;
                if members.get(envelope.success) == Some(&serde_json::Value::Bool(false)) {
                    let messages = ApiMessage::list(members.get(envelope.errors));
                    return Err(self.api_error(status, headers, messages, body));
                }
                let messages = ApiMessage::list(members.get(envelope.messages));
                let result_info = members.remove(envelope.result_info).filter(|v| !v.is_null());
                let result = members.remove(envelope.result).unwrap_or(serde_json::Value::Null);
                let value = read(result).map_err(|e| {
                    let path = e.path().to_string();
                    let path = if path == "." {
                        envelope.result.to_owned()
                    } else {
                        format!("{}.{path}", envelope.result)
                    };
                    Box::new(DecodeError {
                        status,
                        path,
                        message: e.into_inner().to_string(),
                        item: None,
                        raw: body,
                    })
                })?;
                Ok(Response { status, headers, value, messages, result_info })
            }
        }
    }

    /// The [`Error::Api`] for an error status: the declared error body and the envelope's
    /// messages.
    pub(super) fn refused(&self, status: StatusCode, headers: HeaderMap, body: Vec<u8>) -> Error<B> {
        let messages = self
            .envelope
            .and_then(|e| {
                let parsed: serde_json::Value = serde_json::from_slice(&body).ok()?;
                Some(ApiMessage::list(parsed.get(e.errors)))
            })
            .unwrap_or_default();
        self.api_error(status, headers, messages, body)
    }

    /// The error body as the operation declares it for the status, or else as any JSON.
    fn api_error(
        &self,
        status: StatusCode,
        headers: HeaderMap,
        errors: Vec<ApiMessage>,
        raw: Vec<u8>,
    ) -> Error<B> {
        let body = (self.errors)(status, &raw).or_else(|| error_body::<serde_json::Value>(&raw).map(B::from));
        Error::Api(Box::new(ApiError { status, headers, errors, body, raw }))
    }
}

/// Reads a JSON body as `T`, naming the path of the member that did not fit.
#[allow(dead_code, reason = "used by crates with operations that answer JSON")]
pub fn json<T: DeserializeOwned>(status: StatusCode, body: Vec<u8>) -> Result<T, Box<DecodeError>> {
    decode(status, &body)
}

/// Reads a text body (lossy for bytes that are not UTF-8).
#[allow(dead_code, reason = "used by crates with operations that answer text")]
pub fn text(_status: StatusCode, body: Vec<u8>) -> Result<String, Box<DecodeError>> {
    Ok(match String::from_utf8(body) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Keeps a body as bytes.
#[allow(dead_code, reason = "used by crates with operations that answer bytes")]
pub fn bytes(_status: StatusCode, body: Vec<u8>) -> Result<Vec<u8>, Box<DecodeError>> {
    Ok(body)
}

/// Ignores a body the spec does not describe.
#[allow(dead_code, reason = "used by crates with operations that answer nothing to decode")]
pub fn empty(_status: StatusCode, _body: Vec<u8>) -> Result<(), Box<DecodeError>> {
    Ok(())
}

/// Decodes an error body as the type the spec declares for it, if it is one.
pub fn error_body<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_json::from_slice(body).ok()
}

/// Decodes JSON, naming the path of the member that did not fit.
fn decode<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T, Box<DecodeError>> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        Box::new(DecodeError {
            status,
            path: member_path(e.path()),
            message: e.into_inner().to_string(),
            item: None,
            raw: body.to_vec(),
        })
    })
}
