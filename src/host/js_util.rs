//! JS helpers the host's types share: the global object's properties, a promise of a
//! timer, and a JS error as a [`StorageError`].

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::engine::StorageError;

/// `globalThis[name]`, `None` when missing or not of type `T`.
pub fn global_property<T: JsCast>(name: &str) -> Option<T> {
    Reflect::get(&js_sys::global(), &JsValue::from_str(name))
        .ok()?
        .dyn_into::<T>()
        .ok()
}

/// `setTimeout(f, ms)` on the global object; false where there is none.
pub fn set_timeout(f: &Function, ms: f64) -> bool {
    match global_property::<Function>("setTimeout") {
        Some(set) => set
            .call2(&js_sys::global(), f, &JsValue::from_f64(ms))
            .is_ok(),
        None => false,
    }
}

/// Resolves after `ms` milliseconds (at once where the host has no `setTimeout`).
pub async fn timeout(ms: f64) {
    let promise = Promise::new(&mut |resolve, _reject| {
        if !set_timeout(&resolve, ms) {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// A JS error (a DOMException, an Error, a thrown string) as a storage error: its
/// name and message. `context` says what was being done.
pub fn storage_error(context: &str, error: &JsValue) -> StorageError {
    let text = |name: &str| {
        Reflect::get(error, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
    };
    let detail = match (text("name"), text("message"), error.as_string()) {
        (Some(n), Some(m), _) if !m.is_empty() => format!("{n}: {m}"),
        (Some(n), _, _) => n,
        (_, _, Some(s)) => s,
        _ => "unknown error".to_owned(),
    };
    StorageError::new(format!("{context}: {detail}"))
}
