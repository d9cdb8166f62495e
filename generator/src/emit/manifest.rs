//! The generated crate's `Cargo.toml`.

use std::fmt::Write;

use crate::escape::toml_string;
use crate::ir::query::Needs;
use crate::ir::Api;

/// Dependencies every generated crate has: HTTP (rustls) with byte streams for uploads and
/// downloads, serde, and path-aware decoding.
const BASE_DEPENDENCIES: &[(&str, &str)] = &[
    ("bytes", "\"1\""),
    ("fastrand", "\"2.3\""),
    ("form_urlencoded", "\"1.2\""),
    ("futures-core", "\"0.3\""),
    ("futures-util", "\"0.3\""),
    ("httpdate", "\"1.0\""),
    ("percent-encoding", "\"2.3\""),
    ("serde", "{ version = \"1.0\", features = [\"derive\"] }"),
    ("serde_json", "{ version = \"1.0\", features = [\"raw_value\"] }"),
    ("serde_path_to_error", "\"0.1\""),
    ("tokio", "{ version = \"1\", features = [\"fs\", \"time\"] }"),
    ("tokio-util", "{ version = \"0.7\", features = [\"codec\", \"io\"] }"),
    ("reqwest", "{ version = \"0.13\", features = [\"multipart\", \"stream\"] }"),
];

/// Dates and times, for crates whose types have them.
const CHRONO: &[(&str, &str)] =
    &[("chrono", "{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }")];

/// UUIDs, for crates whose types have them.
const UUID: &[(&str, &str)] = &[("uuid", "{ version = \"1\", features = [\"serde\"] }")];

/// Streamed answers: the SSE parser.
const STREAMS: &[(&str, &str)] = &[("eventsource-stream", "\"0.2\"")];

/// HMAC-SHA256 signatures in Base64: the NAVER Cloud API Gateway's, Standard Webhooks'.
const HMAC_SHA256: &[(&str, &str)] = &[("base64", "\"0.23\""), ("hmac", "\"0.13\""), ("sha2", "\"0.11\"")];

pub fn manifest(api: &Api, needs: Needs) -> String {
    let mut dependencies: Vec<(&str, &str)> = BASE_DEPENDENCIES.to_vec();
    for (needed, extra) in [
        (needs.chrono, CHRONO),
        (needs.uuid, UUID),
        (needs.ncp_signature || api.standard_webhooks, HMAC_SHA256),
        (needs.streams, STREAMS),
    ] {
        if needed {
            dependencies.extend_from_slice(extra);
        }
    }
    dependencies.sort();
    let description = format!("Typed client for the {}", api.display_name());
    let mut out = String::new();
    let _ = writeln!(out, "{}", super::header_comment("#", &api.source));
    let _ = writeln!(out, "[package]");
    let _ = writeln!(out, "name = {}", toml_string(&api.package));
    let _ = writeln!(out, "version = {}", toml_string(&crate_version(&api.version)));
    let _ = writeln!(out, "edition = \"2021\"");
    let _ = writeln!(out, "description = {}", toml_string(&description));
    let _ = writeln!(out, "readme = \"README.md\"");
    let _ = writeln!(out);
    let _ = writeln!(out, "[dependencies]");
    for (name, requirement) in dependencies {
        let _ = writeln!(out, "{name} = {requirement}");
    }
    let _ = writeln!(out, "tracing = {{ version = \"0.1\", optional = true }}");
    let _ = writeln!(out);
    let _ = writeln!(out, "[features]");
    let _ = writeln!(out, "default = [\"full\"]");
    let tags: Vec<String> = api.groups.iter().map(|g| toml_string(super::features::feature(g))).collect();
    let _ = writeln!(out, "# Every tag's operations. Without default features, each tag named compiles its");
    let _ = writeln!(out, "# operations and the types they use, and nothing else.");
    let _ = writeln!(out, "full = [{}]", tags.join(", "));
    for group in &api.groups {
        let _ = writeln!(out, "{} = []", super::features::feature(group));
    }
    let _ = writeln!(
        out,
        "# A span per request (operation, method, path template, status, attempts) and per attempt."
    );
    let _ = writeln!(out, "tracing = [\"dep:tracing\"]");
    out
}

/// The API's version when it is a semantic version (`4.0.0`, `1.2`), else `0.1.0`.
fn crate_version(api_version: &str) -> String {
    let trimmed = api_version.trim().trim_start_matches('v');
    let parts: Vec<&str> = trimmed.split('.').collect();
    let numeric = |p: &&str| {
        !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) && (p.len() == 1 || !p.starts_with('0'))
    };
    match parts.len() {
        3 if parts.iter().all(numeric) => trimmed.to_owned(),
        2 if parts.iter().all(numeric) => format!("{trimmed}.0"),
        _ => "0.1.0".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_become_crate_versions_where_they_can() {
        assert_eq!(crate_version("4.0.0"), "4.0.0");
        assert_eq!(crate_version("v1.2"), "1.2.0");
        assert_eq!(crate_version("v1"), "0.1.0");
        assert_eq!(crate_version("2023-10-01"), "0.1.0");
        assert_eq!(crate_version("1.02.3"), "0.1.0");
    }

    #[test]
    fn tag_modules_cannot_shadow_a_dependency() {
        for (name, _) in [BASE_DEPENDENCIES, CHRONO, UUID, HMAC_SHA256, STREAMS].concat() {
            let ident = name.replace('-', "_");
            assert!(crate::naming::root_module_reserved(&ident), "{ident} is not reserved at the crate root");
        }
    }

    #[test]
    fn strings_are_quoted() {
        for text in ["plain", "a \"b\"", "line\nbreak", "back\\slash", "API — ünïcode"] {
            let parsed: toml::Table = toml::from_str(&format!("key = {}", toml_string(text))).unwrap();
            assert_eq!(parsed["key"].as_str(), Some(text));
        }
    }
}
