//! [`StorageObject`]: the client's L2, a JS object implementing the storage protocol:
//! `get(key)`, `set(key, value, ttlSeconds)`, `delete(key)`, and optionally `getMany`,
//! `setMany`, `deleteMany`, `keys(prefix)` and `deletePrefix(prefix, signal)`. Methods may
//! return promises or plain values, and are looked up at each call. The object is user
//! code, so `js/storage_calls.js` calls it: each storage operation here is one call
//! there, a promise (which a throw, a missing method or a malformed answer rejects), and
//! the batches cross as arrays of keys and values. [`bounded`] awaits one, given up on
//! after `storageTimeout` (a JS timer there).
//!
//! The built-in `IndexedDbStorage` (js/face/storage/) also has the methods that write a
//! batch in the order tabs agree on; their names start with `__` (no user object is
//! asked for them by accident):
//! - `__writeBatch(keys, values, prefix, at, rev)`: a batch in one transaction
//!   (`values[i]` undefined for a delete) of a tab writing alone, whose newest version
//!   (`at`, `rev`; undefined for none) the store counts in namespace `prefix`'s greatest;
//! - `__sharedName`: `database/store`, what tabs sharing the storage have in common;
//! - `__writeInOrder(keys, values, orders, prefix, buster, now)`: a batch, each op
//!   applied only where it does not lose to what is stored (`values[i]` undefined for a
//!   delete; four numbers per op in `orders`, [`Order::encode`](super::write_op::Order::encode));
//! - `__clearInOrder(prefix, at)`: the namespace's entries deleted, and data from before
//!   `at` refused from then on;
//! - `__entries(prefix)`: `[keys, values]` of every entry under `prefix`, one transaction;
//! - `__abandonOrdered(prefix)`: aborts the namespace's ordered batches under way (a page
//!   closing); `true` when there was one;
//! - `__writeAtUnload(prefix, clearedAt, keys, values, at, rev)`: what a closing page
//!   still has to write, in one transaction without the order's reads (`at`, `rev`: as
//!   for `__writeBatch`).

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::write_op::{Ordered, WriteOp};
use crate::bindings::convert::js_name;
use crate::bindings::string_batch::js_strings;
use crate::core::persist::namespace::entries_under;
use crate::core::persist::order::Version;

pub struct StorageObject {
    object: JsValue,
}

// Numbers cross as views of wasm memory (`&[f64]`), which storage_calls.js copies before
// any user code runs: a storage method that calls the client may grow that memory, and a
// view of it is empty from then on.
#[wasm_bindgen(module = "/js/storage_calls.js")]
extern "C" {
    #[wasm_bindgen(js_name = storageGet)]
    fn storage_get(object: &JsValue, key: &str) -> Promise;
    #[wasm_bindgen(js_name = storageGetMany)]
    fn storage_get_many(object: &JsValue, keys: &Array) -> Promise;
    #[wasm_bindgen(js_name = storageWrite)]
    fn storage_write(
        object: &JsValue,
        keys: &Array,
        values: &Array,
        ttls: &[f64],
        prefix: Option<&str>,
        at: Option<f64>,
        rev: Option<f64>,
    ) -> Promise;
    #[wasm_bindgen(js_name = storageKeys)]
    fn storage_keys(object: &JsValue, prefix: &str) -> Promise;
    #[wasm_bindgen(js_name = storageDeletePrefix)]
    fn storage_delete_prefix(object: &JsValue, prefix: &str, signal: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = storageEntries)]
    fn storage_entries(object: &JsValue, prefix: &str) -> Promise;
    #[wasm_bindgen(js_name = storageWriteInOrder)]
    fn storage_write_in_order(
        object: &JsValue,
        keys: &Array,
        values: &Array,
        ttls: &[f64],
        orders: &[f64],
        prefix: &str,
        buster: &str,
        now: f64,
    ) -> Promise;
    #[wasm_bindgen(js_name = storageClearInOrder)]
    fn storage_clear_in_order(
        object: &JsValue,
        prefix: &str,
        at: f64,
        entries_prefix: &str,
        signal: &JsValue,
    ) -> Promise;
    #[wasm_bindgen(js_name = storageGetEach)]
    fn storage_get_each(object: &JsValue, keys: &Array, signal: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = storageBounded)]
    fn storage_bounded(
        call: &Promise,
        ms: f64,
        operation: &str,
        controller: Option<&web_sys::AbortController>,
        shown_ms: f64,
    ) -> Promise;
    #[wasm_bindgen(js_name = isStorageTimeout)]
    fn is_storage_timeout(error: &JsValue) -> bool;
    #[wasm_bindgen(js_name = storageWriteAtUnload)]
    fn storage_write_at_unload(
        object: &JsValue,
        prefix: &str,
        cleared_at: Option<f64>,
        keys: &Array,
        values: &Array,
        at: Option<f64>,
        rev: Option<f64>,
    ) -> Promise;
}

