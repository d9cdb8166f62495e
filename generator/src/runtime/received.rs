//! Requests the API sends to its users' servers (webhooks and callbacks), read from their
//! bodies into the crate's event enum.

use std::fmt;

use serde::de::DeserializeOwned;

use super::error::member_path;

/// A received request's body that does not fit the event the API names.
#[derive(Debug)]
#[allow(dead_code, reason = "used by crates whose API sends webhooks or callbacks")]
pub struct PayloadError {
    /// The event's name, as the API gives it.
    pub event: String,
    /// Where in the body decoding failed (`pet.tags[2]`); empty for the root.
    pub path: String,
    pub message: String,
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path.as_str() {
            "" => write!(f, "cannot read the body of a `{}` event: {}", self.event, self.message),
            path => write!(f, "cannot read {path} of a `{}` event: {}", self.event, self.message),
        }
    }
}

impl std::error::Error for PayloadError {}

/// Reads a received body as the event's payload type, naming the member that did not fit.
#[allow(dead_code, reason = "used by crates whose API sends webhooks or callbacks")]
pub fn payload<T: DeserializeOwned>(event: &str, body: &[u8]) -> Result<T, PayloadError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| PayloadError {
        event: event.to_owned(),
        path: member_path(e.path()),
        message: e.into_inner().to_string(),
    })
}

/// A body kept as received, for an event the crate does not know: JSON where it is JSON,
/// else its text.
#[allow(dead_code, reason = "used by crates whose API sends webhooks or callbacks")]
pub fn unknown(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(body).into_owned()))
}
