//! Running a query function: one `spawn_local` task per fetch ticket, with retries.
//!
//! Every caller of one ticket gets the same `Promise`, so concurrent fetches of a key
//! run the query function once and all see the same result or error. The task asks
//! the core before each step whether its ticket is still current: a cancelled,
//! removed or reset fetch stops retrying and its late result is dropped. Cancelling
//! aborts the `signal` the query function got, rejects the waiters with a
//! `CancelledError` and ends a retry sleep early.

use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

use super::clock::now;
use super::errors::{reentrant_error, undefined_data_error};
use super::in_flight::{run_query_fn, starter_of, InFlight};
use super::inner::{Inner, WhenStale};
use super::options::{QueryOptions, RetryDelaySpec};
use super::query_meta::Cache;
use super::timer::Sleep;
use super::{managers, promise, structural};
use crate::core::network::may_attempt;
use crate::core::retry::{after_failure, AfterFailure};
use crate::core::state::FetchStatus;
use crate::core::{FetchId, FetchStart};

/// Starts a fetch of the query under `hash`, or joins the running one. `Ok(None)`
/// when the query is gone or has no query function to run.
pub fn start(inner: &Rc<Inner>, hash: &str) -> Result<Option<Promise>, JsValue> {
    let mut cache = inner.cache()?;
    let has_fn = cache.get(hash).is_some_and(|q| q.meta.query_fn.is_some());
    if !has_fn {
        return Ok(None);
    }
    let id = match cache.begin_fetch(hash) {
        Some(FetchStart::Joined(_)) => {
            return Ok(cache
                .get_mut(hash)
                .and_then(|q| q.meta.in_flight.as_mut())
                .map(|f| {
                    f.retry_cancelled = false;
                    f.promise.clone()
                }));
        }
        Some(FetchStart::Started(id)) => id,
        None => return Ok(None),
    };
    let mut settle = None;
    let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    let Some((resolve, reject)) = settle else {
        return Ok(None);
    };
    // Background refetches have no waiter: never report their failure as unhandled.
    super::promise::handle(&promise, &inner.noop);
    pause_unless_may_run(&mut cache, hash, id);
    if let Some(q) = cache.get_mut(hash) {
        q.meta.in_flight = Some(Box::new(InFlight {
            id,
            promise: promise.clone(),
            resolve,
            reject,
            controller: AbortController::new().ok(),
            sleep: None,
            retry_cancelled: false,
        }));
    }
    drop(cache);
    inner.notify_changed();
    launch(inner, hash, id);
    Ok(Some(promise))
}

/// A fetch that may not start now (offline, in its network mode) is paused from the
/// start: no `fetching` flash.
fn pause_unless_may_run(cache: &mut Cache, hash: &str, id: FetchId) {
    let mode = cache
        .get(hash)
        .map(|q| q.meta.network_mode)
        .unwrap_or_default();
    if !may_attempt(mode, 0, managers::is_online(), managers::is_focused()) {
        cache.set_paused(hash, id, true);
    }
}

/// Runs fetch `id`: its first attempt now, synchronously, when it may run now (as
/// TanStack's `queryFn` starts inside the call that starts the fetch), the rest as a
/// task.
fn launch(inner: &Rc<Inner>, hash: &str, id: FetchId) {
    let first = first_attempt(inner, hash, id);
    super::promise::spawn(run(inner.clone(), hash.to_owned(), id, first));
}

/// The first attempt, when the network mode lets it run now: what it returned (or
/// threw), and what it needs for retries.
fn first_attempt(
    inner: &Inner,
    hash: &str,
    id: FetchId,
) -> Option<(Attempt, Result<JsValue, JsValue>)> {
    let may_run_now = inner.cache_ref().is_ok_and(|c| {
        c.get(hash).is_some_and(|q| {
            q.fetch_id() == Some(id)
                && q.state.fetch_status != FetchStatus::Paused
                && may_attempt(
                    q.meta.network_mode,
                    0,
                    managers::is_online(),
                    managers::is_focused(),
                )
        })
    });
    if !may_run_now {
        return None;
    }
    let a = attempt(inner, hash, id)?;
    let returned = a.call();
    Some((a, returned))
}

