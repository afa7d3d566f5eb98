//! JavaScript built-ins that throw on hostile values (a revoked proxy, a throwing trap
//! or getter), imported so that the throw comes back as an `Err`. js-sys's own bindings
//! of these do not catch: a throw would unwind through wasm frames, which runs no Rust
//! destructor and leaves the shadow stack pointer where it was (enough of them break the
//! instance for the whole page).

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `Array.isArray(value)`.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    pub fn is_array(value: &JsValue) -> Result<bool, JsValue>;
    /// `Object.keys(value)`.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    pub fn keys(value: &JsValue) -> Result<Array, JsValue>;
    /// `Object.getPrototypeOf(value)`.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = getPrototypeOf)]
    pub fn prototype_of(value: &JsValue) -> Result<JsValue, JsValue>;
}

thread_local! {
    /// `Object.prototype`, looked up once.
    static OBJECT_PROTOTYPE: JsValue = Object::get_prototype_of(&Object::new()).into();
}

/// A plain object: its prototype is `Object.prototype` or `null`.
pub fn is_plain_object(value: &JsValue) -> Result<bool, JsValue> {
    if !value.is_object() {
        return Ok(false);
    }
    let proto = prototype_of(value)?;
    Ok(proto.is_null() || OBJECT_PROTOTYPE.with(|p| proto == *p))
}
