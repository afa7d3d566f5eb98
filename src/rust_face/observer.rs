//! [`Observer`]: a live view of one query, and the [`QueryResult`] it shows.

use std::marker::PhantomData;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::value::Value;
use crate::core::state::{FetchStatus, Status};
use crate::engine::{Engine, ObserverId, QuerySpec};

/// What an observer shows of its query, as TanStack's `QueryObserverResult` does.
#[derive(Debug)]
pub struct QueryResult<T, E> {
    /// `Pending` (no data yet), `Success` or `Error`.
    pub status: Status,
    /// `Fetching`, `Paused` or `Idle`.
    pub fetch_status: FetchStatus,
    /// The last data, kept through refetches and errors.
    pub data: Option<Rc<T>>,
    /// The error of the last fetch, if it failed.
    pub error: Option<Rc<E>>,
    /// When the data was fetched or set (ms since the epoch; 0 without data).
    pub data_updated_at: f64,
    /// Failures of the current or last fetch.
    pub failure_count: u32,
    /// Whether the data is stale under the query's `staleTime` (or there is none).
    pub is_stale: bool,
    /// Whether the query was invalidated since its data came.
    pub is_invalidated: bool,
}

impl<T, E> Clone for QueryResult<T, E> {
    fn clone(&self) -> Self {
        QueryResult {
            status: self.status,
            fetch_status: self.fetch_status,
            data: self.data.clone(),
            error: self.error.clone(),
            data_updated_at: self.data_updated_at,
            failure_count: self.failure_count,
            is_stale: self.is_stale,
            is_invalidated: self.is_invalidated,
        }
    }
}

impl<T, E> QueryResult<T, E> {
    /// No data yet.
    pub fn is_pending(&self) -> bool {
        self.status == Status::Pending
    }
    /// Has data from its last fetch or set.
    pub fn is_success(&self) -> bool {
        self.status == Status::Success
    }
    /// Its last fetch failed.
    pub fn is_error(&self) -> bool {
        self.status == Status::Error
    }
    /// A fetch (or an L2 read) is under way.
    pub fn is_fetching(&self) -> bool {
        self.fetch_status == FetchStatus::Fetching
    }
    /// Pending and fetching: the first load.
    pub fn is_loading(&self) -> bool {
        self.is_pending() && self.is_fetching()
    }
}

/// What an observer calls on each change.
pub(crate) type OnChange<T, E> = Rc<dyn Fn(&QueryResult<T, E>)>;

/// Watches one query until dropped. Made by [`crate::Query::observe`].
pub struct Observer<T, E> {
    engine: Engine<Value>,
    hash: Option<String>,
    id: Option<ObserverId>,
    types: PhantomData<fn() -> (T, E)>,
}

impl<T, E> Observer<T, E>
where
    T: Serialize + DeserializeOwned + 'static,
    E: 'static,
{
    /// Watches the query of `spec` (an unserializable key watches nothing).
    pub(crate) fn new(
        engine: Engine<Value>,
        spec: Result<QuerySpec<Value>, String>,
        enabled: bool,
        on_change: OnChange<T, E>,
    ) -> Self {
        let Ok(spec) = spec else {
            return Observer {
                engine,
                hash: None,
                id: None,
                types: PhantomData,
            };
        };
        let hash = spec.hash.clone();
        let (reader, h) = (engine.clone(), hash.clone());
        let listener = Rc::new(move || on_change(&result_of::<T, E>(&reader, &h)));
        let id = engine.observe(spec, enabled, listener);
        Observer {
            engine,
            hash: Some(hash),
            id: Some(id),
            types: PhantomData,
        }
    }

    /// The query's result now.
    pub fn result(&self) -> QueryResult<T, E> {
        match &self.hash {
            Some(h) => result_of(&self.engine, h),
            None => empty(),
        }
    }
}

impl<T, E> Drop for Observer<T, E> {
    fn drop(&mut self) {
        if let (Some(hash), Some(id)) = (&self.hash, self.id) {
            self.engine.unobserve(hash, id);
        }
    }
}

fn empty<T, E>() -> QueryResult<T, E> {
    QueryResult {
        status: Status::Pending,
        fetch_status: FetchStatus::Idle,
        data: None,
        error: None,
        data_updated_at: 0.0,
        failure_count: 0,
        is_stale: true,
        is_invalidated: false,
    }
}

fn result_of<T: DeserializeOwned + 'static, E: 'static>(
    engine: &Engine<Value>,
    hash: &str,
) -> QueryResult<T, E> {
    let Some(state) = engine.get_query_state(hash) else {
        return empty();
    };
    QueryResult {
        status: state.status,
        fetch_status: state.fetch_status,
        data: state.data.and_then(|d| d.get::<T>()),
        error: state.error.and_then(|e| e.downcast::<E>().ok()),
        data_updated_at: state.data_updated_at,
        failure_count: state.failure_count,
        is_stale: engine.is_stale(hash),
        is_invalidated: state.is_invalidated,
    }
}
