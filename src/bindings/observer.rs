//! `QueryObserver`: a reactive view of one query (`client.watch(options)` or
//! `new QueryObserver(client, options)`).
//!
//! The face's `subscribe` keeps its listeners in JavaScript (`js/face/observer.js`) and
//! gives the engine one listener of its own while it has any (`__listen`, `__unlisten`):
//! listening mounts the observer (the query is built, counted as observed, so it is never
//! collected and is active while `enabled`, hydrated from L2 when cold, and fetched when
//! it has no data or stale data). Results are compared, so the listener hears only about
//! changes. Unlistening starts the query's GC clock.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::client::QueryClient;
use super::clock::now;
use super::convert::describe;
use super::errors::type_error;
use super::fetch;
use super::in_flight::InFlight;
use super::inner::{Inner, WhenStale};
use super::js_state::{result_object, ResultFlags};
use super::option_reader::{self, Given, List};
use super::options::{get, read_refetch_on, QueryOptions};
use super::query_meta::{take_reverted, Cache};
use super::reentry;
use super::watcher::{Trigger, Watcher};
use crate::core::network::RefetchOn;
use crate::core::staleness::{is_stale, stale_at, StaleTime};
use crate::core::state::{FetchStatus, QueryState, Status};
use crate::core::text::text;

/// What a listener sees change. Data and errors compare by identity (`===`).
#[derive(Clone)]
struct Snapshot {
    state: QueryState<JsValue, JsValue>,
    /// Under this observer's own `staleTime` (TanStack's `isStale(query, options)`), not
    /// the query's, which is whatever the last call that built it gave.
    is_stale: bool,
    /// When fresh data turns stale by itself under that `staleTime`; `INFINITY` when it
    /// never will, is stale already, the observer is disabled or there is no query. What
    /// the face may keep this result until.
    fresh_until: f64,
    /// TanStack's `isEnabled` and `isFetchedAfterMount`.
    enabled: bool,
    fetched_after_mount: bool,
}

struct ObserverState {
    /// Shared: the calls that act on them take a reference counted, not a copy (a copy
    /// is a table slot per JS value in them, which showed in the mounting profile).
    options: Rc<QueryOptions>,
    enabled: bool,
    /// Its query's `(dataUpdateCount, errorUpdateCount)` when the observer was set to it
    /// (made, or given another key): a count past them is TanStack's
    /// `isFetchedAfterMount`.
    counts_at_start: (u32, u32),
    /// The face's one listener, while the observer has subscribers.
    listener: Option<Function>,
    mounted: bool,
    last: Option<(Snapshot, JsValue)>,
    /// The last result the listener was given (a `getCurrentResult()` in between must
    /// not make them miss a change).
    delivered: JsValue,
    /// A timer for the moment fresh data turns stale (listeners hear `isStale` change):
    /// when it fires, and its handle.
    stale_timer: Option<(f64, JsValue)>,
    /// `refetchInterval` in ms, and the running interval (its handle and JS callback).
    interval_ms: Option<f64>,
    poll: Option<JsValue>,
    /// `refetchOnWindowFocus` and `refetchOnReconnect`.
    on_focus: RefetchOn,
    on_reconnect: RefetchOn,
    mounting: Mounting,
}

/// What mounting and polling do (TanStack's `refetchOnMount`, `retryOnMount`,
/// `refetchIntervalInBackground`).
#[derive(Clone, Copy)]
struct Mounting {
    /// With data, the first subscriber refetches it when stale (default), always, or never.
    on_mount: RefetchOn,
    /// A query in error with no data is fetched again on mount (default true).
    retry_on_mount: bool,
    /// `refetchInterval` polls while the page is hidden too (default false).
    in_background: bool,
}

pub struct ObserverInner {
    client: Rc<Inner>,
    state: RefCell<ObserverState>,
}

/// An observer's own options (beside the query's), read in one call.
struct ObserverOptions {
    enabled: bool,
    on_focus: RefetchOn,
    on_reconnect: RefetchOn,
    interval_ms: Option<f64>,
    mounting: Mounting,
}

