//! Reading an answer: a success into the operation's typed result (from the body itself or an
//! envelope's `result`), an error status into an [`Error::Api`] with the declared error body.

use std::fmt;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::error::{ApiError, DecodeError, Error, Mismatch};

/// A successful response: the decoded value and everything else the server said. `I` is the
/// type of the envelope's `result_info`, for APIs that answer in an envelope.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Response<T, I = serde_json::Value> {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub value: T,
    /// The envelope's `messages`, for APIs that answer in an envelope.
    pub messages: Vec<ApiMessage>,
    /// The envelope's `result_info` (paging details), when present.
    pub result_info: Option<I>,
}

impl<T, I> Response<T, I> {
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
#[non_exhaustive]
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
/// `I` is the type of the envelope's `result_info`.
pub struct Reply<T, B, I = serde_json::Value> {
    errors: fn(StatusCode, &[u8]) -> Option<B>,
    envelope: Option<&'static Envelope>,
    success: Success<T>,
    info: std::marker::PhantomData<fn() -> I>,
}

enum Success<T> {
    /// The body is the value, read by the function.
    Body(fn(StatusCode, &[u8]) -> Result<T, Mismatch>),
    /// The body is an envelope; its `result` member is the value.
    Enveloped(&'static Envelope, fn(serde_json::Value) -> Result<T, ResultError>),
}

type ResultError = serde_path_to_error::Error<serde_json::Error>;

impl<T, B, I> Reply<T, B, I> {
    /// The success body is the value, read by `read` ([`json`], [`text`], [`bytes`],
    /// [`empty`], or an operation's own decoding by status); `errors` reads the body the
    /// operation declares for an error status, and an error's messages are read from the
    /// `envelope` where the API has one.
    #[allow(dead_code, reason = "used by crates with operations whose answer is not in an envelope")]
    pub fn body(
        errors: fn(StatusCode, &[u8]) -> Option<B>,
        envelope: Option<&'static Envelope>,
        read: fn(StatusCode, &[u8]) -> Result<T, Mismatch>,
    ) -> Self {
        Reply { errors, envelope, success: Success::Body(read), info: std::marker::PhantomData }
    }
}

impl<T: DeserializeOwned, B, I> Reply<T, B, I> {
    /// The success body is an envelope whose `result` is the value.
    #[allow(dead_code, reason = "used by crates whose API answers in an envelope")]
    pub fn enveloped(errors: fn(StatusCode, &[u8]) -> Option<B>, envelope: &'static Envelope) -> Self {
        Reply {
            errors,
            envelope: Some(envelope),
            success: Success::Enveloped(envelope, serde_path_to_error::deserialize),
            info: std::marker::PhantomData,
        }
    }
}

impl<T, B: From<serde_json::Value>, I: DeserializeOwned> Reply<T, B, I> {
    /// The response for a success status, an [`Error::Api`] for an error status or an
    /// envelope that says `success: false`.
    pub(super) fn read(
        &self,
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        body: Vec<u8>,
    ) -> Result<Response<T, I>, Error<B>> {
        if !status.is_success() {
            return Err(self.refused(operation, status, headers, body));
        }
        let undecodable = |mismatch: Mismatch, body: Vec<u8>| {
            Error::Decode(DecodeError::new(operation, status, mismatch, None, body))
        };
        match self.success {
            Success::Body(read) => match read(status, &body) {
                Ok(value) => Ok(Response { status, headers, value, messages: Vec::new(), result_info: None }),
                Err(mismatch) => Err(undecodable(mismatch, body)),
            },
            Success::Enveloped(envelope, read) => {
                let mut members: serde_json::Map<String, serde_json::Value> = match decode(&body) {
                    Ok(members) => members,
                    Err(mismatch) => return Err(undecodable(mismatch, body)),
                };
                if members.get(envelope.success) == Some(&serde_json::Value::Bool(false)) {
                    let messages = ApiMessage::list(members.get(envelope.errors));
                    return Err(self.api_error(operation, status, headers, messages, body));
                }
                let messages = ApiMessage::list(members.get(envelope.messages));
                let within = |member: &str, e: ResultError| {
                    let mut mismatch = Mismatch::of_json(e);
                    mismatch.path = match mismatch.path.is_empty() {
                        true => member.to_owned(),
                        false => format!("{member}.{}", mismatch.path),
                    };
                    mismatch
                };
                let result_info = match members.remove(envelope.result_info).filter(|v| !v.is_null()) {
                    Some(info) => match serde_path_to_error::deserialize(info) {
                        Ok(info) => Some(info),
                        Err(e) => return Err(undecodable(within(envelope.result_info, e), body)),
                    },
                    None => None,
                };
                let result = members.remove(envelope.result).unwrap_or(serde_json::Value::Null);
                let null = result.is_null();
                let value = match read(result) {
                    Ok(value) => value,
                    Err(e) => {
                        // An answer with nothing in it may say `result: null` (or leave it out)
                        // where the result is a list or an object of optional members: that is
                        // the empty one.
                        let empty = || {
                            [serde_json::json!([]), serde_json::json!({})]
                                .into_iter()
                                .find_map(|v| read(v).ok())
                        };
                        match null.then(empty).flatten() {
                            Some(value) => value,
                            None => return Err(undecodable(within(envelope.result, e), body)),
                        }
                    }
                };
                Ok(Response { status, headers, value, messages, result_info })
            }
        }
    }

    /// The [`Error::Api`] for an error status: the declared error body and the envelope's
    /// messages.
    pub(super) fn refused(
        &self,
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        body: Vec<u8>,
    ) -> Error<B> {
        let messages = self
            .envelope
            .and_then(|e| {
                let parsed: serde_json::Value = serde_json::from_slice(&body).ok()?;
                Some(ApiMessage::list(parsed.get(e.errors)))
            })
            .unwrap_or_default();
        self.api_error(operation, status, headers, messages, body)
    }

    /// The error body as the operation declares it for the status, or else as any JSON.
    fn api_error(
        &self,
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        errors: Vec<ApiMessage>,
        raw: Vec<u8>,
    ) -> Error<B> {
        let body = (self.errors)(status, &raw).or_else(|| error_body::<serde_json::Value>(&raw).map(B::from));
        Error::Api(Box::new(ApiError { operation, status, headers, errors, body, raw }))
    }
}

/// Reads a JSON body as `T`, naming the path of the member that did not fit.
#[allow(dead_code, reason = "used by crates with operations that answer JSON")]
pub fn json<T: DeserializeOwned>(_status: StatusCode, body: &[u8]) -> Result<T, Mismatch> {
    decode(body)
}

/// Reads a text body (lossy for bytes that are not UTF-8).
#[allow(dead_code, reason = "used by crates with operations that answer text")]
pub fn text(_status: StatusCode, body: &[u8]) -> Result<String, Mismatch> {
    Ok(String::from_utf8_lossy(body).into_owned())
}

/// Keeps a body as bytes.
#[allow(dead_code, reason = "used by crates with operations that answer bytes")]
pub fn bytes(_status: StatusCode, body: &[u8]) -> Result<Vec<u8>, Mismatch> {
    Ok(body.to_vec())
}

/// Ignores a body the spec does not describe.
#[allow(dead_code, reason = "used by crates with operations that answer nothing to decode")]
pub fn empty(_status: StatusCode, _body: &[u8]) -> Result<(), Mismatch> {
    Ok(())
}

/// Decodes an error body as the type the spec declares for it, if it is one.
pub fn error_body<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_json::from_slice(body).ok()
}

/// Decodes JSON, naming the path of the member that did not fit.
fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, Mismatch> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(Mismatch::of_json)
}
