//! Answers that arrive as a stream of items: server-sent events, JSON lines and JSON text
//! sequences. Each item is decoded as it arrives; nothing is held longer than one item.

use std::time::Duration;

use eventsource_stream::{EventStreamError, Eventsource};
use futures_util::{StreamExt, TryStreamExt};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::error::{transport, DecodeError, Error, Mismatch};
use super::paging::BoxStream;
use super::transport::BoxFuture;

/// A server-sent event as received: its type, data, id and reconnection delay.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Event {
    /// The `event:` field: `message` where the server names no type.
    pub event: String,
    /// The `data:` lines, joined with line feeds.
    pub data: String,
    /// The `id:` field, or the last id the stream sent.
    pub id: String,
    /// The `retry:` field: how long the server asks a client to wait before reconnecting.
    pub retry: Option<Duration>,
}

/// How the body is cut into items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(dead_code, reason = "each crate uses the formats its operations answer in")]
pub enum Format {
    /// `text/event-stream`: events, with comments and keep-alives skipped.
    Events,
    /// One JSON text per line (`application/jsonl`, `application/x-ndjson`).
    JsonLines,
    /// JSON texts each after a record separator (`application/json-seq`, RFC 7464).
    JsonSeq,
}

/// Reads one item from an event (for JSON lines and sequences, `data` holds the record).
pub type Read<T> = fn(&Event) -> Result<T, Mismatch>;

/// The item is the event's data, read as JSON; data that is not JSON is read as a string.
#[allow(dead_code, reason = "used by crates whose streams carry typed data")]
pub fn data<T: DeserializeOwned>(event: &Event) -> Result<T, Mismatch> {
    serde_path_to_error::deserialize(data_value(&event.data)).map_err(Mismatch::of_json)
}

/// The item is the whole event, an object with its `event`, `id`, `retry` and `data` (read as
/// JSON) members, for specs whose schema describes the event rather than its data.
#[allow(dead_code, reason = "used by crates whose stream schemas describe whole events")]
pub fn whole<T: DeserializeOwned>(event: &Event) -> Result<T, Mismatch> {
    let mut members = serde_json::Map::new();
    members.insert("event".into(), event.event.clone().into());
    if !event.id.is_empty() {
        members.insert("id".into(), event.id.clone().into());
    }
    if let Some(retry) = event.retry {
        members.insert("retry".into(), u64::try_from(retry.as_millis()).unwrap_or(u64::MAX).into());
    }
    members.insert("data".into(), data_value(&event.data));
    serde_path_to_error::deserialize(serde_json::Value::Object(members)).map_err(Mismatch::of_json)
}

/// The item is the event as received.
#[allow(dead_code, reason = "used by crates with event streams the spec does not type")]
pub fn raw(event: &Event) -> Result<Event, Mismatch> {
    Ok(event.clone())
}

fn data_value(data: &str) -> serde_json::Value {
    serde_json::from_str(data).unwrap_or_else(|_| serde_json::Value::String(data.to_owned()))
}

/// What a streamed answer is: its format, the data that ends it, how long it may be silent,
/// and how often a broken event stream is resumed.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// The operation's `operationId`, named by its errors.
    pub operation: &'static str,
    pub format: Format,
    /// The data of the event that ends the stream (`[DONE]`); it is not an item.
    pub sentinel: Option<&'static str>,
    /// The longest wait for the next item before the stream ends with [`Error::Timeout`].
    pub idle_timeout: Option<Duration>,
    /// How many times an event stream whose connection breaks is resumed, asking the server
    /// for the events after the last id it sent (`Last-Event-ID`).
    pub reconnects: u32,
}

/// How long to wait before resuming an event stream, where the server did not say (`retry:`).
const RECONNECT_DELAY: Duration = Duration::from_secs(1);

/// Opens the stream: sends the request (with `Last-Event-ID` when resuming after that id) and
/// resolves to a response with a success status, or the error.
pub type Open<B> = Box<dyn Fn(Option<String>) -> BoxFuture<Result<reqwest::Response, Error<B>>> + Send>;

struct Reading<B> {
    status: StatusCode,
    records: BoxStream<Result<Event, Error<B>>>,
}

struct State<B> {
    open: Open<B>,
    reading: Option<Reading<B>>,
    /// Items read so far, to name them in errors.
    count: u64,
    last_id: String,
    retry: Option<Duration>,
    reconnects: u32,
    done: bool,
}