impl ObserverOptions {
    /// `refetchOnWindowFocus` and `refetchOnReconnect` default to the client's.
    fn read(opts: &JsValue, client: &Inner) -> Result<ObserverOptions, JsValue> {
        let mut given = option_reader::read(opts, List::Observer)?;
        let d = client.defaults();
        let options = ObserverOptions {
            enabled: boolean(&given.next(), "enabled", true)?,
            on_focus: read_refetch_on(&given.next(), "refetchOnWindowFocus")?
                .unwrap_or(d.refetch_on_window_focus),
            on_reconnect: read_refetch_on(&given.next(), "refetchOnReconnect")?
                .unwrap_or(d.refetch_on_reconnect),
            interval_ms: read_interval(&given.next())?,
            mounting: Mounting {
                on_mount: read_refetch_on(&given.next(), "refetchOnMount")?.unwrap_or_default(),
                retry_on_mount: boolean(&given.next(), "retryOnMount", true)?,
                in_background: boolean(&given.next(), "refetchIntervalInBackground", false)?,
            },
        };
        given.finish()?;
        Ok(options)
    }
}

/// The running fetch of a query its last observer just left (`leaving`), as TanStack's
/// `removeObserver`: cancelled, back to the state before it, when its query function
/// read its `signal` (it can stop its work) or it is paused with no data yet; otherwise
/// it stops retrying and the attempt under way goes to its end. The cancelled fetch and
/// the data it went back to, to be cancelled with no borrow held.
fn leave_fetch(
    cache: &mut Cache,
    hash: &str,
    leaving: bool,
    t: f64,
) -> Option<(Box<InFlight>, Option<JsValue>)> {
    let q = cache
        .get_mut(hash)
        .filter(|q| leaving && !q.is_observed())?;
    let paused_empty =
        q.state.fetch_status == FetchStatus::Paused && q.state.status == Status::Pending;
    let f = q.meta.in_flight.as_mut()?;
    if !(paused_empty || f.signal_consumed()) {
        f.retry_cancelled = true;
        return None;
    }
    take_reverted(cache, hash, t)
}

/// `hash`'s `(dataUpdateCount, errorUpdateCount)` now (none: zeros).
fn update_counts(client: &Inner, hash: &str) -> (u32, u32) {
    client
        .cache_ref()
        .ok()
        .and_then(|c| {
            c.get(hash)
                .map(|q| (q.state.data_update_count, q.state.error_update_count))
        })
        .unwrap_or_default()
}

/// A boolean option, `default` when absent.
fn boolean(given: &Given, name: &str, default: bool) -> Result<bool, JsValue> {
    match given {
        Given::Undefined => Ok(default),
        Given::Bool(b) => Ok(*b),
        v => Err(type_error(text(&[
            name,
            " must be a boolean, got ",
            &describe(&v.value()),
        ]))),
    }
}

/// `refetchInterval`: ms > 0, or `false`/`0`/absent for none.
fn read_interval(v: &Given) -> Result<Option<f64>, JsValue> {
    if v.is_undefined() || v.as_bool() == Some(false) {
        return Ok(None);
    }
    match v.as_f64() {
        Some(ms) if ms.is_nan() || ms < 0.0 => Err(super::errors::range_error(
            "refetchInterval must be a positive number of milliseconds",
        )),
        Some(ms) if ms == 0.0 || ms.is_infinite() => Ok(None),
        Some(ms) => Ok(Some(ms)),
        None => Err(type_error(text(&[
            "refetchInterval must be a number of milliseconds or false, got ",
            &describe(&v.value()),
        ]))),
    }
}

/// Equal when the results made of them would show the same: the query's state but for
/// `isInvalidated` and `dataUpdateCount`, which a result does not carry (as TanStack's:
/// listeners do not hear of them alone), beyond whether data or an error ever came.
impl PartialEq for Snapshot {
    fn eq(&self, other: &Snapshot) -> bool {
        let (a, b) = (&self.state, &other.state);
        let fetched =
            |s: &QueryState<JsValue, JsValue>| s.data_update_count + s.error_update_count > 0;
        a.status == b.status
            && a.fetch_status == b.fetch_status
            && a.data == b.data
            && a.error == b.error
            && a.data_updated_at == b.data_updated_at
            && a.error_updated_at == b.error_updated_at
            && a.failure_count == b.failure_count
            && a.failure_reason == b.failure_reason
            && a.error_update_count == b.error_update_count
            && fetched(a) == fetched(b)
            && self.is_stale == other.is_stale
            && self.fresh_until == other.fresh_until
            && self.enabled == other.enabled
            && self.fetched_after_mount == other.fetched_after_mount
    }
}

