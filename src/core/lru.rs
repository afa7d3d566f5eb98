//! Recency order of the queries in L1, for the `maxEntries` bound.
//!
//! Each use of a query moves it to the back; eviction walks from the front and
//! skips what the caller says must stay (observed or fetching queries). The order is
//! a [`List`] through the cache's slots: a use is two unlinks and a link, and a query
//! pays 8 bytes for its place.

use super::slab::{Linked, List, Slab};

/// The kind of the recency list (each query has a [`super::slab::Link`] for it).
#[derive(Debug)]
pub enum Recency {}

/// Queries by last use, oldest first.
#[derive(Default, Debug)]
pub struct Lru {
    order: List<Recency>,
}

impl Lru {
    /// Adds the query in slot `at` as the most recently used.
    pub fn insert<T: Linked<Recency>>(&mut self, slab: &mut Slab<T>, at: u32) {
        self.order.push_back(slab, at);
    }

    /// Marks the query in slot `at` (in the order) as used now.
    pub fn touch<T: Linked<Recency>>(&mut self, slab: &mut Slab<T>, at: u32) {
        if self.order.last() != Some(at) {
            self.order.unlink(slab, at);
            self.order.push_back(slab, at);
        }
    }

    /// Forgets the query in slot `at` (in the order).
    pub fn remove<T: Linked<Recency>>(&mut self, slab: &mut Slab<T>, at: u32) {
        self.order.unlink(slab, at);
    }

    /// Oldest first: up to `n` slots whose query `evictable` accepts (given its slot).
    pub fn oldest<T: Linked<Recency>>(
        &self,
        slab: &Slab<T>,
        n: usize,
        mut evictable: impl FnMut(u32, &T) -> bool,
    ) -> Vec<u32> {
        let mut out = Vec::new();
        let mut at = self.order.first();
        while let Some(a) = at {
            if out.len() >= n {
                break;
            }
            if slab.get(a).is_some_and(|e| evictable(a, e)) {
                out.push(a);
            }
            at = List::next(slab, a);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::slab::Link;
    use super::*;

    struct Q(&'static str, Link);

    impl Linked<Recency> for Q {
        fn link(&self) -> &Link {
            &self.1
        }
        fn link_mut(&mut self) -> &mut Link {
            &mut self.1
        }
    }

    #[test]
    fn touching_moves_to_the_back() {
        let mut slab = Slab::default();
        let mut lru = Lru::default();
        let [a, b, c] = ["a", "b", "c"].map(|n| slab.insert(Q(n, Link::default())));
        for at in [a, b, c] {
            lru.insert(&mut slab, at);
        }
        lru.touch(&mut slab, a);
        lru.touch(&mut slab, a);
        fn names(slab: &Slab<Q>, v: Vec<u32>) -> Vec<&'static str> {
            v.iter()
                .filter_map(|&at| slab.get(at))
                .map(|q| q.0)
                .collect()
        }
        assert_eq!(
            names(&slab, lru.oldest(&slab, 3, |_, _| true)),
            ["b", "c", "a"]
        );
        assert_eq!(names(&slab, lru.oldest(&slab, 1, |_, q| q.0 != "b")), ["c"]);
        lru.remove(&mut slab, c);
        assert_eq!(names(&slab, lru.oldest(&slab, 3, |_, _| true)), ["b", "a"]);
    }
}
