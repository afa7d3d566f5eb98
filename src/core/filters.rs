//! Query filters: which queries a bulk call (`invalidateQueries`, `removeQueries`, …)
//! acts on.
//!
//! `queryKey` matches by prefix ([`super::key::partial_match`]) or, with `exact`, by hash;
//! `type` by whether the query has observers; `stale` by staleness now (TanStack's
//! `Query.isStale()`: by the observers' `staleTime`, see [`Filterable::is_stale`]);
//! `fetchStatus` by what the query is doing. A user `predicate` is a host function,
//! applied by the host after these.
//!
//! A filter reads a query through [`Filterable`], which the cache's queries implement
//! ([`super::cache`]): the cache applies filters, and filters know nothing of the cache.

use super::key::{hash_key, KeyValue};
use super::state::FetchStatus;

/// `type` of a filter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum QueryType {
    #[default]
    /// Every query.
    All,
    /// Queries with an enabled observer.
    Active,
    /// Queries with no enabled observer.
    Inactive,
}

/// What a filter reads of a query.
pub trait Filterable {
    /// Whether its key starts with the elements of `prefix` (TanStack's
    /// `partialMatchKey`).
    fn key_starts_with(&self, prefix: &[KeyValue]) -> bool;
    /// Whether an enabled observer watches it.
    fn is_active(&self) -> bool;
    /// Whether its data is stale at `now`, as TanStack's `Query.isStale()` says (by its
    /// enabled observers' `staleTime`; unobserved, only without data or invalidated).
    fn is_stale(&self, now: f64) -> bool;
    /// What it is doing.
    fn fetch_status(&self) -> FetchStatus;
}

/// The part of a filter the core evaluates.
#[derive(Clone, Debug, Default)]
pub struct QueryFilters {
    /// Queries whose key starts with these elements (TanStack's `partialMatchKey`).
    pub query_key: Option<Vec<KeyValue>>,
    /// With `exact`: the hash of `query_key`, which must equal the query's.
    pub exact_hash: Option<String>,
    /// `type`: all, active or inactive queries.
    pub kind: QueryType,
    /// Only stale (`true`) or fresh (`false`) queries.
    pub stale: Option<bool>,
    /// Only queries in this `fetchStatus`.
    pub fetch_status: Option<FetchStatus>,
}

impl QueryFilters {
    /// A filter on a key prefix.
    pub fn by_key(key: Vec<KeyValue>) -> Self {
        QueryFilters {
            query_key: Some(key),
            ..Default::default()
        }
    }

    /// A filter on exactly this key.
    pub fn by_exact_key(key: Vec<KeyValue>) -> Self {
        QueryFilters {
            exact_hash: Some(hash_key(&key)),
            query_key: Some(key),
            ..Default::default()
        }
    }

    /// Whether the query stored under `hash` matches at `now`.
    pub fn matches(&self, hash: &str, query: &impl Filterable, now: f64) -> bool {
        let f = self;
        if let Some(exact) = &self.exact_hash {
            if exact != hash {
                return false;
            }
        } else if let Some(prefix) = &f.query_key {
            if !query.key_starts_with(prefix) {
                return false;
            }
        }
        let active = query.is_active();
        match f.kind {
            QueryType::Active if !active => return false,
            QueryType::Inactive if active => return false,
            _ => {}
        }
        if let Some(stale) = f.stale {
            if query.is_stale(now) != stale {
                return false;
            }
        }
        if let Some(fs) = f.fetch_status {
            if query.fetch_status() != fs {
                return false;
            }
        }
        true
    }
}