/// `call`, given up on after `ms` (`storageTimeout`; not finite: never) with a
/// TimeoutError naming `operation` ([`is_timeout`]).
pub fn bounded(call: &Promise, ms: f64, operation: &str) -> JsFuture {
    bounded_within(call, ms, ms, operation)
}

/// [`bounded`] for a call that has only `left` ms of a `storageTimeout` of `ms` (what the
/// TimeoutError says): one of several bounded as a whole.
pub fn bounded_within(call: &Promise, left: f64, ms: f64, operation: &str) -> JsFuture {
    JsFuture::from(storage_bounded(call, left, operation, None, ms))
}

/// Whether `error` is [`bounded`]'s: the call was given up on and may still settle.
pub fn is_timeout(error: &JsValue) -> bool {
    is_storage_timeout(error)
}

/// An `AbortSignal` for a call that takes one, aborted when [`Abortable::bounded`] gives
/// the call up.
struct Abortable {
    controller: Option<web_sys::AbortController>,
    signal: JsValue,
}

impl Abortable {
    fn new() -> Abortable {
        let controller = web_sys::AbortController::new().ok();
        let signal = controller
            .as_ref()
            .map_or(JsValue::UNDEFINED, |c| c.signal().into());
        Abortable { controller, signal }
    }

    /// `call` (made with this signal), bounded as [`bounded`] is.
    fn bounded(&self, call: &Promise, ms: f64, operation: &str) -> JsFuture {
        JsFuture::from(storage_bounded(
            call,
            ms,
            operation,
            self.controller.as_ref(),
            ms,
        ))
    }
}

/// Entries listed and read in one pass: their storage keys (copied into wasm) and raw
/// values, in the same order, and the keys as JS strings too, so that the quick read
/// and a key's parse need no copy back out.
pub struct Listed {
    pub keys: Vec<String>,
    pub js_keys: Array,
    pub values: Array,
}

impl Listed {
    /// Keys read from the storage as Rust strings, with their values.
    pub fn of(keys: Vec<String>, values: Array) -> Listed {
        let js_keys = js_strings(keys.iter().map(|k| Some(k.as_str())));
        Listed {
            keys,
            js_keys,
            values,
        }
    }
}

/// The keys of `ops`, their values (`undefined` for a delete: a hole) and their expiries
/// in seconds (NaN for none).
fn batch_of(ops: &[WriteOp]) -> (Array, Array, Vec<f64>) {
    let keys = ops.iter().map(|op| match op {
        WriteOp::Put { key, .. } | WriteOp::Delete { key } => Some(key.as_str()),
    });
    let values = Array::new_with_length(ops.len() as u32);
    let mut ttls = Vec::with_capacity(ops.len());
    for (i, op) in ops.iter().enumerate() {
        let ttl = match op {
            WriteOp::Put {
                value, ttl_seconds, ..
            } => {
                values.set(i as u32, value.clone());
                ttl_seconds.unwrap_or(f64::NAN)
            }
            WriteOp::Delete { .. } => f64::NAN,
        };
        ttls.push(ttl);
    }
    (js_strings(keys), values, ttls)
}

