//! `persistMaxBytes`: how many bytes a client's namespace may hold in L2, and which
//! entries go when it holds more.
//!
//! The budget knows each entry's size (the length of its stored text) and when it was
//! last used: written or read by this client, or, for an entry an earlier session left,
//! the time its data was stamped with. It learns the stored entries once
//! ([`ByteBudget::load`], the host lists the namespace) and then follows every write,
//! removal and read. After a batch is written, [`ByteBudget::evictions`] names the
//! least recently used entries to delete until the total is back under the limit; an
//! entry is never named twice, so eviction cannot loop.
//!
//! Sizes are estimates where the host cannot tell bytes cheaply (an entry read back
//! counts its UTF-16 length, which equals its UTF-8 length for ASCII JSON). The limit
//! is a soft one: it holds after each batch, not during it.

use crate::core::fxhash::FxHashMap;

/// One entry as the budget sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Sized {
    bytes: usize,
    /// When it was last written or read (ms since the epoch).
    used_at: f64,
}

/// The byte limit of one namespace and what it holds.
#[derive(Debug)]
pub struct ByteBudget {
    max: usize,
    entries: FxHashMap<String, Sized>,
    total: usize,
    loaded: bool,
}

impl ByteBudget {
    /// A budget of `max` bytes.
    pub fn new(max: usize) -> ByteBudget {
        ByteBudget {
            max,
            entries: FxHashMap::default(),
            total: 0,
            loaded: false,
        }
    }

    /// The budget, in bytes.
    pub fn max(&self) -> usize {
        self.max
    }

    /// Bytes the namespace holds, as far as the budget knows.
    pub fn total(&self) -> usize {
        self.total
    }

    /// Whether the stored entries have been learned ([`ByteBudget::load`]).
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// Learns what the namespace held before this client wrote: `(hash, bytes,
    /// updated_at)` per stored entry. What this client has written or read since
    /// counts as it already knows it.
    pub fn load(&mut self, stored: impl IntoIterator<Item = (String, usize, f64)>) {
        for (hash, bytes, updated_at) in stored {
            if !self.entries.contains_key(&hash) {
                self.total += bytes;
                self.entries.insert(
                    hash,
                    Sized {
                        bytes,
                        used_at: updated_at,
                    },
                );
            }
        }
        self.loaded = true;
    }

    /// An entry of `bytes` was written for `hash` at `now`.
    pub fn wrote(&mut self, hash: &str, bytes: usize, now: f64) {
        self.removed(hash);
        self.total += bytes;
        self.entries.insert(
            hash.to_owned(),
            Sized {
                bytes,
                used_at: now,
            },
        );
    }

    /// The entry for `hash` was deleted.
    pub fn removed(&mut self, hash: &str) {
        if let Some(old) = self.entries.remove(hash) {
            self.total -= old.bytes;
        }
    }

    /// The entry for `hash`, of `bytes`, was read at `now` (it is used: evicted last).
    /// Read before the namespace was learned, it is known from now on.
    pub fn read(&mut self, hash: &str, bytes: usize, now: f64) {
        match self.entries.get_mut(hash) {
            Some(e) => e.used_at = e.used_at.max(now),
            None => {
                self.total += bytes;
                let used_at = now;
                self.entries
                    .insert(hash.to_owned(), Sized { bytes, used_at });
            }
        }
    }

    /// The least recently used entries to delete until the namespace is within the
    /// limit, oldest first; they are forgotten at once (each is named once).
    pub fn evictions(&mut self) -> Vec<String> {
        if self.total <= self.max {
            return Vec::new();
        }
        let mut by_age: Vec<(f64, &String, usize)> = self
            .entries
            .iter()
            .map(|(h, e)| (e.used_at, h, e.bytes))
            .collect();
        by_age.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        let mut over = self.total - self.max;
        let mut out = Vec::new();
        for (_, hash, bytes) in by_age {
            if over == 0 {
                break;
            }
            over = over.saturating_sub(bytes);
            out.push(hash.clone());
        }
        for hash in &out {
            self.removed(hash);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_the_limit_nothing_goes() {
        let mut b = ByteBudget::new(100);
        b.wrote("a", 60, 1.0);
        b.wrote("b", 40, 2.0);
        assert_eq!(b.total(), 100);
        assert!(b.evictions().is_empty());
    }

    #[test]
    fn the_least_recently_used_go_first_until_under_the_limit() {
        let mut b = ByteBudget::new(100);
        b.wrote("a", 40, 1.0);
        b.wrote("b", 40, 2.0);
        b.wrote("c", 40, 3.0);
        b.read("a", 40, 4.0); // a is used again: b is now the oldest
        b.wrote("d", 30, 5.0);
        assert_eq!(b.evictions(), vec!["b".to_owned(), "c".to_owned()]);
        assert_eq!(b.total(), 70);
        assert!(b.evictions().is_empty(), "each entry is named once");
    }

    #[test]
    fn rewriting_an_entry_replaces_its_size() {
        let mut b = ByteBudget::new(100);
        b.wrote("a", 90, 1.0);
        b.wrote("a", 10, 2.0);
        assert_eq!(b.total(), 10);
        b.removed("a");
        assert_eq!(b.total(), 0);
        b.removed("a");
        assert_eq!(b.total(), 0, "removing twice counts once");
    }

    #[test]
    fn entries_of_earlier_sessions_count_by_their_stamp_and_do_not_override_newer_knowledge() {
        let mut b = ByteBudget::new(60);
        b.wrote("mine", 30, 10.0);
        b.read("seen", 10, 11.0);
        assert!(!b.is_loaded());
        b.load([
            ("old".to_owned(), 30, 1.0),
            ("mine".to_owned(), 999, 0.0),
            ("older".to_owned(), 5, 0.5),
            ("seen".to_owned(), 10, 0.1),
        ]);
        assert!(b.is_loaded());
        assert_eq!(b.total(), 75);
        assert_eq!(b.evictions(), vec!["older".to_owned(), "old".to_owned()]);
        assert_eq!(
            b.total(),
            40,
            "what was read before the load is kept as used then"
        );
    }

    #[test]
    fn an_entry_over_the_whole_limit_is_evicted_too() {
        let mut b = ByteBudget::new(10);
        b.wrote("small", 5, 1.0);
        b.wrote("huge", 50, 2.0);
        assert_eq!(b.evictions(), vec!["small".to_owned(), "huge".to_owned()]);
        assert_eq!(b.total(), 0);
    }
}
