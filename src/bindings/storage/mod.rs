//! L2 as the client sees it: one JS object implementing the storage protocol
//! ([`object`]). The built-in storages (`IndexedDbStorage`, `RemoteStorage`,
//! `MemoryStorage`) are JavaScript classes of the face (`js/face/storage/`) speaking the
//! same protocol as a user's object, with the batched methods where their store has them
//! and, for IndexedDB, the ordered writes tabs sharing a store need ([`Order`]).
//!
//! Keeping the stores in JavaScript keeps them out of the .wasm: their requests are JS
//! calls either way, and a JS class of a few hundred lines costs a few KB gzip where the
//! same in Rust through web-sys cost about 20 KB.

// The IndexedDB store's judgements: JS calls them, so only leaving the module out leaves
// them out of the L1-only build, which has no IndexedDB store (see `l2_build`).
#[cfg(not(feature = "l1_only"))]
pub mod judge;
pub mod object;

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use super::convert::describe;
use super::errors::type_error;
use crate::core::persist::order::{State, Version};

pub use object::StorageObject;

/// One change to L2, as a batch carries it.
#[derive(Clone)]
pub enum WriteOp {
    Put {
        key: String,
        /// The stored string, a JS string made by the envelope maker.
        value: JsValue,
        /// Its bytes of UTF-8 (where a byte budget counts them).
        bytes: usize,
        ttl_seconds: Option<f64>,
    },
    Delete {
        key: String,
    },
}

/// Where an op of a client's batch stands in the order tabs agree on
/// ([`crate::core::persist::order`]). A storage that can read and write in one atomic
/// step (IndexedDB) applies the op only where it does not lose to what is stored; the
/// others apply it as it is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Order {
    /// A put of data at this state (`State::Data`): only over older data or tombstones.
    Put(State),
    /// A removal at this version: deletes older data and leaves a tombstone that keeps
    /// older data from being written after it.
    Remove(Version),
    /// A delete of an entry found unusable: only while it still is.
    Purge,
}

impl Order {
    /// The four numbers the storage's `__writeInOrder` reads per op: a code, then a
    /// version and a flag. Codes: 0 a put of nothing, 1 a put of data (flag: stored
    /// invalidated), 2 a put of a removal, 3 a removal, 4 a purge.
    pub fn encode(&self) -> [f64; 4] {
        match *self {
            Order::Put(State::Nothing) => [0.0, f64::NAN, f64::NAN, 0.0],
            Order::Put(State::Data {
                version,
                invalidated,
            }) => [
                1.0,
                version.at,
                version.rev,
                f64::from(u8::from(invalidated)),
            ],
            Order::Put(State::Removed { version }) => [2.0, version.at, version.rev, 0.0],
            Order::Remove(version) => [3.0, version.at, version.rev, 0.0],
            Order::Purge => [4.0, 0.0, 0.0, 0.0],
        }
    }

    /// The version the op writes (data, or a removal), if any.
    pub fn version(&self) -> Option<Version> {
        match self {
            Order::Put(state) => state.version(),
            Order::Remove(version) => Some(*version),
            Order::Purge => None,
        }
    }
}

/// The newest version a batch writes, if any: what a tab writing alone tells the store
/// ([`StorageObject::write_alone`]), so that the order's fast path stays sound.
pub fn greatest(order: &[Order]) -> Option<Version> {
    order
        .iter()
        .filter_map(Order::version)
        .max_by(|a, b| a.compare(b))
}

/// The context of an ordered batch: the client's namespace (`${keyPrefix}:`), its
/// buster and the time, for judging what is stored as a reader would.
pub struct Ordered<'a> {
    pub prefix: &'a str,
    pub buster: &'a str,
    pub now: f64,
    /// One per op of the batch.
    pub order: &'a [Order],
}

/// The `storage` option: any object with get/set/delete (the built-in classes are such
/// objects).
pub fn read_storage(value: &JsValue) -> Result<Option<StorageObject>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if value.is_object() {
        let has =
            |name: &str| Reflect::get(value, &JsValue::from_str(name)).map(|f| f.is_function());
        if has("get")? && has("set")? && has("delete")? {
            return Ok(Some(StorageObject::new(value.clone())));
        }
    }
    Err(type_error(format!(
        "storage must be an IndexedDbStorage, a MemoryStorage, a RemoteStorage or an object with get(key), set(key, value, ttlSeconds) and delete(key) methods, got {}",
        describe(value)
    )))
}

/// The largest entry a storage object says it takes (its `maxEntryBytes` property, in
/// UTF-8 bytes), if it says so; a property that is not a number of at least 1 is a
/// `TypeError`.
pub fn declared_max_entry_bytes(storage: &JsValue) -> Result<Option<usize>, JsValue> {
    if !storage.is_object() {
        return Ok(None);
    }
    let declared = Reflect::get(storage, &JsValue::from_str("maxEntryBytes"))?;
    if declared.is_undefined() {
        return Ok(None);
    }
    match declared.as_f64() {
        Some(n) if n >= 1.0 => Ok(Some(n.min(usize::MAX as f64) as usize)),
        _ => Err(type_error(format!(
            "storage.maxEntryBytes must be a number of at least 1, got {}",
            describe(&declared)
        ))),
    }
}

/// The name of a JS error (`QuotaExceededError`, `TimeoutError`, …), if it has one.
pub fn error_name(error: &JsValue) -> Option<String> {
    Reflect::get(error, &JsValue::from_str("name"))
        .ok()?
        .as_string()
}
