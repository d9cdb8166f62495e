//! What the generated clients do when servers misbehave: retries, timeouts, broken bodies,
//! and paging through listings. Run against the seed clients on a local HTTP server.

use std::time::{Duration, Instant};

use client_tests::fixture;
use futures_util::StreamExt;
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const USER: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";

fn cloudflare(server: &MockServer) -> cloudflare_access::Client {
    cloudflare_access::Client::builder().base_url(server.uri()).api_token("token").build().unwrap()
}

fn history(server: &MockServer) -> access_history::Client {
    access_history::Client::builder().base_url(server.uri()).api_secret("secret").build().unwrap()
}

fn envelope(result: Value) -> Value {
    json!({"success": true, "errors": [], "messages": [], "result": result})
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// Answers `first` once, then `then` for good.
async fn once_then(server: &MockServer, first: ResponseTemplate, then: ResponseTemplate) {
    Mock::given(method("GET")).respond_with(first).up_to_n_times(1).mount(server).await;
    Mock::given(method("GET")).respond_with(then).mount(server).await;
}

#[tokio::test]
async fn a_429_is_retried_after_retry_after() {
    let server = MockServer::start().await;
    let limited = ResponseTemplate::new(429).insert_header("Retry-After", "1");
    once_then(
        &server,
        limited,
        ResponseTemplate::new(200).set_body_json(envelope(json!({"email": "a@b.c"}))),
    )
    .await;
    let started = Instant::now();
    let who = cloudflare(&server).zero_trust_users().get_last_seen_identity(ACCOUNT, USER).await.unwrap();
    assert_eq!(who.email.as_deref(), Some("a@b.c"));
    assert_eq!(requests(&server).await, 2);
    assert!(started.elapsed() >= Duration::from_secs(1), "waited as asked: {:?}", started.elapsed());
}

#[tokio::test]
async fn a_503_is_retried_with_backoff() {
    let server = MockServer::start().await;
    let page = fixture("access-history-page.json");
    once_then(&server, ResponseTemplate::new(503), ResponseTemplate::new(200).set_body_json(page)).await;
    let page = history(&server).access_history().get().device("d1").await.unwrap();
    assert_eq!(page.docs.len(), 1);
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_400_is_not_retried() {
    let server = MockServer::start().await;
    let failure = json!({"success": false, "errors": [{"code": 10001, "message": "bad request"}], "messages": [], "result": null});
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(400).set_body_json(failure))
        .mount(&server)
        .await;
    let error =
        cloudflare(&server).zero_trust_users().get_last_seen_identity(ACCOUNT, USER).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn retries_are_configurable_per_client_and_per_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(502)).mount(&server).await;
    let client =
        cloudflare_access::Client::builder().base_url(server.uri()).api_token("t").max_retries(0).build();
    let error = client.unwrap().zero_trust_users().get_last_seen_identity(ACCOUNT, USER).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(requests(&server).await, 1);

    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(502)).mount(&server).await;
    let users = cloudflare(&server).zero_trust_users();
    users.get_last_seen_identity(ACCOUNT, USER).max_retries(1).await.unwrap_err();
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn slow_answers_time_out_per_client_and_per_request() {
    let server = MockServer::start().await;
    let slow =
        ResponseTemplate::new(200).set_body_json(envelope(json!({}))).set_delay(Duration::from_secs(3));
    Mock::given(method("GET")).respond_with(slow).mount(&server).await;
    let client = cloudflare_access::Client::builder()
        .base_url(server.uri())
        .api_token("t")
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .build()
        .unwrap();
    let error = client.zero_trust_users().get_last_seen_identity(ACCOUNT, USER).await.unwrap_err();
    assert!(matches!(error, cloudflare_access::Error::Timeout { .. }), "{error:?}");
    let users = cloudflare(&server).zero_trust_users();
    let request =
        users.get_last_seen_identity(ACCOUNT, USER).timeout(Duration::from_millis(100)).max_retries(0);
    assert!(matches!(request.await.unwrap_err(), cloudflare_access::Error::Timeout { .. }));
}

