//! The one order of changes that every tab's L1 and the shared storage agree on.
//!
//! Tabs sharing a store change the same keys at the same time: two writes can fall in one
//! millisecond, a removal can race a write, and the order in which their storage
//! transactions commit is unrelated to the order in which the tabs hear of them. For all
//! to end up equal, each change carries a [`Version`]: its time (`dataUpdatedAt` for
//! data, the instant of the call for a removal) and a revision that breaks ties. Every
//! tab applies what it hears, and the storage what it is asked to write, only when it is
//! newer in that order than what it holds ([`supersedes`]), so all of them keep the
//! greatest version of each key, whatever the order of arrival.
//!
//! A revision is `seq * 2^20 + writer`: `writer` is a random number per module instance
//! (a tab), `seq` a Lamport counter ([`Clock`]) that is moved past every revision the tab
//! hears or reads. So a change made after hearing of another is newer than it even
//! within one millisecond, and two changes that did not know of each other are ordered
//! by their counters, then by writer: arbitrarily, but the same way everywhere.
//!
//! Invalidation does not make data new: an invalidated copy of some data has that data's
//! version, and at an equal version the invalidated copy wins (the flag only goes one way
//! until new data comes). A removal at version R takes away data older than R and keeps
//! anything older from being written after it (a tombstone). A namespace clear at time C
//! takes away what was written before C ([`survives_clear`]).

use std::cmp::Ordering;

/// Bits of a revision that hold the writer.
pub const WRITER_BITS: u32 = 20;
const WRITERS: u64 = 1 << WRITER_BITS;
/// The largest revision: revisions are exact integers in a JS number.
pub const MAX_REV: f64 = 9_007_199_254_740_991.0; // 2^53 - 1
const MAX_SEQ: u64 = (1 << (53 - WRITER_BITS)) - 1;

/// Where a change stands: its time, then its revision (0: unknown, older than any).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Version {
    /// When the change was made (ms since the epoch).
    pub at: f64,
    /// The revision that breaks ties between changes made at one `at`.
    pub rev: f64,
}

impl Version {
    /// A version at `at` with revision `rev`.
    pub fn new(at: f64, rev: f64) -> Version {
        Version { at, rev }
    }

    /// Total: by time, then by revision.
    pub fn compare(&self, other: &Version) -> Ordering {
        self.at
            .total_cmp(&other.at)
            .then(self.rev.total_cmp(&other.rev))
    }
}

/// What a tab or the storage holds for a key, or is asked to make of it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum State {
    /// Nothing known: no data and no tombstone.
    Nothing,
    /// Data written at `version`.
    Data {
        /// When it was written.
        version: Version,
        /// Whether it was stored invalidated.
        invalidated: bool,
    },
    /// Removed at `version` (a tombstone).
    Removed {
        /// When it was removed.
        version: Version,
    },
}

impl State {
    /// Its version, `None` for nothing.
    pub fn version(&self) -> Option<Version> {
        match self {
            State::Nothing => None,
            State::Data { version, .. } | State::Removed { version } => Some(*version),
        }
    }
}

/// Whether `new` replaces `held`: it is newer; or, at the same version, it is the same
/// data invalidated where `held` is not. A removal replaces only something older, and
/// nothing is replaced by `Nothing`.
pub fn supersedes(new: &State, held: &State) -> bool {
    let Some(v) = new.version() else {
        return false;
    };
    let Some(h) = held.version() else {
        return true;
    };
    match v.compare(&h) {
        Ordering::Greater => true,
        Ordering::Less => false,
        Ordering::Equal => matches!(
            (new, held),
            (
                State::Data {
                    invalidated: true,
                    ..
                },
                State::Data {
                    invalidated: false,
                    ..
                }
            )
        ),
    }
}

/// Whether data written at `at` outlives a clear of its namespace at `cleared_at`
/// (writes made from the instant of the clear on do).
pub fn survives_clear(at: f64, cleared_at: f64) -> bool {
    at >= cleared_at
}

