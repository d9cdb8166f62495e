//! Snapshots of the emitted code: one per fixture spec, one per spec of this project.

mod common;

use common::{generate_fixture, render, workspace_root};

#[test]
fn fixture_specs() {
    insta::glob!("fixtures/{*.yaml,*/openapi.yaml}", |path| {
        insta::assert_snapshot!(render(&generate_fixture(path)));
    });
}

#[test]
fn project_specs() {
    let root = workspace_root();
    let clients = generator::config::load(&root.join("generator.toml")).unwrap();
    assert!(!clients.is_empty());
    for client in clients {
        let generated = generator::generate(&client.spec, &client.options).unwrap();
        insta::assert_snapshot!(client.options.package.clone(), render(&generated));
    }
}
