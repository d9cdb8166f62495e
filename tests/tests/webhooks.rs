//! The webhooks fixture's client (`generator/tests/fixtures/webhooks.yaml`): received bodies
//! parsed into its event enum, and Standard Webhooks signatures checked with the test vector
//! the Standard Webhooks project publishes.

use std::time::{Duration, UNIX_EPOCH};

use fixture_webhooks::reqwest::header::{HeaderMap, HeaderValue};
use fixture_webhooks::webhooks::{SignatureError, Verifier, WebhookEvent};

#[test]
fn received_bodies_become_typed_events() {
    let event = WebhookEvent::parse("newPet", br#"{"id": 7, "name": "Rex", "tag": null}"#).unwrap();
    let WebhookEvent::NewPet(pet) = &event else { panic!("{event:?}") };
    assert_eq!((pet.id, pet.name.as_str(), pet.tag.as_deref()), (7, "Rex", None));
    assert_eq!(event.name(), "newPet");

    let news = WebhookEvent::parse("petNews", br#"{"pet": 7, "text": "fed"}"#).unwrap();
    assert!(matches!(&news, WebhookEvent::PetNews(n) if n.text == "fed"), "{news:?}");
    assert_eq!(WebhookEvent::parse("ping", b"").unwrap(), WebhookEvent::Ping);
    assert_eq!(WebhookEvent::NAMES, ["newPet", "petRemoved", "ping", "petNews", "heartbeat"]);

    // An event this client does not know is kept, not refused.
    let unknown = WebhookEvent::parse("petRenamed", br#"{"id": 7}"#).unwrap();
    assert_eq!(
        unknown,
        WebhookEvent::Unknown { name: "petRenamed".into(), body: serde_json::json!({"id": 7}) }
    );
    assert_eq!(unknown.name(), "petRenamed");

    // A body that does not fit says where.
    let error = WebhookEvent::parse("newPet", br#"{"id": "seven", "name": "Rex"}"#).unwrap_err();
    assert_eq!((error.event.as_str(), error.path.as_str()), ("newPet", "id"));
    assert!(error.to_string().contains("`newPet`"), "{error}");
}

#[test]
fn signatures_are_checked_with_the_published_vector() {
    let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let body = br#"{"test": 2432232314}"#;
    let sent = UNIX_EPOCH + Duration::from_secs(1614265330);
    let check = |signature: &str, at| {
        verifier.verify_at("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", signature, body, at)
    };
    let signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    assert_eq!(check(signature, sent), Ok(()));
    assert_eq!(check("v1,bm90IGl0", sent), Err(SignatureError::NoMatch));
    assert_eq!(check(signature, sent + Duration::from_secs(600)), Err(SignatureError::OutsideTolerance));

    // Read from a request's headers, now: the vector is long past the tolerance.
    let mut headers = HeaderMap::new();
    headers.insert("webhook-id", HeaderValue::from_static("msg_1"));
    headers.insert("webhook-timestamp", HeaderValue::from_static("1614265330"));
    headers.insert(
        "webhook-signature",
        HeaderValue::from_static("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
    );
    assert_eq!(verifier.verify(&headers, body), Err(SignatureError::OutsideTolerance));
}
