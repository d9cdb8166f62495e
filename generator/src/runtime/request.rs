//! What a request builder puts together: method, path, query, headers and body, each
//! parameter written in the style the spec gives it.

use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Method;
use serde::Serialize;

use super::auth::Auth;
use super::body::Upload;
use super::error::InvalidRequest;

/// Per-request settings, set on a request builder: they override the client's.
#[derive(Clone, Debug, Default)]
pub struct RequestOptions {
    pub timeout: Option<Duration>,
    pub max_retries: Option<u32>,
    /// Headers sent in addition to the operation's (checked when the request is sent).
    pub headers: Vec<(String, String)>,
    /// Query parameters sent in addition to the operation's.
    pub query: Vec<(String, String)>,
    /// Where this request goes instead of the client's base URL (and the operation's own server).
    pub base_url: Option<String>,
    /// For a streamed answer, the longest wait for its next item.
    #[allow(dead_code, reason = "read by crates with streamed answers")]
    pub idle_timeout: Option<Duration>,
    /// For an event stream, how many times a broken connection is resumed.
    #[allow(dead_code, reason = "read by crates with event streams")]
    pub reconnects: u32,
}

/// How a query parameter is written (OpenAPI `style` and `explode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(dead_code, reason = "each crate writes the styles its query parameters use")]
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

/// What a request builder knows of its operation before any parameter is set.
#[derive(Clone, Copy, Debug)]
pub struct Operation {
    /// The `operationId`, named by the call's errors and traces.
    pub id: &'static str,
    /// The HTTP method (`GET`, or one `http` has no constant for, such as `QUERY`).
    pub method: &'static str,
    /// The path template as the API documents it (`/users/{id}`).
    pub path: &'static str,
    pub auth: Auth,
}

/// One request, built up by a generated request builder. A value that cannot be sent (a
/// path parameter that is empty, a header with a line break) is noted, and the request is
/// refused with it when it is sent.
#[derive(Debug)]
pub struct Request {
    /// The operation's `operationId`, named by its errors.
    pub(super) operation: &'static str,
    /// The path template, for traces.
    #[allow(dead_code, reason = "read where the `tracing` feature is on")]
    pub(super) template: &'static str,
    /// Why the request cannot be sent: the first value that could not be written.
    pub(super) invalid: Option<InvalidRequest>,
    pub(super) method: Method,
    /// The server the operation names for itself, where it names one.
    pub(super) server: Option<Server>,
    pub(super) path: String,
    pub(super) query: Vec<(String, String)>,
    pub(super) headers: Vec<(HeaderName, HeaderValue)>,
    /// The media types the answer is read as.
    pub(super) accept: &'static str,
    pub(super) body: Option<(Payload, &'static str)>,
    /// The parts of a `multipart/form-data` body.
    pub(super) parts: Vec<(String, Part)>,
    /// A multipart body is required: sending none is refused.
    pub(super) multipart: bool,
    /// The answer is read as it arrives: the timeout covers only the wait for its headers.
    pub(super) streamed: bool,
    pub(super) auth: Auth,
    pub(super) options: RequestOptions,
}

/// A server an operation names for itself.
#[derive(Debug, Clone, Copy)]
pub(super) enum Server {
    /// An http(s) URL, followed while the client's base URL is the API's.
    Absolute(&'static str),
    /// A reference resolved against the client's base URL.
    Relative(&'static str),
}

/// A request body: encoded bytes, or an upload read as it is sent.
#[derive(Debug)]
pub(super) enum Payload {
    Bytes(Vec<u8>),
    Upload(Upload),
}

/// One part of a multipart body.
#[derive(Debug, Clone)]
pub(super) enum Part {
    Text(String),
    /// A structured value, sent as `application/json`.
    Json(String),
    File(Upload),
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
            // A string is the text itself, moved rather than copied.
            serde_json::Value::String(text) => ParamValue::Scalar(text),
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

/// A header value from text the crate holds for good (an operation's media type), shared
/// rather than copied; `None` where it is not a valid header value.
pub(super) fn static_header(value: &'static str) -> Option<HeaderValue> {
    // What `HeaderValue::from_static` accepts (it panics on anything else); other bytes that
    // a header may hold are copied.
    match value.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b)) {
        true => Some(HeaderValue::from_static(value)),
        false => HeaderValue::from_str(value).ok(),
    }
}

pub(super) fn header_value(name: &str, value: &str) -> Result<HeaderValue, InvalidRequest> {
    if value.contains(['\r', '\n']) {
        return Err(InvalidRequest(format!("header `{name}` contains a line break")));
    }
    HeaderValue::from_str(value)
        .map_err(|_| InvalidRequest(format!("header `{name}` contains characters not allowed in a header")))
}

impl Request {
    /// A request of `operation`.
    pub fn new(operation: &'static Operation) -> Self {
        let (method, invalid) = match Method::from_bytes(operation.method.as_bytes()) {
            Ok(method) => (method, None),
            Err(_) => {
                (Method::GET, Some(InvalidRequest(format!("`{}` is not an HTTP method", operation.method))))
            }
        };
        Self {
            operation: operation.id,
            template: operation.path,
            invalid,
            method,
            server: None,
            // Room for the template's placeholders filled in, so the path is rarely moved.
            path: String::with_capacity(operation.path.len() * 2),
            query: Vec::new(),
            headers: Vec::new(),
            accept: "application/json",
            body: None,
            parts: Vec::new(),
            multipart: false,
            streamed: false,
            auth: operation.auth,
            options: RequestOptions::default(),
        }
    }

