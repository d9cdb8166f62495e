//! The conform command on the fixture of what it found (`fixtures/conform-found.yaml`): the
//! client of every operation is built and called against Prism, and each operation gets the
//! outcome it should. Each fix (the `Accept` header, a 204's body, typed multipart file parts,
//! a required multipart body of optional parts, API keys declared as parameters, a declared
//! `User-Agent`, members only the server sends, text of any media type, values for `allOf`
//! members and look-ahead patterns) makes its operation `ok`; each of Prism's faults is
//! `mock-wrong`, and a Prism that stops is started again for the operations after. Prism is
//! installed by `scripts/test`.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use common::{fixtures_dir, workspace_root};

#[test]
fn every_finding_has_its_outcome() {
    let root = workspace_root();
    let prism = root.join("tests/prism/node_modules/.bin/prism");
    assert!(
        prism.exists(),
        "Prism is not installed: run `scripts/test`, which installs it (npm ci in tests/prism)"
    );
    let dir = root.join("target/conform-test");
    let csv = dir.join("conform-found.csv");
    std::fs::create_dir_all(&dir).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_generator"))
        .arg("conform")
        .arg(fixtures_dir().join("conform-found.yaml"))
        .arg("--dir")
        .arg(&dir)
        .arg("--csv")
        .arg(&csv)
        .current_dir(&root)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("spec,operation,method,path,outcome,detail"));
    let outcomes: BTreeMap<String, (String, String)> = lines
        .map(|line| {
            let fields: Vec<&str> = line.splitn(6, ',').collect();
            (fields[1].to_owned(), (fields[4].to_owned(), fields[5].to_owned()))
        })
        .collect();
    let expected = [
        ("downloadReport", "ok"),
        ("setBanner", "ok"),
        ("uploadFile", "ok"),
        ("upload", "mock-wrong"),
        ("getBoard", "ok"),
        ("createAccount", "ok"),
        ("search", "mock-wrong"),
        ("renewToken", "mock-wrong"),
        ("afterTheCrash", "ok"),
        ("getGiftList", "mock-wrong"),
        ("exampleOnly", "ok"),
        ("createWidget", "ok"),
        ("configuration", "ok"),
        ("importFile", "ok"),
        ("scanReceipt", "ok"),
        ("servletState", "ok"),
        ("page", "mock-wrong"),
        ("describeThings", "mock-wrong"),
    ];
    for (operation, outcome) in expected {
        let (got, detail) =
            outcomes.get(operation).unwrap_or_else(|| panic!("no row for {operation}:\n{text}"));
        assert_eq!(got, outcome, "{operation}: {detail}\n{stdout}");
    }
    assert_eq!(outcomes.len(), expected.len(), "{text}");
    assert!(outcomes["renewToken"].1.contains("Prism stopped while answering"), "{text}");
    assert!(outcomes["getGiftList"].1.contains("prism#2057"), "{text}");
    assert!(stdout.contains("18 operations of 1 specs"), "{stdout}");
}
