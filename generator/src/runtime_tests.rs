//! Tests of the client runtime (`runtime/`) against a local HTTP server. They live outside
//! the runtime folder because its files are copied verbatim into generated crates.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::runtime::auth::*;
use crate::runtime::body::*;
use crate::runtime::error::*;
use crate::runtime::paging::*;
use crate::runtime::request::*;
use crate::runtime::response::*;
use crate::runtime::transport::*;

const ENVELOPE: Envelope = Envelope {
    success: "success",
    errors: "errors",
    messages: "messages",
    result: "result",
    result_info: "result_info",
};

const TOKEN_SCHEME: Scheme = Scheme { index: 0, setter: "token" };
const EMAIL: Scheme = Scheme { index: 1, setter: "email" };
const KEY: Scheme = Scheme { index: 2, setter: "key" };
const BASIC: Scheme = Scheme { index: 3, setter: "basic" };
const QUERY: Scheme = Scheme { index: 4, setter: "query" };
const COOKIE: Scheme = Scheme { index: 5, setter: "cookie" };
const NCP: Scheme = Scheme { index: 0, setter: "ncp" };

const TOKEN: Auth = Auth { alternatives: &[&[TOKEN_SCHEME], &[EMAIL, KEY]], optional: false };

type TestError = Error<Value>;

/// An operation for one test request (leaked: a generated crate's are constants).
pub(crate) fn operation(id: &'static str, method: &'static str, auth: Auth) -> &'static Operation {
    Box::leak(Box::new(Operation { id, method, path: "/test", auth }))
}

fn no_body(_: StatusCode, _: &[u8]) -> Option<Value> {
    None
}

fn core(server: &MockServer) -> CoreBuilder {
    CoreBuilder::new(Some(&server.uri()), "test-agent/1.0")
}

fn build(builder: CoreBuilder) -> ClientCore {
    builder.build::<Value>(&[]).expect("client builds")
}

#[tokio::test]
async fn path_parameters_stay_one_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users/..%2Fx/items/a%2Fb%3Fc%23d%25"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    let client = build(core(&server));
    let mut request = Request::new(operation("test_op", "GET", Auth::NONE));
    request.path("/users/");
    request.path_param("user", "../x");
    request.path("/items/");
    request.path_text("item", "a/b?c#d%");
    let response: Response<Value> =
        client.send(request, Reply::<Value, Value>::body(no_body, None, json)).await.unwrap();
    assert_eq!(response.value, json!({"ok": true}));
}

/// Mounts a mock answering `GET path` with 204, expected `times` times.
async fn expect_get(server: &MockServer, at: &str, times: u64) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(204))
        .expect(times)
        .mount(server)
        .await;
}

