//! `generator fuzz`: random documents through the whole pipeline, mutated bytes through the
//! loader, and a sample of the documents' crates through `cargo check`.
//!
//! Every input is made from the seed and its number alone, so any failure can be replayed
//! (`--seed S --from N --documents 1`). A panic, or an input that takes longer than the time
//! limit, is written to the failures folder and fails the run.

use std::io::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arbitrary::Unstructured;
use generator::{load, Options};

use super::workspace::{write_file, write_manifest};

use super::document;

pub struct Settings {
    pub seed: u64,
    /// Random documents run through the whole pipeline.
    pub documents: u64,
    /// Mutated documents run through the loader.
    pub mutations: u64,
    /// The first input number (to replay one).
    pub from: u64,
    pub jobs: usize,
    /// One input may take this long before it counts as a hang.
    pub time_limit: Duration,
    pub failures: PathBuf,
    /// `cargo check` the crates of this many documents that generate, in a workspace here.
    pub compile: Option<(usize, PathBuf)>,
    pub lock_file: Option<PathBuf>,
}

/// What one fuzzer did.
#[derive(Debug, Default)]
struct Tally {
    inputs: u64,
    /// Inputs the stage accepted (a crate, or a loaded spec).
    accepted: u64,
    /// Inputs refused with a diagnostic.
    refused: u64,
    panics: Vec<String>,
    slowest: Duration,
    elapsed: Duration,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fuzzer {
    Documents,
    Bytes,
}

impl Fuzzer {
    fn label(self) -> &'static str {
        match self {
            Fuzzer::Documents => "documents (whole pipeline)",
            Fuzzer::Bytes => "bytes (loader)",
        }
    }
}

/// The bytes of input `index`, from which its document is built: up to `most` of them.
fn input_bytes(seed: u64, index: u64, most: usize) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let length = rng.usize(64..most);
    (0..length).map(|_| rng.u8(..)).collect()
}

/// Document `index` as spec text, JSON or YAML, and the file name it is read under.
pub fn document_text(seed: u64, index: u64) -> (String, &'static str) {
    sized_document_text(seed, index, 16_384)
}

/// [`document_text`] from at most `most` bytes: mutations start from smaller documents, so
/// that the loader sees many more of them.
fn sized_document_text(seed: u64, index: u64, most: usize) -> (String, &'static str) {
    let bytes = input_bytes(seed, index, most);
    let value = document::document(&mut Unstructured::new(&bytes)).unwrap_or_default();
    if index.is_multiple_of(2) {
        (serde_json::to_string_pretty(&value).unwrap_or_default(), "spec.json")
    } else {
        (serde_yaml::to_string(&value).unwrap_or_default(), "spec.yaml")
    }
}

/// Fragments that matter to JSON and YAML readers, spliced into documents.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    "'",
    ":",
    ",",
    "\n",
    "  ",
    "&a ",
    "*a",
    "<<: *a\n",
    "\u{feff}",
    "$ref",
    "#/",
    "~1",
    "1e400",
    "-9223372036854775809",
    "? ",
    "!!binary ",
    "\\u0000",
    "null",
    "\t",
    "---\n",
    "|\n",
    ">-\n",
    "%YAML 1.2\n",
    "../x.yaml#/a",
    "\"$ref\": \"#/components/schemas/",
    "!!merge ",
    "\r",
    "\u{0}",
];

