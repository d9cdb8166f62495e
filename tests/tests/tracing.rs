//! The `tracing` feature of a generated crate: a span per request and per attempt, with the
//! operation, method, path template, status, attempt number and duration.

use std::io::Write;
use std::sync::{Arc, Mutex};

use cloudflare_access::Client;
use serde_json::json;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Collects what the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn requests_and_attempts_are_spans() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    let body = json!({"success": true, "errors": [], "messages": [], "result": {"email": "a@example.com"}});
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);
    let client = Client::builder().base_url(server.uri()).api_token("t").build().unwrap();
    client.zero_trust_users().get_last_seen_identity("acc", "usr").await.unwrap();
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let closed = |l: &&str| l.contains("close");
    let request = text
        .lines()
        .filter(closed)
        .find(|l| l.contains("request{") && !l.contains("attempt{"))
        .unwrap_or_else(|| panic!("{text}"));
    for field in [
        "operation=\"zero-trust-users-get-last-seen-identity\"",
        "method=GET",
        "path=\"/accounts/{account_id}/access/users/{user_id}/last_seen_identity\"",
        "status=200",
        "attempts=2",
    ] {
        assert!(request.contains(field), "{field} missing in {request}");
    }
    let attempts: Vec<&str> = text.lines().filter(closed).filter(|l| l.contains("attempt{")).collect();
    assert_eq!(attempts.len(), 2, "{text}");
    assert!(attempts[0].contains("attempt=1") && attempts[0].contains("status=503"), "{}", attempts[0]);
    assert!(attempts[1].contains("attempt=2") && attempts[1].contains("status=200"), "{}", attempts[1]);
    assert!(attempts.iter().all(|a| a.contains("duration_ms=")), "{text}");
}
