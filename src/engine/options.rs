//! What a client and a query are configured with, once parsed by a face.

use std::num::NonZeroUsize;
use std::rc::Rc;

use super::data::{Decoder, Failure, Fetcher};
use super::storage::Storage;
use crate::core::cache::DEFAULT_GC_TIME;
use crate::core::key::KeyValue;
use crate::core::retry::{Retry, RetryDelay};
use crate::core::staleness::{Duration, StaleTime};

/// A day: how long an L2 entry stays usable by default (TanStack persisters' `maxAge`).
pub const DEFAULT_MAX_AGE: Duration = Duration::Millis(86_400_000.0);

/// The client's settings.
pub struct EngineOptions {
    /// The most queries L1 holds; least recently used idle ones are evicted past it.
    pub max_entries: NonZeroUsize,
    /// L2, if any.
    pub storage: Option<Rc<dyn Storage>>,
    /// Entries live under `"{key_prefix}:{hash}"`.
    pub key_prefix: String,
    /// The app's data version: entries written under another are not used.
    pub buster: String,
    /// How long after its data was fetched an L2 entry may still be used.
    pub max_age: Duration,
    /// The largest entry written to or parsed from L2, in bytes of its text: a larger one
    /// stays in L1 (its older stored version is deleted), and a larger stored one is a
    /// miss, never parsed.
    pub max_entry_bytes: usize,
    /// How long a storage call may take before it counts as failed (the query then
    /// carries on from L1 or the network), in milliseconds.
    pub storage_timeout_ms: f64,
}

/// 4 MiB, the JS package's default `maxEntryBytes`.
pub const DEFAULT_MAX_ENTRY_BYTES: usize = 4 * 1024 * 1024;

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            max_entries: NonZeroUsize::new(10_000).unwrap_or(NonZeroUsize::MIN),
            storage: None,
            key_prefix: "stackquery".to_owned(),
            buster: String::new(),
            max_age: DEFAULT_MAX_AGE,
            max_entry_bytes: DEFAULT_MAX_ENTRY_BYTES,
            storage_timeout_ms: 3_000.0,
        }
    }
}

/// One use of a query: its key and how to fetch, read back and keep it.
pub struct QuerySpec<D> {
    /// The query key.
    pub key: Vec<KeyValue>,
    /// `hash_key(&key)`.
    pub hash: String,
    /// The query function (one attempt).
    pub fetcher: Fetcher<D>,
    /// Reads the data back from L2's JSON.
    pub decode: Decoder<D>,
    /// How long its data stays fresh (`staleTime`).
    pub stale_time: StaleTime,
    /// How long it stays in L1 unobserved (`gcTime`).
    pub gc_time: Duration,
    /// Whether a failure is retried (`retry`).
    pub retry: Rc<Retry<Failure>>,
    /// How long before a retry (`retryDelay`).
    pub retry_delay: Rc<RetryDelay<Failure>>,
}

impl<D> QuerySpec<D> {
    /// A spec with TanStack's defaults: stale at once, collected 5 minutes after its
    /// last observer leaves, 3 retries with the default back-off.
    pub fn new(key: Vec<KeyValue>, fetcher: Fetcher<D>, decode: Decoder<D>) -> QuerySpec<D> {
        QuerySpec {
            hash: crate::core::key::hash_key(&key),
            key,
            fetcher,
            decode,
            stale_time: StaleTime::default(),
            gc_time: DEFAULT_GC_TIME,
            retry: Rc::new(Retry::Times(3)),
            retry_delay: Rc::new(RetryDelay::Default),
        }
    }
}
