//! The corpus run: generates a client for each of many specs (in parallel, in-process, each
//! with a time limit, a panic caught and counted as a bug), optionally `cargo check`s the
//! generated crates with one shared target directory, and reports a summary table, the most
//! common failure reasons, and one CSV row per spec.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use generator::format::FormattedFile;
use generator::{naming, Error, Options, Result};

use super::workspace::{write_file, write_manifest};

/// What happened to one spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Generated,
    GeneratedWithWarnings,
    Refused,
    Panicked,
    TimedOut,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Generated => "generated",
            Outcome::GeneratedWithWarnings => "generated with warnings",
            Outcome::Refused => "refused with a diagnostic",
            Outcome::Panicked => "panicked",
            Outcome::TimedOut => "timed out",
        }
    }

    pub fn is_generated(self) -> bool {
        matches!(self, Outcome::Generated | Outcome::GeneratedWithWarnings)
    }
}

/// The result of `cargo check` on a generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub passed: bool,
    pub time: Duration,
    pub first_error: Option<String>,
}

/// One row of the report.
#[derive(Debug, Clone)]
pub struct Row {
    /// The spec's path as given (relative to the corpus root).
    pub spec: String,
    pub size: u64,
    /// The document's `openapi` (or `swagger`) version.
    pub version: String,
    pub outcome: Outcome,
    pub generation: Duration,
    /// Lines of the generated crate (all files); 0 when it was not generated.
    pub lines: usize,
    pub warnings: usize,
    /// The first error, or else the first warning.
    pub first_message: Option<String>,
    pub check: Option<Check>,
}

/// How to run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub jobs: usize,
    pub timeout: Duration,
    /// Where to write generated crates and run `cargo check`; `None` skips the check.
    pub check_dir: Option<PathBuf>,
    /// A `Cargo.lock` to start the check workspace from, so versions match the project's.
    pub lock_file: Option<PathBuf>,
}

/// The specs named by `input`: every JSON and YAML file under a folder, or the lines of a
/// list file (paths relative to `root`, or to the list's folder). Returns (root, paths).
pub fn specs(input: &Path, root: Option<&Path>) -> Result<(PathBuf, Vec<String>)> {
    let read_error = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Read { path, source }
    };
    if input.is_dir() {
        let base = root.unwrap_or(input);
        let mut found = Vec::new();
        let mut pending = vec![input.to_owned()];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).map_err(read_error(&dir))? {
                let path = entry.map_err(read_error(&dir))?.path();
                if path.is_dir() {
                    pending.push(path);
                } else if matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")) {
                    let relative = path.strip_prefix(base).unwrap_or(&path);
                    found.push(relative.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        found.sort();
        return Ok((base.to_owned(), found));
    }
    let text = std::fs::read_to_string(input).map_err(read_error(input))?;
    let base =
        root.map(Path::to_owned).unwrap_or_else(|| input.parent().unwrap_or(Path::new(".")).to_owned());
    let list =
        text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned);
    Ok((base, list.collect()))
}

/// A crate name for a spec path that is unique within a run (`api/x.com/v1.json` -> `x_com_v1`).
pub fn crate_name(spec: &str, index: usize) -> String {
    let stem = spec.trim_start_matches("api/").rsplit_once('.').map_or(spec, |(stem, _)| stem);
    let name = naming::snake(stem);
    let name = name.trim_start_matches("r#").trim_end_matches('_');
    let name: String = name.chars().take(48).collect();
    format!("c{index:04}_{name}")
}

/// The `openapi` or `swagger` member of a document, read cheaply from its start.
fn version_of(path: &Path) -> String {
    let Ok(text) = std::fs::read_to_string(path) else { return String::new() };
    for key in ["\"openapi\"", "openapi:", "\"swagger\"", "swagger:"] {
        if let Some(at) = text.find(key) {
            let rest = &text[at + key.len()..];
            let value: String = rest
                .trim_start_matches([':', ' ', '"', '\''])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
                .collect();
            return value;
        }
    }
    String::new()
}

