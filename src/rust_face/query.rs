//! [`Query`]: one query's key, function and options, to fetch or observe.

use std::future::Future;
use std::marker::PhantomData;
use std::rc::Rc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::QueryError;
use super::key::QueryKey;
use super::observer::{Observer, QueryResult};
use super::options::{span, stale_time, Defaults, Staleness};
use super::stream::ResultStream;
use super::value::Value;
use crate::core::retry::{Retry, RetryDelay};
use crate::core::staleness::{Duration as Span, StaleTime};
use crate::engine::{Engine, Failure, FetchError, Fetcher, QuerySpec};

/// Retries of a fetch when nothing sets `retry` (TanStack's `fetchQuery`: none).
const FETCH_RETRY: u32 = 0;
/// Retries of what an observer fetches when nothing sets `retry` (TanStack's `useQuery`).
const OBSERVER_RETRY: u32 = 3;

/// A query: made by [`crate::QueryClient::query`], configured with its builder methods
/// (each defaults to the client's), then fetched ([`Query::fetch`]) or observed
/// ([`Query::observe`]). Reusable: fetch it as often as you like.
pub struct Query<T, E> {
    engine: Engine<Value>,
    defaults: Rc<Defaults>,
    pub(crate) key: Result<QueryKey, String>,
    fetcher: Fetcher<Value>,
    stale_time: Option<StaleTime>,
    gc_time: Option<Span>,
    retry: Option<u32>,
    retry_delay: Option<Duration>,
    pub(crate) enabled: bool,
    types: PhantomData<fn() -> (T, E)>,
}

impl<T, E> Query<T, E>
where
    T: Serialize + DeserializeOwned + 'static,
    E: 'static,
{
    pub(crate) fn new<F, Fut>(
        engine: Engine<Value>,
        defaults: Rc<Defaults>,
        key: Result<QueryKey, String>,
        query_fn: F,
    ) -> Query<T, E>
    where
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = Result<T, E>> + 'static,
    {
        let fetcher: Fetcher<Value> = Rc::new(move || {
            let attempt = query_fn();
            Box::pin(async move {
                match attempt.await {
                    Ok(data) => Ok(Value::new(data)),
                    Err(e) => Err(Rc::new(e) as Failure),
                }
            })
        });
        Query {
            engine,
            defaults,
            key,
            fetcher,
            stale_time: None,
            gc_time: None,
            retry: None,
            retry_delay: None,
            enabled: true,
            types: PhantomData,
        }
    }

    /// How long this query's data stays fresh.
    pub fn stale_time(mut self, staleness: impl Into<Staleness>) -> Self {
        self.stale_time = Some(stale_time(staleness.into()));
        self
    }

    /// How long it stays in memory once nothing observes it.
    pub fn gc_time(mut self, gc_time: Duration) -> Self {
        self.gc_time = Some(span(gc_time));
        self
    }

    /// How many times a failure is retried (default: the client's; unset there, 3 when
    /// observed and none for [`Self::fetch`], as in TanStack).
    pub fn retry(mut self, times: u32) -> Self {
        self.retry = Some(times);
        self
    }

    /// A fixed delay between retries.
    pub fn retry_delay(mut self, delay: Duration) -> Self {
        self.retry_delay = Some(delay);
        self
    }

    /// An observer of a disabled query shows what the cache holds (L2 included) but
    /// never fetches (default: enabled).
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }

    /// The key's hash (TanStack's `hashKey` of the same key), `None` for a key that
    /// cannot be serialized.
    pub fn hash(&self) -> Option<&str> {
        self.key.as_ref().ok().map(|k| k.hash())
    }

    /// The engine's spec for this use: `default_retry` applies when neither the query
    /// nor the client set `retry` (TanStack: 3 for observers, 0 for `fetchQuery`).
    pub(crate) fn spec(&self, default_retry: u32) -> Result<QuerySpec<Value>, String> {
        let key = self.key.clone()?;
        let d = &self.defaults;
        let delay = self.retry_delay.or(d.retry_delay);
        Ok(QuerySpec {
            key: key.parts,
            hash: key.hash,
            fetcher: self.fetcher.clone(),
            decode: Value::decoder::<T>(),
            stale_time: self.stale_time.unwrap_or(d.stale_time),
            gc_time: self.gc_time.unwrap_or(d.gc_time),
            retry: Rc::new(Retry::Times(
                self.retry.or(d.retry).unwrap_or(default_retry),
            )),
            retry_delay: Rc::new(match delay {
                Some(ms) => RetryDelay::Millis(ms.as_secs_f64() * 1000.0),
                None => RetryDelay::Default,
            }),
        })
    }

    /// The data: from memory, or from L2 for a key not used yet in this session, when
    /// fresh; otherwise fetched (joining a fetch of the key already running).
    pub async fn fetch(&self) -> Result<Rc<T>, QueryError<E>> {
        let spec = self.spec(FETCH_RETRY).map_err(QueryError::InvalidKey)?;
        match self.engine.fetch_query(spec).await {
            Ok(value) => value.get::<T>().ok_or(QueryError::TypeMismatch),
            Err(e) => Err(convert_error(e)),
        }
    }

    /// [`Self::fetch`] for its side effect: warms the cache, ignores the outcome.
    pub async fn prefetch(&self) {
        let _ = self.fetch().await;
    }

    /// The data in memory now, if any.
    pub fn data(&self) -> Option<Rc<T>> {
        let hash = self.hash()?;
        self.engine.get_query_data(hash)?.get::<T>()
    }

    /// Watches the query: `on_change` is called with its new result whenever it changes.
    /// The query is restored from L2 if cold and fetched when it has no fresh data (and
    /// is enabled). Dropping the [`Observer`] stops it.
    pub fn observe(&self, on_change: impl Fn(&QueryResult<T, E>) + 'static) -> Observer<T, E> {
        Observer::new(
            self.engine.clone(),
            self.spec(OBSERVER_RETRY),
            self.enabled,
            Rc::new(on_change),
        )
    }
}

impl<T, E> Query<T, E>
where
    T: Serialize + DeserializeOwned + 'static,
    E: 'static,
{
    /// Watches the query as a `futures` `Stream` of its results: the current one at
    /// once, then one per change (the latest, when the consumer is slower). Same fetching
    /// as [`Self::observe`]; dropping the stream stops it.
    pub fn stream(&self) -> ResultStream<T, E> {
        ResultStream::new(|on_change| {
            Observer::new(
                self.engine.clone(),
                self.spec(OBSERVER_RETRY),
                self.enabled,
                on_change,
            )
        })
    }
}

/// The engine's error as the face's.
pub(crate) fn convert_error<E: 'static>(e: FetchError) -> QueryError<E> {
    match e {
        FetchError::Cancelled => QueryError::Cancelled,
        FetchError::Failed(f) => match f.downcast::<E>() {
            Ok(e) => QueryError::Failed(e),
            Err(_) => QueryError::TypeMismatch,
        },
    }
}
