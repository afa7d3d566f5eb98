//! Garbage-collection deadlines for inactive queries, on one coalesced timer.
//!
//! TanStack gives every query its own `setTimeout`; with thousands of queries that
//! is thousands of timers. Here every deadline is kept in order and the host keeps a
//! single timer armed for the earliest one ([`rearm`] says when to move it).
//!
//! The deadlines are lists through the cache's slots ([`super::slab`]), one list per
//! `gcTime` (up to [`MAX_LISTS`]): queries with one `gcTime` fall due in the order
//! their clocks started, so a new deadline goes at the end of its list (a clock that
//! went back walks back to its place). The earliest deadline is the first of one of
//! the lists. Deadlines at the same millisecond come in query id order.

use super::slab::{Linked, List, Slab};

/// The kind of the deadline lists (each query has a [`super::slab::Link`] for them).
#[derive(Debug)]
pub enum Deadlines {}

/// Distinct `gcTime`s with a list of their own; more share the last list (still in
/// order, by walking back to their place).
pub const MAX_LISTS: usize = 16;

/// What the schedule keeps in an entry besides its link.
pub trait Scheduled: Linked<Deadlines> {
    /// Its deadline, in whole ms since the epoch, and its list (`None`: unscheduled).
    fn deadline(&self) -> (u64, Option<u8>);
    /// Sets the deadline and the list.
    fn set_deadline(&mut self, due_ms: u64, list: Option<u8>);
    /// Orders deadlines at the same millisecond (the query id).
    fn order(&self) -> u64;
}

/// All pending GC deadlines, earliest first.
#[derive(Default, Debug)]
pub struct GcSchedule {
    /// Each `gcTime`'s list (by the bits of its ms), sorted by `(deadline, order)`.
    lists: Vec<(u64, List<Deadlines>)>,
    len: usize,
}

fn order_of<T: Scheduled>(e: &T) -> (u64, u64) {
    (e.deadline().0, e.order())
}

impl GcSchedule {
    /// Schedules the entry in slot `at` for removal at `when` ms; `group` names its
    /// `gcTime` (entries of one group are mostly scheduled in deadline order).
    pub fn schedule<T: Scheduled>(&mut self, slab: &mut Slab<T>, at: u32, when: f64, group: u64) {
        self.cancel(slab, at);
        // Round up so a timer that fires on time always finds the deadline passed.
        let due_ms = if when.is_finite() && when > 0.0 {
            when.ceil().min(u64::MAX as f64) as u64
        } else {
            0
        };
        let list = match self.lists.iter().position(|(g, _)| *g == group) {
            Some(i) => i,
            None if self.lists.len() < MAX_LISTS => {
                self.lists.push((group, List::default()));
                self.lists.len() - 1
            }
            None => MAX_LISTS - 1,
        };
        let Some(e) = slab.get_mut(at) else { return };
        e.set_deadline(due_ms, Some(list as u8));
        let key = order_of(e);
        let Some((_, l)) = self.lists.get_mut(list) else {
            return;
        };
        let mut after = l.last();
        while let Some(a) = after {
            match slab.get(a) {
                Some(e) if order_of(e) > key => after = List::prev(slab, a),
                _ => break,
            }
        }
        l.insert_after(slab, after, at);
        self.len += 1;
    }

    /// Drops the deadline of the entry in slot `at`, if it has one.
    pub fn cancel<T: Scheduled>(&mut self, slab: &mut Slab<T>, at: u32) {
        let Some((due_ms, Some(list))) = slab.get(at).map(Scheduled::deadline) else {
            return;
        };
        if let Some((_, l)) = self.lists.get_mut(list as usize) {
            l.unlink(slab, at);
        }
        if let Some(e) = slab.get_mut(at) {
            e.set_deadline(due_ms, None);
        }
        self.len -= 1;
    }

    /// The entry with the earliest deadline: its slot and deadline in ms.
    fn earliest<T: Scheduled>(&self, slab: &Slab<T>) -> Option<(u32, u64)> {
        self.lists
            .iter()
            .filter_map(|(_, l)| {
                let at = l.first()?;
                Some((order_of(slab.get(at)?), at))
            })
            .min()
            .map(|((due_ms, _), at)| (at, due_ms))
    }

    /// The earliest deadline, in ms since the epoch.
    pub fn next_due<T: Scheduled>(&self, slab: &Slab<T>) -> Option<f64> {
        self.earliest(slab).map(|(_, due_ms)| due_ms as f64)
    }

