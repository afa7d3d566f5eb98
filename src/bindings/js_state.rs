//! The plain JS objects user code reads about a query or a mutation, with TanStack's
//! field names: a query's state (`getQueryState`), an observer's result and a mutation's
//! state. Each is made by `js/result_objects.js` from one object literal (one call, and
//! objects V8 keeps in fast mode; see that file).

use wasm_bindgen::prelude::*;

use crate::core::state::{FetchStatus, QueryState, Status};

#[wasm_bindgen(module = "/js/result_objects.js")]
extern "C" {
    #[wasm_bindgen(js_name = queryObject)]
    #[allow(clippy::too_many_arguments)]
    fn query_object(
        kind: u32,
        status: u32,
        fetch_status: u32,
        data: &JsValue,
        error: &JsValue,
        data_updated_at: f64,
        error_updated_at: f64,
        failure_count: u32,
        failure_reason: &JsValue,
        is_invalidated: bool,
        data_update_count: u32,
        error_update_count: u32,
    ) -> JsValue;
}

/// The code `result_objects.js` reads a status from.
fn status_code(s: Status) -> u32 {
    match s {
        Status::Pending => 0,
        Status::Success => 1,
        Status::Error => 2,
    }
}

fn fetch_status_code(s: FetchStatus) -> u32 {
    match s {
        FetchStatus::Idle => 0,
        FetchStatus::Fetching => 1,
        FetchStatus::Paused => 2,
    }
}

fn or(value: &Option<JsValue>, none: JsValue) -> JsValue {
    value.clone().unwrap_or(none)
}

/// `{ status, fetchStatus, data, error, … }`: a query's state.
pub fn state_object(s: &QueryState<JsValue, JsValue>) -> JsValue {
    query_object_of(0, s)
}

/// What an observer's result says beside its query's state.
pub struct ResultFlags {
    pub is_stale: bool,
    /// TanStack's `isEnabled`.
    pub is_enabled: bool,
    /// TanStack's `isFetchedAfterMount`: data or an error came since the observer was
    /// set to its query.
    pub is_fetched_after_mount: bool,
}

/// The state plus TanStack's derived flags (`isPending`, `isFetching`, `isStale`, …).
pub fn result_object(s: &QueryState<JsValue, JsValue>, flags: &ResultFlags) -> JsValue {
    // `result_objects.js`'s kind: 1 a result, +2 stale, +4 enabled, +8 fetched after mount.
    let kind = 1
        + 2 * u32::from(flags.is_stale)
        + 4 * u32::from(flags.is_enabled)
        + 8 * u32::from(flags.is_fetched_after_mount);
    query_object_of(kind, s)
}

fn query_object_of(kind: u32, s: &QueryState<JsValue, JsValue>) -> JsValue {
    query_object(
        kind,
        status_code(s.status),
        fetch_status_code(s.fetch_status),
        &or(&s.data, JsValue::UNDEFINED),
        &or(&s.error, JsValue::NULL),
        s.data_updated_at,
        s.error_updated_at,
        s.failure_count,
        &or(&s.failure_reason, JsValue::NULL),
        s.is_invalidated,
        s.data_update_count,
        s.error_update_count,
    )
}