/// The operation's own server for [`get_from`]: absolute, or relative to the base URL.
enum Own {
    Absolute(&'static str),
    Relative(&'static str),
}

async fn get_from(client: &ClientCore, server: Option<Own>, base_url: Option<String>) {
    let mut request = Request::new(operation("test_op", "GET", Auth::NONE));
    match server {
        Some(Own::Absolute(url)) => request.server(url),
        Some(Own::Relative(reference)) => request.relative_server(reference),
        None => {}
    }
    request.options(RequestOptions { base_url, ..RequestOptions::default() });
    request.path("/files");
    let reply = Reply::<(), Value>::body(no_body, None, empty);
    client.send(request, reply).await.unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test]
async fn an_operation_s_own_server_is_followed_while_the_base_url_is_the_api_s() {
    let (api, uploads, elsewhere) =
        (MockServer::start().await, MockServer::start().await, MockServer::start().await);
    expect_get(&api, "/v1/files", 1).await;
    expect_get(&uploads, "/up/files", 2).await;
    expect_get(&elsewhere, "/files", 1).await;
    let own: &'static str = Box::leak(format!("{}/up", uploads.uri()).into_boxed_str());
    let spec_base = format!("{}/v1", api.uri());
    // The API's base URL, whether left as it is or set to the same URL again.
    get_from(&build(CoreBuilder::new(Some(&spec_base), "ua")), Some(Own::Absolute(own)), None).await;
    let mut same = CoreBuilder::new(Some(&spec_base), "ua");
    same.base_url(format!("{spec_base}/"));
    get_from(&build(same), Some(Own::Absolute(own)), None).await;
    // A client pointed elsewhere sends everything there.
    let mut pointed = CoreBuilder::new(Some("https://api.example.invalid/v1"), "ua");
    pointed.base_url(spec_base.clone());
    get_from(&build(pointed), Some(Own::Absolute(own)), None).await;
    // A request's own base URL wins over both.
    get_from(
        &build(CoreBuilder::new(Some(&spec_base), "ua")),
        Some(Own::Absolute(own)),
        Some(elsewhere.uri()),
    )
    .await;
}

#[tokio::test]
async fn a_relative_server_is_resolved_against_the_base_url() {
    let server = MockServer::start().await;
    expect_get(&server, "/health/files", 1).await;
    expect_get(&server, "/api/v2/beta/files", 1).await;
    // Followed whatever the base URL: it is relative to it.
    let mut pointed = CoreBuilder::new(Some("https://api.example.invalid"), "ua");
    pointed.base_url(format!("{}/api/v2", server.uri()));
    let client = build(pointed);
    get_from(&client, Some(Own::Relative("/health")), None).await;
    get_from(&client, Some(Own::Relative("beta")), None).await;
}

#[tokio::test]
async fn a_request_s_base_url_must_be_an_http_url() {
    let client = build(CoreBuilder::new(Some("http://127.0.0.1:9"), "ua"));
    for url in ["not a url", "ftp://example.com", "mailto:a@example.com"] {
        let mut request = Request::new(operation("test_op", "GET", Auth::NONE));
        request.options(RequestOptions { base_url: Some(url.to_owned()), ..RequestOptions::default() });
        let reply = Reply::<(), Value>::body(no_body, None, empty);
        let error = client.send(request, reply).await.expect_err(url);
        assert!(matches!(error, Error::InvalidRequest { .. }), "{url}: {error}");
        assert!(error.to_string().contains(url), "{url}: {error}");
    }
}

#[tokio::test]
async fn the_operation_path_follows_the_base_url_s_own() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/users/a%20b"))
        .and(query_param("key", "k"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    // A path template written with a query in it keeps that query.
    Mock::given(method("GET"))
        .and(path("/v1/search"))
        .and(query_param("kind", "all"))
        .and(query_param("q", "x"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    for base in [format!("{}/v1", server.uri()), format!("{}/v1/?key=k", server.uri())] {
        let client = build(CoreBuilder::new(Some(&base), "ua"));
        let mut request = Request::new(operation("test_op", "GET", Auth::NONE));
        if base.contains('?') {
            request.path("/users/");
            request.path_text("id", "a b");
        } else {
            request.path("/search?kind=all");
            request.query("q", "x", QueryStyle::Form { explode: true });
        }
        let reply = Reply::<(), Value>::body(no_body, None, empty);
        client.send(request, reply).await.unwrap_or_else(|e| panic!("{base}: {e}"));
    }
}

/// What a request that is refused before sending is refused with (a client of a server that
/// does not exist sends nothing).
async fn refusal(request: Request) -> String {
    let client = build(CoreBuilder::new(Some("http://127.0.0.1:9"), "ua"));
    let error = client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    error.to_string()
}

#[tokio::test]
async fn dot_and_empty_path_segments_are_refused() {
    for value in ["", ".", ".."] {
        let mut request = Request::new(operation("test_op", "GET", Auth::NONE));
        request.path_param("id", value);
        let error = refusal(request).await;
        assert!(error.contains("`id`"), "{error}");
        let mut request = Request::new(operation("test_op", "GET", Auth::NONE));
        request.path_text("name", value);
        let error = refusal(request).await;
        assert!(error.contains("`name`"), "{error}");
    }
}

#[tokio::test]
async fn query_styles() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = build(core(&server));
    let mut request = Request::new(operation("test_op", "GET", Auth::NONE));
    request.path("/search");
    request.query("tag", &["a", "b"], QueryStyle::Form { explode: true });
    request.query("ids", &[1, 2], QueryStyle::Form { explode: false });
    request.query("words", &["x", "y"], QueryStyle::SpaceDelimited);
    request.query("pipes", &["x", "y"], QueryStyle::PipeDelimited);
    request.query("filter", &json!({"role": "admin"}), QueryStyle::DeepObject);
    request.query("absent", &None::<String>, QueryStyle::Form { explode: true });
    request.query("flag", &true, QueryStyle::Form { explode: true });
    client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(
        received[0].url.query(),
        Some("tag=a&tag=b&ids=1%2C2&words=x+y&pipes=x%7Cy&filter%5Brole%5D=admin&flag=true")
    );
}

#[tokio::test]
async fn credentials_follow_the_first_complete_alternative() {
    let server = MockServer::start().await;
    Mock::given(header("x-auth-email", "me@example.com"))
        .and(header("x-auth-key", "k"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let mut builder = core(&server);
    builder
        .credential(EMAIL, Credential::Header { name: "X-Auth-Email", value: Secret::new("me@example.com") });
    builder.credential(KEY, Credential::Header { name: "X-Auth-Key", value: Secret::new("k") });
    let client = build(builder);
    client
        .send(
            Request::new(operation("test_op", "GET", TOKEN)),
            Reply::<(), Value>::body(no_body, None, empty),
        )
        .await
        .unwrap();

    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer t0k"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let mut builder = core(&server);
    builder.credential(TOKEN_SCHEME, Credential::Bearer(Secret::new("t0k")));
    builder
        .credential(EMAIL, Credential::Header { name: "X-Auth-Email", value: Secret::new("me@example.com") });
    let client = build(builder);
    client
        .send(
            Request::new(operation("test_op", "GET", TOKEN)),
            Reply::<(), Value>::body(no_body, None, empty),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn basic_query_and_cookie_keys() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Basic dXNlcjpwYXNz"))
        .and(query_param("api_key", "q"))
        .and(header("cookie", "session=c"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let mut builder = core(&server);
    builder.credential(BASIC, Credential::Basic { username: "user".into(), password: Secret::new("pass") });
    builder.credential(QUERY, Credential::Query { name: "api_key", value: Secret::new("q") });
    builder.credential(COOKIE, Credential::Cookie { name: "session", value: Secret::new("c") });
    let client = build(builder);
    let auth = Auth { alternatives: &[&[BASIC, QUERY, COOKIE]], optional: false };
    client
        .send(Request::new(operation("test_op", "GET", auth)), Reply::<(), Value>::body(no_body, None, empty))
        .await
        .unwrap();
}

#[tokio::test]
async fn missing_credentials_are_named_and_secrets_never_printed() {
    let server = MockServer::start().await;
    let mut builder = core(&server);
    builder
        .credential(EMAIL, Credential::Header { name: "X-Auth-Email", value: Secret::new("hidden-email") });
    let client = build(builder);
    let error = client
        .send(
            Request::new(operation("test_op", "GET", TOKEN)),
            Reply::<(), Value>::body(no_body, None, empty),
        )
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "test_op: invalid request: this operation needs credentials: set token, or email + key"
    );
    let debug = format!("{client:?}");
    assert!(!debug.contains("hidden-email"), "{debug}");
    assert!(debug.contains("email"), "{debug}");
}

#[tokio::test]
async fn credentials_that_no_header_can_carry_are_refused_when_sent() {
    let mut builder = CoreBuilder::new(Some("http://127.0.0.1:9"), "ua");
    builder.credential(TOKEN_SCHEME, Credential::Bearer(Secret::new("t0k\nX-Injected: 1")));
    let client = build(builder);
    let reply = Reply::<(), Value>::body(no_body, None, empty);
    let error = client.send(Request::new(operation("test_op", "GET", TOKEN)), reply).await.unwrap_err();
    assert_eq!(error.to_string(), "test_op: invalid request: header `token` contains a line break");
    let mut builder = CoreBuilder::new(Some("http://127.0.0.1:9"), "ua");
    builder.credential(EMAIL, Credential::Header { name: "X Email", value: Secret::new("e") });
    builder.credential(KEY, Credential::Header { name: "X-Key", value: Secret::new("k") });
    let client = build(builder);
    let reply = Reply::<(), Value>::body(no_body, None, empty);
    let error = client.send(Request::new(operation("test_op", "GET", TOKEN)), reply).await.unwrap_err();
    assert_eq!(error.to_string(), "test_op: invalid request: `X Email` is not a valid header name");
}

#[tokio::test]
async fn header_values_with_line_breaks_are_refused() {
    let mut request = Request::new(operation("test_op", "GET", Auth::NONE));
    request.header("X-Note", "a\r\nX-Injected: 1");
    request.header("X-Other", &None::<String>);
    let error = refusal(request).await;
    assert_eq!(error, "test_op: invalid request: header `X-Note` contains a line break");
}

#[tokio::test]
async fn envelopes_yield_their_result() {
    let server = MockServer::start().await;
    let body = json!({
        "success": true, "errors": [], "messages": [{"code": 1001, "message": "note"}],
        "result": {"id": "a"}, "result_info": {"page": 1}
    });
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let client = build(core(&server));
    let response: Response<Value> = client
        .send(
            Request::new(operation("test_op", "GET", Auth::NONE)),
            Reply::<Value, Value>::enveloped(no_body, &ENVELOPE),
        )
        .await
        .unwrap();
    assert_eq!(response.value, json!({"id": "a"}));
    assert_eq!(response.messages[0].code, Some(1001));
    assert_eq!(response.result_info, Some(json!({"page": 1})));
}

#[tokio::test]
async fn unsuccessful_envelopes_are_api_errors() {
    let server = MockServer::start().await;
    let body = json!({
        "success": false,
        "errors": [{"code": 7003, "message": "No route for the URI", "documentation_url": "https://x"}],
        "messages": [], "result": null
    });
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let client = build(core(&server));
    let error = client
        .send(
            Request::new(operation("test_op", "GET", Auth::NONE)),
            Reply::<Value, Value>::enveloped(no_body, &ENVELOPE),
        )
        .await
        .unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(api.errors[0].code, Some(7003));
    assert_eq!(api.errors[0].extra["documentation_url"], "https://x");
    assert_eq!(error.to_string(), "test_op: HTTP 200 OK: [7003] No route for the URI");
}

#[tokio::test]
async fn error_statuses_carry_messages_typed_body_and_raw_body() {
    let server = MockServer::start().await;
    let body = json!({"success": false, "errors": [{"code": 10000, "message": "Authentication error"}], "messages": [], "result": null});
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403).set_body_json(body.clone()))
        .mount(&server)
        .await;
    let client = build(core(&server));
    fn typed(status: StatusCode, body: &[u8]) -> Option<Value> {
        (status == StatusCode::FORBIDDEN)
            .then(|| json!({"typed": serde_json::from_slice::<Value>(body).ok()}))
    }
    let error = client
        .send(
            Request::new(operation("test_op", "GET", Auth::NONE)),
            Reply::<Value, Value>::enveloped(typed, &ENVELOPE),
        )
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::FORBIDDEN));
    assert_eq!(error.to_string(), "test_op: HTTP 403 Forbidden: [10000] Authentication error");
    let api = error.api().unwrap();
    assert_eq!(api.body, Some(json!({"typed": body})));
    assert_eq!(serde_json::from_slice::<Value>(&api.raw).unwrap(), body);
}

#[tokio::test]
async fn undeclared_error_bodies_are_kept_as_json_or_raw_text() {
    let server = MockServer::start().await;
    Mock::given(path("/json"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"oops": 1})))
        .mount(&server)
        .await;
    Mock::given(path("/html"))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>Bad gateway</html>"))
        .mount(&server)
        .await;
    let client = build(core(&server));
    let get = |p: &str| {
        let mut request = Request::new(operation("test_op", "GET", Auth::NONE));
        request.path(p);
        request
    };
    let error: TestError =
        client.send(get("/json"), Reply::<Value, Value>::body(no_body, None, json)).await.unwrap_err();
    assert_eq!(error.api().unwrap().body, Some(json!({"oops": 1})));
    let error: TestError =
        client.send(get("/html"), Reply::<Value, Value>::body(no_body, None, json)).await.unwrap_err();
    assert_eq!(error.api().unwrap().body, None);
    assert_eq!(error.to_string(), "test_op: HTTP 502 Bad Gateway: <html>Bad gateway</html>");
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Item {
    id: String,
    count: u32,
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Listing {
    items: Vec<Item>,
}

#[tokio::test]
async fn decode_errors_name_the_failing_member_and_keep_the_body() {
    let server = MockServer::start().await;
    let body = json!({"items": [{"id": "a", "count": 1}, {"id": "b", "count": "many"}]});
    Mock::given(path("/plain"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body.clone()))
        .mount(&server)
        .await;
    Mock::given(path("/envelope"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"success": true, "errors": [], "result": body})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/truncated"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"items\": [{\"id\""))
        .mount(&server)
        .await;
    Mock::given(path("/empty")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = build(core(&server));
    let get = |p: &str| {
        let mut request = Request::new(operation("test_op", "GET", Auth::NONE));
        request.path(p);
        request
    };
    let decode_error = |error: TestError| match error {
        Error::Decode(e) => e,
        other => panic!("expected a decode error, got {other:?}"),
    };
    let error = decode_error(
        client.send(get("/plain"), Reply::<Listing, Value>::body(no_body, None, json)).await.unwrap_err(),
    );
    assert_eq!(error.path, "items[1].count");
    assert_eq!(serde_json::from_slice::<Value>(&error.raw).unwrap(), body);
    let error = decode_error(
        client
            .send(get("/envelope"), Reply::<Listing, Value>::enveloped(no_body, &ENVELOPE))
            .await
            .unwrap_err(),
    );
    assert_eq!(error.path, "result.items[1].count");
    assert!(
        error
            .to_string()
            .starts_with("test_op: cannot decode result.items[1].count of an HTTP 200 OK response"),
        "{error}"
    );
    let error = decode_error(
        client.send(get("/truncated"), Reply::<Listing, Value>::body(no_body, None, json)).await.unwrap_err(),
    );
    assert!(error.message.contains("EOF"), "{error:?}");
    let error = decode_error(
        client.send(get("/empty"), Reply::<Listing, Value>::body(no_body, None, json)).await.unwrap_err(),
    );
    assert_eq!(error.raw, b"");
}

#[tokio::test]
async fn slow_answers_time_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let mut builder = core(&server);
    builder.timeout(Duration::from_millis(200));
    let client = build(builder);
    let error = client
        .send(
            Request::new(operation("test_op", "GET", Auth::NONE)),
            Reply::<(), Value>::body(no_body, None, empty),
        )
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
}

#[tokio::test]
async fn json_bodies_and_headers_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("content-type", "application/json"))
        .and(header("user-agent", "test-agent/1.0"))
        .and(header("x-request-id", "42"))
        .and(wiremock::matchers::body_json(json!({"name": "n"})))
        .respond_with(ResponseTemplate::new(200).set_body_string("done"))
        .expect(1)
        .mount(&server)
        .await;
    let client = build(core(&server));
    let mut request = Request::new(operation("test_op", "POST", Auth::NONE));
    request.header("X-Request-Id", &42);
    request.json(&json!({"name": "n"}), "application/json");
    let response = client.send(request, Reply::<String, Value>::body(no_body, None, text)).await.unwrap();
    assert_eq!(response.value, "done");
}

