//! The client's state, shared by its JS class (`client.rs`), its fetch tasks, its
//! observers, its GC timer and its L2: the cache and its defaults, the persister and the
//! cross-tab channel, the mounted observers ([`Watcher`]s), what the face shares
//! ([`FaceSlots`]). Methods here build queries, keep the GC timer armed, queue L2 writes
//! and tell observers of changes; fetching is `fetch.rs`'s (`impl Inner` there).

use std::cell::{Cell, RefCell, RefMut};
use std::rc::{Rc, Weak};

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::broadcast::CrossTab;
use super::clock::now;
use super::convert::key_of;
use super::errors::{disposed_error, range_error, reentrant_error};
use super::face_slots::FaceSlots;
use super::l2_build::InBuild;
use super::mounted_observers::MountedObservers;
use super::options::{ClientOptions, QueryOptions, Runtime};
use super::origin;
use super::persister::{Persister, Restored};
use super::query_meta::{Cache, Meta};
use super::watcher::{Trigger, Watcher};
use super::{reentry, timer};
use crate::core::gc::rearm;
use crate::core::persist::order::State;
use crate::core::staleness::StaleTime;

thread_local! {
    /// A do-nothing callback (`promise.catch(noop)`), made once per module instance.
    static NOOP: Function = Closure::<dyn FnMut(JsValue)>::new(|_| {}).into_js_value().unchecked_into();
}

struct GcTimer {
    armed_at: Option<f64>,
    handle: JsValue,
    callback: Option<Closure<dyn FnMut()>>,
}

/// The client's state, shared with its fetch tasks and its timer.
pub struct Inner {
    pub(super) cache: RefCell<Cache>,
    pub(super) defaults: ClientOptions,
    gc_timer: RefCell<GcTimer>,
    pub(super) disposed: Cell<bool>,
    pub noop: Function,
    /// L2 (`storage`); never in the L1-only build ([`super::l2_build`]).
    pub(super) persister: Option<InBuild<Rc<Persister>>>,
    /// Mounted observers by query hash, for notifications.
    /// Held strongly while mounted, as TanStack's query holds its observers: an observer
    /// somebody subscribed to keeps notifying even when JS dropped the object itself
    /// (`client.watch(opts).subscribe(fn)`: the face's one listener it holds reaches the
    /// face observer), until it is unsubscribed, destroyed or freed.
    pub(super) observers: RefCell<MountedObservers>,
    /// Cross-tab sync (`crossTab`, on with IndexedDB where `BroadcastChannel` exists).
    pub(super) cross_tab: RefCell<Option<InBuild<CrossTab>>>,
    /// What the JS face reads without calling in (see [`super::face_link`]).
    pub(crate) face: FaceSlots,
}

impl Inner {
    /// A client's state: an empty cache under `defaults`, with its L2 when it has one.
    pub fn new(
        defaults: ClientOptions,
        cache: Cache,
        persister: Option<InBuild<Rc<Persister>>>,
    ) -> Inner {
        Inner {
            cache: RefCell::new(cache),
            defaults,
            gc_timer: RefCell::new(GcTimer {
                armed_at: None,
                handle: JsValue::UNDEFINED,
                callback: None,
            }),
            disposed: Cell::new(false),
            noop: NOOP.with(Function::clone),
            persister,
            observers: RefCell::new(MountedObservers::default()),
            cross_tab: RefCell::new(None),
            face: FaceSlots::default(),
        }
    }

    pub fn defaults(&self) -> &ClientOptions {
        &self.defaults
    }

    pub fn persister(&self) -> Option<&Rc<Persister>> {
        self.persister.as_deref()
    }

    pub fn is_disposed(&self) -> bool {
        self.disposed.get()
    }

    /// `observer` is mounted on `hash` (`anew`: it is mounting now), or was given new
    /// options: the query's `isStale()` takes its `staleTime` into account.
    pub fn register_observer(&self, hash: &str, observer: Rc<dyn Watcher>, anew: bool) {
        let soonest = match self.observers.try_borrow_mut() {
            Ok(mut mounted) => mounted.mount(hash, observer, anew),
            Err(_) => return,
        };
        self.set_observed_stale_time(hash, soonest);
    }

    pub fn unregister_observer(&self, hash: &str, observer: &dyn Watcher) {
        let soonest = match self.observers.try_borrow_mut() {
            Ok(mut mounted) => mounted.unmount(hash, observer),
            Err(_) => return,
        };
        self.set_observed_stale_time(hash, soonest);
    }

