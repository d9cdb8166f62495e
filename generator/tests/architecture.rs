//! `ARCHITECTURE.md` matches the tree: every path it names exists, and every module at the top
//! of `src/` is named in it.

use std::path::Path;

fn map() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md")).unwrap()
}

/// The code spans of the text that look like paths of this tree (`src/lib.rs`, `lower/cycles.rs`,
/// `src/runtime/`; a generated crate's are written `<crate>/...`).
fn paths(text: &str) -> Vec<&str> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|span| !span.contains(' ') && !span.starts_with("<crate>/"))
        .filter(|span| span.ends_with(".rs") || span.ends_with('/') || span.ends_with(".md"))
        .collect()
}

#[test]
fn every_path_named_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = map();
    let named = paths(&text);
    assert!(named.len() > 20, "{named:?}");
    for path in named {
        // Paths are written from the generator's folder, or from `src/` inside a stage's row.
        let found = root.join(path).exists() || root.join("src").join(path).exists();
        assert!(found, "ARCHITECTURE.md names `{path}`, which is not in the tree");
    }
}

#[test]
fn every_top_level_module_is_named() {
    let text = map();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(src).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let named = if name.ends_with(".rs") { name.clone() } else { format!("{name}/") };
        assert!(text.contains(&format!("src/{named}")), "ARCHITECTURE.md does not mention src/{named}");
    }
}
