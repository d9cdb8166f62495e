//! The client runtime: building, sending and decoding requests for the generated operations.
//!
//! These files are written once, compiled and tested in the generator, and copied verbatim
//! into every generated crate as its private `runtime` module. Generated code reaches HTTP,
//! auth, encoding and errors only through what is here. In the order a call meets them:
//!
//! - [`request`]: what a request builder puts together (path, query, headers, body);
//! - [`body`]: uploads from bytes, files or streams, and downloads read as they arrive;
//! - [`auth`]: the credentials of each security scheme and how they go on a request;
//! - [`oauth`]: OAuth2 tokens the client fetches and renews itself;
//! - [`transport`]: the client itself, sending with timeouts and retries;
//! - [`response`]: reading an answer into the operation's typed result;
//! - [`model`]: how the models of the `types` module read and write their members;
//! - [`error`]: everything that can go wrong, with the server's own words;
//! - [`paging`]: the pages and items of a paginated listing, as streams;
//! - [`received`]: the requests the API sends (webhooks, callbacks), read from their bodies;
//! - [`stream`]: answers read as they arrive (server-sent events, JSON lines), item by item;
//! - [`trace`]: spans per request and attempt, with the `tracing` feature.
//!
//! Generated code names each item by its module (`runtime::request::Request`), so a reader
//! sees where it lives. Every crate carries all of it; an item that only some crates use
//! says which, where it allows the `dead_code` lint.

pub(crate) mod auth;
pub(crate) mod body;
pub(crate) mod error;
#[allow(dead_code, reason = "used as far as a crate's models go: objects, required and optional members")]
pub(crate) mod model;
pub(crate) mod oauth;
pub(crate) mod paging;
pub(crate) mod received;
pub(crate) mod request;
pub(crate) mod response;
// Only in crates with streamed answers, with the dependencies it needs (see `emit`).
pub(crate) mod stream;
pub(crate) mod trace;
pub(crate) mod transport;
