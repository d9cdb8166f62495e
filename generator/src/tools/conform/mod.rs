//! The conformance run: for each spec, the client and a harness that calls every operation
//! once ([`harness`]), built in one workspace, each harness run against Prism serving the
//! same spec with request validation on and responses made from the schemas (with a fixed seed,
//! so a run can be repeated). Each call has
//! one outcome: `ok`, `request-rejected` (Prism's violations kept), `decode-failed` (the
//! member path and the body kept), `not-called` (why; a failure in every figure) or
//! `mock-wrong` (Prism could not answer as the spec says).

mod answer;
mod harness;
mod mock;
mod schemas;
mod values;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

use generator::{Error, Options, Result};

use schemas::Schemas;

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
    // A harness an earlier run built must not stand in for one that no longer compiles.
    for p in &prepared {
        let _ = std::fs::remove_file(target.join("debug").join(&p.harness));
    }
    let build = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--workspace", "--keep-going", "--quiet"])
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
    let schemas = Schemas::new(&loaded);
    let harness = format!("harness_{client}");
    write_file(&workspace.join(&harness).join("Cargo.toml"), &harness::manifest(&harness, &client, &api))?;
    write_file(&workspace.join(&harness).join("src/main.rs"), &harness::main_source(&schemas, &api))?;
    Ok(Prepared { spec: spec.to_owned(), client, harness, calls: harness::calls(&api) })
}

/// The first compiler error that names the crate, for the row of each of its operations.
fn first_error_of(build_errors: &str, client: &str) -> Option<String> {
    let mut lines = build_errors.lines();
    let start = lines.position(|l| l.contains(client))?;
    let rest: Vec<&str> = build_errors.lines().skip(start.saturating_sub(1)).take(3).collect();
    Some(format!("the client or its harness does not compile: {}", rest.join(" ")))
}

/// How long one operation's calls may take (two calls, each within the client's timeout).
const CALL_TIME: Duration = Duration::from_secs(150);

/// Serves the spec with Prism and runs the harness against it. Where Prism stops (it crashes
/// on some specs) or the harness does, the operation in flight is recorded and both start
/// again from the next one.
fn call_all(p: &Prepared, spec: &Path, binary: &Path, settings: &Settings) -> Vec<Row> {
    let loaded = generator::load::load(spec).ok();
    let schemas = loaded.as_ref().map(Schemas::new);
    let checker = schemas.as_ref().map(answer::Checker::new);
    let started = Instant::now();
    let mut rows: Vec<Row> = Vec::with_capacity(p.calls.len());
    let record = |rows: &mut Vec<Row>, outcome: &str, detail: &str| {
        let c = &p.calls[rows.len()];
        rows.push(row(&p.spec, &c.operation, &c.method, &c.path, outcome, detail));
    };
    let record_rest = |rows: &mut Vec<Row>, outcome: &str, detail: &str| {
        while rows.len() < p.calls.len() {
            record(rows, outcome, detail);
        }
    };
    while rows.len() < p.calls.len() {
        if started.elapsed() > settings.timeout {
            let why = format!("the spec's calls took longer than {} s", settings.timeout.as_secs());
            record_rest(&mut rows, "not-called", &why);
            break;
        }
        let mut mock = match mock::Mock::start(&settings.prism, spec) {
            Ok(mock) => mock,
            Err(mock::NotServed(why)) => {
                record_rest(&mut rows, "mock-wrong", &why);
                break;
            }
        };
        let mut run = match mock::Harness::start(binary, &mock.url(), rows.len()) {
            Ok(run) => run,
            Err(why) => {
                record_rest(&mut rows, "not-called", &why);
                break;
            }
        };
        loop {
            let Some(line) = run.next_line(CALL_TIME) else {
                // The harness stopped (or hung) in this operation: it is recorded, and the
                // run goes on from the next one.
                if rows.len() < p.calls.len() {
                    let why = format!("the harness stopped in this operation: {}", run.stopped());
                    record(&mut rows, "not-called", &why);
                }
                break;
            };
            let crashed = got_no_answer(&line) && mock.stopped(Duration::from_secs(3));
            let (outcome, detail) = if crashed {
                ("mock-wrong", format!("Prism stopped while answering: {}", mock.crash()))
            } else {
                judge(&line, &p.calls[rows.len()], checker.as_ref())
            };
            record(&mut rows, outcome, &detail);
            if crashed || rows.len() == p.calls.len() {
                break;
            }
        }
        run.stop();
        mock.stop();
    }
    rows
}