    /// Unschedules and returns the slot of the earliest deadline at or before `now`.
    pub fn pop_due<T: Scheduled>(&mut self, slab: &mut Slab<T>, now: f64) -> Option<u32> {
        let (at, due_ms) = self.earliest(slab)?;
        if due_ms as f64 > now {
            return None;
        }
        self.cancel(slab, at);
        Some(at)
    }

    /// How many deadlines are scheduled.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no deadline is scheduled.
    pub fn is_empty(&self) -> bool {
        self.len == 0
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
    use super::super::slab::Link;
    use super::*;

    #[derive(Default)]
    struct Q {
        name: &'static str,
        id: u64,
        due: (u64, Option<u8>),
        link: Link,
    }

    impl Linked<Deadlines> for Q {
        fn link(&self) -> &Link {
            &self.link
        }
        fn link_mut(&mut self) -> &mut Link {
            &mut self.link
        }
    }

    impl Scheduled for Q {
        fn deadline(&self) -> (u64, Option<u8>) {
            self.due
        }
        fn set_deadline(&mut self, due_ms: u64, list: Option<u8>) {
            self.due = (due_ms, list);
        }
        fn order(&self) -> u64 {
            self.id
        }
    }

    fn q(slab: &mut Slab<Q>, name: &'static str, id: u64) -> u32 {
        slab.insert(Q {
            name,
            id,
            ..Q::default()
        })
    }

    fn due(gc: &mut GcSchedule, slab: &mut Slab<Q>, now: f64) -> Vec<&'static str> {
        let mut out = Vec::new();
        while let Some(at) = gc.pop_due(slab, now) {
            out.extend(slab.get(at).map(|q| q.name));
        }
        out
    }

    #[test]
    fn deadlines_come_due_in_order() {
        let mut slab = Slab::default();
        let mut gc = GcSchedule::default();
        let [a, b, c] = [("a", 1), ("b", 2), ("c", 3)].map(|(n, id)| q(&mut slab, n, id));
        gc.schedule(&mut slab, a, 300.0, 7);
        gc.schedule(&mut slab, b, 100.0, 7);
        gc.schedule(&mut slab, c, 200.0, 7);
        assert_eq!(gc.next_due(&slab), Some(100.0));
        gc.cancel(&mut slab, c);
        gc.cancel(&mut slab, c);
        assert_eq!(gc.len(), 2, "a second cancel changes nothing");
        assert_eq!(due(&mut gc, &mut slab, 250.0), ["b"]);
        assert_eq!(gc.next_due(&slab), Some(300.0));
        assert!(due(&mut gc, &mut slab, 299.9).is_empty());
        assert_eq!(due(&mut gc, &mut slab, 300.0), ["a"]);
        assert!(gc.is_empty() && gc.next_due(&slab).is_none());
    }

    #[test]
    fn fractional_deadlines_round_up() {
        let mut slab = Slab::default();
        let mut gc = GcSchedule::default();
        let a = q(&mut slab, "a", 1);
        gc.schedule(&mut slab, a, 100.2, 0);
        assert!(due(&mut gc, &mut slab, 100.1).is_empty());
        assert_eq!(due(&mut gc, &mut slab, 101.0), ["a"]);
    }

    #[test]
    fn every_group_and_a_clock_that_went_back_come_out_in_deadline_then_id_order() {
        let mut slab = Slab::default();
        let mut gc = GcSchedule::default();
        // (name, id, deadline, group): out of order within groups too.
        let plan = [
            ("a", 5, 500.0, 1),
            ("b", 2, 100.0, 2),
            ("c", 3, 500.0, 1),
            ("d", 4, 90.0, 1),
            ("e", 1, 500.0, 3),
            ("f", 6, 100.0, 2),
        ];
        for (name, id, at, group) in plan {
            let slot = q(&mut slab, name, id);
            gc.schedule(&mut slab, slot, at, group);
        }
        // Rescheduled entries move.
        let d = 3; // slot of "d"
        gc.schedule(&mut slab, d, 600.0, 1);
        assert_eq!(gc.len(), 6);
        assert_eq!(due(&mut gc, &mut slab, 1e9), ["b", "f", "e", "c", "a", "d"]);
    }

    #[test]
    fn past_the_list_limit_groups_share_a_list_and_stay_in_order() {
        let mut slab = Slab::default();
        let mut gc = GcSchedule::default();
        let n = MAX_LISTS as u64 + 5;
        for i in 0..n {
            let slot = q(&mut slab, "x", i);
            gc.schedule(&mut slab, slot, (1000 - i * 10) as f64, i);
        }
        let mut last = 0;
        while let Some(at) = gc.pop_due(&mut slab, 1e9) {
            let due = slab.get(at).map_or(0, |q| q.due.0);
            assert!(due >= last);
            last = due;
        }
        assert!(gc.is_empty());
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