#[tokio::test]
async fn broken_answers_are_errors_never_panics() {
    use cloudflare_access::Error;

    let cases: Vec<(&str, ResponseTemplate)> = vec![
        ("empty body", ResponseTemplate::new(200)),
        ("truncated JSON", ResponseTemplate::new(200).set_body_raw(r#"{"success": true, "result": {"ema"#, "application/json")),
        ("HTML error page", ResponseTemplate::new(502).set_body_raw("<html><h1>502 Bad Gateway</h1></html>", "text/html")),
        ("wrong content type", ResponseTemplate::new(200).set_body_raw("plain words", "text/plain")),
        ("a list where an object belongs", ResponseTemplate::new(200).set_body_json(envelope(json!([1, 2])))),
        ("a wrong member type", ResponseTemplate::new(200).set_body_json(envelope(json!({"geo": {"country": 7}})))),
        (
            "success false",
            ResponseTemplate::new(200).set_body_json(json!({
                "success": false, "errors": [{"code": 9109, "message": "Unauthorized to access requested resource"}],
                "messages": [], "result": null
            })),
        ),
    ];
    for (case, template) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET")).respond_with(template).mount(&server).await;
        let client =
            cloudflare_access::Client::builder().base_url(server.uri()).api_token("t").max_retries(0);
        let users = client.build().unwrap().zero_trust_users();
        let error = users.get_last_seen_identity(ACCOUNT, USER).await.unwrap_err();
        match (case, &error) {
            ("HTML error page", Error::Api(api)) => {
                assert_eq!(api.status, 502);
                assert!(api.raw_text().contains("Bad Gateway"));
                assert!(error.to_string().contains("502 Bad Gateway"), "{error}");
            }
            ("success false", Error::Api(api)) => {
                assert_eq!(api.errors[0].code, Some(9109));
                assert!(error.to_string().contains("[9109] Unauthorized"), "{error}");
            }
            ("a wrong member type", Error::Decode(decode)) => {
                assert_eq!(decode.path, "result.geo.country");
                assert!(String::from_utf8_lossy(&decode.raw).contains("\"country\":7"));
            }
            (_, Error::Decode(decode)) => assert_eq!(decode.status, 200, "{case}"),
            (case, other) => panic!("{case}: unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn access_history_streams_every_item_of_three_pages() {
    let server = MockServer::start().await;
    let template = fixture("access-history-page.json");
    // Later pages first: the first page's mock matches any request.
    for page in (1..=3i64).rev() {
        let mut body = template.clone();
        let record = body["docs"][0].clone();
        body["docs"] = json!([
            {"_id": format!("p{page}-a"), "signed": record["signed"]},
            {"_id": format!("p{page}-b")}
        ]);
        body["page"] = json!(page);
        body["totalPages"] = json!(3);
        body["hasPrevPage"] = json!(page > 1);
        body["hasNextPage"] = json!(page < 3);
        body["prevPage"] = if page > 1 { json!(page - 1) } else { Value::Null };
        body["nextPage"] = if page < 3 { json!(page + 1) } else { Value::Null };
        let mut mock = Mock::given(path("/proj/access-history")).and(query_param("user", "u1"));
        if page > 1 {
            mock = mock.and(query_param("page", page.to_string()));
        }
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&server).await;
    }
    let client = history(&server);
    let mut stream = client.access_history().get().user("u1").stream();
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.id.as_deref(), Some("p1-a"));
    assert_eq!(requests(&server).await, 1, "pages are fetched lazily");
    let rest: Vec<String> = stream.map(|item| item.unwrap().id.unwrap()).collect().await;
    assert_eq!(rest, ["p1-b", "p2-a", "p2-b", "p3-a", "p3-b"]);
    assert_eq!(requests(&server).await, 3, "no request after the last page");

    let pages: Vec<_> = client.access_history().get().user("u1").pages().collect().await;
    assert_eq!(pages.iter().map(|p| p.as_ref().unwrap().value.page).collect::<Vec<_>>(), [1, 2, 3]);
}

#[tokio::test]
async fn cloudflare_listings_stop_at_the_last_page_of_result_info() {
    let server = MockServer::start().await;
    for page in (1..=3).rev() {
        let mut body =
            envelope(json!([{"idp_id": "idp", "status": "SUCCESS", "cf_resource_id": format!("r{page}")}]));
        body["result_info"] =
            json!({"page": page, "per_page": 1, "count": 1, "total_count": 3, "total_pages": 3});
        let mut mock = Mock::given(path(format!("/accounts/{ACCOUNT}/access/logs/scim/updates")));
        if page > 1 {
            mock = mock.and(query_param("page", page.to_string()));
        }
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&server).await;
    }
    let logs = cloudflare(&server).access_scim_update_logs();
    let stream = logs.list(ACCOUNT, ["idp"]).per_page(1).stream();
    let ids: Vec<String> = stream.map(|log| log.unwrap().cf_resource_id.unwrap()).collect().await;
    assert_eq!(ids, ["r1", "r2", "r3"]);
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn a_listing_stops_at_an_empty_page_and_reports_errors() {
    let server = MockServer::start().await;
    Mock::given(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(json!([]))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(json!([{"action": "login"}]))))
        .mount(&server)
        .await;
    let logs = cloudflare(&server).access_authentication_logs();
    let items: Vec<_> = logs.get(ACCOUNT).stream().collect().await;
    assert_eq!(items.len(), 1);
    assert_eq!(requests(&server).await, 2);

    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(403)).mount(&server).await;
    let logs = cloudflare(&server).access_authentication_logs();
    let items: Vec<_> = logs.get(ACCOUNT).stream().collect().await;
    assert_eq!(items.len(), 1);
    assert!(items[0].is_err());
}

