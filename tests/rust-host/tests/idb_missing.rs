//! IndexedDbStorage when the open fails or indexedDB is missing (alone: it changes the global).
#![allow(dead_code, unused_imports)]

use std::cell::Cell;
use std::rc::Rc;

use stackquery::engine::{Host, Storage, StorageWrite};
use stackquery::{IndexedDbStorage, WasmHost};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

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
    fn opens(name: &str) -> u32;
    fn fail_next_open();
    fn hide_idb();
    fn show_idb();
    fn raw_put(name: &str, store: &str, key: &JsValue, value: &JsValue) -> js_sys::Promise;
    fn raw_get(name: &str, store: &str, key: &JsValue) -> js_sys::Promise;
    fn raw_info(name: &str) -> js_sys::Promise;
}

fn put(key: &str, value: &str) -> StorageWrite {
    StorageWrite::Put {
        key: key.to_owned(),
        value: value.to_owned(),
        ttl_ms: Some(1000.0),
    }
}

fn del(key: &str) -> StorageWrite {
    StorageWrite::Delete {
        key: key.to_owned(),
    }
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[wasm_bindgen_test]
async fn a_failed_open_is_retried_and_a_missing_indexeddb_fails_every_call() {
    let name = "t-fail";
    let store = IndexedDbStorage::with_names(name, "queries");
    fail_next_open();
    let e = store.get("k".into()).await.expect_err("injected failure");
    assert!(
        e.message.contains("UnknownError: injected failure"),
        "{}",
        e.message
    );
    assert_eq!(store.get("k".into()).await, Ok(None), "retried");

    hide_idb();
    let gone = IndexedDbStorage::with_names("t-gone", "queries");
    let e = gone.get("k".into()).await.expect_err("no indexedDB");
    assert!(e.message.contains("not available"), "{}", e.message);
    assert!(gone.write(vec![put("a", "b")]).await.is_err());
    assert!(gone.keys("".into()).await.is_err());
    assert!(gone.get_many(s(&["a"])).await.is_err());
    show_idb();
    gone.write(vec![put("a", "b")])
        .await
        .expect("works once it is back");
    assert_eq!(gone.get("a".into()).await, Ok(Some("b".into())));
}
