//! `Mutation` (`client.mutation(options)`): runs `mutationFn` with TanStack's
//! lifecycle.
//!
//! `mutate(variables)`: `onMutate(variables)` first (its value is the context, e.g. a
//! snapshot for rollback), then `mutationFn(variables)` with its own retry loop
//! (`retry` defaults to 0), then `onSuccess(data, variables, context)` and
//! `onSettled(data, null, variables, context)`. If any of those throws, the mutation
//! fails: `onError(error, variables, context)` and `onSettled(undefined, error, …)` run
//! and the promise rejects. Callbacks run outside the retry loop, so a throwing
//! callback never re-runs `mutationFn`. Mutations sharing `scope.id` run one at a
//! time, in the order submitted. A run whose turn comes after the client was disposed
//! rejects without running anything; one already running goes to its end. Offline
//! (under `networkMode: 'online'`, the default) `mutationFn` waits with `isPaused:
//! true` and runs when the network returns ([`super::paused_mutations`]).
//! `mutate(variables, { onSuccess, onError, onSettled })` adds callbacks for one call,
//! run after the mutation's own; `isMutating()` counts a run from the `mutate()` call.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::client::{now, Inner};
use super::convert::describe;
use super::errors::{disposed_error, type_error};
use super::js_state::mutation_state_object;
use super::managers;
use super::options::{
    expect_object, get, optional_function, read_network_mode, RetryDelaySpec, RetrySpec,
};
use super::paused_mutations::PausedRun;
use super::promise::settle;
use super::reentry;
use super::timer::Sleep;
use crate::core::mutation::MutationState;
use crate::core::network::{may_attempt, NetworkMode};
use crate::core::retry::{after_failure, AfterFailure};

type State = MutationState<JsValue, JsValue, JsValue, JsValue>;

struct MutationOptions {
    /// None: `mutate()` rejects (TanStack: "No mutationFn found").
    mutation_fn: Option<Function>,
    on_mutate: Option<Function>,
    /// `onSuccess`, `onError`, `onSettled`.
    outcome: OutcomeCallbacks,
    retry: RetrySpec,
    retry_delay: Option<RetryDelaySpec>,
    scope: Option<String>,
    network_mode: NetworkMode,
}

fn callback(
    opts: &JsValue,
    name: &'static str,
    signature: &str,
) -> Result<Option<Function>, JsValue> {
    optional_function(opts, name, name, signature)
}

impl MutationOptions {
    fn read(opts: &JsValue) -> Result<MutationOptions, JsValue> {
        expect_object(opts, "mutation options", false)?;
        let mutation_fn = callback(opts, "mutationFn", "(variables) => data")?;
        let scope = match get(opts, "scope")? {
            v if v.is_undefined() => None,
            v => {
                expect_object(&v, "scope (for example { id: 'todos' })", false)?;
                Some(
                    get(&v, "id")?
                        .as_string()
                        .ok_or_else(|| type_error("scope must be { id: string }"))?,
                )
            }
        };
        Ok(MutationOptions {
            mutation_fn,
            on_mutate: callback(opts, "onMutate", "(variables) => context")?,
            outcome: OutcomeCallbacks::read_from(opts)?,
            retry: RetrySpec::read(&get(opts, "retry")?, "retry")?.unwrap_or(RetrySpec::Times(0)),
            retry_delay: RetryDelaySpec::read(&get(opts, "retryDelay")?, "retryDelay")?,
            scope,
            network_mode: read_network_mode(opts)?.unwrap_or_default(),
        })
    }
}

/// Calls `f` with `args` and awaits what it returns (a throw or a rejection is an `Err`).
async fn call(f: &Function, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let ret = f.apply(
        &JsValue::UNDEFINED,
        &args.iter().copied().collect::<Array>(),
    )?;
    JsFuture::from(settle(&ret)).await
}

/// A run that holds its scope: let go when it is dropped, however the run ends.
struct Running<'a> {
    client: &'a Inner,
    scope: Option<&'a str>,
    ticket: u64,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.client.leave_scope(self.scope, self.ticket);
    }
}

/// A `mutate` call counted in `isMutating()` from the call itself (as TanStack's:
/// 1 right after `mutate()`) until its run ends, however it ends.
struct Counted(Rc<Inner>);