impl ObserverInner {
    fn new(client: Rc<Inner>, opts: &JsValue) -> Result<Rc<ObserverInner>, JsValue> {
        let options = QueryOptions::read(opts, client.defaults(), "QueryObserver")?;
        let own = ObserverOptions::read(opts, &client)?;
        // As TanStack's observer: its query is in the cache from now on (with its
        // initialData), not only once it is subscribed.
        client.ensure_built(&options)?;
        let counts_at_start = update_counts(&client, &options.hash);
        Ok(Rc::new(ObserverInner {
            client,
            state: RefCell::new(ObserverState {
                options: Rc::new(options),
                enabled: own.enabled,
                counts_at_start,
                listener: None,
                mounted: false,
                last: None,
                interval_ms: own.interval_ms,
                poll: None,
                delivered: JsValue::UNDEFINED,
                stale_timer: None,
                on_focus: own.on_focus,
                on_reconnect: own.on_reconnect,
                mounting: own.mounting,
            }),
        }))
    }

    /// The query's state as this observer reports it, staleness under its own
    /// `staleTime`. A disabled observer's result is never stale (TanStack's: it would
    /// not refetch it).
    fn snapshot(&self) -> Snapshot {
        let (hash, enabled, stale_time, (data_at_start, errors_at_start)) = {
            let st = self.state.borrow();
            let o = &st.options;
            (o.hash.clone(), st.enabled, o.stale_time, st.counts_at_start)
        };
        let t = now();
        let unknown = Snapshot {
            state: QueryState::default(),
            is_stale: enabled,
            fresh_until: f64::INFINITY,
            enabled,
            fetched_after_mount: false,
        };
        let Ok(cache) = self.client.cache_ref() else {
            return unknown;
        };
        match cache.get(&hash) {
            Some(q) => Snapshot {
                state: q.state.clone(),
                is_stale: enabled && is_stale(&q.state, stale_time, t),
                fresh_until: stale_at(&q.state, stale_time, t)
                    .filter(|_| enabled)
                    .unwrap_or(f64::INFINITY),
                enabled,
                fetched_after_mount: q.state.data_update_count > data_at_start
                    || q.state.error_update_count > errors_at_start,
            },
            None => unknown,
        }
    }

    /// The current result: the query's state and the flags that follow from it, the same
    /// object as last time when nothing changed (the face lays `select` and
    /// `placeholderData` over it: js/face/presentation.js).
    fn current(&self) -> (JsValue, bool) {
        let snap = self.snapshot();
        if let Some((last, js)) = &self.state.borrow().last {
            if *last == snap {
                return (js.clone(), false);
            }
        }
        let js = result_object(
            &snap.state,
            &ResultFlags {
                is_stale: snap.is_stale,
                is_enabled: snap.enabled,
                is_fetched_after_mount: snap.fetched_after_mount,
            },
        );
        self.state.borrow_mut().last = Some((snap, js.clone()));
        (js, true)
    }

    /// Tells the listeners, if the result changed. A query removed under it is built again, with every observer mounted on it counted.
    pub fn notify(self: &Rc<Self>) {
        let (mounted, hash) = {
            let st = self.state.borrow();
            (st.mounted, st.options.hash.clone())
        };
        let missing = self
            .client
            .cache_ref()
            .map(|c| c.get(&hash).is_none())
            .unwrap_or(false);
        if mounted && missing {
            let options = self.state.borrow().options.clone();
            if self.client.build(&options).is_ok() {
                self.client.observe_mounted(&options.hash);
            }
        }
        let (result, _) = self.current();
        let listener = {
            let mut st = self.state.borrow_mut();
            if st.delivered == result {
                return;
            }
            st.delivered = result.clone();
            st.listener.clone()
        };
        if let Some(listener) = listener {
            // The face's: it calls each subscriber and catches what they throw.
            let _ = listener.call1(&JsValue::UNDEFINED, &result);
        }
        self.arm_stale_timer();
    }