/// [`start`], for a refetch (`refetchQueries`, `invalidateQueries`, an observer's
/// `refetch()`): with `cancel_refetch` (TanStack's `cancelRefetch`, default true), a
/// running fetch of a query that holds data is replaced by a new run, whose result
/// the waiters of the old one get; its `signal` aborts. Without, or with no data yet,
/// the refetch joins the running fetch.
pub fn refetch(
    inner: &Rc<Inner>,
    hash: &str,
    cancel_refetch: bool,
) -> Result<Option<Promise>, JsValue> {
    if !cancel_refetch {
        return start(inner, hash);
    }
    let replaced = {
        let mut cache = inner.cache()?;
        let has_fn = cache.get(hash).is_some_and(|q| q.meta.query_fn.is_some());
        let running = cache.get(hash).is_some_and(|q| q.meta.in_flight.is_some());
        let restarted = (has_fn && running)
            .then(|| cache.restart_fetch(hash))
            .flatten();
        if let Some((_, id)) = restarted {
            pause_unless_may_run(&mut cache, hash, id); // as a new fetch
        }
        match restarted {
            Some((_, id)) => cache
                .get_mut(hash)
                .and_then(|q| q.meta.in_flight.as_mut())
                .map(|f| {
                    f.id = id;
                    f.retry_cancelled = false;
                    let old = std::mem::replace(&mut f.controller, AbortController::new().ok());
                    (id, old, f.sleep.take(), f.promise.clone())
                }),
            None => None,
        }
    };
    let Some((id, old_controller, old_sleep, promise)) = replaced else {
        return start(inner, hash);
    };
    // With no borrow held: abort listeners are user code. The old run, woken or
    // failing, finds its ticket orphaned and ends without touching the waiters.
    if let Some(c) = old_controller {
        c.abort();
    }
    if let Some(sleep) = old_sleep {
        sleep.wake();
    }
    inner.notify_changed();
    launch(inner, hash, id);
    Ok(Some(promise))
}

/// What one attempt needs, read from the cache while the ticket is current.
struct Attempt {
    query_fn: Function,
    /// The context's parts (made in JS with the call: `run_query_fn`).
    client_ref: JsValue,
    key: JsValue,
    /// The fetch's: the context's `signal` getter takes its signal only when read
    /// (creating it is most of an attempt's cost in Node).
    controller: Option<AbortController>,
    meta: JsValue,
    retry: super::options::RetrySpec,
    retry_delay: Option<RetryDelaySpec>,
}

impl Attempt {
    /// Calls the query function (user code: with no borrow held).
    fn call(&self) -> Result<JsValue, JsValue> {
        run_query_fn(
            &self.query_fn,
            &self.client_ref,
            &self.key,
            self.controller.clone(),
            &self.meta,
        )
    }
}

fn attempt(inner: &Inner, hash: &str, id: FetchId) -> Option<Attempt> {
    let cache = inner.cache().ok()?;
    let q = cache.get(hash).filter(|q| q.fetch_id() == Some(id))?;
    let controller = q.meta.in_flight.as_ref().and_then(|f| f.controller.clone());
    Some(Attempt {
        query_fn: q.meta.query_fn.clone()?,
        client_ref: inner.face.client_ref.borrow().clone(),
        key: q.meta.key_js.clone(),
        controller,
        meta: q.meta.meta.clone(),
        retry: q.meta.retry.clone(),
        retry_delay: q.meta.retry_delay.clone(),
    })
}

/// Waits while attempt number `attempt` may not run (offline, or a hidden page for a
/// retry): the query is `paused` meanwhile. False when the fetch stopped being current.
async fn until_may_attempt(inner: &Inner, hash: &str, id: FetchId, attempt: u32) -> bool {
    let mut paused = false;
    loop {
        let mode = match inner.cache() {
            Ok(cache) => match cache.get(hash).filter(|q| q.fetch_id() == Some(id)) {
                Some(q) => q.meta.network_mode,
                None => return false,
            },
            Err(_) => return false,
        };
        if may_attempt(mode, attempt, managers::is_online(), managers::is_focused()) {
            break;
        }
        let wake = managers::wait();
        {
            let Ok(mut cache) = inner.cache() else {
                return false;
            };
            if !paused && !cache.set_paused(hash, id, true) {
                return false;
            }
            // Cancelling the fetch must end the wait too.
            match cache.get_mut(hash).and_then(|q| q.meta.in_flight.as_mut()) {
                Some(f) if f.id == id => f.sleep = Some(wake.clone()),
                _ => return false,
            }
        }
        if !paused {
            paused = true;
            inner.notify_changed();
        }
        wake.done().await;
    }
    if paused {
        let resumed = inner
            .cache()
            .is_ok_and(|mut c| c.set_paused(hash, id, false));
        inner.notify_changed();
        return resumed;
    }
    true
}

