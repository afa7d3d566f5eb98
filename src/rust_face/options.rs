//! Time options as Rust gives them, converted to the core's.

use std::time::Duration;

use crate::core::staleness::{Duration as Span, StaleTime};

/// How long data stays fresh.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Staleness {
    /// Fresh for this long after it was fetched (`Duration::ZERO`, the default: stale at
    /// once, so every fetch fetches and every new observer refetches).
    For(Duration),
    /// Fresh until invalidated (TanStack's `staleTime: Infinity`).
    UntilInvalidated,
    /// Fresh forever, even after invalidation (TanStack's `staleTime: 'static'`).
    Static,
}

impl From<Duration> for Staleness {
    fn from(d: Duration) -> Self {
        Staleness::For(d)
    }
}

pub(crate) fn stale_time(s: Staleness) -> StaleTime {
    match s {
        Staleness::For(d) => StaleTime::Millis(d.as_secs_f64() * 1000.0),
        Staleness::UntilInvalidated => StaleTime::Infinity,
        Staleness::Static => StaleTime::Static,
    }
}

/// `Duration::MAX` is never.
pub(crate) fn span(d: Duration) -> Span {
    if d == Duration::MAX {
        Span::Never
    } else {
        Span::Millis(d.as_secs_f64() * 1000.0)
    }
}

/// The defaults every query of a client starts from.
pub(crate) struct Defaults {
    pub stale_time: StaleTime,
    pub gc_time: Span,
    /// `None`: not set, so TanStack's defaults apply (3 for observers, none for fetches).
    pub retry: Option<u32>,
    pub retry_delay: Option<Duration>,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            stale_time: StaleTime::default(),
            gc_time: crate::core::cache::DEFAULT_GC_TIME,
            retry: None,
            retry_delay: None,
        }
    }
}
