//! A client generated at build time: what a `build.rs` calls. The crate's sources are written
//! under `OUT_DIR`, with a root module the package's `lib.rs` includes, and cargo is told to run
//! the script again only when a file of the spec changes.
//!
//! ```no_run
//! // build.rs, in `fn main`
//! let options = generator::Options::new("my_client", "access-history.yaml");
//! if let Err(error) = generator::build_script::generate("access-history.yaml", &options) {
//!     panic!("{error}");
//! }
//! ```
//!
//! ```ignore
//! // src/lib.rs
//! include!(concat!(env!("OUT_DIR"), "/client.rs"));
//! ```
//!
//! The package's `Cargo.toml` lists the dependencies and features the client needs (those of
//! the crate `generator generate` writes for the same spec); a build that lacks one fails and
//! names what to add.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::{escape, Generated, Options};

/// The file under `OUT_DIR` that the package's `lib.rs` includes.
pub const ROOT_FILE: &str = "client.rs";

/// Generates the client for `spec` (relative to the package) into `OUT_DIR`: the whole of a
/// build script's work. The client's docs and examples name the package being built
/// (`CARGO_PKG_NAME`), whatever `options.package` says. Nothing is written when generation
/// fails.
pub fn generate(spec: impl AsRef<Path>, options: &Options) -> Result<()> {
    let spec = spec.as_ref();
    let var = |name: &str| {
        std::env::var_os(name).map(PathBuf::from).ok_or_else(|| Error::Config {
            path: spec.to_owned(),
            message: format!("`{name}` is not set: `build_script::generate` runs in a build script"),
        })
    };
    let (out_dir, package_dir) = (var("OUT_DIR")?, var("CARGO_MANIFEST_DIR")?);
    let package = var("CARGO_PKG_NAME")?.to_string_lossy().into_owned();
    let options = Options { package, ..options.clone() };
    // Before generating, so that a spec that fails is looked at again once it is fixed.
    println!("cargo:rerun-if-changed={}", spec.display());
    let generated = crate::generate(spec, &options)?;
    for input in generated.inputs.iter().skip(1) {
        println!("cargo:rerun-if-changed={}", input.display());
    }
    for warning in &generated.warnings {
        println!("cargo:warning={}", escape::comment(&warning.to_string()));
    }
    let manifest = package_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|source| Error::Read { path: manifest.clone(), source })?;
    let missing = missing_from_manifest(&generated, &text)
        .map_err(|message| Error::Config { path: manifest.clone(), message })?;
    if !missing.is_empty() {
        return Err(Error::Config {
            path: manifest,
            message: format!(
                "the generated client needs these in the package's manifest:\n{}",
                missing.join("\n")
            ),
        });
    }
    write_included(&generated, &out_dir)
}

/// What the package's manifest lacks of the generated crate's dependencies and features, as
/// the TOML lines to add under their tables.
pub fn missing_from_manifest(generated: &Generated, package_manifest: &str) -> Result<Vec<String>, String> {
    let ours = generated
        .files
        .iter()
        .find(|file| file.path == Path::new("Cargo.toml"))
        .ok_or("the generated crate has no manifest")?;
    let ours: toml::Table = toml::from_str(&ours.text).map_err(|e| format!("the generated manifest: {e}"))?;
    let theirs: toml::Table =
        toml::from_str(package_manifest).map_err(|e| format!("not a valid manifest: {e}"))?;
    let mut missing = Vec::new();
    for table in ["dependencies", "features"] {
        let Some(needed) = ours.get(table).and_then(toml::Value::as_table) else { continue };
        let present = theirs.get(table).and_then(toml::Value::as_table);
        for (name, value) in needed {
            let lacking = match present.and_then(|present| present.get(name)) {
                None => true,
                // A dependency without a feature the client uses does not compile it.
                Some(theirs) => {
                    let theirs = features_of(theirs);
                    table == "dependencies" && !features_of(value).iter().all(|f| theirs.contains(f))
                }
            };
            if lacking {
                missing.push(format!("[{table}] {name} = {value}"));
            }
        }
    }
    Ok(missing)
}

/// The features a dependency's entry turns on (`{ version = "1", features = [..] }`).
fn features_of(dependency: &toml::Value) -> Vec<&str> {
    let features = dependency.get("features").and_then(toml::Value::as_array);
    features.into_iter().flatten().filter_map(toml::Value::as_str).collect()
}

