//! Promises at the boundary with user code: `Promise.prototype.then` with plain JS
//! functions (js-sys 0.3.107's own `then` wants Rust closures; the client's handlers
//! are one shared no-op function), and promises made from whatever user code returned.
//!
//! js-sys's `Promise.resolve` does not catch: given a promise whose `constructor`
//! getter throws, the exception would unwind through wasm frames (which leaks their
//! shadow stack and leaves their borrows taken). And awaiting a user's promise calls
//! its own `then`, which may be anything. [`resolve`] catches; [`settle`] makes a
//! native promise that no user `then` can stand in for.
//!
//! [`from_future`] and [`spawn`] are `wasm_bindgen_futures`' `future_to_promise` and
//! `spawn_local` behind one boxed, non-generic instance each: generic, each `async`
//! block got its own copy of the task and promise machinery (17 KB of wasm for ten).
//! [`once_fn`] is `Closure::once_into_js` for `FnOnce()` callbacks, likewise shared.

use std::future::Future;
use std::pin::Pin;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

type BoxedPromiseFuture = Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>;
type BoxedTask = Pin<Box<dyn Future<Output = ()>>>;

/// A promise that settles as `future` does (`wasm_bindgen_futures::future_to_promise`).
pub fn from_future(future: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> Promise {
    from_boxed(Box::pin(future))
}

#[inline(never)]
fn from_boxed(future: BoxedPromiseFuture) -> Promise {
    wasm_bindgen_futures::future_to_promise(future)
}

/// Runs `task` on the microtask queue (`wasm_bindgen_futures::spawn_local`).
pub fn spawn(task: impl Future<Output = ()> + 'static) {
    spawn_boxed(Box::pin(task))
}

#[inline(never)]
fn spawn_boxed(task: BoxedTask) {
    wasm_bindgen_futures::spawn_local(task)
}

#[wasm_bindgen]
extern "C" {
    /// A promise seen through the plain JS `then` signature.
    type Thenable;
    #[wasm_bindgen(method, js_name = then)]
    fn then_fns(this: &Thenable, on_fulfilled: &JsValue, on_rejected: &JsValue) -> Promise;

    /// `Promise.resolve(value)`, with what it throws caught.
    #[wasm_bindgen(catch, js_namespace = Promise, js_name = resolve)]
    fn try_resolve(value: &JsValue) -> Result<Promise, JsValue>;
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

/// `Promise.resolve(value)` (`value` itself when it is a native promise), or what a
/// throwing `constructor` getter on it threw. For returning to the caller, as
/// TanStack returns cached data; never to be awaited here (use [`settle`]).
pub fn resolve(value: &JsValue) -> Result<Promise, JsValue> {
    try_resolve(value)
}

/// A new native promise that settles as `value` does (`new Promise((r) => r(value))`):
/// a thenable's `then` is looked up and called by the promise machinery, which turns
/// what it throws into a rejection. The one form of a user's value to await.
pub fn settle(value: &JsValue) -> Promise {
    settle_js(value)
}

#[wasm_bindgen(module = "/js/settle.js")]
extern "C" {
    /// `new Promise((resolve) => resolve(value))`, made in JS in one call.
    #[wasm_bindgen(js_name = settle)]
    fn settle_js(value: &JsValue) -> Promise;
}

/// A JS function that runs `f` on its first call (`Closure::once_into_js`).
pub fn once_fn(f: impl FnOnce() + 'static) -> JsValue {
    once_boxed(Box::new(f))
}

#[inline(never)]
fn once_boxed(f: Box<dyn FnOnce()>) -> JsValue {
    Closure::once_into_js(f)
}
