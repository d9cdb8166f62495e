//! Output is deterministic, checked-in crates are current, and the command line behaves:
//! `--check`, one-off generation, and failures that leave everything as it was.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{fixture_specs, generate_fixture, render, workspace_root};

#[test]
fn generating_again_gives_the_same_bytes() {
    for spec in fixture_specs() {
        let first = render(&generate_fixture(&spec));
        for _ in 0..3 {
            assert_eq!(render(&generate_fixture(&spec)), first, "{}", spec.display());
        }
    }
}

#[test]
fn generated_crates_match_their_specs() {
    let root = workspace_root();
    for client in generator::config::load(&root.join("generator.toml")).unwrap() {
        let generated = generator::generate(&client.spec, &client.options).unwrap();
        let output = generator::write::CrateOutput { dir: client.output.clone(), files: generated.files };
        let drift = generator::write::drift(&output).unwrap();
        assert!(drift.is_empty(), "run `cargo run -p generator`; stale: {drift:?}");
    }
}

fn generator() -> Command {
    Command::new(env!("CARGO_BIN_EXE_generator"))
}

const GOOD: &str = "openapi: 3.0.3\ninfo: {title: Good, version: '1'}\npaths: {}\n";
const BAD: &str =
    "openapi: 3.0.3\ninfo: {title: Bad, version: '1'}\npaths:\n  /x:\n    get:\n      responses: 12\n";

fn project(dir: &Path, second_spec: &str) {
    fs::create_dir_all(dir.join("specs")).unwrap();
    fs::write(dir.join("specs/good.yaml"), GOOD).unwrap();
    fs::write(dir.join("specs/second.yaml"), second_spec).unwrap();
    let config = "[[client]]\nspec = \"specs/good.yaml\"\noutput = \"generated/good\"\nname = \"good\"\n\n\
                  [[client]]\nspec = \"specs/second.yaml\"\noutput = \"generated/second\"\nname = \"second\"\n";
    fs::write(dir.join("generator.toml"), config).unwrap();
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push((path.display().to_string(), fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn check_names_stale_files_and_a_failed_run_changes_nothing() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    project(dir, GOOD);

    let check = generator().arg("--check").current_dir(dir).output().unwrap();
    assert!(!check.status.success());
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(stderr.contains("generated/good/src/lib.rs"), "{stderr}");
    assert!(!dir.join("generated").exists(), "--check wrote something");

    let run = generator().current_dir(dir).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let check = generator().arg("--check").current_dir(dir).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));

    // Edit a generated file: --check names it.
    fs::write(dir.join("generated/good/src/types.rs"), "// edited\n").unwrap();
    let check = generator().arg("--check").current_dir(dir).output().unwrap();
    assert!(!check.status.success());
    assert!(String::from_utf8_lossy(&check.stderr).contains("generated/good/src/types.rs"));
    generator().current_dir(dir).output().unwrap();

    // A broken spec: an error naming file and pointer, and every crate left as it was.
    let before = snapshot(&dir.join("generated"));
    fs::write(dir.join("specs/good.yaml"), GOOD.replace("Good", "Changed")).unwrap();
    fs::write(dir.join("specs/second.yaml"), BAD).unwrap();
    let run = generator().current_dir(dir).output().unwrap();
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("specs/second.yaml"), "{stderr}");
    assert!(stderr.contains("#/paths/~1x/get/responses"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(snapshot(&dir.join("generated")), before);
}

#[test]
fn one_off_generation_writes_a_complete_crate() {
    let temp = tempfile::tempdir().unwrap();
    let spec = common::fixtures_dir().join("envelope.yaml");
    let out = temp.path().join("client");
    let run = generator()
        .args(["generate", spec.to_str().unwrap(), "--out", out.to_str().unwrap(), "--name", "my-client"])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"my-client\""), "{manifest}");
    for file in
        ["README.md", "src/lib.rs", "src/client.rs", "src/runtime/mod.rs", "src/types.rs", "src/widgets.rs"]
    {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let bad_name = generator()
        .args(["generate", spec.to_str().unwrap(), "--out", out.to_str().unwrap(), "--name", "Not Valid"])
        .output()
        .unwrap();
    assert!(!bad_name.status.success());
    assert!(String::from_utf8_lossy(&bad_name.stderr).contains("not a usable crate name"));
}

#[test]
fn unreadable_and_unsupported_specs_are_errors_not_panics() {
    let temp = tempfile::tempdir().unwrap();
    let cases = [
        ("missing.yaml", None, "cannot read"),
        ("swagger.yaml", Some("swagger: '1.2'\ninfo: {title: t, version: '1'}\n"), "#/swagger"),
        ("broken.json", Some("{\"openapi\": "), "invalid JSON"),
        ("ref.yaml", Some("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n"), "#/components/schemas/A/$ref"),
        // Found by the fuzzer: a key given twice in a document that is also broken once
        // made the typed reader panic while looking for the error's line.
        ("twice.yaml", Some("openapi: 3.0.3\ncomponents:\n  schemas:\n    Value:\n      enum:\n      enum:\n"), "missing field `info`"),
    ];
    for (name, text, expected) in cases {
        let spec = temp.path().join(name);
        if let Some(text) = text {
            fs::write(&spec, text).unwrap();
        }
        let out = temp.path().join("out");
        let run = generator()
            .args(["generate", spec.to_str().unwrap(), "--out", out.to_str().unwrap()])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success(), "{name}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(stderr.contains(name), "{name}: {stderr}");
        assert!(!out.exists(), "{name}: wrote output");
    }
}

