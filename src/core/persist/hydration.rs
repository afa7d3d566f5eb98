//! Lazy hydration: when L2 data may enter L1, and how long an entry lives in L2.
//!
//! A cold key reads L2 once. What it finds is used only when L1 has nothing newer:
//! L2 never overwrites fresher L1 data (PyStackQuery did). Expiry comes from
//! `persistMaxAge` and is written into the entry, because several stores expire
//! late or never; the TTL handed to the store is only a clean-up hint.

use crate::core::staleness::Duration;

/// Whether L2 data written at `l2_updated_at` may replace L1's (`None`: no data).
pub fn should_restore(l1_updated_at: Option<f64>, l2_updated_at: f64) -> bool {
    match l1_updated_at {
        None => true,
        Some(l1) => l2_updated_at > l1,
    }
}

/// When an entry whose data dates from `data_updated_at` expires (`f64::INFINITY`: never).
pub fn expires_at(data_updated_at: f64, persist_max_age: Duration) -> f64 {
    persist_max_age
        .after(data_updated_at)
        .unwrap_or(f64::INFINITY)
}

/// The `dataUpdatedAt` an entry read at `now` may be used with, or `None` when it has
/// expired. Storage is not trusted: data stamped in the future (a clock set ahead, a
/// planted entry) counts as written `now` (it would otherwise stay fresh, and never
/// expire, until then), and no entry lives longer than `persist_max_age` from the time
/// it counts as written, whatever `expiresAt` it carries. (An entry moved to `now`
/// should be written back with that time, or it would count as new at every read.)
pub fn trusted_updated_at(
    updated_at: f64,
    stored_expires_at: f64,
    now: f64,
    persist_max_age: Duration,
) -> Option<f64> {
    let updated_at = updated_at.min(now);
    let expires = stored_expires_at.min(expires_at(updated_at, persist_max_age));
    (now < expires).then_some(updated_at)
}

/// The TTL in whole seconds (at least 1) for an entry expiring at `expires_at`;
/// `None` for entries that never expire.
pub fn ttl_seconds(expires_at: f64, now: f64) -> Option<f64> {
    if !expires_at.is_finite() {
        return None;
    }
    Some(((expires_at - now) / 1000.0).ceil().max(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn l2_never_overwrites_newer_l1_data() {
        assert!(should_restore(None, 5.0), "L1 has nothing");
        assert!(should_restore(Some(4.0), 5.0), "L2 is newer");
        assert!(!should_restore(Some(5.0), 5.0), "same age: keep L1");
        assert!(!should_restore(Some(6.0), 5.0), "L1 is newer");
    }

    #[test]
    fn an_entry_from_the_future_counts_as_written_now() {
        let day = Duration::Millis(86_400_000.0);
        let now = 1_700_000_000_000.0;
        let year = 365.0 * 86_400_000.0;
        // Stamped a year ahead, with the matching expiry: used as data written now...
        let stamped = now + year;
        assert_eq!(
            trusted_updated_at(stamped, stamped + 86_400_000.0, now, day),
            Some(now)
        );
        // ...which the host writes back with that time: a day later it has expired.
        assert_eq!(
            trusted_updated_at(now, now + 86_400_000.0, now + 86_400_000.0, day),
            None
        );
        // An ordinary entry keeps its time and its expiry.
        assert_eq!(
            trusted_updated_at(now - 5.0, now - 5.0 + 86_400_000.0, now, day),
            Some(now - 5.0)
        );
        assert_eq!(trusted_updated_at(now - 5.0, now - 1.0, now, day), None);
        // An expiry further away than persistMaxAge allows is cut to it.
        assert_eq!(
            trusted_updated_at(now - 2.0 * 86_400_000.0, now + year, now, day),
            None
        );
        // persistMaxAge: Infinity keeps the stored expiry.
        assert_eq!(
            trusted_updated_at(now - year, now + 1.0, now, Duration::Never),
            Some(now - year)
        );
        assert_eq!(trusted_updated_at(f64::NAN, now + 1.0, now, day), Some(now));
    }

    #[test]
    fn expiry_and_ttl() {
        assert_eq!(
            expires_at(1_000.0, Duration::Millis(86_400_000.0)),
            86_401_000.0
        );
        assert_eq!(expires_at(1_000.0, Duration::Never), f64::INFINITY);
        assert_eq!(ttl_seconds(10_500.0, 0.0), Some(11.0), "rounded up");
        assert_eq!(ttl_seconds(100.0, 1_000.0), Some(1.0), "at least a second");
        assert_eq!(ttl_seconds(f64::INFINITY, 0.0), None);
    }
}
