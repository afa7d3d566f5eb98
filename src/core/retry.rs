//! Retry policy: whether a failed attempt is tried again, and after how long.
//!
//! The same rules as TanStack's retryer: `failure_count` is the number of failures
//! before the one being judged (0 on the first failure), `retry: 3` means up to three
//! retries (four attempts), and the default delay is `min(1000 * 2^failureCount, 30s)`.
//! Custom policies are closures so the host can call user functions.

/// A user function of `(failure_count, error)`.
pub type RetryFn<E, T> = Box<dyn Fn(u32, &E) -> T>;

/// Whether to retry after a failure.
pub enum Retry<E> {
    /// Retry up to this many times.
    Times(u32),
    /// Retry forever.
    Always,
    /// Ask a function with `(failure_count, error)`.
    Custom(RetryFn<E, bool>),
}

/// How long to wait before the next attempt.
pub enum RetryDelay<E> {
    /// `min(1000 * 2^failureCount, 30000)` ms (TanStack's).
    Default,
    /// This many milliseconds.
    Millis(f64),
    /// A function of `(failure_count, error)`.
    Custom(RetryFn<E, f64>),
}

/// The default delay: `min(1000 * 2^failure_count, 30000)` milliseconds.
pub fn default_retry_delay(failure_count: u32) -> f64 {
    let exp = failure_count.min(15) as i32; // 2^15 s is far past the cap
    (1000.0 * 2f64.powi(exp)).min(30_000.0)
}

/// After a failed attempt: wait this long and try again, or give up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AfterFailure {
    /// Try again after this many milliseconds.
    RetryIn(f64),
    /// Stop: the fetch fails with this error.
    GiveUp,
}

/// Decides what follows the failure of an attempt, `failure_count` failures having
/// come before it. As TanStack's retryer, the delay is asked before whether to retry, on
/// every failure (the last one too): a `retryDelay` function sees each failure once.
pub fn after_failure<E>(
    retry: &Retry<E>,
    delay: &RetryDelay<E>,
    failure_count: u32,
    error: &E,
) -> AfterFailure {
    let ms = match delay {
        RetryDelay::Default => default_retry_delay(failure_count),
        RetryDelay::Millis(ms) => *ms,
        RetryDelay::Custom(f) => f(failure_count, error),
    };
    let again = match retry {
        Retry::Times(n) => failure_count < *n,
        Retry::Always => true,
        Retry::Custom(f) => f(failure_count, error),
    };
    if !again {
        return AfterFailure::GiveUp;
    }
    // A delay function that returns garbage must not stall or spin the retry loop.
    let ms = if ms.is_finite() && ms >= 0.0 {
        ms
    } else {
        default_retry_delay(failure_count)
    };
    AfterFailure::RetryIn(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_delay_doubles_up_to_thirty_seconds() {
        let delays: Vec<f64> = (0..7).map(default_retry_delay).collect();
        assert_eq!(
            delays,
            [1000.0, 2000.0, 4000.0, 8000.0, 16000.0, 30000.0, 30000.0]
        );
        assert_eq!(default_retry_delay(u32::MAX), 30000.0);
    }

    #[test]
    fn three_retries_means_four_attempts() {
        let retry = Retry::<()>::Times(3);
        let outcomes: Vec<AfterFailure> = (0..4)
            .map(|n| after_failure(&retry, &RetryDelay::Default, n, &()))
            .collect();
        assert_eq!(
            outcomes,
            [
                AfterFailure::RetryIn(1000.0),
                AfterFailure::RetryIn(2000.0),
                AfterFailure::RetryIn(4000.0),
                AfterFailure::GiveUp
            ]
        );
        assert_eq!(
            after_failure(&Retry::<()>::Times(0), &RetryDelay::Default, 0, &()),
            AfterFailure::GiveUp
        );
    }

    #[test]
    fn custom_policies_see_count_and_error() {
        let retry = Retry::Custom(Box::new(|n, e: &&str| *e == "transient" && n < 2));
        let delay = RetryDelay::Custom(Box::new(|n, _e: &&str| 10.0 * (n + 1) as f64));
        assert_eq!(
            after_failure(&retry, &delay, 0, &"transient"),
            AfterFailure::RetryIn(10.0)
        );
        assert_eq!(
            after_failure(&retry, &delay, 1, &"transient"),
            AfterFailure::RetryIn(20.0)
        );
        assert_eq!(
            after_failure(&retry, &delay, 2, &"transient"),
            AfterFailure::GiveUp
        );
        assert_eq!(
            after_failure(&retry, &delay, 0, &"fatal"),
            AfterFailure::GiveUp
        );
        assert_eq!(
            after_failure(&Retry::Always, &RetryDelay::Millis(5.0), 1000, &"x"),
            AfterFailure::RetryIn(5.0)
        );
    }

    #[test]
    fn a_garbage_delay_falls_back_to_the_default() {
        let delay = RetryDelay::Custom(Box::new(|_, _: &()| f64::NAN));
        assert_eq!(
            after_failure(&Retry::Always, &delay, 1, &()),
            AfterFailure::RetryIn(2000.0)
        );
    }

    #[test]
    fn the_delay_is_asked_before_retry_on_every_failure() {
        use std::cell::RefCell;
        use std::rc::Rc;
        let asked = Rc::new(RefCell::new(Vec::new()));
        let (a, b) = (asked.clone(), asked.clone());
        let retry = Retry::Custom(Box::new(move |n, _e: &()| {
            a.borrow_mut().push(format!("retry {n}"));
            n < 1
        }));
        let delay = RetryDelay::Custom(Box::new(move |n, _e: &()| {
            b.borrow_mut().push(format!("delay {n}"));
            5.0
        }));
        assert_eq!(
            after_failure(&retry, &delay, 0, &()),
            AfterFailure::RetryIn(5.0)
        );
        assert_eq!(after_failure(&retry, &delay, 1, &()), AfterFailure::GiveUp);
        assert_eq!(
            *asked.borrow(),
            ["delay 0", "retry 0", "delay 1", "retry 1"]
        );
    }
}
