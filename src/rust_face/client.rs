//! [`QueryClient`]: the Rust face's client, and its [`QueryClientBuilder`].

use std::future::Future;
use std::num::NonZeroUsize;
use std::rc::Rc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::QueryError;
use super::filter::Filter;
use super::key::QueryKey;
use super::mutation::Mutation;
use super::options::{span, stale_time, Defaults, Staleness};
use super::query::Query;
use super::value::Value;
use crate::engine::{Engine, EngineOptions, Host, Storage, StorageError};

/// A query cache: L1 in memory, typed; L2 in a [`Storage`] if given one.
///
/// Cheap to clone: clones are the same client (hand one to each component).
#[derive(Clone)]
pub struct QueryClient {
    pub(crate) engine: Engine<Value>,
    pub(crate) defaults: Rc<Defaults>,
}

/// Why a client could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildError {
    /// `max_entries(0)`: a cache must hold at least one query.
    ZeroMaxEntries,
    /// Outside wasm32 there is no default host: give one with
    /// [`QueryClientBuilder::host`].
    NoHost,
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BuildError::ZeroMaxEntries => "max_entries must be at least 1",
            BuildError::NoHost => "no host: outside wasm32, QueryClientBuilder::host must be set",
        })
    }
}

impl std::error::Error for BuildError {}

/// Options for a [`QueryClient`].
pub struct QueryClientBuilder {
    host: Option<Rc<dyn Host>>,
    max_entries: usize,
    engine: EngineOptions,
    defaults: Defaults,
}

impl QueryClientBuilder {
    /// How long data stays fresh by default (default: stale at once).
    pub fn stale_time(mut self, staleness: impl Into<Staleness>) -> Self {
        self.defaults.stale_time = stale_time(staleness.into());
        self
    }

    /// How long an unobserved query stays in memory (default 5 minutes; `Duration::MAX`
    /// keeps it). L2 keeps it either way.
    pub fn gc_time(mut self, gc_time: Duration) -> Self {
        self.defaults.gc_time = span(gc_time);
        self
    }

    /// How many times a failed query function is retried. Unset, TanStack's defaults
    /// apply: 3 for what observers fetch, none for `fetch_query`/`Query::fetch`.
    pub fn retry(mut self, times: u32) -> Self {
        self.defaults.retry = Some(times);
        self
    }

    /// A fixed delay between retries (default: 1 s, doubling, at most 30 s).
    pub fn retry_delay(mut self, delay: Duration) -> Self {
        self.defaults.retry_delay = Some(delay);
        self
    }

    /// The most queries kept in memory (default 10,000); least recently used idle ones
    /// are dropped from memory past it (L2 keeps them).
    pub fn max_entries(mut self, max: usize) -> Self {
        self.max_entries = max;
        self
    }

    /// L2: where data is persisted and read back from after a reload.
    pub fn storage(mut self, storage: impl Storage + 'static) -> Self {
        self.engine.storage = Some(Rc::new(storage));
        self
    }

    /// Entries live under `"{prefix}:{hash}"` (default `"stackquery"`, as in the JS
    /// package: the same prefix and store share entries with it).
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.engine.key_prefix = prefix.into();
        self
    }

    /// The app's data version: entries written under another are ignored (default "").
    pub fn buster(mut self, buster: impl Into<String>) -> Self {
        self.engine.buster = buster.into();
        self
    }

    /// How long after it was fetched stored data may still be used (default a day).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.engine.max_age = span(max_age);
        self
    }

    /// The largest entry written to or read from storage, in bytes of its JSON text
    /// (default 4 MiB): larger data stays in memory only, and a larger stored entry is
    /// ignored unparsed.
    pub fn max_entry_bytes(mut self, bytes: usize) -> Self {
        self.engine.max_entry_bytes = bytes;
        self
    }

    /// How long a storage call may take before it counts as failed (default 3 s): a
    /// blocked or hung store delays a query at most this long, then it carries on.
    pub fn storage_timeout(mut self, timeout: Duration) -> Self {
        self.engine.storage_timeout_ms = timeout.as_secs_f64() * 1000.0;
        self
    }

    /// The clock, timers and task spawner (default on wasm32: the JS host's).
    pub fn host(mut self, host: impl Host) -> Self {
        self.host = Some(Rc::new(host));
        self
    }

    /// The client; fails on `max_entries(0)`, and outside wasm32 without a host.
    pub fn build(self) -> Result<QueryClient, BuildError> {
        let host = match self.host {
            Some(h) => h,
            None => default_host().ok_or(BuildError::NoHost)?,
        };
        let mut options = self.engine;
        options.max_entries =
            NonZeroUsize::new(self.max_entries).ok_or(BuildError::ZeroMaxEntries)?;
        let engine = Engine::new(host, options);
        Ok(QueryClient {
            engine,
            defaults: Rc::new(self.defaults),
        })
    }
}

