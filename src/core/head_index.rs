//! Queries by the first element of their key, so that a prefix filter
//! (`invalidateQueries({ queryKey: ['todos'] })`) looks only at the queries it can
//! match instead of at every query in the cache.
//!
//! Only primitive first elements are indexed: a filter whose first element is a
//! string, number, boolean, `null` or `undefined` matches a query only when the
//! query's first element is that same value (`===`, TanStack's `partialMatchKey`).
//! Object and array first elements match partially, so such filters scan. A query
//! whose key the cache keeps as its hash alone ([`super::key::hash_is_key`]) is
//! indexed by the hash's first element, which is the key's, written as JSON.

use std::collections::{HashMap, HashSet};

use super::fxhash::FxBuild;
use super::key::{first_element_text, short_integer, write_json_string, KeyValue};

/// A primitive first element, as the index compares it.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Head {
    Undefined,
    Null,
    Bool(bool),
    /// The number's bits, with -0 as 0 (`-0 === 0`). NaN is indexed but never
    /// equal to a filter's NaN by the full match that follows.
    Number(u64),
    /// The string as JSON text (quoted and escaped), as a hash writes it.
    String(String),
}

fn number(n: f64) -> Head {
    Head::Number(if n == 0.0 { 0 } else { n.to_bits() })
}

impl Head {
    fn of(key: &[KeyValue]) -> Option<Head> {
        Some(match key.first()? {
            KeyValue::Undefined => Head::Undefined,
            KeyValue::Null => Head::Null,
            KeyValue::Bool(b) => Head::Bool(*b),
            KeyValue::Number(n) => number(*n),
            KeyValue::String(s) => {
                let mut json = String::with_capacity(s.len() + 2);
                write_json_string(&mut json, s);
                Head::String(json)
            }
            KeyValue::Array(_) | KeyValue::Object(_) => return None,
        })
    }

    /// The head of a key kept as its hash alone ([`super::key::hash_is_key`]): a
    /// string, a short integer or a boolean (such a hash holds no `null`).
    fn of_hash(hash: &str) -> Option<Head> {
        let text = first_element_text(hash)?;
        Some(match text.as_bytes().first()? {
            b'"' => Head::String(text.to_owned()),
            b't' => Head::Bool(true),
            b'f' => Head::Bool(false),
            b'n' => Head::Null,
            b'[' | b'{' => return None,
            _ => number(short_integer(text.as_bytes())?),
        })
    }
}

/// Where a query's head comes from: its key, or its hash when no key is kept.
pub enum KeyOf<'a> {
    /// The key itself.
    Key(&'a [KeyValue]),
    /// The hash of a key kept as its hash alone.
    Hash(&'a str),
}

impl KeyOf<'_> {
    fn head(&self) -> Option<Head> {
        match self {
            KeyOf::Key(key) => Head::of(key),
            KeyOf::Hash(hash) => Head::of_hash(hash),
        }
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
    pub fn insert(&mut self, at: u32, key: KeyOf) {
        if let Some(head) = key.head() {
            self.by_head.entry(head).or_default().insert(at);
        }
    }

    /// Removes the query in slot `at` with `key`.
    pub fn remove(&mut self, at: u32, key: KeyOf) {
        let Some(head) = key.head() else { return };
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
    use super::super::key::{hash_is_key, hash_key};
    use super::*;

    fn sorted(mut v: Vec<u32>) -> Vec<u32> {
        v.sort_unstable();
        v
    }

    #[test]
    fn a_primitive_head_finds_exactly_the_queries_under_it() {
        let mut ix = HeadIndex::default();
        let a1 = [KeyValue::str("todos"), KeyValue::Number(1.0)];
        ix.insert(1, KeyOf::Key(&a1));
        ix.insert(
            2,
            KeyOf::Key(&[KeyValue::str("todos"), KeyValue::Number(2.0)]),
        );
        ix.insert(3, KeyOf::Key(&[KeyValue::str("users")]));
        ix.insert(4, KeyOf::Key(&[KeyValue::Number(-0.0)]));
        let found = ix.candidates(&[KeyValue::str("todos")]).unwrap();
        assert_eq!(sorted(found), [1, 2]);
        assert_eq!(
            ix.candidates(&[KeyValue::Number(0.0)]).unwrap(),
            [4],
            "-0 === 0"
        );
        assert!(ix.candidates(&[KeyValue::str("none")]).unwrap().is_empty());
        ix.remove(1, KeyOf::Key(&a1));
        assert_eq!(ix.candidates(&[KeyValue::str("todos")]).unwrap(), [2]);
    }

    #[test]
    fn a_key_kept_as_its_hash_has_the_head_its_key_has() {
        let keys = [
            vec![KeyValue::str("to\"d\u{1}os"), KeyValue::Number(1.0)],
            vec![KeyValue::Number(-12.0)],
            vec![KeyValue::Number(0.0)],
            vec![KeyValue::Bool(true), KeyValue::Null],
            vec![KeyValue::Bool(false)],
            vec![KeyValue::Object(vec![]), KeyValue::str("x")],
            vec![KeyValue::Array(vec![KeyValue::str("x")])],
            vec![],
        ];
        for key in keys {
            let hash = hash_key(&key);
            assert!(
                Head::of_hash(&hash) == Head::of(&key),
                "{hash} (kept as its hash alone: {})",
                hash_is_key(&hash)
            );
        }
    }

    #[test]
    fn object_heads_and_empty_prefixes_scan() {
        let mut ix = HeadIndex::default();
        ix.insert(1, KeyOf::Key(&[KeyValue::Object(vec![])]));
        ix.insert(2, KeyOf::Hash("[{}]"));
        assert!(ix.candidates(&[KeyValue::Object(vec![])]).is_none());
        assert!(ix.candidates(&[]).is_none());
    }
}
