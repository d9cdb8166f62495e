//! The documented response examples decode into the generated types with the expected values,
//! and encode back without losing any member.

use client_tests::{differences, fixture};
use serde_json::Value;

/// Decodes `value` as `T`, encodes it again and checks that nothing was lost or changed.
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(value: &Value) -> T {
    let decoded: T = serde_json::from_value(value.clone()).expect("the example decodes");
    let encoded = serde_json::to_value(&decoded).expect("the value encodes");
    let lost = differences(value, &encoded);
    assert!(lost.is_empty(), "encoding again changed the document: {lost:#?}");
    decoded
}

#[test]
fn cloudflare_active_session_example() {
    use cloudflare_access::types::AccessActiveSession;

    let envelope = fixture("cloudflare-active-session.json");
    let session: AccessActiveSession = round_trip(&envelope["result"]);
    assert_eq!(session.account_id.as_deref(), Some("1234567890"));
    assert_eq!(session.auth_status.as_deref(), Some("NONE"));
    assert_eq!(session.is_active, Some(true));
    assert_eq!(session.is_gateway, Some(false));
    assert_eq!(session.iat, Some(1694791905.0));
    assert_eq!(session.version, Some(2.0));
    assert_eq!(session.geo.as_ref().and_then(|g| g.country.as_deref()), Some("US"));
    let sessions = session.device_sessions.as_ref().expect("device_sessions");
    assert_eq!(sessions["foo"].last_authenticated, Some(1638832687.0));
    let posture = &session.device_posture.as_ref().expect("devicePosture")["foo"];
    assert_eq!(posture.rule_name.as_deref(), Some("rule_name"));
    assert_eq!(posture.check.as_ref().and_then(|c| c.exists), Some(true));
    let mtls = session.mtls_auth.as_ref().expect("mtls_auth");
    assert_eq!(mtls.cert_presented, Some(true));
    assert_eq!(session.user_uuid.as_deref(), Some("57cf8cf2-f55a-4588-9ac9-f5e41e9f09b4"));
    assert!(session.extra.is_empty(), "every member is named: {:?}", session.extra);

    // The envelope's messages carry members beyond code and message, and keep them.
    let messages: cloudflare_access::types::AccessMessages = round_trip(&envelope["messages"]);
    assert_eq!(messages[0].code, 1000);
    assert_eq!(messages[0].documentation_url.as_deref(), Some("documentation_url"));
}

#[test]
fn access_history_example() {
    use access_history::types::AccessHistoryPage;

    let page: AccessHistoryPage = round_trip(&fixture("access-history-page.json"));
    assert_eq!((page.total_docs, page.limit, page.total_pages, page.page), (11, 10, 2, 1));
    assert!(!page.has_prev_page && page.has_next_page);
    assert_eq!((page.prev_page, page.next_page), (None, Some(2)));
    let record = &page.docs[0];
    assert_eq!(record.id.as_deref(), Some("633443fa96c1b648bfc29625"));
    assert_eq!(record.signed, Some(false));
    assert_eq!(record.confidence, Some(0.9714285714285714));
    assert_eq!(record.v, Some(0));
    assert_eq!(record.created_at.map(|t| t.to_rfc3339()).as_deref(), Some("2022-09-28T12:54:18.757+00:00"));
    let device = record.device.as_ref().expect("device");
    assert_eq!(device.status.as_deref(), Some("attached"));
    assert_eq!(device.identity, None);
    let info = device.info.as_ref().expect("device.info");
    assert_eq!(info.browser.as_ref().and_then(|b| b.name.as_deref()), Some("SeaMonkey"));
    assert_eq!(info.engine.as_ref().and_then(|e| e.version.as_deref()), Some("12.0"));
    assert_eq!(info.os.as_ref().and_then(|o| o.name.as_deref()), Some("Linux"));
    assert_eq!(info.cpu.as_ref().and_then(|c| c.architecture.as_deref()), Some("ia32"));
    let hardware = info.device.as_ref().expect("device.info.device");
    assert_eq!((&hardware.vendor, &hardware.model, &hardware.r#type), (&None, &None, &None));
}

#[test]
fn ncloud_last_access_summary_example() {
    use ncloud_subaccount::types::LastAccessSummary;

    let summary: LastAccessSummary = round_trip(&fixture("ncloud-last-access-summary.json"));
    assert_eq!(summary.id_no.as_deref(), Some("dfafe250-****-****-****-246e96591594"));
    assert_eq!(summary.unused_days, Some(0));
    assert_eq!(summary.last_login.map(|t| t.to_rfc3339()).as_deref(), Some("2025-12-10T04:44:29.467+00:00"));
    assert!(summary.last_used_time.is_some());
    let keys = summary.last_access_key_used.as_ref().expect("lastAccessKeyUsed");
    assert_eq!(keys[0].access_key.as_deref(), Some("ncp_iam_BGAS********"));
    assert!(keys[0].last_used.is_some());
    assert_eq!(summary.sub_account_id, None);
}

#[test]
fn unknown_members_and_enum_values_are_kept() {
    use cloudflare_access::types::{AuthenticationLog, ScimUpdateLogStatus};

    let entry = serde_json::json!({"action": "login", "ray_id": "187d944c61940c77", "new_member": {"x": 1}});
    let decoded: AuthenticationLog = round_trip(&entry);
    assert_eq!(decoded.extra["new_member"], serde_json::json!({"x": 1}));
    let status: ScimUpdateLogStatus = serde_json::from_value(serde_json::json!("PARTIAL")).unwrap();
    assert_eq!(status, ScimUpdateLogStatus::Other("PARTIAL".into()));
    assert_eq!(serde_json::to_value(&status).unwrap(), "PARTIAL");
    assert_eq!(ScimUpdateLogStatus::from("SUCCESS"), ScimUpdateLogStatus::Success);
}
