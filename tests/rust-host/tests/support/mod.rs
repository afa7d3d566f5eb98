//! What the IndexedDB suites share: a wrapped `indexedDB.open` that counts opens and can
//! fail or hide IndexedDB, raw reads and writes beside the storage under test, and
//! shorthands for write batches.
#![allow(dead_code)]

use stackquery::engine::StorageWrite;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
const counts = {};
let failNext = 0;
const orig = IDBFactory.prototype.open;
indexedDB.open = function (...a) {
  counts[a[0]] = (counts[a[0]] || 0) + 1;
  if (failNext > 0) { failNext -= 1; throw new DOMException('injected failure', 'UnknownError'); }
  return orig.apply(this, a);
};
export function opens(name) { return counts[name] || 0; }
export function fail_next_open() { failNext = 1; }
let saved = null;
export function hide_idb() { saved = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB') || { value: indexedDB, configurable: true, writable: true }; Object.defineProperty(globalThis, 'indexedDB', { value: undefined, configurable: true, writable: true }); }
export function show_idb() { delete globalThis.indexedDB; if (!('indexedDB' in globalThis)) Object.defineProperty(globalThis, 'indexedDB', saved); }
function openDb(name) {
  return new Promise((res, rej) => { const r = orig.call(indexedDB, name); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
}
export async function raw_put(name, store, key, value) {
  const db = await openDb(name);
  try {
    await new Promise((res, rej) => { const tx = db.transaction(store, 'readwrite'); tx.objectStore(store).put(value, key); tx.oncomplete = res; tx.onerror = tx.onabort = () => rej(tx.error); });
  } finally { db.close(); }
}
export async function raw_get(name, store, key) {
  const db = await openDb(name);
  try {
    return await new Promise((res, rej) => { const r = db.transaction(store).objectStore(store).get(key); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
  } finally { db.close(); }
}
export async function raw_info(name) {
  const db = await openDb(name);
  const info = db.version + ':' + Array.from(db.objectStoreNames).join(',');
  db.close();
  return info;
}
"#)]
extern "C" {
    pub fn opens(name: &str) -> u32;
    pub fn fail_next_open();
    pub fn hide_idb();
    pub fn show_idb();
    pub fn raw_put(name: &str, store: &str, key: &JsValue, value: &JsValue) -> js_sys::Promise;
    pub fn raw_get(name: &str, store: &str, key: &JsValue) -> js_sys::Promise;
    pub fn raw_info(name: &str) -> js_sys::Promise;
}

pub fn put(key: &str, value: &str) -> StorageWrite {
    StorageWrite::Put {
        key: key.to_owned(),
        value: value.to_owned(),
        ttl_ms: Some(1000.0),
    }
}

pub fn del(key: &str) -> StorageWrite {
    StorageWrite::Delete {
        key: key.to_owned(),
    }
}

pub fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}
