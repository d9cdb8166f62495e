//! The timings command: how long generation takes next to parsing the same file with
//! `serde_json` alone, best of several runs, as a Markdown table.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use generator::{Error, Options, Result};

use super::corpus::crate_name;

/// How long one spec takes to generate, next to how long `serde_json` alone takes to parse it.
#[derive(Debug, Clone)]
pub struct Timing {
    pub spec: String,
    pub size: u64,
    /// The fastest of the runs, for each.
    pub parse: Duration,
    pub generation: Duration,
    /// Lines of the generated crate (all files).
    pub lines: usize,
}

/// Times `runs` parses and `runs` generations of a spec, alternating, in this process.
pub fn time(spec: &Path, runs: usize) -> Result<Timing> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.to_owned(), source })
    };
    let size = std::fs::metadata(spec).map(|m| m.len()).unwrap_or(0);
    let name = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let options = Options::new(crate_name(&name, 0), spec.display().to_string());
    let (mut parse, mut generation, mut lines) = (Duration::MAX, Duration::MAX, 0);
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let text = read(spec)?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Error::Config { path: spec.to_owned(), message: format!("not JSON: {e}") })?;
        drop(value);
        parse = parse.min(started.elapsed());
        let started = Instant::now();
        let generated = generator::generate(spec, &options)?;
        generation = generation.min(started.elapsed());
        lines = generated.files.iter().map(|f| f.text.lines().count()).sum();
    }
    Ok(Timing { spec: spec.display().to_string(), size, parse, generation, lines })
}

/// The timings as a Markdown table.
pub fn timing_table(timings: &[Timing]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| spec | size | serde_json parse | generation | generation / parse | generated lines |"
    );
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: |");
    for t in timings {
        let ratio = t.generation.as_secs_f64() / t.parse.as_secs_f64().max(f64::EPSILON);
        let _ = writeln!(
            out,
            "| `{}` | {:.1} MB | {:.0} ms | {:.0} ms | {ratio:.1}x | {} |",
            t.spec,
            t.size as f64 / 1e6,
            t.parse.as_secs_f64() * 1000.0,
            t.generation.as_secs_f64() * 1000.0,
            t.lines
        );
    }
    out
}
