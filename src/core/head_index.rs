//! Queries by the first element of their key, so that a prefix filter
//! (`invalidateQueries({ queryKey: ['todos'] })`) looks only at the queries it can
//! match instead of at every query in the cache.
//!
//! Only primitive first elements are indexed: a filter whose first element is a
//! string, number, boolean, `null` or `undefined` matches a query only when the
//! query's first element is that same value (`===`, TanStack's `partialMatchKey`).
//! Object and array first elements match partially, so such filters scan.

use std::collections::{HashMap, HashSet};

use super::fxhash::FxBuild;
use super::key::KeyValue;

/// A primitive first element, as the index compares it.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Head {
    Undefined,
    Null,
    Bool(bool),
    /// The number's bits, with -0 as 0 (`-0 === 0`). NaN is indexed but never
    /// equal to a filter's NaN by the full match that follows.
    Number(u64),
    String(String),
}

impl Head {
    fn of(key: &[KeyValue]) -> Option<Head> {
        Some(match key.first()? {
            KeyValue::Undefined => Head::Undefined,
            KeyValue::Null => Head::Null,
            KeyValue::Bool(b) => Head::Bool(*b),
            KeyValue::Number(n) => Head::Number(if *n == 0.0 { 0 } else { n.to_bits() }),
            KeyValue::String(s) => Head::String(s.clone()),
            KeyValue::Array(_) | KeyValue::Object(_) => return None,
        })
    }
}

#[derive(Default)]
/// Queries by the first element of their key, so a prefix filter looks at those only.
pub struct HeadIndex {
    /// The queries by their slot in the cache (4 bytes each).
    by_head: HashMap<Head, HashSet<u32, FxBuild>, FxBuild>,
}

impl HeadIndex {
    /// Adds the query in slot `at` with `key`.
    pub fn insert(&mut self, at: u32, key: &[KeyValue]) {
        if let Some(head) = Head::of(key) {
            self.by_head.entry(head).or_default().insert(at);
        }
    }

    /// Removes the query in slot `at` with `key`.
    pub fn remove(&mut self, at: u32, key: &[KeyValue]) {
        let Some(head) = Head::of(key) else { return };
        if let Some(set) = self.by_head.get_mut(&head) {
            set.remove(&at);
            if set.is_empty() {
                self.by_head.remove(&head);
            }
        }
    }

    /// The slots of the queries a filter on `prefix` can match (each still to be
    /// checked in full); `None` when the index cannot tell and every query must be
    /// looked at.
    pub fn candidates(&self, prefix: &[KeyValue]) -> Option<Vec<u32>> {
        let head = Head::of(prefix)?;
        Some(
            self.by_head
                .get(&head)
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(mut v: Vec<u32>) -> Vec<u32> {
        v.sort_unstable();
        v
    }

    #[test]
    fn a_primitive_head_finds_exactly_the_queries_under_it() {
        let mut ix = HeadIndex::default();
        let a1 = [KeyValue::str("todos"), KeyValue::Number(1.0)];
        ix.insert(1, &a1);
        ix.insert(2, &[KeyValue::str("todos"), KeyValue::Number(2.0)]);
        ix.insert(3, &[KeyValue::str("users")]);
        ix.insert(4, &[KeyValue::Number(-0.0)]);
        let found = ix.candidates(&[KeyValue::str("todos")]).unwrap();
        assert_eq!(sorted(found), [1, 2]);
        assert_eq!(
            ix.candidates(&[KeyValue::Number(0.0)]).unwrap(),
            [4],
            "-0 === 0"
        );
        assert!(ix.candidates(&[KeyValue::str("none")]).unwrap().is_empty());
        ix.remove(1, &a1);
        assert_eq!(ix.candidates(&[KeyValue::str("todos")]).unwrap(), [2]);
    }

    #[test]
    fn object_heads_and_empty_prefixes_scan() {
        let mut ix = HeadIndex::default();
        ix.insert(1, &[KeyValue::Object(vec![])]);
        assert!(ix.candidates(&[KeyValue::Object(vec![])]).is_none());
        assert!(ix.candidates(&[]).is_none());
    }
}
