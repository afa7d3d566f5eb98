//! `Promise.prototype.then` with plain JS functions (js-sys 0.3.107's own `then`
//! wants Rust closures; the client's handlers are one shared no-op function).

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// A promise seen through the plain JS `then` signature.
    type Thenable;
    #[wasm_bindgen(method, js_name = then)]
    fn then_fns(this: &Thenable, on_fulfilled: &JsValue, on_rejected: &JsValue) -> Promise;
}

fn thenable(promise: &Promise) -> &Thenable {
    promise.unchecked_ref()
}

/// `promise.then(on_fulfilled, on_rejected)`.
pub fn then(promise: &Promise, on_fulfilled: &Function, on_rejected: &Function) -> Promise {
    thenable(promise).then_fns(on_fulfilled, on_rejected)
}

/// `promise.then(on_fulfilled)`: settles like `promise` but with `on_fulfilled`'s value.
pub fn map(promise: &Promise, on_fulfilled: &Function) -> Promise {
    thenable(promise).then_fns(on_fulfilled, &JsValue::UNDEFINED)
}

/// `promise.catch(handler)`: marks a rejection as handled.
pub fn handle(promise: &Promise, handler: &Function) {
    let _ = thenable(promise).then_fns(&JsValue::UNDEFINED, handler);
}
