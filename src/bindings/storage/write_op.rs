//! What a batch written to L2 is made of: its ops ([`WriteOp`]) and, for a storage that
//! writes in the order tabs agree on ([`crate::core::persist::order`]), where each op
//! stands in that order ([`Order`]) and the context the batch is judged in ([`Ordered`]).
//!
//! The persister makes the batches; [`super::object::StorageObject`] hands them to the
//! storage's JS methods.

use wasm_bindgen::JsValue;

use crate::core::persist::order::{State, Version};

/// One change to L2, as a batch carries it.
#[derive(Clone)]
pub enum WriteOp {
    Put {
        key: String,
        /// The stored string, a JS string made by the envelope maker.
        value: JsValue,
        /// Its bytes of UTF-8 (where a byte budget counts them).
        bytes: usize,
        ttl_seconds: Option<f64>,
    },
    Delete {
        key: String,
    },
}

/// Where an op of a client's batch stands in the order tabs agree on
/// ([`crate::core::persist::order`]). A storage that can read and write in one atomic
/// step (IndexedDB) applies the op only where it does not lose to what is stored; the
/// others apply it as it is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Order {
    /// A put of data at this state (`State::Data`): only over older data or tombstones.
    Put(State),
    /// A removal at this version: deletes older data and leaves a tombstone that keeps
    /// older data from being written after it.
    Remove(Version),
    /// A delete of an entry found unusable: only while it still is.
    Purge,
}

impl Order {
    /// The four numbers the storage's `__writeInOrder` reads per op: a code, then a
    /// version and a flag. Codes: 0 a put of nothing, 1 a put of data (flag: stored
    /// invalidated), 2 a put of a removal, 3 a removal, 4 a purge.
    pub fn encode(&self) -> [f64; 4] {
        match *self {
            Order::Put(State::Nothing) => [0.0, f64::NAN, f64::NAN, 0.0],
            Order::Put(State::Data {
                version,
                invalidated,
            }) => [
                1.0,
                version.at,
                version.rev,
                f64::from(u8::from(invalidated)),
            ],
            Order::Put(State::Removed { version }) => [2.0, version.at, version.rev, 0.0],
            Order::Remove(version) => [3.0, version.at, version.rev, 0.0],
            Order::Purge => [4.0, 0.0, 0.0, 0.0],
        }
    }

    /// The version the op writes (data, or a removal), if any.
    pub fn version(&self) -> Option<Version> {
        match self {
            Order::Put(state) => state.version(),
            Order::Remove(version) => Some(*version),
            Order::Purge => None,
        }
    }
}

/// The newest version a batch writes, if any: what a tab writing alone tells the store
/// (`raised` of [`StorageObject::write`]), so that the order's fast path stays sound.
///
/// [`StorageObject::write`]: super::object::StorageObject::write
pub fn greatest(order: &[Order]) -> Option<Version> {
    order
        .iter()
        .filter_map(Order::version)
        .max_by(|a, b| a.compare(b))
}

/// The context of an ordered batch: the client's namespace (`${keyPrefix}:`), its
/// buster and the time, for judging what is stored as a reader would.
pub struct Ordered<'a> {
    pub prefix: &'a str,
    pub buster: &'a str,
    pub now: f64,
    /// One per op of the batch.
    pub order: &'a [Order],
}
