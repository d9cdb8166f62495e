//! Each fixture's generated crate is kept, as the files of a real crate, in
//! `tests/expected/<package>/` (one workspace, compiled by `fixture_crates.rs`); this test
//! fails when generation differs from them, with a diff. Files every crate carries verbatim
//! (the runtime, signers) are links to their source, and `warnings.txt` holds the
//! generation's warnings.
//!
//! After a deliberate change: `UPDATE_EXPECTED=1 cargo test -p generator --test expected_crates`,
//! then review the change with `git diff`.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::{
    expected_dir, fixture_package, fixture_specs, generate_fixture, verbatim_source, warnings_text,
};

/// What one file of an expected crate is.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Text(String),
    /// A link to this file of the generator's `src` folder.
    Link(PathBuf),
}

/// The expected crate's entries for what the generator makes of a fixture.
fn wanted(spec: &Path) -> BTreeMap<PathBuf, Entry> {
    let generated = generate_fixture(spec);
    let mut entries: BTreeMap<PathBuf, Entry> = generated
        .files
        .iter()
        .map(|file| {
            let entry = match verbatim_source(&file.path) {
                Some(source) if copies(&file.text, &source) => Entry::Link(source),
                _ => Entry::Text(file.text.clone()),
            };
            (file.path.clone(), entry)
        })
        .collect();
    let warnings = warnings_text(&generated);
    if !warnings.is_empty() {
        entries.insert(PathBuf::from("warnings.txt"), Entry::Text(warnings));
    }
    entries
}

/// Whether a file is its source under the generated header: a link then stands for it. (A
/// crate without streamed answers has the runtime's `mod.rs` without the streaming module.)
fn copies(text: &str, source: &Path) -> bool {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(source);
    std::fs::read_to_string(path).is_ok_and(|original| text.ends_with(&original))
}

/// The entries of an expected crate on disk (a link is read as its target).
fn present(dir: &Path) -> BTreeMap<PathBuf, Entry> {
    let mut entries = BTreeMap::new();
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        let Ok(listing) = fs::read_dir(&folder) else { continue };
        for item in listing {
            let path = item.unwrap().path();
            let relative = path.strip_prefix(dir).unwrap().to_owned();
            let kind = fs::symlink_metadata(&path).unwrap().file_type();
            if kind.is_symlink() {
                entries.insert(
                    relative.clone(),
                    Entry::Link(link_source(&relative, &fs::read_link(&path).unwrap())),
                );
            } else if kind.is_dir() {
                folders.push(path);
            } else {
                entries.insert(relative, Entry::Text(fs::read_to_string(&path).unwrap()));
            }
        }
    }
    entries
}

/// The link a file at `relative` in an expected crate has to the generator's `src/<source>`,
/// and back.
fn link_target(relative: &Path, source: &Path) -> PathBuf {
    let mut target: PathBuf = std::iter::repeat_n("..", levels_up(relative)).collect();
    target.push("src");
    target.push(source);
    target
}

fn link_source(relative: &Path, target: &Path) -> PathBuf {
    // The `..`s, then `src`.
    target.components().skip(levels_up(relative) + 1).collect()
}

/// How many folders a link at `relative` in an expected crate goes up to reach the
/// generator's folder: its own folders in the crate, then `<package>`, `expected`, `tests`.
fn levels_up(relative: &Path) -> usize {
    relative.components().count() - 1 + 3
}

fn write(dir: &Path, entries: &BTreeMap<PathBuf, Entry>) {
    let _ = fs::remove_dir_all(dir);
    for (relative, entry) in entries {
        let path = dir.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        match entry {
            Entry::Text(text) => fs::write(&path, text).unwrap(),
            Entry::Link(source) => std::os::unix::fs::symlink(link_target(relative, source), &path).unwrap(),
        }
    }
}

/// What differs between the expected and the generated entries, as a readable report.
fn differences(package: &str, want: &BTreeMap<PathBuf, Entry>, have: &BTreeMap<PathBuf, Entry>) -> String {
    let mut out = String::new();
    for (path, wanted) in want {
        let shown = Path::new(package).join(path).display().to_string();
        match (have.get(path), wanted) {
            (None, _) => out.push_str(&format!("{shown}: missing from the expected crate\n")),
            (Some(Entry::Text(old)), Entry::Text(new)) if old != new => {
                let diff = similar::TextDiff::from_lines(old, new);
                out.push_str(&format!(
                    "{}",
                    diff.unified_diff().context_radius(2).header(&shown, "generated")
                ));
            }
            (Some(found), wanted) if found != wanted => {
                out.push_str(&format!("{shown}: expected {found:?}, generated {wanted:?}\n"))
            }
            _ => {}
        }
    }
    for path in have.keys().filter(|path| !want.contains_key(*path)) {
        out.push_str(&format!("{}: no longer generated\n", Path::new(package).join(path).display()));
    }
    out
}

/// The expected crates' workspace manifest.
fn workspace_manifest(packages: &[String]) -> String {
    let members: Vec<String> = packages.iter().map(|p| format!("    \"{p}\",\n")).collect();
    format!(
        "# The fixtures' expected crates, compiled by `generator/tests/fixture_crates.rs`.\n\
         [workspace]\nresolver = \"2\"\nmembers = [\n{}]\n",
        members.concat()
    )
}

#[test]
fn fixture_crates_are_as_expected() {
    let update = std::env::var_os("UPDATE_EXPECTED").is_some();
    let root = expected_dir();
    let mut packages = Vec::new();
    let mut report = String::new();
    for spec in fixture_specs() {
        let package = fixture_package(&spec);
        let dir = root.join(&package);
        let want = wanted(&spec);
        if update {
            write(&dir, &want);
        } else {
            report.push_str(&differences(&package, &want, &present(&dir)));
        }
        packages.push(package);
    }
    let manifest = workspace_manifest(&packages);
    let manifest_path = root.join("Cargo.toml");
    if update {
        fs::write(&manifest_path, &manifest).unwrap();
        // Crates of fixtures that no longer exist.
        for entry in fs::read_dir(&root).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() && !packages.contains(&name) {
                fs::remove_dir_all(&path).unwrap();
            }
        }
    } else if fs::read_to_string(&manifest_path).ok().as_deref() != Some(manifest.as_str()) {
        report.push_str("tests/expected/Cargo.toml: its members are not the fixtures' crates\n");
    }
    assert!(
        report.is_empty(),
        "generated crates differ from tests/expected (after a deliberate change, run \
         `UPDATE_EXPECTED=1 cargo test -p generator --test expected_crates`):\n{report}"
    );
}

#[test]
fn links_point_at_the_generator_source() {
    let relative = Path::new("src/runtime/mod.rs");
    let target = link_target(relative, Path::new("runtime/mod.rs"));
    assert_eq!(target, Path::new("../../../../../src/runtime/mod.rs"));
    assert_eq!(link_source(relative, &target), Path::new("runtime/mod.rs"));
    let dir = expected_dir().join("fixture_chat_stream");
    assert!(dir.join(relative).parent().unwrap().join(&target).is_file(), "{}", target.display());
}
