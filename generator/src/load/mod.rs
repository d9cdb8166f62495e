//! Stage 1: read a spec (JSON or YAML, one file or many), bring it to OpenAPI 3.0's shape,
//! and resolve `$ref`s.
//!
//! The steps, private modules each: `source` reads each file; `bundle` makes a spec of many
//! files one document; `swagger2` converts Swagger 2.0; `normalize` brings 3.1 and 3.2 to 3.0
//! and corrects what published specs get wrong; then the document is typed (its component
//! schemas by `schema_reader` and its path items by `path_reader`, straight from the tree;
//! the rest by `openapiv3`'s reader). Each step that
//! moves nodes records where they were (`origin`), so a diagnostic names the file and pointer a
//! user can open.

mod bundle;
mod enum_names;
mod json_parts;
mod locate;
mod normalize;
mod origin;
mod path_reader;
mod refs;
mod schema_reader;
mod shape;
mod source;
mod swagger2;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Deserialize as _;

use crate::error::{Diagnostic, Error, Result};
pub use crate::pointer::Pointer;
pub use normalize::{Event, EventKind};
use origin::Origins;
pub use refs::{Item, Resolved};
pub use shape::Dialect;
use source::Format;

/// A parsed OpenAPI document: the typed view, plus the raw tree for `$ref`s that point
/// anywhere other than `#/components`.
#[derive(Debug)]
pub struct Spec {
    pub file: PathBuf,
    pub api: openapiv3::OpenAPI,
    /// The dialect the document was written in (it is read as 3.0 whatever it was).
    pub dialect: Dialect,
    /// What was corrected or dropped while reading (see `normalize`).
    pub notes: Vec<Diagnostic>,
    /// The requests the API sends: webhooks and callbacks.
    pub events: Vec<Event>,
    /// Every file the spec was read from, the entry first (what a `build.rs` watches).
    pub files: Vec<PathBuf>,
    raw: serde_json::Value,
    /// Where moved nodes came from, one entry per step that moved any.
    origins: Vec<Origins>,
}

/// Reads and parses the spec at `file`, with the files its `$ref`s name.
pub fn load(file: &Path) -> Result<Spec> {
    let text =
        std::fs::read_to_string(file).map_err(|source| Error::Read { path: file.to_owned(), source })?;
    parse(file, &text)
}

/// Parses spec text; `file` is used for the format (by extension), in diagnostics, and to
/// find the files its `$ref`s name.
pub fn parse(file: &Path, text: &str) -> Result<Spec> {
    let parsed = source::parse(file, text)?;
    let diagnostic = |pointer: Pointer, position, message: String| Diagnostic {
        file: file.to_owned(),
        pointer,
        position,
        message,
    };
    let dialect = dialect(&parsed.value).map_err(|(pointer, message)| diagnostic(pointer, None, message))?;
    // The text reads as the tree does only when reading it changed nothing (no key given
    // twice, no merge key, no clamped number, no byte-order mark).
    let text_is_tree = parsed.notes.is_empty();
    let mut notes = parsed.notes;
    let bundled = bundle::bundle(file, parsed.value, dialect)?;
    notes.extend(bundled.notes);
    let files = bundled.files;
    let mut origins = vec![bundled.origins];
    let mut raw = bundled.document;
    let here = |origins: &[Origins], (pointer, message): (Pointer, String)| {
        let origin = origin::trace_all(origins, &pointer);
        Diagnostic {
            file: origin.file.unwrap_or_else(|| file.to_owned()),
            pointer: origin.pointer,
            position: None,
            message,
        }
    };
    let shape = if dialect == Dialect::Swagger2 {
        let converted = swagger2::convert(&raw);
        notes.extend(converted.notes.into_iter().map(|note| here(&origins, note)));
        origins.push(converted.origins);
        raw = converted.document;
        Dialect::OpenApi30
    } else {
        dialect
    };
    let (normalized, events) = normalize::normalize(&mut raw, shape);
    notes.extend(normalized.into_iter().map(|note| here(&origins, note)));
    origins.retain(|step| !step.is_empty());
    // A node put in several places (a `$ref` that must be inlined) is noted once.
    let mut seen = std::collections::HashSet::new();
    notes.retain(|note| {
        seen.insert((note.file.clone(), note.pointer.clone(), note.position, note.message.clone()))
    });
    let api = typed_document(&raw).map_err(|(pointer, message)| {
        // The typed path stops at the first flattened struct; look deeper, and keep the
        // parser's line only when it is about the same node of an unchanged document.
        let (deepest, message) = locate::locate(&raw).unwrap_or((pointer.clone(), message));
        let unchanged = text_is_tree && origins.is_empty() && dialect == Dialect::OpenApi30;
        let position = (unchanged && deepest == pointer)
            .then(|| {
                // openapiv3 panics where its two readings of one node disagree; the
                // position is a nicety, so such a node just goes without one.
                std::panic::catch_unwind(|| structure_position(parsed.format, text)).ok().flatten()
            })
            .flatten();
        Diagnostic { position, ..here(&origins, (deepest, message)) }
    })?;
    Ok(Spec { file: file.to_owned(), api, dialect, notes, events, files, raw, origins })
}