impl Counted {
    fn start(client: &Rc<Inner>) -> Counted {
        client.mutating.set(client.mutating.get() + 1);
        Counted(client.clone())
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        let n = self.0.mutating.get();
        self.0.mutating.set(n.saturating_sub(1));
    }
}

pub struct MutationInner {
    client: Rc<Inner>,
    options: MutationOptions,
    state: RefCell<State>,
    listeners: RefCell<Vec<(u32, Function)>>,
    next_listener: Cell<u32>,
}

impl MutationInner {
    fn state_object(&self) -> JsValue {
        // Copied out first: no borrow is held while the object is built.
        let s = self.state.borrow().clone();
        mutation_state_object(&s)
    }

    fn notify(&self) {
        let listeners: Vec<Function> = self
            .listeners
            .borrow()
            .iter()
            .map(|(_, f)| f.clone())
            .collect();
        if listeners.is_empty() {
            return;
        }
        let state = self.state_object();
        for l in listeners {
            let _ = l.call1(&JsValue::UNDEFINED, &state);
        }
    }

    /// `mutationFn` with retries; the error and the number of failures when it gives up.
    async fn call_with_retries(
        &self,
        run: u64,
        variables: &JsValue,
    ) -> Result<JsValue, (JsValue, u32)> {
        let Some(mutation_fn) = &self.options.mutation_fn else {
            return Err((
                type_error("mutate: no mutationFn found (give one in the mutation's options or through setMutationDefaults)"),
                1,
            ));
        };
        let mut failures = 0;
        let mut paused: Option<PausedRun> = None; // registered while it may resume
        loop {
            if !self.until_may_attempt(run, failures, &mut paused).await {
                return Err((disposed_error(), failures));
            }
            let error = match call(mutation_fn, &[variables]).await {
                Ok(data) => return Ok(data),
                Err(e) => e,
            };
            let decision = after_failure(
                &self.options.retry.to_core(),
                &RetryDelaySpec::to_core(&self.options.retry_delay),
                failures,
                &error,
            );
            match decision {
                AfterFailure::GiveUp => return Err((error, failures + 1)),
                AfterFailure::RetryIn(ms) => {
                    failures += 1;
                    self.state.borrow_mut().attempt_failed(run, failures, error);
                    self.notify();
                    Sleep::new(ms).done().await;
                }
            }
        }
    }

    /// Waits (paused, as TanStack's) while attempt number `failures` may not run: offline
    /// under `networkMode: 'online'`, or a retry while the page is hidden.
    /// False when the client was disposed meanwhile: the run must not go on.
    async fn until_may_attempt(
        &self,
        run: u64,
        failures: u32,
        paused: &mut Option<PausedRun>,
    ) -> bool {
        let mode = self.options.network_mode;
        loop {
            if self.client.is_disposed() {
                return false;
            }
            if may_attempt(
                mode,
                failures,
                managers::is_online(),
                managers::is_focused(),
            ) {
                break;
            }
            paused
                .get_or_insert_with(|| PausedRun::register(&self.client))
                .set_paused(true);
            let changed = self.state.borrow_mut().set_paused(run, true);
            if changed {
                self.notify();
            }
            managers::wait().done().await;
        }
        if let Some(p) = paused {
            p.set_paused(false);
        }
        if self.state.borrow_mut().set_paused(run, false) {
            self.notify();
        }
        true
    }

    /// One run: waits for its scope, then the lifecycle, then the callbacks given to
    /// this `mutate` call (after the mutation's own and its settled state, as TanStack's).
    async fn run(
        self: Rc<Self>,
        run: u64,
        queued: (u64, Option<Promise>),
        variables: JsValue,
        per_call: OutcomeCallbacks,
        counted: Counted,
    ) -> Result<JsValue, JsValue> {
        let outcome = self
            .clone()
            .run_lifecycle(run, variables.clone(), queued)
            .await;
        let context = self
            .state
            .borrow()
            .context
            .clone()
            .unwrap_or(JsValue::UNDEFINED);
        // Settled: no longer counted by isMutating() when the caller's callbacks run.
        drop(counted);
        // As TanStack's: called once the outcome stands, not awaited; what they throw
        // or reject with is the caller's own and changes no outcome.
        match &outcome {
            Ok(data) => {
                if let Some(f) = &per_call.on_success {
                    self.fire(f, &[data, &variables, &context]);
                }
                if let Some(f) = &per_call.on_settled {
                    self.fire(f, &[data, &JsValue::NULL, &variables, &context]);
                }
            }
            Err(error) => {
                if let Some(f) = &per_call.on_error {
                    self.fire(f, &[error, &variables, &context]);
                }
                if let Some(f) = &per_call.on_settled {
                    self.fire(f, &[&JsValue::UNDEFINED, error, &variables, &context]);
                }
            }
        }
        outcome
    }