/// The version of a removal made at `now` of data held at `held`: never older than the
/// data it removes (a clock that went back, data stamped ahead), so that it wins.
pub fn removal(now: f64, held: Option<Version>, rev: f64) -> Version {
    let at = match held {
        Some(h) if h.at > now => h.at,
        _ => now,
    };
    Version { at, rev }
}

/// The writer part of a revision.
pub fn writer_of(rev: f64) -> u64 {
    (rev.max(0.0) as u64) % WRITERS
}

/// The counter part of a revision.
pub fn seq_of(rev: f64) -> u64 {
    (rev.max(0.0) as u64) >> WRITER_BITS
}

/// Whether `rev` is a revision this module can have written: an integer in 0..=2^53-1.
pub fn is_rev(rev: f64) -> bool {
    (0.0..=MAX_REV).contains(&rev) && rev.fract() == 0.0
}

/// A tab's revision source: a Lamport counter and the tab's writer number.
#[derive(Clone, Debug)]
pub struct Clock {
    writer: u64,
    seq: u64,
}

impl Clock {
    /// `writer` is reduced to its 20 bits.
    pub fn new(writer: u64) -> Clock {
        Clock {
            writer: writer % WRITERS,
            seq: 0,
        }
    }

    /// A revision greater than every one made or observed so far.
    pub fn tick(&mut self) -> f64 {
        self.seq = (self.seq + 1).min(MAX_SEQ);
        (self.seq * WRITERS + self.writer) as f64
    }

