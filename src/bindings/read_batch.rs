//! Cold reads in batches: the keys asked of L2 within one turn of the event loop (a list
//! page mounting 500 observers, a loop of `fetchQuery`) are read in one storage call —
//! one IndexedDB transaction, one `MGET` per 200 keys, one `getMany` — not one each.
//!
//! The first read of a turn opens a batch and starts its call one microtask later, when
//! every read of the turn has joined; each reader waits for the batch's promise (an
//! array of the raw stored values, or `undefined` when the call failed) and takes its
//! own value by index. The call itself is the [`Persister`]'s: bounded by
//! `storageTimeout`, counted, and reported once per outage, not once per key.
//!
//! [`Persister`]: super::persister::Persister

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The keys of a batch not yet sent.
pub type Keys = Rc<RefCell<Vec<String>>>;

/// The batch still open to readers, if any.
#[derive(Default)]
pub struct ReadBatch {
    open: RefCell<Option<(Keys, Promise)>>,
}

impl ReadBatch {
    /// Adds `key` to the open batch, or opens one with `start` (given the batch's keys,
    /// it returns the promise of the batch's values). Returns the batch's promise and
    /// the index of `key`'s value in it.
    pub fn join(&self, key: String, start: impl FnOnce(Keys) -> Promise) -> (Promise, u32) {
        let mut open = self.open.borrow_mut();
        if let Some((keys, promise)) = open.as_ref() {
            let mut keys = keys.borrow_mut();
            keys.push(key);
            return (promise.clone(), keys.len() as u32 - 1);
        }
        let keys: Keys = Rc::new(RefCell::new(vec![key]));
        let promise = start(keys.clone());
        *open = Some((keys, promise.clone()));
        (promise, 0)
    }

    /// Closes the open batch to new readers and hands over its keys (the batch's call
    /// does this when it starts).
    pub fn close(&self, keys: &Keys) -> Vec<String> {
        let mut open = self.open.borrow_mut();
        if open.as_ref().is_some_and(|(k, _)| Rc::ptr_eq(k, keys)) {
            *open = None;
        }
        std::mem::take(&mut *keys.borrow_mut())
    }
}

/// Waits one microtask: readers of this turn join the batch before it is sent.
pub async fn after_this_turn() {
    let _ = JsFuture::from(Promise::resolve(&JsValue::UNDEFINED)).await;
}

/// A reader's value from its batch's promise: `None` when the batch's call failed.
pub async fn value_at(batch: Promise, index: u32) -> Option<JsValue> {
    let values = JsFuture::from(batch).await.ok()?;
    Some(values.dyn_ref::<Array>()?.get(index))
}
