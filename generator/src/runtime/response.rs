//! Reading an answer: a success into the operation's typed result (from the body itself or an
//! envelope's `result`), an error status into an [`Error::Api`] with the declared error body.

use std::fmt;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;

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
    /// [`ApiMessage::list`] of a member's JSON text (an empty list costs nothing).
    fn parse(text: Option<&str>) -> Vec<ApiMessage> {
        match text {
            None | Some("[]") => Vec::new(),
            Some(text) => ApiMessage::list(serde_json::from_str(text).ok().as_ref()),
        }
    }

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
    /// The body is an envelope; its `result` member (JSON text) is the value. The envelope is
    /// read in one pass first; a body that does not read so is read again member by member,
    /// to say which member did not fit.
    Enveloped(&'static Envelope, fn(&[u8]) -> Result<T, Mismatch>, OnePassReader<T>),
}

type OnePassReader<T> = for<'a> fn(&'static Envelope, &'a [u8]) -> Option<OnePass<'a, T>>;

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
            success: Success::Enveloped(envelope, decode_owned, one_pass),
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
        body: bytes::Bytes,
    ) -> Result<Response<T, I>, Error<B>> {
        // The body is copied into an error's `Vec` only where there is an error: a small
        // answer's bytes are a view into the connection's buffer.
        if !status.is_success() {
            return Err(self.refused(operation, status, headers, Vec::from(body)));
        }
        let undecodable = |mismatch: Mismatch, body: bytes::Bytes| {
            Error::Decode(DecodeError::new(operation, status, mismatch, None, Vec::from(body)))
        };
        match self.success {
            Success::Body(read) => match read(status, &body) {
                Ok(value) => Ok(Response { status, headers, value, messages: Vec::new(), result_info: None }),
                Err(mismatch) => Err(undecodable(mismatch, body)),
            },
            Success::Enveloped(envelope, read_result, one_pass) => match one_pass(envelope, &body) {
                Some(read) if !read.failed => {
                    let messages = ApiMessage::parse(read.messages);
                    // A `result_info` that does not fit is read again below, to say where.
                    match read.result_info.map(|info| serde_json::from_str(info)).transpose() {
                        Ok(result_info) => {
                            Ok(Response { status, headers, value: read.result, messages, result_info })
                        }
                        Err(_) => self.read_members(
                            envelope,
                            read_result,
                            operation,
                            status,
                            headers,
                            Vec::from(body),
                        ),
                    }
                }
                Some(read) => {
                    let messages = ApiMessage::parse(read.errors);
                    Err(self.api_error(operation, status, headers, messages, Vec::from(body)))
                }
                None => self.read_members(envelope, read_result, operation, status, headers, Vec::from(body)),
            },
        }
    }

    /// Reads an envelope member by member (slower than in one pass, but it says which member
    /// did not fit, and a `result` of `null` reads as an empty list or object).
    fn read_members(
        &self,
        envelope: &'static Envelope,
        read: fn(&[u8]) -> Result<T, Mismatch>,
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        body: Vec<u8>,
    ) -> Result<Response<T, I>, Error<B>> {
        let undecodable = |mismatch: Mismatch, body: Vec<u8>| {
            Error::Decode(DecodeError::new(operation, status, mismatch, None, body))
        };
        // The members are kept as their JSON text; only those read are decoded.
        let members: HashMap<String, &RawValue> = match decode(&body) {
            Ok(members) => members,
            Err(mismatch) => return Err(undecodable(mismatch, body)),
        };
        let member = |name: &str| members.get(name).map(|raw| raw.get()).filter(|raw| *raw != "null");
        if member(envelope.success) == Some("false") {
            let messages = ApiMessage::parse(member(envelope.errors));
            return Err(self.api_error(operation, status, headers, messages, body));
        }
        let messages = ApiMessage::parse(member(envelope.messages));
        let within = |name: &str, mut mismatch: Mismatch| {
            mismatch.path = match mismatch.path.is_empty() {
                true => name.to_owned(),
                false => format!("{name}.{}", mismatch.path),
            };
            mismatch
        };
        let result_info = match member(envelope.result_info) {
            Some(info) => match decode(info.as_bytes()) {
                Ok(info) => Some(info),
                Err(e) => return Err(undecodable(within(envelope.result_info, e), body)),
            },
            None => None,
        };
        let result = member(envelope.result);
        let value = match read(result.unwrap_or("null").as_bytes()) {
            Ok(value) => value,
            Err(e) => {
                // An answer with nothing in it may say `result: null` (or leave it out)
                // where the result is a list or an object of optional members: that is
                // the empty one.
                let empty = || [&b"[]"[..], b"{}"].into_iter().find_map(|v| read(v).ok());
                match result.is_none().then(empty).flatten() {
                    Some(value) => value,
                    None => return Err(undecodable(within(envelope.result, e), body)),
                }
            }
        };
        drop(members);
        Ok(Response { status, headers, value, messages, result_info })
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

/// An envelope read in one pass: the result decoded straight into its type (no tree of
/// values in between), the members read later kept as JSON text.
pub(super) struct OnePass<'a, T> {
    /// `success` is `false`.
    failed: bool,
    errors: Option<&'a str>,
    messages: Option<&'a str>,
    result_info: Option<&'a str>,
    result: T,
}

