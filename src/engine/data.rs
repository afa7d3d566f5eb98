//! What the engine stores without looking inside: a face's data handle and error.
//!
//! The engine never reads data; it hands it back to the face, and turns it into JSON
//! text only to write it to L2 ([`DataHandle::to_json`]). Reading it back is the face's
//! business too: a query brings its own [`Decoder`]. Errors are opaque
//! ([`Failure`]): the face puts its own error type in and takes it out again.

use std::any::Any;
use std::rc::Rc;

use super::host::LocalBoxFuture;

/// A face's data as the engine keeps it (cheap to clone: an `Rc` or a JS reference).
pub trait DataHandle: Clone + 'static {
    /// The data as JSON text for L2, `None` when it cannot be written (it then stays in
    /// L1 only).
    fn to_json(&self) -> Option<String>;
}

/// A query function's error, opaque to the engine.
pub type Failure = Rc<dyn Any>;

/// Runs a query function once (one attempt; the engine retries).
pub type Fetcher<D> = Rc<dyn Fn() -> LocalBoxFuture<'static, Result<D, Failure>>>;

/// Reads data back from the JSON text of an L2 entry; `None` when it does not fit.
pub type Decoder<D> = Rc<dyn Fn(&str) -> Option<D>>;

/// Why a fetch gave no data.
#[derive(Clone)]
pub enum FetchError {
    /// The query function failed, after its retries, with this error.
    Failed(Failure),
    /// The fetch was cancelled (`cancel_queries`), or its query removed or cleared,
    /// before it settled.
    Cancelled,
}
