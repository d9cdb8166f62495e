//! Streams set by hand in the options (as `generator.toml` does): the member that asks for
//! the stream and the data that ends it, where the spec does not say; and settings that do
//! not fit the spec.

mod common;

use generator::options::StreamSetting;
use generator::Options;

const SPEC: &str = r#"
openapi: 3.0.3
info: {title: Quiet streams, version: '1'}
servers: [{url: 'https://api.example.com'}]
paths:
  /complete:
    post:
      operationId: complete
      tags: [talk]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [prompt]
              properties:
                prompt: {type: string}
                incremental: {type: boolean}
      responses:
        '200':
          description: whole, or as events
          content:
            application/json:
              schema: {type: object, properties: {text: {type: string}}}
            text/event-stream:
              schema: {type: object, properties: {text: {type: string}}}
  /feed:
    get:
      operationId: feed
      tags: [talk]
      responses:
        '200':
          description: events the spec does not type
          content:
            text/event-stream: {}
  /ticks:
    get:
      operationId: ticks
      tags: [talk]
      responses:
        '200':
          description: events typed by a hint beside the media type
          content:
            text/event-stream:
              x-stream-item: {$ref: '#/components/schemas/Piece'}
  /status:
    get:
      operationId: status
      tags: [talk]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object}
components:
  schemas:
    Piece:
      type: object
      properties:
        text: {type: string}
"#;

fn generate(settings: &[(&str, StreamSetting)]) -> Result<String, String> {
    let mut options = Options::new("quiet", "quiet.yaml");
    options.streams = settings.iter().map(|(id, s)| ((*id).to_owned(), s.clone())).collect();
    let generated = common::generate_text("quiet.yaml", SPEC, &options).map_err(|e| e.to_string())?;
    Ok(common::file_text(&generated, "src/talk.rs").to_owned())
}

fn setting(switch: Option<&str>, sentinel: Option<&str>) -> StreamSetting {
    StreamSetting { switch: switch.map(str::to_owned), sentinel: sentinel.map(str::to_owned), item: None }
}

#[test]
fn items_are_typed_by_a_hint_or_a_setting_where_the_spec_gives_no_schema() {
    let plain = generate(&[]).unwrap();
    // Untyped events are raw; the hint beside a media type types them.
    assert!(plain.contains("BoxStream<Result<crate::Event, Error>>"), "{plain}");
    assert!(plain.contains("runtime::stream::data::<types::Piece>"), "{plain}");
    let item = StreamSetting { item: Some("#/components/schemas/Piece".into()), ..setting(None, None) };
    let set = generate(&[("feed", item)]).unwrap();
    assert!(!set.contains("crate::Event"), "{set}");
    let missing = StreamSetting { item: Some("#/components/schemas/Nope".into()), ..setting(None, None) };
    let error = generate(&[("feed", missing)]).unwrap_err();
    assert!(error.contains("Nope"), "{error}");
}

#[test]
fn a_setting_names_the_switch_and_the_sentinel() {
    // Without a setting, no member is named `stream`: `.stream()` only asks for events.
    let plain = generate(&[]).unwrap();
    assert!(plain.contains("request.accept(\"text/event-stream\")"), "{plain}");
    assert!(!plain.contains("incremental = Some(true)"), "{plain}");
    assert!(plain.contains("sentinel: None"), "{plain}");

    let set = generate(&[("complete", setting(Some("incremental"), Some("[END]")))]).unwrap();
    assert!(set.contains("self.params.body.incremental = Some(true);"), "{set}");
    assert!(set.contains("sentinel: Some(\"[END]\")"), "{set}");
}

#[test]
fn settings_that_do_not_fit_are_errors() {
    let cases = [
        ("complete", setting(Some("prompt"), None), "no boolean member `prompt`"),
        ("status", setting(None, Some("[DONE]")), "does not answer a stream"),
        ("elsewhere", setting(None, None), "not an operationId"),
    ];
    for (id, setting, expected) in cases {
        let error = generate(&[(id, setting)]).unwrap_err();
        assert!(error.contains(expected), "{expected}: {error}");
        assert!(error.contains("quiet.yaml"), "{error}");
    }
}