    /// Keeps the first reason the request cannot be sent.
    fn note(&mut self, outcome: Result<(), InvalidRequest>) {
        if let Err(reason) = outcome {
            self.invalid.get_or_insert(reason);
        }
    }

    /// Sends the request to the operation's own server, an http(s) URL, while the client's
    /// base URL is the API's.
    #[allow(dead_code, reason = "used by crates with operations that name servers of their own")]
    pub fn server(&mut self, url: &'static str) {
        self.server = Some(Server::Absolute(url));
    }

    /// Sends the request to the operation's own server, a reference relative to the client's
    /// base URL (`/admin`, `v2`).
    #[allow(dead_code, reason = "used by crates with operations that name servers of their own")]
    pub fn relative_server(&mut self, reference: &'static str) {
        self.server = Some(Server::Relative(reference));
    }

    /// Asks for answers of these media types instead of JSON.
    #[allow(dead_code, reason = "used by crates with operations that answer other media types")]
    pub fn accept(&mut self, media_types: &'static str) {
        self.accept = media_types;
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
    #[allow(dead_code, reason = "used by crates with path parameters")]
    pub fn path_param<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        let outcome = ParamValue::of(name, value)
            .and_then(|value| self.push_segment(name, &value.simple().unwrap_or_default()));
        self.note(outcome);
    }

    /// Appends a path parameter that is text, as [`Self::path_param`] does, without first
    /// making it a JSON value.
    #[allow(dead_code, reason = "used by crates with text path parameters")]
    pub fn path_text(&mut self, name: &str, text: &str) {
        let outcome = self.push_segment(name, text);
        self.note(outcome);
    }

    fn push_segment(&mut self, name: &str, text: &str) -> Result<(), InvalidRequest> {
        // Empty, `.` and `..` segments would change which resource the path names.
        if text.is_empty() || text == "." || text == ".." {
            return Err(InvalidRequest(format!("path parameter `{name}` cannot be {text:?}")));
        }
        self.path.extend(percent_encoding::utf8_percent_encode(text, PATH_SEGMENT));
        Ok(())
    }

    /// Adds a query parameter; `None` values are left out.
    #[allow(dead_code, reason = "used by crates with query parameters")]
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, style: QueryStyle) {
        match ParamValue::of(name, value) {
            Ok(value) => self.add_query(name, value, style),
            Err(reason) => self.note(Err(reason)),
        }
    }

    fn add_query(&mut self, name: &str, value: ParamValue, style: QueryStyle) {
        match (value, style) {
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
    }

    /// Adds a header parameter; `None` values are left out.
    #[allow(dead_code, reason = "used by crates with header parameters")]
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        let outcome = ParamValue::of(name, value).and_then(|value| {
            let Some(text) = value.simple() else { return Ok(()) };
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| InvalidRequest(format!("`{name}` is not a valid header name")))?;
            self.headers.push((header, header_value(name, &text)?));
            Ok(())
        });
        self.note(outcome);
    }

