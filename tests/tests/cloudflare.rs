//! The Cloudflare client against a local HTTP server: every operation, its method, path, query
//! and credentials, typed results out of envelopes, and errors out of failure envelopes.

use client_tests::fixture;
use cloudflare_access::types::{
    AccessFilterOperator, LogDirection, ScimUpdateLogRequestMethod, ScimUpdateLogStatus,
};
use cloudflare_access::{Client, Error, ErrorBody};
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const USER: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";

fn envelope(result: Value) -> Value {
    json!({"success": true, "errors": [], "messages": [], "result": result})
}

fn token_client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .api_token("Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY")
        .build()
        .unwrap()
}

async fn only_request(server: &MockServer) -> Request {
    let mut received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1, "expected exactly one request");
    received.remove(0)
}

#[tokio::test]
async fn get_last_seen_identity() {
    let server = MockServer::start().await;
    let identity = json!({"email": "test@cloudflare.com", "iat": 1694791905, "is_warp": false, "geo": {"country": "US"}});
    Mock::given(method("GET"))
        .and(path(format!("/accounts/{ACCOUNT}/access/users/{USER}/last_seen_identity")))
        .and(header("authorization", "Bearer Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(identity)))
        .expect(1)
        .mount(&server)
        .await;
    let client = token_client(&server);
    let who = client.zero_trust_users().get_last_seen_identity(ACCOUNT, USER).await.unwrap();
    assert_eq!(who.email.as_deref(), Some("test@cloudflare.com"));
    assert_eq!(who.iat, Some(1694791905.0));
    assert_eq!(who.geo.and_then(|g| g.country).as_deref(), Some("US"));
    let request = only_request(&server).await;
    assert_eq!(request.headers.get("accept").unwrap(), "application/json");
}

#[tokio::test]
async fn get_active_sessions_with_email_and_key() {
    let server = MockServer::start().await;
    let sessions = json!([
        {"expiration": 1694813506, "name": "session", "metadata": {"nonce": "X1aXj1lFVcqqyoXF", "ttl": 21600,
            "apps": {"app": {"hostname": "test.example.com", "type": "self_hosted"}}}}
    ]);
    let mut body = envelope(sessions);
    body["result_info"] = json!({"page": 1, "per_page": 20, "count": 1, "total_count": 1, "total_pages": 1});
    Mock::given(method("GET"))
        .and(path(format!("/accounts/{ACCOUNT}/access/users/{USER}/active_sessions")))
        .and(header("x-auth-email", "user@example.com"))
        .and(header("x-auth-key", "144c9defac04969c7bfad8efaa8ea194"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_email("user@example.com")
        .api_key("144c9defac04969c7bfad8efaa8ea194")
        .build()
        .unwrap();
    let response =
        client.zero_trust_users().get_active_sessions(ACCOUNT, USER).send_with_response().await.unwrap();
    assert_eq!(response.status, 200);
    // The envelope's `result_info` is typed as the spec declares it.
    assert_eq!(response.result_info.as_ref().unwrap().total_count, Some(1.0));
    let sessions = response.value;
    assert_eq!(sessions.len(), 1);
    let metadata = sessions[0].metadata.as_ref().unwrap();
    assert_eq!(metadata.nonce.as_deref(), Some("X1aXj1lFVcqqyoXF"));
    assert_eq!(metadata.apps.as_ref().unwrap()["app"].hostname.as_deref(), Some("test.example.com"));
    assert!(only_request(&server).await.headers.get("authorization").is_none());
}

#[tokio::test]
async fn get_active_session_decodes_the_documented_example() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/accounts/{ACCOUNT}/access/users/{USER}/active_sessions/X1aXj1lFVcqqyoXF")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("cloudflare-active-session.json")))
        .expect(1)
        .mount(&server)
        .await;
    let client = token_client(&server);
    let response = client
        .zero_trust_users()
        .get_active_session(ACCOUNT, USER, "X1aXj1lFVcqqyoXF")
        .send_with_response()
        .await;
    let response = response.unwrap();
    assert_eq!(response.messages[0].code, Some(1000));
    assert_eq!(response.messages[0].extra["documentation_url"], "documentation_url");
    let session = response.value;
    assert_eq!(session.is_active, Some(true));
    assert_eq!(session.account_id.as_deref(), Some("1234567890"));
}

#[tokio::test]
async fn path_parameters_cannot_change_the_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(json!({}))))
        .mount(&server)
        .await;
    let client = token_client(&server);
    client.zero_trust_users().get_active_session("a/b", "../x", "n?c=1#f").await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/accounts/a%2Fb/access/users/..%2Fx/active_sessions/n%3Fc%3D1%23f");
    assert_eq!(request.url.query(), None);
    let error = client.zero_trust_users().get_active_session(ACCOUNT, "..", "n").await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
}

