//! Mutations paused for the network, and `client.resumePausedMutations()`.
//!
//! A mutation whose `mutationFn` may not run now (offline under `networkMode:
//! 'online'`, the default; or a retry while the page is hidden) waits with
//! `isPaused: true`, as TanStack's does, and goes on by itself when the reading
//! changes. While it waits it holds a [`PausedRun`], registered with its client: that is
//! how `resumePausedMutations()` finds what to wait for. The registration ends, and its
//! promise resolves, when the run's `mutationFn` has settled (or the run ended).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;

use super::client::{Inner, QueryClient};
use super::{managers, promise, reentry};

struct Entry {
    id: u64,
    /// Resolves when the run's `mutationFn` has settled.
    settled: Promise,
    /// Whether it waits now.
    paused: Rc<Cell<bool>>,
}

/// A client's registry of paused runs.
#[derive(Default)]
pub struct PausedMutations {
    entries: RefCell<Vec<Entry>>,
    next_id: Cell<u64>,
}

/// A run that has paused at least once: registered until dropped.
pub struct PausedRun {
    client: Rc<Inner>,
    id: u64,
    resolve: Option<Function>,
    paused: Rc<Cell<bool>>,
}

impl PausedRun {
    /// Registers a run that must wait now.
    pub fn register(client: &Rc<Inner>) -> PausedRun {
        let registry = &client.paused_mutations;
        let id = registry.next_id.get() + 1;
        registry.next_id.set(id);
        let mut resolve = None;
        let settled = Promise::new(&mut |r, _| resolve = Some(r));
        let paused = Rc::new(Cell::new(true));
        registry.entries.borrow_mut().push(Entry {
            id,
            settled,
            paused: paused.clone(),
        });
        PausedRun {
            client: client.clone(),
            id,
            resolve,
            paused,
        }
    }

    pub fn set_paused(&self, paused: bool) {
        self.paused.set(paused);
    }
}

impl Drop for PausedRun {
    fn drop(&mut self) {
        if let Ok(mut entries) = self.client.paused_mutations.entries.try_borrow_mut() {
            entries.retain(|e| e.id != self.id);
        }
        if let Some(resolve) = self.resolve.take() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }
}

#[wasm_bindgen]
impl QueryClient {
    /// TanStack's: when online, paused mutations look again now (they also do by
    /// themselves when the network returns); resolves when those paused at the call
    /// have run their `mutationFn`. Offline: resolves at once, nothing runs.
    #[wasm_bindgen(js_name = resumePausedMutations)]
    pub fn resume_paused_mutations(&self) -> Result<Promise, JsValue> {
        let _entered = reentry::enter("resumePausedMutations")?;
        let inner = self.inner()?;
        if !managers::is_online() {
            return Ok(Promise::resolve(&JsValue::UNDEFINED));
        }
        let waiting: Array = inner
            .paused_mutations
            .entries
            .borrow()
            .iter()
            .filter(|e| e.paused.get())
            .map(|e| JsValue::from(e.settled.clone()))
            .collect();
        managers::wake_waiting();
        Ok(promise::map(&Promise::all(&waiting), &inner.noop))
    }
}
