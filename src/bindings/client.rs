//! `QueryClient`, the JS entry point: the cache, its defaults and its GC timer.
//!
//! Data is kept as `JsValue` references, so a cache hit returns the very object the
//! query function resolved with. Methods read and check their arguments first, then
//! borrow the cache briefly; user callbacks run after the borrow ends.

use std::cell::{Cell, RefCell, RefMut};
use std::rc::{Rc, Weak};

use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::broadcast::{self, CrossTab, Origin};
use super::convert::set_prop;
use super::convert::{hash_key_value, key_of};
use super::errors::{disposed_error, range_error, reentrant_error};
use super::face_link::FaceSlots;
use super::fetch::{self, InFlight};
use super::js_state::state_object;
use super::l2_build::{self, InBuild};
use super::observer::{ObserverInner, QueryObserver};
use super::options::{
    get, ClientOptions, Filters, QueryOptions, RefetchType, RetryDelaySpec, RetrySpec, Runtime,
};
use super::persister::{Persister, Restored};
use super::{managers, promise, reentry, structural, timer};
use crate::core::cache::CacheError;
use crate::core::filters::QueryType;
use crate::core::fxhash::FxHashMap;
use crate::core::gc::rearm;
use crate::core::network::NetworkMode;
use crate::core::persist::order::State;
use crate::core::state::FetchStatus;
use crate::core::QueryCache;

/// What the client keeps beside each query in the core's cache.
pub struct Meta {
    /// The key as the user gave it (returned by `getQueriesData`, passed to `queryFn`).
    pub key_js: JsValue,
    pub query_fn: Option<Function>,
    pub retry: RetrySpec,
    pub retry_delay: Option<RetryDelaySpec>,
    /// `initialData` as given (a value or a function), for `resetQueries`.
    pub initial_data: JsValue,
    pub meta: JsValue,
    /// The running fetch's promise, settlers and signal. Boxed: most queries have none
    /// running, and an empty box is 4 bytes of wasm memory where the fetch is 40.
    pub in_flight: Option<Box<InFlight>>,
    /// Written to L2 (`persist` option; true when the client has storage).
    pub persist: bool,
    /// L2 has been read for this key (or need not be: no storage, or L1 is newer).
    pub hydrated: bool,
    pub network_mode: NetworkMode,
    /// The `structuralSharing` option as given.
    pub structural_sharing: JsValue,
    /// The revision the data was written, read or heard with (cross-tab order). Boxed:
    /// only data persisted or heard from another tab has one (4 bytes without, 36 with,
    /// against 32 inline).
    pub origin: Option<Box<Origin>>,
}

pub type Cache = QueryCache<JsValue, JsValue, Meta>;
pub type Query = crate::core::Query<JsValue, JsValue, Meta>;

/// Milliseconds since the epoch: the clock the core is driven with.
pub fn now() -> f64 {
    js_sys::Date::now()
}

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
    cache: RefCell<Cache>,
    defaults: ClientOptions,
    gc_timer: RefCell<GcTimer>,
    disposed: Cell<bool>,
    pub noop: Function,
    /// L2 (`storage`); never in the L1-only build ([`l2_build`]).
    persister: Option<InBuild<Rc<Persister>>>,
    /// Mounted observers by query hash, for notifications.
    /// Held strongly while mounted, as TanStack's query holds its observers: an observer
    /// somebody subscribed to keeps notifying even when JS dropped the object itself
    /// (`client.watch(opts).subscribe(fn)`), until it is unsubscribed or destroyed.
    observers: RefCell<FxHashMap<String, Vec<Rc<ObserverInner>>>>,
    /// Cross-tab sync (`crossTab`, on with IndexedDB where `BroadcastChannel` exists).
    cross_tab: RefCell<Option<InBuild<CrossTab>>>,
    /// What the JS face reads without calling in (see [`super::face_link`]).
    pub(crate) face: FaceSlots,
}

impl Inner {
    pub fn defaults(&self) -> &ClientOptions {
        &self.defaults
    }

    pub fn persister(&self) -> Option<&Rc<Persister>> {
        self.persister.as_deref()
    }

    pub fn is_disposed(&self) -> bool {
        self.disposed.get()
    }

