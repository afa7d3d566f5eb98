//! What a query gives instead of data.

use std::fmt;
use std::rc::Rc;

/// Why [`crate::Query::fetch`] (or [`crate::QueryClient::fetch_query`]) gave no data.
#[derive(Debug)]
pub enum QueryError<E> {
    /// The query function failed, retries included, with this error (shared by every
    /// caller that waited for the same fetch).
    Failed(Rc<E>),
    /// The fetch was cancelled (`cancel_queries`), or its query removed or the client
    /// cleared, before it settled.
    Cancelled,
    /// The key could not be serialized; the message says why.
    InvalidKey(String),
    /// Another fetch of the same key was running with another data or error type, and
    /// its outcome does not fit this one's.
    TypeMismatch,
}

impl<E> Clone for QueryError<E> {
    fn clone(&self) -> Self {
        match self {
            QueryError::Failed(e) => QueryError::Failed(e.clone()),
            QueryError::Cancelled => QueryError::Cancelled,
            QueryError::InvalidKey(m) => QueryError::InvalidKey(m.clone()),
            QueryError::TypeMismatch => QueryError::TypeMismatch,
        }
    }
}

impl<E: fmt::Display> fmt::Display for QueryError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::Failed(e) => write!(f, "query failed: {e}"),
            QueryError::Cancelled => f.write_str("query cancelled"),
            QueryError::InvalidKey(m) => write!(f, "invalid query key: {m}"),
            QueryError::TypeMismatch => {
                f.write_str("the query's data or error is of another type than asked for")
            }
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for QueryError<E> {}
