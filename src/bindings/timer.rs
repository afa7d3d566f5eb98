//! Timers on the host's own `setTimeout`, which every target runtime has (browser
//! pages and workers, Node, Deno, workerd). Used for the one GC timer and for retry
//! sleeps that a cancellation can cut short. GC timers are `unref`'d where the host
//! supports it (Node, Deno), so a cache never keeps a process alive by itself.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;

use super::convert::js_name;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
    #[wasm_bindgen(js_name = setInterval)]
    fn set_interval(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearInterval)]
    fn clear_interval(handle: &JsValue);
}

/// Calls `handler` every `ms` (polling: it keeps a process alive, as the user asked for it).
pub fn start_interval(handler: &Function, ms: f64) -> JsValue {
    set_interval(handler, ms.clamp(1.0, MAX_DELAY_MS))
}

pub fn stop_interval(handle: &JsValue) {
    clear_interval(handle);
}

/// Longest delay `setTimeout` honours; longer ones fire at once in browsers.
const MAX_DELAY_MS: f64 = 2_147_483_647.0;

/// Calls `handler` after `ms`. `background`: do not keep the process alive for it.
pub fn start(handler: &Function, ms: f64, background: bool) -> JsValue {
    let handle = set_timeout(handler, ms.clamp(0.0, MAX_DELAY_MS));
    if background {
        unref(&handle);
    }
    handle
}

/// `handle.unref()` where the host has it (Node and Deno timers and channels): the
/// handle does not keep the process alive.
pub fn unref(handle: &JsValue) {
    if !handle.is_object() {
        return;
    }
    if let Ok(unref) = Reflect::get(handle, &js_name("unref")) {
        if let Some(unref) = unref.dyn_ref::<Function>() {
            let _ = unref.call0(handle);
        }
    }
}

pub fn stop(handle: &JsValue) {
    clear_timeout(handle);
}

/// A sleep that can be ended early: await `promise`; call [`Sleep::wake`] to end it now.
pub struct Sleep {
    pub promise: Promise,
    resolve: Function,
    handle: JsValue,
}

impl Sleep {
    /// A sleep that keeps the process alive (a retry the caller waits for).
    pub fn new(ms: f64) -> Sleep {
        Self::make(ms, false)
    }

    /// A sleep that does not keep a Node or Deno process alive (back-off of background work).
    pub fn background(ms: f64) -> Sleep {
        Self::make(ms, true)
    }

    /// A sleep with no timer: it lasts until [`Sleep::wake`] (a paused fetch).
    pub fn until_woken() -> Sleep {
        let mut resolver = None;
        let promise = Promise::new(&mut |resolve, _reject| resolver = Some(resolve));
        Sleep {
            promise,
            resolve: resolver.unwrap_or_else(|| Function::from(JsValue::UNDEFINED)),
            handle: JsValue::UNDEFINED,
        }
    }

    fn make(ms: f64, background: bool) -> Sleep {
        let mut parts = None;
        let promise = Promise::new(&mut |resolve, _reject| {
            let handle = start(&resolve, ms, background);
            parts = Some((resolve, handle));
        });
        let (resolve, handle) =
            parts.unwrap_or_else(|| (Function::from(JsValue::UNDEFINED), JsValue::UNDEFINED));
        Sleep {
            promise,
            resolve,
            handle,
        }
    }

    /// Ends the sleep now.
    pub fn wake(&self) {
        if !self.handle.is_undefined() {
            stop(&self.handle);
        }
        let _ = self.resolve.call0(&JsValue::UNDEFINED);
    }

    /// Waits until the sleep ends.
    pub async fn done(&self) {
        let _ = wasm_bindgen_futures::JsFuture::from(self.promise.clone()).await;
    }
}

/// Lets the host run its other tasks (rendering, input) before going on: a macrotask
/// through `scheduler.postTask` where the host has it (browsers), which nested
/// `setTimeout(0)` chains would clamp to 4 ms each; else `setTimeout(0)`.
pub async fn yield_to_host() {
    let global = js_sys::global();
    let post_task = Reflect::get(&global, &js_name("scheduler"))
        .ok()
        .filter(|s| s.is_object())
        .and_then(|s| {
            let f = Reflect::get(&s, &js_name("postTask")).ok()?;
            Some((s, f.dyn_into::<Function>().ok()?))
        });
    if let Some((scheduler, post_task)) = post_task {
        // The task is the promise's own `resolve`.
        let mut posted = false;
        let task = Promise::new(&mut |resolve, _| {
            posted = post_task.call1(&scheduler, &resolve).is_ok();
        });
        if posted {
            let _ = wasm_bindgen_futures::JsFuture::from(task).await;
            return;
        }
    }
    Sleep::new(0.0).done().await;
}
