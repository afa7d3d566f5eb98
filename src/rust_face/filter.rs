//! Which queries a bulk call acts on: a key prefix, an exact key, or all.

use serde::Serialize;

use super::key::QueryKey;
use crate::core::filters::QueryFilters;

/// The queries `invalidate_queries`, `remove_queries`, `cancel_queries` and
/// `is_fetching` act on.
#[derive(Clone, Debug)]
pub struct Filter {
    pub(crate) filters: Result<QueryFilters, String>,
}

impl Filter {
    /// Every query.
    pub fn all() -> Filter {
        Filter {
            filters: Ok(QueryFilters::default()),
        }
    }

    /// Queries whose key starts with `key`'s elements (`("todos",)` matches
    /// `("todos", 1)`; objects match when the query's has at least their fields), as
    /// TanStack's `queryKey` filter does.
    pub fn prefix(key: impl Serialize) -> Filter {
        Filter {
            filters: QueryKey::new(&key).map(|k| QueryFilters::by_key(k.parts)),
        }
    }

    /// The query with exactly this key.
    pub fn exact(key: impl Serialize) -> Filter {
        Filter {
            filters: QueryKey::new(&key).map(|k| QueryFilters::by_exact_key(k.parts)),
        }
    }

    /// Only queries that something observes (`true`) or nothing does (`false`).
    pub fn active(mut self, active: bool) -> Filter {
        use crate::core::filters::QueryType;
        if let Ok(f) = &mut self.filters {
            f.kind = if active {
                QueryType::Active
            } else {
                QueryType::Inactive
            };
        }
        self
    }

    /// Only stale (`true`) or fresh (`false`) queries, as TanStack's `Query.isStale()`
    /// says: an observed query by the `stale_time` of its enabled observers (observed by
    /// disabled ones only: never stale), an unobserved one only without data or once
    /// invalidated.
    pub fn stale(mut self, stale: bool) -> Filter {
        if let Ok(f) = &mut self.filters {
            f.stale = Some(stale);
        }
        self
    }
}