    /// Adds a cookie parameter; `None` values are left out.
    #[allow(dead_code, reason = "used by crates with cookie parameters")]
    pub fn cookie<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        let outcome = ParamValue::of(name, value).and_then(|value| match value.simple() {
            Some(text) => self.add_cookie(name, &text),
            None => Ok(()),
        });
        self.note(outcome);
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
    #[allow(dead_code, reason = "used by crates with JSON request bodies")]
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T, media_type: &'static str) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some((Payload::Bytes(bytes), media_type)),
            Err(e) => self.note(Err(InvalidRequest(format!("the request body cannot be encoded: {e}")))),
        }
    }

    /// Sets a text body.
    #[allow(dead_code, reason = "used by crates with text request bodies")]
    pub fn text(&mut self, body: &str, media_type: &'static str) {
        self.body = Some((Payload::Bytes(body.as_bytes().to_vec()), media_type));
    }

    /// Sets a binary body: bytes, a file or a stream.
    #[allow(dead_code, reason = "used by crates with binary request bodies")]
    pub fn upload(&mut self, body: &Upload, media_type: &'static str) {
        self.body = Some((Payload::Upload(body.clone()), media_type));
    }

    /// Sets an `application/x-www-form-urlencoded` body from the members of an object; lists
    /// repeat their key (or, for the members `joined` names, are one value joined by its
    /// separator), nested objects are written as JSON.
    #[allow(dead_code, reason = "used by crates with form request bodies")]
    pub fn form<T: Serialize + ?Sized>(
        &mut self,
        body: &T,
        media_type: &'static str,
        joined: &[(&str, &str)],
    ) {
        let outcome = self.try_form(body, media_type, joined);
        self.note(outcome);
    }

    fn try_form<T: Serialize + ?Sized>(
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
        self.body = Some((Payload::Bytes(form.finish().into_bytes()), media_type));
        Ok(())
    }

    /// Adds a text part to a multipart body; `None` values are left out, lists give one part
    /// per item.
    #[allow(dead_code, reason = "used by crates with multipart request bodies")]
    pub fn part<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        let value = match serde_json::to_value(value) {
            Ok(value) => value,
            Err(e) => return self.note(Err(InvalidRequest(format!("part `{name}` cannot be encoded: {e}")))),
        };
        // A list is one part per item (OpenAPI's default for multipart arrays).
        let items = match value {
            serde_json::Value::Array(items) => items,
            other => vec![other],
        };
        for item in items {
            let part = match item {
                serde_json::Value::Null => continue,
                // Structured values are JSON parts, as OpenAPI's encoding defaults say.
                serde_json::Value::Object(_) | serde_json::Value::Array(_) => Part::Json(item.to_string()),
                scalar => Part::Text(scalar_text(&scalar)),
            };
            self.parts.push((name.to_owned(), part));
        }
    }

    /// Requires a multipart body: a request without any part is refused before sending.
    #[allow(dead_code, reason = "used by crates with required multipart request bodies")]
    pub fn multipart(&mut self) {
        self.multipart = true;
    }

    /// Adds a file part to a multipart body.
    #[allow(dead_code, reason = "used by crates with multipart request bodies")]
    pub fn file_part(&mut self, name: &str, file: &Upload) {
        self.parts.push((name.to_owned(), Part::File(file.clone())));
    }

    /// Refuses the request unless at least one parameter of a group is set (`names` are the
    /// wire names, `set` says which are).
    #[allow(dead_code, reason = "used by crates whose spec says at least one of some parameters is required")]
    pub fn require_one_of(&mut self, names: &[&str], set: &[bool]) {
        if !set.iter().any(|s| *s) {
            let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            self.note(Err(InvalidRequest(format!("at least one of {} must be set", list.join(", ")))));
        }
    }

    /// Whether the request can be sent again: a body streamed from its source cannot.
    pub(super) fn replayable(&self) -> bool {
        let body = match &self.body {
            Some((Payload::Upload(upload), _)) => upload.replayable(),
            _ => true,
        };
        body && self.parts.iter().all(|(_, part)| !matches!(part, Part::File(upload) if !upload.replayable()))
    }
}