/// A JS array of strings (a storage's listed keys) as Rust strings; a non-string as "".
fn rust_strings(keys: &Array) -> Vec<String> {
    keys.iter()
        .map(|k| k.as_string().unwrap_or_default())
        .collect()
}

impl StorageObject {
    pub fn new(object: JsValue) -> StorageObject {
        StorageObject { object }
    }

    fn method(&self, name: &'static str) -> Option<Function> {
        Reflect::get(&self.object, &js_name(name))
            .ok()?
            .dyn_into::<Function>()
            .ok()
    }

    /// Whether the object has a `keys(prefix)` method: one that has none gets a
    /// namespace index kept by the client, so that `clear()` can still find every entry.
    pub fn lists_keys(&self) -> bool {
        self.method("keys").is_some()
    }

    pub fn get(&self, key: &str) -> Promise {
        storage_get(&self.object, key)
    }

    /// One `getMany(keys)` call when the object has it (an array of values in the
    /// order of the keys), else one `get` per key, all at once: an `Array`.
    pub fn get_many(&self, keys: &[String]) -> Promise {
        let names = js_strings(keys.iter().map(|k| Some(k.as_str())));
        storage_get_many(&self.object, &names)
    }

    /// Each key's value (`null` where its `get` failed), read one after another, bounded
    /// as a whole: no `get` is made once it was given up on.
    pub fn get_each(&self, keys: &[String], ms: f64) -> JsFuture {
        let names = js_strings(keys.iter().map(|k| Some(k.as_str())));
        let stop = Abortable::new();
        stop.bounded(
            &storage_get_each(&self.object, &names, &stop.signal),
            ms,
            "get",
        )
    }

    /// One `setMany` / `deleteMany` call when the object has them, else one `set` /
    /// `delete` per op, all at once; the built-in IndexedDB store takes the whole batch
    /// in one call (`__writeBatch`: one transaction). Each key and value becomes a JS
    /// string once.
    ///
    /// `raised`, for a batch of a tab writing alone (no reads first, see
    /// `Persister::is_ordered`): its namespace and the newest version it writes, which
    /// `__writeBatch` counts in the namespace's greatest. The order's fast path takes that
    /// for the newest of anything stored there, so what a tab wrote alone must count in
    /// it, or another tab's older data could later be written over it unread.
    pub fn write(&self, ops: &[WriteOp], raised: Option<(&str, Version)>) -> Promise {
        let (keys, values, ttls) = batch_of(ops);
        let version = raised.map(|(_, v)| v);
        storage_write(
            &self.object,
            &keys,
            &values,
            &ttls,
            raised.map(|(p, _)| p),
            version.map(|v| v.at),
            version.map(|v| v.rev),
        )
    }

    /// Deletes every key starting with `prefix`, bounded by `ms` as a `clear`: one
    /// `deletePrefix(prefix, signal)` call when the object has it (the signal aborts if
    /// the client stops waiting), else its keys listed, then deleted in one batch.
    pub fn delete_prefix(&self, prefix: &str, ms: f64) -> JsFuture {
        let stop = Abortable::new();
        let call = storage_delete_prefix(&self.object, prefix, &stop.signal);
        stop.bounded(&call, ms, "clear")
    }

    /// Keys starting with `prefix` (see [`listed_keys`]), `undefined` when the object
    /// cannot list them.
    pub fn keys(&self, prefix: &str) -> Promise {
        storage_keys(&self.object, prefix)
    }

