//! Structural sharing: new data that equals the old keeps the old references, so
//! `===` checks (React's memo, `select` memoization, observers' change detection)
//! see "unchanged" for every subtree that did not change.
//!
//! The walk is TanStack's `replaceEqualDeep` in JavaScript (`js/replace_equal_deep.js`,
//! bundled with the glue): over plain arrays and plain objects only, bounded in depth
//! and in objects compared, and never throwing (a throwing getter or proxy makes the
//! whole result the new data). The data is the user's: walked from wasm, every property
//! was a boundary crossing and every look a catch of what user code might throw; in JS
//! the walk is a plain loop and no user code runs with a wasm frame below it.

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/js/replace_equal_deep.js")]
extern "C" {
    /// `next`, with every subtree deeply equal to the one at the same place in `prev`
    /// replaced by `prev`'s; `prev` itself when the two are deeply equal.
    #[wasm_bindgen(js_name = replaceEqualDeep)]
    pub fn replace_equal_deep(prev: &JsValue, next: &JsValue) -> JsValue;
}

/// What the cache stores when `next` replaces `prev`, by the `structuralSharing`
/// option (`true`/absent, `false`, or a function `(oldData, newData) => data`, asked
/// for a query's first data too, with `undefined`, as TanStack's).
/// Call with no borrow held: getters and the user's function are user code.
pub fn share(setting: &JsValue, prev: Option<&JsValue>, next: JsValue) -> Result<JsValue, JsValue> {
    if let Some(f) = setting.dyn_ref::<Function>() {
        return f.call2(
            &JsValue::UNDEFINED,
            prev.unwrap_or(&JsValue::UNDEFINED),
            &next,
        );
    }
    let Some(prev) = prev else { return Ok(next) };
    if setting.as_bool() == Some(false) {
        return Ok(next);
    }
    Ok(replace_equal_deep(prev, &next))
}