type Generation = std::result::Result<(Vec<FormattedFile>, Vec<String>), (Outcome, String)>;

/// Generates one spec on a thread of its own (the library runs the pipeline on its own stack,
/// as for every caller), waiting at most `timeout`.
/// A thread that runs over is left behind (its result is dropped).
fn generate_one(path: PathBuf, options: Options, timeout: Duration) -> Generation {
    let (send, receive) = mpsc::channel();
    let spawned = std::thread::Builder::new().spawn(move || {
        let result = std::panic::catch_unwind(|| generator::generate(&path, &options));
        let _ = send.send(result);
    });
    if let Err(e) = spawned {
        return Err((Outcome::Panicked, format!("cannot start a thread: {e}")));
    }
    match receive.recv_timeout(timeout) {
        Ok(Ok(Ok(generated))) => {
            let warnings = generated.warnings.iter().map(ToString::to_string).collect();
            Ok((generated.files, warnings))
        }
        Ok(Ok(Err(error))) => Err((Outcome::Refused, error.to_string())),
        Ok(Err(payload)) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".into());
            Err((Outcome::Panicked, format!("panic: {message}")))
        }
        Err(_) => Err((Outcome::TimedOut, format!("no result within {} s", timeout.as_secs()))),
    }
}

/// Runs the corpus: generation in parallel, then the optional checks one crate at a time.
pub fn run(
    root: &Path,
    specs: &[String],
    settings: &Settings,
    progress: impl Fn(&Row) + Sync,
) -> Result<Vec<Row>> {
    // Panics are expected to be rare and are reported in the table; the default hook would
    // print each one in the middle of the progress output.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let next = AtomicUsize::new(0);
    let rows: Mutex<Vec<Option<Row>>> = Mutex::new(vec![None; specs.len()]);
    let crates: Mutex<Vec<(usize, String, Vec<FormattedFile>)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..settings.jobs.max(1) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(spec) = specs.get(index) else { break };
                let path = root.join(spec);
                let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                let name = crate_name(spec, index);
                let options = Options::new(name.clone(), spec.clone());
                let started = Instant::now();
                let generated = generate_one(path.clone(), options, settings.timeout);
                let generation = started.elapsed();
                let (mut lines, mut warning_count) = (0, 0);
                let (outcome, first_message) = match generated {
                    Ok((files, warnings)) => {
                        lines = files.iter().map(|f| generator::line_count(&f.text)).sum();
                        warning_count = warnings.len();
                        if settings.check_dir.is_some() {
                            crates.lock().expect("no panics while locked").push((index, name, files));
                        }
                        let outcome = if warnings.is_empty() {
                            Outcome::Generated
                        } else {
                            Outcome::GeneratedWithWarnings
                        };
                        (outcome, warnings.into_iter().next())
                    }
                    Err((outcome, message)) => (outcome, Some(message)),
                };
                let row = Row {
                    spec: spec.clone(),
                    size,
                    version: version_of(&path),
                    outcome,
                    generation,
                    lines,
                    warnings: warning_count,
                    first_message,
                    check: None,
                };
                progress(&row);
                rows.lock().expect("no panics while locked")[index] = Some(row);
            });
        }
    });
    std::panic::set_hook(hook);
    let mut rows: Vec<Row> = rows
        .into_inner()
        .expect("no panics while locked")
        .into_iter()
        .map(|r| r.expect("every spec ran"))
        .collect();
    if let Some(dir) = &settings.check_dir {
        let mut crates = crates.into_inner().expect("no panics while locked");
        crates.sort_by_key(|(index, _, _)| *index);
        let checks = check_all(dir, settings.lock_file.as_deref(), &crates, |index, check| {
            let row = &rows[index];
            let state = if check.passed { "compiled" } else { "does not compile" };
            eprintln!("check {:>5.1}s {state}: {}", check.time.as_secs_f64(), row.spec);
        })?;
        for (index, check) in checks {
            rows[index].check = Some(check);
        }
    }
    Ok(rows)
}

