//! What the client keeps beside each query in the core's cache ([`Meta`]: the key and
//! options as given, the running fetch, L2 and cross-tab standing), the cache and
//! query types over it, and the release of fetches the core orphans.

use js_sys::Function;
use wasm_bindgen::JsValue;

use super::in_flight::InFlight;
use super::options::{RetryDelaySpec, RetrySpec};
use crate::core::network::NetworkMode;
use crate::core::QueryCache;

/// What the client keeps beside each query in the core's cache.
pub struct Meta {
    /// The key as the user gave it (returned by `getQueriesData`, passed to `queryFn`).
    pub key_js: JsValue,
    pub query_fn: Option<Function>,
    pub retry: RetrySpec,
    pub retry_delay: Option<RetryDelaySpec>,
    /// `initialData` as given (a value or a function), for `resetQueries`.
    pub initial_data: JsValue,
    pub meta: JsValue,
    /// The running fetch's promise, settlers and signal. Boxed: most queries have none
    /// running, and an empty box is 4 bytes of wasm memory where the fetch is 40.
    pub in_flight: Option<Box<InFlight>>,
    /// Written to L2 (`persist` option; true when the client has storage).
    pub persist: bool,
    /// L2 has been read for this key (or need not be: no storage, or L1 is newer).
    pub hydrated: bool,
    pub network_mode: NetworkMode,
    /// The `structuralSharing` option as given.
    pub structural_sharing: JsValue,
    /// The revision the data was written, read or heard with (cross-tab order). Boxed:
    /// only data persisted or heard from another tab has one (4 bytes without, 36 with,
    /// against 32 inline).
    pub origin: Option<Box<Origin>>,
}

pub type Cache = QueryCache<JsValue, JsValue, Meta>;
pub type Query = crate::core::Query<JsValue, JsValue, Meta>;

/// The revision a query's data was written, read or heard with. It belongs to the data
/// while the query holds that data: the data-update count and `dataUpdatedAt` are still
/// those it was recorded at.
#[derive(Clone, Copy, Debug)]
pub struct Origin {
    pub(super) count: u32,
    pub(super) at: f64,
    pub(super) rev: f64,
}

/// Cancels `hash`'s running fetch back to the state before it: its fetch, to cancel
/// with no borrow held ([`InFlight::cancel_reverted`]), and the data it went back to.
pub(crate) fn take_reverted(
    cache: &mut Cache,
    hash: &str,
    now: f64,
) -> Option<(Box<InFlight>, Option<JsValue>)> {
    cache.cancel_fetch(hash, now)?;
    let q = cache.get_mut(hash)?;
    Some((q.meta.in_flight.take()?, q.state.data.clone()))
}

/// Cancels fetches the core orphaned, with no borrow held.
pub(crate) fn release(orphans: impl IntoIterator<Item = Box<InFlight>>) {
    for f in orphans {
        f.cancel();
    }
}

/// Cancels the running fetches of queries taken out of the cache.
pub(crate) fn release_removed(removed: Vec<crate::core::cache::Removed<JsValue, JsValue, Meta>>) {
    release(removed.into_iter().filter_map(|(_, q)| q.meta.in_flight));
}
