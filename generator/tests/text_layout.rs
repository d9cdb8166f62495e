//! Most of a crate (its types, and each operation's parameters and setters) is written as
//! text laid out as the formatter lays it out, so that formatting copies it. This holds that
//! claim against the formatter itself: every text piece of every fixture's modules, copied,
//! is what the formatter makes of it.

mod common;

use std::borrow::Cow;

use common::fixture_specs;
use generator::emit::{Content, Piece, Plan};
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
                let Piece::Text { text: written, .. } = piece else { continue };
                let text = generator::format::piece_text(piece).unwrap_or_else(|e| panic!("{e}\n{written}"));
                let formatted = prettyplease::unparse(&syn::parse_file(written).expect("a piece parses"));
                assert_eq!(
                    text,
                    formatted,
                    "{}: a piece is not laid out as the formatter lays it out",
                    spec.display()
                );
                copied += usize::from(matches!(text, Cow::Borrowed(_)));
            }
        }
    }
    // Most pieces are copied: the claim is tested, not bypassed.
    assert!(copied > 300, "only {copied} pieces were copied");
}