#[tokio::test]
async fn a_declared_header_replaces_the_client_s_and_a_required_multipart_body_needs_a_part() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = build(core(&server));
    let mut request = Request::new(operation("test_op", "POST", Auth::NONE));
    request.header("User-Agent", "Extension/1.2.3");
    request.multipart();
    let refused = client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await;
    assert!(
        matches!(&refused, Err(Error::InvalidRequest { message: m, .. }) if m.contains("at least one")),
        "{refused:?}"
    );
    let mut request = Request::new(operation("test_op", "POST", Auth::NONE));
    request.header("User-Agent", "Extension/1.2.3");
    request.multipart();
    request.part("overwrite", &true);
    client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1, "the request without a part was not sent");
    let agents: Vec<_> = received[0].headers.get_all("user-agent").iter().collect();
    assert_eq!(agents, ["Extension/1.2.3"], "one User-Agent, the operation's");
}

#[test]
fn client_configuration_is_checked() {
    let no_url = CoreBuilder::new(None, "ua").build::<Value>(&[]).unwrap_err();
    assert!(no_url.to_string().contains("no base URL"), "{no_url}");
    let mut bad = CoreBuilder::new(None, "ua");
    bad.base_url("not a url".into());
    assert!(bad.build::<Value>(&[]).unwrap_err().to_string().contains("not a valid URL"));
    let mut ftp = CoreBuilder::new(None, "ua");
    ftp.base_url("ftp://example.com".into());
    assert!(ftp.build::<Value>(&[]).unwrap_err().to_string().contains("http or https"));
}

