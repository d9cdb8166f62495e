//! Spec text never becomes code: for arbitrary strings in every place a spec puts text (title,
//! version, descriptions, tag names, summaries, parameter names, enum values, scheme keys,
//! property names), the generated crate's docs hold no code block rustdoc would test but the
//! README's own example, its Rust files parse, and its manifest has exactly the keys it should.

use std::path::Path;

use proptest::prelude::*;
use pulldown_cmark::{CodeBlockKind, Event, Options as MarkdownOptions, Parser, Tag};
use serde_json::json;

/// The info strings of the code blocks rustdoc would find in `markdown`.
fn code_blocks(markdown: &str) -> Vec<String> {
    let options = MarkdownOptions::ENABLE_TABLES
        | MarkdownOptions::ENABLE_FOOTNOTES
        | MarkdownOptions::ENABLE_STRIKETHROUGH
        | MarkdownOptions::ENABLE_TASKLISTS;
    Parser::new_ext(markdown, options)
        .filter_map(|event| match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => Some(info.to_string()),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => Some("(indented)".to_owned()),
            _ => None,
        })
        .collect()
}

/// The docs of a formatted Rust file, one text per run of `///` or `//!` lines.
fn doc_runs(source: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in source.lines() {
        let line = line.trim_start();
        let doc = line.strip_prefix("///").or_else(|| line.strip_prefix("//!"));
        match doc {
            Some(text) => current.push(text.strip_prefix(' ').unwrap_or(text)),
            None if !current.is_empty() => runs.push(std::mem::take(&mut current).join("\n")),
            None => {}
        }
    }
    if !current.is_empty() {
        runs.push(current.join("\n"));
    }
    runs
}

/// Text a hostile or careless spec might hold.
fn spec_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("```".to_owned()),
        Just("~~~".to_owned()),
        Just("rust".to_owned()),
        Just("should_panic".to_owned()),
        Just("> ".to_owned()),
        Just("- ".to_owned()),
        Just("1. ".to_owned()),
        Just("    ".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("\r".to_owned()),
        Just("panic!()".to_owned()),
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just("|".to_owned()),
        Just("#".to_owned()),
        Just("[x]".to_owned()),
        Just("\u{202E}".to_owned()),
        "[ -~]{0,8}",
    ];
    prop::collection::vec(piece, 1..16).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn no_spec_text_becomes_code(
        title in spec_text(),
        version in spec_text(),
        description in spec_text(),
        tag in spec_text(),
        summary in spec_text(),
        parameter in spec_text(),
        value in spec_text(),
        scheme in spec_text(),
        property in spec_text(),
    ) {
        let spec = json!({
            "openapi": "3.0.3",
            "info": {"title": title, "version": version, "description": description},
            "tags": [{"name": tag, "description": description}],
            "paths": {"/items": {"get": {
                "operationId": "listItems",
                "tags": [tag],
                "summary": summary,
                "description": description,
                "parameters": [
                    {"name": parameter, "in": "query", "required": true, "description": description,
                     "schema": {"type": "string"}},
                    {"name": "kind", "in": "query", "schema": {"$ref": "#/components/schemas/Kind"}},
                ],
                "security": [{scheme.clone(): []}],
                "responses": {"200": {"description": description, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Item"}}}}},
            }}},
            "components": {
                "securitySchemes": {scheme: {"type": "apiKey", "in": "header", "name": "X-Key",
                                             "description": description}},
                "schemas": {
                    "Kind": {"type": "string", "enum": [value, "plain"], "description": description},
                    "Item": {"type": "object", "description": description,
                             "properties": {property: {"type": "string", "description": description}}},
                },
            },
        });
        let text = serde_json::to_string(&spec).unwrap();
        let loaded = generator::load::parse(Path::new("spec.json"), &text).unwrap();
        let generated = generator::generate_spec(&loaded, &generator::Options::new("spec_text", "spec.json")).unwrap();
        // The one code block of a `.rs` file that runs is the example the generator writes for
        // each operation (one here).
        let mut examples = 0;
        for file in &generated.files {
            let path = file.path.to_string_lossy();
            if path.ends_with(".rs") {
                syn::parse_file(&file.text).unwrap_or_else(|e| panic!("{path}: {e}"));
                prop_assert!(!file.text.contains("#[doc"), "{path}: a doc attribute not written as a comment");
                for run in doc_runs(&file.text) {
                    let blocks = code_blocks(&run);
                    examples += blocks.iter().filter(|b| *b == "no_run").count();
                    prop_assert!(blocks.iter().all(|b| b == "text" || b == "no_run"), "{path}: {blocks:?} in\n{run}");
                }
            } else if path == "README.md" {
                let blocks = code_blocks(&file.text);
                let examples = blocks.iter().filter(|b| *b != "text").count();
                prop_assert!(examples == 1 && blocks.contains(&"rust,no_run".to_owned()), "{blocks:?}\n{}", file.text);
            } else if path == "Cargo.toml" {
                let manifest: toml::Table = toml::from_str(&file.text).unwrap();
                let mut keys: Vec<&String> = manifest.keys().collect();
                keys.sort();
                prop_assert_eq!(keys, ["dependencies", "features", "package"]);
                let mut package: Vec<&String> = manifest["package"].as_table().unwrap().keys().collect();
                package.sort();
                prop_assert_eq!(package, ["description", "edition", "name", "readme", "version"]);
            }
        }
        prop_assert_eq!(examples, 1, "one example per operation");
    }
}
