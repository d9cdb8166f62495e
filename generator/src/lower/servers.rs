//! Where requests go: the API's first server is the client's default base URL, and a path or
//! operation that names servers of its own (an upload host) sends its requests to the first
//! of them.

use openapiv3::Server;

use crate::error::Diagnostic;
use crate::ir::OwnServer;
use crate::load::Spec;
use crate::pointer::Pointer;

/// A server URL with its variables filled in with their defaults, without a trailing `/`.
pub fn server_url(server: &Server) -> String {
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    url.trim_end_matches('/').to_owned()
}

/// The server that `servers` (a path item's or an operation's, at `at`) sends requests to,
/// where it is not `api`, the API's own first server ([`server_url`]): `None` where they name
/// none, the API's own, or an empty URL (the document's own location, taken as the client's
/// base URL). A URL a client cannot send to is a warning, and its requests go to the client's
/// base URL.
pub fn own_server(
    spec: &Spec,
    api: Option<&str>,
    servers: &[Server],
    at: &Pointer,
) -> Result<Option<OwnServer>, Diagnostic> {
    let Some(first) = servers.first() else { return Ok(None) };
    let url = server_url(first);
    if url.is_empty() || api.is_some_and(|api| same_server(api, &url)) {
        return Ok(None);
    }
    match unusable(&url) {
        None if scheme(&url).is_some() => Ok(Some(OwnServer::Absolute(url))),
        None => Ok(Some(OwnServer::Relative(url))),
        Some(why) => Err(spec.error(
            &at.join(0).join("url"),
            format!("server `{url}` is not used: {why}; the requests go to the client's base URL"),
        )),
    }
}

/// Whether the API's server and an operation's are one: the same URL, or the API's without a
/// scheme (`//host`, the document's own) and the operation's the same with one.
fn same_server(api: &str, own: &str) -> bool {
    api == own || (api.starts_with("//") && scheme(own).is_some_and(|s| own[s.len() + 1..] == *api))
}

/// Why a client cannot send requests to `url`, if it cannot: an absolute URL must be `http` or
/// `https`; anything else is a reference relative to the client's base URL.
fn unusable(url: &str) -> Option<&'static str> {
    if url.contains(['{', '}']) {
        return Some("it names a variable the server does not declare");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("a URL has no spaces or control characters");
    }
    match scheme(url) {
        Some(scheme) if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") => {
            Some("expected an http or https URL, or one relative to the client's base URL")
        }
        _ => None,
    }
}

/// The scheme of an absolute URL (RFC 3986: a letter, then letters, digits, `+`, `-` or `.`,
/// before the first `:`, with no `/` before it).
fn scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let starts = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    (starts && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))).then_some(scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_a_client_can_send_to() {
        for url in
            ["https://uploads.example.com", "HTTP://example.com/v2", "/v2", "//cdn.example.com/x", "v2"]
        {
            assert_eq!(unusable(url), None, "{url}");
        }
        for url in ["ws://example.com", "ftp://example.com", "https://{region}.example.com", "https://a b"] {
            assert!(unusable(url).is_some(), "{url}");
        }
    }

    #[test]
    fn a_server_without_a_scheme_is_the_same_with_one() {
        assert!(same_server("https://api.example.com", "https://api.example.com"));
        assert!(same_server("//api.example.com", "https://api.example.com"));
        assert!(!same_server("//api.example.com", "https://uploads.example.com"));
        assert!(!same_server("https://api.example.com", "http://api.example.com"));
        assert!(!same_server("https://api.example.com", "//api.example.com"));
    }

    #[test]
    fn a_scheme_comes_before_any_slash() {
        assert_eq!(scheme("https://example.com"), Some("https"));
        assert_eq!(scheme("/a:b"), None);
        assert_eq!(scheme("v2"), None);
        assert_eq!(scheme("1x:y"), None);
    }
}
