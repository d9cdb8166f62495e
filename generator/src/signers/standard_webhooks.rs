//! Standard Webhooks signatures (<https://www.standardwebhooks.com>): a received request
//! carries `webhook-id`, `webhook-timestamp` (seconds since the epoch) and `webhook-signature`,
//! a space-separated list of `v1,` and the Base64 HMAC-SHA256, keyed with the secret, of
//! `"{id}.{timestamp}.{body}"`. The secret is Base64, written with a `whsec_` prefix.
//!
//! This file is written once, compiled and tested in the generator, and copied verbatim into
//! the generated crates whose API signs its webhooks this way.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// How far a request's timestamp may be from now, by default: older requests may be replays.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Checks the signatures of received webhook requests with the endpoint's secret.
#[derive(Clone)]
pub struct Verifier {
    key: Vec<u8>,
    tolerance: Duration,
}

/// Why a received request's signature is not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// The secret is not Base64 (after an optional `whsec_` prefix).
    InvalidSecret,
    /// A header is missing or not text: `webhook-id`, `webhook-timestamp` or `webhook-signature`.
    MissingHeader(&'static str),
    /// `webhook-timestamp` is not a number of seconds.
    InvalidTimestamp,
    /// The timestamp is further from now than the tolerance.
    OutsideTolerance,
    /// No `v1` signature matches the body.
    NoMatch,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureError::InvalidSecret => f.write_str("the webhook secret is not Base64"),
            SignatureError::MissingHeader(name) => write!(f, "the request has no `{name}` header"),
            SignatureError::InvalidTimestamp => f.write_str("`webhook-timestamp` is not a number of seconds"),
            SignatureError::OutsideTolerance => f.write_str("the request's timestamp is too far from now"),
            SignatureError::NoMatch => f.write_str("no signature matches the request"),
        }
    }
}

impl std::error::Error for SignatureError {}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier").field("tolerance", &self.tolerance).finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier for the endpoint's secret (`whsec_...`).
    pub fn new(secret: &str) -> Result<Self, SignatureError> {
        let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
        let key = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| SignatureError::InvalidSecret)?;
        Ok(Verifier { key, tolerance: DEFAULT_TOLERANCE })
    }

    /// How far a request's timestamp may be from now (five minutes unless set).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Checks a received request's headers and body.
    pub fn verify(&self, headers: &reqwest::header::HeaderMap, body: &[u8]) -> Result<(), SignatureError> {
        let header = |name: &'static str| {
            headers.get(name).and_then(|v| v.to_str().ok()).ok_or(SignatureError::MissingHeader(name))
        };
        let (id, timestamp, signatures) =
            (header("webhook-id")?, header("webhook-timestamp")?, header("webhook-signature")?);
        self.verify_at(id, timestamp, signatures, body, SystemTime::now())
    }

    /// Checks the three headers' values and the body, as if received at `now`.
    pub fn verify_at(
        &self,
        id: &str,
        timestamp: &str,
        signatures: &str,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), SignatureError> {
        let seconds: u64 = timestamp.trim().parse().map_err(|_| SignatureError::InvalidTimestamp)?;
        let sent = UNIX_EPOCH + Duration::from_secs(seconds);
        let distance = now.duration_since(sent).unwrap_or_else(|early| early.duration());
        if distance > self.tolerance {
            return Err(SignatureError::OutsideTolerance);
        }
        let engine = base64::engine::general_purpose::STANDARD;
        for candidate in signatures.split(' ') {
            let Some(encoded) = candidate.strip_prefix("v1,") else { continue };
            let Ok(signature) = engine.decode(encoded) else { continue };
            let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else {
                return Err(SignatureError::InvalidSecret);
            };
            mac.update(id.as_bytes());
            mac.update(b".");
            mac.update(timestamp.trim().as_bytes());
            mac.update(b".");
            mac.update(body);
            // Compared in constant time.
            if mac.verify_slice(&signature).is_ok() {
                return Ok(());
            }
        }
        Err(SignatureError::NoMatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The test vector the Standard Webhooks project publishes with its reference libraries.
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TIMESTAMP: &str = "1614265330";
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn the_published_vector_verifies() {
        let verifier = Verifier::new(SECRET).unwrap();
        assert_eq!(verifier.verify_at(ID, TIMESTAMP, SIGNATURE, BODY, at(1614265330)), Ok(()));
        // One of several signatures (keys being rotated) is enough.
        let several = format!("v1,bm90IGl0 {SIGNATURE} v2,other");
        assert_eq!(verifier.verify_at(ID, TIMESTAMP, &several, BODY, at(1614265330 + 60)), Ok(()));
    }

    #[test]
    fn changed_requests_and_old_ones_are_refused() {
        let verifier = Verifier::new(SECRET).unwrap();
        let now = at(1614265330);
        assert_eq!(
            verifier.verify_at(ID, TIMESTAMP, SIGNATURE, br#"{"test": 1}"#, now),
            Err(SignatureError::NoMatch)
        );
        assert_eq!(
            verifier.verify_at("msg_other", TIMESTAMP, SIGNATURE, BODY, now),
            Err(SignatureError::NoMatch)
        );
        assert_eq!(
            verifier.verify_at(ID, TIMESTAMP, SIGNATURE, BODY, at(1614265330 + 301)),
            Err(SignatureError::OutsideTolerance)
        );
        assert_eq!(
            verifier.verify_at(ID, TIMESTAMP, SIGNATURE, BODY, at(1614265330 - 301)),
            Err(SignatureError::OutsideTolerance)
        );
        let patient = verifier.clone().tolerance(Duration::from_secs(3600));
        assert_eq!(patient.verify_at(ID, TIMESTAMP, SIGNATURE, BODY, at(1614265330 + 301)), Ok(()));
        assert_eq!(
            verifier.verify_at(ID, "soon", SIGNATURE, BODY, now),
            Err(SignatureError::InvalidTimestamp)
        );
        assert_eq!(Verifier::new("whsec_!!").unwrap_err(), SignatureError::InvalidSecret);
    }

    #[test]
    fn headers_are_read_from_the_request() {
        use reqwest::header::{HeaderMap, HeaderValue};
        let verifier = Verifier::new(SECRET).unwrap().tolerance(Duration::from_secs(u64::MAX / 4));
        let mut headers = HeaderMap::new();
        headers.insert("webhook-id", HeaderValue::from_static(ID));
        headers.insert("webhook-timestamp", HeaderValue::from_static(TIMESTAMP));
        assert_eq!(verifier.verify(&headers, BODY), Err(SignatureError::MissingHeader("webhook-signature")));
        headers.insert("webhook-signature", HeaderValue::from_static(SIGNATURE));
        assert_eq!(verifier.verify(&headers, BODY), Ok(()));
    }
}