    /// A query removed while observers were mounted on it was built again: every one of
    /// them counts on it (each one's `notify` finds it there and does not attach again).
    pub fn observe_mounted(&self, hash: &str) {
        let (Ok(mounted), Ok(mut cache)) = (self.observers.try_borrow(), self.cache()) else {
            return;
        };
        let soonest = mounted.each_enabled(hash, |enabled| {
            cache.observe(hash, enabled);
        });
        cache.set_observed_stale_time(hash, soonest);
    }

    /// Tells the cache the soonest `staleTime` of `hash`'s enabled mounted observers
    /// (what its `isStale()` asks): after one mounts, leaves or takes new options.
    fn set_observed_stale_time(&self, hash: &str, soonest: Option<StaleTime>) {
        if let Ok(mut cache) = self.cache() {
            cache.set_observed_stale_time(hash, soonest);
        }
    }

    /// The page was shown or the network came back: each mounted observer refetches
    /// by its `refetchOnWindowFocus` / `refetchOnReconnect` option.
    pub fn on_trigger(&self, trigger: Trigger) {
        if self.disposed.get() {
            return;
        }
        let observers = match self.observers.try_borrow() {
            Ok(mounted) => mounted.all(),
            Err(_) => return,
        };
        for o in observers {
            o.on_trigger(trigger);
        }
        self.notify_changed();
    }

    /// Tells the observers of every query whose state changed.
    pub fn notify_changed(&self) {
        let mut changed = match self.cache.try_borrow_mut() {
            Ok(mut c) => c.take_changed(),
            Err(_) => return,
        };
        if changed.is_empty() {
            return;
        }
        changed.sort_unstable();
        changed.dedup();
        for hash in changed {
            let observers = match self.observers.try_borrow() {
                Ok(mounted) => mounted.of(&hash),
                Err(_) => continue,
            };
            for o in observers {
                o.notify();
            }
        }
    }