    /// Calls `f` with `args`, not waiting for it: a throw is dropped, a rejection handled.
    fn fire(&self, f: &Function, args: &[&JsValue]) {
        if let Ok(ret) = f.apply(
            &JsValue::UNDEFINED,
            &args.iter().copied().collect::<Array>(),
        ) {
            if let Some(p) = ret.dyn_ref::<Promise>() {
                super::promise::handle(p, &self.client.noop);
            }
        }
    }

    /// Run `run` (pending since the `mutate()` call, queued in its scope with `ticket`):
    /// waits for its turn (`turn`; paused meanwhile, as TanStack's), then the lifecycle.
    async fn run_lifecycle(
        self: Rc<Self>,
        run: u64,
        variables: JsValue,
        (ticket, turn): (u64, Option<Promise>),
    ) -> Result<JsValue, JsValue> {
        let scope = self.options.scope.as_deref();
        let _running = Running {
            client: &self.client,
            scope,
            ticket,
        };
        let waited = turn.is_some();
        if let Some(turn) = turn {
            let _ = JsFuture::from(turn).await;
        }
        // A client disposed before this run's turn runs nothing more.
        if self.client.is_disposed() {
            if self.state.borrow_mut().fail(run, disposed_error(), 0) {
                self.notify();
            }
            return Err(disposed_error());
        }
        if waited && self.state.borrow_mut().set_paused(run, false) {
            self.notify();
        }
        self.lifecycle(run, &variables).await
    }

    async fn lifecycle(&self, run: u64, variables: &JsValue) -> Result<JsValue, JsValue> {
        let o = &self.options;
        let context = Rc::new(RefCell::new(JsValue::UNDEFINED));
        let mut failures = 0;
        let succeeded = async {
            if let Some(f) = &o.on_mutate {
                let ctx = call(f, &[variables]).await?;
                *context.borrow_mut() = ctx.clone();
                self.state.borrow_mut().set_context(run, ctx);
                self.notify();
            }
            let data = self
                .call_with_retries(run, variables)
                .await
                .map_err(|(e, n)| {
                    failures = n;
                    e
                })?;
            let ctx = context.borrow().clone();
            if let Some(f) = &o.outcome.on_success {
                call(f, &[&data, variables, &ctx]).await?;
            }
            if let Some(f) = &o.outcome.on_settled {
                call(f, &[&data, &JsValue::NULL, variables, &ctx]).await?;
            }
            Ok::<JsValue, JsValue>(data)
        }
        .await;
        match succeeded {
            Ok(data) => {
                if self.state.borrow_mut().succeed(run, data.clone()) {
                    self.notify();
                }
                Ok(data)
            }
            Err(error) => {
                let ctx = context.borrow().clone();
                // Errors of these callbacks are not the mutation's: it already failed.
                if let Some(f) = &o.outcome.on_error {
                    let _ = call(f, &[&error, variables, &ctx]).await;
                }
                if let Some(f) = &o.outcome.on_settled {
                    let _ = call(f, &[&JsValue::UNDEFINED, &error, variables, &ctx]).await;
                }
                if self.state.borrow_mut().fail(run, error.clone(), failures) {
                    self.notify();
                }
                Err(error)
            }
        }
    }
}

/// `onSuccess`, `onError` and `onSettled`: a mutation's own, or those of one
/// `mutate(variables, { onSuccess, onError, onSettled })` call.
struct OutcomeCallbacks {
    on_success: Option<Function>,
    on_error: Option<Function>,
    on_settled: Option<Function>,
}