async fn run(
    inner: Rc<Inner>,
    hash: String,
    id: FetchId,
    mut first: Option<(Attempt, Result<JsValue, JsValue>)>,
) {
    let mut failures: u32 = 0;
    // The retry policy of the run's first attempt, kept for the run (TanStack's retryer
    // takes it once): a call joining the run with other options does not change it.
    let mut policy = None;
    loop {
        let (a, returned) = match first.take() {
            Some(started) => started,
            None => {
                if !until_may_attempt(&inner, &hash, id, failures).await {
                    return;
                }
                let Some(a) = attempt(&inner, &hash, id) else {
                    return;
                };
                let returned = a.call();
                (a, returned)
            }
        };
        let outcome = match returned {
            Ok(returned) => JsFuture::from(super::promise::settle(&returned)).await,
            Err(thrown) => Err(thrown),
        };
        let error = match outcome {
            // Never retried (TanStack's: the attempt succeeded, its value is the error): the
            // same function would return undefined again.
            Ok(data) if data.is_undefined() => {
                return fail(&inner, &hash, id, undefined_data_error(&hash), failures + 1)
            }
            Ok(data) => return succeed(&inner, &hash, id, data),
            Err(error) => error,
        };
        let (retry, retry_delay) = policy
            .get_or_insert_with(|| (a.retry.to_core(), RetryDelaySpec::to_core(&a.retry_delay)));
        // User retry functions run here, with no borrow held.
        let decision = after_failure(retry, retry_delay, failures, &error);
        let decision = match decision {
            AfterFailure::RetryIn(_) if retry_cancelled(&inner, &hash, id) => AfterFailure::GiveUp,
            other => other,
        };
        match decision {
            AfterFailure::GiveUp => return fail(&inner, &hash, id, error, failures + 1),
            AfterFailure::RetryIn(ms) => {
                failures += 1;
                let sleep = Rc::new(Sleep::new(ms));
                if !note_failure(&inner, &hash, id, failures, error.clone(), &sleep) {
                    sleep.wake();
                    return;
                }
                inner.notify_changed();
                let _ = JsFuture::from(sleep.promise.clone()).await;
                // Retries cancelled during the wait: the last failure is final.
                if retry_cancelled(&inner, &hash, id) {
                    return fail(&inner, &hash, id, error, failures);
                }
            }
        }
    }
}

/// Whether fetch `id`'s retries were cancelled (its last observer left).
fn retry_cancelled(inner: &Inner, hash: &str, id: FetchId) -> bool {
    inner.cache_ref().is_ok_and(|c| {
        c.get(hash)
            .and_then(|q| q.meta.in_flight.as_ref())
            .is_some_and(|f| f.id == id && f.retry_cancelled)
    })
}

fn note_failure(
    inner: &Inner,
    hash: &str,
    id: FetchId,
    failures: u32,
    error: JsValue,
    sleep: &Rc<Sleep>,
) -> bool {
    let Ok(mut cache) = inner.cache() else {
        return false;
    };
    if !cache.attempt_failed(hash, id, failures, error) {
        return false;
    }
    if let Some(f) = cache.get_mut(hash).and_then(|q| q.meta.in_flight.as_mut()) {
        f.sleep = Some(sleep.clone());
    }
    true
}

fn take_in_flight(
    inner: &Inner,
    hash: &str,
    id: FetchId,
    settle: impl FnOnce(&mut Cache) -> bool,
) -> Option<Box<InFlight>> {
    let mut cache = inner.cache().ok()?;
    if !settle(&mut cache) {
        return None;
    }
    let q = cache.get_mut(hash)?;
    q.meta.in_flight.take_if(|f| f.id == id)
}

fn succeed(inner: &Rc<Inner>, hash: &str, id: FetchId, data: JsValue) {
    // Equal parts of the new data keep the old references (no borrow held: getters
    // and a `structuralSharing` function are user code).
    let (old, sharing) = match inner.cache() {
        Ok(cache) => match cache.get(hash).filter(|q| q.fetch_id() == Some(id)) {
            Some(q) => (q.state.data.clone(), q.meta.structural_sharing.clone()),
            None => return,
        },
        Err(_) => return,
    };
    let shared = match structural::share(&sharing, old.as_ref(), data.clone()) {
        Ok(shared) => shared,
        Err(error) => return fail(inner, hash, id, error, 1),
    };
    // That user code may have written this query: then the fetch's data still wins
    // (it came last), but not shared with data that is gone. The waiters get exactly
    // what the cache holds. A removal, reset or cancellation meanwhile ended the fetch
    // (its waiters already have their answer), and `fetch_succeeded` refuses it below.
    let data = match (&old, inner.cache()) {
        (Some(old), Ok(cache)) => match cache.get(hash) {
            Some(q) if q.state.data.as_ref() != Some(old) => data,
            _ => shared,
        },
        _ => shared,
    };
    let d = data.clone();
    let mut settled = false;
    let waiters = take_in_flight(inner, hash, id, |c| {
        settled = c.fetch_succeeded(hash, id, d, now());
        settled
    });
    if settled {
        inner.persist(hash);
    }
    inner.notify_changed();
    if let Some(f) = waiters {
        let _ = f.resolve.call1(&JsValue::UNDEFINED, &data);
    }
    inner.arm_gc();
}

