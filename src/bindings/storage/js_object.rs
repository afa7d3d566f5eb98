//! Any JS object implementing the storage protocol: `get(key)`, `set(key, value,
//! ttlSeconds)`, `delete(key)`, and optionally `getMany`, `setMany`, `deleteMany`
//! and `keys(prefix)`. Methods may return promises or plain values, and are looked up
//! at each call.

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{StorageBackend, WriteOp};
use crate::bindings::convert::js_name;

pub struct JsObject {
    object: JsValue,
}

impl JsObject {
    pub fn new(object: JsValue) -> JsObject {
        JsObject { object }
    }

    fn method(&self, name: &str) -> Option<Function> {
        Reflect::get(&self.object, &JsValue::from_str(name))
            .ok()?
            .dyn_into::<Function>()
            .ok()
    }

    /// Calls `name` and returns its result as a promise (a throw becomes an `Err`).
    fn call(&self, name: &str, args: &[&JsValue]) -> Result<Promise, JsValue> {
        let f = self.method(name).ok_or_else(|| {
            js_sys::Error::new(&format!("the storage object has no {name} method"))
        })?;
        let ret = f.apply(&self.object, &args.iter().copied().collect::<Array>())?;
        Ok(Promise::resolve(&ret))
    }

    /// Calls `one` once per argument list, concurrently, unless `many` exists.
    fn each_or_many(
        &self,
        many: &str,
        many_arg: JsValue,
        one: &str,
        each: Vec<Vec<JsValue>>,
    ) -> Result<Promise, JsValue> {
        if self.method(many).is_some() {
            return self.call(many, &[&many_arg]);
        }
        let calls = Array::new();
        for args in each {
            let refs: Vec<&JsValue> = args.iter().collect();
            calls.push(&self.call(one, &refs)?.into());
        }
        Ok(Promise::all(&calls))
    }
}

impl StorageBackend for JsObject {
    async fn get(&self, key: &str) -> Result<JsValue, JsValue> {
        JsFuture::from(self.call("get", &[&JsValue::from_str(key)])?).await
    }

    async fn write(&self, ops: &[WriteOp]) -> Result<(), JsValue> {
        let (entries, keys) = (Array::new(), Array::new());
        let (mut sets, mut deletes) = (Vec::new(), Vec::new());
        for op in ops {
            match op {
                WriteOp::Put {
                    key,
                    value,
                    ttl_seconds,
                } => {
                    let ttl = ttl_seconds.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
                    let entry = Object::new();
                    let _ = Reflect::set(&entry, &js_name("key"), &JsValue::from_str(key));
                    let _ = Reflect::set(&entry, &js_name("value"), &JsValue::from_str(value));
                    let _ = Reflect::set(&entry, &js_name("ttl"), &ttl);
                    entries.push(&entry);
                    sets.push(vec![JsValue::from_str(key), JsValue::from_str(value), ttl]);
                }
                WriteOp::Delete { key } => {
                    keys.push(&JsValue::from_str(key));
                    deletes.push(vec![JsValue::from_str(key)]);
                }
            }
        }
        let both = Array::new();
        if !sets.is_empty() {
            both.push(
                &self
                    .each_or_many("setMany", entries.into(), "set", sets)?
                    .into(),
            );
        }
        if !deletes.is_empty() {
            both.push(
                &self
                    .each_or_many("deleteMany", keys.into(), "delete", deletes)?
                    .into(),
            );
        }
        JsFuture::from(Promise::all(&both)).await.map(|_| ())
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
