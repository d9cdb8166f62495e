//! Envelope member names set in the options (as `generator.toml` does), and detection off.

mod common;

use generator::options::{EnvelopeNames, EnvelopeSetting};
use generator::Options;

const SPEC: &str = r#"
openapi: 3.0.3
info: {title: Other envelopes, version: '1'}
servers: [{url: 'https://api.example.com'}]
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  ok: {type: boolean}
                  problems: {type: array, items: {type: object}}
                  data: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing: {type: object, properties: {name: {type: string}}}
"#;

fn module(envelope: EnvelopeSetting) -> String {
    let mut options = Options::new("things", "things.yaml");
    options.envelope = envelope;
    let generated = common::generate_text("things.yaml", SPEC, &options).unwrap();
    format!(
        "{}\n{}",
        common::file_text(&generated, "src/things.rs"),
        common::file_text(&generated, "src/client.rs")
    )
}

#[test]
fn configured_member_names_find_the_envelope() {
    let names = EnvelopeNames {
        success: Some("ok".into()),
        errors: Some("problems".into()),
        result: Some("data".into()),
        ..EnvelopeNames::default()
    };
    let text = module(EnvelopeSetting::Fields(names));
    // The result is the envelope's `data`, typed: the operation answers a `Thing`.
    assert!(text.contains("type Output = types::Thing;"), "{text}");
    assert!(text.contains("Reply::enveloped(|_, _| None, &crate::client::ENVELOPE)"), "{text}");
    let envelope = "pub(crate) const ENVELOPE: Envelope = Envelope {\n    success: \"ok\",\n    errors: \"problems\",\n    messages: \"messages\",\n    result: \"data\",\n    result_info: \"result_info\",\n};";
    assert!(text.contains(envelope), "{text}");
}

#[test]
fn default_names_do_not_match_and_detection_can_be_off() {
    for setting in [EnvelopeSetting::default(), EnvelopeSetting::Enabled(false)] {
        let text = module(setting);
        // The whole body is the result, as the spec describes it.
        assert!(text.contains("type Output = types::GetThingResponse;"), "{text}");
        assert!(text.contains("Reply::body(|_, _| None, None, runtime::response::json)"), "{text}");
        assert!(!text.contains("Reply::enveloped"), "{text}");
    }
}