/// Mutation `index` of a base text: a few byte flips, token insertions, deletions and
/// duplications.
fn mutate(seed: u64, index: u64, base: &str) -> String {
    let mut rng = fastrand::Rng::with_seed(seed.rotate_left(17) ^ index.wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let mut bytes = base.as_bytes().to_vec();
    for _ in 0..rng.usize(1..8) {
        let at = rng.usize(..=bytes.len());
        match rng.u8(..4) {
            0 if at < bytes.len() => bytes[at] ^= 1 << rng.u8(..8),
            1 => {
                let token = TOKENS[rng.usize(..TOKENS.len())].as_bytes();
                bytes.splice(at..at, token.iter().copied());
            }
            2 => {
                let end = (at + rng.usize(..64)).min(bytes.len());
                bytes.drain(at..end);
            }
            _ => {
                let end = (at + rng.usize(..256)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                let to = rng.usize(..=bytes.len());
                bytes.splice(to..to, copy);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The input itself, for the failures folder.
fn input_text(fuzzer: Fuzzer, seed: u64, index: u64) -> (String, &'static str) {
    match fuzzer {
        Fuzzer::Documents => document_text(seed, index),
        Fuzzer::Bytes => {
            let (base, name) = sized_document_text(seed, index % BASES, BASE_BYTES);
            (mutate(seed, index, &base), name)
        }
    }
}

/// The text of input `index`: a document, or a mutation of one.
pub fn input(seed: u64, index: u64, mutation: bool) -> String {
    let fuzzer = if mutation { Fuzzer::Bytes } else { Fuzzer::Documents };
    input_text(fuzzer, seed, index).0
}

/// Mutations start from this many base documents, made once per worker...
const BASES: u64 = 512;

/// ...each from at most this many bytes.
const BASE_BYTES: usize = 2_048;

/// A spec path that names no real folder, so that `$ref`s to other files read nothing.
fn spec_path(name: &str) -> PathBuf {
    Path::new("/nonexistent-fuzz-input").join(name)
}

enum Outcome {
    Accepted,
    Refused,
    Panicked(String),
}

fn run_one(fuzzer: Fuzzer, text: &str, name: &str) -> Outcome {
    let path = spec_path(name);
    let result = catch_unwind(AssertUnwindSafe(|| match fuzzer {
        Fuzzer::Documents => {
            let spec = load::parse(&path, text).ok()?;
            generator::generate_spec(&spec, &Options::new("fuzz_crate", name)).ok().map(|_| ())
        }
        Fuzzer::Bytes => load::parse(&path, text).ok().map(|_| ()),
    }));
    match result {
        Ok(Some(())) => Outcome::Accepted,
        Ok(None) => Outcome::Refused,
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "a panic without a message".to_owned());
            Outcome::Panicked(message)
        }
    }
}

fn save_failure(settings: &Settings, fuzzer: Fuzzer, index: u64, why: &str) -> PathBuf {
    let (text, name) = input_text(fuzzer, settings.seed, index);
    let kind = if fuzzer == Fuzzer::Documents { "document" } else { "bytes" };
    let extension = name.rsplit('.').next().unwrap_or("yaml");
    let path = settings.failures.join(format!("{kind}-{}-{index}.{extension}", settings.seed));
    let _ = std::fs::create_dir_all(&settings.failures);
    let _ = std::fs::write(&path, &text);
    let _ = std::fs::write(path.with_extension("txt"), why);
    path
}

/// Runs one fuzzer over `count` inputs on all workers.
fn fuzz(settings: &Settings, fuzzer: Fuzzer, count: u64) -> Tally {
    let started = Instant::now();
    let next = Arc::new(AtomicU64::new(settings.from));
    let end = settings.from + count;
    let tally = Arc::new(Mutex::new(Tally::default()));
    // Per worker: when its current input started (ms since `started`, 0 when idle) and which.
    let busy: Arc<Vec<(AtomicU64, AtomicU64)>> =
        Arc::new((0..settings.jobs).map(|_| (AtomicU64::new(0), AtomicU64::new(0))).collect());
    std::thread::scope(|scope| {
        let done = Arc::new(AtomicU64::new(0));
        {
            let (busy, done) = (Arc::clone(&busy), Arc::clone(&done));
            scope.spawn(move || {
                while done.load(Ordering::Relaxed) < settings.jobs as u64 {
                    std::thread::sleep(Duration::from_millis(200));
                    let now = started.elapsed().as_millis() as u64;
                    // A stack overflow aborts the process: what was running is on disk.
                    let running: Vec<String> = busy
                        .iter()
                        .filter(|(since, _)| since.load(Ordering::Relaxed) != 0)
                        .map(|(_, index)| index.load(Ordering::Relaxed).to_string())
                        .collect();
                    let _ = std::fs::create_dir_all(&settings.failures);
                    let _ = std::fs::write(
                        settings.failures.join("running.txt"),
                        format!("{} seed {}: {}\n", fuzzer.label(), settings.seed, running.join(" ")),
                    );
                    for (since, index) in busy.iter() {
                        let since = since.load(Ordering::Relaxed);
                        if since != 0 && now.saturating_sub(since) > settings.time_limit.as_millis() as u64 {
                            let index = index.load(Ordering::Relaxed);
                            let why = format!("took more than {:?}", settings.time_limit);
                            let path = save_failure(settings, fuzzer, index, &why);
                            eprintln!("fuzz: input {index} {why} (a hang): {}", path.display());
                            std::process::exit(2);
                        }
                    }
                }
            });
        }
        for worker in 0..settings.jobs {
            let (next, tally, busy, done) =
                (Arc::clone(&next), Arc::clone(&tally), Arc::clone(&busy), Arc::clone(&done));
            scope.spawn(move || {
                let bases: Vec<(String, &str)> = match fuzzer {
                    Fuzzer::Bytes => {
                        (0..BASES).map(|i| sized_document_text(settings.seed, i, BASE_BYTES)).collect()
                    }
                    Fuzzer::Documents => Vec::new(),
                };
                let mut local = Tally::default();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= end {
                        break;
                    }
                    let (text, name) = match fuzzer {
                        Fuzzer::Documents => document_text(settings.seed, index),
                        Fuzzer::Bytes => {
                            let (base, name) = &bases[(index % BASES) as usize];
                            (mutate(settings.seed, index, base), *name)
                        }
                    };
                    busy[worker].1.store(index, Ordering::Relaxed);
                    busy[worker].0.store(started.elapsed().as_millis() as u64 + 1, Ordering::Relaxed);
                    let one = Instant::now();
                    let outcome = run_one(fuzzer, &text, name);
                    local.slowest = local.slowest.max(one.elapsed());
                    busy[worker].0.store(0, Ordering::Relaxed);
                    local.inputs += 1;
                    match outcome {
                        Outcome::Accepted => local.accepted += 1,
                        Outcome::Refused => local.refused += 1,
                        Outcome::Panicked(message) => {
                            let path = save_failure(settings, fuzzer, index, &message);
                            eprintln!("fuzz: input {index} panicked: {message} ({})", path.display());
                            local.panics.push(format!("{}: {message}", path.display()));
                        }
                    }
                }
                let mut total = tally.lock().unwrap_or_else(|e| e.into_inner());
                total.inputs += local.inputs;
                total.accepted += local.accepted;
                total.refused += local.refused;
                total.panics.extend(local.panics);
                total.slowest = total.slowest.max(local.slowest);
                done.fetch_add(1, Ordering::Relaxed);
            });
        }
    });
    let mut tally = Arc::try_unwrap(tally).map(|m| m.into_inner().unwrap_or_default()).unwrap_or_default();
    tally.elapsed = started.elapsed();
    tally
}

/// What `cargo check` made of the crates of generated documents.
struct Compiled {
    /// Documents made to find enough that generate.
    tried: u64,
    crates: usize,
    /// Crates that failed, by input number, with their first error.
    broken: Vec<(u64, String)>,
}

/// Writes the crates of the first `count` documents that generate into one workspace and
/// checks it.
fn compile(settings: &Settings, count: usize, dir: &Path) -> Result<Compiled, String> {
    let workspace = dir.join("crates");
    let _ = std::fs::remove_dir_all(&workspace);
    let mut members = Vec::new();
    let mut index = settings.from;
    while members.len() < count {
        let (text, name) = document_text(settings.seed, index);
        let generated = catch_unwind(AssertUnwindSafe(|| {
            let spec = load::parse(&spec_path(name), &text).ok()?;
            generator::generate_spec(&spec, &Options::new(format!("fuzz_{index}"), name)).ok()
        }))
        .ok()
        .flatten();
        if let Some(generated) = generated {
            let crate_dir = workspace.join(format!("fuzz_{index}"));
            for file in &generated.files {
                write_file(&crate_dir.join(&file.path), &file.text).map_err(|e| e.to_string())?;
            }
            std::fs::write(
                crate_dir.join("spec").with_extension(name.rsplit('.').next().unwrap_or("yaml")),
                &text,
            )
            .map_err(|e| e.to_string())?;
            members.push(index);
        }
        index += 1;
    }
    let list: Vec<String> = members.iter().map(|i| format!("fuzz_{i}")).collect();
    write_manifest(&workspace, &list, settings.lock_file.as_deref()).map_err(|e| e.to_string())?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["check", "--workspace", "--keep-going", "--message-format", "short", "--quiet"])
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut failed = Vec::new();
    for line in stderr.lines() {
        let Some(rest) = line.split("could not compile `fuzz_").nth(1) else { continue };
        let Some(number) = rest.split('`').next().and_then(|n| n.parse::<u64>().ok()) else { continue };
        let first = stderr
            .lines()
            .find(|l| l.starts_with(&format!("fuzz_{number}/")) && l.contains("error"))
            .unwrap_or(line)
            .to_owned();
        failed.push((number, first));
    }
    if !output.status.success() && failed.is_empty() {
        return Err(format!("cargo check failed:\n{stderr}"));
    }
    Ok(Compiled { tried: index - settings.from, crates: members.len(), broken: failed })
}

/// Peak resident memory of this process, where the system says (Linux).
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(format!("{} MiB", kb / 1024))
}

/// Runs the fuzzers and prints a table; `Ok(false)` when anything failed.
pub fn run(settings: &Settings) -> Result<bool, String> {
    // Panics are counted and saved; their default report would flood the terminal.
    std::panic::set_hook(Box::new(|_| {}));
    let mut rows = Vec::new();
    for (fuzzer, count) in [(Fuzzer::Documents, settings.documents), (Fuzzer::Bytes, settings.mutations)] {
        if count > 0 {
            rows.push((fuzzer, fuzz(settings, fuzzer, count)));
        }
    }
    let _ = std::panic::take_hook();
    let mut out = String::new();
    out.push_str(&format!("seed {}, {} worker(s)\n", settings.seed, settings.jobs));
    if !rows.is_empty() {
        out.push_str(
            "\n| fuzzer | inputs | accepted | refused (diagnostic) | panics | slowest input | inputs/s |\n",
        );
        out.push_str("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    }
    let mut failed = false;
    for (fuzzer, tally) in &rows {
        let rate = tally.inputs as f64 / tally.elapsed.as_secs_f64().max(1e-9);
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.1} ms | {:.0} |\n",
            fuzzer.label(),
            tally.inputs,
            tally.accepted,
            tally.refused,
            tally.panics.len(),
            tally.slowest.as_secs_f64() * 1000.0,
            rate
        ));
        failed |= !tally.panics.is_empty();
    }
    if let Some(memory) = peak_memory() {
        out.push_str(&format!("\npeak memory: {memory}\n"));
    }
    print!("{out}");
    let _ = std::io::stdout().flush();
    if let Some((count, dir)) = &settings.compile {
        let Compiled { tried, crates, broken } = compile(settings, *count, dir)?;
        println!(
            "\ncargo check: {} of {crates} crates compile ({tried} documents tried to get {crates} that generate)",
            crates - broken.len()
        );
        for (index, error) in &broken {
            println!("  fuzz_{index}: {error}");
        }
        failed |= !broken.is_empty();
    }
    Ok(!failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_made_from_the_seed_and_their_number_alone() {
        assert_eq!(document_text(7, 3), document_text(7, 3));
        assert_ne!(document_text(7, 3), document_text(8, 3));
        let (base, _) = sized_document_text(7, 3, BASE_BYTES);
        assert_eq!(mutate(7, 11, &base), mutate(7, 11, &base));
    }

    #[test]
    fn a_short_run_finds_no_panic() {
        let settings = Settings {
            seed: 42,
            documents: 100,
            mutations: 1_000,
            from: 0,
            jobs: 1,
            time_limit: Duration::from_secs(60),
            failures: std::env::temp_dir().join("generator-fuzz-test-failures"),
            compile: None,
            lock_file: None,
        };
        let documents = fuzz(&settings, Fuzzer::Documents, settings.documents);
        assert_eq!(documents.inputs, 100);
        assert!(documents.panics.is_empty(), "{:?}", documents.panics);
        assert!(documents.accepted > 50, "most documents should generate: {documents:?}");
        let bytes = fuzz(&settings, Fuzzer::Bytes, settings.mutations);
        assert_eq!(bytes.inputs, 1_000);
        assert!(bytes.panics.is_empty(), "{:?}", bytes.panics);
    }
}
