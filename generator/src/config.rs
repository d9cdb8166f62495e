//! `generator.toml`: the clients this project generates.
//!
//! ```toml
//! [[client]]
//! spec = "specs/cloudflare-access.yaml"    # OpenAPI document, JSON or YAML
//! output = "generated/cloudflare-access"   # crate folder
//! name = "cloudflare_access"               # package name
//! envelope = true                          # or a table of member names, or false
//!
//! [client.pagination.listThings]           # paging the generator cannot infer, by operationId
//! style = "cursor"                         # page | cursor | offset | none
//! param = "from"                           # the query parameter (found by name if left out)
//! items = "things"                         # the response member with the items
//! next = "following"                       # next page number, "has more" flag, or next cursor
//!
//! [client.streams.createCompletion]         # a streamed answer, by operationId
//! switch = "stream"                         # the boolean body member that asks for the stream
//! sentinel = "[DONE]"                       # the event data that ends it
//! item = "#/components/schemas/Chunk"       # each item's schema, where the spec gives none
//!
//! [client.env]                              # the variables `Client::from_env` reads
//! prefix = "CLOUDFLARE"                     # CLOUDFLARE_BASE_URL, CLOUDFLARE_API_TOKEN, ...
//! vars = { api_email = "CLOUDFLARE_EMAIL" } # by scheme; two names for user and password
//! ```
//!
//! `standard-webhooks = true` (in `[[client]]`) says the API signs its webhooks as Standard
//! Webhooks do, where its spec does not declare the `webhook-signature` header.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::naming;
use crate::options::{EnvSetting, EnvelopeSetting, Options, PagingSetting, StreamSetting};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, rename = "client")]
    clients: Vec<ClientEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientEntry {
    spec: PathBuf,
    output: PathBuf,
    name: String,
    #[serde(default)]
    envelope: EnvelopeSetting,
    #[serde(default)]
    pagination: BTreeMap<String, PagingSetting>,
    #[serde(default)]
    streams: BTreeMap<String, StreamSetting>,
    #[serde(default, rename = "standard-webhooks")]
    standard_webhooks: bool,
    #[serde(default)]
    env: EnvSetting,
}

/// One client to generate, with paths resolved against the config file's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub spec: PathBuf,
    pub output: PathBuf,
    pub options: Options,
}

pub fn load(path: &Path) -> Result<Vec<Client>> {
    let text =
        std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.to_owned(), source })?;
    parse(path, &text)
}

pub fn parse(path: &Path, text: &str) -> Result<Vec<Client>> {
    let config_error = |message: String| Error::Config { path: path.to_owned(), message };
    let file: File = toml::from_str(text).map_err(|e| config_error(e.to_string().trim_end().to_owned()))?;
    let root = path.parent().unwrap_or(Path::new(""));
    let mut seen_outputs = Vec::new();
    file.clients
        .into_iter()
        .enumerate()
        .map(|(index, entry)| {
            if naming::crate_name(&entry.name).is_none() {
                return Err(config_error(format!(
                    "client {}: `{}` is not a usable crate name: {}",
                    index + 1,
                    entry.name,
                    naming::CRATE_NAME_RULE
                )));
            }
            if seen_outputs.contains(&entry.output) {
                return Err(config_error(format!(
                    "client {}: output `{}` is used twice",
                    index + 1,
                    entry.output.display()
                )));
            }
            seen_outputs.push(entry.output.clone());
            let source = entry.spec.to_string_lossy().replace('\\', "/");
            Ok(Client {
                spec: root.join(&entry.spec),
                output: root.join(&entry.output),
                options: Options {
                    package: entry.name,
                    source,
                    envelope: entry.envelope,
                    pagination: entry.pagination,
                    streams: entry.streams,
                    standard_webhooks: entry.standard_webhooks,
                    env: entry.env,
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::EnvelopeNames;

    #[test]
    fn reads_clients_with_paths_relative_to_the_file() {
        let text = r#"
[[client]]
spec = "specs/a.yaml"
output = "generated/a"
name = "a_api"

[[client]]
spec = "specs/b.json"
output = "generated/b"
name = "b-api"
envelope = false

[[client]]
spec = "specs/c.json"
output = "generated/c"
name = "c"
[client.envelope]
result = "data"
"#;
        let clients = parse(Path::new("/project/generator.toml"), text).unwrap();
        assert_eq!(clients.len(), 3);
        assert_eq!(clients[0].spec, Path::new("/project/specs/a.yaml"));
        assert_eq!(clients[0].options.source, "specs/a.yaml");
        assert_eq!(clients[0].options.envelope, EnvelopeSetting::Enabled(true));
        assert_eq!(clients[1].options.envelope.fields(), None);
        let names = EnvelopeNames { result: Some("data".into()), ..Default::default() };
        assert_eq!(clients[2].options.envelope, EnvelopeSetting::Fields(names));
        assert_eq!(clients[2].options.envelope.fields().unwrap().result, "data");
    }

    #[test]
    fn mistakes_are_named() {
        let bad_name = "[[client]]\nspec = \"a\"\noutput = \"b\"\nname = \"Not Valid\"\n";
        let e = parse(Path::new("generator.toml"), bad_name).unwrap_err().to_string();
        assert!(e.contains("not a usable crate name"), "{e}");
        let unknown = "[[client]]\nspec = \"a\"\noutput = \"b\"\nname = \"x\"\noutptu = 1\n";
        let e = parse(Path::new("generator.toml"), unknown).unwrap_err().to_string();
        assert!(e.contains("outptu"), "{e}");
        let twice = "[[client]]\nspec = \"a\"\noutput = \"b\"\nname = \"x\"\n[[client]]\nspec = \"c\"\noutput = \"b\"\nname = \"y\"\n";
        assert!(parse(Path::new("g.toml"), twice).unwrap_err().to_string().contains("used twice"));
    }
}