    /// Every entry whose key starts with `prefix`: its keys and, in the same order, its
    /// raw values (the bulk restore; see [`listed_entries`]). IndexedDB reads both in one
    /// transaction; the others list their keys, then read them in one batch. `undefined`
    /// when the storage cannot list its keys.
    pub fn entries(&self, prefix: &str) -> Promise {
        storage_entries(&self.object, prefix)
    }

    /// What tabs sharing this storage have in common (`database/store`), where it is
    /// shared by tabs (IndexedDB).
    pub fn shared_name(&self) -> Option<String> {
        Reflect::get(&self.object, &js_name("__sharedName"))
            .ok()?
            .as_string()
    }

    /// Whether writes can be applied in the order tabs agree on.
    pub fn is_ordered(&self) -> bool {
        self.method("__writeInOrder").is_some()
    }

    /// [`StorageObject::write`], each op as its [`super::Order`] allows where the
    /// storage can.
    pub fn write_in_order(&self, ops: &[WriteOp], ordered: &Ordered<'_>) -> Promise {
        if ordered.order.len() != ops.len() {
            return self.write(ops, None); // not a batch of ours: as it is
        }
        let (keys, values, ttls) = batch_of(ops);
        let codes: Vec<f64> = ordered.order.iter().flat_map(|o| o.encode()).collect();
        storage_write_in_order(
            &self.object,
            &keys,
            &values,
            &ttls,
            &codes,
            ordered.prefix,
            ordered.buster,
            ordered.now,
        )
    }

    /// Deletes the entries of namespace `prefix` (`${keyPrefix}:`) for a clear made at
    /// `at`; where the storage can, data written before `at` is refused afterwards (it
    /// was under way). Bounded by `ms`, as [`StorageObject::delete_prefix`] is.
    pub fn clear_in_order(&self, prefix: &str, at: f64, ms: f64) -> JsFuture {
        let stop = Abortable::new();
        let call = storage_clear_in_order(
            &self.object,
            prefix,
            at,
            &entries_under(prefix),
            &stop.signal,
        );
        stop.bounded(&call, ms, "clear")
    }

    /// Aborts the ordered batches of namespace `prefix` under way, where the storage
    /// orders its writes; `true` when there was one (its batch then fails).
    pub fn abandon_ordered(&self, prefix: &str) -> bool {
        self.method("__abandonOrdered")
            .and_then(|f| f.call1(&self.object, &JsValue::from_str(prefix)).ok())
            .is_some_and(|r| r.is_truthy())
    }

    /// What a closing page still has to write, where the storage orders its writes
    /// (others write the page's batches as they are): a clear of namespace `prefix`
    /// made at `cleared_at`, then `ops`, in one transaction without the order's reads;
    /// `greatest`, the newest version among them, counts in the namespace's greatest as
    /// a lone tab's batch does ([`StorageObject::write`]).
    pub fn write_at_unload(
        &self,
        prefix: &str,
        cleared_at: Option<f64>,
        ops: &[WriteOp],
        greatest: Option<Version>,
    ) -> Promise {
        let (keys, values, _) = batch_of(ops);
        storage_write_at_unload(
            &self.object,
            prefix,
            cleared_at,
            &keys,
            &values,
            greatest.map(|v| v.at),
            greatest.map(|v| v.rev),
        )
    }
}

/// What [`StorageObject::keys`] settled with, as Rust strings; `None` when the object
/// cannot list its keys.
pub fn listed_keys(list: &JsValue) -> Option<Vec<String>> {
    list.dyn_ref::<Array>().map(rust_strings)
}

/// What [`StorageObject::entries`] settled with; `None` when the storage cannot list
/// its keys.
pub fn listed_entries(pair: &JsValue) -> Option<Listed> {
    let pair = pair.dyn_ref::<Array>()?;
    let js_keys: Array = pair.get(0).unchecked_into();
    Some(Listed {
        keys: rust_strings(&js_keys),
        js_keys,
        values: pair.get(1).unchecked_into(),
    })
}
