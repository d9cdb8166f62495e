//! The conformance run: for each spec, the client and a harness that calls every operation
//! once ([`harness`]), built in one workspace, each harness run against Prism serving the
//! same spec with request validation on and responses made from the schemas (with a fixed seed,
//! so a run can be repeated). Each call has
//! one outcome: `ok`, `request-rejected` (Prism's violations kept), `decode-failed` (the
//! member path and the body kept), `not-called` (why; a failure in every figure) or
//! `mock-wrong` (Prism could not answer as the spec says).

mod answer;
mod harness;
mod values;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use generator::{Error, Options, Result};

use super::corpus::{crate_name, field, percent, reason};
use super::workspace::{write_file, write_manifest};

pub struct Settings {
    pub jobs: usize,
    /// The Prism executable.
    pub prism: PathBuf,
    /// Where the workspace of clients and harnesses is written and built.
    pub dir: PathBuf,
    /// A `Cargo.lock` to start the workspace from, so versions match the project's.
    pub lock_file: Option<PathBuf>,
    /// How long one harness may run.
    pub timeout: Duration,
}

/// One operation's outcome.
#[derive(Debug, Clone)]
pub struct Row {
    pub spec: String,
    pub operation: String,
    pub method: String,
    pub path: String,
    pub outcome: String,
    pub detail: String,
}

/// A spec prepared for the run: its crates, and the calls its harness makes.
struct Prepared {
    spec: String,
    client: String,
    harness: String,
    calls: Vec<harness::Call>,
}

pub fn run(root: &Path, specs: &[String], settings: &Settings) -> Result<Vec<Row>> {
    // Absolute: cargo runs in the workspace, the harnesses are found from here.
    let dir = std::path::absolute(&settings.dir)
        .map_err(|source| Error::Read { path: settings.dir.clone(), source })?;
    let workspace = dir.join("crates");
    let _ = std::fs::remove_dir_all(&workspace);
    let mut prepared = Vec::new();
    let mut rows = Vec::new();
    for (index, spec) in specs.iter().enumerate() {
        match prepare(root, spec, index, &workspace) {
            Ok(p) => prepared.push(p),
            Err(e) => {
                rows.push(row(spec, "", "", "", "not-called", &format!("the client was not generated: {e}")))
            }
        }
    }
    let members: Vec<String> = prepared.iter().flat_map(|p| [p.client.clone(), p.harness.clone()]).collect();
    write_manifest(&workspace, &members, settings.lock_file.as_deref())?;
    eprintln!("building {} clients and their harnesses", prepared.len());
    let target = dir.join("target");
    let build = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--workspace", "--keep-going", "--quiet", "--offline"])
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .map_err(|source| Error::Read { path: workspace.clone(), source })?;
    let build_errors = String::from_utf8_lossy(&build.stderr).into_owned();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..settings.jobs.max(1) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(p) = prepared.get(index) else { break };
                let binary = target.join("debug").join(&p.harness);
                let spec_rows = if binary.is_file() {
                    call_all(p, &root.join(&p.spec), &binary, settings)
                } else {
                    let why = first_error_of(&build_errors, &p.client).unwrap_or("does not compile".into());
                    p.calls
                        .iter()
                        .map(|c| row(&p.spec, &c.operation, &c.method, &c.path, "not-called", &why))
                        .collect()
                };
                let ok = spec_rows.iter().filter(|r| r.outcome == "ok").count();
                eprintln!("[{}/{}] {}: {ok} of {} ok", index + 1, prepared.len(), p.spec, spec_rows.len());
                results.lock().expect("no worker panics").push((index, spec_rows));
            });
        }
    });
    let mut results = results.into_inner().expect("no worker panics");
    results.sort_by_key(|(index, _)| *index);
    rows.extend(results.into_iter().flat_map(|(_, r)| r));
    Ok(rows)
}

fn row(spec: &str, operation: &str, method: &str, path: &str, outcome: &str, detail: &str) -> Row {
    Row {
        spec: spec.to_owned(),
        operation: operation.to_owned(),
        method: method.to_owned(),
        path: path.to_owned(),
        outcome: outcome.to_owned(),
        detail: detail.to_owned(),
    }
}

/// Generates the client of a spec and its harness into the workspace.
fn prepare(root: &Path, spec: &str, index: usize, workspace: &Path) -> Result<Prepared> {
    let path = root.join(spec);
    let client = crate_name(spec, index);
    let options = Options::new(client.clone(), spec.to_owned());
    let loaded = generator::load::load(&path)?;
    let generated = generator::generate_spec(&loaded, &options)?;
    let api = generator::lower::lower(&loaded, &options)?.api;
    for file in &generated.files {
        write_file(&workspace.join(&client).join(&file.path), &file.text)?;
    }
    let harness = format!("harness_{client}");
    write_file(&workspace.join(&harness).join("Cargo.toml"), &harness::manifest(&harness, &client, &api))?;
    write_file(&workspace.join(&harness).join("src/main.rs"), &harness::main_source(&loaded, &api))?;
    Ok(Prepared { spec: spec.to_owned(), client, harness, calls: harness::calls(&api) })
}

