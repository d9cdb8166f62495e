//! A published spec's streaming operations work end to end: Mistral's (in
//! `../shared/wild/`, beside the project rather than in it) is generated into a scratch
//! workspace and `tests/drivers/mistral_chat_stream.rs` drives its chat completion's
//! `.stream()` against a local server. `.ci/run` runs it (`--ignored`).

use std::path::Path;
use std::process::Command;

#[test]
#[ignore = "needs ../shared/wild beside the project; .ci/run runs it"]
fn mistral_chat_completion_streams_typed_events() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = manifest.parent().expect("the generator is a workspace member");
    let spec = project.join("../shared/wild/mistral/openapi.yaml");
    assert!(spec.is_file(), "{} is missing", spec.display());
    let work = project.join("target/wild-streams");
    let _ = std::fs::remove_dir_all(work.join("mistral"));
    let generated = Command::new(env!("CARGO_BIN_EXE_generator"))
        .args(["generate", "--name", "mistral", "--out"])
        .arg(work.join("mistral"))
        .arg(&spec)
        .output()
        .expect("the generator runs");
    assert!(generated.status.success(), "{}", String::from_utf8_lossy(&generated.stderr));

    let driver = work.join("driver");
    std::fs::create_dir_all(driver.join("src")).unwrap();
    std::fs::copy(manifest.join("tests/drivers/mistral_chat_stream.rs"), driver.join("src/main.rs")).unwrap();
    std::fs::write(
        driver.join("Cargo.toml"),
        "[package]\nname = \"driver\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nmistral = { path = \"../mistral\" }\nfutures-util = \"0.3\"\nserde_json = \"1.0\"\n\
         tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"net\", \"io-util\"] }\n",
    )
    .unwrap();
    // The project's lock file, so no new versions are fetched.
    std::fs::write(
        work.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"mistral\", \"driver\"]\n\n[profile.dev]\ndebug = 0\n",
    )
    .unwrap();
    std::fs::copy(project.join("Cargo.lock"), work.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let run = Command::new(cargo)
        .args(["run", "--quiet", "-p", "driver"])
        .current_dir(&work)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&run.stderr));
    assert!(stdout.contains("2 events, text \"Hello\""), "{stdout}");
}
