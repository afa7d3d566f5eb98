//! What a client shares with its JS face through wasm memory and two callbacks: the
//! epoch the face's mirror is read at, the flag of its pending LRU touches, the count
//! of refused reads, the peek slot, an observer's last result's fresh-until instant, and the face's drain and watch functions. The
//! client moves the epoch on every borrow that may change the cache
//! ([`FaceSlots::changed`]); the calls that hand the slots to the face are
//! `face_link.rs`'s.

use std::cell::{Cell, RefCell};

use js_sys::{Array, Function};
use wasm_bindgen::JsValue;

/// What a client shares with its face.
#[derive(Default)]
pub struct FaceSlots {
    pub(super) epoch: Cell<u32>,
    /// Set by the face when it holds LRU touches the cache has not had yet.
    pub(super) pending: Cell<u32>,
    /// Reads of the cache refused because it was borrowed: a result computed meanwhile
    /// (a default in place of the query) is not one for the face to keep.
    pub(super) refused: Cell<u32>,
    /// `[dataUpdatedAt, flags, staleTime, gcTime]` of the last peek.
    pub(super) peek: Cell<[f64; 4]>,
    /// Until when the result an observer's `getCurrentResult()` just gave stays what it
    /// would give (its data turns stale then, under the observer's own `staleTime`).
    pub(super) fresh_until: Cell<f64>,
    pub(super) drain: RefCell<Option<Function>>,
    /// The face's QueryCache, told (synchronously, with nothing borrowed) each time the
    /// epoch moves while it has listeners: it schedules its own look at what changed.
    pub(super) watch: RefCell<Option<Function>>,
    pub(super) watched: Cell<bool>,
    /// A `WeakRef` of the face client, for the query function's `context.client`
    /// (held weakly: the client owns this memory).
    pub(super) client_ref: RefCell<JsValue>,
}

impl FaceSlots {
    /// The cache may change now: every mirrored answer is void.
    pub fn changed(&self) {
        self.epoch.set(self.epoch.get().wrapping_add(1));
        if self.watched.get() {
            if let Ok(watch) = self.watch.try_borrow() {
                if let Some(f) = watch.as_ref() {
                    let _ = f.call0(&JsValue::UNDEFINED);
                }
            }
        }
    }

    /// A read of the cache was refused (it was borrowed).
    pub fn refused(&self) {
        self.refused.set(self.refused.get().wrapping_add(1));
    }

    /// The face's pending LRU touches, oldest first (none when it has none).
    pub fn take_touches(&self) -> Vec<String> {
        if !self.has_touches() {
            return Vec::new();
        }
        self.pending.set(0);
        self.pending_touches()
    }

    /// Whether the face has raised its flag: touches are pending.
    pub fn has_touches(&self) -> bool {
        self.pending.get() != 0
    }

    /// The face's pending LRU touches (none when it has no face or they cannot be read).
    fn pending_touches(&self) -> Vec<String> {
        let Ok(drain) = self.drain.try_borrow() else {
            return Vec::new();
        };
        let Some(f) = drain.as_ref() else {
            return Vec::new();
        };
        match f.call0(&JsValue::UNDEFINED) {
            Ok(list) => Array::from(&list)
                .iter()
                .filter_map(|h| h.as_string())
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}
