//! The observers mounted on each query, by query hash: whom a change of the query is
//! told to, and the soonest `staleTime` of the enabled ones (what the query's
//! `isStale()` and the `stale` filters ask; TanStack's: stale to any of them).
//!
//! Each observer's `staleTime` is kept beside it, taken when it mounts or is given new
//! options, and each query keeps the soonest with how many observers have it: with
//! thousands of components on one key (a list whose every row reads the signed-in user),
//! a mount or an unmount neither asks the observers nor reads them all.

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

/// The observers mounted on one query, in the order they mounted (the order they are
/// told in), with the soonest `staleTime` of the enabled ones and how many have it: a mount
/// or an unmount updates these at once, and the list is read again only when the last
/// observer with the soonest `staleTime` leaves or one changes its own. (`staleTime`s
/// compare with `==`: a NaN never gets here, the option checks refuse it.)
#[derive(Default)]
struct OnQuery {
    list: Vec<Mounted>,
    soonest: Option<StaleTime>,
    with_soonest: usize,
}

impl OnQuery {
    /// A mounted observer's `stale_time` now counts.
    fn count(&mut self, stale_time: Option<StaleTime>) {
        tally(&mut self.soonest, &mut self.with_soonest, stale_time);
    }

    /// An observer whose `stale_time` counted has left the list.
    fn uncount(&mut self, stale_time: Option<StaleTime>) {
        let (Some(time), Some(soonest)) = (stale_time, self.soonest) else {
            return;
        };
        if time == soonest {
            self.with_soonest = self.with_soonest.saturating_sub(1);
            if self.with_soonest == 0 {
                self.recount();
            }
        }
    }

    /// The soonest `staleTime` and its count, from the list.
    fn recount(&mut self) {
        let (mut soonest, mut with_soonest) = (None, 0);
        for m in &self.list {
            tally(&mut soonest, &mut with_soonest, m.stale_time);
        }
        (self.soonest, self.with_soonest) = (soonest, with_soonest);
    }
}

/// Counts `stale_time` into the soonest `staleTime` so far and how many have it.
fn tally(soonest: &mut Option<StaleTime>, with_soonest: &mut usize, stale_time: Option<StaleTime>) {
    let Some(time) = stale_time else { return };
    match *soonest {
        Some(s) if s == time => *with_soonest += 1,
        Some(s) if s.soonest(time) == s => {}
        _ => {
            *soonest = Some(time);
            *with_soonest = 1;
        }
    }
}

/// The mounted observers of a client's queries.
#[derive(Default)]
pub struct MountedObservers {
    by_hash: FxHashMap<String, OnQuery>,
}

impl MountedObservers {
    /// Counts `watcher` as mounted on `hash` (once), or takes its `staleTime` anew if it
    /// is already; `anew`: it is mounting, so it is not in the list (not looked for: with
    /// thousands on one key, that look was most of a mount). Gives the soonest
    /// `staleTime` of `hash`'s enabled observers after.
    pub fn mount(&mut self, hash: &str, watcher: Rc<dyn Watcher>, anew: bool) -> Option<StaleTime> {
        let stale_time = watcher.stale_time_if_enabled();
        if !self.by_hash.contains_key(hash) {
            self.by_hash.insert(hash.to_owned(), OnQuery::default());
        }
        let on = self.by_hash.get_mut(hash)?;
        let at = address(&*watcher);
        let known = if anew {
            None
        } else {
            on.list.iter_mut().find(|m| m.at == at)
        };
        match known {
            Some(mounted) => {
                if std::mem::replace(&mut mounted.stale_time, stale_time) != stale_time {
                    on.recount();
                }
            }
            None => {
                on.list.push(Mounted {
                    at,
                    watcher,
                    stale_time,
                });
                on.count(stale_time);
            }
        }
        on.soonest
    }

    /// `watcher` is no longer mounted on `hash`. Gives the soonest `staleTime` of the
    /// enabled observers left (`None`: none).
    pub fn unmount(&mut self, hash: &str, watcher: &dyn Watcher) -> Option<StaleTime> {
        let on = self.by_hash.get_mut(hash)?;
        let at = address(watcher);
        // Observers tend to leave in the order they came (a list unmounting): looked for
        // from the front, and removed keeping the others' order.
        if let Some(i) = on.list.iter().position(|m| m.at == at) {
            let left = on.list.remove(i);
            on.uncount(left.stale_time);
        }
        if on.list.is_empty() {
            self.by_hash.remove(hash);
            return None;
        }
        on.soonest
    }

    /// Calls `observe(enabled)` for each observer mounted on `hash`; gives the soonest
    /// `staleTime` of the enabled ones (`None`: none).
    pub fn each_enabled(&self, hash: &str, mut observe: impl FnMut(bool)) -> Option<StaleTime> {
        let on = self.by_hash.get(hash)?;
        for m in &on.list {
            observe(m.stale_time.is_some());
        }
        on.soonest
    }

    /// The observers mounted on `hash`, to be told with nothing borrowed.
    pub fn of(&self, hash: &str) -> Vec<Rc<dyn Watcher>> {
        self.by_hash
            .get(hash)
            .map(|on| on.list.iter().map(|m| m.watcher.clone()).collect())
            .unwrap_or_default()
    }

    /// Every mounted observer.
    pub fn all(&self) -> Vec<Rc<dyn Watcher>> {
        self.by_hash
            .values()
            .flat_map(|on| &on.list)
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