/// Whether a call of the operation got no answer at all (the connection closed or was refused).
fn got_no_answer(line: &Value) -> bool {
    line["calls"].as_array().into_iter().flatten().any(|c| c["kind"] == "error")
}

/// The outcome of one operation from the harness's line: that of its first call that was not
/// `ok`.
fn judge(
    line: &Value,
    call: &harness::Call,
    checker: Option<&answer::Checker<'_>>,
) -> (&'static str, String) {
    let calls = line["calls"].as_array().map(Vec::as_slice).unwrap_or_default();
    if calls.is_empty() {
        return ("not-called", "the harness reported no call".into());
    }
    let mut note = String::new();
    for outcome in calls {
        let (kind, detail) = judge_call(outcome, call, checker);
        let name = outcome["call"].as_str().unwrap_or_default();
        if kind != "ok" {
            return (kind, format!("{name}: {detail}"));
        }
        if note.is_empty() && !detail.is_empty() {
            note = format!("{name}: {detail}");
        }
    }
    ("ok", note)
}

/// The outcome of one call. An answer that did not decode is the mock's fault where it
/// violates the spec's schema for its status; a problem Prism reports about itself (no route,
/// no response, an internal error) is too.
fn judge_call(
    outcome: &Value,
    call: &harness::Call,
    checker: Option<&answer::Checker<'_>>,
) -> (&'static str, String) {
    let text = |key: &str| outcome[key].as_str().unwrap_or_default().to_owned();
    let status = outcome["status"].as_u64().unwrap_or_default();
    match outcome["kind"].as_str().unwrap_or_default() {
        "ok" => ("ok", String::new()),
        "api" => {
            let body = text("body");
            let violations =
                outcome["violations"].as_str().and_then(|v| serde_json::from_str::<Value>(v).ok());
            if let Some(problem) = prism_problem(&body) {
                const REQUEST_FAULTS: [&str; 4] =
                    ["UNPROCESSABLE_ENTITY", "NOT_ACCEPTABLE", "UNAUTHORIZED", "UNSUPPORTED_MEDIA_TYPE"];
                if !REQUEST_FAULTS.contains(&problem.kind.as_str()) {
                    return ("mock-wrong", format!("HTTP {status}: {body}"));
                }
                if let Some(fault) = prism_fault(problem.validation.as_ref().or(violations.as_ref()), call) {
                    return ("mock-wrong", format!("{fault}; HTTP {status}: {body}"));
                }
                if call.path.contains('#') {
                    return ("mock-wrong", format!("{FRAGMENT}; HTTP {status}: {body}"));
                }
                return ("request-rejected", format!("HTTP {status}: {body}"));
            }
            if let Some(fault) = prism_fault(violations.as_ref(), call) {
                return (
                    "mock-wrong",
                    format!("{fault}; HTTP {status}: {}", outcome["violations"].as_str().unwrap_or_default()),
                );
            }
            match outcome["violations"].as_str() {
                Some(violations) if call.path.contains('#') => {
                    ("mock-wrong", format!("{FRAGMENT}; HTTP {status}: {violations}"))
                }
                Some(violations) => ("request-rejected", format!("HTTP {status}: {violations}")),
                // An answer the spec declares for a status that is not a success, given to a
                // request Prism found valid: the client read it as that error.
                None => ("ok", String::new()),
            }
        }
        "decode" => {
            let body = text("body");
            let shown: String = body.chars().take(300).collect();
            let client_said = format!("{}; body: {shown}", text("detail"));
            let Some(checker) = checker else { return ("decode-failed", client_said) };
            let Ok(answer) = serde_json::from_str::<Value>(&body) else {
                return ("decode-failed", client_said);
            };
            let Some(schema) = checker.response_schema(&call.path, &call.method, status as u16) else {
                return ("decode-failed", client_said);
            };
            match checker.violations(&schema, &answer) {
                // Prism's answer is wrong, and the spec's example decodes: the call works.
                Ok(violations) if !violations.is_empty() && outcome["example"]["kind"] == "ok" => (
                    "ok",
                    format!(
                        "answered from the spec's example: Prism's own answer violates the spec's schema {schema}: {}",
                        violations.join("; ")
                    ),
                ),
                Ok(violations) if !violations.is_empty() => (
                    "mock-wrong",
                    format!(
                        "Prism's answer violates the spec's schema {schema}: {}; {client_said}",
                        violations.join("; ")
                    ),
                ),
                Ok(_) => ("decode-failed", client_said),
                Err(why) => ("decode-failed", format!("{client_said} ({why})")),
            }
        }
        _ => ("not-called", text("detail")),
    }
}

