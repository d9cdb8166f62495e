//! Stage 5: writing crates. Each crate folder is replaced as a whole by renaming a finished
//! copy into place, so a failure never leaves a half-written crate; unchanged crates are not
//! touched at all. `check` compares without writing.
//!
//! Every crate holds a marker, [`MARKER`], naming the spec, the generator's version and the
//! files it wrote. Only those files are ever replaced or removed: anything else in the folder
//! (notes, examples, a `target/`) is carried over into the new copy, and a folder without a
//! marker that is not empty is refused unless the caller allows writing into it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::format::FormattedFile;

/// The marker file of a generated crate, at its root.
pub const MARKER: &str = ".generated.toml";

/// What the marker says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Marker {
    generator: String,
    spec: String,
    /// The files written, relative to the crate root, `/`-separated (the marker aside).
    files: Vec<String>,
}

/// The marker file for a crate of these files, generated from `spec`.
pub fn marker_file(files: &[FormattedFile], spec: &str) -> FormattedFile {
    let marker = Marker {
        generator: env!("CARGO_PKG_VERSION").to_owned(),
        spec: spec.to_owned(),
        files: files.iter().map(|f| slash_path(&f.path)).collect(),
    };
    let body = toml::to_string_pretty(&marker).expect("a marker is plain strings");
    let text = format!(
        "# Written by `generator`: the files of this crate it wrote, the only ones a new run\n# replaces or removes. Other files here are kept.\n{body}"
    );
    FormattedFile { path: PathBuf::from(MARKER), text }
}

fn slash_path(path: &Path) -> String {
    path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Whether a crate may be written into a folder that holds files no generator run wrote
/// (a folder without a marker).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Foreign {
    /// Refuse such a folder (the default): its files are the user's.
    #[default]
    Refuse,
    /// Write into it (`--force`): generated files take their paths, everything else stays.
    Keep,
}

/// The files a previous run wrote into `dir`, from its marker; `None` when there is none.
fn written_before(dir: &Path) -> Result<Option<BTreeSet<PathBuf>>> {
    let path = dir.join(MARKER);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(Error::Read { path, source }),
    };
    let marker: Marker = toml::from_str(&text).map_err(|e| Error::Config {
        path: path.clone(),
        message: format!("not a marker this generator wrote ({}); remove it or pass `--force`", e.message()),
    })?;
    let mut files: BTreeSet<PathBuf> = marker.files.iter().map(PathBuf::from).collect();
    files.insert(PathBuf::from(MARKER));
    Ok(Some(files))
}

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

/// The differences between a crate folder and what would be generated into it. Files the
/// folder's marker does not name are the user's and are not differences.
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
    for path in written_before(&output.dir)?.unwrap_or_default() {
        if !expected.contains_key(&path) && output.dir.join(&path).exists() {
            drift.push(Drift::Extra(output.dir.join(path)));
        }
    }
    drift.sort();
    Ok(drift)
}

/// Writes each crate whose folder differs; returns the folders written. Every folder is
/// checked before any is written, so a refused one leaves all of them as they were.
pub fn write_all(outputs: &[CrateOutput], foreign: Foreign) -> Result<Vec<PathBuf>> {
    let mut plans = Vec::new();
    for output in outputs {
        if drift(output)?.is_empty() {
            continue;
        }
        plans.push((output, kept_files(output, foreign)?));
    }
    let mut written = Vec::new();
    for (output, kept) in plans {
        replace_dir(output, &kept)?;
        written.push(output.dir.clone());
    }
    Ok(written)
}

