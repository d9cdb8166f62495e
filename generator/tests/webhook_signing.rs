//! Webhooks as a crate reads them: it checks Standard Webhooks signatures where the spec's
//! webhooks declare the `webhook-signature` header, or where the options say so (as
//! `generator.toml`'s `standard-webhooks = true` does), never for an API without webhooks; a
//! webhook it cannot read is left out with a warning, not the whole client.

mod common;

use std::path::Path;

use generator::Options;

const SPEC: &str = r#"
openapi: 3.1.0
info: {title: Quiet hooks, version: '1'}
paths: {}
webhooks:
  done:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {id: {type: string}}}
      responses:
        '200': {description: ok}
"#;

fn files(text: &str, standard_webhooks: bool) -> Vec<String> {
    let mut options = Options::new("hooks", "hooks.yaml");
    options.standard_webhooks = standard_webhooks;
    let generated = common::generate_text("hooks.yaml", text, &options).unwrap();
    generated.files.iter().map(|f| f.path.display().to_string()).collect()
}

#[test]
fn signatures_are_checked_where_the_spec_or_the_options_say() {
    let unsigned = files(SPEC, false);
    assert!(unsigned.iter().any(|f| Path::new(f) == Path::new("src/webhooks.rs")), "{unsigned:?}");
    assert!(!unsigned.iter().any(|f| f.ends_with("standard_webhooks.rs")), "{unsigned:?}");

    let set = files(SPEC, true);
    assert!(set.iter().any(|f| f.ends_with("standard_webhooks.rs")), "{set:?}");

    let declared = SPEC.replace(
        "      requestBody:",
        "      parameters:\n        - {name: Webhook-Signature, in: header, schema: {type: string}}\n      requestBody:",
    );
    assert!(files(&declared, false).iter().any(|f| f.ends_with("standard_webhooks.rs")));

    let without_webhooks = SPEC.split("webhooks:").next().unwrap().to_owned();
    let none = files(&without_webhooks, true);
    assert!(!none.iter().any(|f| f.ends_with("webhooks.rs")), "{none:?}");
}

#[test]
fn a_webhook_naming_another_file_is_left_out_with_a_warning() {
    let text = SPEC.replace(
        "schema: {type: object, properties: {id: {type: string}}}",
        "schema: {$ref: 'events.yaml#/Done'}",
    );
    let generated = common::generate_text("hooks.yaml", &text, &Options::new("hooks", "hooks.yaml")).unwrap();
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings.iter().any(|w| w.contains("#/webhooks/done") && w.contains("`events.yaml#/Done`")),
        "{warnings:?}"
    );
    assert!(!generated.files.iter().any(|f| f.path.ends_with("webhooks.rs")));
}
