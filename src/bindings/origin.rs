//! Where a query's data stands in the one order tabs agree on: this tab's Lamport clock of
//! revisions ([`next_rev`], [`observe_rev`]), the revision a query's data came with
//! ([`held`], [`record`], [`stamp`]), what L2 should hold for a query ([`entry_of`]) and
//! the version of a removal ([`removal`]). See `broadcast.rs` for why the order exists.

use std::cell::RefCell;

use wasm_bindgen::JsValue;

use super::clock::now;
use super::persister::Entry;
use super::query_meta::{Meta, Origin};
use crate::core::cache::Query;
use crate::core::persist::order::{self, Clock, State, Version};

thread_local! {
    /// This module instance's (this tab's) revisions.
    static CLOCK: RefCell<Clock> =
        RefCell::new(Clock::new((js_sys::Math::random() * f64::from(1u32 << order::WRITER_BITS)) as u64));
}

/// A revision newer than every one this tab has made, heard or read.
pub fn next_rev() -> f64 {
    CLOCK.with(|c| c.borrow_mut().tick())
}

/// Moves this tab's clock past a revision heard or read.
pub fn observe_rev(rev: f64) {
    CLOCK.with(|c| c.borrow_mut().observe(rev));
}

type Q = Query<JsValue, JsValue, Meta>;

/// The revision of the query's data; 0 when none was recorded for it.
fn rev_of(q: &Q) -> f64 {
    q.meta
        .origin
        .as_ref()
        .filter(|o| o.count == q.state.data_update_count && o.at == q.state.data_updated_at)
        .map_or(0.0, |o| o.rev)
}

/// Where the query's data stands in the order tabs agree on.
pub fn held(q: &Q) -> State {
    match q.state.data {
        None => State::Nothing,
        Some(_) => State::Data {
            version: Version::new(q.state.data_updated_at, rev_of(q)),
            invalidated: q.state.is_invalidated,
        },
    }
}

/// Records that the data the query holds now came with revision `rev`.
pub fn record(q: &mut Q, rev: f64) {
    observe_rev(rev);
    q.meta.origin = Some(Box::new(Origin {
        count: q.state.data_update_count,
        at: q.state.data_updated_at,
        rev,
    }));
}

/// The revision of the query's data, a new one if it has none yet (data made here).
pub fn stamp(q: &mut Q) -> f64 {
    match rev_of(q) {
        0.0 => {
            let rev = next_rev();
            record(q, rev);
            rev
        }
        rev => rev,
    }
}

/// What L2 should hold for a query (when it is persisted and has data), with the
/// revision of its data (a new one for data made here).
pub fn entry_of(q: &mut Q) -> Option<Entry> {
    if !q.meta.persist {
        return None;
    }
    let data = q.state.data.clone()?;
    Some(Entry {
        data,
        updated_at: q.state.data_updated_at,
        is_invalidated: q.state.is_invalidated,
        rev: stamp(q),
        removed: false,
    })
}

/// The version of a removal of data held at `held`, made now.
pub fn removal(held: &State) -> Version {
    order::removal(now(), held.version(), next_rev())
}
