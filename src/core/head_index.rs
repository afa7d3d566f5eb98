//! Queries by the first element of their key, so that a prefix filter
//! (`invalidateQueries({ queryKey: ['todos'] })`) looks only at the queries it can
//! match instead of at every query in the cache.
//!
//! Only primitive first elements are indexed: a filter whose first element is a
//! string, number, boolean, `null` or `undefined` matches a query only when the
//! query's first element is that same value (`===`, TanStack's `partialMatchKey`).
//! Object and array first elements match partially, so such filters scan.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

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
    /// The hashes are the allocations the cache's map keys the queries by, shared.
    by_head: HashMap<Head, HashSet<Rc<str>, FxBuild>, FxBuild>,
}

impl HeadIndex {
    /// Adds the query `hash` with `key`.
    pub fn insert(&mut self, hash: Rc<str>, key: &[KeyValue]) {
        if let Some(head) = Head::of(key) {
            self.by_head.entry(head).or_default().insert(hash);
        }
    }

    /// Removes the query `hash` with `key`.
    pub fn remove(&mut self, hash: &str, key: &[KeyValue]) {
        let Some(head) = Head::of(key) else { return };
        if let Some(set) = self.by_head.get_mut(&head) {
            set.remove(hash);
            if set.is_empty() {
                self.by_head.remove(&head);
            }
        }
    }

    /// The hashes a filter on `prefix` can match (each still to be checked in full);
    /// `None` when the index cannot tell and every query must be looked at.
    pub fn candidates<'a>(&'a self, prefix: &[KeyValue]) -> Option<Vec<&'a str>> {
        let head = Head::of(prefix)?;
        Some(
            self.by_head
                .get(&head)
                .map(|s| s.iter().map(|h| &**h).collect())
                .unwrap_or_default(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(parts: &[KeyValue]) -> Vec<KeyValue> {
        parts.to_vec()
    }

    #[test]
    fn a_primitive_head_finds_exactly_the_queries_under_it() {
        let mut ix = HeadIndex::default();
        ix.insert(
            "a1".into(),
            &key(&[KeyValue::str("todos"), KeyValue::Number(1.0)]),
        );
        ix.insert(
            "a2".into(),
            &key(&[KeyValue::str("todos"), KeyValue::Number(2.0)]),
        );
        ix.insert("b".into(), &key(&[KeyValue::str("users")]));
        ix.insert("z".into(), &key(&[KeyValue::Number(-0.0)]));
        let mut found = ix.candidates(&[KeyValue::str("todos")]).unwrap();
        found.sort();
        assert_eq!(found, vec!["a1", "a2"]);
        assert_eq!(
            ix.candidates(&[KeyValue::Number(0.0)]).unwrap(),
            vec!["z"],
            "-0 === 0"
        );
        assert!(ix.candidates(&[KeyValue::str("none")]).unwrap().is_empty());
        ix.remove("a1", &key(&[KeyValue::str("todos"), KeyValue::Number(1.0)]));
        assert_eq!(
            ix.candidates(&[KeyValue::str("todos")]).unwrap(),
            vec!["a2"]
        );
    }

    #[test]
    fn object_heads_and_empty_prefixes_scan() {
        let mut ix = HeadIndex::default();
        ix.insert("o".into(), &key(&[KeyValue::Object(vec![])]));
        assert!(ix.candidates(&[KeyValue::Object(vec![])]).is_none());
        assert!(ix.candidates(&[]).is_none());
    }
}