#[tokio::test]
async fn get_access_authentication_logs_with_filters() {
    let server = MockServer::start().await;
    let entries = json!([{
        "action": "login", "allowed": true, "app_domain": "test.example.com/admin",
        "app_uid": "df7e2w5f-02b7-4d9d-af26-8d1988fca630", "connection": "saml",
        "created_at": "2014-01-01T05:20:00.12345Z", "ip_address": "198.41.129.166",
        "ray_id": "187d944c61940c77", "user_email": "user@example.com"
    }]);
    Mock::given(method("GET"))
        .and(path(format!("/accounts/{ACCOUNT}/access/logs/access_requests")))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(entries)))
        .expect(1)
        .mount(&server)
        .await;
    let client = token_client(&server);
    let since = "2024-01-01T00:00:00Z".parse().unwrap();
    let logs = client
        .access_authentication_logs()
        .get(ACCOUNT)
        .limit(50)
        .direction(LogDirection::Desc)
        .since(since)
        .per_page(25)
        .email("user@example.com")
        .email_exact(true)
        .allowed_op(AccessFilterOperator::Neq)
        .await
        .unwrap();
    assert_eq!(logs[0].ray_id.as_deref(), Some("187d944c61940c77"));
    assert_eq!(logs[0].allowed, Some(true));
    assert_eq!(logs[0].created_at.unwrap().timestamp_subsec_micros(), 123450);
    let request = only_request(&server).await;
    assert_eq!(
        request.url.query(),
        Some(
            "limit=50&direction=desc&since=2024-01-01T00%3A00%3A00Z&per_page=25&email=user%40example.com\
             &email_exact=true&allowedOp=neq"
        )
    );
}