    /// Fresh data turns stale with no event: a timer tells the listeners (as TanStack's
    /// observer does). One timer per observer, for the next such moment.
    fn arm_stale_timer(self: &Rc<Self>) {
        let (mounted, hash, stale_time) = {
            let st = self.state.borrow();
            (st.mounted, st.options.hash.clone(), st.options.stale_time)
        };
        let t = now();
        let at = match self.client.cache_ref() {
            Ok(cache) => cache
                .get(&hash)
                .filter(|_| mounted)
                .and_then(|q| stale_at(&q.state, stale_time, t)),
            Err(_) => None,
        };
        let armed = self.state.borrow().stale_timer.as_ref().map(|(a, _)| *a);
        if armed == at {
            return;
        }
        self.stop_stale_timer();
        let Some(at) = at else { return };
        let weak: Weak<ObserverInner> = Rc::downgrade(self);
        let fire = super::promise::once_fn(move || {
            if let Some(o) = weak.upgrade() {
                o.state.borrow_mut().stale_timer = None;
                if let Ok(_entered) = reentry::enter("the stale timer") {
                    o.notify();
                }
            }
        });
        // A millisecond late, so that the data really is stale when it fires.
        let handle = super::timer::start(fire.unchecked_ref(), at - t + 1.0, true);
        self.state.borrow_mut().stale_timer = Some((at, handle));
    }

    fn stop_stale_timer(&self) {
        let timer = self.state.borrow_mut().stale_timer.take();
        if let Some((_, handle)) = timer {
            super::timer::stop(&handle);
        }
    }

    /// Builds the query, counts this observer on it and registers for notifications.
    fn attach(self: &Rc<Self>) -> Result<(), JsValue> {
        let (options, enabled) = {
            let st = self.state.borrow();
            (st.options.clone(), st.enabled)
        };
        self.client.build(&options)?;
        self.client.cache()?.observe(&options.hash, enabled);
        self.client
            .register_observer(&options.hash, self.clone(), true);
        Ok(())
    }

    fn mount(self: &Rc<Self>) -> Result<(), JsValue> {
        if self.state.borrow().mounted {
            return Ok(());
        }
        self.attach()?;
        self.state.borrow_mut().mounted = true;
        self.start_polling();
        Ok(())
    }

    /// Polls every `refetchInterval` while mounted and enabled. A failed poll does not
    /// stop the polling (PyStackQuery's loop died after one failure).
    fn start_polling(self: &Rc<Self>) {
        self.stop_polling();
        let (mounted, enabled, interval) = {
            let st = self.state.borrow();
            (st.mounted, st.enabled, st.interval_ms)
        };
        let Some(ms) = interval.filter(|_| mounted && enabled) else {
            return;
        };
        let weak: Weak<ObserverInner> = Rc::downgrade(self);
        // A JS-owned function: nothing on the Rust side is dropped while it runs.
        let tick = Closure::<dyn FnMut()>::new(move || {
            if let Some(o) = weak.upgrade() {
                if let Ok(_entered) = reentry::enter("refetchInterval") {
                    o.poll_once();
                }
            }
        })
        .into_js_value();
        let handle = super::timer::start_interval(tick.unchecked_ref(), ms);
        self.state.borrow_mut().poll = Some(handle);
    }

    fn stop_polling(&self) {
        let handle = self.state.borrow_mut().poll.take();
        if let Some(h) = handle {
            super::timer::stop_interval(&h);
        }
    }

    fn poll_once(self: &Rc<Self>) {
        let (options, in_background) = {
            let st = self.state.borrow();
            (st.options.clone(), st.mounting.in_background)
        };
        if self.client.build(&options).is_err() {
            self.stop_polling(); // the client was disposed: no timer may outlive it
            return;
        }
        // As TanStack's: no polling while the page is hidden, unless asked.
        if !in_background && !super::managers::is_focused() {
            return;
        }
        if let Ok(Some(p)) = fetch::start(&self.client, &options.hash) {
            super::promise::handle(&p, &self.client.noop);
        }
        self.client.notify_changed();
    }

