//! Recency order of the queries in L1, for the `maxEntries` bound.
//!
//! Each use of a query moves it to the back; eviction walks from the front and
//! skips what the caller says must stay (observed or fetching queries).

use std::collections::BTreeMap;
use std::rc::Rc;

/// Queries by last use, oldest first. A query's position is its last tick.
#[derive(Default, Debug)]
pub struct Lru {
    /// Keyed by `(tick, 0)`: the same map type as [`super::gc::GcSchedule`]'s, so wasm
    /// holds one copy of the B-tree code instead of two.
    /// The hash is the allocation the cache's map keys the query by, shared.
    order: BTreeMap<(u64, u64), Rc<str>>,
    tick: u64,
}

impl Lru {
    /// Adds a query as the most recently used; returns its tick.
    pub fn insert(&mut self, hash: Rc<str>) -> u64 {
        self.tick += 1;
        self.order.insert((self.tick, 0), hash);
        self.tick
    }

    /// Marks the query at `tick` as used now; returns its new tick.
    pub fn touch(&mut self, tick: u64) -> u64 {
        match self.order.remove(&(tick, 0)) {
            Some(hash) => self.insert(hash),
            None => tick,
        }
    }

    /// Forgets the entry at `tick`.
    pub fn remove(&mut self, tick: u64) {
        self.order.remove(&(tick, 0));
    }

    /// Oldest first: up to `n` hashes for which `evictable` holds.
    pub fn oldest(&self, n: usize, mut evictable: impl FnMut(&str) -> bool) -> Vec<String> {
        self.order
            .values()
            .filter(|h| evictable(h))
            .take(n)
            .map(|h| h.to_string())
            .collect()
    }

    /// Forgets every entry.
    pub fn clear(&mut self) {
        self.order.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touching_moves_to_the_back() {
        let mut lru = Lru::default();
        let a = lru.insert("a".into());
        lru.insert("b".into());
        lru.insert("c".into());
        lru.touch(a);
        assert_eq!(lru.oldest(3, |_| true), ["b", "c", "a"]);
        assert_eq!(lru.oldest(1, |h| h != "b"), ["c"]);
    }
}
