//! The engine: one query client's logic, driven by a face, running on a [`Host`].
//!
//! It owns what the core leaves to its host: running query functions (deduplicated,
//! retried, cancellable), the GC timer, observers' notifications, and L2 (write-behind
//! of settled data, batched reads of cold queries, restoring them). It has no
//! `JsValue` in its API: data is a face's [`DataHandle`], errors are opaque
//! ([`Failure`]), time and tasks come from the [`Host`], L2 is a [`Storage`]. It is
//! tested natively with a fake host (virtual clock, deterministic task queue).
//!
//! Files, arrows only downward: [`client`] (the API) → `fetch` (the retry loop) →
//! `l2`, `observers`, `gc_timer` → `shared` (the state) → [`data`], [`options`],
//! [`host`], [`storage`], `oneshot`, `abort`, `timeout`.

#![warn(missing_docs)]

mod abort;
pub mod client;
pub mod data;
mod fetch;
mod gc_timer;
pub mod host;
mod l2;
mod observers;
mod oneshot;
pub mod options;
mod shared;
pub mod storage;
mod timeout;

#[cfg(test)]
pub(crate) mod fake_host;
#[cfg(test)]
mod tests;

pub use client::{Engine, ObserverId};
pub use data::{DataHandle, Decoder, Failure, FetchError, Fetcher};
pub use host::{Host, LocalBoxFuture};
pub use options::{EngineOptions, QuerySpec, DEFAULT_MAX_AGE, DEFAULT_MAX_ENTRY_BYTES};
pub use storage::{MemoryStorage, Storage, StorageError, StorageWrite};
