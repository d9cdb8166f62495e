//! Tests of streamed answers (`runtime/stream.rs`) against a local server that writes its
//! answer in chunks as a script says: cut mid-line, paused, or broken off.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::runtime::auth::Auth;
use crate::runtime::error::Error;
use crate::runtime::paging::BoxStream;
use crate::runtime::request::Request;
use crate::runtime::response::{empty, Reply};
use crate::runtime::stream::{data, items, raw, whole, Event, Format, Read, Settings};
use crate::runtime::transport::CoreBuilder;

/// One step of the server's answer.
enum Step {
    /// Writes these bytes as one chunk.
    Chunk(&'static str),
    /// Waits before the next step.
    Pause(Duration),
    /// Waits until the test says go on.
    Until(oneshot::Receiver<()>),
    /// Closes the connection without ending the body.
    BreakOff,
}

/// Serves one answer: the status line and headers, then the body as the steps write it.
async fn serve(head: &'static str, steps: Vec<Step>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let address = listener.local_addr().expect("has an address");
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accepts");
        let mut request = Vec::new();
        let mut buffer = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let read = socket.read(&mut buffer).await.expect("reads");
            if read == 0 {
                return;
            }
            request.extend_from_slice(&buffer[..read]);
        }
        socket.write_all(head.as_bytes()).await.expect("writes");
        for step in steps {
            match step {
                Step::Chunk(text) => {
                    let chunk = format!("{:x}\r\n{text}\r\n", text.len());
                    socket.write_all(chunk.as_bytes()).await.expect("writes");
                    socket.flush().await.expect("flushes");
                }
                Step::Pause(pause) => tokio::time::sleep(pause).await,
                Step::Until(go) => {
                    let _ = go.await;
                }
                Step::BreakOff => return,
            }
        }
        let _ = socket.write_all(b"0\r\n\r\n").await;
        let _ = socket.flush().await;
        // Stay connected until the client hangs up.
        let _ = socket.read(&mut buffer).await;
    });
    format!("http://{address}")
}

const EVENTS: &str =
    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
const LINES: &str =
    "HTTP/1.1 200 OK\r\ncontent-type: application/jsonl\r\ntransfer-encoding: chunked\r\n\r\n";

#[derive(Debug, Deserialize, PartialEq)]
struct Chunk {
    n: i64,
}

fn settings(format: Format) -> Settings {
    Settings { format, sentinel: None, idle_timeout: None }
}

/// The stream of a GET to `url`, as a generated `.stream()` makes it.
fn open<T: Send + 'static>(
    url: String,
    timeout: Option<Duration>,
    read: Read<T>,
    settings: Settings,
) -> BoxStream<Result<T, Error<Value>>> {
    let opening = Box::pin(async move {
        let mut builder = CoreBuilder::new(Some(&url), "test-agent/1.0");
        if let Some(timeout) = timeout {
            builder.timeout(timeout);
        }
        builder.max_retries(0);
        let core = builder.build::<Value>()?;
        let mut request = Request::new(Method::GET, Auth::NONE);
        request.path("/stream");
        request.accept("text/event-stream");
        core.open(request, Reply::<(), Value>::body(|_, body| serde_json::from_slice(body).ok(), None, empty))
            .await
    });
    items(opening, read, settings)
}

/// Waits for the next item, failing the test rather than hanging if it never comes.
async fn next<T>(stream: &mut BoxStream<T>) -> Option<T> {
    tokio::time::timeout(Duration::from_secs(10), stream.next()).await.expect("the next item arrives")
}

#[tokio::test]
async fn events_are_decoded_as_they_arrive() {
    let (go, wait) = oneshot::channel();
    let url = serve(
        EVENTS,
        vec![
            Step::Chunk(": keep-alive\n\n"),
            Step::Chunk("data: {\"n\""),
            Step::Chunk(":1}\n\n"),
            // Nothing more is sent until the first item has been read.
            Step::Until(wait),
            Step::Chunk("event: delta\r\nid: 7\r\ndata: {\"n\":\r\n"),
            Step::Chunk("data: 2}\r\n\r\n: a comment\n"),
            Step::Chunk("data: {\"m\": 3}\n\n"),
            Step::Chunk("data: {\"n\":4}\n\ndata: [DONE]\n\n"),
            Step::Chunk("data: {\"n\":5}\n\n"),
        ],
    )
    .await;
    let mut settings = settings(Format::Events);
    settings.sentinel = Some("[DONE]");
    let mut stream = open(url, None, data::<Chunk>, settings);
    assert_eq!(next(&mut stream).await.unwrap().unwrap(), Chunk { n: 1 });
    go.send(()).unwrap();
    // Two `data` lines are one event, joined by a line feed.
    assert_eq!(next(&mut stream).await.unwrap().unwrap(), Chunk { n: 2 });
    let error = next(&mut stream).await.unwrap().unwrap_err();
    let Error::Decode(decode) = &error else { panic!("not a decode error: {error:?}") };
    assert_eq!(decode.item.as_deref(), Some("event 3 (id 7)"));
    assert_eq!(decode.raw, b"{\"m\": 3}");
    assert!(error.to_string().contains("event 3 (id 7)"), "{error}");
    // The stream goes on after an item that does not decode, and ends at the sentinel.
    assert_eq!(next(&mut stream).await.unwrap().unwrap(), Chunk { n: 4 });
    assert!(next(&mut stream).await.is_none());
}