    pub fn register_observer(&self, hash: &str, observer: Rc<ObserverInner>) {
        if let Ok(mut map) = self.observers.try_borrow_mut() {
            let list = map.entry(hash.to_owned()).or_default();
            if !list.iter().any(|o| Rc::ptr_eq(o, &observer)) {
                list.push(observer);
            }
        }
    }

    pub fn unregister_observer(&self, hash: &str, observer: &ObserverInner) {
        if let Ok(mut map) = self.observers.try_borrow_mut() {
            if let Some(list) = map.get_mut(hash) {
                list.retain(|o| !std::ptr::eq(Rc::as_ptr(o), observer));
                if list.is_empty() {
                    map.remove(hash);
                }
            }
        }
    }

    /// The page was shown or the network came back: each mounted observer refetches
    /// by its `refetchOnWindowFocus` / `refetchOnReconnect` option.
    pub fn on_trigger(&self, trigger: managers::Trigger) {
        if self.disposed.get() {
            return;
        }
        let observers: Vec<Rc<ObserverInner>> = match self.observers.try_borrow() {
            Ok(map) => map.values().flatten().cloned().collect(),
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
            let observers: Vec<Rc<ObserverInner>> = match self.observers.try_borrow() {
                Ok(map) => map.get(&hash).map(|l| l.to_vec()).unwrap_or_default(),
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
    fn take_face_touches(&self) {
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
    fn arm_gc_sparing(self: &Rc<Self>, spare: Option<&str>) {
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

    fn on_gc_timer(self: &Rc<Self>) {
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

    /// The answer to a fetch once L1 is as good as it gets: fresh data; for stale data,
    /// what `stale` says (TanStack: `fetchQuery` waits for the refetch,
    /// `ensureQueryData` answers at once and refetches in the background with
    /// `revalidateIfStale`); with no data, the fetch itself.
    fn decide(
        self: &Rc<Self>,
        o: &QueryOptions,
        method: &str,
        when_stale: WhenStale,
    ) -> Result<Promise, JsValue> {
        let (data, stale) = {
            let cache = self.cache_ref()?;
            match cache.get(&o.hash) {
                Some(q) => (q.state.data.clone(), q.is_stale(now())),
                None => (None, true),
            }
        };
        match data {
            Some(data) if !stale || when_stale != WhenStale::Refetch => {
                let refetch = match when_stale {
                    WhenStale::Revalidate => stale,
                    WhenStale::Always => true,
                    WhenStale::Refetch | WhenStale::Answer => false,
                };
                if refetch {
                    fetch::start(self, &o.hash)?; // background: callers get the cached data now
                }
                promise::resolve(&data)
            }
            _ => match fetch::start(self, &o.hash)? {
                Some(p) => Ok(p),
                None => {
                    o.require_query_fn(method)?;
                    Err(reentrant_error())
                }
            },
        }
    }

    /// `decide`, after reading L2 once if the key is cold: fresh L2 data means no
    /// network call; L2 never replaces newer L1 data.
    pub fn fetch_or_cached(
        self: &Rc<Self>,
        o: QueryOptions,
        method: &'static str,
        when_stale: WhenStale,
    ) -> Result<Promise, JsValue> {
        self.build(&o)?;
        let cold = self
            .cache_ref()?
            .get(&o.hash)
            .is_some_and(|q| !q.meta.hydrated);
        let Some(persister) = self.persister.clone().filter(|_| cold) else {
            return self.decide(&o, method, when_stale);
        };
        if !self.has_query_fn(&o.hash) {
            o.require_query_fn(method)?;
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
            let decided = inner.decide(&o, method, when_stale);
            // No fetch followed (fresh L2 data, or none to run): loading is over.
            let _ = inner.cache().map(|mut c| c.set_hydrating(&o.hash, false));
            inner.notify_changed();
            JsFuture::from(promise::settle(&decided?.into())).await
        }))
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
                broadcast::record(q, rev);
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
            Ok(mut cache) => cache.get_mut(hash).and_then(broadcast::entry_of),
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
    fn unpersist(&self, hash: &str, held: &State) {
        let version = broadcast::removal(held);
        if let Some(persister) = &self.persister {
            persister.remove(hash, version);
        }
        if let Ok(Some(tabs)) = self.cross_tab.try_borrow().as_deref() {
            tabs.remove(hash, version);
        }
    }

    fn stop_gc_timer(&self) {
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

/// Cancels fetches the core orphaned, with no borrow held.
fn release(orphans: impl IntoIterator<Item = Box<InFlight>>) {
    for f in orphans {
        f.cancel();
    }
}

/// Cancels the running fetches of queries taken out of the cache.
pub(crate) fn release_removed(removed: Vec<crate::core::cache::Removed<JsValue, JsValue, Meta>>) {
    release(removed.into_iter().filter_map(|(_, q)| q.meta.in_flight));
}

/// `options.updatedAt` of `setQueryData` / `setQueriesData`: a time in ms, or none.
fn updated_at(options: &JsValue, method: &str) -> Result<Option<f64>, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    let at = super::options::get(options, "updatedAt")?;
    if at.is_undefined() {
        return Ok(None);
    }
    match at.as_f64() {
        Some(ms) if ms.is_finite() && ms >= 0.0 => Ok(Some(ms)),
        _ => Err(range_error(format!(
            "{method}: options.updatedAt must be a time in milliseconds (a finite number ≥ 0)"
        ))),
    }
}

/// `initialDataUpdatedAt` as a time: a function is called (with no borrow held).
fn initial_updated_at(given: &JsValue) -> Result<Option<f64>, JsValue> {
    let value = match given.dyn_ref::<Function>() {
        Some(f) => f.call0(&JsValue::UNDEFINED)?,
        None => given.clone(),
    };
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

/// `initialData` as a value: functions are called (with no borrow held).
fn resolve_initial(initial: &JsValue) -> Result<Option<JsValue>, JsValue> {
    let value = match initial.dyn_ref::<Function>() {
        Some(f) => f.call0(&JsValue::UNDEFINED)?,
        None => initial.clone(),
    };
    Ok((!value.is_undefined()).then_some(value))
}

/// A cache of queries. See the package README for the API.
#[wasm_bindgen]
pub struct QueryClient {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl QueryClient {
    /// `new QueryClient({ staleTime, gcTime, retry, retryDelay, maxEntries })`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<QueryClient, JsValue> {
        let _entered = reentry::enter("new QueryClient")?;
        let defaults = ClientOptions::read(&options)?;
        let (persister, channel) = match l2_build::open(&options)? {
            Some((persister, channel)) => (Some(persister), channel),
            None => (None, None),
        };
        let cache = QueryCache::new(defaults.max_entries)
            .map_err(|CacheError::ZeroCapacity| range_error("maxEntries must be at least 1"))?;
        let client = QueryClient {
            inner: Rc::new(Inner {
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
                observers: RefCell::new(FxHashMap::default()),
                cross_tab: RefCell::new(None),
                face: FaceSlots::default(),
            }),
        };
        if let Some(name) = channel {
            let tabs = CrossTab::open(&name, Rc::downgrade(&client.inner));
            *client.inner.cross_tab.borrow_mut() = l2_build::in_build(tabs);
        }
        managers::register(&client.inner);
        Ok(client)
    }

    fn alive(&self) -> Result<&Rc<Inner>, JsValue> {
        if self.inner.disposed.get() {
            Err(disposed_error())
        } else {
            Ok(&self.inner)
        }
    }

    /// The client's shared state, disposed or not (for the face's link).
    pub(crate) fn shared(&self) -> &Rc<Inner> {
        &self.inner
    }

    /// The client's shared state (for observers).
    pub(crate) fn inner(&self) -> Result<Rc<Inner>, JsValue> {
        self.alive().cloned()
    }

    fn fetch_or_cached(
        &self,
        opts: &JsValue,
        method: &'static str,
        when_stale: Option<WhenStale>,
    ) -> Result<Promise, JsValue> {
        let _entered = reentry::enter(method)?;
        let inner = self.alive()?;
        let o = QueryOptions::read(opts, &inner.defaults, method)?;
        let when_stale = match when_stale {
            Some(w) => w,
            // ensureQueryData: `revalidateIfStale` asks for stale-while-revalidate.
            None if get(opts, "revalidateIfStale")?.is_truthy() => WhenStale::Revalidate,
            None => WhenStale::Answer,
        };
        inner.fetch_or_cached(o, method, when_stale)
    }

    /// Fresh cached data, or the data of a fetch (stale data is refetched first).
    #[wasm_bindgen(js_name = fetchQuery)]
    pub fn fetch_query(&self, options: JsValue) -> Result<Promise, JsValue> {
        self.fetch_or_cached(&options, "fetchQuery", Some(WhenStale::Refetch))
    }

    /// Like `fetchQuery`, but resolves with nothing and never rejects on fetch failure.
    #[wasm_bindgen(js_name = prefetchQuery)]
    pub fn prefetch_query(&self, options: JsValue) -> Result<Promise, JsValue> {
        let p = self.fetch_or_cached(&options, "prefetchQuery", Some(WhenStale::Refetch))?;
        Ok(promise::then(&p, &self.inner.noop, &self.inner.noop))
    }

    /// Cached data whether stale or not; fetches only when there is none.
    /// `revalidateIfStale: true`: stale data now, and a refetch in the background.
    #[wasm_bindgen(js_name = ensureQueryData)]
    pub fn ensure_query_data(&self, options: JsValue) -> Result<Promise, JsValue> {
        self.fetch_or_cached(&options, "ensureQueryData", None)
    }

    /// A reactive view of one query: `client.watch({ queryKey, queryFn, enabled, … })`.
    pub fn watch(&self, options: JsValue) -> Result<QueryObserver, JsValue> {
        let _entered = reentry::enter("watch")?;
        QueryObserver::create(self.inner()?, &options)
    }

    /// Paused fetches look again now (the face's `resumePausedMutations()`, which
    /// resumes the face's paused mutations itself, as TanStack's resumes its own). Online
    /// only, as TanStack's.
    #[wasm_bindgen(js_name = __wakePaused)]
    pub fn wake_paused(&self) -> Result<(), JsValue> {
        let _entered = reentry::enter("resumePausedMutations")?;
        self.inner()?;
        if managers::is_online() {
            managers::wake_waiting();
        }
        Ok(())
    }

    /// L1 data of a key, synchronously; `undefined` when none.
    #[wasm_bindgen(js_name = getQueryData)]
    pub fn get_query_data(&self, query_key: JsValue) -> Result<JsValue, JsValue> {
        let _entered = reentry::enter("getQueryData")?;
        let (hash, _) = hash_key_value(&query_key, "queryKey")?;
        let mut cache = self.alive()?.cache()?;
        Ok(cache
            .touch(&hash)
            .and_then(|q| q.state.data.clone())
            .unwrap_or(JsValue::UNDEFINED))
    }

    /// The state of a query (status, fetchStatus, data, error, …) or `undefined`.
    #[wasm_bindgen(js_name = getQueryState)]
    pub fn get_query_state(&self, query_key: JsValue) -> Result<JsValue, JsValue> {
        let _entered = reentry::enter("getQueryState")?;
        let (hash, _) = hash_key_value(&query_key, "queryKey")?;
        let cache = self.alive()?.cache_ref()?;
        Ok(cache
            .get(&hash)
            .map(|q| state_object(&q.state))
            .unwrap_or(JsValue::UNDEFINED))
    }

    /// Writes data (a value, or an updater of the old data); creates the query when
    /// missing. An updater returning `undefined` changes nothing. Returns the new data.
    /// `options.updatedAt`: the data's `dataUpdatedAt` (default: now).
    #[wasm_bindgen(js_name = setQueryData)]
    pub fn set_query_data(
        &self,
        query_key: JsValue,
        updater: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let _entered = reentry::enter("setQueryData")?;
        let (hash, key) = hash_key_value(&query_key, "queryKey")?;
        let at = updated_at(&options, "setQueryData")?;
        self.set_data(&hash, || key_of(&query_key, key), &query_key, &updater, at)
    }

    fn set_data(
        &self,
        hash: &str,
        key: impl FnOnce() -> Vec<crate::core::KeyValue>,
        key_js: &JsValue,
        updater: &JsValue,
        updated_at: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let inner = self.alive()?;
        let new = match updater.dyn_ref::<Function>() {
            Some(f) => {
                let old = inner.cache()?.get(hash).and_then(|q| q.state.data.clone());
                f.call1(
                    &JsValue::UNDEFINED,
                    old.as_ref().unwrap_or(&JsValue::UNDEFINED),
                )?
            }
            None => updater.clone(),
        };
        if new.is_undefined() {
            return Ok(JsValue::UNDEFINED);
        }
        // Shared with the data there now (the updater may have written or removed the
        // query), as TanStack's write shares with the data it replaces.
        let base = inner.cache()?.get(hash).and_then(|q| {
            let old = q.state.data.clone()?;
            Some((q.id(), old, q.meta.structural_sharing.clone()))
        });
        let new = match base {
            None => new,
            Some((id, old, sharing)) => {
                let shared = structural::share(&sharing, Some(&old), new.clone())?;
                // Getters and a structuralSharing function are user code: what they
                // did to this query stands.
                match inner.cache()?.get(hash) {
                    // Removed (or removed and made again) meanwhile: it stays so.
                    Some(q) if q.id() == id => {
                        if q.state.data.as_ref() == Some(&old) {
                            shared
                        } else {
                            new // written meanwhile: this later write wins, unshared
                        }
                    }
                    _ => return Ok(shared),
                }
            }
        };
        let evicted = {
            let mut cache = inner.cache()?;
            let t = now();
            let (_, evicted) = cache.build(
                hash,
                key,
                || Meta {
                    key_js: key_js.clone(),
                    query_fn: None,
                    retry: inner.defaults.retry_for(false),
                    retry_delay: inner.defaults.retry_delay.clone(),
                    initial_data: JsValue::UNDEFINED,
                    meta: JsValue::UNDEFINED,
                    in_flight: None,
                    persist: inner.persister.is_some(),
                    // Data set now is newer than anything L2 holds.
                    hydrated: true,
                    network_mode: inner.defaults.network_mode,
                    structural_sharing: JsValue::UNDEFINED,
                    origin: None,
                },
                inner.defaults.gc_time,
                None,
                t,
            );
            if let Some(q) = cache.get_mut(hash) {
                if q.meta.query_fn.is_none() {
                    q.stale_time = inner.defaults.stale_time;
                }
                q.meta.hydrated = true;
            }
            cache.set_data(hash, new.clone(), updated_at.unwrap_or(t));
            evicted
        };
        drop(evicted);
        inner.persist(hash);
        inner.notify_changed();
        inner.arm_gc_sparing(Some(hash));
        Ok(new)
    }

    /// The hashes that match `filters`, the user's predicate included.
    pub(crate) fn matching(&self, filters: &Filters) -> Result<Vec<String>, JsValue> {
        let inner = self.alive()?;
        let hashes = inner.cache_ref()?.find_all(&filters.core, now());
        let Some(predicate) = &filters.predicate else {
            return Ok(hashes);
        };
        let mut out = Vec::with_capacity(hashes.len());
        for hash in hashes {
            let view = {
                let cache = inner.cache_ref()?;
                let Some(q) = cache.get(&hash) else { continue };
                let view = Object::new();
                set_prop(&view, "queryKey", &q.meta.key_js);
                set_prop(&view, "queryHash", &JsValue::from_str(&hash));
                set_prop(&view, "state", &state_object(&q.state));
                set_prop(&view, "meta", &q.meta.meta);
                view
            };
            if predicate.call1(&JsValue::UNDEFINED, &view)?.is_truthy() {
                out.push(hash);
            }
        }
        Ok(out)
    }

    /// `[queryKey, data]` of every matching query.
    #[wasm_bindgen(js_name = getQueriesData)]
    pub fn get_queries_data(&self, filters: JsValue) -> Result<Array, JsValue> {
        let _entered = reentry::enter("getQueriesData")?;
        let f = Filters::read(&filters, "getQueriesData")?;
        let hashes = self.matching(&f)?;
        let cache = self.alive()?.cache()?;
        let out = Array::new();
        for h in hashes {
            if let Some(q) = cache.get(&h) {
                let data = q.state.data.clone().unwrap_or(JsValue::UNDEFINED);
                out.push(&Array::of2(&q.meta.key_js, &data));
            }
        }
        Ok(out)
    }

    /// `setQueryData` on every matching query; returns `[queryKey, newData]` pairs.
    #[wasm_bindgen(js_name = setQueriesData)]
    pub fn set_queries_data(
        &self,
        filters: JsValue,
        updater: JsValue,
        options: JsValue,
    ) -> Result<Array, JsValue> {
        let _entered = reentry::enter("setQueriesData")?;
        let f = Filters::read(&filters, "setQueriesData")?;
        let at = updated_at(&options, "setQueriesData")?;
        let out = Array::new();
        for h in self.matching(&f)? {
            let found = {
                let cache = self.alive()?.cache()?;
                cache.get(&h).map(|q| q.meta.key_js.clone())
            };
            let Some(key_js) = found else { continue };
            // The key is read again only if the query must be re-created.
            let data = self.set_data(&h, || key_of(&key_js, None), &key_js, &updater, at)?;
            out.push(&Array::of2(&key_js, &data));
        }
        Ok(out)
    }

    /// Refetches `hashes` as TanStack's `refetchQueries` does: disabled and `'static'`
    /// queries are skipped; a running fetch is replaced unless `cancelRefetch: false`;
    /// resolves when all have settled (a paused one at once), and rejects with the
    /// first error only with `throwOnError`.
    fn refetch(&self, hashes: &[String], options: &JsValue) -> Result<Promise, JsValue> {
        let inner = self.alive()?;
        let cancel_refetch = match get(options, "cancelRefetch")? {
            v if v.is_undefined() => true,
            v => v.is_truthy(),
        };
        let throw_on_error = get(options, "throwOnError")?.is_truthy();
        let chosen: Vec<String> = {
            let cache = inner.cache_ref()?;
            hashes
                .iter()
                .filter(|h| {
                    cache
                        .get(h)
                        .is_some_and(|q| !q.is_disabled() && !q.is_static())
                })
                .cloned()
                .collect()
        };
        let promises = Array::new();
        for h in &chosen {
            let Some(p) = fetch::refetch(inner, h, cancel_refetch)? else {
                continue;
            };
            let paused = inner.cache_ref().is_ok_and(|c| {
                c.get(h)
                    .is_some_and(|q| q.state.fetch_status == FetchStatus::Paused)
            });
            if !paused {
                promises.push(&p);
            }
        }
        let settled = if throw_on_error {
            Promise::all(&promises)
        } else {
            Promise::all_settled(&promises)
        };
        Ok(promise::map(&settled, &inner.noop))
    }

    /// Hashes among `hashes` whose activity fits `kind`.
    fn of_type(&self, hashes: Vec<String>, kind: QueryType) -> Result<Vec<String>, JsValue> {
        let cache = self.alive()?.cache()?;
        Ok(hashes
            .into_iter()
            .filter(|h| {
                cache.get(h).is_some_and(|q| match kind {
                    QueryType::All => true,
                    QueryType::Active => q.is_active(),
                    QueryType::Inactive => !q.is_active(),
                })
            })
            .collect())
    }

    /// Marks matches invalidated (stale whatever their staleTime, `'static'` aside),
    /// then refetches them by `refetchType` (default: the active ones).
    #[wasm_bindgen(js_name = invalidateQueries)]
    pub fn invalidate_queries(
        &self,
        filters: JsValue,
        options: JsValue,
    ) -> Result<Promise, JsValue> {
        let _entered = reentry::enter("invalidateQueries")?;
        let f = Filters::read(&filters, "invalidateQueries")?;
        let refetch_type = match RefetchType::read(&get(&filters, "refetchType")?)? {
            Some(t) => t,
            None => {
                RefetchType::read(&get(&options, "refetchType")?)?.unwrap_or(RefetchType::Active)
            }
        };
        let hashes = self.matching(&f)?;
        {
            let mut cache = self.alive()?.cache()?;
            for h in &hashes {
                cache.invalidate(h);
            }
        }
        for h in &hashes {
            self.inner.persist(h); // the flag reaches L2 too
        }
        self.inner.notify_changed();
        let kind = match refetch_type {
            RefetchType::None => return Ok(Promise::resolve(&JsValue::UNDEFINED)),
            RefetchType::Active => QueryType::Active,
            RefetchType::Inactive => QueryType::Inactive,
            RefetchType::All => QueryType::All,
        };
        let chosen = self.of_type(hashes, kind)?;
        self.refetch(&chosen, &options)
    }

    /// Refetches every match that has a query function and is neither disabled nor
    /// `'static'`; resolves when all settled. Options: `cancelRefetch` (default true),
    /// `throwOnError`.
    #[wasm_bindgen(js_name = refetchQueries)]
    pub fn refetch_queries(&self, filters: JsValue, options: JsValue) -> Result<Promise, JsValue> {
        let _entered = reentry::enter("refetchQueries")?;
        let f = Filters::read(&filters, "refetchQueries")?;
        let hashes = self.matching(&f)?;
        self.refetch(&hashes, &options)
    }

    /// Aborts running fetches of matches: their `signal` aborts, their waiters get a
    /// `CancelledError` and their state goes back to what it was before.
    #[wasm_bindgen(js_name = cancelQueries)]
    pub fn cancel_queries(&self, filters: JsValue) -> Result<Promise, JsValue> {
        let _entered = reentry::enter("cancelQueries")?;
        let f = Filters::read(&filters, "cancelQueries")?;
        let hashes = self.matching(&f)?;
        let inner = self.alive()?;
        let orphans = {
            let mut cache = inner.cache()?;
            let t = now();
            hashes
                .iter()
                .filter_map(|h| {
                    cache.cancel_fetch(h, t)?;
                    cache.get_mut(h)?.meta.in_flight.take()
                })
                .collect::<Vec<_>>()
        };
        release(orphans);
        inner.notify_changed();
        inner.arm_gc();
        Ok(Promise::resolve(&JsValue::UNDEFINED))
    }

    /// Drops matches from the cache (running fetches are cancelled).
    #[wasm_bindgen(js_name = removeQueries)]
    pub fn remove_queries(&self, filters: JsValue) -> Result<(), JsValue> {
        let _entered = reentry::enter("removeQueries")?;
        let f = Filters::read(&filters, "removeQueries")?;
        let hashes = self.matching(&f)?;
        let removed: Vec<_> = {
            let mut cache = self.alive()?.cache()?;
            hashes.iter().filter_map(|h| cache.remove(h)).collect()
        };
        for (h, q) in &removed {
            self.inner.unpersist(h, &broadcast::held(q));
        }
        if let Some(h) = f.unloaded_exact_key(&removed) {
            self.inner.unpersist(h, &State::Nothing);
        }
        release_removed(removed);
        self.inner.notify_changed();
        Ok(())
    }

    /// Puts matches back in their initial state (`initialData` or pending), cancels
    /// their fetches and refetches the active ones.
    #[wasm_bindgen(js_name = resetQueries)]
    pub fn reset_queries(&self, filters: JsValue, options: JsValue) -> Result<Promise, JsValue> {
        let _entered = reentry::enter("resetQueries")?;
        let f = Filters::read(&filters, "resetQueries")?;
        let hashes = self.matching(&f)?;
        let inner = self.alive()?;
        let mut orphans = Vec::new();
        let mut reset = || -> Result<(), JsValue> {
            for h in &hashes {
                let (initial, held) = match inner.cache()?.get(h) {
                    Some(q) => (q.meta.initial_data.clone(), broadcast::held(q)),
                    None => continue,
                };
                let initial = resolve_initial(&initial)?;
                let mut cache = inner.cache()?;
                if cache.reset(h, initial, now()).is_some() {
                    orphans.extend(cache.get_mut(h).and_then(|q| q.meta.in_flight.take()));
                }
                drop(cache);
                inner.unpersist(h, &held);
            }
            Ok(())
        };
        // An `initialData` function that throws stops the resets there; the fetches of
        // the queries already reset are cancelled all the same (never left hanging).
        let done = reset();
        release(orphans);
        inner.notify_changed();
        inner.arm_gc();
        done?;
        let active = self.of_type(hashes, QueryType::Active)?;
        self.refetch(&active, &options)
    }

    /// How many matching queries are fetching.
    #[wasm_bindgen(js_name = isFetching)]
    pub fn is_fetching(&self, filters: JsValue) -> Result<u32, JsValue> {
        let _entered = reentry::enter("isFetching")?;
        let f = Filters::read(&filters, "isFetching")?;
        if f.predicate.is_none() {
            return Ok(self.alive()?.cache()?.count_fetching(&f.core, now()) as u32);
        }
        let hashes = self.matching(&f)?;
        let cache = self.alive()?.cache()?;
        Ok(hashes
            .iter()
            .filter(|h| {
                cache
                    .get(h)
                    .is_some_and(|q| q.state.fetch_status == FetchStatus::Fetching)
            })
            .count() as u32)
    }

    /// Empties L1 and this client's L2 namespace (log-out); running fetches are
    /// cancelled. Resolves when L2 has been cleared; rejects with the storage's error
    /// when that failed (L1 is empty either way, and L2 is tried again later).
    pub fn clear(&self) -> Result<Promise, JsValue> {
        let _entered = reentry::enter("clear")?;
        let inner = self.alive()?;
        let removed = inner.cache()?.clear();
        let hashes: Vec<String> = removed.iter().map(|(h, _)| h.clone()).collect();
        release_removed(removed);
        let flushed = match &inner.persister {
            Some(p) => p.clear(hashes),
            None => Promise::resolve(&JsValue::UNDEFINED),
        };
        if let (Ok(Some(tabs)), Some(p)) =
            (inner.cross_tab.try_borrow().as_deref(), &inner.persister)
        {
            tabs.clear(p.cleared_at(), &flushed, &inner.noop);
        }
        inner.notify_changed();
        Ok(flushed)
    }

    /// Resolves when every L2 write and delete issued so far has been tried (edge
    /// workers: `ctx.waitUntil(client.flush())`).
    pub fn flush(&self) -> Result<Promise, JsValue> {
        let _entered = reentry::enter("flush")?;
        Ok(match &self.inner.persister {
            Some(p) => p.flush(),
            None => Promise::resolve(&JsValue::UNDEFINED),
        })
    }

    /// The runtime mode in use: `'browser'`, `'server'` or `'edge'`.
    #[wasm_bindgen(getter)]
    pub fn runtime(&self) -> String {
        match self.inner.defaults.runtime {
            Runtime::Browser => "browser",
            Runtime::Server => "server",
            Runtime::Edge => "edge",
        }
        .to_owned()
    }

    /// How many storage calls (reads, batch writes, clears) L2 has made.
    #[wasm_bindgen(getter, js_name = storageCalls)]
    pub fn storage_calls(&self) -> u32 {
        self.inner
            .persister
            .as_ref()
            .map(|p| p.calls.get())
            .unwrap_or(0)
    }

    /// Stops the timer, cancels fetches and empties the cache; the client cannot be
    /// used afterwards (mutations waiting for their scope reject). Calling it twice is
    /// harmless.
    pub fn dispose(&self) -> Result<(), JsValue> {
        let _entered = reentry::enter("dispose")?;
        if self.inner.disposed.get() {
            return Ok(());
        }
        self.inner.stop_gc_timer();
        if let Some(p) = &self.inner.persister {
            p.stop();
        }
        if let Ok(mut tabs) = self.inner.cross_tab.try_borrow_mut() {
            tabs.take(); // closes the channel
        }
        let removed = match self.inner.cache() {
            Ok(mut c) => c.clear(),
            Err(_) => Vec::new(),
        };
        self.inner.disposed.set(true);
        self.inner.face.changed();
        let observers = match self.inner.observers.try_borrow_mut() {
            Ok(mut observers) => std::mem::take(&mut *observers),
            Err(_) => FxHashMap::default(),
        };
        for observer in observers.into_values().flatten() {
            observer.release_for_dispose();
        }
        release_removed(removed);
        // Fetches paused offline look again, find the client disposed and end (those of
        // other clients go back to waiting).
        managers::wake_waiting();
        Ok(())
    }

    /// How many queries L1 holds.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> Result<u32, JsValue> {
        Ok(self.alive()?.cache_ref()?.len() as u32)
    }
}
