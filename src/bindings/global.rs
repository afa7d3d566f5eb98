//! The host's global object: whether it is a page, and its event listeners.

use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::convert::js_name;

/// A global property (`undefined` when missing or throwing).
pub fn property(name: &'static str) -> JsValue {
    Reflect::get(&js_sys::global(), &js_name(name)).unwrap_or_default()
}

/// Whether this is a page (workers, Node, Deno and workerd have no `document`).
pub fn is_page() -> bool {
    property("document").is_object()
}

/// `target[method](event, f)`, when `target` has that method.
pub fn call_listener(target: &JsValue, method: &str, event: &str, f: &JsValue) {
    if let Some(m) = Reflect::get(target, &method.into())
        .ok()
        .and_then(|m| m.dyn_into::<Function>().ok())
    {
        let _ = m.call2(target, &event.into(), f);
    }
}

/// `globalThis[method](event, f)`: `addEventListener` or `removeEventListener`.
pub fn listener(method: &str, event: &str, f: &JsValue) {
    call_listener(&js_sys::global(), method, event, f);
}
