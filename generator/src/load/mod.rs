//! Stage 1: read a spec (JSON or YAML), check its version, and resolve local `$ref`s.

mod locate;
mod normalize;
mod pointer;
mod refs;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::error::{Diagnostic, Error, Result};
pub use pointer::Pointer;
pub use refs::Resolved;

/// A parsed OpenAPI document: the typed view, plus the raw tree for `$ref`s that point
/// anywhere other than `#/components`.
#[derive(Debug)]
pub struct Spec {
    pub file: PathBuf,
    pub api: openapiv3::OpenAPI,
    /// What was corrected or dropped while reading (see `normalize`).
    pub notes: Vec<Diagnostic>,
    raw: serde_json::Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Yaml,
}

impl Format {
    fn of(file: &Path, text: &str) -> Self {
        match file.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("json") => Format::Json,
            Some(ext) if ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml") => Format::Yaml,
            _ if text.trim_start().starts_with('{') => Format::Json,
            _ => Format::Yaml,
        }
    }
}

/// Reads and parses the spec at `file`.
pub fn load(file: &Path) -> Result<Spec> {
    let text =
        std::fs::read_to_string(file).map_err(|source| Error::Read { path: file.to_owned(), source })?;
    parse(file, &text)
}

/// Parses spec text; `file` is used for the format (by extension) and in diagnostics.
pub fn parse(file: &Path, text: &str) -> Result<Spec> {
    let format = Format::of(file, text);
    let diagnostic = |pointer: Pointer, position, message: String| Diagnostic {
        file: file.to_owned(),
        pointer,
        position,
        message,
    };
    let mut raw: serde_json::Value = match format {
        Format::Json => serde_json::from_str(text).map_err(|e| {
            diagnostic(Pointer::root(), Some((e.line(), e.column())), format!("invalid JSON: {e}"))
        })?,
        Format::Yaml => serde_yaml::from_str(text).map_err(|e| {
            let position = e.location().map(|l| (l.line(), l.column()));
            diagnostic(Pointer::root(), position, format!("invalid YAML: {e}"))
        })?,
    };
    let openapi_31 = check_version(&raw).map_err(|(pointer, message)| diagnostic(pointer, None, message))?;
    let notes = normalize::normalize(&mut raw, openapi_31)
        .into_iter()
        .map(|(pointer, message)| diagnostic(pointer, None, message))
        .collect();
    let api = typed::<openapiv3::OpenAPI>(&raw).map_err(|(pointer, message)| {
        // The typed path stops at the first flattened struct; look deeper, and keep the
        // parser's line only when it is about the same node.
        let (deepest, message) = locate::locate(&raw).unwrap_or((pointer.clone(), message));
        let position = (deepest == pointer).then(|| structure_position(format, text)).flatten();
        diagnostic(deepest, position, message)
    })?;
    Ok(Spec { file: file.to_owned(), api, notes, raw })
}

/// OpenAPI 3.0 and 3.1 are read (the result says 3.1); anything else is refused with the
/// version found.
fn check_version(raw: &serde_json::Value) -> std::result::Result<bool, (Pointer, String)> {
    let Some(root) = raw.as_object() else {
        return Err((Pointer::root(), "expected an OpenAPI document (a mapping)".into()));
    };
    match root.get("openapi") {
        Some(serde_json::Value::String(v)) if v.starts_with("3.0") => Ok(false),
        Some(serde_json::Value::String(v)) if v.starts_with("3.1") => Ok(true),
        Some(v) => Err((
            Pointer::root().join("openapi"),
            format!("unsupported OpenAPI version {v}: expected 3.0.x or 3.1.x"),
        )),
        None if root.contains_key("swagger") => Err((
            Pointer::root().join("swagger"),
            "Swagger 2.0 documents are not supported: expected `openapi: 3.0.x` or `3.1.x`".into(),
        )),
        None => Err((Pointer::root(), "missing `openapi` version field: expected 3.0.x or 3.1.x".into())),
    }
}

