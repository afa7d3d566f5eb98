//! What the face's `QueryCache` (`js/face/query_cache.js`) reads of the cache: one view
//! object per query matching a set of filters, with the fields TanStack's `Query`
//! exposes for reading (its key, hash, state, meta, observer count, activity and
//! staleness). The views are snapshots; the face keeps one `Query` object per hash
//! and refreshes it from them. While it watches, `__changedQueryViews` gives the views of
//! only the queries the cache's journal lists.

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

use super::client::QueryClient;
use super::clock::now;
use super::convert::set_prop;
use super::js_state::state_object;
use super::options::Filters;
use super::query_meta::Query;
use super::reentry;
use crate::core::journal::Changed;
use crate::core::staleness::{Duration, StaleTime};

#[wasm_bindgen]
impl QueryClient {
    /// `[{ queryKey, queryHash, state, meta, observers, active, stale, staleTime, gcTime }]`
    /// of every query matching `filters` (all of them when none), in the cache's order.
    #[wasm_bindgen(js_name = __queryViews)]
    pub fn query_views(&self, filters: JsValue) -> Result<Array, JsValue> {
        let _entered = reentry::enter("queryCache.findAll")?;
        let f = Filters::read(&filters, "queryCache.findAll")?;
        let hashes = self.matching(&f)?;
        let inner = self.inner()?;
        let cache = inner.cache_ref()?;
        let t = now();
        let out = Array::new();
        for hash in hashes {
            if let Some(q) = cache.get(&hash) {
                out.push(&view_of(&hash, q, t));
            }
        }
        Ok(out)
    }

    /// What changed since the last call while the face watches the cache (`__watch`):
    /// `{ views, gone }`, the views of the queries that may have changed and the hashes
    /// of those no longer cached; `null` when every query must be looked at.
    #[wasm_bindgen(js_name = __changedQueryViews)]
    pub fn changed_query_views(&self) -> Result<JsValue, JsValue> {
        let _entered = reentry::enter("queryCache")?;
        let inner = self.inner()?;
        let Some(Changed::Hashes(hashes)) = inner.cache_journal()? else {
            return Ok(JsValue::NULL);
        };
        let cache = inner.cache_ref()?;
        let t = now();
        let views = Array::new();
        let gone = Array::new();
        for hash in hashes {
            match cache.get(&hash) {
                Some(q) => views.push(&view_of(&hash, q, t)),
                None => gone.push(&JsValue::from_str(&hash)),
            };
        }
        let out = Object::new();
        set_prop(&out, "views", &views);
        set_prop(&out, "gone", &gone);
        Ok(out.into())
    }
}

/// `{ queryKey, queryHash, state, meta, observers, active, stale, staleTime, gcTime }`.
fn view_of(hash: &str, q: &Query, t: f64) -> Object {
    let view = Object::new();
    set_prop(&view, "queryKey", &q.meta.key_js);
    set_prop(&view, "queryHash", &JsValue::from_str(hash));
    set_prop(&view, "state", &state_object(&q.state));
    set_prop(&view, "meta", &q.meta.meta);
    set_prop(&view, "observers", &JsValue::from(q.observers()));
    set_prop(&view, "active", &JsValue::from(q.is_active()));
    set_prop(&view, "stale", &JsValue::from(q.is_stale_to_observers(t)));
    let stale_time = match q.stale_time {
        StaleTime::Millis(ms) => JsValue::from(ms),
        StaleTime::Infinity => JsValue::from(f64::INFINITY),
        StaleTime::Static => JsValue::from_str("static"),
    };
    set_prop(&view, "staleTime", &stale_time);
    let gc_time = match q.gc_time {
        Duration::Millis(ms) => ms,
        Duration::Never => f64::INFINITY,
    };
    set_prop(&view, "gcTime", &JsValue::from(gc_time));
    view
}
