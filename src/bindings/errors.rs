//! The errors stackquery itself raises, as JS error objects.

use crate::core::text::text;
use js_sys::{Error, RangeError, TypeError};
use wasm_bindgen::JsValue;

/// Misuse: a value of the wrong type. The message names the option.
pub fn type_error(message: impl AsRef<str>) -> JsValue {
    TypeError::new(&text(&["stackquery: ", message.as_ref()])).into()
}

/// Misuse: a value of the right type outside its range.
pub fn range_error(message: impl AsRef<str>) -> JsValue {
    RangeError::new(&text(&["stackquery: ", message.as_ref()])).into()
}

/// What waiters of a cancelled, removed or reset fetch are rejected with.
pub fn cancelled_error() -> JsValue {
    let e = Error::new("stackquery: the query was cancelled");
    e.set_name("CancelledError");
    e.into()
}

/// A query function that resolved to `undefined` (use `null` for "no data").
pub fn undefined_data_error(hash: &str) -> JsValue {
    // TanStack's error, word for word (ported code and tests match on it); the console
    // says how to fix it, as TanStack's development build does.
    super::console::error(&text(&["stackquery: query data cannot be undefined: return a value other than undefined (null when there is no data) from the queryFn of ", hash]));
    Error::new(&text(&[hash, " data is undefined"])).into()
}

/// A method called on a client after `dispose()`. The face tells a persisted mutation that
/// never ran (its outbox record is kept) by this exact message: `DISPOSED` in
/// `js/face/mutation_outbox.js`, checked by `tests/node/mutation-outbox.test.mjs`.
pub fn disposed_error() -> JsValue {
    Error::new("stackquery: this QueryClient has been disposed").into()
}

/// A client method called from inside one of the client's own callbacks in a way the
/// cache cannot serve (never expected; reported instead of panicking).
pub fn reentrant_error() -> JsValue {
    Error::new("stackquery: the cache is busy (a callback called back into the client)").into()
}