/// The dialect of a document, from its `openapi` or `swagger` member; anything else is
/// refused with the version found.
fn dialect(raw: &serde_json::Value) -> std::result::Result<Dialect, (Pointer, String)> {
    let Some(root) = raw.as_object() else {
        return Err((Pointer::root(), "expected an OpenAPI document (a mapping)".into()));
    };
    let text = |value: &serde_json::Value| match value {
        serde_json::Value::String(v) => Some(v.clone()),
        // `openapi: 3.1` unquoted in YAML is a number.
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    const EXPECTED: &str = "expected `openapi: 3.0.x`, `3.1.x` or `3.2.x`, or `swagger: '2.0'`";
    if let Some(version) = root.get("openapi") {
        return match text(version) {
            Some(v) if v.starts_with("3.0") => Ok(Dialect::OpenApi30),
            Some(v) if v.starts_with("3.1") => Ok(Dialect::OpenApi31),
            Some(v) if v.starts_with("3.2") => Ok(Dialect::OpenApi32),
            _ => Err((
                Pointer::root().join("openapi"),
                format!("unsupported OpenAPI version {version}: {EXPECTED}"),
            )),
        };
    }
    match root.get("swagger") {
        Some(version) if text(version).is_some_and(|v| v == "2.0" || v == "2") => Ok(Dialect::Swagger2),
        Some(version) => Err((
            Pointer::root().join("swagger"),
            format!("unsupported Swagger version {version}: {EXPECTED}"),
        )),
        None => Err((Pointer::root(), format!("missing `openapi` version field: {EXPECTED}"))),
    }
}

/// The typed document. Its large maps (the paths, the component schemas and examples: most
/// of a large document) are read entry by entry on every core; a document that does not fit
/// is read again as one, to say where.
fn typed_document(raw: &serde_json::Value) -> std::result::Result<openapiv3::OpenAPI, (Pointer, String)> {
    match typed_in_parts(raw) {
        Some(api) => Ok(api),
        None => typed(raw),
    }
}

/// Mappings of up to this many members are searched by comparing keys (see [`member_of`]).
const SMALL_MAPPING: usize = 8;

/// The member `key` of a mapping. Most nodes of a spec have a few members, and comparing
/// their keys costs less than hashing `key` (serde_json's maps hash with SipHash).
pub(crate) fn member_of<'m>(
    map: &'m serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Option<&'m serde_json::Value> {
    if map.len() <= SMALL_MAPPING {
        map.iter().find_map(|(name, value)| (name == key).then_some(value))
    } else {
        map.get(key)
    }
}

/// The component maps read entry by entry.
const LARGE_COMPONENTS: [&str; 2] = ["schemas", "examples"];

/// [`typed_document`] in parts: the document without its large maps, and their entries, read
/// at once; `None` when any part does not fit.
fn typed_in_parts(raw: &serde_json::Value) -> Option<openapiv3::OpenAPI> {
    use serde_json::{Map, Value};
    let root = raw.as_object()?;
    let components = root.get("components").and_then(Value::as_object);
    let paths = root.get("paths").and_then(Value::as_object);
    // Everything else, copied (on one thread while the other reads entries): the path items'
    // and large components' entries are left out (a path item is a member of `paths` that
    // starts with `/`, as the typed reader has it), and so are the root's extensions, which
    // the typed reader would buffer whole before taking them as they are (they are copied
    // as they are, by the same task: GitHub's `x-webhooks` is half a megabyte).
    let is_extension = |key: &String| key.starts_with("x-");
    let shell = || {
        let mut shell = Map::new();
        for (key, value) in root.iter().filter(|(key, _)| !is_extension(key)) {
            let value = match (key.as_str(), value) {
                ("paths", Value::Object(paths)) => Value::Object(
                    paths
                        .iter()
                        .filter(|(k, _)| !k.starts_with('/'))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                ),
                ("components", Value::Object(components)) => Value::Object(
                    components
                        .iter()
                        .filter(|(k, _)| !LARGE_COMPONENTS.contains(&k.as_str()))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                ),
                _ => value.clone(),
            };
            shell.insert(key.clone(), value);
        }
        Value::Object(shell)
    };
    let path_items = paths.map(|paths| paths.iter().filter(|(k, _)| k.starts_with('/')));
    let component =
        |name: &str| components.and_then(|c| c.get(name)).and_then(Value::as_object).map(|m| m.iter());
    let extensions = || root.iter().filter(|(key, _)| is_extension(key)).map(|(k, v)| (k.clone(), v.clone()));
    let ((api, extensions), (path_items, (schemas, examples))) = rayon::join(
        || (openapiv3::OpenAPI::deserialize(&shell()).ok(), extensions().collect()),
        || {
            rayon::join(
                || entries_read(path_items, path_item),
                || {
                    rayon::join(
                        || entries_read(component("schemas"), component_schema),
                        || entries_read(component("examples"), component_example),
                    )
                },
            )
        },
    );
    let mut api = api?;
    api.extensions = extensions;
    api.paths.paths = path_items?;
    let (schemas, examples) = (schemas?, examples?);
    // Without `components` (or with `components: null`) there are no entries to put back.
    if let Some(typed) = &mut api.components {
        typed.schemas = schemas;
        typed.examples = examples;
    }
    Some(api)
}

/// A component schema: read straight from the tree where it can be, else by its typed reader.
fn component_schema(value: &serde_json::Value) -> Option<openapiv3::ReferenceOr<openapiv3::Schema>> {
    schema_reader::schema_or_reference(value).or_else(|| openapiv3::ReferenceOr::deserialize(value).ok())
}

/// A component example: read straight from the tree where it can be, else by its typed reader.
fn component_example(value: &serde_json::Value) -> Option<openapiv3::ReferenceOr<openapiv3::Example>> {
    path_reader::example_or_reference(value).or_else(|| openapiv3::ReferenceOr::deserialize(value).ok())
}

/// A path item: read straight from the tree where it can be, else by its typed reader.
fn path_item(value: &serde_json::Value) -> Option<openapiv3::ReferenceOr<openapiv3::PathItem>> {
    path_reader::path_item_or_reference(value).or_else(|| openapiv3::ReferenceOr::deserialize(value).ok())
}

/// The entries of a map, each read with `read` on whichever core is free, in order.
fn entries_read<'a, T: Send>(
    members: Option<impl Iterator<Item = (&'a String, &'a serde_json::Value)>>,
    read: impl Fn(&serde_json::Value) -> Option<T> + Sync,
) -> Option<indexmap::IndexMap<String, T>> {
    use rayon::prelude::*;
    let Some(members) = members else { return Some(indexmap::IndexMap::new()) };
    let members: Vec<(&String, &serde_json::Value)> = members.collect();
    // One entry a task: entries differ in size by a hundred times, and large ones sit together
    // (GitHub's webhook payloads), so runs of entries left one core reading alone.
    let typed: Option<Vec<(String, T)>> = members
        .par_iter()
        .with_max_len(1)
        .map(|(key, value)| read(value).map(|t| ((*key).clone(), t)))
        .collect();
    typed.map(|typed| typed.into_iter().collect())
}

