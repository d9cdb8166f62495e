//! The NAVER Cloud client against a local HTTP server: signed requests, typed errors.

use client_tests::fixture;
use ncloud_subaccount::{Client, ErrorBody, SignError};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SUB_ACCOUNT: &str = "dfafe250-0000-4000-8000-246e96591594";
const ACCESS_KEY: &str = "ncp_iam_EXAMPLEKEY";
const SECRET_KEY: &str = "example-secret-key";

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).ncp_apigw_v2(ACCESS_KEY, SECRET_KEY).build().unwrap()
}

/// The signature the API Gateway expects, computed independently of the client.
fn expected_signature(method: &str, path_and_query: &str, timestamp: &str) -> String {
    use base64::Engine;
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET_KEY.as_bytes()).unwrap();
    mac.update(format!("{method} {path_and_query}\n{timestamp}\n{ACCESS_KEY}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// A vector of our own (NAVER publishes none with its result), computed once with an
/// independent HMAC-SHA256 and recomputed here by code that shares nothing with the client's.
#[test]
fn the_independent_signature_matches_our_recomputed_vector() {
    let path = format!("/api/v1/users/{SUB_ACCOUNT}/last-access-summary");
    assert_eq!(
        expected_signature("GET", &path, "1765341869467"),
        "O49CqLhbU8FXOmHjBV+TNN4YTK+HPrDLfjqdjEaJagI="
    );
}

#[tokio::test]
async fn get_last_access_summary_is_signed() {
    let server = MockServer::start().await;
    let route = format!("/api/v1/users/{SUB_ACCOUNT}/last-access-summary");
    Mock::given(method("GET"))
        .and(path(route.as_str()))
        .and(header("x-ncp-iam-access-key", ACCESS_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("ncloud-last-access-summary.json")))
        .expect(1)
        .mount(&server)
        .await;
    let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis();
    let summary = client(&server).sub_account().get_last_access_summary(SUB_ACCOUNT).await.unwrap();
    assert_eq!(summary.unused_days, Some(0));
    assert_eq!(summary.last_access_key_used.unwrap().len(), 1);
    let request = &server.received_requests().await.unwrap()[0];
    let header = |name: &str| request.headers.get(name).unwrap().to_str().unwrap().to_owned();
    let timestamp = header("x-ncp-apigw-timestamp");
    let millis: u128 = timestamp.parse().unwrap();
    assert!(millis >= before && millis < before + 60_000, "epoch milliseconds: {timestamp}");
    assert_eq!(header("x-ncp-apigw-signature-v2"), expected_signature("GET", &route, &timestamp));
}

#[tokio::test]
async fn every_retry_is_signed_afresh() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after-ms", "20"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("ncloud-last-access-summary.json")))
        .mount(&server)
        .await;
    client(&server).sub_account().get_last_access_summary(SUB_ACCOUNT).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    let timestamps: Vec<&str> =
        received.iter().map(|r| r.headers.get("x-ncp-apigw-timestamp").unwrap().to_str().unwrap()).collect();
    assert!(timestamps[0] < timestamps[1], "a fresh timestamp on the retry: {timestamps:?}");
    for (request, timestamp) in received.iter().zip(&timestamps) {
        let signature = request.headers.get("x-ncp-apigw-signature-v2").unwrap().to_str().unwrap();
        assert_eq!(signature, expected_signature("GET", request.url.path(), timestamp));
    }
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
    let error = client(&server).sub_account().get_last_access_summary("missing").await.unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!(api.status, 404);
    match &api.body {
        Some(ErrorBody::ErrorResponse(body)) => assert_eq!(body.error_code, 9011),
        other => panic!("expected the declared error body, got {other:?}"),
    }
}

#[test]
fn debug_output_never_shows_keys() {
    let builder = Client::builder().ncp_apigw_v2(ACCESS_KEY, SECRET_KEY);
    let client = builder.build().unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains(SECRET_KEY) && !debug.contains(ACCESS_KEY), "{debug}");
}

/// A signer of the user's own, replacing the built-in one.
#[derive(Debug)]
struct FixedSigner;

impl ncloud_subaccount::Signer for FixedSigner {
    fn sign(&self, request: &mut ncloud_subaccount::reqwest::Request) -> Result<(), SignError> {
        request.headers_mut().insert(
            "x-ncp-iam-access-key",
            "custom".parse().map_err(|e| SignError::new("bad value").with_source(e))?,
        );
        request
            .headers_mut()
            .insert("x-signed-by", "fixed".parse().map_err(|e| SignError::new("bad value").with_source(e))?);
        Ok(())
    }
}

#[tokio::test]
async fn the_signer_can_be_replaced() {
    let server = MockServer::start().await;
    Mock::given(header("x-signed-by", "fixed"))
        .and(header("x-ncp-iam-access-key", "custom"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("ncloud-last-access-summary.json")))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).ncp_apigw_v2_signer(FixedSigner).build().unwrap();
    client.sub_account().get_last_access_summary(SUB_ACCOUNT).await.unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    assert!(request.headers.get("x-ncp-apigw-signature-v2").is_none());
}
