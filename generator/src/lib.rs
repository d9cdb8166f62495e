//! Generates typed Rust client crates from OpenAPI documents.
//!
//! The stages, one module each: [`load`] (read JSON/YAML, resolve `$ref`s) -> [`lower`] (spec
//! to [`ir`]) -> [`emit`] (IR to Rust source: text laid out, or tokens) -> [`format`](mod@format)
//! (copies laid-out text, lays out the rest with prettyplease) ->
//! [`write`](mod@write) (atomic, deterministic output). A `build.rs` calls
//! [`build_script::generate`].

pub mod build_script;
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
mod runtime_model_tests;
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
    pub counts: Counts,
    /// Every file the spec was read from, the entry first.
    pub inputs: Vec<std::path::PathBuf>,
}

/// What a generated crate holds, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub operations: usize,
    /// Named types.
    pub models: usize,
    /// Lines of the modules of operations (one per tag).
    pub operation_lines: usize,
    /// Lines of the types module.
    pub model_lines: usize,
}

/// Generates a client crate for the spec at `spec_path` (the whole pipeline, nothing
/// written). [`write::write_all`] puts crates on disk; a `build.rs` calls
/// [`build_script::generate`], which does all of its work.
pub fn generate(spec_path: &Path, options: &Options) -> Result<Generated> {
    on_pipeline_stack(|| {
        let spec = load::load(spec_path)?;
        let lowered = lower::lower(&spec, options);
        let inputs = spec.files.clone();
        let generated = finish(lowered?, inputs, options);
        // The document (the largest thing held) is freed on one of the threads once the files
        // are made, not while they are: freeing it is not on the way to them, and the threads
        // finish it before they end.
        rayon::spawn(move || drop(spec));
        generated
    })
}

/// [`generate`] for a spec already loaded.
pub fn generate_spec(spec: &load::Spec, options: &Options) -> Result<Generated> {
    on_pipeline_stack(|| finish(lower::lower(spec, options)?, spec.files.clone(), options))
}

fn finish(lowered: lower::Lowered, inputs: Vec<std::path::PathBuf>, options: &Options) -> Result<Generated> {
    use rayon::prelude::*;
    // Each file is made and formatted in one go, on whichever thread is free: its tokens are
    // dropped as soon as its text exists, so memory holds one file's tokens per thread. One
    // file a task: files differ in size by a thousand times (the types module, a small tag),
    // and rayon would otherwise give each thread half of the files to run through in order.
    let plan = emit::Plan::new(&lowered.api);
    // The types module is begun first: it is the largest file by far, and its last steps
    // (joining its parts, counting its lines) run on one thread; begun among the others,
    // they were what one thread ended alone with while the other had nothing left.
    let mut order: Vec<usize> = (0..plan.len()).collect();
    order.sort_by_key(|&index| !matches!(plan.part(index), emit::Part::Types));
    // Each file's lines are counted where it is made, on its thread.
    let mut made = order
        .into_par_iter()
        .with_max_len(1)
        .map(|index| {
            let file = format::format_file(plan.file(index), &options.source)?;
            let lines = line_count(&file.text);
            Ok((index, file, lines))
        })
        .collect::<Result<Vec<_>>>()?;
    made.sort_unstable_by_key(|(index, ..)| *index);
    let (mut files, line_counts): (Vec<_>, Vec<usize>) =
        made.into_iter().map(|(_, file, lines)| (file, lines)).unzip();
    let api = &lowered.api;
    let lines = |part: fn(emit::Part) -> bool| {
        let parts = line_counts.iter().enumerate().filter(|(index, _)| part(plan.part(*index)));
        parts.map(|(_, lines)| lines).sum()
    };
    let counts = Counts {
        operations: api.groups.iter().map(|group| group.operations.len()).sum(),
        models: api.types.len(),
        operation_lines: lines(|part| matches!(part, emit::Part::Group(_))),
        model_lines: lines(|part| matches!(part, emit::Part::Types)),
    };
    files.push(write::marker_file(&files, &options.source));
    // The IR is freed on one of the threads, as the document is (see `generate`).
    drop(plan);
    let lower::Lowered { api, warnings } = lowered;
    rayon::spawn(move || drop(api));
    Ok(Generated { files, warnings, counts, inputs })
}

/// How many lines `text` has, as `text.lines().count()` counts them, counted a vector of bytes
/// at a time: the largest file is the last to be made, and its count was the last thing to wait for.
pub fn line_count(text: &str) -> usize {
    let breaks = text.bytes().filter(|&byte| byte == b'\n').count();
    breaks + usize::from(!text.is_empty() && !text.ends_with('\n'))
}

/// The stack every generation runs on, whoever calls it: the command, a `build.rs`, a test
/// or a small worker thread. Every recursion over a spec is bounded (parsers nest at most 128
/// levels, schemas at most `lower::MAX_SCHEMA_DEPTH`), and the bounds are chosen to fit in
/// this, so a spec behaves the same in every caller: generated, or refused with a diagnostic.
pub const PIPELINE_STACK: usize = 64 << 20;

/// Runs `work` on a pool of threads with [`PIPELINE_STACK`] of stack each, one per core, so
/// that the files of a crate are made in parallel (a panic in it is passed on).
fn on_pipeline_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(PIPELINE_STACK)
        .thread_name(|index| format!("generator-{index}"))
        .build();
    match pool {
        Ok(pool) => pool.install(work),
        Err(error) => panic!("cannot start the generation threads: {error}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lines_are_counted_as_lines_counts_them() {
        for text in ["", "\n", "a", "a\n", "a\nb", "a\n\nb\n", "a\r\nb\r\n", "\n\n", "a\rb"] {
            assert_eq!(super::line_count(text), text.lines().count(), "{text:?}");
        }
    }
}