#[tokio::test]
async fn list_access_scim_update_logs_with_arrays() {
    let server = MockServer::start().await;
    let entries = json!([{
        "cf_resource_id": "bd97ef8d-7986-43e3-9ee0-c25dda33e4b0", "idp_id": "df7e2w5f-02b7-4d9d-af26-8d1988fca630",
        "logged_at": "2014-01-01T05:20:00.12345Z", "request_method": "DELETE", "resource_type": "GROUP",
        "status": "FAILURE", "error_description": "Invalid JSON body"
    }]);
    Mock::given(method("GET"))
        .and(path(format!("/accounts/{ACCOUNT}/access/logs/scim/updates")))
        .and(query_param("idp_id", "idp-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(entries)))
        .expect(1)
        .mount(&server)
        .await;
    let client = token_client(&server);
    let logs = client
        .access_scim_update_logs()
        .list(ACCOUNT, ["idp-1", "idp-2"])
        .status(vec![ScimUpdateLogStatus::Failure, ScimUpdateLogStatus::Success])
        .request_method(vec![ScimUpdateLogRequestMethod::Delete])
        .resource_user_email(["a@example.com"])
        .page(2)
        .await
        .unwrap();
    // The member takes the enum of the parameter that filters by it.
    assert_eq!(logs[0].status, Some(ScimUpdateLogStatus::Failure));
    assert_eq!(logs[0].error_description.as_deref(), Some("Invalid JSON body"));
    let request = only_request(&server).await;
    assert_eq!(
        request.url.query(),
        Some(
            "idp_id=idp-1&idp_id=idp-2&status=FAILURE&status=SUCCESS&request_method=DELETE\
             &resource_user_email=a%40example.com&page=2"
        )
    );
}

#[tokio::test]
async fn failure_envelopes_are_errors_with_status_code_and_message() {
    let server = MockServer::start().await;
    let failure = json!({
        "success": false, "errors": [{"code": 7003, "message": "No route for the URI"}],
        "messages": [], "result": null
    });
    Mock::given(path(format!("/accounts/{ACCOUNT}/access/users/{USER}/last_seen_identity")))
        .respond_with(ResponseTemplate::new(404).set_body_json(failure.clone()))
        .mount(&server)
        .await;
    Mock::given(path(format!("/accounts/{ACCOUNT}/access/users/{USER}/active_sessions")))
        .respond_with(ResponseTemplate::new(200).set_body_json(failure))
        .mount(&server)
        .await;
    let client = token_client(&server);

    let error = client.zero_trust_users().get_last_seen_identity(ACCOUNT, USER).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "zero-trust-users-get-last-seen-identity: HTTP 404 Not Found: [7003] No route for the URI"
    );
    let api = error.api().expect("an API error");
    assert_eq!(api.status, 404);
    assert_eq!((api.errors[0].code, api.errors[0].message.as_str()), (Some(7003), "No route for the URI"));
    match &api.body {
        Some(ErrorBody::AccessApiResponseCommonFailure(body)) => {
            assert!(!body.success);
            assert_eq!(body.errors[0].code, 7003);
        }
        other => panic!("expected the declared failure body, got {other:?}"),
    }

    // `success: false` with a 200 status is an error too.
    let error = client.zero_trust_users().get_active_sessions(ACCOUNT, USER).await.unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!(api.status, 200);
    assert_eq!(api.errors[0].code, Some(7003));
}

#[tokio::test]
async fn missing_credentials_are_refused_before_sending() {
    let server = MockServer::start().await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let error = client.zero_trust_users().get_last_seen_identity(ACCOUNT, USER).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(error.to_string().contains("api_token, or api_email + api_key"), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn half_of_a_pair_of_credentials_is_refused_when_the_client_is_built() {
    let error = Client::builder().api_email("user@example.com").build().unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "invalid client configuration: `api_email` is set, but it is only sent together with `api_key`: set that too"
    );
    assert_eq!(error.operation(), None);
}

#[test]
fn debug_output_never_shows_credentials() {
    let client = Client::builder()
        .api_token("secret-token-value")
        .api_email("a@example.com")
        .api_key("secret-key-value")
        .build()
        .unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains("secret-token-value") && !debug.contains("secret-key-value"), "{debug}");
    assert!(debug.contains("https://api.cloudflare.com/client/v4"), "{debug}");
    assert_eq!(cloudflare_access::DEFAULT_BASE_URL, Some("https://api.cloudflare.com/client/v4"));
}

#[tokio::test]
async fn a_client_from_the_environment() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer from-the-environment"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(json!({"email": "e@example.com"}))))
        .expect(1)
        .mount(&server)
        .await;
    // Only this test sets these variables.
    std::env::set_var("CLOUDFLARE_BASE_URL", server.uri());
    std::env::set_var("CLOUDFLARE_API_TOKEN", "from-the-environment");
    let client = Client::from_env().unwrap();
    let who = client.zero_trust_users().get_last_seen_identity(ACCOUNT, USER).await.unwrap();
    assert_eq!(who.email.as_deref(), Some("e@example.com"));
    std::env::set_var("CLOUDFLARE_EMAIL", "e@example.com");
    std::env::remove_var("CLOUDFLARE_API_TOKEN");
    let error = Client::from_env().unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid client configuration: `CLOUDFLARE_EMAIL` is set without `CLOUDFLARE_API_KEY`"
    );
    std::env::remove_var("CLOUDFLARE_EMAIL");
    let error = Client::from_env().unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid client configuration: no credentials in the environment: set `CLOUDFLARE_API_TOKEN`, or `CLOUDFLARE_EMAIL` and `CLOUDFLARE_API_KEY`"
    );
}
