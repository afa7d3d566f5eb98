//! The link between a client and its JS face (`js/face/`): what the face reads
//! without calling into wasm, and the three calls it makes when it must.
//!
//! The face answers fresh hits (`getQueryData`, `fetchQuery` / `ensureQueryData` on
//! fresh data) from a mirror of what the cache answered before. The mirror is exact
//! by construction, not by bookkeeping: every borrow of the cache that may change it
//! bumps the client's *epoch*, a `u32` in wasm memory the face reads directly (one
//! typed-array load, no call), and a mirrored answer counts only while the epoch it
//! was read at still stands. What the cache changes, how and where, the face never
//! needs to know; the engine stays the authority on staleness inputs, GC, LRU,
//! fetching and L2.
//!
//! - `__faceSlots(drain, clientRef)` gives the addresses of the epoch, the peek slot,
//!   the pending-touches flag, the count of refused reads, the nesting depth and the
//!   instant an observer's last result turns stale (written by its
//!   `getCurrentResult()`), and registers `drain`, which hands back the face's pending LRU touches, oldest first
//!   (it must not reach the client, which would then never be collected), and a
//!   `WeakRef` of the face client, for the query function's `context.client`.
//! - `__peek(hash)` answers one key: its data, with `[dataUpdatedAt, flags, staleTime,
//!   gcTime]` written to the peek slot ([`PEEK_EXISTS`] …; staleTime `-1` is `'static'`).
//!   A hit needs the call's staleTime to be the query's and its gcTime not longer: a
//!   fetch that would change what the query keeps goes to the engine.
//! - `__touch(hashes)` applies LRU touches in a batch. The face raises the flag when it
//!   has touches pending; the client applies them before every change to the cache
//!   (`FaceSlots::take_touches`, `face_slots.rs`), so the LRU order is exactly that of the calls.
//! - `__watch(fn)` registers the face's `QueryCache` watch: called each time the epoch
//!   moves while the face has cache listeners (it only schedules a look at the cache).

use js_sys::Function;
use wasm_bindgen::prelude::*;

use super::client::QueryClient;
use super::reentry;
use crate::core::staleness::{Duration, StaleTime};

/// The query exists.
pub const PEEK_EXISTS: f64 = 1.0;
/// It holds data.
pub const PEEK_HAS_DATA: f64 = 2.0;
/// L2 was read for it (or need not be): a fetch would answer from L1.
pub const PEEK_HYDRATED: f64 = 4.0;
/// It was invalidated.
pub const PEEK_INVALIDATED: f64 = 8.0;
/// The cache could not be read now (borrowed): ask the engine's own method.
pub const PEEK_BUSY: f64 = 16.0;

#[wasm_bindgen]
impl QueryClient {
    /// `[epoch, peek slot, pending flag, refused reads, nesting depth, fresh-until]`
    /// addresses; `drain()` returns the pending touches; `clientRef` is a `WeakRef` of
    /// the face client, for the query function's `context.client`.
    #[wasm_bindgen(js_name = __faceSlots)]
    pub fn face_slots(&self, drain: Function, client_ref: JsValue) -> Vec<u32> {
        let face = &self.shared().face;
        if let Ok(mut slot) = face.drain.try_borrow_mut() {
            *slot = Some(drain);
        }
        if let Ok(mut slot) = face.client_ref.try_borrow_mut() {
            *slot = client_ref;
        }
        vec![
            face.epoch.as_ptr() as u32,
            face.peek.as_ptr() as u32,
            face.pending.as_ptr() as u32,
            face.refused.as_ptr() as u32,
            reentry::depth_address(),
            face.fresh_until.as_ptr() as u32,
        ]
    }

    /// A key's data (or `undefined`), its `dataUpdatedAt` and flags in the peek slot.
    #[wasm_bindgen(js_name = __peek)]
    pub fn peek(&self, hash: &str) -> JsValue {
        let inner = self.shared();
        let Ok(cache) = inner.cache_ref() else {
            inner.face.peek.set([0.0, PEEK_BUSY, 0.0, 0.0]);
            return JsValue::UNDEFINED;
        };
        let Some(q) = cache.get(hash) else {
            inner.face.peek.set([0.0, 0.0, 0.0, 0.0]);
            return JsValue::UNDEFINED;
        };
        let mut flags = PEEK_EXISTS;
        if q.state.has_data() {
            flags += PEEK_HAS_DATA;
        }
        if q.meta.hydrated {
            flags += PEEK_HYDRATED;
        }
        if q.state.is_invalidated {
            flags += PEEK_INVALIDATED;
        }
        let stale_time = match q.stale_time {
            StaleTime::Millis(ms) => ms,
            StaleTime::Infinity => f64::INFINITY,
            StaleTime::Static => -1.0,
        };
        let gc_time = match q.gc_time {
            Duration::Millis(ms) => ms,
            Duration::Never => f64::INFINITY,
        };
        inner
            .face
            .peek
            .set([q.state.data_updated_at, flags, stale_time, gc_time]);
        q.state.data.clone().unwrap_or(JsValue::UNDEFINED)
    }

    /// Registers (a function) or removes (`undefined`) the face's watch of the cache:
    /// called each time the cache may change. It must only schedule work, never call
    /// back into the engine.
    #[wasm_bindgen(js_name = __watch)]
    pub fn watch_cache(&self, watch: Option<Function>) {
        let face = &self.shared().face;
        face.watched.set(watch.is_some());
        self.shared().keep_journal(watch.is_some());
        if let Ok(mut slot) = face.watch.try_borrow_mut() {
            *slot = watch;
        }
    }

    /// Marks keys as just used (LRU), oldest first.
    #[wasm_bindgen(js_name = __touch)]
    pub fn touch(&self, hashes: Vec<String>) {
        self.shared().touch_all(&hashes);
    }
}

/// The module's `WebAssembly.Memory`, where the face reads the slots.
#[wasm_bindgen(js_name = __memory)]
pub fn memory() -> JsValue {
    wasm_bindgen::memory()
}
