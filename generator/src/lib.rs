//! Generates typed Rust client crates from OpenAPI documents.
//!
//! The stages, one module each: [`load`] (read JSON/YAML, resolve `$ref`s) -> [`lower`] (spec
//! to [`ir`]) -> [`emit`] (IR to Rust tokens) -> [`format`] (prettyplease) -> [`write`]
//! (atomic, deterministic output).

pub mod config;
pub mod emit;
pub mod error;
pub mod escape;
pub mod format;
pub mod ir;
pub mod load;
pub mod lower;
pub mod media;
pub mod naming;
pub mod options;
pub mod pointer;
pub mod write;

#[cfg(test)]
#[path = "signers/ncp_apigw_v2.rs"]
mod ncp_apigw_v2;
#[cfg(test)]
#[path = "signers/standard_webhooks.rs"]
mod standard_webhooks;
// Compiled here only to be tested: each test uses a part of it, so what no test uses is not
// dead code (generated crates, which are checked with `-D warnings`, are where that shows).
#[cfg(test)]
#[allow(dead_code)]
// The runtime's `tracing` feature is the generated crate's; it is tested there (client-tests).
#[allow(unexpected_cfgs)]
mod runtime;
#[cfg(test)]
mod runtime_oauth_tests;
#[cfg(test)]
mod runtime_stream_tests;
#[cfg(test)]
mod runtime_tests;

pub use error::{Diagnostic, Error, Result};
pub use options::Options;

use std::path::Path;

/// A generated crate, in memory: its files and what the generator left out along the way.
#[derive(Debug, Clone)]
pub struct Generated {
    pub files: Vec<format::FormattedFile>,
    pub warnings: Vec<Diagnostic>,
}

/// Generates a client crate for the spec at `spec_path` (the whole pipeline, nothing
/// written). Use [`write::write_all`] to put it on disk, for example from a `build.rs`.
pub fn generate(spec_path: &Path, options: &Options) -> Result<Generated> {
    on_pipeline_stack(|| {
        let spec = load::load(spec_path)?;
        pipeline(&spec, options)
    })
}

/// [`generate`] for a spec already loaded.
pub fn generate_spec(spec: &load::Spec, options: &Options) -> Result<Generated> {
    on_pipeline_stack(|| pipeline(spec, options))
}

fn pipeline(spec: &load::Spec, options: &Options) -> Result<Generated> {
    let lowered = lower::lower(spec, options)?;
    let mut files = format::format(emit::emit(&lowered.api), &options.source)?;
    files.push(write::marker_file(&files, &options.source));
    Ok(Generated { files, warnings: lowered.warnings })
}

/// The stack every generation runs on, whoever calls it: the command, a `build.rs`, a test
/// or a small worker thread. Every recursion over a spec is bounded (parsers nest at most 128
/// levels, schemas at most `lower::MAX_SCHEMA_DEPTH`), and the bounds are chosen to fit in
/// this, so a spec behaves the same in every caller: generated, or refused with a diagnostic.
pub const PIPELINE_STACK: usize = 64 << 20;

/// Runs `work` on a thread with [`PIPELINE_STACK`] of stack (a panic in it is passed on).
fn on_pipeline_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("generator".into())
            .stack_size(PIPELINE_STACK)
            .spawn_scoped(scope, work);
        match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|payload| std::panic::resume_unwind(payload)),
            Err(error) => panic!("cannot start the generation thread: {error}"),
        }
    })
}
