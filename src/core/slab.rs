//! Where the cache keeps its queries: each boxed in a numbered slot (a freed slot is
//! used again), and threaded on intrusive doubly linked lists ([`List`]) through
//! those slots: the LRU order ([`super::lru`]) and the GC deadlines ([`super::gc`]).
//!
//! A list costs each entry two slot numbers ([`Link`], 8 bytes) and nothing else: no
//! node of its own, no allocation, no ordered map. What the cache kept before (a
//! `BTreeMap` entry per query for each order) cost about 48 bytes per query and order
//! in wasm memory, B-tree nodes being two-thirds full when filled in order.

use std::marker::PhantomData;

/// No slot: the end of a list.
pub const NIL: u32 = u32::MAX;

/// Boxed entries in numbered slots.
#[derive(Debug)]
pub struct Slab<T> {
    slots: Vec<Option<Box<T>>>,
    /// Slots freed, to use again first.
    free: Vec<u32>,
    len: usize,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Slab<T> {
    /// Makes room for `additional` more values beyond the free slots.
    pub fn reserve(&mut self, additional: usize) {
        self.slots
            .reserve(additional.saturating_sub(self.free.len()));
    }

    /// Stores `value`; returns its slot.
    pub fn insert(&mut self, value: T) -> u32 {
        self.len += 1;
        let value = Some(Box::new(value));
        if let Some(at) = self.free.pop() {
            if let Some(slot) = self.slots.get_mut(at as usize) {
                *slot = value;
                return at;
            }
        }
        // Slots are 4 bytes each: wasm32 memory ends long before `NIL`.
        self.slots.push(value);
        (self.slots.len() - 1) as u32
    }

    /// Takes the value out of slot `at`, freeing the slot.
    pub fn remove(&mut self, at: u32) -> Option<T> {
        let value = self.slots.get_mut(at as usize)?.take()?;
        self.len -= 1;
        self.free.push(at);
        Some(*value)
    }

    /// The value in slot `at`.
    pub fn get(&self, at: u32) -> Option<&T> {
        self.slots.get(at as usize)?.as_deref()
    }

    /// The value in slot `at`, to change.
    pub fn get_mut(&mut self, at: u32) -> Option<&mut T> {
        self.slots.get_mut(at as usize)?.as_deref_mut()
    }

    /// How many values it holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every value with its slot, by slot.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(at, v)| Some((at as u32, v.as_deref()?)))
    }

    /// Every value, taken out (the slab is left empty, its memory given back).
    pub fn drain(&mut self) -> impl Iterator<Item = T> {
        self.free = Vec::new();
        self.len = 0;
        std::mem::take(&mut self.slots)
            .into_iter()
            .flatten()
            .map(|b| *b)
    }
}

/// An entry's place on one list: the slots before and after it ([`NIL`] at an end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    prev: u32,
    next: u32,
}

impl Default for Link {
    fn default() -> Self {
        Link {
            prev: NIL,
            next: NIL,
        }
    }
}

/// An entry that can be on a list of kind `K` (an entry has one [`Link`] per kind).
pub trait Linked<K> {
    /// Its place on the list of kind `K`.
    fn link(&self) -> &Link;
    /// The same, to change.
    fn link_mut(&mut self) -> &mut Link;
}

/// An intrusive doubly linked list of kind `K` through a [`Slab`]'s entries. The list
/// does not know which entries are on it: the owner must only unlink what it linked.
#[derive(Debug)]
pub struct List<K> {
    first: u32,
    last: u32,
    kind: PhantomData<fn() -> K>,
}

impl<K> Default for List<K> {
    fn default() -> Self {
        List {
            first: NIL,
            last: NIL,
            kind: PhantomData,
        }
    }
}

fn some(at: u32) -> Option<u32> {
    (at != NIL).then_some(at)
}

impl<K> List<K> {
    /// The first entry.
    pub fn first(&self) -> Option<u32> {
        some(self.first)
    }

    /// The last entry.
    pub fn last(&self) -> Option<u32> {
        some(self.last)
    }

    /// The entry after `at`.
    pub fn next<T: Linked<K>>(slab: &Slab<T>, at: u32) -> Option<u32> {
        some(slab.get(at)?.link().next)
    }