/// What of the folder's present content is carried over into the new copy: every entry that
/// no run of the generator wrote (whole folders where nothing inside is ours). Refuses a
/// folder with files of its own and no marker, and a file of the user's where a new file
/// goes, unless `foreign` allows it.
fn kept_files(output: &CrateOutput, foreign: Foreign) -> Result<Vec<PathBuf>> {
    let dir = &output.dir;
    let metadata = match fs::symlink_metadata(dir) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(Error::Read { path: dir.clone(), source }),
    };
    let refuse = |message: String| Error::Config { path: dir.clone(), message };
    if !metadata.is_dir() {
        return Err(refuse("is not a folder; the crate needs a folder of its own".into()));
    }
    let new: BTreeSet<PathBuf> = output.files.iter().map(|f| f.path.clone()).collect();
    let before = match written_before(dir) {
        Ok(before) => before,
        Err(_) if foreign == Foreign::Keep => None,
        Err(e) => return Err(e),
    };
    let mut owned = before.clone().unwrap_or_default();
    owned.extend(new.iter().cloned());
    let mut kept = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let folder = dir.join(&relative);
        let entries = fs::read_dir(&folder).map_err(|source| Error::Read { path: folder.clone(), source })?;
        for entry in entries {
            let entry = entry.map_err(|source| Error::Read { path: folder.clone(), source })?;
            let path = relative.join(entry.file_name());
            let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
            if is_dir && owned.iter().any(|o| o.starts_with(&path) && *o != path) {
                pending.push(path);
            } else if !owned.contains(&path) {
                kept.push(path);
            }
        }
    }
    kept.sort();
    match (&before, foreign) {
        (None, Foreign::Refuse) if !kept.is_empty() || new.iter().any(|p| dir.join(p).exists()) => {
            Err(refuse(format!(
                "holds files this generator did not write (there is no `{MARKER}`): choose a new or empty \
                 folder, or pass `--force` to write into it (its other files are kept, files at the crate's \
                 paths are replaced)"
            )))
        }
        (Some(before), Foreign::Refuse) => {
            let taken: Vec<String> = new
                .iter()
                .filter(|p| !before.contains(*p) && dir.join(p).exists())
                .map(|p| p.display().to_string())
                .collect();
            if taken.is_empty() {
                Ok(kept)
            } else {
                Err(refuse(format!(
                    "has files of its own where the crate now puts files ({}); move them, or pass `--force` to replace them",
                    taken.join(", ")
                )))
            }
        }
        _ => Ok(kept),
    }
}

/// Writes the crate into a sibling staging folder, moves the `kept` entries of the old
/// folder into it, then swaps it in with renames. Any failure puts everything back.
fn replace_dir(output: &CrateOutput, kept: &[PathBuf]) -> Result<()> {
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
    let mut moved = Vec::new();
    for relative in kept {
        let target = staging.join(relative);
        let carried = target
            .parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| fs::rename(dir.join(relative), &target));
        if let Err(source) = carried {
            move_back(&moved, &staging, dir);
            let _ = fs::remove_dir_all(&staging);
            return Err(Error::Write { path: dir.join(relative), source });
        }
        moved.push(relative.clone());
    }
    let had_old = dir.exists();
    if had_old {
        let _ = fs::remove_dir_all(&backup);
        if let Err(source) = fs::rename(dir, &backup) {
            move_back(&moved, &staging, dir);
            let _ = fs::remove_dir_all(&staging);
            return Err(Error::Write { path: dir.clone(), source });
        }
    }
    if let Err(source) = fs::rename(&staging, dir) {
        if had_old {
            let _ = fs::rename(&backup, dir);
        }
        move_back(&moved, &staging, dir);
        let _ = fs::remove_dir_all(&staging);
        return Err(Error::Write { path: dir.clone(), source });
    }
    if had_old {
        let _ = fs::remove_dir_all(&backup);
    }
    Ok(())
}

