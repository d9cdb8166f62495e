//! NAVER Cloud Platform's API Gateway signature, version 2.
//!
//! Each request carries the time (`x-ncp-apigw-timestamp`, epoch milliseconds), the access
//! key (`x-ncp-iam-access-key`) and `x-ncp-apigw-signature-v2`: Base64 of the HMAC-SHA256,
//! keyed with the secret key, of `"{METHOD} {path-and-query}\n{timestamp}\n{access key}"`.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::header::{HeaderName, HeaderValue};
use sha2::Sha256;

use crate::runtime::auth::{Secret, SignError, Signer};

/// Signs requests for the NAVER Cloud API Gateway with an access key and its secret key. The
/// client builder's `ncp_apigw_v2(..)` sets one up; it also signs requests made another way
/// ([`Signer::sign`] on any `reqwest::Request`).
#[derive(Clone)]
pub struct NcpApigwV2 {
    access_key: Secret,
    secret_key: Secret,
}

impl NcpApigwV2 {
    /// A signer with the access key and secret key of a NAVER Cloud account or sub-account.
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self { access_key: Secret::new(access_key), secret_key: Secret::new(secret_key) }
    }
}

impl fmt::Debug for NcpApigwV2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NcpApigwV2").finish_non_exhaustive()
    }
}

/// The signature of one request, for the time `timestamp` (epoch milliseconds, as sent in
/// `x-ncp-apigw-timestamp`): what `x-ncp-apigw-signature-v2` carries.
pub fn signature(
    secret_key: &str,
    method: &str,
    path_and_query: &str,
    timestamp: &str,
    access_key: &str,
) -> String {
    let message = format!("{method} {path_and_query}\n{timestamp}\n{access_key}");
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret_key.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(message.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

impl Signer for NcpApigwV2 {
    fn sign(&self, request: &mut reqwest::Request) -> Result<(), SignError> {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|e| SignError::new("the system clock is before 1970").with_source(e))?
            .as_millis()
            .to_string();
        let url = request.url();
        let path_and_query = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        let method = request.method().as_str().to_owned();
        let access_key = self.access_key.expose();
        let signed = signature(self.secret_key.expose(), &method, &path_and_query, &timestamp, access_key);
        let headers = request.headers_mut();
        for (name, value, secret) in [
            ("x-ncp-apigw-timestamp", timestamp.as_str(), false),
            ("x-ncp-iam-access-key", access_key, true),
            ("x-ncp-apigw-signature-v2", signed.as_str(), true),
        ] {
            let mut value = HeaderValue::from_str(value).map_err(|e| {
                SignError::new(format!("`{name}` is not a valid header value")).with_source(e)
            })?;
            value.set_sensitive(secret);
            headers.insert(HeaderName::from_static(name), value);
        }
        Ok(())
    }
}
