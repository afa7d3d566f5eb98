//! Awaiting IndexedDB from Rust: a request's result, a transaction's completion, a
//! write transaction that is durable when it completes, and committing one at once.
//! Used by the Rust face's `IndexedDbStorage` (the JS package's is JavaScript). Each promise is
//! settled by its own `resolve`/`reject` installed as the handlers: no Rust closure per
//! request.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransaction};

/// A promise settled by the handlers `install` sets (the promise's own `resolve` and
/// `reject`). Handlers are installed at once: make it in the same task as the request,
/// before any await (events that fire with no handler installed are never heard of).
pub fn settled_by(install: impl FnOnce(&Function, &Function)) -> JsFuture {
    let mut install = Some(install);
    JsFuture::from(Promise::new(&mut |resolve, reject| {
        if let Some(f) = install.take() {
            f(&resolve, &reject);
        }
    }))
}

/// A request's result once it succeeds; its error is the request's `DOMException`.
pub async fn request(req: &IdbRequest) -> Result<JsValue, JsValue> {
    let done = settled_by(|ok, err| {
        req.set_onsuccess(Some(ok));
        req.set_onerror(Some(err));
    });
    match done.await {
        Ok(_) => req.result(),
        Err(_) => Err(req.error().ok().flatten().map_or_else(
            || js_sys::Error::new("IndexedDB request failed").into(),
            JsValue::from,
        )),
    }
}

/// Resolves when `tx` commits; rejects with its `DOMException` when it fails or aborts.
pub async fn completion(tx: &IdbTransaction) -> Result<(), JsValue> {
    let done = settled_by(|ok, err| {
        tx.set_oncomplete(Some(ok));
        tx.set_onerror(Some(err));
        tx.set_onabort(Some(err));
    });
    match done.await {
        Ok(_) => Ok(()),
        Err(_) => Err(tx.error().map_or_else(
            || js_sys::Error::new("IndexedDB transaction aborted").into(),
            JsValue::from,
        )),
    }
}

/// `db.transaction(store, 'readwrite', { durability: 'strict' })`: a write completes
/// once it is on disk (Chromium's and Firefox's default, 'relaxed', completes before).
/// web-sys has the option only behind its unstable APIs, so the call goes through
/// `Reflect`; a browser that does not know the option ignores it.
pub fn write_transaction(db: &IdbDatabase, store: &str) -> Result<IdbTransaction, JsValue> {
    let transaction: Function = Reflect::get(db, &JsValue::from_str("transaction"))?.dyn_into()?;
    let options = Object::new();
    Reflect::set(&options, &"durability".into(), &"strict".into())?;
    let tx = transaction.call3(db, &JsValue::from_str(store), &"readwrite".into(), &options)?;
    tx.dyn_into()
}

/// Commits `tx` now rather than when the task ends (a page being unloaded may not get
/// there). Where `commit()` is missing the transaction commits by itself as before.
pub fn commit(tx: &IdbTransaction) {
    if let Ok(f) = Reflect::get(tx, &JsValue::from_str("commit")) {
        if let Some(f) = f.dyn_ref::<Function>() {
            let _ = f.call0(tx);
        }
    }
}