/// Why an operation whose path has a fragment is refused: the client sends the path without
/// it (a fragment is not part of a request), and Prism routes it to another operation or none.
const FRAGMENT: &str = "Prism cannot route a path written with a fragment (`/#Action=...`): the request \
                        meets another operation's checks, or none";

/// A problem Prism reports about the request or itself.
struct Problem {
    /// `NO_PATH_MATCHED_ERROR` for `https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR`.
    kind: String,
    /// What it found wrong with the request, where it says.
    validation: Option<Value>,
}

fn prism_problem(body: &str) -> Option<Problem> {
    let problem: Value = serde_json::from_str(body).ok()?;
    let kind = problem.get("type")?.as_str()?.strip_prefix("https://stoplight.io/prism/errors#")?;
    Some(Problem { kind: kind.to_owned(), validation: problem.get("validation").cloned() })
}

/// Where Prism refuses a request for what is a fault of its own (each is listed in the
/// README): the reason, when every violation it names is one of those.
fn prism_fault(violations: Option<&Value>, call: &harness::Call) -> Option<&'static str> {
    // Warnings (a deprecated parameter) do not refuse a request.
    let violations: Vec<&Value> = violations?
        .as_array()?
        .iter()
        .filter(|v| v.get("severity").and_then(Value::as_str) != Some("Warning"))
        .collect();
    if violations.is_empty() {
        return None;
    }
    let place = |violation: &Value| -> Vec<String> {
        let location = violation.get("location").and_then(Value::as_array).into_iter().flatten();
        location.filter_map(Value::as_str).map(str::to_owned).collect()
    };
    // Parameters Prism did not split into a list: every violation of theirs follows from it.
    let unsplit: Vec<String> = violations
        .iter()
        .filter(|v| {
            let message = v.get("message").and_then(Value::as_str).unwrap_or_default();
            let in_parameter =
                place(v).iter().any(|l| ["query", "header", "path", "cookie"].contains(&l.as_str()));
            in_parameter && (message.ends_with("must be array") || message.ends_with("must be array,null"))
        })
        .filter_map(|v| place(v).last().cloned())
        .collect();
    let fault = |violation: &&Value| -> Option<&'static str> {
        if place(violation).last().is_some_and(|name| unsplit.contains(name)) {
            return Some(
                "Prism splits a parameter's values only where its schema's type is `array`, not where a \
                 list is nullable or one of alternatives (prism-http's style deserializers; \
                 stoplightio/prism#2675)",
            );
        }
        let message = violation.get("message")?.as_str()?;
        let location = place(violation);
        let in_header = location.iter().any(|l| l == "header");
        let ignored_header = [
            "'accept'",
            "'content-type'",
            "'authorization'",
            " accept ",
            " content-type ",
            " authorization ",
        ];
        if in_header && ignored_header.iter().any(|h| message.to_ascii_lowercase().contains(h)) {
            return Some(
                "Prism validates header parameters named Accept, Content-Type or Authorization, which OpenAPI \
                 says are ignored (stoplightio/prism#2057)",
            );
        }
        let in_body = location.iter().any(|l| l == "body");
        if call.form_body
            && in_body
            && (message.ends_with("must be object") || message.ends_with("must be array"))
        {
            return Some(
                "Prism reads each member of a form body as text, the last of a name winning: a JSON part \
                 or a repeated member is never an object or an array (prism-http's form deserializer)",
            );
        }
        let in_path = location.iter().any(|l| l == "path");
        if in_path && call.path.contains("}{") {
            return Some(
                "Prism cannot split a path segment that holds two placeholders (`{a}{b}`) into its \
                 parameters",
            );
        }
        None
    };
    let reasons: Vec<&'static str> = violations.iter().map(fault).collect::<Option<_>>()?;
    reasons.first().copied()
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
    let mock_wrong = count(&all, "mock-wrong");
    let specs_ok =
        by_spec.values().filter(|r| r.iter().all(|r| r.outcome == "ok" || r.outcome == "mock-wrong")).count();
    let _ = writeln!(
        out,
        "\n{} operations of {} specs: **{ok} ok, {:.1}% of the {} the mock served as the spec says** \
         ({:.1}% of all; {mock_wrong} mock-wrong); {specs_ok} specs with every such operation ok",
        rows.len(),
        by_spec.len(),
        ok_share(rows),
        rows.len() - mock_wrong,
        percent(ok, rows.len()),
    );
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.outcome != "ok") {
        *reasons.entry(format!("{}: {}", r.outcome, failure_reason(&r.detail))).or_default() += 1;
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

/// The share of operations `ok`, in percent, of those the mock served as the spec says: every
/// operation but the `mock-wrong` ones, which are counted apart (`not-called` is a failure).
pub fn ok_share(rows: &[Row]) -> f64 {
    let served = rows.iter().filter(|r| r.outcome != "mock-wrong").count();
    percent(rows.iter().filter(|r| r.outcome == "ok").count(), served)
}

/// What went wrong, without the particulars (names, numbers, bodies), so that failures of one
/// kind count together.
fn failure_reason(detail: &str) -> String {
    let detail = ["with required arguments: ", "with every argument: "]
        .iter()
        .find_map(|p| detail.strip_prefix(p))
        .unwrap_or(detail);
    if let Some((known, _)) = detail.split_once("; HTTP ") {
        // One of Prism's faults, named by its reason.
        return known.to_owned();
    }
    let text = if detail.starts_with("Prism's answer violates the spec's schema") {
        "Prism's answer violates the spec's schema".to_owned()
    } else if let Some(rest) = detail.strip_prefix("HTTP ") {
        let body = rest.split_once(": ").map_or("", |(_, body)| body);
        let said: Option<Value> = serde_json::from_str(body).ok();
        let message = |v: &Value| v.get("message").and_then(Value::as_str).map(str::to_owned);
        match said {
            Some(Value::Array(violations)) => violations.first().and_then(message).unwrap_or_default(),
            Some(problem) => match problem.get("validation").and_then(Value::as_array) {
                Some(violations) => violations.first().and_then(message).unwrap_or_default(),
                // A title may hold a stack trace: its first line says what failed.
                None => {
                    let title = problem.get("title").and_then(Value::as_str).unwrap_or_default();
                    title.lines().next().unwrap_or_default().to_owned()
                }
            },
            None => body.chars().take(80).collect(),
        }
    } else {
        reason(detail)
    };
    // Names in quotes and numbers are particulars.
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    let mut previous = ' ';
    for c in text.chars() {
        let after_space = previous == ' ';
        previous = c;
        match c {
            '\'' if quoted => quoted = false,
            // An apostrophe inside a word (`Prism's`) opens nothing.
            '\'' if after_space => {
                quoted = true;
                out.push('…');
            }
            _ if quoted => {}
            '0'..='9' if !out.ends_with('N') => out.push('N'),
            '0'..='9' => {}
            c => out.push(c),
        }
    }
    out
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
        assert!(text.contains("4 operations of 2 specs: **1 ok, 25.0% of the 4"), "{text}");
        assert!(text.contains("| not-called: parameter … has no schema | 2 |"), "{text}");
        assert_eq!(
            failure_reason(
                r#"with every argument: HTTP 422: [{"message":"Request body must have required property 'name'"}]"#
            ),
            "Request body must have required property …"
        );
        assert_eq!(
            failure_reason(
                r#"HTTP 404: {"type":"https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR","title":"Route not resolved"}"#
            ),
            "Route not resolved"
        );
        assert_eq!(
            failure_reason("Known fault (stoplightio/prism#2057); HTTP 422: {}"),
            "Known fault (stoplightio/prism#2057)"
        );
        let csv = csv(&rows);
        assert!(
            csv.starts_with("spec,operation,method,path,outcome,detail\na.yaml,one,GET,/x,ok,\n"),
            "{csv}"
        );
    }

    fn call() -> harness::Call {
        harness::Call { operation: "op".into(), method: "GET".into(), path: "/x".into(), form_body: false }
    }

    fn problem(kind: &str, validation: serde_json::Value) -> String {
        serde_json::json!({
            "type": format!("https://stoplight.io/prism/errors#{kind}"),
            "title": "t",
            "status": 422,
            "validation": validation,
        })
        .to_string()
    }

    #[test]
    fn prism_problems_are_the_request_s_fault_or_the_mock_s() {
        let api = |body: String, violations: Option<&str>| serde_json::json!({"kind": "api", "status": 422, "body": body, "violations": violations});
        let rejected = api(
            problem(
                "UNPROCESSABLE_ENTITY",
                serde_json::json!([{"location": ["request", "body"], "message": "Request body must have required property 'name'"}]),
            ),
            None,
        );
        assert_eq!(judge_call(&rejected, &call(), None).0, "request-rejected");
        let no_route = api(problem("NO_PATH_MATCHED_ERROR", serde_json::Value::Null), None);
        assert_eq!(judge_call(&no_route, &call(), None).0, "mock-wrong");
        let ignored_header = api(
            problem(
                "UNPROCESSABLE_ENTITY",
                serde_json::json!([{"location": ["header"], "message": "Request header must have required property 'content-type'"}]),
            ),
            None,
        );
        let (outcome, detail) = judge_call(&ignored_header, &call(), None);
        assert_eq!(outcome, "mock-wrong");
        assert!(detail.contains("prism#2057"), "{detail}");
        let nullable_array = api(
            "{}".into(),
            Some(
                r#"[{"location":["request","query","fields"],"message":"Request query parameter fields must be array,null"}]"#,
            ),
        );
        assert_eq!(judge_call(&nullable_array, &call(), None).0, "mock-wrong");
        // A list that is one of alternatives: every violation of that parameter follows from
        // it, and a warning refuses nothing.
        let alternatives = api(
            "{}".into(),
            Some(
                r#"[{"location":["request","query","kinds"],"severity":"Error","message":"Request query parameter kinds must be array"},
                    {"location":["request","query","kinds"],"severity":"Error","message":"Request query parameter kinds must be null"},
                    {"location":["request","query","kinds"],"severity":"Error","message":"Request query parameter kinds must match a schema in anyOf"},
                    {"location":["request","query","old"],"severity":"Warning","message":"Query param old is deprecated"}]"#,
            ),
        );
        assert_eq!(judge_call(&alternatives, &call(), None).0, "mock-wrong");
        let mixed = api(
            "{}".into(),
            Some(
                r#"[{"location":["request","query","fields"],"message":"Request query parameter fields must be array,null"},{"location":["request","query","q"],"message":"Request query parameter q must be string"}]"#,
            ),
        );
        assert_eq!(
            judge_call(&mixed, &call(), None).0,
            "request-rejected",
            "one fault of the request's own is enough"
        );
        let declared_error = api("{\"code\": 1}".into(), None);
        assert_eq!(
            judge_call(&declared_error, &call(), None).0,
            "ok",
            "an error the spec declares, read as one"
        );
    }

    #[test]
    fn an_operation_s_outcome_is_its_first_call_that_is_not_ok() {
        let line = serde_json::json!({"operation": "op", "calls": [
            {"call": "with required arguments", "kind": "ok"},
            {"call": "with every argument", "kind": "unbuilt", "detail": "no value"},
        ]});
        assert_eq!(judge(&line, &call(), None), ("not-called", "with every argument: no value".into()));
        assert!(got_no_answer(
            &serde_json::json!({"calls": [{"kind": "error", "detail": "connection closed"}]})
        ));
        assert_eq!(judge(&serde_json::json!({"calls": []}), &call(), None).0, "not-called");
    }

    #[test]
    fn an_answer_that_does_not_decode_is_the_mock_s_fault_only_where_it_breaks_the_schema() {
        let schemas = Schemas::from_yaml(
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x:
    get:
      responses:
        "200":
          description: one
          content:
            application/json:
              schema: {type: object, required: [id], properties: {id: {type: string}}}
"#,
        );
        let checker = answer::Checker::new(&schemas);
        let decode = |body: &str, example: serde_json::Value| {
            let outcome = serde_json::json!({"call": "c", "kind": "decode", "status": 200, "detail": "at ``: x", "body": body, "example": example});
            judge(&serde_json::json!({"calls": [outcome]}), &call(), Some(&checker))
        };
        let (outcome, detail) = decode("{}", serde_json::json!({"kind": "ok"}));
        assert_eq!(outcome, "ok", "the spec's example decodes");
        assert!(detail.contains("answered from the spec's example"), "{detail}");
        assert_eq!(decode("{}", serde_json::json!({"kind": "decode"})).0, "mock-wrong");
        assert_eq!(
            decode(r#"{"id": "a"}"#, serde_json::json!({"kind": "ok"})).0,
            "decode-failed",
            "a conforming answer the client cannot read is its fault"
        );
    }
}