/// Writes the crates into one workspace under `dir` and checks them one by one with a shared
/// target directory (dependencies are built once).
fn check_all(
    dir: &Path,
    lock_file: Option<&Path>,
    crates: &[(usize, String, Vec<FormattedFile>)],
    progress: impl Fn(usize, &Check),
) -> Result<Vec<(usize, Check)>> {
    let workspace = dir.join("crates");
    let _ = std::fs::remove_dir_all(&workspace);
    for (_, name, files) in crates {
        for file in files {
            write_file(&workspace.join(name).join(&file.path), &file.text)?;
        }
    }
    let members: Vec<String> = crates.iter().map(|(_, name, _)| name.clone()).collect();
    write_manifest(&workspace, &members, lock_file)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut checks = Vec::new();
    for (index, name, _) in crates {
        let started = Instant::now();
        let output = Command::new(&cargo)
            .args(["check", "--quiet", "--message-format", "short", "-p", name])
            .current_dir(&workspace)
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .output()
            .map_err(|source| Error::Write { path: workspace.clone(), source })?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first_error = (!output.status.success()).then(|| {
            stderr
                .lines()
                .find(|l| l.contains("error"))
                .unwrap_or_else(|| stderr.lines().next().unwrap_or("cargo check failed"))
                .to_owned()
        });
        let check = Check { passed: output.status.success(), time: started.elapsed(), first_error };
        progress(*index, &check);
        checks.push((*index, check));
    }
    Ok(checks)
}

/// A failure message with its particulars (names, pointers, numbers) taken out, so that the
/// same kind of failure in different specs counts as one reason.
pub fn reason(message: &str) -> String {
    let message = message.split_once(": at #").map_or(message, |(_, rest)| rest);
    let message = message.split_once(": ").map_or(message, |(_, rest)| rest);
    let mut out = String::new();
    let mut in_quote = None;
    for c in message.chars() {
        match (in_quote, c) {
            (None, '`' | '"') => {
                in_quote = Some(c);
                out.push('…');
            }
            (Some(q), c) if c == q => in_quote = None,
            (Some(_), _) => {}
            (None, c) if c.is_ascii_digit() => {
                if !out.ends_with('N') {
                    out.push('N');
                }
            }
            (None, c) => out.push(c),
        }
    }
    out.chars().take(120).collect()
}

/// One CSV field, quoted when it must be (line breaks become spaces: one row per line).
pub fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\"").replace(['\n', '\r'], " "))
    } else {
        text.to_owned()
    }
}

pub fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// The summary table and the ten most common failure reasons, as Markdown.
pub fn summary(rows: &[Row]) -> String {
    let total = rows.len();
    let mut out = String::new();
    let _ = writeln!(out, "| outcome | specs | share |");
    let _ = writeln!(out, "| --- | ---: | ---: |");
    let count = |outcome: Outcome| rows.iter().filter(|r| r.outcome == outcome).count();
    for outcome in [
        Outcome::Generated,
        Outcome::GeneratedWithWarnings,
        Outcome::Refused,
        Outcome::Panicked,
        Outcome::TimedOut,
    ] {
        let n = count(outcome);
        let _ = writeln!(out, "| {} | {n} | {:.1}% |", outcome.label(), percent(n, total));
    }
    let generated = rows.iter().filter(|r| r.outcome.is_generated()).count();
    let _ =
        writeln!(out, "| **generated in all** | **{generated}** | **{:.1}%** |", percent(generated, total));
    let checked = rows.iter().filter(|r| r.check.is_some()).count();
    if checked > 0 {
        let compiled = rows.iter().filter(|r| r.check.as_ref().is_some_and(|c| c.passed)).count();
        let _ = writeln!(
            out,
            "| **compiled** (`cargo check`), of all {total} | **{compiled}** | **{:.1}%** |",
            percent(compiled, total)
        );
    }
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for row in rows {
        let failure = match (&row.check, row.outcome) {
            (_, Outcome::Refused | Outcome::Panicked | Outcome::TimedOut) => row.first_message.clone(),
            (Some(check), _) if !check.passed => check.first_error.clone(),
            _ => None,
        };
        if let Some(message) = failure {
            *reasons.entry(reason(&message)).or_default() += 1;
        }
    }
    if !reasons.is_empty() {
        let mut ranked: Vec<(String, usize)> = reasons.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let _ = writeln!(out, "\n| most common failure reasons | specs |");
        let _ = writeln!(out, "| --- | ---: |");
        for (reason, n) in ranked.into_iter().take(10) {
            let _ = writeln!(out, "| {} | {n} |", reason.replace('|', "\\|"));
        }
    }
    out
}

