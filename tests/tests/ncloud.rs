//! The NAVER Cloud client against a local HTTP server.

use client_tests::fixture;
use ncloud_subaccount::{Client, ErrorBody};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SUB_ACCOUNT: &str = "dfafe250-0000-4000-8000-246e96591594";

#[tokio::test]
async fn get_last_access_summary() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/users/{SUB_ACCOUNT}/last-access-summary")))
        .and(header("x-ncp-iam-access-key", "ncp_iam_EXAMPLEKEY"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("ncloud-last-access-summary.json")))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).ncp_apigw_v2("ncp_iam_EXAMPLEKEY").build().unwrap();
    let summary = client.sub_account().get_last_access_summary(SUB_ACCOUNT).await.unwrap();
    assert_eq!(summary.unused_days, Some(0));
    assert_eq!(summary.last_access_key_used.unwrap().len(), 1);
}

#[tokio::test]
async fn declared_error_bodies_are_typed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(serde_json::json!({"errorCode": 9011, "message": "not found"})),
        )
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).ncp_apigw_v2("key").build().unwrap();
    let error = client.sub_account().get_last_access_summary("missing").await.unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!(api.status, 404);
    match &api.body {
        Some(ErrorBody::ErrorResponse(body)) => assert_eq!(body.error_code, 9011),
        other => panic!("expected the declared error body, got {other:?}"),
    }
}
