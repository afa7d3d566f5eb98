//! Any JS object implementing the storage protocol: `get(key)`, `set(key, value,
//! ttlSeconds)`, `delete(key)`, and optionally `getMany`, `setMany`, `deleteMany`
//! and `keys(prefix)`. Methods may return promises or plain values, and are looked up
//! at each call.

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{StorageBackend, WriteOp};
use crate::bindings::convert::js_name;
use crate::bindings::convert::set_prop;

pub struct JsObject {
    object: JsValue,
}

impl JsObject {
    pub fn new(object: JsValue) -> JsObject {
        JsObject { object }
    }

    fn method(&self, name: &'static str) -> Option<Function> {
        Reflect::get(&self.object, &js_name(name))
            .ok()?
            .dyn_into::<Function>()
            .ok()
    }

    /// Whether the object has a `keys(prefix)` method.
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
}

impl StorageBackend for JsObject {
    async fn get(&self, key: &str) -> Result<JsValue, JsValue> {
        JsFuture::from(self.call("get", &[&JsValue::from_str(key)])?).await
    }

    /// One `getMany(keys)` call when the object has it (an array of values in the
    /// order of the keys), else one `get` per key, all at once.
    async fn get_many(&self, keys: &[String]) -> Result<Array, JsValue> {
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
    /// `delete` per op, all at once. Each key and value becomes a JS string once.
    async fn write(&self, ops: &[WriteOp]) -> Result<(), JsValue> {
        let (set_many, delete_many) = (self.method("setMany"), self.method("deleteMany"));
        let (entries, keys, calls) = (Array::new(), Array::new(), Array::new());
        for op in ops {
            match op {
                WriteOp::Put {
                    key,
                    value,
                    ttl_seconds,
                } => {
                    let (key, value) = (JsValue::from_str(key), JsValue::from_str(value));
                    let ttl = ttl_seconds.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
                    if set_many.is_some() {
                        let entry = Object::new();
                        set_prop(&entry, "key", &key);
                        set_prop(&entry, "value", &value);
                        set_prop(&entry, "ttl", &ttl);
                        entries.push(&entry);
                    } else {
                        calls.push(&self.call("set", &[&key, &value, &ttl])?.into());
                    }
                }
                WriteOp::Delete { key } => {
                    let key = JsValue::from_str(key);
                    if delete_many.is_some() {
                        keys.push(&key);
                    } else {
                        calls.push(&self.call("delete", &[&key])?.into());
                    }
                }
            }
        }
        for (f, list) in [(set_many, entries), (delete_many, keys)] {
            if let Some(f) = f.filter(|_| list.length() > 0) {
                calls.push(&self.invoke(&f, &[&list])?.into());
            }
        }
        JsFuture::from(Promise::all(&calls)).await.map(|_| ())
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<(), JsValue> {
        let Some(keys) = self.keys(prefix).await? else {
            return Err(js_sys::Error::new("the storage object has no keys(prefix) method, so its entries cannot be listed and removed").into());
        };
        let ops: Vec<WriteOp> = keys
            .into_iter()
            .map(|key| WriteOp::Delete { key })
            .collect();
        self.write(&ops).await
    }

    async fn keys(&self, prefix: &str) -> Result<Option<Vec<String>>, JsValue> {
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
}