#[tokio::test]
async fn at_least_one_of_a_group() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = build(core(&server));
    let mut request = Request::new(operation("findThings", "GET", Auth::NONE));
    request.require_one_of(&["user", "device"], &[false, true]);
    client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await.unwrap();
    let mut request = Request::new(operation("findThings", "GET", Auth::NONE));
    request.require_one_of(&["user", "device", "identity"], &[false, false, false]);
    let error = client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "findThings: invalid request: at least one of `user`, `device`, `identity` must be set"
    );
    assert_eq!(attempts(&server).await, 1, "the refused request is never sent");
}

/// A vector of our own, not one NAVER publishes: computed once with an independent HMAC-SHA256
/// and recomputed by `tests/tests/ncloud.rs` with its own code.
#[test]
fn ncp_apigw_v2_signature_matches_our_recomputed_vector() {
    let signed = crate::ncp_apigw_v2::signature(
        "example-secret-key",
        "GET",
        "/api/v1/users/dfafe250-0000-4000-8000-246e96591594/last-access-summary",
        "1765341869467",
        "ncp_iam_EXAMPLEKEY",
    );
    assert_eq!(signed, "O49CqLhbU8FXOmHjBV+TNN4YTK+HPrDLfjqdjEaJagI=");
}

#[tokio::test]
async fn signers_run_on_every_attempt_with_a_fresh_timestamp() {
    use crate::ncp_apigw_v2::{signature, NcpApigwV2};

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let mut builder = core(&server);
    builder.credential(
        NCP,
        Credential::Signed(Arc::new(NcpApigwV2::new("ncp_iam_EXAMPLEKEY", "example-secret-key"))),
    );
    let client = build(builder);
    let auth = Auth { alternatives: &[&[NCP]], optional: false };
    let mut request = Request::new(operation("test_op", "GET", auth));
    request.path("/api/v1/users/u1/last-access-summary");
    request.query("q", "a b", QueryStyle::Form { explode: true });
    client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2, "one retry");
    for attempt in &received {
        let header = |name: &str| attempt.headers.get(name).unwrap().to_str().unwrap().to_owned();
        let timestamp = header("x-ncp-apigw-timestamp");
        assert_eq!(header("x-ncp-iam-access-key"), "ncp_iam_EXAMPLEKEY");
        let expected = signature(
            "example-secret-key",
            "GET",
            "/api/v1/users/u1/last-access-summary?q=a+b",
            &timestamp,
            "ncp_iam_EXAMPLEKEY",
        );
        assert_eq!(header("x-ncp-apigw-signature-v2"), expected);
    }
    let debug = format!("{client:?}");
    assert!(!debug.contains("example-secret-key") && !debug.contains("EXAMPLEKEY"), "{debug}");
}

