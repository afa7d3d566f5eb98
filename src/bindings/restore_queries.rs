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

use super::client::QueryClient;
use super::clock::now;
use super::convert::{describe, set_prop};
use super::errors::type_error;
use super::inner::Inner;
use super::options::{get, QueryOptions};
use super::persister::{Persister, Restored};
use super::timer::yield_to_host;
use super::{promise, reentry};
use crate::core::text::text;
use std::rc::Rc;

/// The longest a bulk restore fills L1 before letting the page run (ms).
const SLICE_MS: f64 = 8.0;

/// Stored entries read together in one call into JS, between two looks at the clock.
const CHUNK: usize = 64;

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
                return Err(type_error(text(&[
                    "restoreQueries takes an array of query keys (restoreQueries([['todos'], ['user', 1]])), filters ({ queryKey: ['todos'] }) or nothing (every stored query), got ",
                    &describe(&v),
                ])))
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
                count += u32::from(take(&inner, &o, restored, now())?);
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
/// `t`: the time now.
fn take(
    inner: &Rc<Inner>,
    o: &QueryOptions,
    restored: Option<Restored>,
    t: f64,
) -> Result<bool, JsValue> {
    // Made only for data: a miss leaves no empty query behind.
    if restored.is_some() && inner.cache_ref()?.get(&o.hash).is_none() {
        inner.build_at(o, t)?;
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
        let mut listed = persister.read_namespace().await;
        if let Ok(mut cache) = inner.cache() {
            cache.reserve(listed.keys.len());
        }
        let mut count = 0u32;
        let mut slice_start = now();
        // The time entries are judged at: read with the slice's clock, not once each.
        let mut t = slice_start;
        let mut next = 0;
        let mut picked: Vec<u32> = Vec::with_capacity(CHUNK);
        'listed: while next < listed.keys.len() {
            picked.clear();
            while let Some(hash) = listed.keys.get(next).filter(|_| picked.len() < CHUNK) {
                if hash.starts_with('[')
                    && prefix.as_deref().is_none_or(|p| under(hash, p))
                    && !persister.has_pending(hash)
                    && !is_warm(&inner, hash)?
                {
                    picked.push(next as u32);
                }
                next += 1;
            }
            let decoded = persister.decode_listed(&listed, &picked, t);
            for (&i, read) in picked.iter().zip(decoded) {
                // L1 full: restoring more would only evict what was just restored.
                if inner.is_disposed() || inner.cache_ref()?.is_full() {
                    break 'listed;
                }
                let Some((restored, key)) = read else {
                    continue;
                };
                let Some(hash) = listed.keys.get_mut(i as usize).map(std::mem::take) else {
                    continue;
                };
                // The stored hash is the key's canonical JSON, checked by the envelope.
                let o = QueryOptions::for_key(key, hash, inner.defaults());
                count += u32::from(take(&inner, &o, Some(restored), t)?);
            }
            // The clock is a host call: read once a chunk, not once a query.
            t = now();
            if t - slice_start > SLICE_MS {
                finish(&inner, count);
                yield_to_host().await;
                slice_start = now();
                t = slice_start;
            }
        }
        finish(&inner, count);
        Ok(JsValue::from(count))
    })
}
