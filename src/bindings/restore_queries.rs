//! `restoreQueries(…)`: reads queries from L2 into L1 before anything asks for them,
//! without fetching (stackquery/react's `QueryClientProvider restore={…}` renders a page
//! only once the keys it needs are in memory, so a reload shows persisted data in the
//! first render).
//!
//! - `restoreQueries([key, …])`: those keys, read together in one storage call
//!   ([`super::read_batch`]).
//! - `restoreQueries()` / `restoreQueries({ queryKey })`: every stored query of the
//!   client's namespace, or those whose key starts with `queryKey`'s elements (compared
//!   whole), listed and read in one pass (one IndexedDB transaction: `getAllKeys` +
//!   `getAll`). L1 is filled in slices of at most [`SLICE_MS`], with a macrotask
//!   between them, so a large restore never holds the main thread for a frame; it
//!   stops when L1 holds `maxEntries` queries (more would only evict each other).
//!
//! Either way a key already holding data in L1, or with a write queued, is not read
//! over; L2 never replaces newer L1 data; a storage failure restores nothing; it
//! resolves with how many queries got data from L2.

use js_sys::{Array, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::client::{now, Inner, QueryClient};
use super::convert::{describe, set_prop};
use super::errors::type_error;
use super::options::{get, QueryOptions};
use super::persister::{Persister, Restored};
use super::timer::yield_to_host;
use super::{promise, reentry};
use std::rc::Rc;

/// The longest a bulk restore fills L1 before letting the page run (ms).
const SLICE_MS: f64 = 8.0;

/// Queries restored between two looks at the clock (each about 15 µs).
const CLOCK_EVERY: u32 = 32;

#[wasm_bindgen]
impl QueryClient {
    /// Reads queries from L2 into L1: the cold keys of an array of query keys, or every
    /// stored query (under an optional `{ queryKey }` prefix). Resolves with how many got
    /// data from L2 (0 at once when the client has no storage). Never fetches.
    #[wasm_bindgen(js_name = restoreQueries)]
    pub fn restore_queries(&self, which: JsValue) -> Result<Promise, JsValue> {
        let _entered = reentry::enter("restoreQueries")?;
        let inner = self.inner()?;
        if which.is_undefined() {
            return Ok(restore_namespace(inner, None));
        }
        let keys: Array = match which.dyn_into() {
            Ok(keys) => keys,
            Err(v) if v.is_object() && !v.is_function() => {
                let key = get(&v, "queryKey")?;
                if key.is_undefined() {
                    return Ok(restore_namespace(inner, None));
                }
                let o = options_for(&inner, &key)?;
                // `["todos",1]` → `["todos",1`: what the hashes of its extensions start with.
                let prefix = o.hash.strip_suffix(']').unwrap_or(&o.hash).to_owned();
                return Ok(restore_namespace(inner, Some(prefix)));
            }
            Err(v) => {
                return Err(type_error(format!(
                    "restoreQueries takes an array of query keys (restoreQueries([['todos'], ['user', 1]])), filters ({{ queryKey: ['todos'] }}) or nothing (every stored query), got {}",
                    describe(&v)
                )))
            }
        };
        let mut cold: Vec<QueryOptions> = Vec::new();
        for key in keys.iter() {
            let o = options_for(&inner, &key)?;
            if !is_warm(&inner, &o.hash)? && !cold.iter().any(|c| c.hash == o.hash) {
                cold.push(o);
            }
        }
        let Some(persister) = inner.persister().cloned() else {
            return Ok(Promise::resolve(&JsValue::from(0)));
        };
        let reads: Vec<(QueryOptions, Promise)> = cold
            .into_iter()
            .map(|o| {
                let read = persister.start_read(&o.hash);
                (o, read)
            })
            .collect();
        Ok(promise::from_future(async move {
            let mut count = 0u32;
            for (o, read) in reads {
                let restored = Persister::restored(read).await;
                if inner.is_disposed() {
                    break;
                }
                count += u32::from(take(&inner, &o, restored)?);
            }
            finish(&inner, count);
            Ok(JsValue::from(count))
        }))
    }
}

/// A query's options from its key alone, as any call would read them.
fn options_for(inner: &Inner, key: &JsValue) -> Result<QueryOptions, JsValue> {
    let opts = Object::new();
    set_prop(&opts, "queryKey", key);
    QueryOptions::read(&opts, inner.defaults(), "restoreQueries")
}

/// Whether L1 already has the query's data (or read L2 for it).
fn is_warm(inner: &Inner, hash: &str) -> Result<bool, JsValue> {
    Ok(inner
        .cache_ref()?
        .get(hash)
        .is_some_and(|q| q.meta.hydrated || q.state.data.is_some()))
}

/// Puts what L2 held for a query into L1; whether it got data.
fn take(inner: &Rc<Inner>, o: &QueryOptions, restored: Option<Restored>) -> Result<bool, JsValue> {
    // Made only for data: a miss leaves no empty query behind.
    if restored.is_some() && inner.cache_ref()?.get(&o.hash).is_none() {
        inner.build(o)?;
    }
    inner.take_restored(&o.hash, restored)
}

/// Tells observers and the face, and arms GC for what came in.
fn finish(inner: &Rc<Inner>, count: u32) {
    if count > 0 {
        inner.notify_changed();
        inner.arm_gc();
    }
}

/// Whether `hash` is a key starting with the elements whose hash, less its closing
/// bracket, is `prefix` (`["todos"` matches `["todos"]` and `["todos",1]`, not
/// `["todos2"]`).
fn under(hash: &str, prefix: &str) -> bool {
    prefix == "["
        || hash
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(']') || rest.starts_with(','))
}

/// The bulk restore: every stored query of the namespace (under `prefix`), read in one
/// pass and put into L1 in slices.
fn restore_namespace(inner: Rc<Inner>, prefix: Option<String>) -> Promise {
    let Some(persister) = inner.persister().cloned() else {
        return Promise::resolve(&JsValue::from(0));
    };
    promise::from_future(async move {
        let listed = persister.read_namespace().await;
        let mut count = 0u32;
        let mut slice_start = now();
        // The time entries are judged at: read with the slice's clock, not once each.
        let mut t = slice_start;
        for (i, (hash, raw)) in listed
            .keys
            .into_iter()
            .zip(listed.values.iter())
            .enumerate()
        {
            // L1 full: restoring more would only evict what was just restored.
            if inner.is_disposed() || inner.cache_ref()?.is_full() {
                break;
            }
            if !hash.starts_with('[')
                || prefix.as_deref().is_some_and(|p| !under(&hash, p))
                || persister.has_pending(&hash)
                || is_warm(&inner, &hash)?
            {
                continue;
            }
            let Some(restored) = persister.decode_stored(&hash, raw, t) else {
                continue;
            };
            let js_key = listed.js_keys.as_ref().map(|keys| keys.get(i as u32));
            let Some(key) = persister.key_of(&hash, js_key) else {
                continue;
            };
            // The stored hash is the key's canonical JSON, checked by the envelope.
            let o = QueryOptions::for_key(key, hash, inner.defaults());
            count += u32::from(take(&inner, &o, Some(restored))?);
            // The clock is a host call: read every CLOCK_EVERY queries, not every one.
            if count % CLOCK_EVERY == 0 {
                t = now();
                if t - slice_start > SLICE_MS {
                    finish(&inner, count);
                    yield_to_host().await;
                    slice_start = now();
                    t = slice_start;
                }
            }
        }
        finish(&inner, count);
        Ok(JsValue::from(count))
    })
}