/// A server that answers with `statuses` in turn (then 200) and counts requests.
async fn answering(statuses: &[(u16, &[(&str, &str)])]) -> MockServer {
    let server = MockServer::start().await;
    for (status, headers) in statuses {
        let mut template = ResponseTemplate::new(*status).set_body_json(json!({"status": status}));
        for (name, value) in *headers {
            template = template.insert_header(*name, *value);
        }
        Mock::given(wiremock::matchers::any()).respond_with(template).up_to_n_times(1).mount(&server).await;
    }
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    server
}

async fn attempts(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn retries_429_honouring_retry_after_and_5xx_with_backoff() {
    let server = answering(&[(429, &[("retry-after", "1")]), (503, &[])]).await;
    let client = build(core(&server));
    let started = std::time::Instant::now();
    let response = client
        .send(
            Request::new(operation("test_op", "GET", Auth::NONE)),
            Reply::<Value, Value>::body(no_body, None, json),
        )
        .await
        .unwrap();
    assert_eq!(response.value, json!({"ok": true}));
    assert_eq!(attempts(&server).await, 3);
    // One second asked for by the server, then at least 0.75 s of the second backoff step.
    assert!(started.elapsed() >= Duration::from_millis(1700), "{:?}", started.elapsed());
}

#[tokio::test]
async fn gives_up_after_max_retries_with_the_last_error() {
    let server = answering(&[(500, &[]), (502, &[]), (503, &[("retry-after-ms", "10")])]).await;
    let mut builder = core(&server);
    builder.max_retries(1);
    let client = build(builder);
    let error = client
        .send(
            Request::new(operation("test_op", "GET", Auth::NONE)),
            Reply::<(), Value>::body(no_body, None, empty),
        )
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::BAD_GATEWAY));
    assert_eq!(attempts(&server).await, 2);

    // Per request: no retries at all.
    let server = answering(&[(500, &[])]).await;
    let client = build(core(&server));
    let mut request = Request::new(operation("test_op", "GET", Auth::NONE));
    request.options(RequestOptions { max_retries: Some(0), ..Default::default() });
    let error = client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(attempts(&server).await, 1);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    for status in [400, 401, 403, 404, 422] {
        let server = answering(&[(status, &[("retry-after", "0")])]).await;
        let client = build(core(&server));
        let error = client
            .send(
                Request::new(operation("test_op", "GET", Auth::NONE)),
                Reply::<(), Value>::body(no_body, None, empty),
            )
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(attempts(&server).await, 1, "{status}");
    }
}

#[tokio::test]
async fn non_idempotent_requests_retry_only_where_the_server_did_not_act() {
    let post = || Request::new(operation("test_op", "POST", Auth::NONE));
    let server = answering(&[(500, &[])]).await;
    let client = build(core(&server));
    assert!(client.send(post(), Reply::<(), Value>::body(no_body, None, empty)).await.is_err());
    assert_eq!(attempts(&server).await, 1, "a 500 may have acted");

    let server = answering(&[(429, &[("retry-after", "0")]), (503, &[("retry-after", "0")])]).await;
    let client = build(core(&server));
    client.send(post(), Reply::<(), Value>::body(no_body, None, empty)).await.unwrap();
    assert_eq!(attempts(&server).await, 3, "429 and 503 with Retry-After are safe");

    let server = answering(&[(503, &[])]).await;
    let client = build(core(&server));
    assert!(client.send(post(), Reply::<(), Value>::body(no_body, None, empty)).await.is_err());
    assert_eq!(attempts(&server).await, 1, "a 503 without Retry-After may have acted");

    let server = answering(&[(500, &[("x-should-retry", "true")])]).await;
    let client = build(core(&server));
    client.send(post(), Reply::<(), Value>::body(no_body, None, empty)).await.unwrap();
    assert_eq!(attempts(&server).await, 2, "the server says it is safe");
}

