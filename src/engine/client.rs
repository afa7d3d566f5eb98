//! [`Engine`]: one query client's logic, for a face to drive.
//!
//! A face turns its users' calls into [`QuerySpec`]s and [`QueryFilters`], calls these
//! methods and converts what comes back. The engine decides what is fresh, what is
//! fetched, retried, collected and written to L2.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use super::data::{DataHandle, Failure, FetchError};
use super::fetch::{self, Refetch};
use super::host::Host;
use super::oneshot::Receiver;
use super::options::{EngineOptions, QuerySpec};
use super::shared::{Cache, L2State, Listener, Shared};
use super::storage::StorageError;
use super::{gc_timer, l2, observers};
use crate::core::filters::QueryFilters;
use crate::core::persist::namespace::Namespace;
use crate::core::staleness::is_stale;
use crate::core::state::QueryState;
use crate::core::KeyValue;

/// One query client. Clones share it.
pub struct Engine<D> {
    shared: Rc<Shared<D>>,
}

impl<D> Clone for Engine<D> {
    fn clone(&self) -> Self {
        Engine {
            shared: self.shared.clone(),
        }
    }
}

/// Names an observer's registration, for [`Engine::unobserve`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ObserverId {
    id: u64,
    enabled: bool,
    /// The query it counts as an observer of (`Query::id`): after `clear` or
    /// `remove_queries` another query may live under the same hash.
    query: Option<u64>,
}

impl<D: DataHandle> Engine<D> {
    /// A client on `host` with `options`.
    pub fn new(host: Rc<dyn Host>, options: EngineOptions) -> Engine<D> {
        let cache = Cache::<D>::with_max_entries(options.max_entries);
        Engine {
            shared: Rc::new(Shared {
                host,
                namespace: Namespace::new(&options.key_prefix),
                options,
                cache: RefCell::new(cache),
                waiters: RefCell::new(HashMap::new()),
                aborts: RefCell::new(HashMap::new()),
                listeners: RefCell::new(HashMap::new()),
                next_listener: Cell::new(0),
                observed_stale: RefCell::new(HashMap::new()),
                l2: RefCell::new(L2State::default()),
                gc_armed: Cell::new(None),
                gc_generation: Cell::new(0),
                notifying: Cell::new(false),
            }),
        }
    }

    /// The host it runs on.
    pub fn host(&self) -> &Rc<dyn Host> {
        &self.shared.host
    }

    /// The data of the query, fetching it first unless L1 (or, for a cold query, L2)
    /// holds data that is fresh under `spec.stale_time`.
    pub async fn fetch_query(&self, spec: QuerySpec<D>) -> Result<D, FetchError> {
        let shared = &self.shared;
        let spec = Rc::new(spec);
        if !l2::hydrate(shared, &spec).await {
            observers::notify(shared);
            return Err(FetchError::Cancelled); // removed or cleared while L2 was read
        }
        if let Some(data) = self.fresh_data(&spec) {
            observers::notify(shared); // what a read restored
            gc_timer::arm(shared);
            return Ok(data);
        }
        let outcome = match fetch::start(shared, &spec, Refetch::Join) {
            Some(rx) => rx.await.unwrap_or(Err(FetchError::Cancelled)),
            None => Err(FetchError::Cancelled),
        };
        gc_timer::arm(shared);
        outcome
    }

    /// The query's data if it is fresh (touching it in the LRU order).
    fn fresh_data(&self, spec: &QuerySpec<D>) -> Option<D> {
        let now = self.shared.now();
        let mut cache = self.shared.cache.try_borrow_mut().ok()?;
        let q = cache.touch(&spec.hash)?;
        if is_stale(&q.state, spec.stale_time, now) {
            return None;
        }
        q.state.data.clone()
    }

    /// The data in L1 under `hash`, if any (L2 is not read: use [`Self::fetch_query`]).
    pub fn get_query_data(&self, hash: &str) -> Option<D> {
        let cache = self.shared.cache.try_borrow().ok()?;
        cache.get(hash)?.state.data.clone()
    }

    /// The query's whole state in L1.
    pub fn get_query_state(&self, hash: &str) -> Option<QueryState<D, Failure>> {
        let cache = self.shared.cache.try_borrow().ok()?;
        Some(cache.get(hash)?.state.clone())
    }