    /// The cache, or an error instead of a panic if it is somehow borrowed already. A
    /// disposed client's cache refuses everyone: a fetch task, hydration or observer
    /// that finishes after `dispose()` can then neither rebuild a query nor start a fetch.
    pub fn cache(&self) -> Result<RefMut<'_, Cache>, JsValue> {
        if self.disposed.get() {
            return Err(disposed_error());
        }
        self.face.changed();
        self.take_face_touches();
        self.cache.try_borrow_mut().map_err(|_| {
            self.face.refused();
            reentrant_error()
        })
    }

    /// The cache to read: like [`Self::cache`], but a read does not void the face's
    /// mirror (only a borrow that may change the cache moves the epoch).
    pub fn cache_ref(&self) -> Result<std::cell::Ref<'_, Cache>, JsValue> {
        if self.disposed.get() {
            return Err(disposed_error());
        }
        self.cache.try_borrow().map_err(|_| {
            self.face.refused();
            reentrant_error()
        })
    }

    /// Keeps (or stops keeping) the journal of what changes, for the face's watch (not
    /// a change the face must hear of).
    pub(crate) fn keep_journal(&self, on: bool) {
        if let Ok(mut cache) = self.cache.try_borrow_mut() {
            cache.keep_journal(on);
        }
    }

    /// What the journal lists since the last take (`None`: not kept). Taking it is not
    /// a change the face must hear of.
    pub(crate) fn cache_journal(&self) -> Result<Option<crate::core::journal::Changed>, JsValue> {
        if self.disposed.get() {
            return Err(disposed_error());
        }
        let mut cache = self.cache.try_borrow_mut().map_err(|_| reentrant_error())?;
        Ok(cache.take_journal())
    }

    /// Applies the face's batched LRU touches (not a change the face must hear of).
    pub(crate) fn touch_all(&self, hashes: &[String]) {
        if self.disposed.get() {
            return;
        }
        if let Ok(mut cache) = self.cache.try_borrow_mut() {
            for hash in hashes {
                cache.touch(hash);
            }
        }
    }

    /// Before the cache changes (and may touch or evict): the hits the face answered
    /// since are applied first, so the LRU order is exactly that of the calls.
    pub(super) fn take_face_touches(&self) {
        // Only a flag read on the common path; borrowed: applied on the next change.
        if !self.face.has_touches() || self.cache.try_borrow_mut().is_err() {
            return;
        }
        self.touch_all(&self.face.take_touches());
    }

    /// Keeps the one GC timer armed for the earliest deadline. On the edge no timer is
    /// armed: what is due is collected now, on the client's own call.
    pub fn arm_gc(self: &Rc<Self>) {
        self.arm_gc_sparing(None);
    }

    /// [`Self::arm_gc`]; on the edge, what is due is collected now except `spare`, the
    /// query this call made or wrote (its caller is about to use it).
    pub(super) fn arm_gc_sparing(self: &Rc<Self>, spare: Option<&str>) {
        let Ok(next) = self.cache.try_borrow().map(|c| c.next_gc_at()) else {
            return;
        };
        if self.defaults.runtime == Runtime::Edge {
            if next.is_some_and(|at| at <= now()) {
                self.face.changed();
                self.take_face_touches();
                if let Ok(mut c) = self.cache.try_borrow_mut() {
                    drop(c.collect_garbage_sparing(now(), spare));
                }
            }
            return;
        }
        let Ok(mut t) = self.gc_timer.try_borrow_mut() else {
            return;
        };
        let Some(at) = rearm(next, t.armed_at) else {
            return;
        };
        if t.armed_at.is_some() {
            timer::stop(&t.handle);
        }
        if t.callback.is_none() {
            let weak: Weak<Inner> = Rc::downgrade(self);
            t.callback = Some(Closure::new(move || {
                if let Some(inner) = weak.upgrade() {
                    inner.on_gc_timer();
                }
            }));
        }
        if let Some(cb) = &t.callback {
            t.handle = timer::start(cb.as_ref().unchecked_ref(), at - now(), true);
            t.armed_at = Some(at);
        }
    }

    pub(super) fn on_gc_timer(self: &Rc<Self>) {
        if let Ok(mut t) = self.gc_timer.try_borrow_mut() {
            t.armed_at = None;
        }
        // Fired from inside a call (a fake timer run by a listener): at an absurd
        // depth, skip; the next `arm_gc` arms it again.
        let Ok(_entered) = reentry::enter("the GC timer") else {
            return;
        };
        let removed = match self.cache() {
            Ok(mut c) => c.collect_garbage(now()),
            Err(_) => Vec::new(),
        };
        drop(removed); // idle queries: no fetch to stop
        self.arm_gc();
    }

    /// Finds or creates the query for `o`, taking its latest options.
    pub fn build(self: &Rc<Self>, o: &QueryOptions) -> Result<(), JsValue> {
        self.build_at(o, now())
    }

    /// Creates the query for `o` if there is none; one that exists keeps its options (as
    /// TanStack's `QueryCache.build`, what a new observer does before it is subscribed).
    pub fn ensure_built(self: &Rc<Self>, o: &QueryOptions) -> Result<(), JsValue> {
        if self.cache_ref()?.get(&o.hash).is_some() {
            return Ok(());
        }
        self.build(o)
    }

    /// [`Inner::build`] at `t`, the time now (a caller building many reads the clock once).
    pub fn build_at(self: &Rc<Self>, o: &QueryOptions, t: f64) -> Result<(), JsValue> {
        // Initial data is looked for only where there is some (a restore has none).
        let initial = if o.initial_data.is_undefined() || self.cache()?.get(&o.hash).is_some() {
            None
        } else {
            resolve_initial(&o.initial_data)?
        };
        let initial_at = match &initial {
            Some(_) => initial_updated_at(&o.initial_data_updated_at)?,
            None => None,
        };
        let persist = self.persister.is_some() && o.persist.unwrap_or(true);
        let evicted = {
            let mut cache = self.cache()?;
            let (_, evicted) = cache.build(
                &o.hash,
                || key_of(&o.key_js, o.key.clone()),
                || Meta {
                    key_js: o.key_js.clone(),
                    query_fn: None,
                    retry: o.retry.clone(),
                    retry_delay: None,
                    initial_data: JsValue::UNDEFINED,
                    meta: JsValue::UNDEFINED,
                    in_flight: None,
                    persist,
                    hydrated: !persist,
                    network_mode: o.network_mode,
                    structural_sharing: JsValue::UNDEFINED,
                    origin: None,
                },
                o.gc_time,
                initial,
                t,
            );
            if let Some(q) = cache.get_mut(&o.hash) {
                if let Some(at) = initial_at {
                    q.state.data_updated_at = at;
                }
                q.stale_time = o.stale_time;
                if o.query_fn.is_some() {
                    q.meta.query_fn = o.query_fn.clone();
                }
                q.meta.retry = o.retry.clone();
                q.meta.retry_delay = o.retry_delay.clone();
                q.meta.initial_data = o.initial_data.clone();
                q.meta.meta = o.meta.clone();
                q.meta.persist = persist;
                q.meta.network_mode = o.network_mode;
                q.meta.structural_sharing = o.structural_sharing.clone();
            }
            evicted
        };
        drop(evicted);
        self.arm_gc_sparing(Some(&o.hash));
        Ok(())
    }

    /// What L2 answered for a cold key, into L1 (unless L1 has newer data); the key is
    /// warm from now on. Whether the data was taken.
    pub fn take_restored(&self, hash: &str, restored: Option<Restored>) -> Result<bool, JsValue> {
        let mut cache = self.cache()?;
        let taken = restored.and_then(|r| {
            let rev = r.rev;
            cache
                .restore(hash, r.data, r.updated_at, r.is_invalidated)
                .then_some(rev)
        });
        if let Some(q) = cache.get_mut(hash) {
            if let Some(rev) = taken {
                origin::record(q, rev);
            }
            q.meta.hydrated = true;
        }
        Ok(taken.is_some())
    }

    /// Whether the query can be fetched: a `queryFn` given now or by an earlier call
    /// (`build` stores the latest one on the query).
    pub fn has_query_fn(&self, hash: &str) -> bool {
        self.cache_ref()
            .is_ok_and(|c| c.get(hash).is_some_and(|q| q.meta.query_fn.is_some()))
    }

    /// Queues the query's settled data for L2 (when it has storage and `persist`).
    pub fn persist(self: &Rc<Self>, hash: &str) {
        let Some(persister) = &self.persister else {
            return;
        };
        self.face.changed();
        self.take_face_touches();
        let entry = match self.cache.try_borrow_mut() {
            Ok(mut cache) => cache.get_mut(hash).and_then(origin::entry_of),
            Err(_) => None,
        };
        if let Some(entry) = entry {
            if let Ok(Some(tabs)) = self.cross_tab.try_borrow().as_deref() {
                tabs.put(
                    hash,
                    &entry.data,
                    entry.updated_at,
                    entry.is_invalidated,
                    entry.rev,
                );
            }
            persister.put(hash, entry);
        }
    }

    /// Queues the removal of the query's L2 entry; `held`: what the query held.
    pub(super) fn unpersist(&self, hash: &str, held: &State) {
        let version = origin::removal(held);
        if let Some(persister) = &self.persister {
            persister.remove(hash, version);
        }
        if let Ok(Some(tabs)) = self.cross_tab.try_borrow().as_deref() {
            tabs.remove(hash, version);
        }
    }

    pub(super) fn stop_gc_timer(&self) {
        if let Ok(mut t) = self.gc_timer.try_borrow_mut() {
            if t.armed_at.take().is_some() {
                timer::stop(&t.handle);
            }
            t.callback = None;
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.stop_gc_timer();
    }
}