#[test]
fn swagger_and_multi_file_specs_generate_complete_crates() {
    let temp = tempfile::tempdir().unwrap();
    for (fixture, module) in [("swagger-2.yaml", "src/pets.rs"), ("multi-file/openapi.yaml", "src/pets.rs")] {
        let spec = common::fixtures_dir().join(fixture);
        let out = temp.path().join(fixture.replace('/', "-"));
        let run = generator()
            .args(["generate", spec.to_str().unwrap(), "--out", out.to_str().unwrap(), "--name", "from-cli"])
            .output()
            .unwrap();
        assert!(run.status.success(), "{fixture}: {}", String::from_utf8_lossy(&run.stderr));
        for file in [
            "Cargo.toml",
            "README.md",
            "src/lib.rs",
            "src/client.rs",
            "src/runtime/mod.rs",
            "src/types.rs",
            module,
        ] {
            assert!(out.join(file).is_file(), "{fixture}: {file} missing");
        }
    }
}

#[test]
fn errors_in_other_files_name_that_file() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    fs::create_dir_all(dir.join("paths")).unwrap();
    fs::write(
        dir.join("openapi.yaml"),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a: {$ref: 'paths/a.yaml'}\n",
    )
    .unwrap();
    // A parameter in no known place, two files away from the entry.
    fs::write(
        dir.join("paths/a.yaml"),
        "get:\n  parameters: [{$ref: '../params.yaml#/Bad'}]\n  responses: {'204': {description: done}}\n",
    )
    .unwrap();
    fs::write(dir.join("params.yaml"), "Bad: {name: x, in: nowhere, schema: {type: string}}\n").unwrap();
    let out = dir.join("out");
    let run = generator()
        .args(["generate", dir.join("openapi.yaml").to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(stderr.contains("params.yaml: at #/Bad"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn warnings_are_grouped_and_can_be_denied() {
    let temp = tempfile::tempdir().unwrap();
    let spec = temp.path().join("spec.yaml");
    let responses = |n: usize| {
        (0..n)
            .map(|i| format!("  /r{i}:\n    get:\n      responses:\n        '200': {{}}\n"))
            .collect::<String>()
    };
    let text = format!(
        "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths:\n  ping:\n    post: {{responses: {{}}}}\n{}",
        responses(7)
    );
    fs::write(&spec, text).unwrap();
    let out = temp.path().join("out");
    let run = generator()
        .args(["generate", spec.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("warning (7x): a response without a …; read as an empty one"), "{stderr}");
    assert!(stderr.contains("... and 2 more like these"), "{stderr}");
    assert!(
        stderr.contains("warning: ")
            && stderr.contains("#/paths/ping: the path `ping` does not start with `/`"),
        "{stderr}"
    );
    assert!(stderr.contains("8 warning(s) of 2 kind(s)"), "{stderr}");
    let denied = temp.path().join("denied");
    let run = generator()
        .args(["generate", spec.to_str().unwrap(), "--out", denied.to_str().unwrap(), "--deny-warnings"])
        .output()
        .unwrap();
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("--deny-warnings"));
    assert!(!denied.exists(), "a denied run wrote output");
}

#[test]
fn out_refuses_a_folder_it_did_not_write_unless_forced() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("work");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("spec.yaml"), GOOD).unwrap();
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let spec = out.join("spec.yaml");
    let run = |extra: &[&str]| {
        let mut command = generator();
        command.args(["generate", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]).args(extra);
        command.output().unwrap()
    };
    let refused = run(&[]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains(".generated.toml") && stderr.contains("--force"), "{stderr}");
    assert_eq!(snapshot(&out).len(), 2, "the folder was touched");
    let forced = run(&["--force"]);
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    assert_eq!(fs::read_to_string(&spec).unwrap(), GOOD);
    let marker = fs::read_to_string(out.join(".generated.toml")).unwrap();
    assert!(marker.contains("spec = \"spec.yaml\""), "{marker}");
    // From now on the folder is the generator's: no `--force` needed, and the user's files stay.
    fs::write(&spec, GOOD.replace("Good", "Better")).unwrap();
    let again = run(&[]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    let readme = fs::read_to_string(out.join("README.md")).unwrap();
    assert!(readme.contains("Better") && !readme.contains("Good"), "the README is the new spec's:\n{readme}");
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
}

#[test]
fn a_spec_path_is_data_in_every_header() {
    let spec = common::fixtures_dir().join("enums.yaml");
    let source = "specs/a\n[dependencies]\nevil = \"1\"\n\u{202E}.yaml";
    let generated = generator::generate(&spec, &generator::Options::new("fixture_enums", source)).unwrap();
    let file = |name: &str| generated.files.iter().find(|f| f.path == Path::new(name)).unwrap().text.clone();
    let manifest: toml::Table = toml::from_str(&file("Cargo.toml")).unwrap();
    let dependencies = manifest["dependencies"].as_table().unwrap();
    assert!(!dependencies.contains_key("evil"), "the path wrote a dependency");
    let marker: toml::Table = toml::from_str(&file(".generated.toml")).unwrap();
    assert_eq!(marker["spec"].as_str(), Some(source));
    for rust in generated.files.iter().filter(|f| f.path.extension().is_some_and(|e| e == "rs")) {
        let first = rust.text.lines().next().unwrap();
        assert!(first.starts_with("// @generated") && first.contains("specs/a\\n[dependencies]"), "{first}");
        syn::parse_file(&rust.text).unwrap_or_else(|e| panic!("{}: {e}", rust.path.display()));
    }
}
