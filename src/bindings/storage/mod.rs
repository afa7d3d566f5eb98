//! L2 storage backends behind one trait: IndexedDB ([`indexeddb`]), memory
//! ([`memory`]) and any JS object with `get`/`set`/`delete` ([`js_object`]).
//!
//! The client holds a [`Backend`]. The built-in backends are also exported JS
//! classes; when one is passed as the `storage` option, the client finds the Rust
//! backend behind it through a handle (`__stackqueryBackend`) rather than calling it
//! through JS.

pub mod indexeddb;
pub mod js_object;
pub mod memory;
pub mod remote;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::JsValue;

use super::convert::describe;
use super::errors::type_error;
use crate::core::persist::namespace::entries_under;
use crate::core::persist::order::{State, Version};

/// One change to L2, as a batch carries it.
#[derive(Clone)]
pub enum WriteOp {
    Put {
        key: String,
        value: String,
        ttl_seconds: Option<f64>,
    },
    Delete {
        key: String,
    },
}

/// Where an op of a client's batch stands in the order tabs agree on
/// ([`crate::core::persist::order`]). A backend that can read and write in one atomic
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

/// The context of an ordered batch: the client's namespace (`${keyPrefix}:`), its
/// buster and the time, for judging what is stored as a reader would.
pub struct Ordered<'a> {
    pub prefix: &'a str,
    pub buster: &'a str,
    pub now: f64,
    /// One per op of the batch.
    pub order: &'a [Order],
}

/// What every backend does. Values are the envelope strings; `get` returns the raw
/// stored value (anything not a string is garbage, judged by the caller).
#[allow(async_fn_in_trait)]
pub trait StorageBackend {
    async fn get(&self, key: &str) -> Result<JsValue, JsValue>;
    /// Reads many keys at once (one transaction, one `MGET`, one `getMany` where the
    /// backend allows): the raw stored values, in the order of `keys`.
    async fn get_many(&self, keys: &[String]) -> Result<Array, JsValue>;
    /// Writes a batch: in one call or transaction where the backend allows.
    async fn write(&self, ops: &[WriteOp]) -> Result<(), JsValue>;
    /// Deletes every key starting with `prefix`.
    async fn delete_prefix(&self, prefix: &str) -> Result<(), JsValue>;
    /// Keys starting with `prefix` (for quota eviction); `None` when unsupported.
    async fn keys(&self, prefix: &str) -> Result<Option<Vec<String>>, JsValue>;
}

/// The storage a client uses.
pub enum Backend {
    IndexedDb(indexeddb::IndexedDb),
    Memory(memory::Memory),
    Remote(remote::Remote),
    Js(js_object::JsObject),
}

impl Backend {
    /// Whether the storage can list its keys; one that cannot gets a namespace index
    /// kept by the client, so that `clear()` can still find every entry.
    pub fn lists_keys(&self) -> bool {
        match self {
            Backend::Js(b) => b.lists_keys(),
            _ => true,
        }
    }
}

impl StorageBackend for Backend {
    async fn get(&self, key: &str) -> Result<JsValue, JsValue> {
        match self {
            Backend::IndexedDb(b) => b.get(key).await,
            Backend::Memory(b) => b.get(key).await,
            Backend::Remote(b) => b.get(key).await,
            Backend::Js(b) => b.get(key).await,
        }
    }
    async fn get_many(&self, keys: &[String]) -> Result<Array, JsValue> {
        match self {
            Backend::IndexedDb(b) => b.get_many(keys).await,
            Backend::Memory(b) => b.get_many(keys).await,
            Backend::Remote(b) => b.get_many(keys).await,
            Backend::Js(b) => b.get_many(keys).await,
        }
    }
    async fn write(&self, ops: &[WriteOp]) -> Result<(), JsValue> {
        match self {
            Backend::IndexedDb(b) => b.write(ops).await,
            Backend::Memory(b) => b.write(ops).await,
            Backend::Remote(b) => b.write(ops).await,
            Backend::Js(b) => b.write(ops).await,
        }
    }
    async fn delete_prefix(&self, prefix: &str) -> Result<(), JsValue> {
        match self {
            Backend::IndexedDb(b) => b.delete_prefix(prefix).await,
            Backend::Memory(b) => b.delete_prefix(prefix).await,
            Backend::Remote(b) => b.delete_prefix(prefix).await,
            Backend::Js(b) => b.delete_prefix(prefix).await,
        }
    }
    async fn keys(&self, prefix: &str) -> Result<Option<Vec<String>>, JsValue> {
        match self {
            Backend::IndexedDb(b) => b.keys(prefix).await,
            Backend::Memory(b) => b.keys(prefix).await,
            Backend::Remote(b) => b.keys(prefix).await,
            Backend::Js(b) => b.keys(prefix).await,
        }
    }
}

impl Backend {
    /// Every entry whose key starts with `prefix`: its keys and, in the same order, its
    /// raw values (the bulk restore). IndexedDB reads both in one transaction; the
    /// others list their keys, then read them in one batch. `None` when the storage
    /// cannot list its keys.
    pub async fn entries(&self, prefix: &str) -> Result<Option<(Vec<String>, Array)>, JsValue> {
        if let Backend::IndexedDb(b) = self {
            return b.entries(prefix).await.map(Some);
        }
        let Some(keys) = self.keys(prefix).await? else {
            return Ok(None);
        };
        let values = self.get_many(&keys).await?;
        Ok(Some((keys, values)))
    }