/// What a fetch call does with stale data in L1.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum WhenStale {
    /// Fetch, and answer with the new data (`fetchQuery`, `prefetchQuery`).
    Refetch,
    /// Answer with it now and refetch in the background (`revalidateIfStale`).
    Revalidate,
    /// Answer with it (`ensureQueryData`, `refetchOnMount: false`).
    Answer,
    /// Answer with the data, stale or fresh, and refetch in the background
    /// (`refetchOnMount: 'always'`).
    Always,
}

#[wasm_bindgen(module = "/js/query_option_calls.js")]
extern "C" {
    /// `initialData` / `initialDataUpdatedAt` as given: the value, or what a function
    /// gives (called in JS); what it throws, as the error.
    #[wasm_bindgen(catch, js_name = givenValue)]
    fn given_value(given: &JsValue) -> Result<JsValue, JsValue>;
}

/// `initialDataUpdatedAt` as a time: a function is called, in JS (with no borrow held).
pub(super) fn initial_updated_at(given: &JsValue) -> Result<Option<f64>, JsValue> {
    let value = given_value(given)?;
    if value.is_undefined() {
        return Ok(None);
    }
    match value.as_f64() {
        Some(ms) if ms.is_finite() && ms >= 0.0 => Ok(Some(ms)),
        _ => Err(range_error(
            "initialDataUpdatedAt must be a time in milliseconds (a finite number ≥ 0) or a function giving one",
        )),
    }
}

/// `initialData` as a value: a function is called, in JS (with no borrow held).
pub(super) fn resolve_initial(initial: &JsValue) -> Result<Option<JsValue>, JsValue> {
    let value = given_value(initial)?;
    Ok((!value.is_undefined()).then_some(value))
}
