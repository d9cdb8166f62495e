//! Drives the client generated from Mistral's published spec: its chat completion's `.stream()`
//! against a local server sending server-sent events in chunks cut mid-event, with a comment,
//! multi-line data and the `[DONE]` sentinel. Exits non-zero, saying why, on any difference.

use futures_util::StreamExt;
use mistral::types::{ChatCompletionRequest, DeltaMessageContent};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const CHUNKS: &[&str] = &[
    ": ping\n\n",
    "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},",
    "\"finish_reason\":null}]}\n\ndata: {\"id\":\"c\",\"model\":\"m\",\n",
    "data: \"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n",
    "data: [DONE]\n\n",
];

#[tokio::main]
async fn main() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let url = format!("http://{}", listener.local_addr().expect("has an address"));
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accepts");
        let mut request = Vec::new();
        let mut buffer = [0u8; 8192];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let read = socket.read(&mut buffer).await.expect("reads");
            request.extend_from_slice(&buffer[..read]);
        }
        let head = String::from_utf8_lossy(&request).to_ascii_lowercase();
        let answer = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
        let _ = socket.write_all(answer.as_bytes()).await;
        for chunk in CHUNKS {
            let _ = socket.write_all(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes()).await;
            let _ = socket.flush().await;
        }
        let _ = socket.write_all(b"0\r\n\r\n").await;
        head
    });
    let client = mistral::Client::builder().base_url(url).api_key("key").max_retries(0).build().expect("builds");
    let request: ChatCompletionRequest = serde_json::from_value(serde_json::json!({
        "model": "m",
        "messages": [{"role": "user", "content": "Hi"}]
    }))
    .expect("a request");
    let events: Vec<_> = client.chat().completion_v1_completions_post(request).stream().collect().await;
    let mut text = String::new();
    for event in &events {
        let event = event.as_ref().unwrap_or_else(|e| panic!("an event does not decode: {e}"));
        for choice in &event.data.choices {
            if let Some(DeltaMessageContent::String(part)) = &choice.delta.content {
                text.push_str(part);
            }
        }
    }
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(text, "Hello");
    let head = server.await.expect("the server ran");
    assert!(head.contains("accept: text/event-stream"), "{head}");
    assert!(head.contains("authorization: bearer key"), "{head}");
    println!("mistral chat stream: {} events, text {text:?}", events.len());
}
