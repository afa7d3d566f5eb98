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

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/replace_equal_deep.js")]
extern "C" {
    /// What the cache stores when `next` replaces `prev` (undefined: no data yet) by the
    /// `structuralSharing` setting; what a setting function throws, as the error.
    #[wasm_bindgen(catch, js_name = shareData)]
    fn share_data(setting: &JsValue, prev: &JsValue, next: &JsValue) -> Result<JsValue, JsValue>;
}

/// What the cache stores when `next` replaces `prev`, by the `structuralSharing`
/// option (`true`/absent, `false`, or a function `(oldData, newData) => data`, asked
/// for a query's first data too, with `undefined`, as TanStack's): decided and called in
/// JS (`shareData`). Call with no borrow held: getters and the user's function are user
/// code.
pub fn share(setting: &JsValue, prev: Option<&JsValue>, next: JsValue) -> Result<JsValue, JsValue> {
    share_data(setting, prev.unwrap_or(&JsValue::UNDEFINED), &next)
}