    /// Whether writes are applied in the order tabs agree on ([`Order`]).
    pub fn is_ordered(&self) -> bool {
        matches!(self, Backend::IndexedDb(_))
    }

    /// [`StorageBackend::write`], each op as its [`Order`] allows where the backend can.
    pub async fn write_in_order(
        &self,
        ops: &[WriteOp],
        ordered: &Ordered<'_>,
    ) -> Result<(), JsValue> {
        match self {
            Backend::IndexedDb(b) => b.write_in_order(ops, ordered).await,
            _ => self.write(ops).await,
        }
    }

    /// Deletes the entries of namespace `prefix` (`${keyPrefix}:`) for a clear made at
    /// `at`; where the backend can, data written before `at` is refused afterwards (it
    /// was under way).
    pub async fn clear_in_order(&self, prefix: &str, at: f64) -> Result<(), JsValue> {
        match self {
            Backend::IndexedDb(b) => b.clear_in_order(prefix, at).await,
            _ => self.delete_prefix(&entries_under(prefix)).await,
        }
    }
}

thread_local! {
    /// Built-in backends exported to JS, by handle.
    static REGISTRY: RefCell<Vec<Weak<Backend>>> = const { RefCell::new(Vec::new()) };
}

/// Registers a built-in backend; its JS class exposes the handle.
pub fn register(backend: &Rc<Backend>) -> u32 {
    REGISTRY.with(|r| {
        let mut r = r.borrow_mut();
        r.push(Rc::downgrade(backend));
        (r.len() - 1) as u32
    })
}

const HANDLE: &str = "__stackqueryBackend";

/// The `storage` option: a built-in backend, or any object with get/set/delete.
pub fn read_storage(value: &JsValue) -> Result<Option<Rc<Backend>>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if value.is_object() {
        if let Some(handle) = Reflect::get(value, &JsValue::from_str(HANDLE))?.as_f64() {
            let found = REGISTRY.with(|r| r.borrow().get(handle as usize).and_then(Weak::upgrade));
            if let Some(backend) = found {
                return Ok(Some(backend));
            }
        }
        let has =
            |name: &str| Reflect::get(value, &JsValue::from_str(name)).map(|f| f.is_function());
        if has("get")? && has("set")? && has("delete")? {
            return Ok(Some(Rc::new(Backend::Js(js_object::JsObject::new(
                value.clone(),
            )))));
        }
    }
    Err(type_error(format!(
        "storage must be an IndexedDbStorage, a MemoryStorage or an object with get(key), set(key, value, ttlSeconds) and delete(key) methods, got {}",
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

/// The exported methods every built-in storage class shares: the backend handle and
/// the storage protocol, on the same code path the client uses.
macro_rules! storage_class {
    ($class:ident) => {
        #[wasm_bindgen::prelude::wasm_bindgen]
        impl $class {
            #[wasm_bindgen(getter, js_name = __stackqueryBackend)]
            pub fn handle(&self) -> u32 {
                self.handle
            }

            pub fn get(&self, key: String) -> js_sys::Promise {
                $crate::bindings::storage::protocol::get(&self.backend, key)
            }

            pub fn set(
                &self,
                key: String,
                value: String,
                ttl_seconds: Option<f64>,
            ) -> js_sys::Promise {
                $crate::bindings::storage::protocol::set(&self.backend, key, value, ttl_seconds)
            }

            pub fn delete(&self, key: String) -> js_sys::Promise {
                $crate::bindings::storage::protocol::delete(&self.backend, key)
            }

            /// Keys starting with `prefix` (all keys without one).
            pub fn keys(&self, prefix: Option<String>) -> js_sys::Promise {
                $crate::bindings::storage::protocol::keys(&self.backend, prefix)
            }
        }
    };
}
pub(crate) use storage_class;

/// The storage protocol (`get`, `set`, `delete`, `keys`) on a built-in backend.
pub mod protocol {
    use super::*;

    pub fn get(backend: &Rc<Backend>, key: String) -> Promise {
        let b = backend.clone();
        crate::bindings::promise::from_future(async move {
            let v = b.get(&key).await?;
            Ok(if v.is_undefined() { JsValue::NULL } else { v })
        })
    }

    pub fn set(
        backend: &Rc<Backend>,
        key: String,
        value: String,
        ttl_seconds: Option<f64>,
    ) -> Promise {
        let b = backend.clone();
        crate::bindings::promise::from_future(async move {
            b.write(&[WriteOp::Put {
                key,
                value,
                ttl_seconds,
            }])
            .await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    pub fn delete(backend: &Rc<Backend>, key: String) -> Promise {
        let b = backend.clone();
        crate::bindings::promise::from_future(async move {
            b.write(&[WriteOp::Delete { key }]).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    pub fn keys(backend: &Rc<Backend>, prefix: Option<String>) -> Promise {
        let b = backend.clone();
        crate::bindings::promise::from_future(async move {
            let keys = b
                .keys(prefix.as_deref().unwrap_or(""))
                .await?
                .unwrap_or_default();
            Ok(keys
                .into_iter()
                .map(JsValue::from)
                .collect::<Array>()
                .into())
        })
    }
}
