//! stackquery: a two-tier query cache for JavaScript runtimes.
//!
//! [`core`] is plain Rust and decides everything (keys, state, staleness, dedup,
//! retry, GC, filters); it is tested natively. `bindings` (wasm32 only) is the thin
//! wasm-bindgen surface that JavaScript sees: `QueryClient`.

pub mod core;

#[cfg(target_arch = "wasm32")]
mod bindings;

#[cfg(target_arch = "wasm32")]
pub use bindings::client::QueryClient;
#[cfg(target_arch = "wasm32")]
pub use bindings::managers::{FocusManager, OnlineManager};
#[cfg(target_arch = "wasm32")]
pub use bindings::mutation::Mutation;
#[cfg(target_arch = "wasm32")]
pub use bindings::observer::QueryObserver;
#[cfg(target_arch = "wasm32")]
pub use bindings::storage::{
    indexeddb::IndexedDbStorage, memory::MemoryStorage, remote::RemoteStorage,
};