#[tokio::test]
async fn extra_headers_and_query_parameters_per_request() {
    let server = MockServer::start().await;
    Mock::given(query_param("trace", "1"))
        .and(wiremock::matchers::header("x-debug", "yes"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(json!({}))))
        .expect(1)
        .mount(&server)
        .await;
    let users = cloudflare(&server).zero_trust_users();
    users
        .get_last_seen_identity(ACCOUNT, USER)
        .extra_header("X-Debug", "yes")
        .extra_query("trace", "1")
        .await
        .unwrap();
}

#[test]
fn clients_are_shareable_across_tasks() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<cloudflare_access::Client>();
    shareable::<access_history::Client>();
    shareable::<ncloud_subaccount::Client>();
}

#[tokio::test]
async fn an_unreachable_server_is_a_transport_error() {
    let address = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let client = cloudflare_access::Client::builder()
        .base_url(format!("http://{address}"))
        .api_token("secret-token")
        .max_retries(1)
        .build()
        .unwrap();
    let error = client.zero_trust_users().get_last_seen_identity(ACCOUNT, USER).await.unwrap_err();
    assert!(matches!(error, cloudflare_access::Error::Transport { .. }), "{error:?}");
    let text = format!("{error} {error:?}");
    assert!(!text.contains("secret-token") && !text.contains(ACCOUNT), "{text}");
}

#[tokio::test]
async fn header_values_with_line_breaks_are_refused() {
    let server = MockServer::start().await;
    let users = cloudflare(&server).zero_trust_users();
    let error =
        users.get_last_seen_identity(ACCOUNT, USER).extra_header("X-Note", "a\r\nX-Injected: 1").await;
    assert!(matches!(error.unwrap_err(), cloudflare_access::Error::InvalidRequest { .. }));
    assert_eq!(requests(&server).await, 0);
}