#[cfg(target_arch = "wasm32")]
fn default_host() -> Option<Rc<dyn Host>> {
    Some(Rc::new(crate::host::WasmHost))
}

#[cfg(not(target_arch = "wasm32"))]
fn default_host() -> Option<Rc<dyn Host>> {
    None
}

impl QueryClient {
    /// A client with the defaults and no storage (wasm32; elsewhere use the builder
    /// and give it a host).
    #[cfg(target_arch = "wasm32")]
    #[allow(clippy::new_without_default)]
    pub fn new() -> QueryClient {
        QueryClient {
            engine: Engine::new(Rc::new(crate::host::WasmHost), EngineOptions::default()),
            defaults: Rc::new(Defaults::default()),
        }
    }

    /// Options for a new client, starting from the defaults.
    pub fn builder() -> QueryClientBuilder {
        QueryClientBuilder {
            host: None,
            max_entries: 10_000,
            engine: EngineOptions::default(),
            defaults: Defaults::default(),
        }
    }

    /// A query of `key`, fetched by `query_fn`, to configure, fetch or observe.
    pub fn query<T, E, F, Fut>(&self, key: impl Serialize, query_fn: F) -> Query<T, E>
    where
        T: Serialize + DeserializeOwned + 'static,
        E: 'static,
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = Result<T, E>> + 'static,
    {
        Query::new(
            self.engine.clone(),
            self.defaults.clone(),
            QueryKey::new(&key),
            query_fn,
        )
    }

    /// The data of `key`: from memory or L2 when fresh, otherwise from `query_fn`
    /// (deduplicated with other fetches of the key, retried only when `retry` is set, as TanStack's `fetchQuery`).
    pub async fn fetch_query<T, E, F, Fut>(
        &self,
        key: impl Serialize,
        query_fn: F,
    ) -> Result<Rc<T>, QueryError<E>>
    where
        T: Serialize + DeserializeOwned + 'static,
        E: 'static,
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = Result<T, E>> + 'static,
    {
        self.query(key, query_fn).fetch().await
    }

    /// The data in memory under `key`, if any and if it is a `T` (or reads as one).
    /// L2 is not read: a query not fetched or observed in this session has none yet.
    pub fn get_query_data<T: DeserializeOwned + 'static>(
        &self,
        key: impl Serialize,
    ) -> Option<Rc<T>> {
        let key = QueryKey::new(&key).ok()?;
        self.engine.get_query_data(&key.hash)?.get::<T>()
    }

    /// Sets the data of `key` (now, and in L2); observers are told.
    pub fn set_query_data<T: Serialize + 'static>(
        &self,
        key: impl Serialize,
        data: T,
    ) -> Result<(), QueryError<()>> {
        let key = QueryKey::new(&key).map_err(QueryError::InvalidKey)?;
        self.engine
            .set_query_data(key.parts, &key.hash, Value::new(data));
        Ok(())
    }

    /// Marks the matching queries stale (also in L2) and refetches those observed;
    /// completes when the refetches settle.
    pub async fn invalidate_queries(&self, filter: Filter) {
        if let Ok(f) = filter.filters {
            self.engine.invalidate_queries(&f).await;
        }
    }

    /// Removes the matching queries from memory and L2, cancelling their fetches.
    pub fn remove_queries(&self, filter: Filter) {
        if let Ok(f) = filter.filters {
            self.engine.remove_queries(&f);
        }
    }

    /// Cancels the matching queries' fetches; each goes back to its state before.
    pub fn cancel_queries(&self, filter: Filter) {
        if let Ok(f) = filter.filters {
            self.engine.cancel_queries(&f);
        }
    }

    /// How many matching queries are fetching.
    pub fn is_fetching(&self, filter: Filter) -> usize {
        match filter.filters {
            Ok(f) => self.engine.is_fetching(&f),
            Err(_) => 0,
        }
    }

    /// Empties memory and this client's entries in L2 (at log-out).
    pub fn clear(&self) {
        self.engine.clear();
    }

    /// Completes when every change so far has been written to L2 (or the write failed:
    /// see [`Self::take_storage_error`]).
    pub async fn flush(&self) {
        self.engine.flush().await;
    }

    /// The last L2 failure since this was last called. L2 failures never fail a query:
    /// the client carries on from memory.
    pub fn take_storage_error(&self) -> Option<StorageError> {
        self.engine.take_storage_error()
    }

    /// A mutation run by `mutation_fn`, to add callbacks to and run with
    /// [`Mutation::mutate`].
    pub fn mutation<V, T, E, C, F, Fut>(&self, mutation_fn: F) -> Mutation<V, T, E, C>
    where
        V: 'static,
        T: 'static,
        E: 'static,
        C: 'static,
        F: Fn(Rc<V>) -> Fut + 'static,
        Fut: Future<Output = Result<T, E>> + 'static,
    {
        Mutation::new(self.engine.host().clone(), mutation_fn)
    }
}