/// The first compiler error that names the crate, for the row of each of its operations.
fn first_error_of(build_errors: &str, client: &str) -> Option<String> {
    let mut lines = build_errors.lines();
    let start = lines.position(|l| l.contains(client))?;
    let rest: Vec<&str> = build_errors.lines().skip(start.saturating_sub(1)).take(3).collect();
    Some(format!("the client or its harness does not compile: {}", rest.join(" ")))
}

/// Serves the spec with Prism and runs the harness against it.
fn call_all(p: &Prepared, spec: &Path, binary: &Path, settings: &Settings) -> Vec<Row> {
    let failed = |why: &str| {
        p.calls.iter().map(|c| row(&p.spec, &c.operation, &c.method, &c.path, "not-called", why)).collect()
    };
    let Ok(port) = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()) else {
        return failed("no free port for the mock server");
    };
    let prism = Command::new(&settings.prism)
        .args(["mock", "--dynamic", "--seed", "1", "--host", "127.0.0.1", "--port", &port.to_string()])
        .arg(spec)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut prism) = prism else { return failed("Prism does not start") };
    // Prism says when it listens (it accepts connections a little before it answers them);
    // what it logs is kept for a spec it cannot serve.
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let log = std::sync::Arc::new(Mutex::new(String::new()));
    if let Some(stdout) = prism.stdout.take() {
        let log = log.clone();
        std::thread::spawn(move || {
            use std::io::BufRead as _;
            for line in std::io::BufReader::new(stdout).lines().map_while(std::result::Result::ok) {
                if line.contains("Prism is listening") {
                    let _ = ready_tx.send(());
                }
                let mut log = log.lock().expect("no panics while logging");
                if log.len() < 4000 {
                    log.push_str(&line);
                    log.push('\n');
                }
            }
        });
    }
    if ready_rx.recv_timeout(Duration::from_secs(90)).is_err() {
        let _ = prism.kill();
        let _ = prism.wait();
        let text = log.lock().map(|l| l.clone()).unwrap_or_default();
        let last: String = text.lines().rev().take(3).collect::<Vec<_>>().join(" ");
        let why = format!("Prism did not serve the spec: {last}");
        return p
            .calls
            .iter()
            .map(|c| row(&p.spec, &c.operation, &c.method, &c.path, "mock-wrong", &why))
            .collect();
    }
    let output = run_with_timeout(binary, &format!("http://127.0.0.1:{port}"), settings.timeout);
    let _ = prism.kill();
    let _ = prism.wait();
    let (stdout, stderr) = match output {
        Ok(output) => output,
        Err(why) => return failed(&why),
    };
    let checker = generator::load::load(spec).ok().map(|loaded| answer::Checker::new(&loaded));
    let mut reported = stdout.lines().filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok());
    let stopped: String = stderr.lines().rev().take(3).collect::<Vec<_>>().join(" ");
    p.calls
        .iter()
        .map(|c| match reported.next() {
            Some(line) => {
                let (outcome, detail) = judge(&line, c, checker.as_ref());
                row(&p.spec, &c.operation, &c.method, &c.path, outcome, &detail)
            }
            None => row(
                &p.spec,
                &c.operation,
                &c.method,
                &c.path,
                "not-called",
                &format!("the harness stopped before this call: {stopped}"),
            ),
        })
        .collect()
}

/// The outcome of one operation from the harness's line: an answer that did not decode is the
/// mock's fault where it violates the spec's schema for its status.
fn judge<'a>(line: &'a serde_json::Value, call: &harness::Call, checker: Option<&answer::Checker>) -> (&'a str, String) {
    let text = |key: &str| line.get(key).and_then(|v| v.as_str()).unwrap_or_default();
    let (outcome, detail) = (text("outcome"), text("detail").to_owned());
    let Some(status) = line.get("status").and_then(serde_json::Value::as_u64) else { return (outcome, detail) };
    let body = text("body");
    let shown: String = body.chars().take(300).collect();
    let client_said = format!("{detail}; body: {shown}");
    let Some(checker) = checker else { return (outcome, client_said) };
    let Ok(answer) = serde_json::from_str::<serde_json::Value>(body) else { return (outcome, client_said) };
    let Some(schema) = checker.response_schema(&call.path, &call.method, status as u16) else {
        return (outcome, client_said);
    };
    match checker.violations(&schema, &answer) {
        Ok(violations) if !violations.is_empty() => (
            "mock-wrong",
            format!("Prism's answer violates the spec's schema {schema}: {}; {client_said}", violations.join("; ")),
        ),
        Ok(_) => (outcome, client_said),
        Err(why) => (outcome, format!("{client_said} ({why})")),
    }
}

