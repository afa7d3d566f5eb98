//! `MemoryStorage`: L2 in a plain map, for hosts without persistent storage and for
//! tests. It honours TTLs like a remote store would.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::{register, storage_class, Backend, StorageBackend, WriteOp};

/// Entries by key: the value and when it expires (ms since the epoch).
#[derive(Default)]
pub struct Memory {
    entries: RefCell<HashMap<String, (String, Option<f64>)>>,
}

impl Memory {
    fn get_now(&self, key: &str) -> Option<String> {
        let mut entries = self.entries.borrow_mut();
        let expired = matches!(entries.get(key), Some((_, Some(at))) if js_sys::Date::now() >= *at);
        if expired {
            entries.remove(key);
        }
        entries.get(key).map(|(v, _)| v.clone())
    }

    fn apply(&self, ops: &[WriteOp]) {
        let mut entries = self.entries.borrow_mut();
        for op in ops {
            match op {
                WriteOp::Put {
                    key,
                    value,
                    ttl_seconds,
                } => {
                    let expires = ttl_seconds.map(|s| js_sys::Date::now() + s * 1000.0);
                    entries.insert(key.clone(), (value.clone(), expires));
                }
                WriteOp::Delete { key } => {
                    entries.remove(key);
                }
            }
        }
    }

    fn keys_now(&self, prefix: &str) -> Vec<String> {
        self.entries
            .borrow()
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect()
    }
}

impl StorageBackend for Memory {
    async fn get(&self, key: &str) -> Result<JsValue, JsValue> {
        Ok(self
            .get_now(key)
            .map(JsValue::from)
            .unwrap_or(JsValue::UNDEFINED))
    }
    async fn get_many(&self, keys: &[String]) -> Result<js_sys::Array, JsValue> {
        Ok(keys
            .iter()
            .map(|k| {
                self.get_now(k)
                    .map(JsValue::from)
                    .unwrap_or(JsValue::UNDEFINED)
            })
            .collect())
    }
    async fn write(&self, ops: &[WriteOp]) -> Result<(), JsValue> {
        self.apply(ops);
        Ok(())
    }
    async fn delete_prefix(&self, prefix: &str) -> Result<(), JsValue> {
        self.entries
            .borrow_mut()
            .retain(|k, _| !k.starts_with(prefix));
        Ok(())
    }
    async fn keys(&self, prefix: &str) -> Result<Option<Vec<String>>, JsValue> {
        Ok(Some(self.keys_now(prefix)))
    }
}

/// L2 in memory: `new MemoryStorage()`. Also usable directly through the storage
/// protocol (`get`, `set`, `delete`, `keys`).
#[wasm_bindgen]
pub struct MemoryStorage {
    backend: Rc<Backend>,
    handle: u32,
}

#[wasm_bindgen]
impl MemoryStorage {
    #[wasm_bindgen(constructor)]
    pub fn new() -> MemoryStorage {
        let backend = Rc::new(Backend::Memory(Memory::default()));
        let handle = register(&backend);
        MemoryStorage { backend, handle }
    }

    fn memory(&self) -> Option<&Memory> {
        match &*self.backend {
            Backend::Memory(m) => Some(m),
            _ => None,
        }
    }

    /// How many entries it holds.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        self.memory()
            .map(|m| m.entries.borrow().len() as u32)
            .unwrap_or(0)
    }
}

impl Default for MemoryStorage {
    fn default() -> Self {
        Self::new()
    }
}

storage_class!(MemoryStorage);
