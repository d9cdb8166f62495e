//! The fixtures' expected crates (`tests/expected`, kept equal to what the generator makes by
//! `expected_crates.rs`) compile, are clippy-clean, document without a rustdoc warning, and
//! have no doctests but the examples the generator writes (the README's and one per
//! operation). They are one workspace, checked with `cargo clippy -D warnings`,
//! `cargo doc` and `cargo test --doc` using the project's lock file, so no new versions are
//! fetched.

mod common;

use std::fs;
use std::process::Command;

use common::{expected_dir, fixture_specs, workspace_root};

#[test]
fn fixture_crates_compile_without_warnings() {
    let root = workspace_root();
    let workspace = expected_dir();
    let target = root.join("target/fixture-crates");
    // The lock file is the project's (ignored by git here): the same versions as every crate.
    fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(&cargo)
        .args(["clippy", "--workspace", "--all-targets", "--offline", "--quiet", "--", "-D", "warnings"])
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "fixture crates do not compile cleanly:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = Command::new(&cargo)
        .args(["doc", "--workspace", "--no-deps", "--offline", "--quiet"])
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTDOCFLAGS", "-D warnings")
        .output()
        .unwrap();
    assert!(output.status.success(), "rustdoc warns:\n{}", String::from_utf8_lossy(&output.stderr));
    // The doctests of a crate are the examples the generator writes: no spec text is code.
    let output = Command::new(cargo)
        .args(["test", "--workspace", "--doc", "--offline", "--", "--format", "terse"])
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "doctests fail:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    // `Doc-tests <crate>` (on stderr) and `running <n> tests` (on stdout) come in the same order.
    let crates: Vec<&str> =
        stderr.lines().filter_map(|line| line.trim().strip_prefix("Doc-tests ")).collect();
    let counts: Vec<usize> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("running ")?.split(' ').next()?.parse().ok())
        .collect();
    assert_eq!(crates.len(), fixture_specs().len(), "{stderr}");
    assert_eq!(counts.len(), crates.len(), "{stdout}");
    for (name, count) in crates.iter().zip(counts) {
        assert_eq!(
            count,
            written_examples(&workspace.join(name)),
            "a doctest of {name} came from spec text:\n{stdout}"
        );
    }
}

/// The examples the generator writes into a crate: its README's and one per operation.
fn written_examples(dir: &std::path::Path) -> usize {
    let readme = fs::read_to_string(dir.join("README.md")).unwrap();
    let mut count = readme.lines().filter(|line| *line == "```rust,no_run").count();
    let mut folders = vec![dir.join("src")];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).unwrap();
                count += text.lines().filter(|line| line.trim() == "/// ```no_run").count();
            }
        }
    }
    count
}
