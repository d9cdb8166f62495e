//! Per-spec settings: what `generator.toml` and the command line can say about one client.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::ir::EnvelopeFields;

/// How one client is generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Cargo package name of the generated crate.
    pub package: String,
    /// The spec's path as shown in generated headers and docs (relative to the project).
    pub source: String,
    pub envelope: EnvelopeSetting,
    /// Paging set by hand, by operationId, for listings whose paging cannot be inferred.
    pub pagination: BTreeMap<String, PagingSetting>,
    /// Streamed answers set by hand, by operationId, where the spec does not say enough.
    pub streams: BTreeMap<String, StreamSetting>,
    /// The API signs its webhooks as Standard Webhooks say, where its spec does not tell.
    pub standard_webhooks: bool,
    /// The environment variables `Client::from_env` reads.
    pub env: EnvSetting,
}

/// `[client.env]`: the environment variables `Client::from_env` reads. Without it they are
/// the crate's name in capitals followed by `_BASE_URL` or the scheme's name
/// (`CLOUDFLARE_ACCESS_API_TOKEN`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvSetting {
    /// What every variable starts with, in place of the crate's name (`CLOUDFLARE`).
    pub prefix: Option<String>,
    /// Variables by security scheme name, in place of the prefix and the scheme's name: one
    /// name, or two for a scheme of two values (basic: user and password; signatures: access
    /// key and secret key).
    #[serde(default)]
    pub vars: BTreeMap<String, EnvVars>,
}

/// One variable's name, or two.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum EnvVars {
    One(String),
    Two([String; 2]),
}

impl Options {
    pub fn new(package: impl Into<String>, source: impl Into<String>) -> Self {
        Self {
            package: package.into(),
            source: source.into(),
            envelope: EnvelopeSetting::default(),
            pagination: BTreeMap::new(),
            streams: BTreeMap::new(),
            standard_webhooks: false,
            env: EnvSetting::default(),
        }
    }
}

/// `[client.streams.<operationId>]`: how one streamed answer is asked for and ended.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamSetting {
    /// The boolean body member (wire name) that asks for the stream; `stream` is found
    /// without being set.
    pub switch: Option<String>,
    /// The data of the event that ends the stream (`[DONE]`).
    pub sentinel: Option<String>,
    /// The schema of each item, as a reference into the spec (`#/components/schemas/Chunk`);
    /// it wins over the spec's own.
    pub item: Option<String>,
}

/// `[client.pagination.<operationId>]`: how one listing is paged.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PagingSetting {
    pub style: PagingStyle,
    /// The query parameter that selects the page (wire name); found by name when left out.
    pub param: Option<String>,
    /// The response member with the items; left out when the response is the list.
    pub items: Option<String>,
    /// The response member that says what comes next: the next page number, a boolean "has
    /// more", or the next cursor.
    pub next: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PagingStyle {
    Page,
    Cursor,
    Offset,
    /// Not paginated, whatever its names suggest.
    None,
}

/// Response envelopes (`{success, errors, messages, result}`): detected by these member names
/// unless switched off.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum EnvelopeSetting {
    /// `envelope = false` turns detection off; `true` keeps the default names.
    Enabled(bool),
    /// `[client.envelope]` with some member names changed.
    Fields(EnvelopeNames),
}

impl Default for EnvelopeSetting {
    fn default() -> Self {
        EnvelopeSetting::Enabled(true)
    }
}

impl EnvelopeSetting {
    /// The member names to look for, or `None` when detection is off.
    pub fn fields(&self) -> Option<EnvelopeFields> {
        match self {
            EnvelopeSetting::Enabled(false) => None,
            EnvelopeSetting::Enabled(true) => Some(EnvelopeFields::default()),
            EnvelopeSetting::Fields(names) => Some(names.to_fields()),
        }
    }
}

/// Envelope member names; the ones left out keep their defaults.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeNames {
    pub success: Option<String>,
    pub errors: Option<String>,
    pub messages: Option<String>,
    pub result: Option<String>,
    pub result_info: Option<String>,
}

impl EnvelopeNames {
    fn to_fields(&self) -> EnvelopeFields {
        let default = EnvelopeFields::default();
        let pick = |name: &Option<String>, fallback: String| name.clone().unwrap_or(fallback);
        EnvelopeFields {
            success: pick(&self.success, default.success),
            errors: pick(&self.errors, default.errors),
            messages: pick(&self.messages, default.messages),
            result: pick(&self.result, default.result),
            result_info: pick(&self.result_info, default.result_info),
        }
    }
}
