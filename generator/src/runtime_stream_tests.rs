//! Tests of streamed answers (`runtime/stream.rs`) against a local server that writes its
//! answer in chunks as a script says: cut mid-line, paused, or broken off.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::StatusCode;
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
use crate::runtime::transport::{BoxFuture, CoreBuilder};
use crate::runtime_tests::operation;

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
    serve_each(vec![(head, steps)]).await.0
}

/// Serves one answer per connection, in order; returns the URL and the request heads received.
async fn serve_each(answers: Vec<(&'static str, Vec<Step>)>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let address = listener.local_addr().expect("has an address");
    let heads = Arc::new(Mutex::new(Vec::new()));
    let received = heads.clone();
    tokio::spawn(async move {
        for (head, steps) in answers {
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
            received.lock().unwrap().push(String::from_utf8_lossy(&request).to_ascii_lowercase());
            socket.write_all(head.as_bytes()).await.expect("writes");
            let mut broken = false;
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
                    Step::BreakOff => {
                        broken = true;
                        break;
                    }
                }
            }
            if broken {
                drop(socket);
                continue;
            }
            let _ = socket.write_all(b"0\r\n\r\n").await;
            let _ = socket.flush().await;
            // Stay connected until the client hangs up.
            tokio::spawn(async move {
                let _ = socket.read(&mut buffer).await;
            });
        }
    });
    (format!("http://{address}"), heads)
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
    Settings { operation: "test_op", format, sentinel: None, idle_timeout: None, reconnects: 0 }
}

/// The stream of a GET to `url`, as a generated `.stream()` makes it.
fn open<T: Send + 'static>(
    url: String,
    timeout: Option<Duration>,
    read: Read<T>,
    settings: Settings,
) -> BoxStream<Result<T, Error<Value>>> {
    let open = move |last_event_id: Option<String>| -> BoxFuture<Result<reqwest::Response, Error<Value>>> {
        let url = url.clone();
        Box::pin(async move {
            let mut builder = CoreBuilder::new(Some(&url), "test-agent/1.0");
            if let Some(timeout) = timeout {
                builder.timeout(timeout);
            }
            builder.max_retries(0);
            let core = builder.build::<Value>(&[])?;
            let mut request = Request::new(operation("test_op", "GET", Auth::NONE));
            request.path("/stream");
            request.accept("text/event-stream");
            if let Some(id) = &last_event_id {
                request.header("Last-Event-ID", id);
            }
            let reply = Reply::<(), Value>::body(|_, body| serde_json::from_slice(body).ok(), None, empty);
            core.open(request, reply).await
        })
    };
    items(Box::new(open), read, settings)
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
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
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
    assert!(matches!(next(&mut stream).await, Some(Err(Error::Timeout { .. }))));
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

#[tokio::test]
async fn uploads_are_read_from_files_and_streams_as_they_are_sent() {
    use crate::runtime::body::Upload;
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("report.csv");
    std::fs::write(&file, b"a,b\n1,2\n").unwrap();
    let core = CoreBuilder::new(Some(&server.uri()), "test-agent/1.0").build::<Value>(&[]).unwrap();
    let reply = || Reply::<(), Value>::body(|_, _| None, None, empty);

    // A file part: named after the file unless named, labelled as the caller says.
    let mut request = Request::new(operation("test_op", "POST", Auth::NONE));
    request.file_part("document", &Upload::path(&file).content_type("text/csv"));
    request.file_part("other", &Upload::from(b"xyz").file_name("other.bin"));
    core.send(request, reply()).await.unwrap();
    // A binary body from a stream of chunks, with its length.
    let chunks = futures_util::stream::iter([
        Ok(bytes::Bytes::from_static(b"abc")),
        Ok(bytes::Bytes::from_static(b"def")),
    ]);
    let mut request = Request::new(operation("test_op", "POST", Auth::NONE));
    request.upload(&Upload::stream(chunks, Some(6)), "application/octet-stream");
    core.send(request, reply()).await.unwrap();
    // A binary body from a file.
    let mut request = Request::new(operation("test_op", "POST", Auth::NONE));
    request.upload(&Upload::path(&file), "text/csv");
    core.send(request, reply()).await.unwrap();

    let received = server.received_requests().await.unwrap();
    let text = String::from_utf8_lossy(&received[0].body).to_ascii_lowercase();
    assert!(
        text.contains(
            "name=\"document\"; filename=\"report.csv\"\r\ncontent-type: text/csv\r\n\r\na,b\n1,2\n\r\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "name=\"other\"; filename=\"other.bin\"\r\ncontent-type: application/octet-stream\r\n\r\nxyz\r\n"
        ),
        "{text}"
    );
    assert_eq!(received[1].body, b"abcdef");
    assert_eq!(received[1].headers.get("content-length").unwrap(), "6");
    assert_eq!(received[2].body, b"a,b\n1,2\n");
    assert_eq!(received[2].headers.get("content-type").unwrap(), "text/csv");

    // A file that is not there is an error before sending, naming it.
    let mut request = Request::new(operation("test_op", "POST", Auth::NONE));
    request.upload(&Upload::path(folder.path().join("missing.bin")), "application/octet-stream");
    let error = core.send(request, reply()).await.unwrap_err();
    assert!(error.to_string().contains("missing.bin"), "{error}");
}

#[tokio::test]
async fn a_streamed_upload_is_sent_once() {
    use crate::runtime::body::Upload;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let mut builder = CoreBuilder::new(Some(&server.uri()), "test-agent/1.0");
    builder.max_retries(3);
    let core = builder.build::<Value>(&[]).unwrap();
    let chunks = futures_util::stream::iter([Ok(bytes::Bytes::from_static(b"once"))]);
    let mut request = Request::new(operation("test_op", "PUT", Auth::NONE));
    request.upload(&Upload::stream(chunks, None), "application/octet-stream");
    let error = core.send(request, Reply::<(), Value>::body(|_, _| None, None, empty)).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "a PUT is retried, but not with a streamed body"
    );
}

