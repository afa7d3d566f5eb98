//! The console messages the engine writes (a storage outage's warning, the hint after a
//! `queryFn` resolved `undefined`), each call's throw caught and dropped: a test setup
//! that makes `console.warn` throw, or a storage error whose inspection throws (Node's
//! `util.inspect.custom`), must not escape from inside the engine, where it stopped the
//! fetch that was reporting and left its key fetching for good.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = console, js_name = warn)]
    fn console_warn(message: &str, key: &str, error: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = console, js_name = error)]
    fn console_error(message: &str) -> Result<(), JsValue>;
}

/// `console.warn(message, key, error)`; a throw is dropped.
pub fn warn(message: &str, key: &str, error: &JsValue) {
    let _ = console_warn(message, key, error);
}

/// `console.error(message)`; a throw is dropped.
pub fn error(message: &str) {
    let _ = console_error(message);
}