/// One CSV row per spec.
pub fn csv(rows: &[Row]) -> String {
    let mut out =
        String::from("spec,size,version,outcome,generation_ms,lines,warnings,check,check_ms,first_error\n");
    for row in rows {
        let (check, check_ms, check_error) = match &row.check {
            Some(c) => (
                if c.passed { "compiled" } else { "failed" },
                c.time.as_millis().to_string(),
                c.first_error.clone(),
            ),
            None => ("", String::new(), None),
        };
        let first = check_error.or_else(|| row.first_message.clone()).unwrap_or_default();
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{}",
            field(&row.spec),
            row.size,
            field(&row.version),
            row.outcome.label(),
            row.generation.as_millis(),
            row.lines,
            row.warnings,
            check,
            check_ms,
            field(&first)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(outcome: Outcome, message: Option<&str>, check: Option<bool>) -> Row {
        Row {
            spec: "api/x.json".into(),
            size: 10,
            version: "3.0.0".into(),
            outcome,
            generation: Duration::from_millis(5),
            lines: 0,
            warnings: 0,
            first_message: message.map(str::to_owned),
            check: check.map(|passed| Check { passed, time: Duration::from_secs(1), first_error: None }),
        }
    }

    #[test]
    fn reasons_drop_particulars() {
        assert_eq!(
            reason("a.json: at #/paths/~1x/get: `$ref` chain longer than 64: is it a loop?"),
            "… chain longer than N: is it a loop?"
        );
        assert_eq!(reason("api/y.json:3:4: at #/info: invalid type: integer `2`"), "invalid type: integer …");
    }

    #[test]
    fn summary_counts_and_ranks() {
        let rows = vec![
            row(Outcome::Generated, None, Some(true)),
            row(Outcome::GeneratedWithWarnings, Some("w"), Some(false)),
            row(Outcome::Refused, Some("s.json: at #/x: unsupported `thing`"), None),
            row(Outcome::Refused, Some("t.json: at #/y: unsupported `other`"), None),
        ];
        let table = summary(&rows);
        assert!(table.contains("| generated | 1 | 25.0% |"), "{table}");
        assert!(table.contains("| refused with a diagnostic | 2 | 50.0% |"), "{table}");
        assert!(table.contains("| **generated in all** | **2** | **50.0%** |"), "{table}");
        assert!(table.contains("| **compiled** (`cargo check`), of all 4 | **1** | **25.0%** |"), "{table}");
        assert!(table.contains("| unsupported … | 2 |"), "{table}");
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        let text = csv(&[row(Outcome::Refused, Some("a, \"b\"\nc"), None)]);
        assert_eq!(
            text.lines().nth(1),
            Some("api/x.json,10,3.0.0,refused with a diagnostic,5,0,0,,,\"a, \"\"b\"\" c\"")
        );
    }

    #[test]
    fn crate_names_are_valid_and_unique() {
        let a = crate_name("api/googleapis.com/vectortile.json", 3);
        assert_eq!(a, "c0003_googleapis_com_vectortile");
        assert!(naming::crate_name(&a).is_some());
        assert_ne!(crate_name("api/a-b.json", 1), crate_name("api/a_b.json", 2));
    }
}