/// Runs the harness; its stdout and stderr, or why it did not finish.
fn run_with_timeout(
    binary: &Path,
    url: &str,
    timeout: Duration,
) -> std::result::Result<(String, String), String> {
    let mut child = Command::new(binary)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("the harness does not start: {e}"))?;
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    loop {
        if child.try_wait().ok().flatten().is_some() {
            break;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.wait();
    Ok((out.join().unwrap_or_default(), err.join().unwrap_or_default()))
}

/// One CSV row per operation.
pub fn csv(rows: &[Row]) -> String {
    let mut out = String::from("spec,operation,method,path,outcome,detail\n");
    for r in rows {
        let fields = [&r.spec, &r.operation, &r.method, &r.path, &r.outcome, &r.detail];
        let fields: Vec<String> = fields.iter().map(|f| field(f)).collect();
        let _ = writeln!(out, "{}", fields.join(","));
    }
    out
}

/// The outcomes per spec and overall, and the ten most common failure reasons, as Markdown.
pub fn summary(rows: &[Row]) -> String {
    const OUTCOMES: [&str; 5] = ["ok", "request-rejected", "decode-failed", "not-called", "mock-wrong"];
    let mut by_spec: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in rows {
        by_spec.entry(&r.spec).or_default().push(r);
    }
    let mut out = String::from(
        "| spec | operations | ok | request-rejected | decode-failed | not-called | mock-wrong |\n",
    );
    out.push_str("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    let count = |rows: &[&Row], outcome: &str| rows.iter().filter(|r| r.outcome == outcome).count();
    for (spec, spec_rows) in &by_spec {
        let counts: Vec<String> = OUTCOMES.iter().map(|o| count(spec_rows, o).to_string()).collect();
        let _ = writeln!(out, "| `{spec}` | {} | {} |", spec_rows.len(), counts.join(" | "));
    }
    let all: Vec<&Row> = rows.iter().collect();
    let ok = count(&all, "ok");
    let specs_ok = by_spec.values().filter(|r| r.iter().all(|r| r.outcome == "ok")).count();
    let _ = writeln!(
        out,
        "\n{} operations of {} specs: **{ok} ok ({:.1}%)**; {specs_ok} specs with every operation ok",
        rows.len(),
        by_spec.len(),
        percent(ok, rows.len())
    );
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.outcome != "ok") {
        *reasons.entry(format!("{}: {}", r.outcome, reason(&r.detail))).or_default() += 1;
    }
    let mut reasons: Vec<(String, usize)> = reasons.into_iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    if !reasons.is_empty() {
        out.push_str("\n| most common failures | operations |\n| --- | ---: |\n");
        for (why, n) in reasons.iter().take(10) {
            let why: String = why.chars().take(160).collect();
            let _ = writeln!(out, "| {} | {n} |", why.replace('|', "\\|"));
        }
    }
    out
}

/// The share of operations `ok`, in percent (not-called counts as a failure).
pub fn ok_share(rows: &[Row]) -> f64 {
    percent(rows.iter().filter(|r| r.outcome == "ok").count(), rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_called_counts_as_a_failure_and_reasons_are_ranked() {
        let rows = vec![
            row("a.yaml", "one", "GET", "/x", "ok", ""),
            row("a.yaml", "two", "GET", "/y", "not-called", "parameter `q` has no schema"),
            row("b.yaml", "three", "POST", "/z", "decode-failed", "at `id`: invalid type"),
            row("b.yaml", "four", "POST", "/w", "not-called", "parameter `r` has no schema"),
        ];
        assert_eq!(ok_share(&rows), 25.0);
        let text = summary(&rows);
        assert!(text.contains("| `a.yaml` | 2 | 1 | 0 | 0 | 1 | 0 |"), "{text}");
        assert!(text.contains("| `b.yaml` | 2 | 0 | 0 | 1 | 1 | 0 |"), "{text}");
        assert!(
            text.contains("4 operations of 2 specs: **1 ok (25.0%)**; 0 specs with every operation ok"),
            "{text}"
        );
        assert!(text.contains("| not-called: parameter … has no schema | 2 |"), "{text}");
        let csv = csv(&rows);
        assert!(
            csv.starts_with("spec,operation,method,path,outcome,detail\na.yaml,one,GET,/x,ok,\n"),
            "{csv}"
        );
    }
}
