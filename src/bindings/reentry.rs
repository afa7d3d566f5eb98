//! Bounded nesting: how deeply calls into stackquery may nest through user code.
//!
//! A listener that calls `setQueryData`, whose listener calls it again, and so on, or
//! a `select` that writes its own key, recurses through wasm. Left alone it exhausts
//! the stack *inside* wasm, and the `RangeError` then unwinds through Rust frames
//! without running their destructors: `RefCell` borrows stay taken, the shadow-stack
//! pointer is never restored, and the instance is broken for the whole page (a later
//! call traps or finds "the cache is busy" for good).
//!
//! So every exported entry point that can reach user code holds an [`Entered`] guard
//! for its duration: a call nested deeper than [`MAX_NESTING`] is refused with a
//! `RangeError` before it does anything, far from the real stack limit, and the
//! chain unwinds normally. A fresh cache hit pays a compare, an increment and a
//! decrement. Once a call was refused, every call nested in that chain is refused too
//! until its outermost call returns (so code that retries on error, such as a key
//! read again after a throwing getter, cannot turn the limit into exponential
//! work). Should the count ever be left raised (a JS exception that unwound through
//! wasm frames, which runs no destructor: a non-catching import given a hostile
//! value), the next microtask, which only runs with no call on the stack, puts it
//! back to zero.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering::Relaxed};

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::errors::range_error;
use crate::core::text::{decimal, text};

/// How many calls into stackquery may be on the stack at once. Measured with no limit
/// (levels reached before the stack ran out, Node 20 / Chromium page / Chromium
/// worker): a listener subscribing another observer 986 / 550 / 280; `select` writing
/// its own key 706 / 464 / 232; the costliest cycle found, a getter at the bottom of a
/// query key nested 60 deep that reads another such key, 80 / 90 / 33. Sixteen leaves
/// that cycle half of a worker's stack and an ordinary one over nine tenths of it; an
/// app nests two or three calls deep.
pub const MAX_NESTING: u32 = 16;

/// Calls into stackquery on the stack now (wasm32 here has one thread: relaxed
/// atomics are plain loads and stores).
static DEPTH: AtomicU32 = AtomicU32::new(0);

/// Where the nesting depth lives in wasm memory: the JS face answers nothing itself
/// while it is above zero (user code called from inside an entry point).
pub fn depth_address() -> u32 {
    DEPTH.as_ptr() as u32
}
/// The nesting allowed now: [`MAX_NESTING`], or 0 while a refused chain unwinds.
static LIMIT: AtomicU32 = AtomicU32::new(MAX_NESTING);
/// A reset of the counters is queued for the next microtask.
static RESET_QUEUED: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// Puts the counters back once the stack is empty (made on first use).
    static RESET: Function = Closure::<dyn FnMut(JsValue)>::new(|_| {
        DEPTH.store(0, Relaxed);
        LIMIT.store(MAX_NESTING, Relaxed);
        RESET_QUEUED.store(false, Relaxed);
    })
    .into_js_value()
    .unchecked_into();
}

/// Proof that a call is counted; dropping it leaves.
#[must_use = "the call is counted only while the guard lives"]
pub struct Entered(());

/// Counts a call into stackquery named `method`, or refuses it with a `RangeError`
/// when the calls on the stack already nest too deep.
#[inline]
pub fn enter(method: &'static str) -> Result<Entered, JsValue> {
    let depth = DEPTH.load(Relaxed);
    if depth > 0 {
        nested(method, depth)?;
    }
    DEPTH.store(depth + 1, Relaxed);
    Ok(Entered(()))
}

impl Drop for Entered {
    #[inline]
    fn drop(&mut self) {
        let depth = DEPTH.load(Relaxed).saturating_sub(1);
        DEPTH.store(depth, Relaxed);
        if depth == 0 {
            LIMIT.store(MAX_NESTING, Relaxed);
        }
    }
}

#[wasm_bindgen]
extern "C" {
    /// The host's `queueMicrotask`, catching: what it throws (the stack ran out just
    /// here) comes back as an `Err`, not unwinding through this frame.
    #[wasm_bindgen(catch, js_name = queueMicrotask)]
    fn queue_microtask(callback: &Function) -> Result<(), JsValue>;
}

/// A call made while others are on the stack (or while a count was left raised by a JS
/// exception that unwound through wasm, which no drop saw): the counters are put
/// back to zero at the next microtask, when the stack is surely empty, so a count
/// left raised costs no more than the rest of the current task.
#[cold]
fn nested(method: &'static str, depth: u32) -> Result<(), JsValue> {
    // Marked queued only once it is: a reset that could not be queued is tried again
    // at the next nested call, never left marked and missing for good.
    if !RESET_QUEUED.load(Relaxed) && RESET.with(queue_microtask).is_ok() {
        RESET_QUEUED.store(true, Relaxed);
    }
    if depth >= LIMIT.load(Relaxed) {
        return Err(refuse(method));
    }
    Ok(())
}

#[cold]
fn refuse(method: &'static str) -> JsValue {
    let first = LIMIT.swap(0, Relaxed) != 0;
    let why = match first {
        true => "calls into stackquery were already nested",
        false => "it is nested in a chain of calls that already went past",
    };
    range_error(text(&[
        method,
        " was refused: ",
        why,
        " ",
        &decimal(MAX_NESTING.into()),
        " deep, each made from a listener, select, \
         updater, structuralSharing, getter or other callback of the one before (a cycle \
         that would otherwise exhaust the stack)",
    ]))
}