    /// The entry before `at`.
    pub fn prev<T: Linked<K>>(slab: &Slab<T>, at: u32) -> Option<u32> {
        some(slab.get(at)?.link().prev)
    }

    /// Links `at`, not on the list, right after `after` (`None`: first).
    pub fn insert_after<T: Linked<K>>(&mut self, slab: &mut Slab<T>, after: Option<u32>, at: u32) {
        let next = match after {
            Some(a) => slab.get(a).map_or(NIL, |e| e.link().next),
            None => self.first,
        };
        let prev = after.unwrap_or(NIL);
        let Some(e) = slab.get_mut(at) else { return };
        *e.link_mut() = Link { prev, next };
        match slab.get_mut(prev) {
            Some(p) => p.link_mut().next = at,
            None => self.first = at,
        }
        match slab.get_mut(next) {
            Some(n) => n.link_mut().prev = at,
            None => self.last = at,
        }
    }

    /// Links `at`, not on the list, last.
    pub fn push_back<T: Linked<K>>(&mut self, slab: &mut Slab<T>, at: u32) {
        self.insert_after(slab, self.last(), at);
    }

    /// Unlinks `at`, which is on the list.
    pub fn unlink<T: Linked<K>>(&mut self, slab: &mut Slab<T>, at: u32) {
        let Some(e) = slab.get_mut(at) else { return };
        let Link { prev, next } = std::mem::take(e.link_mut());
        match slab.get_mut(prev) {
            Some(p) => p.link_mut().next = next,
            None => self.first = next,
        }
        match slab.get_mut(next) {
            Some(n) => n.link_mut().prev = prev,
            None => self.last = prev,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    enum Order {}

    #[derive(Default)]
    struct E(u8, Link);

    impl Linked<Order> for E {
        fn link(&self) -> &Link {
            &self.1
        }
        fn link_mut(&mut self) -> &mut Link {
            &mut self.1
        }
    }

    fn items(list: &List<Order>, slab: &Slab<E>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut at = list.first();
        while let Some(a) = at {
            out.push(slab.get(a).map_or(0, |e| e.0));
            at = List::next(slab, a);
        }
        let mut back = Vec::new();
        let mut at = list.last();
        while let Some(a) = at {
            back.push(slab.get(a).map_or(0, |e| e.0));
            at = List::prev(slab, a);
        }
        back.reverse();
        assert_eq!(out, back, "both directions agree");
        out
    }

    #[test]
    fn slots_are_used_again_and_lists_keep_their_order() {
        let mut slab = Slab::default();
        let mut list = List::<Order>::default();
        let ids: Vec<u32> = (1..=4)
            .map(|i| slab.insert(E(i, Link::default())))
            .collect();
        for &at in &ids {
            list.push_back(&mut slab, at);
        }
        assert_eq!(items(&list, &slab), [1, 2, 3, 4]);
        list.unlink(&mut slab, ids[0]);
        list.unlink(&mut slab, ids[2]);
        list.unlink(&mut slab, ids[3]);
        assert_eq!(items(&list, &slab), [2]);
        list.insert_after(&mut slab, None, ids[3]);
        list.insert_after(&mut slab, Some(ids[1]), ids[0]);
        list.insert_after(&mut slab, Some(ids[3]), ids[2]);
        assert_eq!(items(&list, &slab), [4, 3, 2, 1]);
        list.unlink(&mut slab, ids[2]);
        assert_eq!(slab.remove(ids[2]).map(|e| e.0), Some(3));
        assert_eq!(slab.remove(ids[2]).map(|e| e.0), None, "already free");
        assert_eq!(slab.len(), 3);
        let again = slab.insert(E(5, Link::default()));
        assert_eq!(again, ids[2], "the freed slot is used again");
        list.push_back(&mut slab, again);
        assert_eq!(items(&list, &slab), [4, 2, 1, 5]);
        assert_eq!(
            slab.iter().map(|(_, e)| e.0).collect::<Vec<_>>(),
            [1, 2, 5, 4]
        );
        assert_eq!(slab.drain().count(), 4);
        assert!(slab.is_empty() && slab.get(0).is_none());
    }
}
