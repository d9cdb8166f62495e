//! Paging set by hand in the options (as `generator.toml` does), for listings whose paging
//! cannot be inferred, and settings that do not fit the spec.

mod common;

use generator::options::{PagingSetting, PagingStyle};
use generator::Options;

const SPEC: &str = r#"
openapi: 3.0.3
info: {title: Odd paging, version: '1'}
servers: [{url: 'https://api.example.com'}]
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - {name: from, in: query, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  things: {type: array, items: {type: string}}
                  others: {type: array, items: {type: string}}
                  following: {type: string}
"#;

fn generate(settings: &[(&str, PagingSetting)]) -> Result<String, String> {
    let mut options = Options::new("odd", "odd.yaml");
    options.pagination = settings.iter().map(|(id, s)| ((*id).to_owned(), s.clone())).collect();
    let generated = common::generate_text("odd.yaml", SPEC, &options).map_err(|e| e.to_string())?;
    Ok(common::file_text(&generated, "src/things.rs").to_owned())
}

fn setting(
    style: PagingStyle,
    param: Option<&str>,
    items: Option<&str>,
    next: Option<&str>,
) -> PagingSetting {
    PagingSetting {
        style,
        param: param.map(str::to_owned),
        items: items.map(str::to_owned),
        next: next.map(str::to_owned),
    }
}

#[test]
fn nothing_is_inferred_from_unusual_names() {
    let module = generate(&[]).unwrap();
    // No paging methods of any name: the module does not use the paging runtime at all.
    assert!(!module.contains("runtime::paging"), "{module}");
}

#[test]
fn a_configured_cursor_listing_gets_a_stream() {
    let cursor = setting(PagingStyle::Cursor, Some("from"), Some("things"), Some("following"));
    let module = generate(&[("listThings", cursor)]).unwrap();
    // The items are the `things` member's strings.
    assert!(
        module.contains("pub fn stream(self) -> runtime::paging::BoxStream<Result<String, Error>> {"),
        "{module}"
    );
    assert!(
        module.contains("runtime::paging::items(self.pages(), |page| page.things.unwrap_or_default())"),
        "{module}"
    );
    assert!(module.contains("self.params.from = Some(cursor);"), "{module}");
}

#[test]
fn settings_that_do_not_fit_are_errors() {
    let cases = [
        (
            "listThings",
            setting(PagingStyle::Cursor, Some("nope"), Some("things"), Some("following")),
            "no parameter `nope`",
        ),
        (
            "listThings",
            setting(PagingStyle::Cursor, Some("from"), Some("missing"), Some("following")),
            "no member `missing`",
        ),
        ("listThings", setting(PagingStyle::Cursor, Some("from"), None, Some("following")), "several lists"),
        ("listThings", setting(PagingStyle::Page, Some("from"), Some("things"), None), "not an integer"),
        ("otherThing", setting(PagingStyle::Offset, None, None, None), "not an operationId"),
    ];
    for (id, setting, expected) in cases {
        let error = generate(&[(id, setting)]).unwrap_err();
        assert!(error.contains(expected), "{expected}: {error}");
        assert!(error.contains("odd.yaml"), "{error}");
    }
}
