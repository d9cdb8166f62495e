//! Bodies of bytes that need not be held in memory: uploads from bytes, a file or a stream,
//! and downloads read as a stream of chunks or written to a file as they arrive.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use tokio::io::AsyncWriteExt;

use super::error::{transport, Error, InvalidRequest};
use super::paging::BoxStream;
use super::transport::BoxFuture;

/// Chunks of an upload's stream.
type Chunks = BoxStream<Result<Bytes, std::io::Error>>;

/// What an upload sends: bytes in memory, a file read as it is sent, or a stream of chunks;
/// with the file name and media type a multipart part is labelled with: for example
/// `Upload::path("report.pdf").content_type("application/pdf")`, or
/// `Upload::from(bytes).file_name("notes.txt")`.
#[derive(Clone)]
pub struct Upload {
    source: Source,
    file_name: Option<String>,
    content_type: Option<String>,
}

#[derive(Clone)]
enum Source {
    Bytes(Bytes),
    /// Opened when the request is sent, again for each attempt.
    Path(PathBuf),
    /// Sent once: a request with a streamed body is not retried.
    Stream {
        chunks: Arc<Mutex<Option<Chunks>>>,
        length: Option<u64>,
    },
}

impl Upload {
    /// Bytes in memory.
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        Upload { source: Source::Bytes(bytes.into()), file_name: None, content_type: None }
    }

    /// A file, read as the request is sent; its name is the part's file name unless set.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        Upload { source: Source::Path(path.into()), file_name: None, content_type: None }
    }

    /// A stream of chunks, sent as they come; `length` is sent as the body's length where
    /// known. A request whose body is a stream is sent once, never retried.
    pub fn stream<S>(chunks: S, length: Option<u64>) -> Self
    where
        S: futures_core::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    {
        let chunks: Chunks = Box::pin(chunks);
        Upload {
            source: Source::Stream { chunks: Arc::new(Mutex::new(Some(chunks))), length },
            file_name: None,
            content_type: None,
        }
    }

    /// The file name a multipart part is labelled with.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The media type a multipart part is labelled with (`application/octet-stream` unless
    /// set); a binary body's media type is the operation's.
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }

    /// Whether the body can be sent again for a retry.
    pub(super) fn replayable(&self) -> bool {
        !matches!(self.source, Source::Stream { .. })
    }

    /// The body to send, and its length where known.
    pub(super) fn body(&self) -> Result<(reqwest::Body, Option<u64>), InvalidRequest> {
        match &self.source {
            Source::Bytes(bytes) => Ok((reqwest::Body::from(bytes.clone()), Some(bytes.len() as u64))),
            Source::Path(path) => {
                let length = std::fs::metadata(path)
                    .map_err(|e| InvalidRequest(format!("cannot read `{}`: {e}", path.display())))?
                    .len();
                let path = path.clone();
                let chunks = futures_util::stream::once(tokio::fs::File::open(path))
                    .map_ok(tokio_util::io::ReaderStream::new)
                    .try_flatten();
                Ok((reqwest::Body::wrap_stream(chunks), Some(length)))
            }
            Source::Stream { chunks, length } => {
                let taken = chunks.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
                let chunks =
                    taken.ok_or_else(|| InvalidRequest("a streamed upload can be sent only once".into()))?;
                Ok((reqwest::Body::wrap_stream(chunks), *length))
            }
        }
    }

    /// A multipart part of this upload, named `name` unless a file name is set.
    pub(super) fn part(&self, name: &str) -> Result<reqwest::multipart::Part, InvalidRequest> {
        let (body, length) = self.body()?;
        let part = match length {
            Some(length) => reqwest::multipart::Part::stream_with_length(body, length),
            None => reqwest::multipart::Part::stream(body),
        };
        let file_name = self.file_name.clone().unwrap_or_else(|| match &self.source {
            Source::Path(path) => {
                path.file_name().map_or_else(|| name.to_owned(), |n| n.to_string_lossy().into_owned())
            }
            _ => name.to_owned(),
        });
        // A file's media type is not known: RFC 7578 says to label it as bytes.
        let media_type = self.content_type.as_deref().unwrap_or("application/octet-stream");
        part.file_name(file_name)
            .mime_str(media_type)
            .map_err(|e| InvalidRequest(format!("part `{name}`: `{media_type}` is not a media type: {e}")))
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Upload");
        match &self.source {
            Source::Bytes(bytes) => debug.field("bytes", &bytes.len()),
            Source::Path(path) => debug.field("path", path),
            Source::Stream { length, .. } => debug.field("stream", length),
        };
        debug.field("file_name", &self.file_name).field("content_type", &self.content_type).finish()
    }
}

impl From<Vec<u8>> for Upload {
    fn from(bytes: Vec<u8>) -> Self {
        Upload::bytes(bytes)
    }
}

impl From<&'static [u8]> for Upload {
    fn from(bytes: &'static [u8]) -> Self {
        Upload::bytes(bytes)
    }
}

impl<const N: usize> From<&'static [u8; N]> for Upload {
    fn from(bytes: &'static [u8; N]) -> Self {
        Upload::bytes(&bytes[..])
    }
}

impl From<Bytes> for Upload {
    fn from(bytes: Bytes) -> Self {
        Upload::bytes(bytes)
    }
}

impl From<String> for Upload {
    fn from(text: String) -> Self {
        Upload::bytes(text)
    }
}

impl From<&Path> for Upload {
    fn from(path: &Path) -> Self {
        Upload::path(path)
    }
}

impl From<PathBuf> for Upload {
    fn from(path: PathBuf) -> Self {
        Upload::path(path)
    }
}

/// The body of an answer as chunks, as they arrive. `opening` sends the request and
/// resolves to a response with a success status (or the error, the stream's only item).
#[allow(dead_code, reason = "used by crates with operations that answer bytes")]
pub fn chunks<B: Send + 'static>(
    operation: &'static str,
    opening: BoxFuture<Result<reqwest::Response, Error<B>>>,
) -> BoxStream<Result<Bytes, Error<B>>> {
    Box::pin(
        futures_util::stream::once(opening)
            .map(move |opened| match opened {
                Ok(response) => {
                    response.bytes_stream().map_err(move |e| transport(operation, e)).left_stream()
                }
                Err(error) => futures_util::stream::once(std::future::ready(Err(error))).right_stream(),
            })
            .flatten(),
    )
}

/// Writes the chunks to a file as they arrive, and returns how many bytes were written. The
/// file appears whole or not at all: it is written beside its name and renamed at the end.
#[allow(dead_code, reason = "used by crates with operations that answer bytes")]
pub async fn save<B>(
    operation: &'static str,
    mut chunks: BoxStream<Result<Bytes, Error<B>>>,
    path: &Path,
) -> Result<u64, Error<B>> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".part");
    let partial = PathBuf::from(partial);
    let written = async {
        let file_error = |source: std::io::Error| Error::File { operation, path: partial.clone(), source };
        let mut file = tokio::fs::File::create(&partial).await.map_err(file_error)?;
        let mut written = 0u64;
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk?;
            file.write_all(&chunk).await.map_err(file_error)?;
            written += chunk.len() as u64;
        }
        file.flush().await.map_err(file_error)?;
        Ok(written)
    }
    .await;
    match written {
        Ok(written) => {
            tokio::fs::rename(&partial, path).await.map_err(|source| Error::File {
                operation,
                path: path.to_owned(),
                source,
            })?;
            Ok(written)
        }
        Err(error) => {
            let _ = tokio::fs::remove_file(&partial).await;
            Err(error)
        }
    }
}
