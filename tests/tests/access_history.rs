//! The access-history client against a local HTTP server.

use access_history::{Client, Error};
use client_tests::fixture;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).api_secret("raw-api-secret").build().unwrap()
}

#[tokio::test]
async fn get_access_history_sends_filters_and_decodes_the_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/proj/access-history"))
        .and(query_param("user", "u1"))
        .and(header("authorization", "Bearer raw-api-secret"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("access-history-page.json")))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server).access_history().get().user("u1").per(10).page(1).await.unwrap();
    assert_eq!(page.docs.len(), 1);
    assert_eq!(page.next_page, Some(2));
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].url.query(), Some("per=10&page=1&user=u1"));
}

#[tokio::test]
async fn a_request_without_any_filter_is_refused() {
    let server = MockServer::start().await;
    let error = client(&server).access_history().get().per(5).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "getAccessHistory: invalid request: at least one of `user`, `device`, `identity` must be set"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn the_base_url_must_be_given() {
    let error = Client::builder().api_secret("s").build().unwrap_err();
    assert!(error.to_string().contains("no base URL"), "{error}");
    assert_eq!(access_history::DEFAULT_BASE_URL, None);
}