#[test]
fn retry_after_forms() {
    let headers = |pairs: &[(&'static str, String)]| {
        let mut map = reqwest::header::HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    };
    let ask = |pairs: &[(&'static str, String)]| {
        retry_after_status(StatusCode::TOO_MANY_REQUESTS, &headers(pairs), true, 0, 2)
    };
    assert_eq!(ask(&[("retry-after-ms", "1500".into())]), Some(Duration::from_millis(1500)));
    assert_eq!(ask(&[("retry-after", "2".into())]), Some(Duration::from_secs(2)));
    let soon = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(30));
    let delay = ask(&[("retry-after", soon)]).unwrap();
    assert!(delay > Duration::from_secs(25) && delay <= Duration::from_secs(30), "{delay:?}");
    // Too long or nonsense: the usual backoff instead.
    for pairs in [&[("retry-after", "3600".to_owned())][..], &[("retry-after", "soon".to_owned())]] {
        let delay = ask(pairs).unwrap();
        assert!(delay <= Duration::from_millis(500), "{delay:?}");
    }
    assert_eq!(retry_after_status(StatusCode::TOO_MANY_REQUESTS, &headers(&[]), true, 2, 2), None);
}

#[test]
fn backoff_doubles_with_jitter_up_to_a_cap() {
    for attempt in 0..8 {
        let expected = Duration::from_millis(500 * 2u64.pow(attempt)).min(Duration::from_secs(8));
        let delay = backoff(attempt);
        assert!(delay <= expected && delay >= expected.mul_f64(0.75), "{attempt}: {delay:?}");
    }
}

#[tokio::test]
async fn connection_failures_are_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let mut builder = CoreBuilder::new(Some(&format!("http://{address}")), "ua");
    builder.max_retries(1);
    let client = build(builder);
    let started = std::time::Instant::now();
    let error = client
        .send(
            Request::new(operation("test_op", "POST", Auth::NONE)),
            Reply::<(), Value>::body(no_body, None, empty),
        )
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(started.elapsed() >= Duration::from_millis(375), "one backoff: {:?}", started.elapsed());
    assert!(!error.to_string().contains(&address.to_string()), "no URL in errors: {error}");
}

#[tokio::test]
async fn per_request_timeout_and_extra_headers_and_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("x-extra", "1"))
        .and(query_param("debug", "true"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({})).set_delay(Duration::from_millis(300)),
        )
        .mount(&server)
        .await;
    let client = build(core(&server));
    let options = |timeout| RequestOptions {
        timeout: Some(timeout),
        max_retries: Some(0),
        headers: vec![("X-Extra".into(), "1".into())],
        query: vec![("debug".into(), "true".into())],
        base_url: None,
        idle_timeout: None,
        reconnects: 0,
    };
    let mut request = Request::new(operation("test_op", "GET", Auth::NONE));
    request.options(options(Duration::from_millis(50)));
    let error = client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    let mut request = Request::new(operation("test_op", "GET", Auth::NONE));
    request.options(options(Duration::from_secs(5)));
    client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await.unwrap();

    let mut request = Request::new(operation("test_op", "GET", Auth::NONE));
    request.options(RequestOptions { headers: vec![("X-Bad".into(), "a\nb".into())], ..Default::default() });
    let error = client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
}

#[tokio::test]
async fn pages_are_fetched_lazily_until_the_last() {
    use futures_util::StreamExt;

    let server = MockServer::start().await;
    for page in 1..=3 {
        let items: Vec<i64> = if page < 3 { vec![page * 10, page * 10 + 1] } else { vec![page * 10] };
        Mock::given(query_param("page", page.to_string()))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"items": items, "last": page == 3})),
            )
            .mount(&server)
            .await;
    }
    let client = Arc::new(build(core(&server)));
    #[derive(Clone)]
    struct Listing {
        client: Arc<ClientCore>,
        page: i64,
    }
    async fn fetch(listing: Listing) -> Result<Response<Value>, TestError> {
        let mut request = Request::new(operation("test_op", "GET", Auth::NONE));
        request.query("page", &listing.page, QueryStyle::Form { explode: true });
        listing.client.send(request, Reply::<_, Value>::body(no_body, None, json)).await
    }
    fn next(mut listing: Listing, response: &Response<Value>) -> Option<Listing> {
        if response.value["last"] == true {
            return None;
        }
        listing.page += 1;
        Some(listing)
    }
    fn take(page: Value) -> Vec<i64> {
        serde_json::from_value(page["items"].clone()).unwrap()
    }
    let first = Listing { client: client.clone(), page: 1 };
    let mut stream = items(pages("test_op", first.clone(), fetch, next), take);
    assert_eq!(stream.next().await.unwrap().unwrap(), 10);
    assert_eq!(attempts(&server).await, 1, "the second page is not asked for yet");
    let rest: Vec<i64> = stream.map(Result::unwrap).collect().await;
    assert_eq!(rest, [11, 20, 21, 30]);
    assert_eq!(attempts(&server).await, 3);
    let all_pages: Vec<_> = pages("test_op", first, fetch, next).collect().await;
    assert_eq!(all_pages.len(), 3);
}

#[test]
fn page_counts_say_whether_more_pages_follow() {
    assert!(more_pages(1, Some(3.0), None, None));
    assert!(!more_pages(3, Some(3.0), None, None));
    assert!(!more_pages(2, None, Some(40.0), Some(20.0)));
    assert!(more_pages(2, None, Some(41.0), Some(20.0)));
    assert!(more_pages(7, None, Some(5.0), None), "a count without a page size says nothing");
    assert!(more_pages(1, None, None, None));
    assert!(more_pages(1, None, Some(5.0), Some(0.0)), "a page size of 0 says nothing");
}

