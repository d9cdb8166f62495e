//! Helpers shared by the generator's integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use generator::{Generated, Options};

/// The folder of fixture specs.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The fixture specs, sorted: each file at the top, and the `openapi.yaml` entry of each
/// folder (a spec of several files).
pub fn fixture_specs() -> Vec<PathBuf> {
    let is_spec = |p: &Path| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "json"));
    let mut specs: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures folder")
        .map(|e| e.expect("entry").path())
        .filter_map(|p| {
            if p.is_dir() {
                Some(p.join("openapi.yaml")).filter(|e| e.is_file())
            } else {
                is_spec(&p).then_some(p)
            }
        })
        .collect();
    specs.sort();
    specs
}

/// A fixture's path below the fixtures folder (`multi-file/openapi.yaml`).
pub fn fixture_name(spec: &Path) -> String {
    spec.strip_prefix(fixtures_dir()).unwrap_or(spec).to_string_lossy().replace('\\', "/")
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the generator is a workspace member").to_owned()
}

/// The package name a fixture's crate gets (`allof-merge.yaml` -> `fixture_allof_merge`,
/// `multi-file/openapi.yaml` -> `fixture_multi_file`).
pub fn fixture_package(spec: &Path) -> String {
    let name = fixture_name(spec);
    let stem = name.strip_suffix("/openapi.yaml").unwrap_or(&name);
    let stem = stem.rsplit_once('.').map_or(stem, |(stem, _)| stem).replace('-', "_");
    format!("fixture_{stem}")
}

pub fn generate_fixture(spec: &Path) -> Generated {
    let source = format!("tests/fixtures/{}", fixture_name(spec));
    let options = Options::new(fixture_package(spec), source);
    generator::generate(spec, &options).unwrap_or_else(|e| panic!("{e}"))
}

/// The folder of the fixtures' expected crates, one workspace.
pub fn expected_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expected")
}

/// For a file every crate carries verbatim (the runtime, a signer), the generator source it
/// is copied from, relative to the generator's `src` folder. Expected crates link to it
/// instead of holding a copy.
pub fn verbatim_source(path: &Path) -> Option<PathBuf> {
    if let Ok(rest) = path.strip_prefix("src/runtime") {
        return Some(Path::new("runtime").join(rest));
    }
    (path == Path::new("src/ncp_apigw_v2.rs")).then(|| PathBuf::from("signers/ncp_apigw_v2.rs"))
}

/// The generation's warnings, one per line, naming the spec by its path in this crate.
pub fn warnings_text(generated: &Generated) -> String {
    let fixtures = fixtures_dir().display().to_string();
    let mut out = String::new();
    for warning in &generated.warnings {
        out.push_str(&format!("{}\n", warning.to_string().replace(&fixtures, "tests/fixtures")));
    }
    out
}

/// A crate as one text: every file but those copied verbatim (the same in every crate),
/// under a header naming it, then the warnings.
pub fn render(generated: &Generated) -> String {
    let mut out = String::new();
    for file in generated.files.iter().filter(|f| verbatim_source(&f.path).is_none()) {
        out.push_str(&format!("=== {} ===\n{}\n", file.path.display(), file.text));
    }
    out + &warnings_text(generated)
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
