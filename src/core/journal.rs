//! The cache's journal: which queries may have changed (state, observers, options) since
//! the host last asked, kept only while the host wants it (the JS face's `QueryCache`
//! turns it on while it has listeners or callbacks, and then looks at those queries
//! alone instead of every query). Past [`Journal::LIMIT`] entries it stops recording and
//! says so: the host then looks at everything once.

use std::collections::HashMap;
use std::rc::Rc;

use super::fxhash::FxBuild;

/// What the journal holds when taken.
#[derive(Debug, PartialEq, Eq)]
pub enum Changed {
    /// These hashes (each once, in the order they first changed).
    Hashes(Vec<String>),
    /// Too many to list (or the cache was cleared): look at every query.
    Everything,
}

#[derive(Default)]
/// The hashes of the queries that may have changed, while someone keeps it (a watching `QueryCache`); overflows to "everything".
pub struct Journal {
    on: bool,
    overflowed: bool,
    hashes: Vec<String>,
}

impl Journal {
    /// Entries kept before the journal gives up listing them.
    pub const LIMIT: usize = 4096;

    /// Starts (or stops) keeping the journal; either way it starts empty.
    pub fn keep(&mut self, on: bool) {
        self.on = on;
        self.overflowed = false;
        self.hashes = Vec::new();
    }

    /// `hash` may have changed.
    pub fn record(&mut self, hash: &str) {
        if !self.on || self.overflowed {
            return;
        }
        if self.hashes.last().is_some_and(|h| h == hash) {
            return; // the common run of changes to one query
        }
        if self.hashes.len() >= Self::LIMIT {
            self.everything();
            return;
        }
        self.hashes.push(hash.to_owned());
    }

    /// Every query may have changed (the cache was cleared, say).
    pub fn everything(&mut self) {
        if self.on {
            self.overflowed = true;
            self.hashes = Vec::new();
        }
    }

    /// What changed since the last take; the journal starts again empty. `None` when it
    /// is not kept.
    pub fn take(&mut self) -> Option<Changed> {
        if !self.on {
            return None;
        }
        if std::mem::take(&mut self.overflowed) {
            return Some(Changed::Everything);
        }
        // Keyed as the cache's index is (`Rc<str>` → `u32`): the one map type serves both,
        // so the `.wasm` carries its code once.
        let mut seen: HashMap<Rc<str>, u32, FxBuild> = HashMap::default();
        let mut hashes = std::mem::take(&mut self.hashes);
        hashes.retain(|h| seen.insert(Rc::from(h.as_str()), 0).is_none());
        Some(Changed::Hashes(hashes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_recorded_until_the_host_keeps_the_journal() {
        let mut j = Journal::default();
        j.record("a");
        assert_eq!(j.take(), None);
        j.keep(true);
        j.record("a");
        assert_eq!(j.take(), Some(Changed::Hashes(vec!["a".into()])));
        j.keep(false);
        j.record("b");
        assert_eq!(j.take(), None);
    }

    #[test]
    fn each_hash_is_listed_once_in_the_order_it_first_changed_and_taking_empties_it() {
        let mut j = Journal::default();
        j.keep(true);
        for h in ["b", "b", "a", "b", "c", "a"] {
            j.record(h);
        }
        assert_eq!(
            j.take(),
            Some(Changed::Hashes(vec!["b".into(), "a".into(), "c".into()]))
        );
        assert_eq!(j.take(), Some(Changed::Hashes(vec![])));
    }

    #[test]
    fn past_the_limit_or_after_a_clear_it_asks_for_a_look_at_everything_once() {
        let mut j = Journal::default();
        j.keep(true);
        for i in 0..=Journal::LIMIT {
            j.record(&i.to_string());
        }
        assert_eq!(j.take(), Some(Changed::Everything));
        j.record("x");
        assert_eq!(j.take(), Some(Changed::Hashes(vec!["x".into()])));
        j.record("y");
        j.everything();
        j.record("z");
        assert_eq!(j.take(), Some(Changed::Everything));
        assert_eq!(j.take(), Some(Changed::Hashes(vec![])));
    }
}