    /// Moves the counter past `rev` (one heard from another tab or read from storage).
    /// Anything that is not a revision is ignored, and so is a counter at the very end
    /// of the range: a corrupt entry must not exhaust it.
    pub fn observe(&mut self, rev: f64) {
        if is_rev(rev) {
            let seq = seq_of(rev);
            if seq < MAX_SEQ / 2 {
                self.seq = self.seq.max(seq);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(at: f64, rev: f64, invalidated: bool) -> State {
        State::Data {
            version: Version::new(at, rev),
            invalidated,
        }
    }

    fn removed(at: f64, rev: f64) -> State {
        State::Removed {
            version: Version::new(at, rev),
        }
    }

    #[test]
    fn versions_order_by_time_then_revision() {
        let v = |at, rev| Version::new(at, rev);
        assert_eq!(v(1.0, 9.0).compare(&v(2.0, 1.0)), Ordering::Less);
        assert_eq!(v(2.0, 1.0).compare(&v(2.0, 3.0)), Ordering::Less);
        assert_eq!(v(2.0, 3.0).compare(&v(2.0, 3.0)), Ordering::Equal);
        assert_eq!(v(2.0, 0.0).compare(&v(1.0, 5.0)), Ordering::Greater);
    }

    #[test]
    fn newer_data_wins_whatever_the_order_of_arrival() {
        // Two writes in one millisecond: whichever is heard or committed last, every
        // holder ends with the one of the greater revision.
        let a = data(100.0, 7.0, false);
        let b = data(100.0, 9.0, false);
        for (first, second) in [(a, b), (b, a)] {
            let mut held = State::Nothing;
            for next in [first, second] {
                if supersedes(&next, &held) {
                    held = next;
                }
            }
            assert_eq!(held, b);
        }
        assert!(!supersedes(&a, &b));
        assert!(supersedes(&b, &a));
        assert!(
            supersedes(&data(101.0, 1.0, false), &b),
            "a later millisecond wins"
        );
    }

    #[test]
    fn an_equal_version_changes_only_the_invalidation_flag_one_way() {
        let fresh = data(100.0, 7.0, false);
        let invalidated = data(100.0, 7.0, true);
        assert!(supersedes(&invalidated, &fresh));
        assert!(
            !supersedes(&fresh, &invalidated),
            "the old write landing late keeps the flag"
        );
        assert!(
            !supersedes(&fresh, &fresh),
            "the same write again changes nothing"
        );
        assert!(!supersedes(&invalidated, &invalidated));
        // Invalidating losing data does not make it win.
        assert!(!supersedes(&data(100.0, 5.0, true), &fresh));
    }

    #[test]
    fn a_removal_takes_away_older_data_and_keeps_it_from_coming_back() {
        let tomb = removed(100.0, 8.0);
        assert!(supersedes(&tomb, &data(100.0, 7.0, true)));
        assert!(supersedes(&tomb, &data(99.0, 99.0, false)));
        assert!(
            !supersedes(&tomb, &data(100.0, 9.0, false)),
            "newer data stays"
        );
        assert!(
            !supersedes(&data(100.0, 7.0, false), &tomb),
            "older data is not written after it"
        );
        assert!(supersedes(&data(100.0, 9.0, false), &tomb), "newer data is");
        assert!(supersedes(&removed(101.0, 1.0), &tomb));
        assert!(!supersedes(&removed(99.0, 1.0), &tomb));
        assert!(supersedes(&tomb, &State::Nothing));
        assert!(!supersedes(&State::Nothing, &tomb));
    }

    #[test]
    fn a_removal_is_never_older_than_what_it_removes() {
        let held = Version::new(500.0, 3.0);
        let mut clock = Clock::new(1);
        clock.observe(held.rev);
        let r = removal(400.0, Some(held), clock.tick());
        assert_eq!(r.at, 500.0, "data stamped ahead of this clock");
        assert_eq!(r.compare(&held), Ordering::Greater);
        assert_eq!(removal(600.0, Some(held), 1.0).at, 600.0);
        assert_eq!(removal(600.0, None, 1.0).at, 600.0);
    }

    #[test]
    fn a_clear_takes_what_was_written_before_it() {
        assert!(!survives_clear(99.0, 100.0));
        assert!(
            survives_clear(100.0, 100.0),
            "written at the instant of the clear"
        );
        assert!(survives_clear(101.0, 100.0));
        assert!(survives_clear(1.0, f64::NEG_INFINITY), "never cleared");
    }

    #[test]
    fn the_clock_moves_past_what_it_hears() {
        let mut a = Clock::new(5);
        let mut b = Clock::new(WRITERS + 9); // reduced to writer 9
        let a1 = a.tick();
        assert_eq!((seq_of(a1), writer_of(a1)), (1, 5));
        let b1 = b.tick();
        assert_eq!((seq_of(b1), writer_of(b1)), (1, 9));
        // Concurrent: ordered by writer, the same way everywhere.
        assert!(b1 > a1);
        // What B writes after hearing A's later write is newer than it.
        let a2 = a.tick();
        let a3 = a.tick();
        b.observe(a3);
        let b2 = b.tick();
        assert!(b2 > a3 && b2 > a2);
        assert_eq!(seq_of(b2), 4);
        // Garbage is not observed.
        for junk in [-1.0, 0.5, f64::NAN, f64::INFINITY, 1e300, MAX_REV + 2.0] {
            b.observe(junk);
        }
        assert_eq!(seq_of(b.tick()), 5);
        // Nor a counter near the end of the range.
        b.observe(MAX_REV);
        assert_eq!(seq_of(b.tick()), 6);
        assert!(is_rev(MAX_REV) && is_rev(0.0) && !is_rev(-0.5));
    }

    #[test]
    fn revisions_stay_exact_integers() {
        let mut c = Clock::new(WRITERS - 1);
        c.observe(((MAX_SEQ / 2 - 1) * WRITERS) as f64);
        let r = c.tick();
        assert!(is_rev(r));
        assert_eq!(writer_of(r), WRITERS - 1);
        assert_eq!(seq_of(r), MAX_SEQ / 2);
    }
}
