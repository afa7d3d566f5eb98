//! One client's share of a storage: its namespace, and the index that lets a storage
//! which cannot list its keys be emptied at log-out.
//!
//! An entry's storage key is `${keyPrefix}:${hash}`, and every hash is the JSON text of
//! an array, so it starts with `[`. A namespace is therefore exactly the keys starting
//! with `${keyPrefix}:[` ([`Namespace::entries`]): `clear()` for `keyPrefix: 'app'`
//! can never touch `app:admin`'s entries (they start with `app:admin:[`).
//!
//! A storage with only `get`/`set`/`delete` cannot be asked which keys it holds, so the
//! client keeps a list of the hashes it has written there, stored beside the entries
//! under [`Namespace::index_key`] (`${keyPrefix}:#index`, which is in no namespace:
//! it holds no `[`). The index is brought up to date *before* an entry with a new
//! hash is written (a crash in between leaves a listed hash with no entry, which is
//! harmless; the other order would leave an entry `clear()` cannot find), and it is
//! read, merged and rewritten each time, so clients taking turns on one storage
//! (sessions, processes, tabs) all add to it. `clear()` deletes every listed entry and
//! the index itself, including entries of earlier sessions that L1 never loaded.
//!
//! The stored index is text: a header line, then one hash per line. Hashes hold no raw
//! line breaks (JSON escapes them), so no escaping is needed; a line that is not a
//! hash is skipped.

use crate::core::text::text;

/// First line of a stored index.
const INDEX_HEADER: &str = "stackquery-index 1";

/// The storage keys of one `keyPrefix`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Namespace {
    /// `${keyPrefix}:`
    key_prefix: String,
}

impl Namespace {
    /// The namespace of a client with this `keyPrefix`.
    pub fn new(key_prefix: &str) -> Namespace {
        Namespace {
            key_prefix: text(&[key_prefix, ":"]),
        }
    }

    /// The storage key of the entry for `hash`.
    pub fn key(&self, hash: &str) -> String {
        text(&[&self.key_prefix, hash])
    }

    /// `${keyPrefix}:`, which every key of this namespace starts with (other
    /// namespaces' too: see [`Namespace::entries`]).
    pub fn prefix(&self) -> &str {
        &self.key_prefix
    }

    /// The prefix every entry key of this namespace starts with, and no other's does.
    pub fn entries(&self) -> String {
        entries_under(&self.key_prefix)
    }

    /// Where the index of a storage that cannot list keys is kept.
    pub fn index_key(&self) -> String {
        text(&[&self.key_prefix, "#index"])
    }

    /// The hash of an entry key of this namespace (`None` for any other key).
    pub fn hash_of<'a>(&self, storage_key: &'a str) -> Option<&'a str> {
        storage_key
            .strip_prefix(self.key_prefix.as_str())
            .filter(|h| h.starts_with('['))
    }
}

/// Query hashes in order, each once: what an index holds.
pub type Hashes = Vec<String>;

/// Adds `more` to the set `hashes`.
pub fn merge(hashes: &mut Hashes, more: impl IntoIterator<Item = String>) {
    hashes.extend(more);
    hashes.sort_unstable();
    hashes.dedup();
}

/// Whether the set `hashes` holds `hash`.
pub fn holds(hashes: &Hashes, hash: &str) -> bool {
    hashes.binary_search_by(|h| h.as_str().cmp(hash)).is_ok()
}

/// The prefix of the entry keys under `prefix` (`${keyPrefix}:`), and of no other's.
pub fn entries_under(prefix: &str) -> String {
    text(&[prefix, "["])
}

/// The stored form of an index.
pub fn encode_index<'a>(hashes: impl IntoIterator<Item = &'a String>) -> String {
    let mut out = String::from(INDEX_HEADER);
    for h in hashes {
        out.push('\n');
        out.push_str(h);
    }
    out
}

/// The hashes a stored index lists; anything else (another format, garbage) lists none.
pub fn decode_index(text: &str) -> Hashes {
    // Split by a predicate, not by the char '\n': that pattern's searcher (memchr) is
    // larger in the `.wasm`.
    #[allow(clippy::manual_pattern_char_comparison)]
    let mut lines = text.split(|c: char| c == '\n');
    if lines.next() != Some(INDEX_HEADER) {
        return Hashes::new();
    }
    let mut hashes = Hashes::new();
    merge(
        &mut hashes,
        lines.filter(|l| l.starts_with('[')).map(str::to_owned),
    );
    hashes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_of_prefixes_that_extend_each_other_never_overlap() {
        let app = Namespace::new("app");
        let admin = Namespace::new("app:admin");
        let admin_key = admin.key(r#"["users"]"#);
        assert_eq!(admin_key, r#"app:admin:["users"]"#);
        assert!(
            !admin_key.starts_with(&app.entries()),
            "app's clear misses app:admin"
        );
        assert!(app.key("[1]").starts_with(&app.entries()));
        assert_eq!(app.hash_of(&app.key("[1]")), Some("[1]"));
        assert_eq!(app.hash_of(&admin_key), None);
        for ns in [&app, &admin] {
            assert!(!ns.index_key().starts_with(&app.entries()));
            assert!(!ns.index_key().starts_with(&admin.entries()));
        }
        assert_ne!(app.index_key(), admin.index_key());
    }

    #[test]
    fn an_index_round_trips_and_garbage_lists_nothing() {
        let mut hashes = Hashes::new();
        merge(
            &mut hashes,
            [r#"["a",{"x":"1\n2"}]"#, "[2]", r#"["é"]"#, "[2]"].map(String::from),
        );
        assert_eq!(hashes.len(), 3, "each once");
        assert!(holds(&hashes, "[2]") && !holds(&hashes, "[3]"));
        let text = encode_index(&hashes);
        assert_eq!(decode_index(&text), hashes);
        assert!(decode_index("").is_empty());
        assert!(decode_index("[1]\n[2]").is_empty(), "no header");
        assert!(
            decode_index("stackquery-index 2\n[1]").is_empty(),
            "another version"
        );
        let mixed = format!("{INDEX_HEADER}\n[1]\n\nnot a hash\n[2]");
        assert_eq!(decode_index(&mixed).len(), 2);
        assert_eq!(encode_index(&Hashes::new()), INDEX_HEADER);
    }
}
