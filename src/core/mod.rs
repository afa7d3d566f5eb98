//! The pure Rust core: everything stackquery decides, with no JavaScript in sight.
//!
//! Keys and hashing ([`key`]), the state of one query ([`state`]), staleness and
//! time options ([`staleness`]), retry policy ([`retry`]), the L1 map with deduplicated
//! fetches, GC and the LRU bound ([`cache`], [`slab`], [`gc`], [`lru`]), what changed for a watcher ([`journal`]), filters
//! ([`filters`]), when fetches pause and queries refetch ([`network`]), the rules of L2 persistence ([`persist`]) and keeping secrets out of messages ([`redact`]). Time is always passed in (`now`, ms since the epoch), so every
//! rule here is tested natively and deterministically with `cargo test`.

pub mod cache;
pub mod filters;
pub mod fxhash;
pub mod gc;
pub mod head_index;
pub mod journal;
pub mod key;
pub mod lru;
pub mod mutation;
pub mod network;
pub mod persist;
pub mod redact;
pub mod retry;
pub mod slab;
pub mod staleness;
pub mod state;
pub mod text;

pub use cache::{FetchId, FetchStart, Query, QueryCache};
pub use key::{hash_key, KeyValue};
