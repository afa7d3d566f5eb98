//! L2 as the engine sees it: a string key–value store with batched writes.
//!
//! The engine stores one envelope (`crate::core::persist::envelope`) per query under
//! `"{keyPrefix}:{hash}"`, the same keys and text the JS package writes, so a Rust app
//! and a JS page on one IndexedDB database or one Redis share their entries. Every call
//! may fail: the engine then carries on from L1 (a storage failure never fails a
//! query). [`MemoryStorage`] is here; IndexedDB and the remote store are in
//! `crate::host` (wasm32); an app's own store implements [`Storage`].

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use super::host::LocalBoxFuture;

/// Why a storage call failed. The message must never carry a secret (a token, a URL
/// password): the engine may show it to the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageError {
    /// What failed, in words (never a secret).
    pub message: String,
}

impl StorageError {
    /// An error saying `message`.
    pub fn new(message: impl Into<String>) -> StorageError {
        StorageError {
            message: message.into(),
        }
    }
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "storage failed: {}", self.message)
    }
}

impl std::error::Error for StorageError {}

/// One change in a batch of writes.
#[derive(Clone, Debug, PartialEq)]
pub enum StorageWrite {
    /// Store `value` under `key`; a store that can expire entries drops it after
    /// `ttl_ms` (others may keep it: the envelope's own expiry is checked on read).
    Put {
        /// The storage key.
        key: String,
        /// The text to store.
        value: String,
        /// How long the store may keep it, in milliseconds.
        ttl_ms: Option<f64>,
    },
    /// Remove what is stored under `key`.
    Delete {
        /// The storage key.
        key: String,
    },
}

/// A key–value store the engine persists queries to.
///
/// Futures are `'static` (clone what they need): the engine spawns them.
pub trait Storage {
    /// The value under `key`, `None` when there is none.
    fn get(&self, key: String) -> LocalBoxFuture<'static, Result<Option<String>, StorageError>>;
    /// Several values at once, in the order of `keys`. The default reads them one by one;
    /// a store with a batch read (an IndexedDB transaction, `MGET`) overrides it.
    fn get_many(
        &self,
        keys: Vec<String>,
    ) -> LocalBoxFuture<'static, Result<Vec<Option<String>>, StorageError>> {
        let reads: Vec<_> = keys.into_iter().map(|k| self.get(k)).collect();
        Box::pin(async move {
            let mut values = Vec::with_capacity(reads.len());
            for read in reads {
                values.push(read.await?);
            }
            Ok(values)
        })
    }
    /// Applies a batch of writes, in order (atomically where the store can).
    fn write(&self, batch: Vec<StorageWrite>) -> LocalBoxFuture<'static, Result<(), StorageError>>;
    /// Every key that starts with `prefix`.
    fn keys(&self, prefix: String) -> LocalBoxFuture<'static, Result<Vec<String>, StorageError>>;
}

/// A store in memory, shared by its clones: two clients given clones of one
/// `MemoryStorage` see each other's entries (as two tabs see one IndexedDB). Entries do
/// not expire by themselves; the envelope's expiry still applies on read.
#[derive(Clone, Default)]
pub struct MemoryStorage {
    entries: Rc<RefCell<BTreeMap<String, String>>>,
}

impl MemoryStorage {
    /// An empty store.
    pub fn new() -> MemoryStorage {
        MemoryStorage::default()
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.entries.borrow().len()
    }

    /// Whether it holds no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.borrow().is_empty()
    }

    /// The stored text under `key` (for inspection and tests).
    pub fn peek(&self, key: &str) -> Option<String> {
        self.entries.borrow().get(key).cloned()
    }
}

impl Storage for MemoryStorage {
    fn get(&self, key: String) -> LocalBoxFuture<'static, Result<Option<String>, StorageError>> {
        let value = self.entries.borrow().get(&key).cloned();
        Box::pin(async move { Ok(value) })
    }

    fn write(&self, batch: Vec<StorageWrite>) -> LocalBoxFuture<'static, Result<(), StorageError>> {
        let mut entries = self.entries.borrow_mut();
        for op in batch {
            match op {
                StorageWrite::Put { key, value, .. } => {
                    entries.insert(key, value);
                }
                StorageWrite::Delete { key } => {
                    entries.remove(&key);
                }
            }
        }
        Box::pin(async { Ok(()) })
    }

    fn keys(&self, prefix: String) -> LocalBoxFuture<'static, Result<Vec<String>, StorageError>> {
        let keys = self
            .entries
            .borrow()
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, _)| k.clone())
            .collect();
        Box::pin(async move { Ok(keys) })
    }
}
