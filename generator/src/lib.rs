//! Generates typed Rust client crates from OpenAPI documents.
//!
//! The stages, one module each: [`load`] (read JSON/YAML, resolve `$ref`s) -> [`lower`] (spec
//! to [`ir`]) -> [`emit`] (IR to Rust tokens) -> [`format`] (prettyplease) -> [`write`]
//! (atomic, deterministic output).

pub mod config;
pub mod corpus;
pub mod emit;
pub mod error;
pub mod escape;
pub mod format;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod options;
pub mod write;

#[cfg(test)]
#[path = "signers/ncp_apigw_v2.rs"]
mod ncp_apigw_v2;
#[cfg(test)]
mod runtime;
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
    let spec = load::load(spec_path)?;
    generate_spec(&spec, options)
}

/// [`generate`] for a spec already loaded.
pub fn generate_spec(spec: &load::Spec, options: &Options) -> Result<Generated> {
    let lowered = lower::lower(spec, options)?;
    let mut files = format::format(emit::emit(&lowered.api), &options.source)?;
    files.push(write::marker_file(&files, &options.source));
    Ok(Generated { files, warnings: lowered.warnings })
}
