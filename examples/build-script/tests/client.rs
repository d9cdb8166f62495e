//! The client generated at build time calls its API as the checked-in one does.

use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn the_client_generated_at_build_time_calls_the_api() {
    let server = MockServer::start().await;
    // The documented example page (the checked-in client's tests read the same file).
    let page: serde_json::Value =
        serde_json::from_str(include_str!("../../../tests/fixtures/access-history-page.json")).unwrap();
    Mock::given(method("GET"))
        .and(path("/proj/access-history"))
        .and(query_param("user", "u1"))
        .and(header("authorization", "Bearer secret"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .expect(1)
        .mount(&server)
        .await;
    let client = access_history_at_build::Client::builder()
        .base_url(server.uri())
        .api_secret("secret")
        .build()
        .unwrap();
    let page = client.access_history().get().user("u1").send().await.unwrap();
    assert_eq!(page.total_pages, 2);
    assert!(!page.docs.is_empty());
}
