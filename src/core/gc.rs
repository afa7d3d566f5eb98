//! Garbage-collection deadlines for inactive queries, on one coalesced timer.
//!
//! TanStack gives every query its own `setTimeout`; with thousands of queries that
//! is thousands of timers. Here every deadline lives in one ordered set and the host
//! keeps a single timer armed for the earliest one ([`rearm`] says when to move it).
//! A deadline names the query by its unique id as well as its hash, so a deadline
//! left over from a removed query can never remove a newer query under the same key.

use std::collections::BTreeMap;
use std::rc::Rc;

/// A scheduled deadline; cancel it with [`GcSchedule::cancel`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct GcSlot {
    due_ms: u64,
    query_id: u64,
}

/// All pending GC deadlines, earliest first.
#[derive(Default, Debug)]
pub struct GcSchedule {
    /// Keyed by `(due_ms, query_id)`, a [`GcSlot`]'s order. A tuple rather than the slot
    /// itself: the same map type as [`super::lru::Lru`]'s, so wasm holds one copy of the
    /// B-tree code instead of two (about 6 KB).
    due: BTreeMap<(u64, u64), Rc<str>>,
}

impl GcSchedule {
    /// Schedules the query `query_id` (stored under `hash`) for removal at `at` ms.
    pub fn schedule(&mut self, at: f64, query_id: u64, hash: Rc<str>) -> GcSlot {
        // Round up so a timer that fires on time always finds the deadline passed.
        let due_ms = if at.is_finite() && at > 0.0 {
            at.ceil().min(u64::MAX as f64) as u64
        } else {
            0
        };
        let slot = GcSlot { due_ms, query_id };
        self.due.insert((due_ms, query_id), hash);
        slot
    }

    /// Drops a scheduled deadline.
    pub fn cancel(&mut self, slot: GcSlot) {
        self.due.remove(&(slot.due_ms, slot.query_id));
    }

    /// The earliest deadline, in ms since the epoch.
    pub fn next_due(&self) -> Option<f64> {
        self.due.keys().next().map(|&(due_ms, _)| due_ms as f64)
    }

    /// Removes and returns every deadline at or before `now`, as `(query_id, hash)`.
    pub fn take_due(&mut self, now: f64) -> Vec<(GcSlot, u64, String)> {
        let mut out = Vec::new();
        while let Some(entry) = self.due.first_entry() {
            let (due_ms, query_id) = *entry.key();
            if due_ms as f64 > now {
                break;
            }
            let slot = GcSlot { due_ms, query_id };
            let hash = entry.remove();
            out.push((slot, slot.query_id, hash.to_string()));
        }
        out
    }

    /// How many deadlines are scheduled.
    pub fn len(&self) -> usize {
        self.due.len()
    }

    /// Whether no deadline is scheduled.
    pub fn is_empty(&self) -> bool {
        self.due.is_empty()
    }

    /// Drops every deadline.
    pub fn clear(&mut self) {
        self.due.clear();
    }
}

/// Where the host's single timer should be: `Some(at)` when it must be (re)armed for
/// `at`, `None` when the timer already armed (`armed`) is early enough or nothing is due.
pub fn rearm(next_due: Option<f64>, armed: Option<f64>) -> Option<f64> {
    match (next_due, armed) {
        (Some(next), Some(armed)) if armed <= next => None,
        (Some(next), _) => Some(next),
        (None, _) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_come_due_in_order() {
        let mut gc = GcSchedule::default();
        gc.schedule(300.0, 1, "a".into());
        gc.schedule(100.0, 2, "b".into());
        let c = gc.schedule(200.0, 3, "c".into());
        assert_eq!(gc.next_due(), Some(100.0));
        gc.cancel(c);
        let due: Vec<String> = gc.take_due(250.0).into_iter().map(|(_, _, h)| h).collect();
        assert_eq!(due, ["b"]);
        assert_eq!(gc.next_due(), Some(300.0));
        assert!(gc.take_due(299.9).is_empty());
        assert_eq!(gc.take_due(300.0).len(), 1);
        assert!(gc.is_empty());
    }

    #[test]
    fn fractional_deadlines_round_up() {
        let mut gc = GcSchedule::default();
        gc.schedule(100.2, 1, "a".into());
        assert!(gc.take_due(100.1).is_empty());
        assert_eq!(gc.take_due(101.0).len(), 1);
    }

    #[test]
    fn one_timer_moves_only_when_an_earlier_deadline_appears() {
        assert_eq!(rearm(Some(100.0), None), Some(100.0));
        assert_eq!(rearm(Some(100.0), Some(50.0)), None);
        assert_eq!(rearm(Some(100.0), Some(100.0)), None);
        assert_eq!(rearm(Some(40.0), Some(50.0)), Some(40.0));
        assert_eq!(rearm(None, Some(50.0)), None);
    }
}
