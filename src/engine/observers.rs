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
/// always changes its own query cannot spin forever).
pub fn notify<D: Clone>(shared: &Rc<Shared<D>>) {
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
