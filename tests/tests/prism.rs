//! Conformance: every operation of the generated clients is called against Prism, which
//! serves each spec with request validation on (`--errors`: a request that breaks the spec
//! gets an error answer), and every answer must decode. Prism is installed from
//! `tests/prism/package-lock.json` by `scripts/test`.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A Prism mock server for one spec, stopped when dropped.
struct Prism {
    child: Child,
    url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

fn prism(spec: &str) -> Prism {
    let binary = root().join("tests/prism/node_modules/.bin/prism");
    assert!(
        binary.exists(),
        "Prism is not installed: run `scripts/test`, which installs it (npm ci in tests/prism)"
    );
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(binary)
        .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string(), "--errors"])
        .arg(root().join("specs").join(spec))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("Prism starts");
    let server = Prism { child, url: format!("http://127.0.0.1:{port}") };
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let started = Instant::now();
    while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(60), "Prism did not start listening on {address}");
        std::thread::sleep(Duration::from_millis(200));
    }
    server
}

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const USER: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";

#[tokio::test]
async fn cloudflare_operations_conform() {
    use cloudflare_access::types::{
        AccessFilterOperator, LogDirection, ScimUpdateLogRequestMethod, ScimUpdateLogResourceType,
        ScimUpdateLogStatus,
    };

    let server = prism("cloudflare-access.yaml");
    for client in [
        cloudflare_access::Client::builder().base_url(&server.url).api_token("token").build().unwrap(),
        cloudflare_access::Client::builder()
            .base_url(&server.url)
            .api_email("a@b.c")
            .api_key("key")
            .build()
            .unwrap(),
    ] {
        let users = client.zero_trust_users();
        let identity = users.get_last_seen_identity(ACCOUNT, USER).await.unwrap();
        assert!(identity.email.is_some());
        let sessions = users.get_active_sessions(ACCOUNT, USER).send_with_response().await.unwrap();
        assert!(sessions.status.is_success());
        let session = users.get_active_session(ACCOUNT, USER, "X1aXj1lFVcqqyoXF").await.unwrap();
        assert!(session.account_id.is_some());
        let since = "2024-01-01T00:00:00Z".parse().unwrap();
        client
            .access_authentication_logs()
            .get(ACCOUNT)
            .limit(25)
            .direction(LogDirection::Asc)
            .since(since)
            .until(since + chrono::Duration::days(1))
            .page(1)
            .per_page(25)
            .email("user@example.com")
            .email_exact(true)
            .allowed_op(AccessFilterOperator::Eq)
            .fields("ray_id")
            .await
            .unwrap();
        client
            .access_scim_update_logs()
            .list(ACCOUNT, ["df7e2w5f-02b7-4d9d-af26-8d1988fca630"])
            .limit(10)
            .direction(LogDirection::Desc)
            .status(vec![ScimUpdateLogStatus::Success, ScimUpdateLogStatus::Failure])
            .resource_type(vec![ScimUpdateLogResourceType::User])
            .request_method(vec![ScimUpdateLogRequestMethod::Patch, ScimUpdateLogRequestMethod::Post])
            .resource_user_email(["john.smith@example.com"])
            .page(1)
            .per_page(20)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn prism_refuses_what_the_spec_forbids() {
    let server = prism("cloudflare-access.yaml");
    // No credentials at all is refused by the client before Prism sees it; a wrong `per_page`
    // type cannot be written at all. What reaches Prism and breaks the spec is refused there:
    let client = cloudflare_access::Client::builder().base_url(&server.url).api_token("t").build().unwrap();
    let error = client
        .access_scim_update_logs()
        .list(ACCOUNT, ["idp"])
        .extra_query("per_page", "many")
        .max_retries(0)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422), "{error}");
}

#[tokio::test]
async fn access_history_operations_conform() {
    let server = prism("access-history.yaml");
    let client =
        access_history::Client::builder().base_url(&server.url).api_secret("secret").build().unwrap();
    let history = client.access_history();
    for request in [
        history.get().user("633443f5fd85e259023d7827"),
        history.get().device("633443f596c1b648bfc2916a").per(10).page(1),
        history.get().identity("i").user("u").device("d").per(50),
    ] {
        let page = request.await.unwrap();
        assert!(!page.docs.is_empty());
    }
}

#[tokio::test]
async fn ncloud_operations_conform() {
    let server = prism("ncloud-subaccount.yaml");
    let client = ncloud_subaccount::Client::builder()
        .base_url(&server.url)
        .ncp_apigw_v2("ncp_iam_EXAMPLEKEY", "example-secret-key")
        .build()
        .unwrap();
    let summary =
        client.sub_account().get_last_access_summary("dfafe250-0000-4000-8000-246e96591594").await.unwrap();
    assert!(summary.last_access_key_used.is_some());
}
