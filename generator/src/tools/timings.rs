//! The timings command: how long generation takes next to parsing the same file with
//! `serde_json` alone, and the most memory it holds, best of several runs, as a Markdown table.
//!
//! Every run is a process of its own (this command again, with `--measure`), so that each
//! peak of memory is one run's alone and no run inherits another's heap.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use generator::{Counts, Error, Options, Result};

use super::corpus::crate_name;

/// How one spec generates, next to how long `serde_json` alone takes to parse it.
#[derive(Debug, Clone)]
pub struct Timing {
    pub spec: String,
    pub size: u64,
    /// The fastest of the runs, for each.
    pub parse: Duration,
    pub generation: Duration,
    /// The smallest of the runs' peaks of resident memory while generating, where the system
    /// tells it.
    pub peak: Option<u64>,
    /// Lines of the generated crate (all files).
    pub lines: usize,
    pub counts: Counts,
}

/// What one measuring process reports: one line of numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measured {
    pub nanos: u128,
    pub peak: Option<u64>,
    pub lines: usize,
    pub counts: Counts,
}

impl Measured {
    pub fn line(&self) -> String {
        let peak = self.peak.map_or("-".to_owned(), |p| p.to_string());
        let c = &self.counts;
        format!(
            "{} {peak} {} {} {} {} {}",
            self.nanos, self.lines, c.operations, c.models, c.operation_lines, c.model_lines
        )
    }

    fn parse(line: &str) -> Option<Self> {
        let mut fields = line.split_whitespace();
        let nanos = fields.next()?.parse().ok()?;
        let peak = fields.next()?.parse().ok();
        let mut number = || fields.next()?.parse().ok();
        let lines = number()?;
        let counts = Counts {
            operations: number()?,
            models: number()?,
            operation_lines: number()?,
            model_lines: number()?,
        };
        Some(Measured { nanos, peak, lines, counts })
    }
}

/// Which of the two a measuring process times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Measure {
    /// `serde_json` parsing the file into a `Value`.
    Parse,
    /// The whole pipeline, files in memory.
    Generation,
}

/// One run in this process (the `--measure` mode of the command).
pub fn measure(spec: &Path, what: Measure) -> Result<Measured> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.to_owned(), source })
    };
    let started = Instant::now();
    // The clock stops before the lines are counted: counting them is this report's, not the
    // generation's.
    let (nanos, lines, counts) = match what {
        Measure::Parse => {
            let text = read(spec)?;
            let value: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| Error::Config { path: spec.to_owned(), message: format!("not JSON: {e}") })?;
            drop(value);
            (started.elapsed().as_nanos(), 0, Counts::default())
        }
        Measure::Generation => {
            let name = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let options = Options::new(crate_name(&name, 0), spec.display().to_string());
            let generated = generator::generate(spec, &options)?;
            let nanos = started.elapsed().as_nanos();
            let lines = generated.files.iter().map(|f| generator::line_count(&f.text)).sum();
            (nanos, lines, generated.counts)
        }
    };
    Ok(Measured { nanos, peak: peak_memory(), lines, counts })
}

/// The process's peak resident memory, in bytes (Linux's `VmHWM`).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kilobytes: u64 =
        line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kilobytes * 1024)
}

/// Times `runs` parses and `runs` generations of a spec, alternating, each in a process of
/// its own.
pub fn time(spec: &Path, runs: usize) -> Result<Timing> {
    let size = std::fs::metadata(spec).map(|m| m.len()).unwrap_or(0);
    let (mut parse, mut generation) = (Duration::MAX, Duration::MAX);
    let mut timing = Timing {
        spec: spec.display().to_string(),
        size,
        parse,
        generation,
        peak: None,
        lines: 0,
        counts: Counts::default(),
    };
    for _ in 0..runs.max(1) {
        let parsed = run_measure(spec, Measure::Parse)?;
        parse = parse.min(nanos(parsed.nanos));
        let generated = run_measure(spec, Measure::Generation)?;
        generation = generation.min(nanos(generated.nanos));
        timing.peak = match (timing.peak, generated.peak) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        (timing.lines, timing.counts) = (generated.lines, generated.counts);
    }
    Ok(Timing { parse, generation, ..timing })
}

fn nanos(n: u128) -> Duration {
    Duration::from_nanos(u64::try_from(n).unwrap_or(u64::MAX))
}

/// Runs this command again to measure one thing in a fresh process.
fn run_measure(spec: &Path, what: Measure) -> Result<Measured> {
    let failed = |message: String| Error::Config { path: spec.to_owned(), message };
    let exe = std::env::current_exe().map_err(|e| failed(format!("cannot find this command: {e}")))?;
    let what_arg = match what {
        Measure::Parse => "parse",
        Measure::Generation => "generation",
    };
    let output = Command::new(exe)
        .args(["timings", "--measure", what_arg])
        .arg(spec)
        .output()
        .map_err(|e| failed(format!("cannot run the measuring process: {e}")))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    match stdout.lines().last().and_then(Measured::parse) {
        Some(measured) if output.status.success() => Ok(measured),
        _ => Err(failed(format!(
            "the measuring process failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))),
    }
}

/// The timings as a Markdown table.
pub fn timing_table(timings: &[Timing]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| spec | size | serde_json parse | generation | generation / parse | peak memory | generated lines | operations | lines per operation | models | lines per model |"
    );
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for t in timings {
        let ratio = t.generation.as_secs_f64() / t.parse.as_secs_f64().max(f64::EPSILON);
        let peak = t.peak.map_or("-".to_owned(), |p| format!("{:.2} GB", p as f64 / 1e9));
        let per = |lines: usize, count: usize| match count {
            0 => "-".to_owned(),
            _ => format!("{:.0}", lines as f64 / count as f64),
        };
        let c = &t.counts;
        let _ = writeln!(
            out,
            "| `{}` | {:.1} MB | {} ms | {} ms | {ratio:.1}x | {peak} | {} | {} | {} | {} | {} |",
            t.spec,
            t.size as f64 / 1e6,
            thousands(t.parse.as_millis()),
            thousands(t.generation.as_millis()),
            thousands(t.lines as u128),
            thousands(c.operations as u128),
            per(c.operation_lines, c.operations),
            thousands(c.models as u128),
            per(c.model_lines, c.models),
        );
    }
    out
}

/// `1234567` as `1,234,567`.
fn thousands(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_measured_line_reads_back() {
        let counts = Counts { operations: 6, models: 7, operation_lines: 8, model_lines: 9 };
        let measured = Measured { nanos: 12, peak: Some(34), lines: 5, counts };
        assert_eq!(Measured::parse(&measured.line()), Some(measured));
        let unknown = Measured { peak: None, ..measured };
        assert_eq!(Measured::parse(&unknown.line()), Some(unknown));
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(2_555_034), "2,555,034");
    }
}
