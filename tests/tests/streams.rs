//! The streaming fixture's client (`generator/tests/fixtures/chat-stream.yaml`) against a
//! local server that writes its answer in chunks cut anywhere: typed events, the body member
//! that asks for them, sentinels, JSON lines, and a connection that breaks off.

use std::time::Duration;

use fixture_chat_stream::types::{ChatRequest, LogLine, Message, MessageRole, StreamConversationEventEvent};
use fixture_chat_stream::{Client, Error};
use futures_util::StreamExt;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// What the server received: the request head (lower-cased) and body.
struct Received {
    head: String,
    body: Value,
}

/// Serves one request: answers with `head`, then each chunk as a chunk of its own; `finish`
/// ends the body properly, or else the connection is dropped mid-answer.
async fn serve(
    head: &'static str,
    chunks: Vec<&'static str>,
    finish: bool,
) -> (Client, JoinHandle<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        let end = loop {
            if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            let read = socket.read(&mut buffer).await.unwrap();
            request.extend_from_slice(&buffer[..read]);
        };
        let request_head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
        let length = request_head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .map_or(0, |n| n.trim().parse::<usize>().unwrap());
        while request.len() < end + length {
            let read = socket.read(&mut buffer).await.unwrap();
            request.extend_from_slice(&buffer[..read]);
        }
        let body = serde_json::from_slice(&request[end..]).unwrap_or(Value::Null);
        // A client that has read all it wants (up to a sentinel) may hang up: writes may fail.
        let _ = socket.write_all(head.as_bytes()).await;
        for chunk in chunks {
            let _ = socket.write_all(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes()).await;
            let _ = socket.flush().await;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        if finish {
            let _ = socket.write_all(b"0\r\n\r\n").await;
        }
        Received { head: request_head, body }
    });
    let client = Client::builder().base_url(url).max_retries(0).build().unwrap();
    (client, server)
}

const EVENTS: &str =
    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";

fn request() -> ChatRequest {
    ChatRequest::new("small", vec![Message::new(MessageRole::User, "Hello")])
}

#[tokio::test]
async fn a_chat_completion_streams_typed_chunks_until_the_sentinel() {
    let (client, server) = serve(
        EVENTS,
        vec![
            ": connected\n\n",
            "data: {\"id\":\"c1\",\"del",
            "ta\":\"Hel\"}\n\ndata: {\"id\":\"c1\",\n",
            "data: \"delta\":\"lo\"}\r\n\r\n",
            ": keep-alive\n\ndata: [DONE]\n\n",
            "data: {\"id\":\"c1\",\"delta\":\" after the end\"}\n\n",
        ],
        true,
    )
    .await;
    let chunks: Vec<_> = client.chat().create_completion(request()).stream().collect().await;
    let text: String = chunks.into_iter().map(|chunk| chunk.unwrap().delta).collect();
    assert_eq!(text, "Hello");
    let received = server.await.unwrap();
    assert!(received.head.contains("accept: text/event-stream"), "{}", received.head);
    assert_eq!(received.body["stream"], Value::Bool(true));
}

#[tokio::test]
async fn a_chat_completion_sent_whole_asks_for_json() {
    let (client, server) = serve(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
        vec!["{\"id\":\"c1\",\"choices\":[{\"role\":\"assistant\",\"content\":\"Hi\"}]}"],
        true,
    )
    .await;
    let mut asked = request();
    asked.stream = Some(true);
    let completion = client.chat().create_completion(asked).send().await.unwrap();
    assert_eq!(completion.choices[0].content, "Hi");
    let received = server.await.unwrap();
    assert!(received.head.contains("accept: application/json"), "{}", received.head);
    assert_eq!(received.body["stream"], Value::Bool(false));
}

