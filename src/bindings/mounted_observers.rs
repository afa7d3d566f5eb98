//! The observers mounted on each query, by query hash: whom a change of the query is
//! told to, and the soonest `staleTime` of the enabled ones (what the query's
//! `isStale()` and the `stale` filters ask; TanStack's: stale to any of them).
//!
//! Each observer's `staleTime` is kept beside it, taken when it mounts or is given new
//! options, so finding the soonest reads a list of numbers and asks no observer: with
//! hundreds of components on one key, a mount or an unmount stays a few microseconds.

use std::rc::Rc;

use super::watcher::Watcher;
use crate::core::fxhash::FxHashMap;
use crate::core::staleness::StaleTime;

/// One mounted observer and what it counts toward its query's staleness.
struct Mounted {
    /// Its address, what it is known by (comparing `Rc<dyn Watcher>`s would read each one's vtable).
    at: *const (),
    watcher: Rc<dyn Watcher>,
    /// Its `staleTime` while enabled (`None`: disabled), as of its mount or last options.
    stale_time: Option<StaleTime>,
}

/// The mounted observers of a client's queries.
#[derive(Default)]
pub struct MountedObservers {
    by_hash: FxHashMap<String, Vec<Mounted>>,
}

impl MountedObservers {
    /// Counts `watcher` as mounted on `hash` (once), or takes its `staleTime` anew if it
    /// is already. Gives the soonest `staleTime` of `hash`'s enabled observers after.
    pub fn mount(&mut self, hash: &str, watcher: Rc<dyn Watcher>) -> Option<StaleTime> {
        let stale_time = watcher.stale_time_if_enabled();
        if !self.by_hash.contains_key(hash) {
            self.by_hash.insert(hash.to_owned(), Vec::new());
        }
        let list = self.by_hash.get_mut(hash)?;
        let at = address(&*watcher);
        match list.iter_mut().find(|m| m.at == at) {
            Some(mounted) => mounted.stale_time = stale_time,
            None => list.push(Mounted {
                at,
                watcher,
                stale_time,
            }),
        }
        soonest(list)
    }

    /// `watcher` is no longer mounted on `hash`. Gives the soonest `staleTime` of the
    /// enabled observers left (`None`: none).
    pub fn unmount(&mut self, hash: &str, watcher: &dyn Watcher) -> Option<StaleTime> {
        let list = self.by_hash.get_mut(hash)?;
        let at = address(watcher);
        list.retain(|m| m.at != at);
        if list.is_empty() {
            self.by_hash.remove(hash);
            return None;
        }
        soonest(list)
    }

    /// Calls `observe(enabled)` for each observer mounted on `hash`; gives the soonest
    /// `staleTime` of the enabled ones (`None`: none).
    pub fn each_enabled(&self, hash: &str, mut observe: impl FnMut(bool)) -> Option<StaleTime> {
        let list = self.by_hash.get(hash)?;
        for m in list {
            observe(m.stale_time.is_some());
        }
        soonest(list)
    }

    /// The observers mounted on `hash`, to be told with nothing borrowed.
    pub fn of(&self, hash: &str) -> Vec<Rc<dyn Watcher>> {
        self.by_hash
            .get(hash)
            .map(|list| list.iter().map(|m| m.watcher.clone()).collect())
            .unwrap_or_default()
    }

    /// Every mounted observer.
    pub fn all(&self) -> Vec<Rc<dyn Watcher>> {
        self.by_hash
            .values()
            .flatten()
            .map(|m| m.watcher.clone())
            .collect()
    }

    /// Every mounted observer, none mounted after.
    pub fn take_all(&mut self) -> Vec<Rc<dyn Watcher>> {
        let all = self.all();
        self.by_hash.clear();
        all
    }
}

fn address(watcher: &dyn Watcher) -> *const () {
    (watcher as *const dyn Watcher).cast()
}

fn soonest(list: &[Mounted]) -> Option<StaleTime> {
    list.iter()
        .filter_map(|m| m.stale_time)
        .reduce(StaleTime::soonest)
}
