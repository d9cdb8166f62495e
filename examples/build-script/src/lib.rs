//! The Access History client, generated from `specs/access-history.yaml` when this crate is
//! built (see `build.rs`): the same client as `generated/access-history`, without checked-in
//! sources.
// Built with some tags only, the client's shared parts are not all used.
#![cfg_attr(not(feature = "full"), allow(dead_code, unused_imports))]

include!(concat!(env!("OUT_DIR"), "/client.rs"));