#[tokio::test]
async fn a_server_that_ignores_the_page_parameter_ends_the_listing_with_an_error() {
    use futures_util::StreamExt;

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": [1, 2]})))
        .mount(&server)
        .await;
    let client = Arc::new(build(core(&server)));
    #[derive(Clone)]
    struct Listing {
        client: Arc<ClientCore>,
        page: i64,
    }
    async fn fetch(listing: Listing) -> Result<Response<Value>, TestError> {
        let mut request = Request::new(operation("listThings", "GET", Auth::NONE));
        request.query("page", &listing.page, QueryStyle::Form { explode: true });
        listing.client.send(request, Reply::<_, Value>::body(no_body, None, json)).await
    }
    fn next(mut listing: Listing, _: &Response<Value>) -> Option<Listing> {
        listing.page += 1;
        Some(listing)
    }
    let first = Listing { client, page: 1 };
    let all: Vec<_> = pages("listThings", first, fetch, next).take(10).collect().await;
    assert_eq!(all.len(), 2, "the repeated page ends the listing");
    assert!(all[0].is_ok());
    let error = all[1].as_ref().unwrap_err();
    assert!(matches!(error, Error::Paging { operation: "listThings", .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "listThings: page 2 of the listing repeats page 1: the server ignores the paging parameter"
    );
    assert_eq!(attempts(&server).await, 2);
}

#[tokio::test]
async fn form_text_binary_and_multipart_bodies() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = build(core(&server));
    let post = || Request::new(operation("test_op", "POST", Auth::NONE));

    let mut request = post();
    request.form(
        &json!({"name": "a b", "tags": ["x", "y"], "skip": null, "n": 1, "ids": [1, 2], "words": ["p", "q"]}),
        "application/x-www-form-urlencoded",
        &[("ids", ","), ("words", " ")],
    );
    client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await.unwrap();
    let mut request = post();
    request.text("plain words", "text/plain");
    client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await.unwrap();
    let mut request = post();
    request.upload(&Upload::from(vec![0, 159, 146, 150]), "application/octet-stream");
    client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await.unwrap();
    let mut request = post();
    request.part("title", "report");
    request.part("skip", &None::<String>);
    request.part("settings", &json!({"depth": 2}));
    request.part("tags", &json!(["x", {"k": "v"}]));
    request.file_part("file", &Upload::from(vec![0xff, 0x00, 0x01]));
    client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await.unwrap();

    let received = server.received_requests().await.unwrap();
    let content_type =
        |i: usize| received[i].headers.get("content-type").unwrap().to_str().unwrap().to_owned();
    assert_eq!(content_type(0), "application/x-www-form-urlencoded");
    assert_eq!(received[0].body, b"name=a+b&tags=x&tags=y&n=1&ids=1%2C2&words=p+q");
    assert_eq!(
        (content_type(1), received[1].body.as_slice()),
        ("text/plain".to_owned(), &b"plain words"[..])
    );
    assert_eq!(
        (content_type(2), received[2].body.as_slice()),
        ("application/octet-stream".to_owned(), &[0u8, 159, 146, 150][..])
    );
    assert!(content_type(3).starts_with("multipart/form-data; boundary="), "{}", content_type(3));
    let multipart = &received[3].body;
    let text = String::from_utf8_lossy(multipart);
    assert!(text.contains("name=\"title\"\r\n\r\nreport\r\n"), "{text}");
    // Structured parts are JSON, and say so; a list is a part per item.
    let lower = text.to_ascii_lowercase();
    assert!(
        lower.contains("name=\"settings\"\r\ncontent-type: application/json\r\n\r\n{\"depth\":2}\r\n"),
        "{text}"
    );
    assert!(text.contains("name=\"tags\"\r\n\r\nx\r\n"), "{text}");
    assert!(
        lower.contains("name=\"tags\"\r\ncontent-type: application/json\r\n\r\n{\"k\":\"v\"}\r\n"),
        "{text}"
    );
    assert!(
        lower.contains("name=\"file\"; filename=\"file\"\r\ncontent-type: application/octet-stream\r\n"),
        "{text}"
    );
    assert!(multipart.windows(3).any(|w| w == [0xff, 0x00, 0x01]), "the file's bytes as they are");
    assert!(!text.contains("skip"), "{text}");
}

#[tokio::test]
async fn the_accept_header_names_what_the_answer_is_read_as() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = build(core(&server));
    client
        .send(
            Request::new(operation("test_op", "GET", Auth::NONE)),
            Reply::<(), Value>::body(no_body, None, empty),
        )
        .await
        .unwrap();
    let mut request = Request::new(operation("test_op", "GET", Auth::NONE));
    request.accept("application/pdf, text/csv");
    client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await.unwrap();
    let mut request = Request::new(operation("test_op", "GET", Auth::NONE));
    request.accept("text/\ncsv");
    let refused = client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await;
    assert!(matches!(refused, Err(Error::InvalidRequest { .. })), "{refused:?}");
    let received = server.received_requests().await.unwrap();
    let accept = |i: usize| received[i].headers.get("accept").unwrap().to_str().unwrap().to_owned();
    assert_eq!(accept(0), "application/json");
    assert_eq!(accept(1), "application/pdf, text/csv");
    assert_eq!(received.len(), 2, "a header that cannot be sent is refused before sending");
}

#[tokio::test]
async fn form_bodies_must_be_objects() {
    let server = MockServer::start().await;
    let client = build(core(&server));
    let mut request = Request::new(operation("postForm", "POST", Auth::NONE));
    request.form(&json!([1, 2]), "application/x-www-form-urlencoded", &[]);
    let error = client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await.unwrap_err();
    assert_eq!(error.to_string(), "postForm: invalid request: a form body must be an object");
    assert_eq!(attempts(&server).await, 0);
}

