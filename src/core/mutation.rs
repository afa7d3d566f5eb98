//! Mutations: the state of one mutation (the Rust face's; the JS package's mutations
//! run in its face, `js/face/mutation.js`, by the same rules, scopes' queues included).
//!
//! A mutation goes idle → pending → success | error, and `reset` takes it back to
//! idle. Only the latest run of a mutation object may write its state (an older run
//! finishing late is ignored). Failures of `mutationFn` are retried by the host's loop
//! under the same [`crate::core::retry`] policy as queries; callbacks never count as
//! failures of the mutation function.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// Where a mutation stands (TanStack's `status`).
pub enum MutationStatus {
    /// Not run yet, or reset.
    Idle,
    /// Running.
    Pending,
    /// The last run succeeded.
    Success,
    /// The last run failed.
    Error,
}

impl MutationStatus {
    /// The name TanStack uses: `idle`, `pending`, `success` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            MutationStatus::Idle => "idle",
            MutationStatus::Pending => "pending",
            MutationStatus::Success => "success",
            MutationStatus::Error => "error",
        }
    }
}

/// Everything a user can read about a mutation. `V` variables, `C` the context
/// `onMutate` returned.
#[derive(Clone, Debug, PartialEq)]
pub struct MutationState<D, E, V, C> {
    /// Where the latest run stands.
    pub status: MutationStatus,
    /// What the latest successful run returned.
    pub data: Option<D>,
    /// Why the latest run failed.
    pub error: Option<E>,
    /// The latest run's variables.
    pub variables: Option<V>,
    /// What `onMutate` returned for the latest run.
    pub context: Option<C>,
    /// Failed attempts of the latest run.
    pub failure_count: u32,
    /// The latest failed attempt's error.
    pub failure_reason: Option<E>,
    /// When the latest run was submitted (ms since the epoch), 0 before any.
    pub submitted_at: f64,
    /// The run waits for the network (or a focused page, for a retry) before its
    /// `mutationFn` may run.
    pub is_paused: bool,
    /// Which run may write this state.
    run: u64,
}

impl<D, E, V, C> Default for MutationState<D, E, V, C> {
    fn default() -> Self {
        MutationState {
            status: MutationStatus::Idle,
            data: None,
            error: None,
            variables: None,
            context: None,
            failure_count: 0,
            failure_reason: None,
            submitted_at: 0.0,
            is_paused: false,
            run: 0,
        }
    }
}

impl<D, E, V, C> MutationState<D, E, V, C> {
    /// A new run starts: pending with these variables. Returns the run's id.
    pub fn start(&mut self, variables: V, submitted_at: f64) -> u64 {
        let run = self.run + 1;
        *self = MutationState {
            status: MutationStatus::Pending,
            variables: Some(variables),
            submitted_at,
            run,
            ..Default::default()
        };
        run
    }

    fn current(&mut self, run: u64) -> Option<&mut Self> {
        (self.run == run && self.status == MutationStatus::Pending).then_some(self)
    }

    /// `onMutate` returned a context for run `run`.
    pub fn set_context(&mut self, run: u64, context: C) {
        if let Some(s) = self.current(run) {
            s.context = Some(context);
        }
    }

    /// Run `run` waits for the network (`true`) or goes on (`false`). Returns whether
    /// the state changed.
    pub fn set_paused(&mut self, run: u64, paused: bool) -> bool {
        match self.current(run) {
            Some(s) if s.is_paused != paused => {
                s.is_paused = paused;
                true
            }
            _ => false,
        }
    }

    /// An attempt of run `run` failed and will be retried.
    pub fn attempt_failed(&mut self, run: u64, failure_count: u32, reason: E) {
        if let Some(s) = self.current(run) {
            s.failure_count = failure_count;
            s.failure_reason = Some(reason);
        }
    }

    /// Run `run` succeeded. Returns false when a newer run (or a reset) replaced it.
    pub fn succeed(&mut self, run: u64, data: D) -> bool {
        let Some(s) = self.current(run) else {
            return false;
        };
        s.status = MutationStatus::Success;
        s.data = Some(data);
        s.is_paused = false;
        s.failure_count = 0;
        s.failure_reason = None;
        true
    }

    /// Run `run` failed for good after `failure_count` failures.
    pub fn fail(&mut self, run: u64, error: E, failure_count: u32) -> bool
    where
        E: Clone,
    {
        let Some(s) = self.current(run) else {
            return false;
        };
        s.status = MutationStatus::Error;
        s.is_paused = false;
        s.failure_reason = Some(error.clone());
        s.error = Some(error);
        s.failure_count = failure_count;
        true
    }

    /// Back to idle; a run still going will not write any more.
    pub fn reset(&mut self) {
        let run = self.run + 1;
        *self = MutationState {
            run,
            ..Default::default()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type S = MutationState<&'static str, &'static str, u32, &'static str>;

    #[test]
    fn a_run_goes_pending_then_success_with_its_context() {
        let mut s = S::default();
        assert_eq!(s.status, MutationStatus::Idle);
        let run = s.start(7, 100.0);
        s.set_context(run, "snapshot");
        s.attempt_failed(run, 1, "flaky");
        assert_eq!(
            (s.status, s.variables, s.failure_count),
            (MutationStatus::Pending, Some(7), 1)
        );
        assert!(s.succeed(run, "saved"));
        assert_eq!(
            (s.status, s.data, s.context, s.failure_count, s.submitted_at),
            (
                MutationStatus::Success,
                Some("saved"),
                Some("snapshot"),
                0,
                100.0
            )
        );
    }

    #[test]
    fn a_paused_run_is_paused_until_it_goes_on_or_settles() {
        let mut s = S::default();
        let first = s.start(1, 1.0);
        assert!(s.set_paused(first, true));
        assert!(!s.set_paused(first, true), "no change");
        assert!(s.is_paused && s.status == MutationStatus::Pending);
        assert!(s.set_paused(first, false));
        assert!(s.set_paused(first, true));
        assert!(s.fail(first, "offline too long", 1));
        assert!(!s.is_paused, "settled: not paused");
        let second = s.start(2, 2.0);
        s.set_paused(second, true);
        let third = s.start(3, 3.0);
        assert!(!s.is_paused, "a new run starts unpaused");
        assert!(!s.set_paused(second, false), "an old run writes nothing");
        assert!(s.succeed(third, "ok"));
    }

    #[test]
    fn only_the_latest_run_writes_and_reset_silences_a_running_one() {
        let mut s = S::default();
        let first = s.start(1, 1.0);
        let second = s.start(2, 2.0);
        assert!(!s.succeed(first, "old"), "a replaced run is ignored");
        assert!(s.fail(second, "boom", 1));
        assert_eq!(
            (s.status, s.error, s.variables),
            (MutationStatus::Error, Some("boom"), Some(2))
        );
        let third = s.start(3, 3.0);
        s.reset();
        assert!(!s.succeed(third, "late"));
        assert_eq!(
            s,
            S {
                run: s.run,
                ..S::default()
            }
        );
    }
}
