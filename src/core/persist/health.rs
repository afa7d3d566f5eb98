//! Whether L2 is usable: outages, back-off and recovery.
//!
//! A storage failure starts an outage: it is reported once (not once per failed
//! call), L2 is left alone for a back-off delay (1 s, doubling up to 30 s), then one
//! call probes it. A success ends the outage, and the next failure is a new outage,
//! reported again. Reads skip L2 while it is backing off, so a dead store costs no
//! time at all.

/// First back-off delay after a failure, in ms.
pub const FIRST_BACKOFF_MS: f64 = 1_000.0;
/// Longest back-off delay, in ms.
pub const MAX_BACKOFF_MS: f64 = 30_000.0;

#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    Up,
    Down { failures: u32, retry_at: f64 },
}

/// The L2 health state machine.
#[derive(Clone, Debug, PartialEq)]
pub struct Health {
    state: State,
    outages: u32,
}

impl Default for Health {
    fn default() -> Self {
        Health {
            state: State::Up,
            outages: 0,
        }
    }
}

impl Health {
    /// Whether L2 may be used at `now`: up, or down with its back-off over (a probe).
    pub fn available(&self, now: f64) -> bool {
        match self.state {
            State::Up => true,
            State::Down { retry_at, .. } => now >= retry_at,
        }
    }

    /// Whether the store is taken to be working (no outage recorded).
    pub fn is_up(&self) -> bool {
        self.state == State::Up
    }

    /// When a backing-off L2 may be tried again.
    pub fn retry_at(&self) -> Option<f64> {
        match self.state {
            State::Up => None,
            State::Down { retry_at, .. } => Some(retry_at),
        }
    }

    /// A call failed at `now`. Returns true when this starts an outage: report it.
    pub fn on_failure(&mut self, now: f64) -> bool {
        let (failures, new_outage) = match self.state {
            State::Up => (1, true),
            State::Down { failures, .. } => (failures.saturating_add(1), false),
        };
        let exp = (failures - 1).min(10) as i32;
        let delay = (FIRST_BACKOFF_MS * 2f64.powi(exp)).min(MAX_BACKOFF_MS);
        self.state = State::Down {
            failures,
            retry_at: now + delay,
        };
        if new_outage {
            self.outages += 1;
        }
        new_outage
    }

    /// A call succeeded. Returns true when this ends an outage.
    pub fn on_success(&mut self) -> bool {
        let recovered = self.state != State::Up;
        self.state = State::Up;
        recovered
    }

    /// Ends the current back-off early: the next call at `now` is a probe (a `flush()`
    /// asks to try now).
    pub fn probe_now(&mut self, now: f64) {
        if let State::Down { failures, .. } = self.state {
            self.state = State::Down {
                failures,
                retry_at: now,
            };
        }
    }

    /// How many outages have begun.
    pub fn outages(&self) -> u32 {
        self.outages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_is_reported_once_and_backs_off() {
        let mut h = Health::default();
        assert!(h.available(0.0));
        assert!(h.on_failure(100.0), "the first failure starts an outage");
        assert!(!h.available(1_099.0));
        assert!(h.available(1_100.0), "a probe after 1 s");
        assert!(
            !h.on_failure(1_100.0),
            "still the same outage: not reported again"
        );
        assert_eq!(h.retry_at(), Some(3_100.0), "then 2 s");
        h.on_failure(3_100.0);
        assert_eq!(h.retry_at(), Some(7_100.0), "then 4 s");
        for _ in 0..20 {
            h.on_failure(0.0);
        }
        assert_eq!(h.retry_at(), Some(MAX_BACKOFF_MS), "capped at 30 s");
        assert_eq!(h.outages(), 1);
    }

    #[test]
    fn recovery_ends_the_outage_and_the_next_failure_is_new() {
        let mut h = Health::default();
        h.on_failure(0.0);
        assert!(h.on_success(), "recovered");
        assert!(h.is_up() && h.available(0.0));
        assert!(!h.on_success(), "already up");
        assert!(h.on_failure(5.0), "a new outage is reported again");
        assert_eq!(h.retry_at(), Some(1_005.0), "back-off starts over");
        assert_eq!(h.outages(), 2);
        h.probe_now(10.0);
        assert!(h.available(10.0), "a flush may probe at once");
        assert!(!h.on_failure(10.0), "a failed probe is the same outage");
        assert_eq!(h.retry_at(), Some(2_010.0), "and backs off further");
    }
}
