//! Query state as the plain JS object `getQueryState` returns (TanStack's field names).

use js_sys::Object;
use wasm_bindgen::JsValue;

use super::convert::{js_name, set_prop};
use crate::core::state::QueryState;

fn set(obj: &Object, name: &'static str, value: &JsValue) {
    set_prop(obj, name, value);
}

fn opt(value: &Option<JsValue>) -> JsValue {
    value.clone().unwrap_or(JsValue::UNDEFINED)
}

pub fn state_object(state: &QueryState<JsValue, JsValue>) -> JsValue {
    let o = Object::new();
    set(&o, "status", &js_name(state.status.as_str()));
    set(&o, "fetchStatus", &js_name(state.fetch_status.as_str()));
    set(&o, "data", &opt(&state.data));
    set(&o, "error", &state.error.clone().unwrap_or(JsValue::NULL));
    set(&o, "dataUpdatedAt", &JsValue::from(state.data_updated_at));
    set(&o, "errorUpdatedAt", &JsValue::from(state.error_updated_at));
    set(&o, "failureCount", &JsValue::from(state.failure_count));
    set(
        &o,
        "failureReason",
        &state.failure_reason.clone().unwrap_or(JsValue::NULL),
    );
    set(&o, "isInvalidated", &JsValue::from(state.is_invalidated));
    set(
        &o,
        "dataUpdateCount",
        &JsValue::from(state.data_update_count),
    );
    set(
        &o,
        "errorUpdateCount",
        &JsValue::from(state.error_update_count),
    );
    o.into()
}
