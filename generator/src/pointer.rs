//! JSON pointers (RFC 6901) into a spec document, used to say where a problem is.

use std::fmt;

/// A JSON pointer such as `/paths/~1pets/get`; displayed as a URI fragment (`#/paths/~1pets/get`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String);

impl Pointer {
    pub fn root() -> Self {
        Self::default()
    }

    /// Parses the fragment of a local `$ref` (`#/components/schemas/Pet`). A fragment is a
    /// URI fragment, so it may be percent-encoded (`#/paths/~1pets~1%7Bid%7D`).
    pub fn from_ref(reference: &str) -> Option<Self> {
        let fragment = reference.strip_prefix('#')?;
        let fragment = percent_encoding::percent_decode_str(fragment).decode_utf8().ok()?;
        if !(fragment.is_empty() || fragment.starts_with('/')) {
            return None;
        }
        Some(Self(fragment.into_owned()))
    }

    /// This pointer extended by one reference token.
    pub fn join(&self, token: impl fmt::Display) -> Self {
        use fmt::Write as _;
        let mut joined = String::with_capacity(self.0.len() + 24);
        joined.push_str(&self.0);
        joined.push('/');
        // Writing to a `String` cannot fail.
        let _ = write!(Escaped(&mut joined), "{token}");
        Self(joined)
    }

    /// The pointer without its last token (the root stays the root).
    pub fn parent(&self) -> Self {
        match self.0.rfind('/') {
            Some(end) => Self(self.0[..end].to_owned()),
            None => Self::root(),
        }
    }

    /// The pointer as RFC 6901 text (`/a/b`), for `serde_json::Value::pointer`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The unescaped reference tokens.
    pub fn tokens(&self) -> impl Iterator<Item = String> + '_ {
        self.0.split('/').skip(1).map(unescape)
    }

    /// The last token, unescaped (a component's name for `#/components/schemas/Name`).
    pub fn last(&self) -> Option<String> {
        self.0.rsplit_once('/').map(|(_, last)| unescape(last))
    }
}

/// A reference token as it reads (`~1` is `/`, `~0` is `~`).
fn unescape(token: &str) -> String {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~")
    } else {
        token.to_owned()
    }
}

/// Writes a reference token escaped (`~` as `~0`, `/` as `~1`) into the pointer it extends.
struct Escaped<'a>(&'a mut String);

impl fmt::Write for Escaped<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if !text.contains(['~', '/']) {
            self.0.push_str(text);
            return Ok(());
        }
        for c in text.chars() {
            match c {
                '~' => self.0.push_str("~0"),
                '/' => self.0.push_str("~1"),
                c => self.0.push(c),
            }
        }
        Ok(())
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_escaped_and_unescaped() {
        let p = Pointer::root().join("paths").join("/pets/{id}").join("a~b");
        assert_eq!(p.as_str(), "/paths/~1pets~1{id}/a~0b");
        assert_eq!(p.to_string(), "#/paths/~1pets~1{id}/a~0b");
        assert_eq!(p.tokens().collect::<Vec<_>>(), ["paths", "/pets/{id}", "a~b"]);
        assert_eq!(p.last().as_deref(), Some("a~b"));
        assert_eq!(p.parent().to_string(), "#/paths/~1pets~1{id}");
        assert_eq!(Pointer::root().parent(), Pointer::root());
        assert_eq!(Pointer::root().last(), None);
        assert_eq!(Pointer::root().join("~1").last().as_deref(), Some("~1"));
    }

    #[test]
    fn only_local_refs_parse() {
        assert_eq!(Pointer::from_ref("#/components/schemas/Pet").unwrap().last().unwrap(), "Pet");
        assert_eq!(Pointer::from_ref("#").unwrap(), Pointer::root());
        assert!(Pointer::from_ref("other.yaml#/Pet").is_none());
        assert!(Pointer::from_ref("#Pet").is_none());
        let encoded = Pointer::from_ref("#/paths/~1pets~1%7Bid%7D/get").unwrap();
        assert_eq!(encoded.tokens().collect::<Vec<_>>(), ["paths", "/pets/{id}", "get"]);
    }
}