impl OutcomeCallbacks {
    /// The options of one `mutate` call (none when `undefined` or `null`).
    fn read(opts: &JsValue) -> Result<OutcomeCallbacks, JsValue> {
        if opts.is_undefined() || opts.is_null() {
            return Ok(OutcomeCallbacks {
                on_success: None,
                on_error: None,
                on_settled: None,
            });
        }
        expect_object(
            opts,
            "mutate options ({ onSuccess, onError, onSettled })",
            false,
        )?;
        Self::read_from(opts)
    }

    /// The three callbacks of an options object already checked to be one.
    fn read_from(opts: &JsValue) -> Result<OutcomeCallbacks, JsValue> {
        Ok(OutcomeCallbacks {
            on_success: callback(opts, "onSuccess", "(data, variables, context) => void")?,
            on_error: callback(opts, "onError", "(error, variables, context) => void")?,
            on_settled: callback(
                opts,
                "onSettled",
                "(data, error, variables, context) => void",
            )?,
        })
    }
}

/// A mutation with lifecycle callbacks: `client.mutation({ mutationFn, onMutate, … })`.
#[wasm_bindgen]
pub struct Mutation {
    inner: Rc<MutationInner>,
}

impl Mutation {
    pub fn create(client: Rc<Inner>, options: &JsValue) -> Result<Mutation, JsValue> {
        Ok(Mutation {
            inner: Rc::new(MutationInner {
                client,
                options: MutationOptions::read(options)?,
                state: RefCell::new(State::default()),
                listeners: RefCell::new(Vec::new()),
                next_listener: Cell::new(0),
            }),
        })
    }
}

#[wasm_bindgen]
impl Mutation {
    /// Runs the mutation; resolves with `mutationFn`'s data or rejects with its error.
    /// `options`: `{ onSuccess, onError, onSettled }` for this call, run after the
    /// mutation's own.
    pub fn mutate(&self, variables: JsValue, options: JsValue) -> Result<Promise, JsValue> {
        let _entered = reentry::enter("Mutation.mutate")?;
        let per_call = OutcomeCallbacks::read(&options)?;
        if self.inner.client.is_disposed() {
            return Ok(Promise::reject(&disposed_error()));
        }
        let counted = Counted::start(&self.inner.client);
        // As TanStack's: pending from the call itself, the variables there to show.
        let run = self
            .inner
            .state
            .borrow_mut()
            .start(variables.clone(), now());
        let queued = self
            .inner
            .client
            .enter_scope(self.inner.options.scope.as_deref());
        if queued.1.is_some() {
            self.inner.state.borrow_mut().set_paused(run, true); // another of its scope runs
        }
        self.inner.notify();
        Ok(super::promise::from_future(
            self.inner
                .clone()
                .run(run, queued, variables, per_call, counted),
        ))
    }

    /// The state: status, data, error, variables, context, failureCount, submittedAt, flags.
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> Result<JsValue, JsValue> {
        let _entered = reentry::enter("Mutation.state")?;
        Ok(self.inner.state_object())
    }

    /// Calls `listener(state)` now and on every change; returns `unsubscribe()`.
    pub fn subscribe(&self, listener: JsValue) -> Result<JsValue, JsValue> {
        let _entered = reentry::enter("Mutation.subscribe")?;
        let listener: Function = listener.dyn_into().map_err(|v| {
            type_error(format!(
                "subscribe needs a listener function (state) => void, got {}",
                describe(&v)
            ))
        })?;
        let id = self.inner.next_listener.get() + 1;
        self.inner.next_listener.set(id);
        self.inner.listeners.borrow_mut().push((id, listener));
        // As TanStack's: the listener hears changes, not the state at subscribe.
        let weak: Weak<MutationInner> = Rc::downgrade(&self.inner);
        Ok(super::promise::once_fn(move || {
            if let Some(m) = weak.upgrade() {
                m.listeners.borrow_mut().retain(|(i, _)| *i != id);
            }
        }))
    }

    /// Back to idle (a run still going no longer writes the state); tells listeners.
    pub fn reset(&self) -> Result<(), JsValue> {
        let _entered = reentry::enter("Mutation.reset")?;
        self.inner.state.borrow_mut().reset();
        self.inner.notify();
        Ok(())
    }
}