#[tokio::test]
async fn whole_events_carry_their_type_and_id() {
    let (client, _server) = serve(
        EVENTS,
        vec![
            "event: started\nid: 1\ndata: {\"id\":\"c1\",\"delta\":\"\"}\n\n",
            "event: delta\nid: 2\ndata: {\"id\":\"c1\",\"delta\":\"Hi\"}\n\n",
            "event: delta\nid: 3\ndata: {\"id\":\"c1\"}\n\n",
            "event: done\nid: 4\ndata: {\"id\":\"c1\",\"delta\":\"\"}\n\n",
        ],
        true,
    )
    .await;
    let events: Vec<_> = client.chat().stream_conversation("c1").stream().collect().await;
    assert_eq!(events.len(), 4);
    let second = events[1].as_ref().unwrap();
    assert_eq!(second.event, Some(StreamConversationEventEvent::Delta));
    assert_eq!(second.id.as_deref(), Some("2"));
    assert_eq!(second.data.delta, "Hi");
    // A chunk without `delta` does not decode: an error naming the event, then the rest.
    let Err(Error::Decode(error)) = &events[2] else { panic!("{:?}", events[2]) };
    assert_eq!(error.item.as_deref(), Some("event 3 (`delta`, id 3)"));
    assert_eq!(error.path, "data");
    assert_eq!(events[3].as_ref().unwrap().event, Some(StreamConversationEventEvent::Done));
}

#[tokio::test]
async fn untyped_events_end_at_the_sentinel_the_spec_names() {
    let (client, _server) = serve(
        EVENTS,
        vec!["event: ping\ndata: one\n\ndata: two\ndata: lines\n\ndata: [END]\n\ndata: three\n\n"],
        true,
    )
    .await;
    let events: Vec<_> = client.chat().follow_notifications().stream().map(Result::unwrap).collect().await;
    let data: Vec<&str> = events.iter().map(|e| e.data.as_str()).collect();
    assert_eq!(data, ["one", "two\nlines"]);
    assert_eq!(events[0].event, "ping");
}

#[tokio::test]
async fn json_lines_arrive_as_typed_items() {
    let (client, _server) = serve(
        "HTTP/1.1 200 OK\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\n\r\n",
        vec!["{\"at\":\"1\",\"message\":\"a\"}\n{\"at\":\"2\",", "\"message\":\"b\",\"level\":\"warn\"}\n\n"],
        true,
    )
    .await;
    let lines: Vec<LogLine> = client.logs().export().stream().map(Result::unwrap).collect().await;
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1].level.as_deref(), Some("warn"));
}

#[tokio::test]
async fn a_stream_that_breaks_off_ends_with_the_error() {
    let (client, _server) =
        serve(EVENTS, vec!["data: {\"id\":\"c1\",\"delta\":\"Hel\"}\n\ndata: {\"id\""], false).await;
    let chunks: Vec<_> = client.chat().create_completion(request()).stream().collect().await;
    assert_eq!(chunks.len(), 2, "{chunks:?}");
    assert_eq!(chunks[0].as_ref().unwrap().delta, "Hel");
    assert!(matches!(chunks[1], Err(Error::Transport { .. })), "{:?}", chunks[1]);
}

#[tokio::test]
async fn a_multipart_upload_reads_its_file_as_it_is_sent() {
    use fixture_chat_stream::Upload;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/files"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "f1", "bytes": 9})))
        .mount(&server)
        .await;
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let folder = std::env::temp_dir().join(format!("upload-test-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join("notes.txt");
    std::fs::write(&file, "some text").unwrap();
    let client = Client::builder().base_url(server.uri()).build().unwrap();

    let stored =
        client.files().upload(Upload::path(&file).content_type("text/plain"), "notes").await.unwrap();
    assert_eq!(stored.bytes, 9);
    client.files().replace("f1", Upload::path(&file)).await.unwrap();
    std::fs::remove_dir_all(&folder).unwrap();

    let received = server.received_requests().await.unwrap();
    let form = String::from_utf8_lossy(&received[0].body).to_ascii_lowercase();
    assert!(
        form.contains(
            "name=\"file\"; filename=\"notes.txt\"\r\ncontent-type: text/plain\r\n\r\nsome text\r\n"
        ),
        "{form}"
    );
    assert!(form.contains("name=\"purpose\"\r\n\r\nnotes\r\n"), "{form}");
    assert_eq!(received[1].body, b"some text");
    assert_eq!(received[1].headers.get("content-type").unwrap(), "application/octet-stream");
}

#[tokio::test]
async fn a_download_arrives_in_chunks() {
    let (client, _server) = serve(
        "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ntransfer-encoding: chunked\r\n\r\n",
        vec!["part one, ", "part two"],
        true,
    )
    .await;
    let chunks: Vec<_> = client.files().download("f1").stream().map(Result::unwrap).collect().await;
    assert!(!chunks.is_empty());
    assert_eq!(chunks.concat(), b"part one, part two");
}
