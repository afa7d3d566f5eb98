//! [`StorageObject`]: the client's L2, a JS object implementing the storage protocol:
//! `get(key)`, `set(key, value, ttlSeconds)`, `delete(key)`, and optionally `getMany`,
//! `setMany`, `deleteMany`, `keys(prefix)` and `deletePrefix(prefix, signal)`. Methods may
//! return promises or plain values, and are looked up at each call.
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

use js_sys::{Array, Float64Array, Function, Promise, Reflect};
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

/// Aborts its controller when dropped while it still holds one: a storage call whose
/// future is dropped (given up on at `storageTimeout`) hears of it through the signal,
/// as a JS promise cannot be dropped.
struct AbortOnDrop(Option<web_sys::AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = self.0.take() {
            controller.abort();
        }
    }
}

/// A version as two JS numbers (`undefined` for none).
fn version_args(version: Option<Version>) -> (JsValue, JsValue) {
    match version {
        Some(v) => (JsValue::from(v.at), JsValue::from(v.rev)),
        None => (JsValue::UNDEFINED, JsValue::UNDEFINED),
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

/// The keys of `ops`, and their values (`undefined` for a delete: a hole).
fn keys_and_values(ops: &[WriteOp]) -> (Array, Array) {
    let keys = ops.iter().map(|op| match op {
        WriteOp::Put { key, .. } | WriteOp::Delete { key } => Some(key.as_str()),
    });
    let values = Array::new_with_length(ops.len() as u32);
    for (i, op) in ops.iter().enumerate() {
        if let WriteOp::Put { value, .. } = op {
            values.set(i as u32, value.clone());
        }
    }
    (js_strings(keys), values)
}

#[wasm_bindgen(module = "/js/storage_entries.js")]
extern "C" {
    /// The `{ key, value, ttl }` entries of a batch's puts, for `setMany`.
    #[wasm_bindgen(js_name = putEntries)]
    fn put_entries(keys: &Array, values: &Array, ttls: &Float64Array) -> Array;
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

    /// Calls `f` on the object and returns its result as a promise (a throw is an `Err`).
    fn invoke(&self, f: &Function, args: &[&JsValue]) -> Result<Promise, JsValue> {
        let ret = f.apply(&self.object, &args.iter().copied().collect::<Array>())?;
        Ok(crate::bindings::promise::settle(&ret)) // never a user `then`, never a throw
    }

    /// Calls method `name`; a missing method is an `Err` naming it.
    fn call(&self, name: &'static str, args: &[&JsValue]) -> Result<Promise, JsValue> {
        let f = self.method(name).ok_or_else(|| {
            js_sys::Error::new(&format!("the storage object has no {name} method"))
        })?;
        self.invoke(&f, args)
    }

    pub async fn get(&self, key: &str) -> Result<JsValue, JsValue> {
        JsFuture::from(self.call("get", &[&JsValue::from_str(key)])?).await
    }

    /// One `getMany(keys)` call when the object has it (an array of values in the
    /// order of the keys), else one `get` per key, all at once.
    pub async fn get_many(&self, keys: &[String]) -> Result<Array, JsValue> {
        let names: Array = keys.iter().map(|k| JsValue::from_str(k)).collect();
        let values = match self.method("getMany") {
            Some(f) => JsFuture::from(self.invoke(&f, &[&names])?).await?,
            None => {
                let gets = names
                    .iter()
                    .map(|k| self.call("get", &[&k]).map(JsValue::from))
                    .collect::<Result<Array, JsValue>>()?;
                JsFuture::from(Promise::all(&gets)).await?
            }
        };
        match values.dyn_into::<Array>() {
            Ok(values) if values.length() as usize == keys.len() => Ok(values),
            _ => Err(js_sys::TypeError::new(
                "storage getMany(keys) must return an array with one value per key",
            )
            .into()),
        }
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
    pub async fn write(
        &self,
        ops: &[WriteOp],
        raised: Option<(&str, Version)>,
    ) -> Result<(), JsValue> {
        if let Some(f) = self.method("__writeBatch") {
            let (keys, values) = keys_and_values(ops);
            let prefix = raised.map_or(JsValue::UNDEFINED, |(p, _)| JsValue::from_str(p));
            let (at, rev) = version_args(raised.map(|(_, v)| v));
            let args = [&keys.into(), &values.into(), &prefix, &at, &rev];
            return JsFuture::from(self.invoke(&f, &args)?).await.map(|_| ());
        }
        let (set_many, delete_many) = (self.method("setMany"), self.method("deleteMany"));
        // The keys and values cross as two string batches, not one string each.
        let (keys, values) = keys_and_values(ops);
        let entries = match set_many {
            Some(_) => {
                // No expiry crosses as NaN: `putEntries` makes it an undefined `ttl`.
                let ttls: Vec<f64> = ops
                    .iter()
                    .map(|op| match op {
                        WriteOp::Put { ttl_seconds, .. } => ttl_seconds.unwrap_or(f64::NAN),
                        WriteOp::Delete { .. } => f64::NAN,
                    })
                    .collect();
                put_entries(&keys, &values, &Float64Array::from(ttls.as_slice()))
            }
            None => Array::new(),
        };
        let (deleted, calls) = (Array::new(), Array::new());
        for (i, op) in ops.iter().enumerate() {
            let key = keys.get(i as u32);
            match op {
                WriteOp::Put { ttl_seconds, .. } if set_many.is_none() => {
                    let ttl = ttl_seconds.map_or(JsValue::UNDEFINED, JsValue::from);
                    let value = values.get(i as u32);
                    calls.push(&self.call("set", &[&key, &value, &ttl])?.into());
                }
                WriteOp::Put { .. } => {}
                WriteOp::Delete { .. } if delete_many.is_some() => {
                    deleted.push(&key);
                }
                WriteOp::Delete { .. } => {
                    calls.push(&self.call("delete", &[&key])?.into());
                }
            }
        }
        for (f, list) in [(set_many, entries), (delete_many, deleted)] {
            if let Some(f) = f.filter(|_| list.length() > 0) {
                calls.push(&self.invoke(&f, &[&list])?.into());
            }
        }
        JsFuture::from(Promise::all(&calls)).await.map(|_| ())
    }

    /// Deletes every key starting with `prefix`: one `deletePrefix(prefix, signal)` call
    /// when the object has it (the signal aborts if the client stops waiting), else its keys listed, then deleted in one batch.
    pub async fn delete_prefix(&self, prefix: &str) -> Result<(), JsValue> {
        if let Some(f) = self.method("deletePrefix") {
            // A walk given up on (dropped at `storageTimeout`) is told to stop.
            let mut stop = AbortOnDrop(web_sys::AbortController::new().ok());
            let signal = stop
                .0
                .as_ref()
                .map_or(JsValue::UNDEFINED, |c| c.signal().into());
            let call = self.invoke(&f, &[&JsValue::from_str(prefix), &signal])?;
            let done = JsFuture::from(call).await;
            stop.0 = None; // finished: nothing to stop
            return done.map(|_| ());
        }
        let Some(keys) = self.keys(prefix).await? else {
            return Err(js_sys::Error::new("the storage object has no keys(prefix) method, so its entries cannot be listed and removed").into());
        };
        let ops: Vec<WriteOp> = keys
            .into_iter()
            .map(|key| WriteOp::Delete { key })
            .collect();
        self.write(&ops, None).await
    }

    /// Keys starting with `prefix`; `None` when the object cannot list them.
    pub async fn keys(&self, prefix: &str) -> Result<Option<Vec<String>>, JsValue> {
        if self.method("keys").is_none() {
            return Ok(None);
        }
        let list = JsFuture::from(self.call("keys", &[&JsValue::from_str(prefix)])?).await?;
        let Some(list) = list.dyn_ref::<Array>() else {
            return Err(js_sys::TypeError::new(
                "storage keys(prefix) must return an array of strings",
            )
            .into());
        };
        Ok(Some(
            list.iter()
                .filter_map(|k| k.as_string())
                .filter(|k| k.starts_with(prefix))
                .collect(),
        ))
    }

    /// Every entry whose key starts with `prefix`: its keys and, in the same order, its
    /// raw values (the bulk restore). IndexedDB reads both in one transaction; the others
    /// list their keys, then read them in one batch. `None` when the storage cannot list its keys.
    pub async fn entries(&self, prefix: &str) -> Result<Option<Listed>, JsValue> {
        if let Some(f) = self.method("__entries") {
            let pair = JsFuture::from(self.invoke(&f, &[&JsValue::from_str(prefix)])?).await?;
            let pair: Array = pair.dyn_into()?;
            let js_keys: Array = pair.get(0).dyn_into()?;
            let keys = js_keys
                .iter()
                .map(|k| k.as_string().unwrap_or_default())
                .collect();
            return Ok(Some(Listed {
                keys,
                js_keys,
                values: pair.get(1).dyn_into()?,
            }));
        }
        let Some(keys) = self.keys(prefix).await? else {
            return Ok(None);
        };
        let values = self.get_many(&keys).await?;
        Ok(Some(Listed::of(keys, values)))
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
    pub async fn write_in_order(
        &self,
        ops: &[WriteOp],
        ordered: &Ordered<'_>,
    ) -> Result<(), JsValue> {
        let Some(f) = self.method("__writeInOrder") else {
            return self.write(ops, None).await;
        };
        if ordered.order.len() != ops.len() {
            return self.write(ops, None).await; // not a batch of ours: as it is
        }
        let (keys, values) = keys_and_values(ops);
        let codes: Vec<f64> = ordered.order.iter().flat_map(|o| o.encode()).collect();
        let codes: JsValue = Float64Array::from(codes.as_slice()).into();
        let args = [
            &keys.into(),
            &values.into(),
            &codes,
            &JsValue::from_str(ordered.prefix),
            &JsValue::from_str(ordered.buster),
            &JsValue::from(ordered.now),
        ];
        JsFuture::from(self.invoke(&f, &args)?).await.map(|_| ())
    }

    /// Deletes the entries of namespace `prefix` (`${keyPrefix}:`) for a clear made at
    /// `at`; where the storage can, data written before `at` is refused afterwards (it
    /// was under way).
    pub async fn clear_in_order(&self, prefix: &str, at: f64) -> Result<(), JsValue> {
        match self.method("__clearInOrder") {
            Some(f) => JsFuture::from(self.invoke(&f, &[&JsValue::from_str(prefix), &at.into()])?)
                .await
                .map(|_| ()),
            None => self.delete_prefix(&entries_under(prefix)).await,
        }
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
    pub async fn write_at_unload(
        &self,
        prefix: &str,
        cleared_at: Option<f64>,
        ops: &[WriteOp],
        greatest: Option<Version>,
    ) -> Result<(), JsValue> {
        let Some(f) = self.method("__writeAtUnload") else {
            return Ok(());
        };
        let (keys, values) = keys_and_values(ops);
        let cleared = cleared_at.map_or(JsValue::UNDEFINED, JsValue::from);
        let (at, rev) = version_args(greatest);
        let args = [
            &JsValue::from_str(prefix),
            &cleared,
            &keys.into(),
            &values.into(),
            &at,
            &rev,
        ];
        JsFuture::from(self.invoke(&f, &args)?).await.map(|_| ())
    }
}