    /// Whether the query in L1 is stale under its last use's `staleTime`.
    pub fn is_stale(&self, hash: &str) -> bool {
        let now = self.shared.now();
        match self.shared.cache.try_borrow() {
            Ok(cache) => cache.get(hash).is_none_or(|q| q.is_stale(now)),
            Err(_) => true,
        }
    }

    /// Writes `data` as the query's data, now (and to L2).
    pub fn set_query_data(&self, key: Vec<KeyValue>, hash: &str, data: D) {
        let shared = &self.shared;
        let now = shared.now();
        if let Ok(mut cache) = shared.cache.try_borrow_mut() {
            let gc_time = crate::core::cache::DEFAULT_GC_TIME;
            cache.build(hash, || key, || None, gc_time, None, now);
            cache.set_data(hash, data, now);
        }
        l2::persist(shared, hash);
        observers::notify(shared);
        gc_timer::arm(shared);
    }

    /// Marks every matching query invalidated (also in L2) and refetches the active
    /// ones, replacing fetches already running; completes when those refetches settle.
    pub async fn invalidate_queries(&self, filters: &QueryFilters) {
        let shared = &self.shared;
        let hashes = self.find_all(filters);
        let mut refetch = Vec::new();
        if let Ok(mut cache) = shared.cache.try_borrow_mut() {
            for h in &hashes {
                cache.invalidate(h);
                if let Some(q) = cache.get(h) {
                    if q.is_active() && !q.is_disabled() && !q.is_static() {
                        if let Some(spec) = q.meta.clone() {
                            refetch.push(spec);
                        }
                    }
                }
            }
        }
        for h in &hashes {
            l2::persist(shared, h);
        }
        let waits: Vec<Receiver<Result<D, FetchError>>> = refetch
            .iter()
            .filter_map(|spec| fetch::start(shared, spec, Refetch::Restart))
            .collect();
        observers::notify(shared);
        for w in waits {
            w.await;
        }
    }

    /// Takes the matching queries out of L1 and L2; their fetches are cancelled.
    pub fn remove_queries(&self, filters: &QueryFilters) {
        let shared = &self.shared;
        let hashes = self.find_all(filters);
        let mut removed = Vec::new();
        if let Ok(mut cache) = shared.cache.try_borrow_mut() {
            for h in &hashes {
                if let Some((_, q)) = cache.remove(h) {
                    removed.extend(q.fetch_id());
                }
            }
        }
        for id in removed {
            shared.abort_fetch(id);
        }
        l2::abandon_restores(shared, Some(&hashes));
        for h in &hashes {
            l2::forget(shared, h);
        }
        observers::notify(shared);
    }

    /// Cancels the matching queries' fetches: each goes back to its state before the
    /// fetch, and its waiters get [`FetchError::Cancelled`].
    pub fn cancel_queries(&self, filters: &QueryFilters) {
        let shared = &self.shared;
        let hashes = self.find_all(filters);
        let now = shared.now();
        let mut cancelled = Vec::new();
        if let Ok(mut cache) = shared.cache.try_borrow_mut() {
            for h in &hashes {
                cancelled.extend(cache.cancel_fetch(h, now));
            }
        }
        for id in cancelled {
            shared.abort_fetch(id);
        }
        observers::notify(shared);
        gc_timer::arm(shared);
    }

    /// Empties L1 and the client's namespace in L2; running fetches are cancelled.
    pub fn clear(&self) {
        let shared = &self.shared;
        let removed = match shared.cache.try_borrow_mut() {
            Ok(mut cache) => cache.clear(),
            Err(_) => return,
        };
        for (_, q) in removed {
            if let Some(id) = q.fetch_id() {
                shared.abort_fetch(id);
            }
        }
        l2::abandon_restores(shared, None);
        l2::forget_all(shared);
        observers::notify(shared);
    }

    /// The hashes of the matching queries in L1.
    pub fn find_all(&self, filters: &QueryFilters) -> Vec<String> {
        let now = self.shared.now();
        match self.shared.cache.try_borrow() {
            Ok(cache) => cache.find_all(filters, now),
            Err(_) => Vec::new(),
        }
    }