/// The items of a streamed answer, opened with `open(None)`; the body is read item by item
/// with `read`. A failure to read the body ends the stream after it is yielded, unless it is
/// an event stream with reconnects left and an event id to resume after; an item that does not
/// decode is an error item that names it, and the stream goes on.
pub fn items<T, B>(open: Open<B>, read: Read<T>, settings: Settings) -> BoxStream<Result<T, Error<B>>>
where
    T: Send + 'static,
    B: Send + 'static,
{
    let state = State {
        open,
        reading: None,
        count: 0,
        last_id: String::new(),
        retry: None,
        reconnects: settings.reconnects,
        done: false,
    };
    Box::pin(futures_util::stream::unfold(state, move |mut state| async move {
        loop {
            if state.done {
                return None;
            }
            let Some(reading) = &mut state.reading else {
                let after = (!state.last_id.is_empty()).then(|| state.last_id.clone());
                match (state.open)(after).await {
                    Ok(response) => {
                        let status = response.status();
                        let records = records(settings.operation, response, settings.format);
                        state.reading = Some(Reading { status, records });
                        continue;
                    }
                    Err(error) => {
                        state.done = true;
                        return Some((Err(error), state));
                    }
                }
            };
            let next = match settings.idle_timeout {
                Some(idle) => match tokio::time::timeout(idle, reading.records.next()).await {
                    Ok(next) => next,
                    Err(_) => {
                        state.done = true;
                        return Some((Err(Error::Timeout { operation: settings.operation }), state));
                    }
                },
                None => reading.records.next().await,
            };
            let status = reading.status;
            let event = match next {
                None => return None,
                Some(Ok(event)) => event,
                Some(Err(error)) => {
                    let resumable = settings.format == Format::Events && !state.last_id.is_empty();
                    if resumable && state.reconnects > 0 && matches!(error, Error::Transport { .. }) {
                        state.reconnects -= 1;
                        state.reading = None;
                        tokio::time::sleep(state.retry.unwrap_or(RECONNECT_DELAY)).await;
                        continue;
                    }
                    state.done = true;
                    return Some((Err(error), state));
                }
            };
            state.last_id.clone_from(&event.id);
            state.retry = event.retry.or(state.retry);
            if settings.sentinel.is_some_and(|sentinel| event.data == sentinel) {
                return None;
            }
            state.count += 1;
            let item = read(&event).map_err(|mismatch| {
                let item = Some(describe(settings.format, &event, state.count));
                Error::Decode(DecodeError::new(
                    settings.operation,
                    status,
                    mismatch,
                    item,
                    event.data.into_bytes(),
                ))
            });
            return Some((item, state));
        }
    }))
}

/// Names an item for an error: `event 3 (`delta`, id 17)`, `line 3`, `record 3`.
fn describe(format: Format, event: &Event, count: u64) -> String {
    match format {
        Format::Events => {
            let mut details = Vec::new();
            if !event.event.is_empty() && event.event != "message" {
                details.push(format!("`{}`", event.event));
            }
            if !event.id.is_empty() {
                details.push(format!("id {}", event.id));
            }
            if details.is_empty() {
                format!("event {count}")
            } else {
                format!("event {count} ({})", details.join(", "))
            }
        }
        Format::JsonLines => format!("line {count}"),
        Format::JsonSeq => format!("record {count}"),
    }
}

/// The body cut into records: events as the SSE parser reads them, or non-empty lines or
/// sequence records as events with only `data`.
fn records<B: Send + 'static>(
    operation: &'static str,
    response: reqwest::Response,
    format: Format,
) -> BoxStream<Result<Event, Error<B>>> {
    let status = response.status();
    let bytes = response.bytes_stream();
    match format {
        Format::Events => Box::pin(bytes.eventsource().map(move |item| match item {
            Ok(event) => Ok(Event { event: event.event, data: event.data, id: event.id, retry: event.retry }),
            Err(EventStreamError::Transport(error)) => Err(transport(operation, error)),
            Err(error) => Err(unreadable(operation, status, error.to_string(), Vec::new())),
        })),
        Format::JsonLines | Format::JsonSeq => {
            let delimiter = if format == Format::JsonLines { b'\n' } else { 0x1e };
            let reader = tokio_util::io::StreamReader::new(bytes.map_err(std::io::Error::other));
            let codec = tokio_util::codec::AnyDelimiterCodec::new(vec![delimiter], Vec::new());
            let frames = tokio_util::codec::FramedRead::new(reader, codec);
            Box::pin(
                frames
                    .map(move |frame| match frame {
                        Ok(frame) => match std::str::from_utf8(&frame) {
                            Ok(text) => Ok(Event { data: text.trim().to_owned(), ..Event::default() }),
                            Err(e) => {
                                let message = format!("a record is not UTF-8: {e}");
                                Err(unreadable(operation, status, message, frame.to_vec()))
                            }
                        },
                        Err(error) => Err(read_error(operation, status, error)),
                    })
                    .try_filter(|event| std::future::ready(!event.data.is_empty())),
            )
        }
    }
}

/// A failure to read the body: the transport's own error (the only kind the reader is given).
fn read_error<B>(
    operation: &'static str,
    status: StatusCode,
    error: tokio_util::codec::AnyDelimiterCodecError,
) -> Error<B> {
    use tokio_util::codec::AnyDelimiterCodecError;
    let message = match error {
        AnyDelimiterCodecError::Io(io) => {
            match io.into_inner().map(|inner| inner.downcast::<reqwest::Error>()) {
                Some(Ok(error)) => return transport(operation, *error),
                Some(Err(other)) => other.to_string(),
                None => "the connection broke off".to_owned(),
            }
        }
        other => other.to_string(),
    };
    unreadable(operation, status, format!("the body cannot be read: {message}"), Vec::new())
}

/// A streamed body that cannot be cut into items: not text, not events, or broken off.
fn unreadable<B>(operation: &'static str, status: StatusCode, message: String, raw: Vec<u8>) -> Error<B> {
    Error::Decode(DecodeError::new(operation, status, Mismatch { path: String::new(), message }, None, raw))
}
