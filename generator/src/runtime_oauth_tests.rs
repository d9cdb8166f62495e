//! Tests of OAuth2 tokens the client gets itself (`runtime/oauth.rs`), against a local token
//! endpoint and API.

use std::sync::Arc;

use serde_json::{json, Value};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::runtime::auth::{Auth, Credential, Scheme, Secret};
use crate::runtime::error::Error;
use crate::runtime::oauth::{Grant, TokenSource};
use crate::runtime::request::Request;
use crate::runtime::response::{empty, Reply};
use crate::runtime::transport::{ClientCore, CoreBuilder};
use crate::runtime_tests::operation;

const OAUTH: Scheme = Scheme { index: 0, setter: "oauth" };
const NEEDS_OAUTH: Auth = Auth { alternatives: &[&[OAUTH]], optional: false };

fn client(server: &MockServer, grant: Grant) -> ClientCore {
    let mut builder = CoreBuilder::new(Some(&server.uri()), "test-agent/1.0");
    // A relative token URL, as specs often give it: resolved against the base URL.
    let source = TokenSource::new("/oauth/token", grant, Vec::new());
    builder.credential(OAUTH, Credential::OAuth2(Arc::new(source)));
    builder.build::<Value>(&[&[OAUTH]]).unwrap()
}

fn credentials() -> Grant {
    Grant::ClientCredentials { client_id: "id-1".into(), client_secret: Secret::new("secret-1") }
}

fn token(access: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"access_token": access, "token_type": "Bearer", "expires_in": expires_in}))
}

async fn call(client: &ClientCore) -> Result<(), Error<Value>> {
    type Answer = crate::runtime::response::Response<()>;
    let mut request = Request::new(operation("getThing", "GET", NEEDS_OAUTH));
    request.path("/test");
    client.send(request, Reply::<(), Value>::body(|_, _| None, None, empty)).await.map(|r: Answer| r.value)
}

async fn hits(server: &MockServer, route: &str) -> usize {
    server.received_requests().await.unwrap().iter().filter(|r| r.url.path() == route).count()
}

#[tokio::test]
async fn client_credentials_are_exchanged_once_for_concurrent_calls() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        // Basic base64("id-1:secret-1"), the client authentication every server accepts.
        .and(header("authorization", "Basic aWQtMTpzZWNyZXQtMQ=="))
        .and(body_string_contains("grant_type=client_credentials"))
        .respond_with(token("T1", 3600).set_delay(std::time::Duration::from_millis(100)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer T1"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = Arc::new(client(&server, credentials()));
    let calls: Vec<_> = (0..5)
        .map(|_| {
            tokio::spawn({
                let client = client.clone();
                async move { call(&client).await }
            })
        })
        .collect();
    for handle in calls {
        handle.await.unwrap().unwrap();
    }
    call(&client).await.unwrap();
    assert_eq!(hits(&server, "/oauth/token").await, 1, "one fetch, cached for the rest");
    assert_eq!(hits(&server, "/test").await, 6);
}

#[tokio::test]
async fn an_expired_token_is_renewed_and_a_refused_one_replaced() {
    let server = MockServer::start().await;
    // The first token expires at once, the second is refused by the API, the third works.
    Mock::given(path("/oauth/token")).respond_with(token("T1", 0)).up_to_n_times(1).mount(&server).await;
    Mock::given(path("/oauth/token")).respond_with(token("T2", 3600)).up_to_n_times(1).mount(&server).await;
    Mock::given(path("/oauth/token")).respond_with(token("T3", 3600)).mount(&server).await;
    Mock::given(header("authorization", "Bearer T1"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(header("authorization", "Bearer T2"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(header("authorization", "Bearer T3"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server, credentials());
    call(&client).await.unwrap();
    call(&client).await.unwrap();
    assert_eq!(hits(&server, "/oauth/token").await, 3);
    assert_eq!(hits(&server, "/test").await, 3, "T1, then T2 refused, then T3");
}

#[tokio::test]
async fn refresh_tokens_are_used_and_rotated() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .and(body_string_contains("grant_type=refresh_token&refresh_token=R1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "T1", "expires_in": 0, "refresh_token": "R2"})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/oauth/token"))
        .and(body_string_contains("refresh_token=R2"))
        .respond_with(token("T2", 3600))
        .mount(&server)
        .await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let grant = Grant::RefreshToken {
        client_id: "id-1".into(),
        client_secret: Secret::new("secret-1"),
        refresh_token: Secret::new("R1"),
    };
    let client = client(&server, grant);
    call(&client).await.unwrap();
    call(&client).await.unwrap();
    let received = server.received_requests().await.unwrap();
    let bearers: Vec<&str> = received
        .iter()
        .filter(|r| r.url.path() == "/test")
        .map(|r| r.headers.get("authorization").unwrap().to_str().unwrap())
        .collect();
    assert_eq!(bearers, ["Bearer T1", "Bearer T2"]);
}

#[tokio::test]
async fn a_refusing_token_endpoint_is_an_auth_error_of_the_call() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": "invalid_client", "error_description": "unknown client"})),
        )
        .mount(&server)
        .await;
    let client = client(&server, credentials());
    let error = call(&client).await.unwrap_err();
    assert!(matches!(error, Error::Auth { operation: "getThing", .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "getThing: cannot authenticate: the token endpoint refused (invalid_client): unknown client"
    );
    assert_eq!(hits(&server, "/test").await, 0, "nothing is sent without a token");
}
