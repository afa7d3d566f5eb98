//! The order's judgements, for the IndexedDB store of the JS face
//! (`js/face/storage/indexeddb_storage.js`), which writes a batch in the order tabs
//! agree on: what a stored entry is worth, and whether a change replaces what is held
//! ([`crate::core::persist::order`]). The store calls them inside its transaction,
//! synchronously, so the rules stay in one place: the core.

use wasm_bindgen::prelude::*;

use crate::core::persist::envelope;
use crate::core::persist::order::{supersedes, State, Version};

/// A stored entry as a reader of the namespace would judge it: `[dataUpdatedAt, rev,
/// invalidated (0 or 1)]`, or `undefined` for an entry a reader would reject and delete
/// (corrupt, foreign, expired, another buster).
#[wasm_bindgen(js_name = __storedVersion)]
pub fn stored_version(text: &str, hash: &str, buster: &str, now: f64) -> Option<Box<[f64]>> {
    let d = envelope::read(text, hash, buster, now).ok()?;
    Some(Box::new([
        d.data_updated_at,
        d.rev,
        f64::from(u8::from(d.is_invalidated)),
    ]))
}

/// A state from its kind (0 nothing, 1 data, 2 a tombstone), version and flag.
fn state(kind: u8, at: f64, rev: f64, invalidated: bool) -> State {
    match kind {
        1 => State::Data {
            version: Version::new(at, rev),
            invalidated,
        },
        2 => State::Removed {
            version: Version::new(at, rev),
        },
        _ => State::Nothing,
    }
}

/// Whether the new state replaces the held one ([`supersedes`]); each is a kind (0
/// nothing, 1 data, 2 a tombstone), a version and, for data, whether it is invalidated.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = __supersedes)]
pub fn supersedes_held(
    new_kind: u8,
    new_at: f64,
    new_rev: f64,
    new_invalidated: bool,
    held_kind: u8,
    held_at: f64,
    held_rev: f64,
    held_invalidated: bool,
) -> bool {
    supersedes(
        &state(new_kind, new_at, new_rev, new_invalidated),
        &state(held_kind, held_at, held_rev, held_invalidated),
    )
}
