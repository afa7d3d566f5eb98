//! When data counts as stale, and the time options that say so.
//!
//! `staleTime` is a number of milliseconds, `Infinity` (stale only when invalidated)
//! or `'static'` (never stale, not even after invalidation). Invalidation is a flag
//! on the state, so it cannot be confused with data written at time zero.

use super::state::QueryState;

/// How long data stays fresh.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StaleTime {
    /// Fresh for this many milliseconds after the data was fetched.
    Millis(f64),
    /// Fresh until invalidated.
    Infinity,
    /// Fresh forever, invalidation included.
    Static,
}

impl StaleTime {
    /// The one of `self` and `other` under which data turns stale first (what "stale to
    /// any of them" asks): the shorter time; `Infinity` before `'static'`.
    pub fn soonest(self, other: StaleTime) -> StaleTime {
        match (self, other) {
            (StaleTime::Millis(a), StaleTime::Millis(b)) => StaleTime::Millis(a.min(b)),
            (m @ StaleTime::Millis(_), _) | (_, m @ StaleTime::Millis(_)) => m,
            (StaleTime::Infinity, _) | (_, StaleTime::Infinity) => StaleTime::Infinity,
            _ => StaleTime::Static,
        }
    }
}

impl Default for StaleTime {
    fn default() -> Self {
        StaleTime::Millis(0.0)
    }
}

/// Whether `state` is stale at `now` under `stale_time`. No data is always stale.
pub fn is_stale<D, E>(state: &QueryState<D, E>, stale_time: StaleTime, now: f64) -> bool {
    if !state.has_data() {
        return true;
    }
    match stale_time {
        StaleTime::Static => false,
        _ if state.is_invalidated => true,
        StaleTime::Infinity => false,
        StaleTime::Millis(ms) => now >= state.data_updated_at + ms,
    }
}

/// When fresh data will turn stale by itself (for observers to tell their listeners):
/// `None` when it never will, or already is.
pub fn stale_at<D, E>(state: &QueryState<D, E>, stale_time: StaleTime, now: f64) -> Option<f64> {
    match stale_time {
        StaleTime::Millis(ms) if state.has_data() && !state.is_invalidated => {
            Some(state.data_updated_at + ms).filter(|at| *at > now)
        }
        _ => None,
    }
}

/// A duration option in milliseconds that may also be `Infinity` (never).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Duration {
    /// This many milliseconds.
    Millis(f64),
    /// Never (`Infinity`).
    Never,
}

impl Duration {
    /// The instant `self` after `from`, `None` for never.
    pub fn after(self, from: f64) -> Option<f64> {
        match self {
            Duration::Millis(ms) => Some(from + ms),
            Duration::Never => None,
        }
    }
}

/// Why a time option was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimeError {
    /// Not a number.
    NotANumber,
    /// Below zero.
    Negative,
}

/// Checks a time given as a number: NaN and negatives are refused, `+Infinity`
/// becomes [`Duration::Never`].
pub fn duration_from_ms(ms: f64) -> Result<Duration, TimeError> {
    if ms.is_nan() {
        Err(TimeError::NotANumber)
    } else if ms < 0.0 {
        Err(TimeError::Negative)
    } else if ms.is_infinite() {
        Ok(Duration::Never)
    } else {
        Ok(Duration::Millis(ms))
    }
}

/// `staleTime` from a number (strings such as `'static'` are read by the host).
pub fn stale_time_from_ms(ms: f64) -> Result<StaleTime, TimeError> {
    Ok(match duration_from_ms(ms)? {
        Duration::Millis(ms) => StaleTime::Millis(ms),
        Duration::Never => StaleTime::Infinity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_data(at: f64) -> QueryState<u8, u8> {
        let mut s = QueryState::default();
        s.on_success(1, at);
        s
    }

    #[test]
    fn stale_after_stale_time_passes() {
        let s = with_data(1_000.0);
        assert!(
            is_stale(&s, StaleTime::Millis(0.0), 1_000.0),
            "staleTime 0 is stale at once"
        );
        assert!(!is_stale(&s, StaleTime::Millis(500.0), 1_499.0));
        assert!(is_stale(&s, StaleTime::Millis(500.0), 1_500.0));
        assert!(!is_stale(&s, StaleTime::Infinity, 1e15));
    }

    #[test]
    fn invalidation_is_a_flag_that_static_ignores() {
        let mut s = with_data(1_000.0);
        s.invalidate();
        assert!(s.data_updated_at > 0.0, "the timestamp is kept");
        assert!(is_stale(&s, StaleTime::Infinity, 1_001.0));
        assert!(is_stale(&s, StaleTime::Millis(1e9), 1_001.0));
        assert!(!is_stale(&s, StaleTime::Static, 1_001.0));
    }

    #[test]
    fn data_written_at_time_zero_is_fresh() {
        // PyStackQuery invalidated by zeroing the timestamp; here time 0 is ordinary.
        let s = with_data(0.0);
        assert!(!is_stale(&s, StaleTime::Millis(100.0), 50.0));
    }

    #[test]
    fn no_data_is_always_stale() {
        let s: QueryState<u8, u8> = QueryState::default();
        assert!(is_stale(&s, StaleTime::Static, 0.0));
    }

    #[test]
    fn times_are_checked() {
        assert_eq!(duration_from_ms(f64::NAN), Err(TimeError::NotANumber));
        assert_eq!(duration_from_ms(-1.0), Err(TimeError::Negative));
        assert_eq!(duration_from_ms(f64::INFINITY), Ok(Duration::Never));
        assert_eq!(stale_time_from_ms(f64::INFINITY), Ok(StaleTime::Infinity));
        assert_eq!(
            StaleTime::Millis(5.0).soonest(StaleTime::Millis(3.0)),
            StaleTime::Millis(3.0)
        );
        assert_eq!(
            StaleTime::Static.soonest(StaleTime::Millis(9.0)),
            StaleTime::Millis(9.0)
        );
        assert_eq!(
            StaleTime::Static.soonest(StaleTime::Infinity),
            StaleTime::Infinity
        );
        assert_eq!(
            StaleTime::Static.soonest(StaleTime::Static),
            StaleTime::Static
        );
        assert_eq!(Duration::Millis(10.0).after(5.0), Some(15.0));
        assert_eq!(Duration::Never.after(5.0), None);
    }

    #[test]
    fn fresh_data_knows_when_it_turns_stale() {
        let mut s = QueryState::<&str, &str>::initial(Some("v"), 100.0);
        assert_eq!(stale_at(&s, StaleTime::Millis(50.0), 120.0), Some(150.0));
        assert_eq!(
            stale_at(&s, StaleTime::Millis(50.0), 150.0),
            None,
            "already stale"
        );
        assert_eq!(stale_at(&s, StaleTime::Infinity, 120.0), None);
        assert_eq!(stale_at(&s, StaleTime::Static, 120.0), None);
        s.invalidate();
        assert_eq!(
            stale_at(&s, StaleTime::Millis(50.0), 120.0),
            None,
            "invalidated is stale now"
        );
        let empty = QueryState::<&str, &str>::initial(None, 0.0);
        assert_eq!(stale_at(&empty, StaleTime::Millis(50.0), 0.0), None);
    }
}
