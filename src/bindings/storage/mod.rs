//! L2 as the client sees it: one JS object implementing the storage protocol
//! ([`object`]), written to in batches ([`write_op`]). The built-in storages
//! (`IndexedDbStorage`, `RemoteStorage`, `MemoryStorage`) are JavaScript classes of the
//! face (`js/face/storage/`) speaking the same protocol as a user's object, with the
//! batched methods where their store has them and, for IndexedDB, the ordered writes tabs
//! sharing a store need ([`Order`]).
//!
//! Keeping the stores in JavaScript keeps them out of the .wasm: their requests are JS
//! calls either way, and a JS class of a few hundred lines costs a few KB gzip where the
//! same in Rust through web-sys cost about 20 KB.

// The IndexedDB store's judgements: JS calls them, so only leaving the module out leaves
// them out of the L1-only build, which has no IndexedDB store (see `l2_build`).
#[cfg(not(feature = "l1_only"))]
pub mod judge;
pub mod object;
pub mod write_op;

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use super::convert::describe;
use super::errors::type_error;
use crate::core::text::text;

pub use object::StorageObject;
pub use write_op::{greatest, Order, Ordered, WriteOp};

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
    Err(type_error(text(&["storage must be an IndexedDbStorage, a MemoryStorage, a RemoteStorage or an object with get(key), set(key, value, ttlSeconds) and delete(key) methods, got ", &describe(value)])))
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
        _ => Err(type_error(text(&[
            "storage.maxEntryBytes must be a number of at least 1, got ",
            &describe(&declared),
        ]))),
    }
}

/// The name of a JS error (`QuotaExceededError`, `TimeoutError`, …), if it has one.
pub fn error_name(error: &JsValue) -> Option<String> {
    Reflect::get(error, &JsValue::from_str("name"))
        .ok()?
        .as_string()
}
