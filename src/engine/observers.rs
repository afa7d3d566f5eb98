//! Telling observers that their query changed.
//!
//! The cache records which observed queries changed ([`crate::core::QueryCache::take_changed`]);
//! after each step that may change the cache the engine calls [`notify`], which calls
//! each of their listeners once, with nothing borrowed, so a listener may read the
//! engine or change it (its changes are told on the next round).

use std::rc::Rc;

use super::shared::{Listener, Shared};

/// Calls the listeners of every observed query that changed since the last call.
/// Rounds repeat while listeners change more queries, at most 100 (a listener that
/// always changes its own query cannot spin forever). Called by a listener (through a
/// change it makes), it returns at once: the round under way tells that change next.
pub fn notify<D: Clone>(shared: &Rc<Shared<D>>) {
    if shared.notifying.replace(true) {
        return;
    }
    // Reset even if a listener panics (and the panic is caught).
    struct Reset<'a>(&'a std::cell::Cell<bool>);
    impl Drop for Reset<'_> {
        fn drop(&mut self) {
            self.0.set(false);
        }
    }
    let _reset = Reset(&shared.notifying);
    rounds(shared);
}

fn rounds<D: Clone>(shared: &Rc<Shared<D>>) {
    for _ in 0..100 {
        let mut changed = match shared.cache.try_borrow_mut() {
            Ok(mut cache) => cache.take_changed(),
            Err(_) => return,
        };
        if changed.is_empty() {
            return;
        }
        changed.sort_unstable();
        changed.dedup();
        let to_call: Vec<Listener> = {
            let listeners = shared.listeners.borrow();
            changed
                .iter()
                .filter_map(|h| listeners.get(h))
                .flat_map(|ls| ls.iter().map(|(_, l)| l.clone()))
                .collect()
        };
        for listener in to_call {
            listener();
        }
    }
}
