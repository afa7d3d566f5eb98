//! [`WasmHost`]: the engine's [`Host`] in a page, a worker, Node or Deno.
//!
//! Time is `Date.now()`; timers are the global object's `setTimeout`, looked up when a
//! sleep starts (so a worker's or Node's serves as well as a window's), and a host
//! without one ends every sleep at once; tasks run on `spawn_local`'s queue.

use crate::engine::{Host, LocalBoxFuture};

use super::js_util::timeout;

/// The longest delay one `setTimeout` takes (2^31 - 1 ms, about 24.8 days): a longer
/// one overflows and fires at once, so longer sleeps are made of several.
const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;

/// The engine's host on wasm32: `Date.now()`, the global `setTimeout` and
/// `wasm_bindgen_futures::spawn_local`. The Rust face's `QueryClient` uses it unless
/// given another.
#[derive(Clone, Copy, Debug, Default)]
pub struct WasmHost;

impl Host for WasmHost {
    fn now(&self) -> f64 {
        js_sys::Date::now()
    }

    /// Ends after `ms` milliseconds; 0, less or NaN end on the next timer turn (still
    /// asynchronously), and infinity never.
    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        Box::pin(async move {
            if ms == f64::INFINITY {
                return std::future::pending().await;
            }
            let mut left = if ms > 0.0 { ms } else { 0.0 }; // NaN: not > 0
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
