//! The scratch workspaces the tools build generated crates in: files written with their
//! folders, and one manifest listing the members, on the project's lock file so no new
//! versions are fetched.

use std::path::Path;

use generator::{Error, Result};

/// Writes `text` to `path`, making its folders.
pub fn write_file(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| Error::Write { path: parent.to_owned(), source })?;
    }
    std::fs::write(path, text).map_err(|source| Error::Write { path: path.to_owned(), source })
}

/// Writes the workspace manifest of `members` (folder names) into `workspace`, and copies
/// `lock_file` beside it where there is one.
pub fn write_manifest(workspace: &Path, members: &[String], lock_file: Option<&Path>) -> Result<()> {
    let list: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
    // A scratch build is built once and thrown away: no debug info, no incremental state.
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[profile.dev]\ndebug = 0\nincremental = false\n",
        list.join(", ")
    );
    write_file(&workspace.join("Cargo.toml"), &manifest)?;
    if let Some(lock) = lock_file.filter(|l| l.exists()) {
        let target = workspace.join("Cargo.lock");
        std::fs::copy(lock, &target).map_err(|source| Error::Write { path: target, source })?;
    }
    Ok(())
}