    /// The page was shown or the network came back: refetch when this observer's
    /// option says so (when stale, or `'always'`). Several observers of one query
    /// share one fetch.
    pub fn on_trigger(self: &Rc<Self>, trigger: Trigger) {
        let (mounted, enabled, setting, options) = {
            let st = self.state.borrow();
            let setting = match trigger {
                Trigger::WindowFocus => st.on_focus,
                Trigger::Reconnect => st.on_reconnect,
            };
            (st.mounted, st.enabled, setting, st.options.clone())
        };
        if !mounted || !enabled {
            return;
        }
        // This observer's staleTime decides; `'static'` data is never refetched by an event.
        let stale = match self.client.cache_ref() {
            Ok(cache) => match cache.get(&options.hash) {
                None => true,
                Some(_) if options.stale_time == StaleTime::Static => return,
                Some(q) => is_stale(&q.state, options.stale_time, now()),
            },
            Err(_) => return,
        };
        if setting.should_refetch(stale) && self.client.build(&options).is_ok() {
            if let Ok(Some(p)) = fetch::start(&self.client, &options.hash) {
                super::promise::handle(&p, &self.client.noop);
            }
        }
    }

    /// Stops observing. `leaving`: the observer leaves its query (unsubscribed,
    /// destroyed, or moved to another key), not just remounting on it with new options.
    fn unmount(&self, leaving: bool) {
        let (mounted, hash, enabled) = {
            let st = self.state.borrow();
            (st.mounted, st.options.hash.clone(), st.enabled)
        };
        if !mounted {
            return;
        }
        self.stop_polling();
        self.stop_stale_timer();
        self.state.borrow_mut().mounted = false;
        let cancelled = match self.client.cache() {
            Ok(mut cache) => {
                let t = now();
                cache.unobserve(&hash, enabled, t);
                leave_fetch(&mut cache, &hash, leaving, t)
            }
            Err(_) => None,
        };
        self.client.unregister_observer(&hash, self as &dyn Watcher);
        if let Some((fetch, data)) = cancelled {
            // With no borrow held: abort listeners are user code.
            fetch.cancel_reverted(data);
            self.client.notify_changed();
        }
        self.client.arm_gc();
    }

    /// Hydrates a cold key from L2, then fetches when there is no data or it is stale.
    /// `mounting`: the first subscriber mounts the observer (`refetchOnMount` and
    /// `retryOnMount` decide); otherwise new options (stale data is refetched). Whether
    /// anything was started (a read or a fetch): if not, nothing changed.
    fn fetch_if_needed(self: &Rc<Self>, mounting: bool) -> Result<bool, JsValue> {
        let (options, enabled, m) = {
            let st = self.state.borrow();
            (st.options.clone(), st.enabled, st.mounting)
        };
        if !enabled || !self.client.has_query_fn(&options.hash) {
            return Ok(false);
        }
        let when_stale = match (mounting, m.on_mount) {
            (false, _) | (true, RefetchOn::IfStale) => WhenStale::Revalidate,
            (true, RefetchOn::Never) => WhenStale::Answer,
            // 'static' data is never refetched by an event, mounting included.
            (true, RefetchOn::Always) if options.stale_time == StaleTime::Static => {
                WhenStale::Revalidate
            }
            (true, RefetchOn::Always) => WhenStale::Always,
        };
        if mounting && !m.retry_on_mount {
            let failed_empty = self.client.cache_ref().is_ok_and(|c| {
                c.get(&options.hash)
                    .is_some_and(|q| q.state.status == Status::Error && !q.state.has_data())
            });
            if failed_empty {
                return Ok(false);
            }
        }
        // Mounting on fresh data, hydrated (or with no L2), the common case: nothing to
        // fetch or read, and no promise to make. The mount built the query already.
        let settled = mounting && self.client.answers_from_cache(&options.hash, when_stale);
        if settled {
            return Ok(false);
        }
        let p = self
            .client
            .fetch_or_cached((*options).clone(), when_stale)?;
        super::promise::handle(&p, &self.client.noop);
        self.client.notify_changed();
        Ok(true)
    }

