//! Every fixture's generated crate compiles, is clippy-clean and has no doctest but its
//! README's example: they are written into one scratch workspace under `target/`, checked
//! with `cargo clippy -D warnings` and `cargo test --doc`, using the project's lock file so no
//! new versions are fetched.

mod common;

use std::fs;
use std::process::Command;

use common::{fixture_package, fixture_specs, generate_fixture, workspace_root};

#[test]
fn fixture_crates_compile_without_warnings() {
    let root = workspace_root();
    let scratch = root.join("target/fixture-crates");
    let workspace = scratch.join("workspace");
    let _ = fs::remove_dir_all(&workspace);
    let mut members = Vec::new();
    for spec in fixture_specs() {
        let package = fixture_package(&spec);
        let dir = workspace.join(&package);
        for file in generate_fixture(&spec).files {
            let path = dir.join(&file.path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, file.text).unwrap();
        }
        members.push(format!("\"{package}\""));
    }
    let manifest = format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", "));
    fs::write(workspace.join("Cargo.toml"), manifest).unwrap();
    fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(&cargo)
        .args(["clippy", "--workspace", "--all-targets", "--offline", "--quiet", "--", "-D", "warnings"])
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", scratch.join("target"))
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
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "doctests fail:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let counts: Vec<&str> = stdout.lines().filter(|line| line.starts_with("running ")).collect();
    assert_eq!(counts.len(), members.len(), "{stdout}");
    assert!(counts.iter().all(|line| *line == "running 1 test"), "a doctest came from spec text:\n{stdout}");
}