/// Deserializes a node of the raw tree into its typed form; a failure carries the pointer of
/// the node that did not fit.
pub(crate) fn typed<T: DeserializeOwned>(
    value: &serde_json::Value,
) -> std::result::Result<T, (Pointer, String)> {
    // Read at full speed first; only a document that does not fit is read again, tracking
    // the path, to say where.
    if let Ok(typed) = T::deserialize(value) {
        return Ok(typed);
    }
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
    /// A diagnostic about the node at `pointer` in this spec, named where the node was
    /// written (another file of a multi-file spec, or its place before conversion).
    pub fn error(&self, pointer: &Pointer, message: impl Into<String>) -> Diagnostic {
        let origin = origin::trace_all(&self.origins, pointer);
        Diagnostic {
            file: origin.file.unwrap_or_else(|| self.file.clone()),
            pointer: origin.pointer,
            position: None,
            message: message.into(),
        }
    }

    /// The operations of the path item at `item_at` that the 3.0 reader does not know:
    /// OpenAPI 3.2's `query` method and `additionalOperations`, each with the method name it
    /// is sent with (`QUERY`, or as written) and its pointer.
    pub fn additional_operations(
        &self,
        item_at: &Pointer,
    ) -> std::result::Result<Vec<(String, openapiv3::Operation, Pointer)>, Diagnostic> {
        if self.dialect != Dialect::OpenApi32 {
            return Ok(Vec::new());
        }
        let Some(item) = self.raw(item_at).and_then(serde_json::Value::as_object) else {
            return Ok(Vec::new());
        };
        let mut found: Vec<(String, &serde_json::Value, Pointer)> = Vec::new();
        if let Some(query) = item.get("query") {
            found.push(("QUERY".into(), query, item_at.join("query")));
        }
        if let Some(extra) = item.get("additionalOperations").and_then(serde_json::Value::as_object) {
            let extra_at = item_at.join("additionalOperations");
            for (method, operation) in extra.iter().filter(|(m, _)| !m.starts_with("x-")) {
                found.push((method.clone(), operation, extra_at.join(method)));
            }
        }
        found
            .into_iter()
            .map(|(method, node, at)| {
                let operation = typed::<openapiv3::Operation>(node).map_err(|(inner, message)| {
                    let inner = inner.tokens().fold(at.clone(), |p, t| p.join(t));
                    self.error(&inner, message)
                })?;
                Ok((method, operation, at))
            })
            .collect()
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
    fn members_are_found_as_a_lookup_finds_them() {
        for size in [0, 1, SMALL_MAPPING, SMALL_MAPPING + 1, 3 * SMALL_MAPPING] {
            let map: serde_json::Map<String, serde_json::Value> =
                (0..size).map(|index| (format!("k{index}"), serde_json::json!(index))).collect();
            for key in (0..=size).map(|index| format!("k{index}")).chain(["".into(), "k".into()]) {
                assert_eq!(member_of(&map, &key), map.get(&key), "{size} {key}");
            }
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
        let d = spec_error(parse_yaml("swagger: '1.2'\ninfo: {title: t, version: '1'}\n"));
        assert_eq!(d.pointer.to_string(), "#/swagger");
        let d = spec_error(parse_yaml("openapi: 4.0.0\ninfo: {title: t, version: '1'}\n"));
        assert_eq!(d.pointer.to_string(), "#/openapi");
        assert!(d.message.contains("`3.2.x`"), "{d}");
        for (text, dialect) in [
            ("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n", Dialect::Swagger2),
            ("openapi: 3.1\ninfo: {title: t, version: '1'}\n", Dialect::OpenApi31),
            ("openapi: 3.2.0\ninfo: {title: t, version: '1'}\n", Dialect::OpenApi32),
        ] {
            assert_eq!(parse_yaml(text).unwrap().dialect, dialect, "{text}");
        }
        let d = spec_error(parse_yaml("- 1\n- 2\n"));
        assert!(d.message.contains("mapping"), "{d}");
    }

    #[test]
    fn a_document_read_in_parts_is_the_document_read_whole() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  x-note: kept\n  /a: {get: {responses: {'200': {description: ok}}}}\n  /b: {$ref: '#/x-paths/b'}\ncomponents:\n  schemas:\n    A: {type: object, properties: {b: {$ref: '#/components/schemas/B'}}}\n    B: {type: string}\n  examples:\n    E: {value: 1}\n  responses:\n    R: {description: r}\nx-paths:\n  b: {get: {responses: {'204': {description: none}}}}\nx-n: [1.5, -2, {a: null}]\n";
        let raw: serde_json::Value = serde_yaml::from_str(text).unwrap();
        let whole = typed::<openapiv3::OpenAPI>(&raw).unwrap();
        let parts = typed_in_parts(&raw).expect("the document fits");
        assert_eq!(parts, whole);
        assert_eq!(parts.extensions.keys().collect::<Vec<_>>(), ["x-paths", "x-n"]);
        assert_eq!(parts.paths.paths.keys().collect::<Vec<_>>(), ["/a", "/b"]);
        assert_eq!(parts.paths.extensions.len(), 1);
        // A part that does not fit is left to the whole reading, which says where.
        let broken: serde_json::Value =
            serde_yaml::from_str(&text.replace("B: {type: string}", "B: {type: [1]}")).unwrap();
        assert!(typed_in_parts(&broken).is_none());
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