fn fail(inner: &Rc<Inner>, hash: &str, id: FetchId, error: JsValue, failures: u32) {
    let e = error.clone();
    let waiters = take_in_flight(inner, hash, id, |c| {
        c.fetch_failed(hash, id, e, failures, now())
    });
    inner.notify_changed();
    if let Some(f) = waiters {
        let _ = f.reject.call1(&JsValue::UNDEFINED, &error);
    }
    inner.arm_gc();
}

impl Inner {
    /// The answer to a fetch once L1 is as good as it gets: fresh data; for stale data,
    /// what `stale` says (TanStack: `fetchQuery` waits for the refetch,
    /// `ensureQueryData` answers at once and refetches in the background with
    /// `revalidateIfStale`); with no data, the fetch itself.
    fn decide(
        self: &Rc<Self>,
        o: &QueryOptions,
        when_stale: WhenStale,
    ) -> Result<Promise, JsValue> {
        let (data, stale, running) = {
            let cache = self.cache_ref()?;
            match cache.get(&o.hash) {
                Some(q) => (q.state.data.clone(), q.is_stale(now()), q.is_fetching()),
                None => (None, true, false),
            }
        };
        match data {
            Some(data) if !stale || when_stale != WhenStale::Refetch => {
                if !answers_without_fetch(when_stale, stale) {
                    start(self, &o.hash)?; // background: callers get the cached data now
                }
                promise::resolve(&data)
            }
            // The call that starts the fetch gets the data a reverting cancel goes back
            // to; callers that join it get the fetch's own promise (TanStack's).
            _ => match start(self, &o.hash)? {
                Some(p) if running => Ok(p),
                Some(p) => Ok(starter_of(&p)),
                // No queryFn to run: rejected, as TanStack's (a prefetch resolves).
                None => match o.missing_query_fn() {
                    Some(error) => Ok(Promise::reject(&error)),
                    None => Err(reentrant_error()),
                },
            },
        }
    }

    /// Whether [`Self::fetch_or_cached`] would answer `hash` with the data it holds and
    /// start nothing (no L2 read, no fetch): what a mount on fresh data asks before it makes
    /// a promise it would not use.
    pub fn answers_from_cache(&self, hash: &str, when_stale: WhenStale) -> bool {
        self.cache_ref().is_ok_and(|c| {
            c.get(hash).is_some_and(|q| {
                (q.meta.hydrated || self.persister.is_none())
                    && q.state.has_data()
                    && answers_without_fetch(when_stale, q.is_stale(now()))
            })
        })
    }

    /// `decide`, after reading L2 once if the key is cold: fresh L2 data means no
    /// network call; L2 never replaces newer L1 data.
    pub fn fetch_or_cached(
        self: &Rc<Self>,
        o: QueryOptions,
        when_stale: WhenStale,
    ) -> Result<Promise, JsValue> {
        self.build(&o)?;
        let cold = self
            .cache_ref()?
            .get(&o.hash)
            .is_some_and(|q| !q.meta.hydrated);
        let Some(persister) = self.persister.clone().filter(|_| cold) else {
            return self.decide(&o, when_stale);
        };
        if !self.has_query_fn(&o.hash) {
            if let Some(error) = o.missing_query_fn() {
                return Ok(Promise::reject(&error));
            }
        }
        let inner = self.clone();
        if self.cache()?.set_hydrating(&o.hash, true) {
            self.notify_changed(); // observers show loading while L2 is read
        }
        Ok(super::promise::from_future(async move {
            let restored = persister.read(&o.hash).await;
            inner.take_restored(&o.hash, restored)?;
            // The query may have been removed, re-created or reset while L2 was read:
            // apply this call's options (its queryFn above all) again before deciding.
            inner.build(&o)?;
            let decided = inner.decide(&o, when_stale);
            // No fetch followed (fresh L2 data, or none to run): loading is over.
            let _ = inner.cache().map(|mut c| c.set_hydrating(&o.hash, false));
            inner.notify_changed();
            JsFuture::from(promise::settle(&decided?.into())).await
        }))
    }
}

/// Whether data, `stale` or fresh, is answered as it is under `when_stale`, starting no
/// fetch.
fn answers_without_fetch(when_stale: WhenStale, stale: bool) -> bool {
    match when_stale {
        WhenStale::Answer => true,
        WhenStale::Revalidate | WhenStale::Refetch => !stale,
        WhenStale::Always => false,
    }
}