/// Returns carried-over entries from the staging folder to the crate folder.
fn move_back(moved: &[PathBuf], staging: &Path, dir: &Path) {
    for relative in moved {
        let _ = fs::rename(staging.join(relative), dir.join(relative));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(dir: &Path, files: &[(&str, &str)]) -> CrateOutput {
        let mut files: Vec<FormattedFile> =
            files.iter().map(|(p, t)| FormattedFile { path: p.into(), text: (*t).into() }).collect();
        files.push(marker_file(&files, "spec.yaml"));
        CrateOutput { dir: dir.to_owned(), files }
    }

    fn write(output: &CrateOutput, foreign: Foreign) -> Result<Vec<PathBuf>> {
        write_all(std::slice::from_ref(output), foreign)
    }

    #[test]
    fn writes_replaces_and_reports_drift() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("generated").join("api");
        let first = output(&dir, &[("Cargo.toml", "a"), ("src/lib.rs", "b"), ("src/old.rs", "c")]);
        assert_eq!(drift(&first).unwrap().len(), 4);
        assert_eq!(write(&first, Foreign::Refuse).unwrap(), vec![dir.clone()]);
        assert!(drift(&first).unwrap().is_empty());
        // Unchanged: nothing is written.
        assert!(write(&first, Foreign::Refuse).unwrap().is_empty());

        let second = output(&dir, &[("Cargo.toml", "a"), ("src/lib.rs", "changed")]);
        let found = drift(&second).unwrap();
        assert_eq!(
            found,
            vec![
                Drift::Changed(dir.join(MARKER)),
                Drift::Changed(dir.join("src/lib.rs")),
                Drift::Extra(dir.join("src/old.rs"))
            ]
        );
        write(&second, Foreign::Refuse).unwrap();
        assert!(drift(&second).unwrap().is_empty());
        assert!(!dir.join("src/old.rs").exists());
        // No staging or backup folders are left behind.
        let leftovers: Vec<_> = fs::read_dir(dir.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }

    #[test]
    fn files_the_user_put_in_a_crate_are_kept() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("api");
        write(&output(&dir, &[("Cargo.toml", "a"), ("src/lib.rs", "b")]), Foreign::Refuse).unwrap();
        fs::write(dir.join("NOTES.md"), "mine").unwrap();
        fs::create_dir_all(dir.join("src/extra")).unwrap();
        fs::write(dir.join("src/extra/mine.rs"), "mine too").unwrap();
        fs::create_dir_all(dir.join("target/debug")).unwrap();
        fs::write(dir.join("target/debug/big"), "built").unwrap();
        let next = output(&dir, &[("Cargo.toml", "a2"), ("src/lib.rs", "b2"), ("src/new.rs", "c")]);
        // The user's files are not drift.
        assert_eq!(drift(&next).unwrap().len(), 4);
        write(&next, Foreign::Refuse).unwrap();
        assert_eq!(fs::read_to_string(dir.join("NOTES.md")).unwrap(), "mine");
        assert_eq!(fs::read_to_string(dir.join("src/extra/mine.rs")).unwrap(), "mine too");
        assert_eq!(fs::read_to_string(dir.join("target/debug/big")).unwrap(), "built");
        assert_eq!(fs::read_to_string(dir.join("src/new.rs")).unwrap(), "c");
        // A file of the user's where the crate now puts one: refused, unless forced.
        fs::write(dir.join("src/later.rs"), "the user's").unwrap();
        let later =
            output(&dir, &[("Cargo.toml", "a2"), ("src/lib.rs", "b2"), ("src/later.rs", "generated")]);
        let refused = write(&later, Foreign::Refuse).unwrap_err().to_string();
        assert!(refused.contains("src/later.rs") && refused.contains("--force"), "{refused}");
        assert_eq!(fs::read_to_string(dir.join("src/later.rs")).unwrap(), "the user's");
        write(&later, Foreign::Keep).unwrap();
        assert_eq!(fs::read_to_string(dir.join("src/later.rs")).unwrap(), "generated");
        assert_eq!(fs::read_to_string(dir.join("NOTES.md")).unwrap(), "mine");
    }

    #[test]
    fn a_folder_the_generator_did_not_write_is_refused_unless_forced() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("mine");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("spec.yaml"), "the spec").unwrap();
        fs::write(dir.join("Cargo.toml"), "the user's manifest").unwrap();
        let crate_files = output(&dir, &[("Cargo.toml", "generated"), ("src/lib.rs", "b")]);
        let refused = write(&crate_files, Foreign::Refuse).unwrap_err().to_string();
        assert!(refused.contains(MARKER) && refused.contains("--force"), "{refused}");
        assert_eq!(fs::read_to_string(dir.join("Cargo.toml")).unwrap(), "the user's manifest");
        assert!(!dir.join("src").exists());
        // An empty folder is fine; forced, the other files stay.
        let empty = temp.path().join("empty");
        fs::create_dir_all(&empty).unwrap();
        write(&output(&empty, &[("Cargo.toml", "a")]), Foreign::Refuse).unwrap();
        write(&crate_files, Foreign::Keep).unwrap();
        assert_eq!(fs::read_to_string(dir.join("spec.yaml")).unwrap(), "the spec");
        assert_eq!(fs::read_to_string(dir.join("Cargo.toml")).unwrap(), "generated");
        let marker = fs::read_to_string(dir.join(MARKER)).unwrap();
        assert!(marker.contains("spec = \"spec.yaml\"") && marker.contains("\"src/lib.rs\""), "{marker}");
    }
}
