//! The `types` module is written as text laid out as the formatter lays it out, so that
//! formatting copies it. This holds that claim against the formatter itself: every piece of
//! every fixture's `types` module, copied, is what the formatter makes of it.

mod common;

use common::fixture_specs;
use generator::emit::{Content, Plan};
use generator::{load, lower, Options};

#[test]
fn pieces_copied_as_written_are_laid_out_as_the_formatter_lays_them_out() {
    let mut copied = 0;
    for spec in fixture_specs() {
        let loaded = load::load(&spec).unwrap_or_else(|e| panic!("{e}"));
        let lowered =
            lower::lower(&loaded, &Options::new("layout", "layout")).unwrap_or_else(|e| panic!("{e}"));
        let plan = Plan::new(&lowered.api);
        for index in 0..plan.len() {
            let Content::RustText(pieces) = plan.file(index).content else { continue };
            for piece in &pieces {
                let text =
                    generator::format::piece_text(piece).unwrap_or_else(|e| panic!("{e}\n{}", piece.text));
                let formatted = prettyplease::unparse(&syn::parse_file(&piece.text).expect("a piece parses"));
                assert_eq!(
                    text,
                    formatted,
                    "{}: a piece is not laid out as the formatter lays it out",
                    spec.display()
                );
                copied += usize::from(matches!(text, std::borrow::Cow::Borrowed(_)));
            }
        }
    }
    // Most pieces are copied: the claim is tested, not bypassed.
    assert!(copied > 100, "only {copied} pieces were copied");
}
