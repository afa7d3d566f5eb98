//! stackquery: a two-tier query cache for JavaScript runtimes and Rust/wasm apps.
//!
//! Three layers, arrows only downward:
//! - [`core`] is plain Rust and decides everything (keys, state, staleness, dedup,
//!   retry, GC, filters, the L2 envelope); it is tested natively.
//! - [`engine`] drives the core for a face: it runs fetches and their retries, the GC
//!   timer, observers and L2 reads and writes, through a [`engine::Host`] (clock,
//!   timers, spawning) and a [`engine::Storage`]. It has no `JsValue` in its API and is
//!   tested natively with a fake host.
//! - The faces: the Rust face ([`QueryClient`] and friends, typed with serde) for
//!   Rust/wasm apps, and `bindings` (wasm32 with the `js` feature only), the wasm-bindgen
//!   surface the npm package's JS face (`js/face/`) extends.
//!
//! `host` (wasm32 only) has the engine's host for browsers, workers and Node, and the
//! IndexedDB and remote stores.
//!
//! # The Rust face: a guide
//!
//! Add the crate (no features needed; the `js` feature is the npm package's build):
//! ```toml
//! [dependencies]
//! stackquery = "0.1"
//! serde = { version = "1", features = ["derive"] }
//! ```
//!
//! ## Fetch, cache, persist
//! ```rust,ignore
//! use std::time::Duration;
//! use serde::{Deserialize, Serialize};
//! use stackquery::{IndexedDbStorage, QueryClient};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Todo { id: u32, title: String }
//!
//! let client = QueryClient::builder()
//!     .stale_time(Duration::from_secs(30))  // fresh for 30 s: no refetch meanwhile
//!     .storage(IndexedDbStorage::new())     // L2: survives reloads
//!     .build()?;
//!
//! // Deduplicated with other fetches of the key, answered from memory while fresh, and
//! // after a reload from IndexedDB. (Like TanStack's fetchQuery it retries only when
//! // told to, with `.retry(n)` on the client or the query; observers retry 3 times.)
//! let todos: std::rc::Rc<Vec<Todo>> = client
//!     .fetch_query(("todos", "open"), || async { api::open_todos().await })
//!     .await?;
//! ```
//! Keys are any `Serialize` value: `("todos", "open")` hashes exactly as TanStack's
//! `hashKey(['todos', 'open'])`, and entries are stored under the same names and in
//! the same format as the JS package writes, so a JS page and a Rust app on one
//! IndexedDB database (or one Redis) share them.
//!
//! ## Observe
//! ```rust,ignore
//! let observer = client
//!     .query("todos", || async { api::todos().await })
//!     .stale_time(Duration::from_secs(10))
//!     .observe(|result: &stackquery::QueryResult<Vec<Todo>, ApiError>| {
//!         if result.is_loading() { render_spinner() }
//!         if let Some(todos) = &result.data { render(todos) }
//!     });
//! // A cold key shows what L2 holds first, then the refetch. Keep `observer` alive
//! // (in your component's state) for as long as the view shows it: dropping it stops it.
//! ```
//!
//! ## Mutate and invalidate
//! ```rust,ignore
//! use stackquery::Filter;
//! let on_done = client.clone();
//! let add = client
//!     .mutation(|title: std::rc::Rc<String>| async move { api::add_todo(&title).await })
//!     .on_success(move |_todo: &Todo, _title, _ctx: Option<&()>| {
//!         let client = on_done.clone();
//!         wasm_bindgen_futures::spawn_local(async move {
//!             client.invalidate_queries(Filter::prefix("todos")).await;
//!         });
//!     });
//! add.mutate("milk".to_string()).await?;
//! ```
//!
//! ## Storage
//! `IndexedDbStorage` (pages and workers; wasm32), `RemoteStorage` (Upstash Redis REST, from
//! anywhere `fetch` is), [`MemoryStorage`], or your own [`Storage`]. Storage failures
//! never fail a query: the client carries on from memory and reports the failure through
//! [`QueryClient::take_storage_error`]. At log-out, [`QueryClient::clear`] empties memory
//! and the client's entries in storage.
//!
//! ## Not in the Rust face yet
//! Focus and reconnect refetching, `placeholder_data`/`select`, infinite queries,
//! hydration and cross-tab sync are the JS package's only, for now.

pub mod core;
pub mod engine;

#[cfg(target_arch = "wasm32")]
pub mod host;

mod rust_face;
pub use rust_face::*;

#[cfg(all(target_arch = "wasm32", feature = "js"))]
mod bindings;
