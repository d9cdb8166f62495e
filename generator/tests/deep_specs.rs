//! Specs far deeper or longer than any real one: the command and the library generate them
//! or refuse them with a diagnostic that names the place, and neither overflows its stack.
//! The library is called from a thread with a small stack, the command from its own main
//! thread: the pipeline runs on a stack of its own in both.
//!
//! The documents are built here rather than kept as files: they are megabytes of repetition.

use std::path::{Path, PathBuf};
use std::process::Command;

use generator::{Error, Options};

/// A document whose one operation answers `S0`, with these `components/schemas` (JSON text).
fn document(schemas: &str) -> String {
    format!(
        r##"{{"openapi":"3.0.3","info":{{"title":"Deep","version":"1"}},"paths":{{"/x":{{"get":{{"operationId":"get_x","responses":{{"200":{{"description":"ok","content":{{"application/json":{{"schema":{{"$ref":"#/components/schemas/S0"}}}}}}}}}}}}}}}},"components":{{"schemas":{{{schemas}}}}}}}"##
    )
}

/// `S0` with 10,000 levels of objects inside it.
fn nested(levels: usize) -> String {
    let open = r#"{"type":"object","properties":{"a":"#.repeat(levels);
    let close = "}}".repeat(levels);
    document(&format!(r#""S0":{open}{{"type":"string"}}{close}"#))
}

/// `S0` .. `S{n-1}`, each built from the next by `link` (which gets the next one's `$ref`).
fn chain(length: usize, link: impl Fn(&str) -> String, last: &str) -> String {
    let mut schemas: Vec<String> = (0..length - 1)
        .map(|i| {
            format!(r##""S{i}":{}"##, link(&format!(r##"{{"$ref":"#/components/schemas/S{}"}}"##, i + 1)))
        })
        .collect();
    schemas.push(format!(r#""S{}":{last}"#, length - 1));
    document(&schemas.join(","))
}

/// A cycle through every way one schema holds another: `allOf`, `oneOf`, array items and
/// map values.
fn cycle() -> String {
    let reference = |name: &str| format!(r##"{{"$ref":"#/components/schemas/{name}"}}"##);
    document(&format!(
        r#""S0":{{"allOf":[{}]}},"B":{{"oneOf":[{},{{"type":"string"}}]}},"C":{{"type":"array","items":{}}},"D":{{"type":"object","additionalProperties":{}}}"#,
        reference("B"),
        reference("C"),
        reference("D"),
        reference("S0")
    ))
}

/// What a spec must come to.
#[derive(Debug)]
enum Expect {
    Generated,
    /// Refused with a diagnostic at this pointer whose message says this.
    Refused {
        pointer: &'static str,
        message: &'static str,
    },
}

fn cases() -> Vec<(&'static str, String, Expect)> {
    let object = |next: &str| format!(r#"{{"type":"object","properties":{{"next":{next}}}}}"#);
    vec![
        (
            "nested",
            nested(10_000),
            Expect::Refused { pointer: "#", message: "the JSON nests more than 128 levels deep here" },
        ),
        ("chain-of-properties", chain(20_000, object, r#"{"type":"string"}"#), Expect::Generated),
        (
            "chain-of-refs",
            chain(20_000, str::to_owned, r#"{"type":"string"}"#),
            Expect::Refused { pointer: "#/components/schemas/S0", message: "`$ref` chain longer than 64" },
        ),
        ("cycle", cycle(), Expect::Generated),
    ]
}

fn write_spec(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_library_generates_or_refuses_deep_specs_from_a_small_stack() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, expect) in cases() {
        let spec = write_spec(dir.path(), name, &text);
        // 256 KiB: far less than any spec here would need if the pipeline ran on it.
        let result = std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(move || generator::generate(&spec, &Options::new("deep", "deep.json")))
            .unwrap()
            .join()
            .unwrap_or_else(|_| panic!("{name}: the generator panicked"));
        match (expect, result) {
            (Expect::Generated, Ok(generated)) => {
                assert!(generated.files.iter().any(|f| f.path == Path::new("src/types.rs")), "{name}")
            }
            (Expect::Refused { pointer, message }, Err(Error::Spec(diagnostic))) => {
                assert_eq!(diagnostic.pointer.to_string(), pointer, "{name}: {diagnostic}");
                assert!(diagnostic.message.starts_with(message), "{name}: {diagnostic}");
            }
            (expect, result) => panic!("{name}: expected {expect:?}, got {:?}", result.map(|_| "generated")),
        }
    }
}

#[test]
fn the_command_generates_or_refuses_deep_specs() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, expect) in cases() {
        let spec = write_spec(dir.path(), name, &text);
        let out = dir.path().join(format!("{name}-crate"));
        let output = Command::new(env!("CARGO_BIN_EXE_generator"))
            .arg("generate")
            .arg(&spec)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        // A stack overflow or panic ends the process by a signal or with code 101.
        match expect {
            Expect::Generated => {
                assert_eq!(output.status.code(), Some(0), "{name}: {stderr}");
                assert!(out.join("src/types.rs").is_file(), "{name}");
            }
            Expect::Refused { pointer, message } => {
                assert_eq!(output.status.code(), Some(1), "{name}: {stderr}");
                let first = stderr.lines().next().unwrap_or_default();
                assert!(first.starts_with(&format!("error: {}", spec.display())), "{name}: {stderr}");
                assert!(first.contains(&format!(": at {pointer}: {message}")), "{name}: {stderr}");
                assert!(!out.exists(), "{name}: a refused spec wrote files");
            }
        }
    }
}
