//! Helpers shared by the generator's integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use generator::{Generated, Options};

/// The folder of fixture specs.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The fixture specs, sorted.
pub fn fixture_specs() -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "json")))
        .collect();
    specs.sort();
    specs
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the generator is a workspace member").to_owned()
}

/// The package name a fixture's crate gets (`allof-merge.yaml` -> `fixture_allof_merge`).
pub fn fixture_package(spec: &Path) -> String {
    let stem = spec.file_stem().unwrap().to_string_lossy().replace('-', "_");
    format!("fixture_{stem}")
}

pub fn generate_fixture(spec: &Path) -> Generated {
    let source = format!("tests/fixtures/{}", spec.file_name().unwrap().to_string_lossy());
    let options = Options::new(fixture_package(spec), source);
    generator::generate(spec, &options).unwrap_or_else(|e| panic!("{e}"))
}

/// A crate as one text: every file but the runtime (which is the same in every crate),
/// under a header naming it.
pub fn render(generated: &Generated) -> String {
    let mut out = String::new();
    for file in &generated.files {
        if file.path == Path::new("src/runtime.rs") {
            continue;
        }
        out.push_str(&format!("=== {} ===\n{}\n", file.path.display(), file.text));
    }
    // Warnings name the spec by the path it was read from; shown relative to this crate.
    let fixtures = fixtures_dir().display().to_string();
    for warning in &generated.warnings {
        out.push_str(&format!("warning: {}\n", warning.to_string().replace(&fixtures, "tests/fixtures")));
    }
    out
}

/// Generates a crate from spec text written to a scratch folder as `file_name`.
pub fn generate_text(file_name: &str, text: &str, options: &Options) -> Result<Generated, generator::Error> {
    let temp = tempfile::tempdir().expect("a scratch folder");
    let spec = temp.path().join(file_name);
    std::fs::write(&spec, text).expect("the spec is written");
    generator::generate(&spec, options)
}

/// The text of one generated file.
pub fn file_text<'g>(generated: &'g Generated, path: &str) -> &'g str {
    let file = generated.files.iter().find(|f| f.path == Path::new(path));
    &file.unwrap_or_else(|| panic!("no file {path}")).text
}
