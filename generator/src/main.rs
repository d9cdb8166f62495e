//! The `generator` command: regenerates the clients listed in `generator.toml`, checks that
//! they are current, or generates one crate from any spec.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod tools;

use clap::{Parser, Subcommand};
use generator::write::{self, CrateOutput};
use generator::{config, naming, Diagnostic, Error, Options};
use tools::{corpus, timings};

// Generation makes millions of small, short-lived allocations (token trees, strings); mimalloc
// serves them with far fewer page faults and less time in `free` than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(name = "generator", version, about = "Generates typed Rust client crates from OpenAPI documents")]
struct Cli {
    /// Write nothing; exit non-zero and name the stale files when the generated crates differ
    /// from what their specs produce.
    #[arg(long)]
    check: bool,

    /// The file listing the clients (default: the nearest `generator.toml` in this folder or
    /// above).
    #[arg(long)]
    config: Option<PathBuf>,

    /// Fail, writing nothing, when the spec gives any warning (for CI).
    #[arg(long, global = true)]
    deny_warnings: bool,

    /// Write into folders that hold files this generator did not write (it keeps them, but
    /// replaces files at the crate's paths).
    #[arg(long, global = true)]
    force: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Times the generation of each spec next to parsing it with serde_json alone, and
    /// prints a table (the best of `--runs` runs of each).
    Timings {
        specs: Vec<PathBuf>,
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// The folder the specs are named relative to in the table.
        #[arg(long)]
        root: Option<PathBuf>,
        /// Measure one run of one spec in this process and print its numbers (what each run's
        /// own process does).
        #[arg(long, hide = true)]
        measure: Option<timings::Measure>,
    },
    /// Generates a client for each spec of a corpus (a folder, or a file listing specs) and
    /// reports how many generate and, with `--check`, compile.
    Corpus {
        /// A folder of specs, or a file with one spec path per line.
        input: PathBuf,
        /// The folder the listed paths are relative to (default: the list's folder).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Specs generated at once (default: the number of cores).
        #[arg(long)]
        jobs: Option<usize>,
        /// Seconds one spec may take to generate before it counts as timed out.
        #[arg(long, default_value_t = 120)]
        timeout: u64,
        /// Also `cargo check` every generated crate, in one workspace under this folder.
        #[arg(long, value_name = "DIR")]
        check: Option<PathBuf>,
        /// Write one CSV row per spec here.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Fail unless at least this percentage of specs generate (any panic fails too).
        #[arg(long, value_name = "PERCENT")]
        require_generated: Option<f64>,
        /// Fail unless at least this many crates pass `cargo check`.
        #[arg(long, value_name = "COUNT")]
        require_compiled: Option<usize>,
    },
    /// Fuzzes the generator: random documents through the whole pipeline, mutated bytes
    /// through the loader, and (with `--check`) the crates of some documents through
    /// `cargo check`. Prints a table; fails on any panic, hang or crate that does not compile.
    Fuzz {
        /// Random documents to generate crates from.
        #[arg(long, default_value_t = 10_000)]
        documents: u64,
        /// Mutated documents to load.
        #[arg(long, default_value_t = 100_000)]
        mutations: u64,
        /// The seed every input is made from.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The first input's number (with the seed, replays an input).
        #[arg(long, default_value_t = 0)]
        from: u64,
        /// Worker threads (default: the number of cores).
        #[arg(long)]
        jobs: Option<usize>,
        /// Seconds one input may take before it counts as a hang.
        #[arg(long, default_value_t = 10)]
        time_limit: u64,
        /// Where failing inputs are written.
        #[arg(long, default_value = "target/fuzz-failures")]
        failures: PathBuf,
        /// Print input `--from` (the document, or with `--mutations` its mutation) and stop.
        #[arg(long)]
        print: bool,
        /// `cargo check` the crates of this many documents that generate...
        #[arg(long, value_name = "COUNT", requires = "check")]
        compile: Option<usize>,
        /// ...in one workspace under this folder.
        #[arg(long, value_name = "DIR")]
        check: Option<PathBuf>,
    },
    /// Calls every operation of each spec's client against Prism serving the spec (request
    /// validation on, answers made from the schemas); prints the outcomes per spec and overall
    /// and the most common failures.
    Conform {
        /// A spec, a folder of specs, or a file with one spec path per line.
        input: PathBuf,
        /// The folder the listed paths are relative to (default: the list's folder).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Write one CSV row per operation here.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Specs served and called at once (default: the number of cores).
        #[arg(long)]
        jobs: Option<usize>,
        /// Where the clients and their harnesses are built.
        #[arg(long, value_name = "DIR", default_value = "target/conform")]
        dir: PathBuf,
        /// The Prism executable (default: the one `scripts/test` installs in `tests/prism`).
        #[arg(long)]
        prism: Option<PathBuf>,
        /// Fail unless at least this percentage of all operations is `ok`.
        #[arg(long, value_name = "PERCENT")]
        require_ok: Option<f64>,
    },
    /// Generates a complete client crate for one spec (JSON or YAML) into a folder.
    Generate {
        /// The OpenAPI document.
        spec: PathBuf,
        /// The crate folder to write.
        #[arg(long)]
        out: PathBuf,
        /// The crate's package name (default: from the spec's file name).
        #[arg(long)]
        name: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A panic is a bug in the generator; it is reported as one, with nothing written.
    let outcome = std::panic::catch_unwind(|| run(&cli));
    match outcome {
        Ok(Ok(code)) => code,
        Ok(Err(error)) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!("error: the generator crashed (a bug in the generator); nothing was written");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<ExitCode, Error> {
    if let Some(Command::Corpus {
        input,
        root,
        jobs,
        timeout,
        check,
        csv,
        require_generated,
        require_compiled,
    }) = &cli.command
    {
        let gates = Gates { generated: *require_generated, compiled: *require_compiled };
        let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
        let settings = corpus::Settings {
            jobs,
            timeout: std::time::Duration::from_secs(*timeout),
            check_dir: check.clone(),
            lock_file: find_config().ok().and_then(|c| Some(c.parent()?.join("Cargo.lock"))),
        };
        return run_corpus(input, root.as_deref(), &settings, csv.as_deref(), gates);
    }
    if let Some(Command::Conform { input, root, csv, jobs, dir, prism, require_ok }) = &cli.command {
        let project = find_config().ok().and_then(|c| Some(c.parent()?.to_owned()));
        let prism = match prism {
            Some(prism) => prism.clone(),
            None => project.as_deref().unwrap_or(Path::new(".")).join("tests/prism/node_modules/.bin/prism"),
        };
        if !prism.is_file() {
            eprintln!("error: no Prism at {}: install it with `scripts/test` (npm ci in tests/prism) or pass --prism", prism.display());
            return Ok(ExitCode::FAILURE);
        }
        let settings = tools::conform::Settings {
            jobs: jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)),
            prism,
            dir: dir.clone(),
            lock_file: project.map(|p| p.join("Cargo.lock")),
            timeout: std::time::Duration::from_secs(300),
        };
        let (root, specs) = if input.is_file()
            && matches!(input.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml"))
        {
            let root = root.clone().unwrap_or_else(|| input.parent().unwrap_or(Path::new(".")).to_owned());
            let name = input.strip_prefix(&root).unwrap_or(input).to_string_lossy().into_owned();
            (root, vec![name])
        } else {
            corpus::specs(input, root.as_deref())?
        };
        let rows = tools::conform::run(&root, &specs, &settings)?;
        if let Some(path) = csv {
            std::fs::write(path, tools::conform::csv(&rows))
                .map_err(|source| Error::Write { path: path.to_owned(), source })?;
        }
        println!("{}", tools::conform::summary(&rows));
        let share = tools::conform::ok_share(&rows);
        if let Some(required) = require_ok.filter(|required| share < *required) {
            eprintln!("conformance gate failed: {share:.1}% of operations ok, {required}% required");
            return Ok(ExitCode::FAILURE);
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(Command::Fuzz {
        documents,
        mutations,
        seed,
        from,
        jobs,
        time_limit,
        failures,
        compile,
        check,
        print,
    }) = &cli.command
    {
        if *print {
            print!("{}", tools::fuzz::input(*seed, *from, *mutations > 0 && *documents == 0));
            return Ok(ExitCode::SUCCESS);
        }
        let settings = tools::fuzz::Settings {
            seed: *seed,
            documents: *documents,
            mutations: *mutations,
            from: *from,
            jobs: jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)),
            time_limit: std::time::Duration::from_secs(*time_limit),
            failures: failures.clone(),
            compile: compile.zip(check.clone()),
            lock_file: find_config().ok().and_then(|c| Some(c.parent()?.join("Cargo.lock"))),
        };
        return match tools::fuzz::run(&settings) {
            Ok(true) => Ok(ExitCode::SUCCESS),
            Ok(false) => Ok(ExitCode::FAILURE),
            Err(message) => {
                eprintln!("error: {message}");
                Ok(ExitCode::FAILURE)
            }
        };
    }
    if let Some(Command::Timings { specs, runs, root, measure }) = &cli.command {
        if let Some(what) = measure {
            for spec in specs {
                println!("{}", timings::measure(spec, *what)?.line());
            }
            return Ok(ExitCode::SUCCESS);
        }
        let mut timings =
            specs.iter().map(|spec| timings::time(spec, *runs)).collect::<Result<Vec<_>, _>>()?;
        if let Some(root) = root {
            for timing in &mut timings {
                let relative = Path::new(&timing.spec).strip_prefix(root).map(|p| p.display().to_string());
                timing.spec = relative.unwrap_or_else(|_| timing.spec.clone());
            }
        }
        println!("{}", timings::timing_table(&timings));
        return Ok(ExitCode::SUCCESS);
    }
    let (outputs, warnings) = match &cli.command {
        Some(Command::Generate { spec, out, name }) => one_off(spec, out, name.as_deref())?,
        Some(
            Command::Corpus { .. } | Command::Timings { .. } | Command::Fuzz { .. } | Command::Conform { .. },
        ) => {
            unreachable!("handled above")
        }
        None => configured(cli.config.as_deref())?,
    };
    if !warnings.is_empty() {
        eprint!("{}", warning_report(&warnings));
        if cli.deny_warnings {
            eprintln!(
                "error: {} warning(s), and `--deny-warnings` is set: nothing was written",
                warnings.len()
            );
            return Ok(ExitCode::FAILURE);
        }
    }
    if cli.check {
        let mut stale = Vec::new();
        for output in &outputs {
            stale.extend(write::drift(output)?);
        }
        if stale.is_empty() {
            println!("{} client(s) up to date", outputs.len());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("generated code differs from its specs; run `cargo run -p generator`:");
        let here = std::env::current_dir().unwrap_or_default();
        for drift in stale {
            eprintln!("  {}", drift.relative_to(&here));
        }
        return Ok(ExitCode::FAILURE);
    }
    let foreign = if cli.force { write::Foreign::Keep } else { write::Foreign::Refuse };
    let written = write::write_all(&outputs, foreign)?;
    let here = std::env::current_dir().unwrap_or_default();
    for output in &outputs {
        let state = if written.contains(&output.dir) { "written" } else { "unchanged" };
        let shown = output.dir.strip_prefix(&here).unwrap_or(&output.dir);
        println!("{state}: {}", shown.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Generates every configured client in memory; any failure means nothing is written.
fn configured(config_path: Option<&Path>) -> Result<(Vec<CrateOutput>, Vec<Diagnostic>), Error> {
    let config_path = match config_path {
        Some(path) => path.to_owned(),
        None => find_config()?,
    };
    let clients = config::load(&config_path)?;
    let mut outputs = Vec::new();
    let mut warnings = Vec::new();
    for client in &clients {
        let generated = generator::generate(&client.spec, &client.options)?;
        warnings.extend(generated.warnings);
        outputs.push(CrateOutput { dir: client.output.clone(), files: generated.files });
    }
    Ok((outputs, warnings))
}

fn one_off(
    spec: &Path,
    out: &Path,
    name: Option<&str>,
) -> Result<(Vec<CrateOutput>, Vec<Diagnostic>), Error> {
    let name = match name {
        Some(name) => naming::crate_name(name).map(|_| name.to_owned()).ok_or_else(|| Error::Config {
            path: spec.to_owned(),
            message: format!("`{name}` is not a usable crate name: {}", naming::CRATE_NAME_RULE),
        })?,
        None => {
            let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let snake = naming::snake(&stem);
            naming::crate_name(&snake).unwrap_or_else(|| "api_client".to_owned())
        }
    };
    let source = spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let generated = generator::generate(spec, &Options::new(name, source))?;
    Ok((vec![CrateOutput { dir: out.to_owned(), files: generated.files }], generated.warnings))
}

/// How many places of one kind of warning are listed before the rest are counted.
const SHOWN_PER_KIND: usize = 5;

/// Warnings grouped by what they say (particulars taken out), most frequent first, each
/// group with its count and its first places.
fn warning_report(warnings: &[Diagnostic]) -> String {
    let mut groups: Vec<(String, Vec<&Diagnostic>)> = Vec::new();
    for warning in warnings {
        let kind = corpus::reason(&warning.to_string());
        match groups.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, members)) => members.push(warning),
            None => groups.push((kind, vec![warning])),
        }
    }
    groups.sort_by_key(|(_, members)| std::cmp::Reverse(members.len()));
    let mut out = String::new();
    for (kind, members) in &groups {
        if let [only] = members.as_slice() {
            out.push_str(&format!("warning: {only}\n"));
            continue;
        }
        out.push_str(&format!("warning ({}x): {kind}\n", members.len()));
        for member in members.iter().take(SHOWN_PER_KIND) {
            out.push_str(&format!("  {member}\n"));
        }
        if members.len() > SHOWN_PER_KIND {
            out.push_str(&format!("  ... and {} more like these\n", members.len() - SHOWN_PER_KIND));
        }
    }
    out.push_str(&format!("{} warning(s) of {} kind(s)\n", warnings.len(), groups.len()));
    out
}

/// The nearest `generator.toml` in the current folder or above.
fn find_config() -> Result<PathBuf, Error> {
    let start = std::env::current_dir().map_err(|source| Error::Read { path: ".".into(), source })?;
    start.ancestors().map(|dir| dir.join("generator.toml")).find(|candidate| candidate.is_file()).ok_or_else(
        || Error::Config {
            path: start.join("generator.toml"),
            message: "no generator.toml here or in any parent folder".into(),
        },
    )
}

/// Thresholds a corpus run must meet.
struct Gates {
    generated: Option<f64>,
    compiled: Option<usize>,
}

fn run_corpus(
    input: &Path,
    root: Option<&Path>,
    settings: &corpus::Settings,
    csv: Option<&Path>,
    gates: Gates,
) -> Result<ExitCode, Error> {
    let (root, specs) = corpus::specs(input, root)?;
    eprintln!("{} specs, {} at a time", specs.len(), settings.jobs);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let rows = corpus::run(&root, &specs, settings, |row| {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if !row.outcome.is_generated() || n.is_multiple_of(100) {
            let message = row.first_message.as_deref().unwrap_or_default();
            eprintln!("[{n}/{}] {}: {} {message}", specs.len(), row.outcome.label(), row.spec);
        }
    })?;
    if let Some(path) = csv {
        std::fs::write(path, corpus::csv(&rows))
            .map_err(|source| Error::Write { path: path.to_owned(), source })?;
    }
    println!("{}", corpus::summary(&rows));
    let total = rows.len();
    let generated = rows.iter().filter(|r| r.outcome.is_generated()).count();
    let panicked = rows.iter().filter(|r| r.outcome == corpus::Outcome::Panicked).count();
    let compiled = rows.iter().filter(|r| r.check.as_ref().is_some_and(|c| c.passed)).count();
    let mut failed = Vec::new();
    if panicked > 0 {
        failed.push(format!("{panicked} spec(s) made the generator panic"));
    }
    if let Some(required) = gates.generated {
        let share = if total == 0 { 0.0 } else { 100.0 * generated as f64 / total as f64 };
        if share < required {
            failed.push(format!("{share:.1}% generated, {required}% required"));
        }
    }
    if let Some(required) = gates.compiled {
        if compiled < required {
            failed.push(format!("{compiled} compiled, {required} required"));
        }
    }
    if failed.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("corpus gate failed: {}", failed.join("; "));
    Ok(ExitCode::FAILURE)
}
