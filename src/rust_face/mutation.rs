//! [`Mutation`]: a write to the server, with TanStack's callbacks and state.
//!
//! `on_mutate` runs first and returns a context (for an optimistic update and its
//! rollback), then the mutation function (retried `retry` times, none by default),
//! then `on_success` or `on_error`, then `on_settled`; each callback gets the
//! variables and the context. A run started while another is pending supersedes it
//! in the mutation's state (both still run to the end).

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use crate::core::mutation::{MutationState, MutationStatus};
use crate::core::retry::{after_failure, AfterFailure, Retry, RetryDelay};
use crate::engine::{Host, LocalBoxFuture};

type MutationFn<V, T, E> = Box<dyn Fn(Rc<V>) -> LocalBoxFuture<'static, Result<T, E>>>;
type OnMutate<V, C> = Option<Box<dyn Fn(&V) -> C>>;
/// A callback of the data or error, the variables and the context.
type Callback<X, V, C> = Option<Box<dyn Fn(&X, &V, Option<&C>)>>;
type OnSettled<T, E, V, C> = Option<Box<dyn Fn(Result<&T, &E>, &V, Option<&C>)>>;
type State<V, T, E, C> = MutationState<Rc<T>, Rc<E>, Rc<V>, Rc<C>>;

/// A mutation: made by [`crate::QueryClient::mutation`], given callbacks with its
/// builder methods, run with [`Mutation::mutate`].
pub struct Mutation<V, T, E, C = ()> {
    host: Rc<dyn Host>,
    mutation_fn: MutationFn<V, T, E>,
    on_mutate: OnMutate<V, C>,
    on_success: Callback<T, V, C>,
    on_error: Callback<E, V, C>,
    on_settled: OnSettled<T, E, V, C>,
    retry: u32,
    retry_delay: Option<Duration>,
    state: RefCell<State<V, T, E, C>>,
}

impl<V: 'static, T: 'static, E: 'static, C: 'static> Mutation<V, T, E, C> {
    pub(crate) fn new<F, Fut>(host: Rc<dyn Host>, mutation_fn: F) -> Self
    where
        F: Fn(Rc<V>) -> Fut + 'static,
        Fut: Future<Output = Result<T, E>> + 'static,
    {
        Mutation {
            host,
            mutation_fn: Box::new(move |v| Box::pin(mutation_fn(v))),
            on_mutate: None,
            on_success: None,
            on_error: None,
            on_settled: None,
            retry: 0,
            retry_delay: None,
            state: RefCell::new(MutationState::default()),
        }
    }

    /// Runs before the mutation function; what it returns is the context the other
    /// callbacks get (e.g. the data an optimistic update replaced).
    pub fn on_mutate(mut self, f: impl Fn(&V) -> C + 'static) -> Self {
        self.on_mutate = Some(Box::new(f));
        self
    }

    /// Runs after success (invalidate or update queries here).
    pub fn on_success(mut self, f: impl Fn(&T, &V, Option<&C>) + 'static) -> Self {
        self.on_success = Some(Box::new(f));
        self
    }

    /// Runs after failure (roll an optimistic update back here).
    pub fn on_error(mut self, f: impl Fn(&E, &V, Option<&C>) + 'static) -> Self {
        self.on_error = Some(Box::new(f));
        self
    }

    /// Runs after either.
    pub fn on_settled(mut self, f: impl Fn(Result<&T, &E>, &V, Option<&C>) + 'static) -> Self {
        self.on_settled = Some(Box::new(f));
        self
    }

    /// How many times a failure is retried (default 0).
    pub fn retry(mut self, times: u32) -> Self {
        self.retry = times;
        self
    }

    /// A fixed delay between retries (default: 1 s, doubling, at most 30 s).
    pub fn retry_delay(mut self, delay: Duration) -> Self {
        self.retry_delay = Some(delay);
        self
    }

    /// Runs the mutation with `variables`.
    pub async fn mutate(&self, variables: V) -> Result<Rc<T>, Rc<E>> {
        let variables = Rc::new(variables);
        let run = self
            .state
            .borrow_mut()
            .start(variables.clone(), self.host.now());
        let context = self.on_mutate.as_ref().map(|f| Rc::new(f(&variables)));
        if let Some(c) = &context {
            self.state.borrow_mut().set_context(run, c.clone());
        }
        let ctx = context.as_deref();
        let retry = Retry::Times(self.retry);
        let delay = match self.retry_delay {
            Some(d) => RetryDelay::Millis(d.as_secs_f64() * 1000.0),
            None => RetryDelay::Default,
        };
        let mut failures = 0;
        let outcome = loop {
            match (self.mutation_fn)(variables.clone()).await {
                Ok(data) => break Ok(Rc::new(data)),
                Err(error) => {
                    let next = after_failure(&retry, &delay, failures, &error);
                    failures += 1;
                    let error = Rc::new(error);
                    match next {
                        AfterFailure::RetryIn(ms) => {
                            self.state.borrow_mut().attempt_failed(run, failures, error);
                            self.host.sleep(ms).await;
                        }
                        AfterFailure::GiveUp => break Err(error),
                    }
                }
            }
        };
        match &outcome {
            Ok(data) => {
                self.state.borrow_mut().succeed(run, data.clone());
                if let Some(f) = &self.on_success {
                    f(data, &variables, ctx);
                }
                if let Some(f) = &self.on_settled {
                    f(Ok(data), &variables, ctx);
                }
            }
            Err(error) => {
                self.state.borrow_mut().fail(run, error.clone(), failures);
                if let Some(f) = &self.on_error {
                    f(error, &variables, ctx);
                }
                if let Some(f) = &self.on_settled {
                    f(Err(error), &variables, ctx);
                }
            }
        }
        outcome
    }

    /// `Idle`, `Pending`, `Success` or `Error` (of the latest run).
    pub fn status(&self) -> MutationStatus {
        self.state.borrow().status
    }

    /// Whether the latest run is under way.
    pub fn is_pending(&self) -> bool {
        self.status() == MutationStatus::Pending
    }

    /// The latest run's data.
    pub fn data(&self) -> Option<Rc<T>> {
        self.state.borrow().data.clone()
    }

    /// The latest run's error.
    pub fn error(&self) -> Option<Rc<E>> {
        self.state.borrow().error.clone()
    }

    /// The latest run's variables.
    pub fn variables(&self) -> Option<Rc<V>> {
        self.state.borrow().variables.clone()
    }

    /// Failures of the latest run so far.
    pub fn failure_count(&self) -> u32 {
        self.state.borrow().failure_count
    }

    /// Back to idle (a run still under way no longer writes the state).
    pub fn reset(&self) {
        self.state.borrow_mut().reset();
    }
}
