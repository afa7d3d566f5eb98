//! A query's running fetch as its waiters and its canceller see it: the promise every
//! caller of the fetch shares, its settlers, the `AbortController` of the signal the
//! query function got and the retry sleep to end early. Started and settled by
//! `fetch.rs`; cancelled from wherever the core orphans it. The query function is called
//! by `js/query_fn_context.js` (`runQueryFn`), which makes its context, whose `signal`
//! getter tells whether it was read;
//! what the starter of a cancelled fetch gets, by `js/cancelled_fetch.js`.

use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use web_sys::AbortController;

use super::errors::cancelled_error;
use super::timer::Sleep;
use crate::core::FetchId;

#[wasm_bindgen(module = "/js/query_fn_context.js")]
extern "C" {
    /// One attempt: `query_fn({ client, queryKey, signal, meta })`, made and called in
    /// JS (`signal` a getter that takes `controller`'s signal, only when read, and marks
    /// it consumed); what it returns, or threw.
    #[wasm_bindgen(catch, js_name = runQueryFn)]
    pub(super) fn run_query_fn(
        query_fn: &Function,
        client_ref: &JsValue,
        query_key: &JsValue,
        controller: Option<AbortController>,
        meta: &JsValue,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = signalConsumed)]
    fn signal_consumed(controller: &AbortController) -> bool;
}

#[wasm_bindgen(module = "/js/cancelled_fetch.js")]
extern "C" {
    /// A `CancelledError` carrying the data a cancelled fetch went back to.
    #[wasm_bindgen(js_name = revertedCancel)]
    fn reverted_cancel(data: &JsValue) -> JsValue;
    /// The promise the call that started a fetch gets: `shared`, but a cancel back to
    /// data resolves it with that data (TanStack's `fetch`).
    #[wasm_bindgen(js_name = starterOf)]
    pub(super) fn starter_of(shared: &Promise) -> Promise;
}

/// The running fetch of a query: what its waiters hold and how to stop it.
pub struct InFlight {
    pub(super) id: FetchId,
    pub promise: Promise,
    pub(super) resolve: Function,
    pub(super) reject: Function,
    pub(super) controller: Option<AbortController>,
    pub(super) sleep: Option<Rc<Sleep>>,
    /// No more retries (its last observer left): a failure now is final. A new caller
    /// joining the fetch lets it retry again (TanStack's `cancelRetry`/`continueRetry`).
    pub retry_cancelled: bool,
}

impl InFlight {
    /// Whether the query function read its `signal` (TanStack's `abortSignalConsumed`):
    /// it can stop its work, so the fetch is cancelled when the last observer leaves.
    pub fn signal_consumed(&self) -> bool {
        self.controller.as_ref().is_some_and(signal_consumed)
    }

    /// Stops a fetch the core has orphaned: aborts its signal, rejects its waiters
    /// with a `CancelledError` and ends its retry sleep. Call with no borrow held
    /// (abort listeners are user code).
    pub fn cancel(self) {
        self.cancel_reverted(None);
    }

    /// [`InFlight::cancel`] of a fetch whose query went back to its state before it
    /// (`cancelQueries`, its last observer leaving): the `CancelledError` carries the
    /// data it went back to, which the call that started the fetch resolves with
    /// ([`starter_of`]; TanStack's fetch after a reverting cancel).
    pub fn cancel_reverted(self, data: Option<JsValue>) {
        if let Some(c) = &self.controller {
            c.abort();
        }
        let error = match data {
            Some(data) => reverted_cancel(&data),
            None => cancelled_error(),
        };
        let _ = self.reject.call1(&JsValue::UNDEFINED, &error);
        if let Some(sleep) = &self.sleep {
            sleep.wake();
        }
    }
}