#[test]
fn half_of_a_combined_credential_is_refused_when_the_client_is_built() {
    let alternatives: &[&[Scheme]] = &[&[TOKEN_SCHEME], &[EMAIL, KEY]];
    let mut builder = CoreBuilder::new(Some("https://api.example.com"), "ua");
    builder
        .credential(EMAIL, Credential::Header { name: "X-Auth-Email", value: Secret::new("a@example.com") });
    let error = builder.build::<Value>(alternatives).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid client configuration: `email` is set, but it is only sent together with `key`: set that too"
    );
    let mut builder = CoreBuilder::new(Some("https://api.example.com"), "ua");
    builder
        .credential(EMAIL, Credential::Header { name: "X-Auth-Email", value: Secret::new("a@example.com") });
    builder.credential(KEY, Credential::Header { name: "X-Auth-Key", value: Secret::new("k") });
    builder.build::<Value>(alternatives).expect("the whole pair is fine");
    let mut builder = CoreBuilder::new(Some("https://api.example.com"), "ua");
    builder.credential(TOKEN_SCHEME, Credential::Bearer(Secret::new("t")));
    builder.build::<Value>(alternatives).expect("a scheme sent on its own is fine");
}

#[tokio::test]
async fn a_null_result_is_the_empty_listing() {
    let server = MockServer::start().await;
    let body = json!({"success": true, "errors": [], "messages": [], "result": null});
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let client = build(core(&server));
    let request = Request::new(operation("listThings", "GET", Auth::NONE));
    let response: Response<Vec<i64>> =
        client.send(request, Reply::<Vec<i64>, Value>::enveloped(no_body, &ENVELOPE)).await.unwrap();
    assert!(response.value.is_empty());
    // Where the result cannot be empty, null stays a decode error that names it.
    let request = Request::new(operation("getThing", "GET", Auth::NONE));
    let error = client.send(request, Reply::<i64, Value>::enveloped(no_body, &ENVELOPE)).await.unwrap_err();
    let Error::Decode(decode) = &error else { panic!("{error:?}") };
    assert_eq!(decode.path, "result");
}

#[tokio::test]
async fn a_typed_result_info_is_decoded() {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Info {
        total_pages: f64,
    }
    let server = MockServer::start().await;
    let body = json!({"success": true, "errors": [], "messages": [], "result": [], "result_info": {"total_pages": 3}});
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let client = build(core(&server));
    let request = Request::new(operation("listThings", "GET", Auth::NONE));
    let reply = Reply::<Vec<i64>, Value, Info>::enveloped(no_body, &ENVELOPE);
    let response = client.send(request, reply).await.unwrap();
    assert_eq!(response.result_info, Some(Info { total_pages: 3.0 }));
}

#[tokio::test]
async fn hooks_change_every_attempt_before_it_is_signed() {
    let server = answering(&[(503, &[("retry-after", "0")])]).await;
    let mut builder = core(&server);
    builder.hook(Hook(Arc::new(|request: &mut reqwest::Request| {
        request.headers_mut().insert("x-trace", "abc".parse().unwrap());
    })));
    let client = build(builder);
    let request = Request::new(operation("test_op", "GET", Auth::NONE));
    client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert!(received.iter().all(|r| r.headers.get("x-trace").is_some_and(|v| v == "abc")));
}

#[tokio::test]
async fn a_transport_error_leaves_its_cause_to_source() {
    let mut builder = CoreBuilder::new(Some("http://127.0.0.1:9"), "ua");
    builder.max_retries(0);
    let client = build(builder);
    let request = Request::new(operation("getThing", "GET", Auth::NONE));
    let error = client.send(request, Reply::<(), Value>::body(no_body, None, empty)).await.unwrap_err();
    assert_eq!(error.to_string(), "getThing: cannot connect to the server");
    assert_eq!(error.operation(), Some("getThing"));
    let cause = std::error::Error::source(&error).expect("the cause is the source");
    assert!(!cause.to_string().contains("getThing"), "{cause}");
}

#[test]
fn credentials_from_the_environment() {
    // Names no other test sets: tests run in parallel in one process.
    std::env::set_var("RUNTIME_TEST_TOKEN", "t");
    std::env::set_var("RUNTIME_TEST_USER", "u");
    std::env::remove_var("RUNTIME_TEST_PASSWORD");
    std::env::set_var("RUNTIME_TEST_EMPTY", "");
    assert_eq!(env_var("RUNTIME_TEST_TOKEN").as_deref(), Some("t"));
    assert_eq!(env_var("RUNTIME_TEST_EMPTY"), None, "an empty variable is not set");
    assert!(require_env(&[&["RUNTIME_TEST_TOKEN"]]).is_ok());
    assert_eq!(
        require_env(&[&["RUNTIME_TEST_USER", "RUNTIME_TEST_PASSWORD"], &["RUNTIME_TEST_TOKEN"]]).unwrap_err(),
        "`RUNTIME_TEST_USER` is set without `RUNTIME_TEST_PASSWORD`"
    );
    assert_eq!(
        require_env(&[&["RUNTIME_TEST_EMPTY"], &["RUNTIME_TEST_MISSING"]]).unwrap_err(),
        "no credentials in the environment: set `RUNTIME_TEST_EMPTY`, or `RUNTIME_TEST_MISSING`"
    );
    assert!(require_env(&[]).is_ok(), "an API without schemes needs none");
}