#[tokio::test]
async fn downloads_arrive_in_chunks_and_are_saved_whole_or_not_at_all() {
    use crate::runtime::body::{chunks, save};

    const BYTES: &str =
        "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ntransfer-encoding: chunked\r\n\r\n";
    let folder = tempfile::tempdir().unwrap();
    let target = folder.path().join("download.bin");
    let download = |url: String| {
        chunks::<Value>(
            "test_op",
            Box::pin(async move {
                let core = CoreBuilder::new(Some(&url), "test-agent/1.0").build::<Value>(&[])?;
                let mut request = Request::new(operation("test_op", "GET", Auth::NONE));
                request.path("/file");
                core.open(request, Reply::<(), Value>::body(|_, _| None, None, empty)).await
            }),
        )
    };
    let url = serve(BYTES, vec![Step::Chunk("first "), Step::Chunk("second")]).await;
    let written = save("test_op", download(url), &target).await.unwrap();
    assert_eq!(written, 12);
    assert_eq!(std::fs::read(&target).unwrap(), b"first second");

    // A download that breaks off leaves the earlier file as it was, and no partial file.
    let url = serve(BYTES, vec![Step::Chunk("third"), Step::BreakOff]).await;
    let error = save("test_op", download(url), &target).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(std::fs::read(&target).unwrap(), b"first second");
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 1);
}

#[tokio::test]
async fn a_broken_event_stream_resumes_after_the_last_id_where_asked() {
    let answers = || {
        vec![
            (
                EVENTS,
                vec![
                    Step::Chunk("retry: 10\nid: 1\ndata: {\"n\":1}\n\n"),
                    Step::Chunk("data: {\"n\""),
                    Step::BreakOff,
                ],
            ),
            (EVENTS, vec![Step::Chunk("id: 2\ndata: {\"n\":2}\n\n")]),
        ]
    };
    let (url, heads) = serve_each(answers()).await;
    let mut resuming = settings(Format::Events);
    resuming.reconnects = 1;
    let all: Vec<_> =
        open(url, None, data::<Chunk>, resuming).map(|i| i.map_err(|e| e.to_string())).collect().await;
    assert_eq!(all, vec![Ok(Chunk { n: 1 }), Ok(Chunk { n: 2 })]);
    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 2);
    assert!(!heads[0].contains("last-event-id"), "{}", heads[0]);
    assert!(heads[1].contains("last-event-id: 1\r\n"), "{}", heads[1]);

    // Without reconnects, the break ends the stream.
    let (url, _) = serve_each(answers()).await;
    let all: Vec<_> = open(url, None, data::<Chunk>, settings(Format::Events)).collect().await;
    assert_eq!(all.len(), 2);
    assert!(matches!(all[1], Err(Error::Transport { .. })), "{:?}", all[1]);
}