/// Deserializes a node of the raw tree into its typed form; a failure carries the pointer of
/// the node that did not fit.
pub(crate) fn typed<T: DeserializeOwned>(
    value: &serde_json::Value,
) -> std::result::Result<T, (Pointer, String)> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let pointer = e.path().iter().fold(Pointer::root(), |p, segment| {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => p.join(index),
                Segment::Map { key } => p.join(key),
                Segment::Enum { variant } => p.join(variant),
                Segment::Unknown => p,
            }
        });
        (pointer, e.into_inner().to_string())
    })
}

/// The line and column of a structural error, found by deserializing from the text itself
/// (slower than from the tree, so only done once something is known to be wrong).
fn structure_position(format: Format, text: &str) -> Option<(usize, usize)> {
    match format {
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            let e = serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&mut de).err()?;
            Some((e.inner().line(), e.inner().column()))
        }
        Format::Yaml => {
            let de = serde_yaml::Deserializer::from_str(text);
            let e = serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(de).err()?;
            e.inner().location().map(|l| (l.line(), l.column()))
        }
    }
}

impl Spec {
    /// A diagnostic about the node at `pointer` in this spec.
    pub fn error(&self, pointer: &Pointer, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: self.file.clone(),
            pointer: pointer.clone(),
            position: None,
            message: message.into(),
        }
    }

    /// The raw node at `pointer`, for vendor extensions and refs outside `#/components`.
    pub fn raw(&self, pointer: &Pointer) -> Option<&serde_json::Value> {
        self.raw.pointer(pointer.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_yaml(text: &str) -> Result<Spec> {
        parse(Path::new("spec.yaml"), text)
    }

    fn spec_error(result: Result<Spec>) -> Diagnostic {
        match result {
            Err(Error::Spec(d)) => *d,
            other => panic!("expected a spec error, got {other:?}"),
        }
    }

    #[test]
    fn reads_json_and_yaml() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
        assert_eq!(parse_yaml(yaml).unwrap().api.info.title, "t");
        let json = r#"{"openapi":"3.0.0","info":{"title":"j","version":"1"},"paths":{}}"#;
        assert_eq!(parse(Path::new("x.json"), json).unwrap().api.info.title, "j");
        // No extension: sniffed from the text.
        assert_eq!(parse(Path::new("spec"), json).unwrap().api.info.title, "j");
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let d = spec_error(parse_yaml("openapi: 3.0.3\ninfo: [unclosed\n"));
        assert_eq!(d.file, Path::new("spec.yaml"));
        assert!(d.position.is_some(), "{d}");
        assert!(d.message.contains("invalid YAML"), "{d}");
        let d = spec_error(parse(Path::new("x.json"), "{\n  \"openapi\": 3,,\n}"));
        assert_eq!(d.position.map(|p| p.0), Some(2), "{d}");
    }

    #[test]
    fn wrong_versions_are_refused_by_name() {
        let d = spec_error(parse_yaml("swagger: '2.0'\ninfo: {title: t, version: '1'}\n"));
        assert_eq!(d.pointer.to_string(), "#/swagger");
        let d = spec_error(parse_yaml("openapi: 4.0.0\ninfo: {title: t, version: '1'}\n"));
        assert_eq!(d.pointer.to_string(), "#/openapi");
        assert!(d.message.contains("3.0.x or 3.1.x"), "{d}");
        let d = spec_error(parse_yaml("- 1\n- 2\n"));
        assert!(d.message.contains("mapping"), "{d}");
    }

    #[test]
    fn structural_errors_name_the_pointer_and_line() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:\n      responses: 12\n";
        let d = spec_error(parse_yaml(text));
        assert_eq!(d.pointer.to_string(), "#/paths/~1pets/get/responses", "{d}");
        assert!(d.to_string().starts_with("spec.yaml: at #/paths/~1pets/get/responses: "), "{d}");
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '2'}\npaths: {}\ntags: [{name: [1]}]\n";
        let d = spec_error(parse_yaml(text));
        assert_eq!(d.pointer.to_string(), "#/tags/0/name", "{d}");
        assert!(d.message.contains("expected a string"), "{d}");
    }
}