/// Writes the crate's sources under `out_dir` (a file only where its text changed, so an
/// unchanged client does not recompile) and the root module that includes them.
pub fn write_included(generated: &Generated, out_dir: &Path) -> Result<()> {
    let sources = out_dir.join("client");
    for file in &generated.files {
        write_if_changed(&sources.join(&file.path), &file.text)?;
    }
    let lib = generated.files.iter().find(|file| file.path == Path::new("src/lib.rs"));
    let lib = lib.ok_or_else(|| Error::Config {
        path: out_dir.to_owned(),
        message: "the generated crate has no `src/lib.rs`".into(),
    })?;
    let paths: Vec<&Path> = generated.files.iter().map(|file| file.path.as_path()).collect();
    write_if_changed(&out_dir.join(ROOT_FILE), &included_root(&lib.text, &paths, &sources))
}

/// The crate root as a file to `include!`: its inner attributes left to the including file,
/// and each module declaration given the path of its file (one of `files`, relative to the
/// crate, which is at `dir`).
fn included_root(lib: &str, files: &[&Path], dir: &Path) -> String {
    let mut out = String::with_capacity(lib.len() * 2);
    for line in lib.lines() {
        if line.starts_with("#![") {
            continue;
        }
        let module =
            line.strip_prefix("pub ").unwrap_or(line).strip_prefix("mod ").and_then(|m| m.strip_suffix(';'));
        if let Some(module) = module {
            let flat = Path::new("src").join(format!("{module}.rs"));
            let file = if files.contains(&flat.as_path()) {
                flat
            } else {
                Path::new("src").join(module).join("mod.rs")
            };
            let path = dir.join(file);
            out.push_str(&format!("#[path = {}]\n", escape::rust_string(&path.to_string_lossy())));
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    let write =
        |result: std::io::Result<()>| result.map_err(|source| Error::Write { path: path.to_owned(), source });
    if let Some(parent) = path.parent() {
        write(std::fs::create_dir_all(parent))?;
    }
    write(std::fs::write(path, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_names_each_module_file_and_leaves_inner_attributes_out() {
        let dir = Path::new("/out/client");
        let files = [Path::new("src/lib.rs"), Path::new("src/client.rs"), Path::new("src/runtime/mod.rs")];
        let lib = "#![doc = include_str!(\"../README.md\")]\nmod client;\nmod runtime;\n#[cfg(feature = \"pets\")]\npub mod pets;\npub use client::Client;\n";
        let root = included_root(lib, &files, dir);
        let at = |path: PathBuf| format!("#[path = {}]", escape::rust_string(&path.to_string_lossy()));
        let expected = format!(
            "{}\nmod client;\n{}\nmod runtime;\n#[cfg(feature = \"pets\")]\n{}\npub mod pets;\npub use client::Client;\n",
            at(dir.join("src/client.rs")),
            at(dir.join("src/runtime/mod.rs")),
            at(dir.join("src/pets/mod.rs")),
        );
        assert_eq!(root, expected);
    }

    #[test]
    fn a_manifest_without_a_needed_dependency_or_feature_is_told_what_to_add() {
        let manifest = r#"
            [dependencies]
            serde = { version = "1.0", features = ["derive"] }
            reqwest = "0.13"

            [features]
            full = ["pets"]
            pets = []
        "#;
        let generated = Generated {
            files: vec![crate::format::FormattedFile { path: "Cargo.toml".into(), text: manifest.into() }],
            warnings: Vec::new(),
            counts: crate::Counts::default(),
            inputs: Vec::new(),
        };
        assert_eq!(missing_from_manifest(&generated, manifest), Ok(Vec::new()));
        let lacking =
            "[package]\nname = \"mine\"\n\n[dependencies]\nserde = \"1\"\n\n[features]\nfull = []\n";
        assert_eq!(
            missing_from_manifest(&generated, lacking),
            Ok(vec![
                r#"[dependencies] reqwest = "0.13""#.to_owned(),
                r#"[dependencies] serde = { features = ["derive"], version = "1.0" }"#.to_owned(),
                "[features] pets = []".to_owned(),
            ])
        );
        // More features than the client needs are fine.
        let more = r#"
            [dependencies]
            serde = { version = "1", features = ["rc", "derive"] }
            reqwest = { version = "0.13", features = ["json"] }
            [features]
            full = []
            pets = []
        "#;
        assert_eq!(missing_from_manifest(&generated, more), Ok(Vec::new()));
        assert!(missing_from_manifest(&generated, "not toml [")
            .unwrap_err()
            .starts_with("not a valid manifest"));
    }
}
