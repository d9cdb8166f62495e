//! Stage 5: writing crates. Each crate folder is replaced as a whole by renaming a finished
//! copy into place, so a failure never leaves a half-written crate; unchanged crates are not
//! touched at all. `check` compares without writing.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::format::FormattedFile;

/// A generated crate and the folder it belongs in.
#[derive(Debug, Clone)]
pub struct CrateOutput {
    pub dir: PathBuf,
    pub files: Vec<FormattedFile>,
}

impl CrateOutput {
    fn expected(&self) -> BTreeMap<PathBuf, &str> {
        self.files.iter().map(|f| (f.path.clone(), f.text.as_str())).collect()
    }
}

/// How a file on disk differs from what would be generated.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Drift {
    Missing(PathBuf),
    Changed(PathBuf),
    Extra(PathBuf),
}

impl Drift {
    /// The same difference with its path shown relative to `base` where it lies inside it.
    pub fn relative_to(&self, base: &Path) -> Drift {
        let relative = |p: &PathBuf| p.strip_prefix(base).map(Path::to_owned).unwrap_or_else(|_| p.clone());
        match self {
            Drift::Missing(p) => Drift::Missing(relative(p)),
            Drift::Changed(p) => Drift::Changed(relative(p)),
            Drift::Extra(p) => Drift::Extra(relative(p)),
        }
    }
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Missing(p) => write!(f, "missing: {}", p.display()),
            Drift::Changed(p) => write!(f, "stale:   {}", p.display()),
            Drift::Extra(p) => write!(f, "extra:   {}", p.display()),
        }
    }
}

/// Every file under `dir`, relative to it (empty when `dir` does not exist).
fn existing_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut pending = vec![dir.to_owned()];
    while let Some(current) = pending.pop() {
        let entries =
            fs::read_dir(&current).map_err(|source| Error::Read { path: current.clone(), source })?;
        for entry in entries {
            let entry = entry.map_err(|source| Error::Read { path: current.clone(), source })?;
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                out.push(relative.to_owned());
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The differences between a crate folder and what would be generated into it.
pub fn drift(output: &CrateOutput) -> Result<Vec<Drift>> {
    let expected = output.expected();
    let mut drift = Vec::new();
    for (path, text) in &expected {
        let full = output.dir.join(path);
        match fs::read(&full) {
            Ok(bytes) if bytes == text.as_bytes() => {}
            Ok(_) => drift.push(Drift::Changed(full)),
            Err(_) => drift.push(Drift::Missing(full)),
        }
    }
    for path in existing_files(&output.dir)? {
        if !expected.contains_key(&path) {
            drift.push(Drift::Extra(output.dir.join(path)));
        }
    }
    drift.sort();
    Ok(drift)
}

/// Writes each crate whose folder differs; returns the folders written.
pub fn write_all(outputs: &[CrateOutput]) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for output in outputs {
        if drift(output)?.is_empty() {
            continue;
        }
        replace_dir(output)?;
        written.push(output.dir.clone());
    }
    Ok(written)
}

/// Writes the crate into a sibling staging folder, then swaps it in with renames.
fn replace_dir(output: &CrateOutput) -> Result<()> {
    let dir = &output.dir;
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "crate".into());
    fs::create_dir_all(parent).map_err(|source| Error::Write { path: parent.to_owned(), source })?;
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let backup = parent.join(format!(".{name}.old-{}", std::process::id()));
    let write_error = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Write { path, source }
    };
    let _ = fs::remove_dir_all(&staging);
    let staged = (|| -> Result<()> {
        for file in &output.files {
            let path = staging.join(&file.path);
            if let Some(folder) = path.parent() {
                fs::create_dir_all(folder).map_err(write_error(folder))?;
            }
            fs::write(&path, &file.text).map_err(write_error(&path))?;
        }
        Ok(())
    })();
    if let Err(e) = staged {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    let had_old = dir.exists();
    if had_old {
        let _ = fs::remove_dir_all(&backup);
        if let Err(source) = fs::rename(dir, &backup) {
            let _ = fs::remove_dir_all(&staging);
            return Err(Error::Write { path: dir.clone(), source });
        }
    }
    if let Err(source) = fs::rename(&staging, dir) {
        if had_old {
            let _ = fs::rename(&backup, dir);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(Error::Write { path: dir.clone(), source });
    }
    if had_old {
        let _ = fs::remove_dir_all(&backup);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(dir: &Path, files: &[(&str, &str)]) -> CrateOutput {
        CrateOutput {
            dir: dir.to_owned(),
            files: files.iter().map(|(p, t)| FormattedFile { path: p.into(), text: (*t).into() }).collect(),
        }
    }

    #[test]
    fn writes_replaces_and_reports_drift() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("generated").join("api");
        let first = output(&dir, &[("Cargo.toml", "a"), ("src/lib.rs", "b"), ("src/old.rs", "c")]);
        assert_eq!(drift(&first).unwrap().len(), 3);
        assert_eq!(write_all(std::slice::from_ref(&first)).unwrap(), vec![dir.clone()]);
        assert!(drift(&first).unwrap().is_empty());
        // Unchanged: nothing is written.
        assert!(write_all(std::slice::from_ref(&first)).unwrap().is_empty());

        let second = output(&dir, &[("Cargo.toml", "a"), ("src/lib.rs", "changed")]);
        let found = drift(&second).unwrap();
        assert_eq!(found, vec![Drift::Changed(dir.join("src/lib.rs")), Drift::Extra(dir.join("src/old.rs"))]);
        write_all(std::slice::from_ref(&second)).unwrap();
        assert!(drift(&second).unwrap().is_empty());
        assert!(!dir.join("src/old.rs").exists());
        // No staging or backup folders are left behind.
        let leftovers: Vec<_> = fs::read_dir(dir.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }
}