    /// The face's listener arrives (its first subscriber): the observer mounts, and the
    /// listener hears changes from now on, not the current result (as TanStack's: that is
    /// `getCurrentResult()`). A second call only replaces the listener. Gives the current
    /// result after the mount (so the face need not ask again).
    fn listen(self: &Rc<Self>, listener: Function) -> Result<JsValue, JsValue> {
        let first = self.state.borrow().listener.is_none();
        if !first {
            self.state.borrow_mut().listener = Some(listener);
        } else {
            // Held only once mounted: a mount refused (a disposed client, a throwing
            // `initialData` function) leaves the next subscribe to mount again.
            self.mount()?;
            self.state.borrow_mut().listener = Some(listener);
            let result = self.current_for_face();
            self.state.borrow_mut().delivered = result.clone();
            let started = self.fetch_if_needed(true)?;
            self.arm_stale_timer();
            if !started {
                return Ok(result); // nothing changed: the face's fresh_until is still its
            }
        }
        Ok(self.current_for_face())
    }

    /// The current result, and for the face until when it holds (`last` is the result
    /// just given).
    fn current_for_face(&self) -> JsValue {
        let (result, _) = self.current();
        if let Some((snap, _)) = self.state.borrow().last.as_ref() {
            self.client.face.fresh_until.set(snap.fresh_until);
        }
        result
    }

    /// The face's last subscriber left: the observer unmounts.
    fn unlisten(&self) {
        let had = self.state.borrow_mut().listener.take().is_some();
        if had {
            self.unmount(true);
        }
    }

    fn set_options(self: &Rc<Self>, opts: &JsValue) -> Result<(), JsValue> {
        let options = Rc::new(QueryOptions::read(
            opts,
            self.client.defaults(),
            "QueryObserver.setOptions",
        )?);
        let ObserverOptions {
            enabled,
            on_focus,
            on_reconnect,
            interval_ms: interval,
            mounting,
        } = ObserverOptions::read(opts, &self.client)?;
        {
            // The last result stays while its snapshot is the same (the snapshot is of the
            // options too: enabled, staleness): as TanStack's, options that change nothing
            // shown give the same result object and tell no listener.
            let mut st = self.state.borrow_mut();
            st.mounting = mounting;
            st.on_focus = on_focus;
            st.on_reconnect = on_reconnect;
            st.interval_ms = interval;
        }
        let (mounted, same_key, was_enabled) = {
            let st = self.state.borrow();
            (st.mounted, st.options.hash == options.hash, st.enabled)
        };
        if mounted && (!same_key || was_enabled != enabled) {
            // Disabled on the same key, the query keeps this observer's retries going
            // (TanStack cancels retries only when the query's last observer leaves it).
            self.unmount(!same_key);
            {
                let mut st = self.state.borrow_mut();
                st.options = options;
                st.enabled = enabled;
            }
            self.mount()?;
        } else {
            {
                let mut st = self.state.borrow_mut();
                st.options = options.clone();
                st.enabled = enabled;
            }
            // As TanStack's: the query is built, mounted or not (mounted, it takes the
            // new options, and its staleTime may have changed: its `isStale()` asks it).
            if mounted {
                self.client.build(&options)?;
                self.client
                    .register_observer(&options.hash, self.clone(), false);
            } else {
                self.client.ensure_built(&options)?;
            }
        }
        if !same_key {
            let hash = self.state.borrow().options.hash.clone();
            let counts = update_counts(&self.client, &hash);
            self.state.borrow_mut().counts_at_start = counts;
        }
        if mounted {
            // A new interval, key or enabled state.
            self.start_polling();
            // TanStack's `shouldFetchOptionally`: new options fetch (stale data) only for a
            // new key or an observer just enabled, not for a staleTime that changed.
            if !same_key || (!was_enabled && enabled) {
                let _ = self.fetch_if_needed(false)?;
            }
        }
        self.notify();
        Ok(())
    }

    fn refetch(self: &Rc<Self>, fetch_options: &JsValue) -> Result<Promise, JsValue> {
        let cancel_refetch = match get(fetch_options, "cancelRefetch")? {
            v if v.is_undefined() => true,
            v => v.is_truthy(),
        };
        let throw_on_error = get(fetch_options, "throwOnError")?.is_truthy();
        let options = self.state.borrow().options.clone();
        self.client.build(&options)?;
        let started = fetch::refetch(&self.client, &options.hash, cancel_refetch)?;
        self.client.notify_changed();
        let this = self.clone();
        Ok(super::promise::from_future(async move {
            if let Some(p) = started {
                let settled = JsFuture::from(p).await;
                if let (Err(error), true) = (settled, throw_on_error) {
                    return Err(error);
                }
            }
            Ok(this.current().0)
        }))
    }

