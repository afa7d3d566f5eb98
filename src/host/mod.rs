//! What the engine runs on in wasm32: the JS host's clock, timers and task queue
//! ([`WasmHost`]), and the Rust face's stores in IndexedDB ([`IndexedDbStorage`]) and in
//! a remote Redis over the Upstash REST protocol ([`RemoteStorage`]).
//!
//! Thin wrappers over js-sys and web-sys, independent of the JS package's bindings
//! (`src/bindings`, built only with the `js` feature), so a Rust app links only these.
//! Everything is found on the global object when used (`setTimeout`, `indexedDB`,
//! `fetch`), so the same code serves pages, workers, Node and Deno; what a runtime lacks
//! makes the calls that need it fail (a storage error: the client carries on from
//! memory), never panic. Both stores keep the JS package's layout, so a JS page and a
//! Rust app share their entries.
//!
//! `js_util` has the few JS helpers they share (the global object's properties, a
//! promise of a timer, a JS error as a storage error).

#![warn(missing_docs)]

pub(crate) mod idb_requests;
mod indexeddb;
mod js_util;
mod remote;
mod wasm_host;

pub use indexeddb::IndexedDbStorage;
pub use remote::RemoteStorage;
pub use wasm_host::WasmHost;
