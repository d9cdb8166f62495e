//! The fixtures' expected crates (`tests/expected`, kept equal to what the generator makes by
//! `expected_crates.rs`) compile, are clippy-clean and have no doctest but their README's
//! example. They are one workspace, checked with `cargo clippy -D warnings` and
//! `cargo test --doc` using the project's lock file, so no new versions are fetched.

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
    // The only doctest of a crate is its README's usage example: no spec text is code.
    let output = Command::new(cargo)
        .args(["test", "--workspace", "--doc", "--offline", "--", "--format", "terse"])
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "doctests fail:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let counts: Vec<&str> = stdout.lines().filter(|line| line.starts_with("running ")).collect();
    assert_eq!(counts.len(), fixture_specs().len(), "{stdout}");
    assert!(counts.iter().all(|line| *line == "running 1 test"), "a doctest came from spec text:\n{stdout}");
}