    /// How many matching queries are fetching.
    pub fn is_fetching(&self, filters: &QueryFilters) -> usize {
        let now = self.shared.now();
        match self.shared.cache.try_borrow() {
            Ok(cache) => cache.count_fetching(filters, now),
            Err(_) => 0,
        }
    }

    /// Registers an observer of `spec`'s query: `listener` is called whenever the query
    /// changes. The query is restored from L2 if cold and, when `enabled` and it has no
    /// fresh data, fetched (in the background).
    pub fn observe(&self, spec: QuerySpec<D>, enabled: bool, listener: Listener) -> ObserverId {
        let shared = &self.shared;
        let id = shared.next_listener.get() + 1;
        shared.next_listener.set(id);
        let spec = Rc::new(spec);
        shared
            .listeners
            .borrow_mut()
            .entry(spec.hash.clone())
            .or_default()
            .push((id, listener));
        let created = l2::build(shared, &spec);
        let mut query = None;
        if let Ok(mut cache) = shared.cache.try_borrow_mut() {
            if cache.observe(&spec.hash, enabled) {
                query = cache.get(&spec.hash).map(|q| q.id());
            }
        }
        if enabled {
            shared.observed_stale_time(&spec.hash, id, Some(spec.stale_time));
        }
        let restoring = if created {
            l2::begin_restore(shared, &spec.hash)
        } else {
            None
        };
        let this = self.clone();
        shared.host.spawn(Box::pin(async move {
            this.mount(spec, enabled, restoring).await;
        }));
        ObserverId { id, enabled, query }
    }

    /// An observer's first steps: the L2 read `observe` began, then a fetch unless the
    /// data is fresh.
    async fn mount(&self, spec: Rc<QuerySpec<D>>, enabled: bool, restoring: Option<u64>) {
        let shared = &self.shared;
        let present = match restoring {
            Some(token) => l2::finish_restore(shared, &spec, token).await,
            None => l2::hydrate(shared, &spec).await, // waits for a read under way
        };
        // A query removed or cleared meanwhile is not fetched (nor made again) for it.
        if present && enabled && self.fresh_data(&spec).is_none() {
            if let Some(rx) = fetch::start(shared, &spec, Refetch::Join) {
                rx.await;
            }
        }
        observers::notify(shared);
    }

    /// Removes an observer: the last one leaving starts its query's GC clock.
    pub fn unobserve(&self, hash: &str, observer: ObserverId) {
        let shared = &self.shared;
        let gone: Vec<(u64, Listener)> = {
            let mut listeners = shared.listeners.borrow_mut();
            match listeners.get_mut(hash) {
                Some(ls) => {
                    let (gone, kept) = std::mem::take(ls)
                        .into_iter()
                        .partition(|(id, _)| *id == observer.id);
                    *ls = kept;
                    if ls.is_empty() {
                        listeners.remove(hash);
                    }
                    gone
                }
                None => Vec::new(),
            }
        };
        // Dropped with nothing borrowed: a listener may own another observer, whose own
        // drop comes back here.
        drop(gone);
        let now = shared.now();
        if let Ok(mut cache) = shared.cache.try_borrow_mut() {
            // Only the query it observes: one made after `clear` or `remove_queries`
            // under the same hash has observers of its own.
            let same =
                observer.query.is_some() && cache.get(hash).map(|q| q.id()) == observer.query;
            if same {
                cache.unobserve(hash, observer.enabled, now);
            }
        }
        shared.observed_stale_time(hash, observer.id, None);
        gc_timer::arm(shared);
    }

    /// Completes when every change so far is written to L2, or its write failed
    /// ([`Self::take_storage_error`] tells).
    pub async fn flush(&self) {
        l2::flushed(&self.shared).await;
    }

    /// The last L2 failure since this was last asked.
    pub fn take_storage_error(&self) -> Option<StorageError> {
        self.shared.l2.borrow_mut().last_error.take()
    }

    /// How many queries L1 holds.
    pub fn len(&self) -> usize {
        self.shared.cache.try_borrow().map_or(0, |c| c.len())
    }

    /// Whether L1 holds no query.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
