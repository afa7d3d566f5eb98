//! [`WasmHost`]: the engine's [`Host`] in a page, a worker, Node or Deno.

use crate::engine::{Host, LocalBoxFuture};

use super::js_util::timeout;

/// The longest delay one `setTimeout` takes (2^31 - 1 ms, about 24.8 days); longer
/// sleeps are made of several.
const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;

/// `Date.now()`, `setTimeout` from the global object, and
/// `wasm_bindgen_futures::spawn_local`.
#[derive(Clone, Copy, Debug, Default)]
pub struct WasmHost;

impl Host for WasmHost {
    fn now(&self) -> f64 {
        js_sys::Date::now()
    }

    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        Box::pin(async move {
            if ms == f64::INFINITY {
                return std::future::pending().await;
            }
            let mut left = if ms > 0.0 { ms } else { 0.0 }; // NaN too
            loop {
                let step = left.min(MAX_TIMEOUT_MS);
                timeout(step).await;
                left -= step;
                if left <= 0.0 {
                    break;
                }
            }
        })
    }

    fn spawn(&self, task: LocalBoxFuture<'static, ()>) {
        wasm_bindgen_futures::spawn_local(task);
    }
}
