//! Errors of the generator. A problem in a spec names the file, the JSON pointer of the
//! offending node, the line where it is known, and what was expected there.

use std::fmt;
use std::path::PathBuf;

use crate::pointer::Pointer;

/// A problem found in a spec document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub pointer: Pointer,
    /// 1-based line and column, when the parser could tell.
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": at {}: {}", self.pointer, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: cannot read: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Spec(Box<Diagnostic>),
    #[error("{}: {message}", path.display())]
    Config { path: PathBuf, message: String },
    #[error("{}: cannot write: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("internal error while formatting {file}: {message} (this is a bug in the generator)")]
    Format { file: String, message: String },
}

impl From<Diagnostic> for Error {
    fn from(diagnostic: Diagnostic) -> Self {
        Error::Spec(Box::new(diagnostic))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
