//! What the engine runs on in wasm32: the JS host's clock, timers and task queue
//! ([`WasmHost`]) and the Rust face's stores in IndexedDB ([`IndexedDbStorage`]) and in a
//! remote Redis over REST ([`RemoteStorage`]). Thin wrappers over web-sys and js-sys,
//! free of the JS package's bindings, so a Rust app links only these.
//!
//! `js_util` has the few JS helpers they share (the global object, promises of
//! requests and timers, error text).

#![warn(missing_docs)]

mod indexeddb;
mod js_util;
mod remote;
mod wasm_host;

pub use indexeddb::IndexedDbStorage;
pub use remote::RemoteStorage;
pub use wasm_host::WasmHost;