#[tokio::test]
async fn a_connection_that_breaks_off_ends_the_stream_with_an_error() {
    let url =
        serve(EVENTS, vec![Step::Chunk("data: {\"n\":1}\n\n"), Step::Chunk("data: {\"n\""), Step::BreakOff])
            .await;
    let mut stream = open(url, None, data::<Chunk>, settings(Format::Events));
    assert_eq!(next(&mut stream).await.unwrap().unwrap(), Chunk { n: 1 });
    let error = next(&mut stream).await.unwrap().unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(next(&mut stream).await.is_none());
}

#[tokio::test]
async fn the_timeout_covers_the_headers_and_the_idle_timeout_the_gaps() {
    // Items a second apart under a 300 ms timeout: the timeout is for the headers only.
    let url = serve(
        EVENTS,
        vec![
            Step::Chunk("data: {\"n\":1}\n\n"),
            Step::Pause(Duration::from_millis(600)),
            Step::Chunk("data: {\"n\":2}\n\n"),
            Step::Pause(Duration::from_millis(600)),
            Step::Chunk("data: {\"n\":3}\n\n"),
        ],
    )
    .await;
    let stream = open(url, Some(Duration::from_millis(300)), data::<Chunk>, settings(Format::Events));
    let all: Vec<_> = stream.map(|item| item.map_err(|e| e.to_string())).collect().await;
    assert_eq!(all, vec![Ok(Chunk { n: 1 }), Ok(Chunk { n: 2 }), Ok(Chunk { n: 3 })]);

    // A gap longer than the idle timeout ends the stream.
    let url =
        serve(EVENTS, vec![Step::Chunk("data: {\"n\":1}\n\n"), Step::Pause(Duration::from_secs(30))]).await;
    let mut settings = settings(Format::Events);
    settings.idle_timeout = Some(Duration::from_millis(200));
    let mut stream = open(url, None, data::<Chunk>, settings);
    assert_eq!(next(&mut stream).await.unwrap().unwrap(), Chunk { n: 1 });
    assert!(matches!(next(&mut stream).await, Some(Err(Error::Timeout))));
    assert!(next(&mut stream).await.is_none());
}

#[tokio::test]
async fn an_error_status_is_the_only_item() {
    let url = serve(
        "HTTP/1.1 422 Unprocessable Entity\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
        vec![Step::Chunk("{\"detail\": \"bad model\"}")],
    )
    .await;
    let mut stream = open(url, None, data::<Chunk>, settings(Format::Events));
    let error = next(&mut stream).await.unwrap().unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(api.body, Some(serde_json::json!({"detail": "bad model"})));
    assert!(next(&mut stream).await.is_none());
}

#[derive(Debug, Deserialize, PartialEq)]
struct WholeEvent {
    event: String,
    id: Option<String>,
    data: Chunk,
}

#[tokio::test]
async fn events_are_read_whole_or_raw() {
    let body = "event: delta\nid: 1\ndata: {\"n\":1}\n\ndata: {\"n\":2}\nretry: 1500\n\n";
    let url = serve(EVENTS, vec![Step::Chunk(body)]).await;
    let typed: Vec<_> = open(url, None, whole::<WholeEvent>, settings(Format::Events))
        .map(|item| item.map_err(|e| e.to_string()))
        .collect()
        .await;
    assert_eq!(
        typed,
        vec![
            Ok(WholeEvent { event: "delta".into(), id: Some("1".into()), data: Chunk { n: 1 } }),
            // The last id holds until the server sends another; the default type is `message`.
            Ok(WholeEvent { event: "message".into(), id: Some("1".into()), data: Chunk { n: 2 } }),
        ]
    );
    let url = serve(EVENTS, vec![Step::Chunk(body)]).await;
    let events: Vec<_> = open(url, None, raw, settings(Format::Events)).collect().await;
    let second = events[1].as_ref().unwrap();
    assert_eq!(
        *second,
        Event {
            event: "message".into(),
            data: "{\"n\":2}".into(),
            id: "1".into(),
            retry: Some(Duration::from_millis(1500))
        }
    );
}

#[tokio::test]
async fn json_lines_and_sequences_are_items() {
    let url = serve(
        LINES,
        vec![Step::Chunk("{\"n\":1}\n{\"n\""), Step::Chunk(":2}\r\n\n"), Step::Chunk("{\"x\":0}\n{\"n\":3}")],
    )
    .await;
    let lines: Vec<_> = open(url, None, data::<Chunk>, settings(Format::JsonLines))
        .map(|i| i.map_err(|e| e.to_string()))
        .collect()
        .await;
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert_eq!(lines[0], Ok(Chunk { n: 1 }));
    assert_eq!(lines[1], Ok(Chunk { n: 2 }));
    assert!(lines[2].as_ref().unwrap_err().contains("line 3"), "{lines:?}");
    // The last line needs no line feed.
    assert_eq!(lines[3], Ok(Chunk { n: 3 }));

    let url = serve(LINES, vec![Step::Chunk("\u{1e}{\"n\":1}\n\u{1e}{\"n\""), Step::Chunk(":2}\n")]).await;
    let records: Vec<_> = open(url, None, data::<Chunk>, settings(Format::JsonSeq))
        .map(|i| i.map_err(|e| e.to_string()))
        .collect()
        .await;
    assert_eq!(records, vec![Ok(Chunk { n: 1 }), Ok(Chunk { n: 2 })]);
}

#[test]
fn data_that_is_not_json_is_a_string() {
    let event = Event { data: "plain words".into(), ..Event::default() };
    assert_eq!(data::<String>(&event).unwrap(), "plain words");
    let event = Event { data: "\"quoted\"".into(), ..Event::default() };
    assert_eq!(data::<String>(&event).unwrap(), "quoted");
}