    /// The client was disposed: the listeners go (they are JS functions the engine holds,
    /// which would keep the observer, and so the client, from ever being collected) and
    /// the timers stop. The cache is gone already: nothing to unobserve.
    pub fn release_for_dispose(&self) {
        self.stop_polling();
        self.stop_stale_timer();
        if let Ok(mut st) = self.state.try_borrow_mut() {
            st.listener = None;
            st.mounted = false;
        }
    }

    fn destroy(&self) {
        self.state.borrow_mut().listener = None;
        self.unmount(true);
    }
}

/// A reactive view of one query.
#[wasm_bindgen]
pub struct QueryObserver {
    inner: Rc<ObserverInner>,
}

impl QueryObserver {
    pub fn create(client: Rc<Inner>, options: &JsValue) -> Result<QueryObserver, JsValue> {
        Ok(QueryObserver {
            inner: ObserverInner::new(client, options)?,
        })
    }
}

#[wasm_bindgen]
impl QueryObserver {
    /// `new QueryObserver(client, { queryKey, queryFn, enabled, staleTime, … })`.
    #[wasm_bindgen(constructor)]
    pub fn new(client: &QueryClient, options: JsValue) -> Result<QueryObserver, JsValue> {
        let _entered = reentry::enter("new QueryObserver")?;
        QueryObserver::create(client.inner()?, &options)
    }

    /// The face's one listener, given when its first subscriber comes (see the file's head);
    /// gives the current result after the mount.
    #[wasm_bindgen(js_name = __listen)]
    pub fn listen(&self, listener: Function) -> Result<JsValue, JsValue> {
        let _entered = reentry::enter("QueryObserver.subscribe")?;
        self.inner.listen(listener)
    }

    /// Its last subscriber left.
    #[wasm_bindgen(js_name = __unlisten)]
    pub fn unlisten(&self) -> Result<(), JsValue> {
        let _entered = reentry::enter("unsubscribe")?;
        self.inner.unlisten();
        Ok(())
    }

    #[wasm_bindgen(js_name = getCurrentResult)]
    pub fn get_current_result(&self) -> Result<JsValue, JsValue> {
        let _entered = reentry::enter("QueryObserver.getCurrentResult")?;
        Ok(self.inner.current_for_face())
    }

    /// Fetches now (even when disabled); resolves with the result afterwards.
    /// Options: `cancelRefetch` (default true: a running fetch is replaced),
    /// `throwOnError` (reject with the fetch's error).
    pub fn refetch(&self, options: JsValue) -> Result<Promise, JsValue> {
        let _entered = reentry::enter("QueryObserver.refetch")?;
        self.inner.refetch(&options)
    }

    /// New options (a new key moves the observer to that query).
    #[wasm_bindgen(js_name = setOptions)]
    pub fn set_options(&self, options: JsValue) -> Result<(), JsValue> {
        let _entered = reentry::enter("QueryObserver.setOptions")?;
        self.inner.set_options(&options)
    }

    /// Drops every listener and stops observing.
    pub fn destroy(&self) -> Result<(), JsValue> {
        let _entered = reentry::enter("QueryObserver.destroy")?;
        self.inner.destroy();
        Ok(())
    }
}

impl Watcher for ObserverInner {
    fn notify(self: Rc<Self>) {
        ObserverInner::notify(&self);
    }

    fn on_trigger(self: Rc<Self>, trigger: Trigger) {
        ObserverInner::on_trigger(&self, trigger);
    }

    fn release_for_dispose(&self) {
        ObserverInner::release_for_dispose(self);
    }

    fn stale_time_if_enabled(&self) -> Option<StaleTime> {
        let st = self.state.try_borrow().ok()?;
        st.enabled.then_some(st.options.stale_time)
    }
}

#[wasm_bindgen]
impl QueryClient {
    /// A reactive view of one query: `client.watch({ queryKey, queryFn, enabled, … })`.
    pub fn watch(&self, options: JsValue) -> Result<QueryObserver, JsValue> {
        let _entered = reentry::enter("watch")?;
        QueryObserver::create(self.inner()?, &options)
    }
}
