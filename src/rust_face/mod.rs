//! The Rust face: a typed query cache for Rust/wasm apps (Leptos, Yew, Dioxus or none),
//! on the same engine and the same L2 as the JS package.
//!
//! Data is any `T: Serialize + DeserializeOwned`, kept typed in memory as an `Rc<T>`
//! and serialized (`serde_json`) once per L2 write. Keys are any `Serialize` value and
//! hash exactly as TanStack's `hashKey` hashes the same JS value, so a Rust app and a
//! JS page on one IndexedDB database share entries.
//!
//! Files: [`QueryClient`] (`client`), [`Query`] (`query`), [`Observer`] and
//! [`QueryResult`] (`observer`), [`ResultStream`] (`stream`), [`Mutation`] (`mutation`), [`Filter`] (`filter`),
//! [`QueryKey`] (`key`), [`QueryError`] (`error`), [`Staleness`] (`options`), and the
//! typed data handle (`value`).

#![warn(missing_docs)]

mod client;
mod error;
mod filter;
mod key;
mod mutation;
mod observer;
mod options;
mod query;
mod stream;
mod value;

#[cfg(test)]
mod tests;

pub use client::{BuildError, QueryClient, QueryClientBuilder};
pub use error::QueryError;
pub use filter::Filter;
pub use key::QueryKey;
pub use mutation::Mutation;
pub use observer::{Observer, QueryResult};
pub use options::Staleness;
pub use query::Query;
pub use stream::ResultStream;

pub use crate::core::mutation::MutationStatus;
pub use crate::core::state::{FetchStatus, Status as QueryStatus};
pub use crate::engine::{Host, LocalBoxFuture, MemoryStorage, Storage, StorageError, StorageWrite};
#[cfg(target_arch = "wasm32")]
pub use crate::host::{IndexedDbStorage, RemoteStorage, WasmHost};
