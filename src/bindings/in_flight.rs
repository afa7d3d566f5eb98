//! A query's running fetch as its waiters and its canceller see it: the promise every
//! caller of the fetch shares, its settlers, the `AbortController` of the signal the
//! query function got and the retry sleep to end early. Started and settled by
//! `fetch.rs`; cancelled from wherever the core orphans it.

use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;
use web_sys::AbortController;

use super::errors::cancelled_error;
use super::timer::Sleep;
use crate::core::FetchId;

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
    /// Stops a fetch the core has orphaned: aborts its signal, rejects its waiters
    /// with a `CancelledError` and ends its retry sleep. Call with no borrow held
    /// (abort listeners are user code).
    pub fn cancel(self) {
        if let Some(c) = &self.controller {
            c.abort();
        }
        let _ = self.reject.call1(&JsValue::UNDEFINED, &cancelled_error());
        if let Some(sleep) = &self.sleep {
            sleep.wake();
        }
    }
}
