//! The command's own tooling, kept out of the library that `build.rs` users link.

pub mod conform;
pub mod corpus;
pub mod document;
pub mod fuzz;
pub mod timings;
pub mod workspace;