/// Reads an envelope in one pass; `None` where it does not read so (no `result`, a `null`
/// one, or anything that does not fit), which is then read member by member.
fn one_pass<'a, T: DeserializeOwned>(envelope: &'static Envelope, body: &'a [u8]) -> Option<OnePass<'a, T>> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let seed = OnePassSeed { envelope, result: std::marker::PhantomData };
    serde::de::DeserializeSeed::deserialize(seed, &mut deserializer).ok()
}

struct OnePassSeed<T> {
    envelope: &'static Envelope,
    result: std::marker::PhantomData<fn() -> T>,
}

impl<'de, T: DeserializeOwned> serde::de::DeserializeSeed<'de> for OnePassSeed<T> {
    type Value = OnePass<'de, T>;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> serde::de::Visitor<'de> for OnePassSeed<T> {
    type Value = OnePass<'de, T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an envelope (a JSON object)")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let e = self.envelope;
        let (mut failed, mut errors, mut messages, mut result_info, mut result) =
            (false, None, None, None, None);
        let text = |raw: &'de RawValue| Some(raw.get()).filter(|text| *text != "null");
        while let Some(key) = map.next_key::<super::model::Key<'de>>()? {
            match key.as_str() {
                name if name == e.result => result = Some(map.next_value::<T>()?),
                name if name == e.success => failed = map.next_value::<&RawValue>()?.get() == "false",
                name if name == e.errors => errors = text(map.next_value()?),
                name if name == e.messages => messages = text(map.next_value()?),
                name if name == e.result_info => result_info = text(map.next_value()?),
                _ => drop(map.next_value::<serde::de::IgnoredAny>()?),
            }
        }
        let result = result.ok_or_else(|| serde::de::Error::missing_field("result"))?;
        Ok(OnePass { failed, errors, messages, result_info, result })
    }
}

/// [`decode`] of a value that borrows nothing from the body, as a function for any body.
fn decode_owned<T: DeserializeOwned>(body: &[u8]) -> Result<T, Mismatch> {
    decode(body)
}

/// Decodes JSON, naming the path of the member that did not fit. The body is read once at
/// full speed; only one that does not fit is read again, tracking the path, to say where.
fn decode<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, Mismatch> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match T::deserialize(&mut deserializer) {
        Ok(value) => Ok(value),
        Err(_) => {
            let mut deserializer = serde_json::Deserializer::from_slice(body);
            serde_path_to_error::deserialize(&mut deserializer).map_err(Mismatch::of_json)
        }
    }
}
