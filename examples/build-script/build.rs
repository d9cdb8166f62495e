//! Generates the Access History client into `OUT_DIR`; cargo runs this again only when the
//! spec changes.

fn main() {
    let spec = "../../specs/access-history.yaml";
    // The crate is named after this package; the source is how docs name the spec.
    let options = generator::Options::new("access_history_at_build", "specs/access-history.yaml");
    if let Err(error) = generator::build_script::generate(spec, &options) {
        // A build script reports failure by exiting non-zero; the message is what the user reads.
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}
