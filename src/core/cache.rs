//! L1: the map of queries by hash, with deduplicated fetches, GC and the LRU bound.
//!
//! The cache is a state machine with no clock and no I/O of its own: every call that
//! depends on time takes `now` (ms since the epoch), and the host runs the fetches and
//! the one GC timer. A fetch is a ticket ([`FetchId`]): the first caller on an idle
//! query starts one, concurrent callers join it, and a result that arrives for a
//! ticket that is no longer current (cancelled, removed, reset) is dropped.
//!
//! Memory per query is what a cache of many queries is made of, so a query is one
//! allocation (its slot in a [`Slab`]) plus its hash, shared by the index and the
//! query; the LRU order and the GC deadlines are links inside it ([`super::slab`]),
//! and a key whose hash tells all that matching needs is not kept beside it
//! ([`hash_is_key`]). What the host keeps rarely (`M`'s running fetch, say) it boxes.

use std::collections::HashMap;
use std::rc::Rc;

use super::filters::{Filterable, QueryFilters};
use super::fxhash::FxBuild;
use super::gc::{Deadlines, GcSchedule, Scheduled};
use super::head_index::{HeadIndex, KeyOf};
use super::journal::{Changed, Journal};
use super::key::{hash_is_key, partial_match, partial_match_hash, KeyValue};
use super::lru::{Lru, Recency};
use super::slab::{Link, Linked, Slab};
use super::staleness::{is_stale, Duration, StaleTime};
use super::state::{FetchStatus, QueryState};

/// Names one run of a query function (with its retries).
pub type FetchId = u64;

/// Five minutes, TanStack's default `gcTime`.
pub const DEFAULT_GC_TIME: Duration = Duration::Millis(300_000.0);

/// One query in L1. `M` is what the host keeps beside it (its own key value, the
/// query function, options).
#[derive(Debug)]
pub struct Query<D, E, M> {
    /// What users read: status, data, error, counts.
    pub state: QueryState<D, E>,
    /// What the host keeps beside it.
    pub meta: M,
    /// The longest `gcTime` any user of this query asked for.
    pub gc_time: Duration,
    /// The `staleTime` of the last use: what a fetch decides by.
    pub stale_time: StaleTime,
    /// The soonest `staleTime` of its enabled observers (`None`: it has none), as the
    /// host last told ([`QueryCache::set_observed_stale_time`]): what `stale` filters
    /// ask of an observed query ([`Query::is_stale_to_observers`]).
    observed_stale_time: Option<StaleTime>,
    /// Its hash: the allocation the cache's index keys it by, shared.
    hash: Rc<str>,
    /// The query key, as given; `None` when its hash tells all that matching needs of
    /// it ([`hash_is_key`]: most keys), which saves an allocation per key part.
    key: Option<Box<[KeyValue]>>,
    id: u64,
    observers: u32,
    /// Observers with `enabled` true: they make the query active.
    enabled_observers: u32,
    /// Boxed: most queries are idle, and the state to revert to is as large as the state.
    fetch: Option<Box<ActiveFetch<D, E>>>,
    /// Its place in the LRU order.
    recency: Link,
    /// Its place among the GC deadlines, the deadline in ms, and which list holds it
    /// (`None`: it has no deadline).
    gc_link: Link,
    gc_due: u64,
    gc_list: Option<u8>,
}

#[derive(Debug)]
struct ActiveFetch<D, E> {
    id: FetchId,
    /// The state before the fetch began, restored when the fetch is cancelled.
    revert: QueryState<D, E>,
}

impl<D, E, M> Query<D, E, M> {
    /// A query with enabled observers is active (refetched by invalidation).
    pub fn is_active(&self) -> bool {
        self.enabled_observers > 0
    }

    /// Whether anything observes it (enabled or not): such a query is never collected.
    pub fn is_observed(&self) -> bool {
        self.observers > 0
    }

    /// How many observers watch it (enabled or not).
    pub fn observers(&self) -> u32 {
        self.observers
    }

    /// TanStack's `isDisabled`: observed, but by disabled observers only; or not
    /// observed and never fetched or set. Refetches (`refetchQueries`, invalidation)
    /// skip such queries.
    pub fn is_disabled(&self) -> bool {
        if self.observers > 0 {
            return !self.is_active();
        }
        self.state.data_update_count == 0 && self.state.error_update_count == 0
    }

    /// Observed with `staleTime: 'static'`: refetches skip it too.
    pub fn is_static(&self) -> bool {
        self.observers > 0 && self.stale_time == StaleTime::Static
    }

    /// Whether a fetch runs.
    pub fn is_fetching(&self) -> bool {
        self.fetch.is_some()
    }

    /// The current fetch ticket, if a fetch runs.
    pub fn fetch_id(&self) -> Option<FetchId> {
        self.fetch.as_ref().map(|f| f.id)
    }

    /// Whether its data is stale at `now` under its `staleTime`.
    pub fn is_stale(&self, now: f64) -> bool {
        is_stale(&self.state, self.stale_time, now)
    }

    /// TanStack's `Query.isStale()`, what `stale` filters and the QueryCache's handles
    /// ask: observed, whether an enabled observer finds its data stale by its own
    /// `staleTime` (observed by disabled ones only: no); unobserved, whether it has no
    /// data or was invalidated (time alone does not make it stale).
    pub fn is_stale_to_observers(&self, now: f64) -> bool {
        if self.observers > 0 {
            return self
                .observed_stale_time
                .is_some_and(|st| is_stale(&self.state, st, now));
        }
        !self.state.has_data() || self.state.is_invalidated
    }

    /// Unique for the life of the cache: a removed and re-created query gets a new id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Its hash.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Whether its key starts with the elements of `prefix` (TanStack's
    /// `partialMatchKey`, [`partial_match`]).
    pub fn key_starts_with(&self, prefix: &[KeyValue]) -> bool {
        match &self.key {
            Some(key) => partial_match(key, prefix),
            None => partial_match_hash(&self.hash, prefix),
        }
    }

    fn key_of(&self) -> KeyOf<'_> {
        match &self.key {
            Some(key) => KeyOf::Key(key),
            None => KeyOf::Hash(&self.hash),
        }
    }
}

impl<D, E, M> Filterable for Query<D, E, M> {
    fn key_starts_with(&self, prefix: &[KeyValue]) -> bool {
        Query::key_starts_with(self, prefix)
    }
    fn is_active(&self) -> bool {
        Query::is_active(self)
    }
    fn is_stale(&self, now: f64) -> bool {
        self.is_stale_to_observers(now)
    }
    fn fetch_status(&self) -> FetchStatus {
        self.state.fetch_status
    }
}

impl<D, E, M> Linked<Recency> for Query<D, E, M> {
    fn link(&self) -> &Link {
        &self.recency
    }
    fn link_mut(&mut self) -> &mut Link {
        &mut self.recency
    }
}

impl<D, E, M> Linked<Deadlines> for Query<D, E, M> {
    fn link(&self) -> &Link {
        &self.gc_link
    }
    fn link_mut(&mut self) -> &mut Link {
        &mut self.gc_link
    }
}

impl<D, E, M> Scheduled for Query<D, E, M> {
    fn deadline(&self) -> (u64, Option<u8>) {
        (self.gc_due, self.gc_list)
    }
    fn set_deadline(&mut self, due_ms: u64, list: Option<u8>) {
        self.gc_due = due_ms;
        self.gc_list = list;
    }
    fn order(&self) -> u64 {
        self.id
    }
}

/// What a fetch request amounts to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchStart {
    /// No fetch was running: the caller runs the query function under this ticket.
    Started(FetchId),
    /// A fetch is running: the caller waits for it.
    Joined(FetchId),
}

/// Why a cache could not be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheError {
    /// `max_entries` was 0.
    ZeroCapacity,
}

/// The query map.
pub struct QueryCache<D, E, M> {
    /// Slots by hash; the key's allocation is the query's own hash, shared.
    index: HashMap<Rc<str>, u32, FxBuild>,
    queries: Slab<Query<D, E, M>>,
    /// Observed queries whose state changed since the host last asked.
    changed: Vec<String>,
    /// Every query that may have changed, while the host keeps the journal.
    journal: Journal,
    lru: Lru,
    gc: GcSchedule,
    /// Queries by the first element of their key, for prefix filters.
    heads: HeadIndex,
    max_entries: usize,
    next_id: u64,
}

/// A query taken out of the cache (removed, evicted or collected), with its hash.
pub type Removed<D, E, M> = (String, Query<D, E, M>);

impl<D: Clone, E: Clone, M> QueryCache<D, E, M> {
    /// A cache holding at most `max_entries` queries (at least 1).
    pub fn new(max_entries: usize) -> Result<Self, CacheError> {
        match std::num::NonZeroUsize::new(max_entries) {
            Some(max) => Ok(Self::with_max_entries(max)),
            None => Err(CacheError::ZeroCapacity),
        }
    }

    /// A cache holding at most `max_entries` queries.
    pub fn with_max_entries(max_entries: std::num::NonZeroUsize) -> Self {
        let max_entries = max_entries.get();
        QueryCache {
            index: HashMap::default(),
            queries: Slab::default(),
            changed: Vec::new(),
            journal: Journal::default(),
            lru: Lru::default(),
            gc: GcSchedule::default(),
            heads: HeadIndex::default(),
            max_entries,
            next_id: 0,
        }
    }

    /// Whether it holds `max_entries` queries: one more would evict another.
    pub fn is_full(&self) -> bool {
        self.queries.len() >= self.max_entries
    }

    /// Makes room for `additional` more queries at once (a bulk restore), so that their
    /// slots do not grow step by step; never past `max_entries`.
    pub fn reserve(&mut self, additional: usize) {
        let room = self.max_entries.saturating_sub(self.queries.len());
        self.queries.reserve(additional.min(room));
    }

    /// How many queries it holds.
    pub fn len(&self) -> usize {
        self.queries.len()
    }

    /// Whether it holds no query.
    pub fn is_empty(&self) -> bool {
        self.queries.is_empty()
    }

    fn slot(&self, hash: &str) -> Option<u32> {
        self.index.get(hash).copied()
    }

    /// The query under `hash`, to change, outside the journal.
    fn find_mut(&mut self, hash: &str) -> Option<&mut Query<D, E, M>> {
        let at = self.slot(hash)?;
        self.queries.get_mut(at)
    }

    /// The query under `hash`, without touching its LRU place.
    pub fn get(&self, hash: &str) -> Option<&Query<D, E, M>> {
        self.queries.get(self.slot(hash)?)
    }

    /// The query to change as the host sees fit (its options, its in-flight fetch): in
    /// the journal, since anything may change.
    pub fn get_mut(&mut self, hash: &str) -> Option<&mut Query<D, E, M>> {
        self.journal.record(hash);
        self.find_mut(hash)
    }

    /// Marks a query as just used (LRU) and returns it.
    pub fn touch(&mut self, hash: &str) -> Option<&Query<D, E, M>> {
        let at = self.slot(hash)?;
        self.lru.touch(&mut self.queries, at);
        self.queries.get(at)
    }

    /// Every query's hash, in no particular order.
    pub fn hashes(&self) -> impl Iterator<Item = &str> {
        self.index.keys().map(|h| &**h)
    }

    /// Finds or creates the query under `hash`, which must be `key`'s canonical hash
    /// ([`super::key::hash_key`]); `key` is asked for only when the hash does not tell
    /// all that matching needs. A new query starts in the initial state
    /// (`initial_data` makes it a success at `now`) with its GC clock running, since
    /// nothing observes it yet. A use with a longer `gc_time` extends it.
    /// Returns whether it was created and what the LRU bound evicted to make room.
    pub fn build(
        &mut self,
        hash: &str,
        key: impl FnOnce() -> Vec<KeyValue>,
        meta: impl FnOnce() -> M,
        gc_time: Duration,
        initial_data: Option<D>,
        now: f64,
    ) -> (bool, Vec<Removed<D, E, M>>) {
        if let Some(at) = self.slot(hash) {
            self.lru.touch(&mut self.queries, at);
            if let Some(q) = self.queries.get_mut(at) {
                if longer(gc_time, q.gc_time) {
                    q.gc_time = gc_time;
                    if q.gc_list.is_some() {
                        self.reschedule_gc_at(at, now);
                    }
                }
            }
            return (false, Vec::new());
        }
        self.next_id += 1;
        let shared: Rc<str> = Rc::from(hash);
        let key = match hash_is_key(hash) {
            true => None,
            false => Some(key().into_boxed_slice()),
        };
        let at = self.queries.insert(Query {
            state: QueryState::initial(initial_data, now),
            meta: meta(),
            gc_time,
            stale_time: StaleTime::default(),
            observed_stale_time: None,
            hash: shared.clone(),
            key,
            id: self.next_id,
            observers: 0,
            enabled_observers: 0,
            fetch: None,
            recency: Link::default(),
            gc_link: Link::default(),
            gc_due: 0,
            gc_list: None,
        });
        self.lru.insert(&mut self.queries, at);
        if let Some(q) = self.queries.get(at) {
            self.heads.insert(at, q.key_of());
        }
        self.index.insert(shared, at);
        self.journal.record(hash);
        self.reschedule_gc_at(at, now);
        let evicted = self.evict_over_capacity(at);
        (true, evicted)
    }

    /// Drops least-recently-used queries beyond `max_entries`, never one that is
    /// observed or fetching, nor the one in slot `keep` (the query being built).
    fn evict_over_capacity(&mut self, keep: u32) -> Vec<Removed<D, E, M>> {
        let over = self.queries.len().saturating_sub(self.max_entries);
        if over == 0 {
            return Vec::new();
        }
        let victims = self.lru.oldest(&self.queries, over, |at, q| {
            at != keep && !q.is_observed() && !q.is_fetching()
        });
        victims
            .into_iter()
            .filter_map(|at| {
                let hash = self.queries.get(at)?.hash.clone();
                self.remove(&hash)
            })
            .collect()
    }

    /// Takes a query out of the cache. Its running fetch, if any, is orphaned: the
    /// host aborts it, and its result will find no current ticket.
    pub fn remove(&mut self, hash: &str) -> Option<Removed<D, E, M>> {
        self.mark(hash);
        let at = self.index.remove(hash)?;
        self.lru.remove(&mut self.queries, at);
        self.gc.cancel(&mut self.queries, at);
        let q = self.queries.remove(at)?;
        self.heads.remove(at, q.key_of());
        Some((hash.to_owned(), q))
    }

    /// Empties the cache; returns what it held. The memory of its tables goes too
    /// (a cleared or disposed cache holds nothing, however large it was).
    pub fn clear(&mut self) -> Vec<Removed<D, E, M>> {
        let observed: Vec<String> = self
            .queries
            .iter()
            .filter(|(_, q)| q.observers > 0)
            .map(|(_, q)| String::from(&*q.hash))
            .collect();
        self.changed.extend(observed);
        self.journal.everything();
        self.lru = Lru::default();
        self.gc = GcSchedule::default();
        self.heads = HeadIndex::default();
        self.index = HashMap::default();
        self.queries
            .drain()
            .map(|q| (String::from(&*q.hash), q))
            .collect()
    }

    /// Data written by the user (`setQueryData`) or restored from storage.
    pub fn set_data(&mut self, hash: &str, data: D, updated_at: f64) -> bool {
        let Some(at) = self.slot(hash) else {
            return false;
        };
        let Some(q) = self.queries.get_mut(at) else {
            return false;
        };
        // A running fetch goes on; cancelling it keeps this write (it reverts to the
        // state before the fetch, with the user's data in it).
        if let Some(f) = q.fetch.as_mut() {
            f.revert.on_success(data.clone(), updated_at);
        }
        q.state.on_set(data, updated_at);
        self.lru.touch(&mut self.queries, at);
        self.mark(hash);
        true
    }

    /// Data read from L2, used only when L1 has nothing newer. Returns whether it was.
    pub fn restore(&mut self, hash: &str, data: D, updated_at: f64, is_invalidated: bool) -> bool {
        let Some(q) = self.find_mut(hash) else {
            return false;
        };
        let l1 = q.state.data.as_ref().map(|_| q.state.data_updated_at);
        if !super::persist::hydration::should_restore(l1, updated_at) {
            return false;
        }
        q.state.on_restored(data, updated_at, is_invalidated);
        let observed = q.observers > 0;
        self.mark_observed(hash, observed);
        true
    }

    /// Data from another tab that the host has judged newer by the order tabs agree on
    /// (`persist::order`), which may hold it even at an equal `updated_at`: like
    /// [`QueryCache::restore`] without the age check. Returns whether the query exists.
    pub fn adopt(&mut self, hash: &str, data: D, updated_at: f64, is_invalidated: bool) -> bool {
        let Some(q) = self.find_mut(hash) else {
            return false;
        };
        q.state.on_restored(data, updated_at, is_invalidated);
        self.mark(hash);
        true
    }

    /// Marks the query invalidated (stale until new data); returns whether it exists.
    pub fn invalidate(&mut self, hash: &str) -> bool {
        match self.find_mut(hash) {
            Some(q) => {
                q.state.invalidate();
                self.mark(hash);
                true
            }
            None => false,
        }
    }

    /// Back to the initial state (`initial_data` or pending). A running fetch is
    /// orphaned and its ticket returned so the host can abort it.
    pub fn reset(&mut self, hash: &str, initial_data: Option<D>, now: f64) -> Option<FetchId> {
        let at = self.slot(hash)?;
        let q = self.queries.get_mut(at)?;
        let orphan = q.fetch.take().map(|f| f.id);
        q.state = QueryState::initial(initial_data, now);
        if orphan.is_some() && !q.is_observed() {
            self.reschedule_gc_at(at, now);
        }
        self.mark(hash);
        orphan
    }

    /// Starts a fetch, or joins the running one. `None` when there is no such query.
    pub fn begin_fetch(&mut self, hash: &str) -> Option<FetchStart> {
        let at = self.slot(hash)?;
        let q = self.queries.get_mut(at)?;
        if let Some(f) = &q.fetch {
            return Some(FetchStart::Joined(f.id));
        }
        self.next_id += 1;
        let id = self.next_id;
        q.fetch = Some(Box::new(ActiveFetch {
            id,
            revert: q.state.clone(),
        }));
        q.state.on_fetch_start();
        self.lru.touch(&mut self.queries, at);
        self.gc.cancel(&mut self.queries, at);
        self.mark(hash);
        Some(FetchStart::Started(id))
    }

    /// Replaces the running fetch of a query that holds data with a new one (TanStack's
    /// `cancelRefetch`): the old ticket is orphaned, the state it reverts to is kept,
    /// and the new ticket is returned. `None` when nothing runs or there is no data
    /// yet (then a refetch joins the running fetch).
    pub fn restart_fetch(&mut self, hash: &str) -> Option<(FetchId, FetchId)> {
        let at = self.slot(hash)?;
        let q = self.queries.get_mut(at)?;
        if !q.state.has_data() {
            return None;
        }
        let fetch = q.fetch.as_mut()?;
        self.next_id += 1;
        let old = std::mem::replace(&mut fetch.id, self.next_id);
        q.state.on_fetch_start();
        self.mark(hash);
        Some((old, self.next_id))
    }

    fn current_fetch(&mut self, hash: &str, id: FetchId) -> Option<&mut Query<D, E, M>> {
        self.find_mut(hash).filter(|q| q.fetch_id() == Some(id))
    }

    /// An attempt of fetch `id` failed; `failure_count` failures so far. Returns
    /// false when the fetch is no longer current (the host stops retrying).
    pub fn attempt_failed(
        &mut self,
        hash: &str,
        id: FetchId,
        failure_count: u32,
        reason: E,
    ) -> bool {
        match self.current_fetch(hash, id) {
            Some(q) => {
                q.state.on_attempt_failed(failure_count, reason);
                self.mark(hash);
                true
            }
            None => false,
        }
    }

    /// L2 is being read for a cold query (`true`) or has been (`false`): with no fetch
    /// running, the query shows `fetching` meanwhile, so a view of it is loading rather
    /// than pending and idle. Returns whether the state changed.
    pub fn set_hydrating(&mut self, hash: &str, hydrating: bool) -> bool {
        let Some(q) = self.find_mut(hash).filter(|q| q.fetch.is_none()) else {
            return false;
        };
        let (from, to) = match hydrating {
            true => (FetchStatus::Idle, FetchStatus::Fetching),
            false => (FetchStatus::Fetching, FetchStatus::Idle),
        };
        if q.state.fetch_status != from {
            return false;
        }
        q.state.fetch_status = to;
        self.mark(hash);
        true
    }

    /// Fetch `id` waits for the network or for focus (`paused`), or goes on. Returns
    /// false when the fetch is no longer current.
    pub fn set_paused(&mut self, hash: &str, id: FetchId, paused: bool) -> bool {
        let Some(q) = self.current_fetch(hash, id) else {
            return false;
        };
        if paused {
            q.state.on_pause();
        } else {
            q.state.on_continue();
        }
        self.mark(hash);
        true
    }

    /// Fetch `id` resolved. Returns false (and changes nothing) when it is no
    /// longer current.
    pub fn fetch_succeeded(&mut self, hash: &str, id: FetchId, data: D, now: f64) -> bool {
        let Some(q) = self.current_fetch(hash, id) else {
            return false;
        };
        q.fetch = None;
        q.state.on_success(data, now);
        self.reschedule_gc(hash, now);
        self.mark(hash);
        self.shrink_to_bound(hash);
        true
    }

    /// Fetch `id` failed for good after `failure_count` failures.
    pub fn fetch_failed(
        &mut self,
        hash: &str,
        id: FetchId,
        error: E,
        failure_count: u32,
        now: f64,
    ) -> bool {
        let Some(q) = self.current_fetch(hash, id) else {
            return false;
        };
        q.fetch = None;
        q.state.on_error(error, failure_count, now);
        self.reschedule_gc(hash, now);
        self.mark(hash);
        self.shrink_to_bound(hash);
        true
    }

    /// Cancels the running fetch: the state goes back to what it was before the
    /// fetch began. Returns the orphaned ticket.
    pub fn cancel_fetch(&mut self, hash: &str, now: f64) -> Option<FetchId> {
        let q = self.find_mut(hash)?;
        let fetch = q.fetch.take()?;
        q.state = fetch.revert;
        q.state.fetch_status = FetchStatus::Idle;
        self.reschedule_gc(hash, now);
        self.mark(hash);
        self.shrink_to_bound(hash);
        Some(fetch.id)
    }

    /// An observer starts watching: its GC clock stops; an enabled observer also makes
    /// the query active.
    pub fn observe(&mut self, hash: &str, enabled: bool) -> bool {
        let Some(at) = self.slot(hash) else {
            return false;
        };
        let Some(q) = self.queries.get_mut(at) else {
            return false;
        };
        q.observers += 1;
        q.enabled_observers += u32::from(enabled);
        self.journal.record(hash);
        self.lru.touch(&mut self.queries, at);
        self.gc.cancel(&mut self.queries, at);
        true
    }

    /// The soonest `staleTime` of the query's enabled observers, which the host keeps
    /// (`None`: none is enabled). False when there is no such query.
    pub fn set_observed_stale_time(&mut self, hash: &str, stale_time: Option<StaleTime>) -> bool {
        match self.find_mut(hash) {
            Some(q) => {
                q.observed_stale_time = stale_time;
                true
            }
            None => false,
        }
    }

    /// An observer stops watching; the last one leaving starts the GC clock.
    pub fn unobserve(&mut self, hash: &str, enabled: bool, now: f64) {
        if let Some(q) = self.find_mut(hash) {
            q.observers = q.observers.saturating_sub(1);
            q.enabled_observers = q.enabled_observers.saturating_sub(u32::from(enabled));
            self.journal.record(hash);
            self.reschedule_gc(hash, now);
            self.shrink_to_bound(hash);
        }
    }

    /// A query stopped being pinned (its fetch settled, its last observer left): the
    /// cache goes back under `max_entries`, sparing `keep`. What goes is idle and
    /// unobserved, so there is nothing for the host to stop.
    fn shrink_to_bound(&mut self, keep: &str) {
        if self.queries.len() > self.max_entries {
            let keep = self.slot(keep).unwrap_or(super::slab::NIL);
            drop(self.evict_over_capacity(keep));
        }
    }

    /// Records that an observed query's state changed (for the host to notify).
    fn mark(&mut self, hash: &str) {
        let observed = self.get(hash).is_some_and(|q| q.observers > 0);
        self.mark_observed(hash, observed);
    }

    /// [`QueryCache::mark`] for a query the caller holds: whether it is `observed`.
    fn mark_observed(&mut self, hash: &str, observed: bool) {
        self.journal.record(hash);
        if observed {
            self.changed.push(hash.to_owned());
        }
    }

    /// Keeps (or stops keeping) the journal of every query that may change.
    pub fn keep_journal(&mut self, on: bool) {
        self.journal.keep(on);
    }

    /// The queries that may have changed since the last call, while the journal is kept.
    pub fn take_journal(&mut self) -> Option<Changed> {
        self.journal.take()
    }

    /// The observed queries whose state changed since the last call (may repeat).
    pub fn take_changed(&mut self) -> Vec<String> {
        std::mem::take(&mut self.changed)
    }

    /// (Re)starts the GC clock of an idle, unobserved query at `now`.
    fn reschedule_gc(&mut self, hash: &str, now: f64) {
        if let Some(at) = self.slot(hash) {
            self.reschedule_gc_at(at, now);
        }
    }

    /// [`Self::reschedule_gc`] of the query in slot `at`. Its deadline goes on the list
    /// of its `gcTime`.
    fn reschedule_gc_at(&mut self, at: u32, now: f64) {
        self.gc.cancel(&mut self.queries, at);
        let Some(q) = self.queries.get(at) else {
            return;
        };
        if q.is_observed() || q.is_fetching() {
            return;
        }
        if let Duration::Millis(ms) = q.gc_time {
            self.gc
                .schedule(&mut self.queries, at, now + ms, ms.to_bits());
        }
    }

    /// The earliest GC deadline: the host's single timer is armed for it.
    pub fn next_gc_at(&self) -> Option<f64> {
        self.gc.next_due(&self.queries)
    }

    /// Removes every query whose GC deadline has passed and that is still idle and
    /// unobserved; returns them.
    pub fn collect_garbage(&mut self, now: f64) -> Vec<Removed<D, E, M>> {
        self.collect_garbage_sparing(now, None)
    }

    /// [`Self::collect_garbage`], keeping `spare` (the query the current call made or
    /// wrote: a host that collects at the end of a call, with no timer, must not take
    /// it before its caller sees it). A spared query that was due gets a new deadline,
    /// `gc_time` from `now`.
    pub fn collect_garbage_sparing(
        &mut self,
        now: f64,
        spare: Option<&str>,
    ) -> Vec<Removed<D, E, M>> {
        let mut removed = Vec::new();
        let mut spared = None;
        while let Some(at) = self.gc.pop_due(&mut self.queries, now) {
            let Some(q) = self.queries.get(at) else {
                continue;
            };
            if q.is_observed() || q.is_fetching() {
                continue;
            }
            if spare == Some(q.hash()) {
                spared = Some(at);
                continue;
            }
            let hash = q.hash.clone();
            removed.extend(self.remove(&hash));
        }
        if let Some(at) = spared {
            self.reschedule_gc_at(at, now);
        }
        removed
    }

    /// Hashes of the queries that match `filters` at `now` (host predicates aside).
    pub fn find_all(&self, filters: &QueryFilters, now: f64) -> Vec<String> {
        if let Some(hash) = &filters.exact_hash {
            return match self.get(hash) {
                Some(q) if filters.matches(hash, q, now) => vec![hash.clone()],
                _ => Vec::new(),
            };
        }
        let candidates = filters
            .query_key
            .as_ref()
            .and_then(|prefix| self.heads.candidates(prefix));
        let matching = |q: &&Query<D, E, M>| filters.matches(&q.hash, *q, now);
        match candidates {
            Some(slots) => slots
                .into_iter()
                .filter_map(|at| self.queries.get(at))
                .filter(matching)
                .map(|q| String::from(&*q.hash))
                .collect(),
            None => self
                .queries
                .iter()
                .map(|(_, q)| q)
                .filter(matching)
                .map(|q| String::from(&*q.hash))
                .collect(),
        }
    }

    /// How many matching queries are fetching (a paused fetch is not: TanStack's
    /// `isFetching()` counts `fetchStatus: 'fetching'`).
    pub fn count_fetching(&self, filters: &QueryFilters, now: f64) -> usize {
        self.queries
            .iter()
            .filter(|(_, q)| {
                q.state.fetch_status == FetchStatus::Fetching && filters.matches(&q.hash, *q, now)
            })
            .count()
    }
}

fn longer(a: Duration, b: Duration) -> bool {
    match (a, b) {
        (Duration::Never, Duration::Never) => false,
        (Duration::Never, _) => true,
        (_, Duration::Never) => false,
        (Duration::Millis(a), Duration::Millis(b)) => a > b,
    }
}

#[cfg(test)]
mod tests {
    use super::super::filters::QueryType;
    use super::super::key::hash_key;
    use super::super::state::Status;
    use super::*;

    type Cache = QueryCache<&'static str, &'static str, ()>;

    fn key(parts: &[&str]) -> Vec<KeyValue> {
        parts.iter().map(|p| KeyValue::str(p)).collect()
    }

    fn build(c: &mut Cache, parts: &[&str], gc_ms: f64, now: f64) -> String {
        let k = key(parts);
        let h = hash_key(&k);
        c.build(&h, || k, || (), Duration::Millis(gc_ms), None, now);
        h
    }

    #[test]
    fn zero_capacity_is_refused() {
        assert_eq!(Cache::new(0).err(), Some(CacheError::ZeroCapacity));
    }

    #[test]
    fn full_at_max_entries() {
        let mut c = Cache::new(2).unwrap();
        build(&mut c, &["a"], 1000.0, 0.0);
        assert!(!c.is_full());
        build(&mut c, &["b"], 1000.0, 0.0);
        assert!(c.is_full(), "a third query would evict one");
    }

    #[test]
    fn concurrent_fetches_share_one_ticket_and_one_result() {
        let mut c = Cache::new(10).unwrap();
        let h = build(&mut c, &["todos"], 1000.0, 0.0);
        let first = c.begin_fetch(&h).unwrap();
        let FetchStart::Started(id) = first else {
            panic!("first caller starts")
        };
        for _ in 0..9 {
            assert_eq!(c.begin_fetch(&h), Some(FetchStart::Joined(id)));
        }
        assert_eq!(c.get(&h).unwrap().state.fetch_status, FetchStatus::Fetching);
        assert!(c.fetch_succeeded(&h, id, "v", 10.0));
        let q = c.get(&h).unwrap();
        assert_eq!((q.state.status, q.state.data), (Status::Success, Some("v")));
        assert_eq!(q.state.data_update_count, 1, "one run, one update");
        // once settled, the next fetch is a new run
        assert!(matches!(c.begin_fetch(&h), Some(FetchStart::Started(n)) if n != id));
    }

    #[test]
    fn a_refetch_replaces_a_running_fetch_only_when_there_is_data() {
        let mut c = Cache::new(10).unwrap();
        let h = build(&mut c, &["a"], 1000.0, 0.0);
        let Some(FetchStart::Started(first)) = c.begin_fetch(&h) else {
            panic!()
        };
        assert_eq!(c.restart_fetch(&h), None, "no data yet: the refetch joins");
        assert!(c.fetch_succeeded(&h, first, "v1", 1.0));
        assert_eq!(c.restart_fetch(&h), None, "nothing runs");
        let Some(FetchStart::Started(second)) = c.begin_fetch(&h) else {
            panic!()
        };
        assert!(c.attempt_failed(&h, second, 1, "flaky"));
        let (old, third) = c.restart_fetch(&h).expect("data and a running fetch");
        assert_eq!(old, second);
        assert_ne!(third, second);
        assert_eq!(c.get(&h).unwrap().state.failure_count, 0, "a new run");
        assert!(
            !c.fetch_succeeded(&h, second, "late", 2.0),
            "the replaced run is dropped"
        );
        assert!(c.fetch_succeeded(&h, third, "v3", 3.0));
        assert_eq!(c.get(&h).unwrap().state.data, Some("v3"));
        // Cancelling the new run still reverts to the state before the first refetch.
        let Some(FetchStart::Started(fourth)) = c.begin_fetch(&h) else {
            panic!()
        };
        let (_, fifth) = c.restart_fetch(&h).unwrap();
        assert_eq!(c.cancel_fetch(&h, 4.0), Some(fifth));
        assert!(!c.fetch_succeeded(&h, fourth, "late", 5.0));
        assert_eq!(c.get(&h).unwrap().state.data, Some("v3"));
    }

    #[test]
    fn a_cancelled_fetch_reverts_and_its_late_result_is_dropped() {
        let mut c = Cache::new(10).unwrap();
        let h = build(&mut c, &["a"], 1000.0, 0.0);
        c.set_data(&h, "old", 5.0);
        let Some(FetchStart::Started(id)) = c.begin_fetch(&h) else {
            panic!()
        };
        assert!(c.attempt_failed(&h, id, 1, "flaky"));
        assert_eq!(c.cancel_fetch(&h, 6.0), Some(id));
        let q = c.get(&h).unwrap();
        assert_eq!(
            (q.state.data, q.state.fetch_status, q.state.failure_count),
            (Some("old"), FetchStatus::Idle, 0)
        );
        assert!(!c.fetch_succeeded(&h, id, "late", 7.0));
        assert!(!c.attempt_failed(&h, id, 2, "late"));
        assert_eq!(c.get(&h).unwrap().state.data, Some("old"));
    }

    #[test]
    fn final_failure_keeps_data_and_counts_attempts() {
        let mut c = Cache::new(10).unwrap();
        let h = build(&mut c, &["a"], 1000.0, 0.0);
        c.set_data(&h, "v1", 1.0);
        let Some(FetchStart::Started(id)) = c.begin_fetch(&h) else {
            panic!()
        };
        for n in 1..=3 {
            c.attempt_failed(&h, id, n, "e");
        }
        assert!(c.fetch_failed(&h, id, "e", 4, 2.0));
        let s = &c.get(&h).unwrap().state;
        assert_eq!(
            (s.status, s.data, s.failure_count, s.error),
            (Status::Error, Some("v1"), 4, Some("e"))
        );
    }

    #[test]
    fn unobserved_queries_are_collected_after_gc_time() {
        let mut c = Cache::new(10).unwrap();
        let h = build(&mut c, &["a"], 1000.0, 0.0);
        assert_eq!(
            c.next_gc_at(),
            Some(1000.0),
            "fetchQuery-only queries are collected too"
        );
        assert!(c.collect_garbage(999.0).is_empty());
        let removed = c.collect_garbage(1000.0);
        assert_eq!(removed.len(), 1);
        assert!(c.get(&h).is_none());
        assert_eq!(c.next_gc_at(), None);
    }

    #[test]
    fn the_gc_clock_restarts_when_a_fetch_settles_or_the_last_observer_leaves() {
        let mut c = Cache::new(10).unwrap();
        let h = build(&mut c, &["a"], 1000.0, 0.0);
        let Some(FetchStart::Started(id)) = c.begin_fetch(&h) else {
            panic!()
        };
        assert_eq!(c.next_gc_at(), None, "a fetching query is not collected");
        c.fetch_succeeded(&h, id, "v", 500.0);
        assert_eq!(c.next_gc_at(), Some(1500.0));
        c.observe(&h, true);
        c.observe(&h, true);
        assert_eq!(c.next_gc_at(), None);
        assert!(c.collect_garbage(10_000.0).is_empty());
        c.unobserve(&h, true, 2000.0);
        assert_eq!(c.next_gc_at(), None, "one observer is left");
        c.unobserve(&h, true, 3000.0);
        assert_eq!(c.next_gc_at(), Some(4000.0));
        assert!(c.get(&h).is_some());
        assert_eq!(c.collect_garbage(4000.0).len(), 1);
    }

    #[test]
    fn a_stale_deadline_never_removes_a_newer_query_under_the_same_key() {
        let mut c = Cache::new(10).unwrap();
        let h = build(&mut c, &["a"], 1000.0, 0.0);
        c.remove(&h);
        build(&mut c, &["a"], 5000.0, 100.0);
        assert!(
            c.collect_garbage(1000.0).is_empty(),
            "the old deadline is gone with the old query"
        );
        assert!(c.get(&h).is_some());
        assert_eq!(c.collect_garbage(5100.0).len(), 1);
    }

    #[test]
    fn a_longer_gc_time_extends_the_deadline() {
        let mut c = Cache::new(10).unwrap();
        let h = build(&mut c, &["a"], 1000.0, 0.0);
        build(&mut c, &["a"], 60_000.0, 10.0);
        assert_eq!(c.get(&h).unwrap().gc_time, Duration::Millis(60_000.0));
        assert!(c.collect_garbage(1000.0).is_empty());
        let mut c2 = Cache::new(10).unwrap();
        let k = key(&["b"]);
        let h2 = hash_key(&k);
        c2.build(&h2, || k, || (), Duration::Never, None, 0.0);
        assert_eq!(c2.next_gc_at(), None, "gcTime Infinity is never collected");
    }

    #[test]
    fn lru_bound_spares_observed_and_fetching_queries() {
        let mut c = Cache::new(3).unwrap();
        let a = build(&mut c, &["a"], 1e9, 0.0);
        let b = build(&mut c, &["b"], 1e9, 0.0);
        let d = build(&mut c, &["d"], 1e9, 0.0);
        c.observe(&a, true);
        c.begin_fetch(&b);
        c.touch(&d);
        let k = key(&["e"]);
        let (created, evicted) = c.build(&hash_key(&k), || k, || (), Duration::Never, None, 0.0);
        assert!(created);
        let names: Vec<&str> = evicted.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(
            names,
            [d.as_str()],
            "a is observed and b fetching, so d goes"
        );
        assert_eq!(c.len(), 3);
        // when everything is pinned the cache grows rather than drop live queries
        c.observe(&hash_key(&key(&["e"])), true);
        let (_, evicted) = c.build(
            &hash_key(&key(&["f"])),
            || key(&["f"]),
            || (),
            Duration::Never,
            None,
            0.0,
        );
        assert!(evicted.is_empty());
        assert_eq!(c.len(), 4);
    }

    #[test]
    fn a_query_observed_only_by_a_disabled_observer_is_not_evicted() {
        let mut c = Cache::new(2).unwrap();
        let a = build(&mut c, &["a"], 1e9, 0.0);
        let b = build(&mut c, &["b"], 1e9, 0.0);
        c.observe(&a, false); // enabled: false, as a lazy query waiting for its input
        c.touch(&b);
        let k = key(&["c"]);
        let (_, evicted) = c.build(&hash_key(&k), || k, || (), Duration::Never, None, 0.0);
        let names: Vec<&str> = evicted.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(names, [b.as_str()], "a is observed (if not active): b goes");
        assert!(c.get(&a).is_some());
    }

    #[test]
    fn the_bound_comes_back_when_pinned_queries_settle() {
        let mut c = Cache::new(2).unwrap();
        let mut tickets = Vec::new();
        for name in ["a", "b", "c", "d"] {
            let h = build(&mut c, &[name], 1e9, 0.0);
            if let Some(FetchStart::Started(id)) = c.begin_fetch(&h) {
                tickets.push((h, id));
            }
        }
        assert_eq!(c.len(), 4, "fetching queries are never evicted");
        for (h, id) in &tickets {
            c.fetch_succeeded(h, *id, "v", 1.0);
        }
        assert_eq!(c.len(), 2, "back under the bound once they settle");
        assert!(
            c.get(&tickets[3].0).is_some(),
            "the last one to settle stays"
        );
    }

    #[test]
    fn least_recently_used_goes_first() {
        let mut c = Cache::new(2).unwrap();
        let a = build(&mut c, &["a"], 1e9, 0.0);
        let b = build(&mut c, &["b"], 1e9, 0.0);
        c.touch(&a);
        build(&mut c, &["c"], 1e9, 0.0);
        assert!(c.get(&a).is_some());
        assert!(c.get(&b).is_none());
    }

    #[test]
    fn filters_match_prefix_exact_type_and_staleness() {
        let mut c = Cache::new(100).unwrap();
        let t1 = build(&mut c, &["todos", "1"], 1e9, 0.0);
        let t2 = build(&mut c, &["todos", "2"], 1e9, 0.0);
        let u = build(&mut c, &["users"], 1e9, 0.0);
        c.set_data(&t1, "x", 0.0);
        c.get_mut(&t1).unwrap().stale_time = StaleTime::Millis(100.0);
        c.observe(&t2, true);
        let mut found = c.find_all(&QueryFilters::by_key(key(&["todos"])), 50.0);
        found.sort();
        assert_eq!(found, [t1.clone(), t2.clone()]);
        let exact = QueryFilters::by_exact_key(key(&["todos"]));
        assert!(c.find_all(&exact, 50.0).is_empty());
        let exact = QueryFilters::by_exact_key(key(&["users"]));
        assert_eq!(c.find_all(&exact, 50.0), std::slice::from_ref(&u));
        let active = QueryFilters {
            kind: QueryType::Active,
            ..Default::default()
        };
        assert_eq!(c.find_all(&active, 50.0), std::slice::from_ref(&t2));
        // TanStack's `Query.isStale()`: t1 is observed by an enabled observer with a
        // 100 ms staleTime, t2 has no data, u (no observer) has data.
        c.set_data(&u, "u", 0.0);
        c.observe(&t1, true);
        c.set_observed_stale_time(&t1, Some(StaleTime::Millis(100.0)));
        c.set_observed_stale_time(&t2, Some(StaleTime::Millis(0.0)));
        let fresh = QueryFilters {
            stale: Some(false),
            ..Default::default()
        };
        let mut found = c.find_all(&fresh, 50.0);
        found.sort();
        assert_eq!(found, [t1.clone(), u.clone()]);
        assert_eq!(
            c.find_all(&fresh, 100.0),
            std::slice::from_ref(&u),
            "observed: stale once its observer's staleTime has passed; unobserved: time alone does not make it stale"
        );
        c.invalidate(&u);
        assert!(c.find_all(&fresh, 100.0).is_empty(), "invalidated: stale");
        c.set_observed_stale_time(&t1, None);
        assert_eq!(
            c.find_all(&fresh, 100.0),
            std::slice::from_ref(&t1),
            "observed by disabled observers only: not stale"
        );
        c.begin_fetch(&u);
        assert_eq!(c.count_fetching(&QueryFilters::default(), 0.0), 1);
        assert_eq!(
            c.count_fetching(&QueryFilters::by_key(key(&["todos"])), 0.0),
            0
        );
    }

    #[test]
    fn disabled_observers_keep_a_query_but_do_not_make_it_active() {
        let mut c = Cache::new(10).unwrap();
        let h = build(&mut c, &["a"], 1000.0, 0.0);
        c.observe(&h, false);
        let q = c.get(&h).unwrap();
        assert!(q.is_observed() && !q.is_active());
        assert!(
            c.collect_garbage(5_000.0).is_empty(),
            "observed: not collected"
        );
        c.observe(&h, true);
        assert!(c.get(&h).unwrap().is_active());
        c.unobserve(&h, true, 6_000.0);
        c.unobserve(&h, false, 6_000.0);
        assert_eq!(c.next_gc_at(), Some(7_000.0));
    }

    #[test]
    fn set_data_during_a_fetch_lets_it_go_on_and_a_cancel_keeps_the_write() {
        let mut c = Cache::new(10).unwrap();
        let h = build(&mut c, &["a"], 1000.0, 0.0);
        let Some(FetchStart::Started(id)) = c.begin_fetch(&h) else {
            panic!()
        };
        assert!(c.attempt_failed(&h, id, 1, "flaky"));
        assert!(c.set_data(&h, "mine", 1.0));
        let s = &c.get(&h).unwrap().state;
        assert_eq!(
            (s.data, s.status, s.fetch_status, s.failure_count),
            (Some("mine"), Status::Success, FetchStatus::Fetching, 1),
            "the fetch goes on"
        );
        assert_eq!(c.cancel_fetch(&h, 2.0), Some(id));
        let s = &c.get(&h).unwrap().state;
        assert_eq!(
            (s.data, s.fetch_status),
            (Some("mine"), FetchStatus::Idle),
            "a cancel keeps the user's write"
        );
        // Not cancelled, the fetch's data comes later and wins.
        let Some(FetchStart::Started(id)) = c.begin_fetch(&h) else {
            panic!()
        };
        assert!(c.set_data(&h, "mine again", 3.0));
        assert!(c.fetch_succeeded(&h, id, "fetched", 4.0));
        assert_eq!(c.get(&h).unwrap().state.data, Some("fetched"));
    }

    #[test]
    fn refetches_skip_disabled_and_static_queries_as_tanstack_does() {
        let mut c = Cache::new(10).unwrap();
        let h = build(&mut c, &["a"], 1000.0, 0.0);
        assert!(
            c.get(&h).unwrap().is_disabled(),
            "never fetched nor set, unobserved"
        );
        c.set_data(&h, "v", 1.0);
        assert!(!c.get(&h).unwrap().is_disabled(), "it has been set");
        c.observe(&h, false);
        assert!(
            c.get(&h).unwrap().is_disabled(),
            "observed by a disabled observer only"
        );
        c.observe(&h, true);
        assert!(!c.get(&h).unwrap().is_disabled(), "an enabled observer");
        assert!(!c.get(&h).unwrap().is_static());
        c.get_mut(&h).unwrap().stale_time = StaleTime::Static;
        assert!(c.get(&h).unwrap().is_static(), "observed with 'static'");
        c.unobserve(&h, true, 2.0);
        c.unobserve(&h, false, 2.0);
        assert!(
            !c.get(&h).unwrap().is_static(),
            "unobserved: not static (TanStack)"
        );
    }

    #[test]
    fn only_observed_queries_report_changes() {
        let mut c = Cache::new(10).unwrap();
        let a = build(&mut c, &["a"], 1000.0, 0.0);
        let b = build(&mut c, &["b"], 1000.0, 0.0);
        c.observe(&a, true);
        c.set_data(&a, "x", 1.0);
        c.set_data(&b, "y", 1.0);
        let Some(FetchStart::Started(id)) = c.begin_fetch(&a) else {
            panic!()
        };
        c.fetch_succeeded(&a, id, "z", 2.0);
        assert_eq!(c.take_changed(), [a.clone(), a.clone(), a.clone()]);
        assert!(c.take_changed().is_empty());
        c.remove(&a);
        assert_eq!(c.take_changed(), [a]);
    }

    #[test]
    fn restored_data_never_replaces_newer_l1_data() {
        let mut c = Cache::new(10).unwrap();
        let h = build(&mut c, &["a"], 1000.0, 0.0);
        assert!(c.restore(&h, "from l2", 100.0, true));
        let s = &c.get(&h).unwrap().state;
        assert_eq!(
            (s.status, s.data, s.data_updated_at, s.is_invalidated),
            (Status::Success, Some("from l2"), 100.0, true)
        );
        c.set_data(&h, "newer", 200.0);
        assert!(!c.restore(&h, "older l2", 150.0, false));
        assert_eq!(c.get(&h).unwrap().state.data, Some("newer"));
    }

    #[test]
    fn adopted_data_replaces_l1_data_even_at_an_equal_time() {
        let mut c = Cache::new(10).unwrap();
        let h = build(&mut c, &["a"], 1000.0, 0.0);
        c.observe(&h, true);
        c.take_changed();
        c.set_data(&h, "mine", 100.0);
        assert!(c.adopt(&h, "theirs", 100.0, true));
        let s = &c.get(&h).unwrap().state;
        assert_eq!(
            (
                s.data,
                s.data_updated_at,
                s.is_invalidated,
                s.data_update_count
            ),
            (Some("theirs"), 100.0, true, 2)
        );
        assert_eq!(c.take_changed(), [h.clone(), h], "observers hear of it");
        assert!(!c.adopt("[\"missing\"]", "x", 1.0, false));
    }

    #[test]
    fn reset_returns_to_initial_state_and_orphans_the_fetch() {
        let mut c = Cache::new(10).unwrap();
        let h = build(&mut c, &["a"], 1000.0, 0.0);
        c.set_data(&h, "v", 1.0);
        let Some(FetchStart::Started(id)) = c.begin_fetch(&h) else {
            panic!()
        };
        assert_eq!(c.reset(&h, None, 2.0), Some(id));
        let s = &c.get(&h).unwrap().state;
        assert_eq!(
            (s.status, s.data, s.fetch_status),
            (Status::Pending, None, FetchStatus::Idle)
        );
        assert!(!c.fetch_succeeded(&h, id, "late", 3.0));
        c.reset(&h, Some("seed"), 4.0);
        assert_eq!(c.get(&h).unwrap().state.data, Some("seed"));
    }

    #[test]
    fn a_paused_fetch_is_not_counted_as_fetching_and_a_stale_ticket_cannot_pause() {
        let mut c = Cache::new(10).unwrap();
        let h = build(&mut c, &["todos"], 1000.0, 0.0);
        let FetchStart::Started(id) = c.begin_fetch(&h).unwrap() else {
            panic!("first caller starts")
        };
        assert!(c.set_paused(&h, id, true));
        assert_eq!(c.get(&h).unwrap().state.fetch_status, FetchStatus::Paused);
        assert_eq!(c.count_fetching(&QueryFilters::default(), 0.0), 0);
        assert!(c.get(&h).unwrap().is_fetching(), "still pinned against GC");
        assert!(c.set_paused(&h, id, false));
        assert_eq!(c.count_fetching(&QueryFilters::default(), 0.0), 1);
        c.cancel_fetch(&h, 1.0);
        assert!(
            !c.set_paused(&h, id, true),
            "a cancelled fetch stays cancelled"
        );
        assert_eq!(c.get(&h).unwrap().state.fetch_status, FetchStatus::Idle);
    }

    #[test]
    fn reading_l2_shows_fetching_only_while_no_fetch_runs() {
        let mut c = Cache::new(10).unwrap();
        let h = build(&mut c, &["cold"], 1000.0, 0.0);
        assert!(c.set_hydrating(&h, true));
        assert_eq!(c.get(&h).unwrap().state.fetch_status, FetchStatus::Fetching);
        assert!(c.set_hydrating(&h, false));
        assert_eq!(c.get(&h).unwrap().state.fetch_status, FetchStatus::Idle);
        c.set_hydrating(&h, true);
        let FetchStart::Started(_) = c.begin_fetch(&h).unwrap() else {
            panic!("starts")
        };
        assert!(!c.set_hydrating(&h, false), "a real fetch keeps its status");
        assert_eq!(c.get(&h).unwrap().state.fetch_status, FetchStatus::Fetching);
    }

    #[test]
    fn prefix_filters_through_the_head_index_find_what_a_full_scan_finds() {
        use super::super::key::partial_match;
        let heads = [
            KeyValue::str("todos"),
            KeyValue::str("users"),
            KeyValue::Number(1.0),
            KeyValue::Number(-0.0),
            KeyValue::Bool(true),
            KeyValue::Null,
            KeyValue::Object(vec![("a".into(), KeyValue::Number(1.0))]),
        ];
        let mut c = Cache::new(10_000).unwrap();
        let mut keys = Vec::new();
        for i in 0..700 {
            let k = vec![
                heads[i % heads.len()].clone(),
                KeyValue::Number((i / 7 % 5) as f64),
            ];
            let h = hash_key(&k);
            if c.build(&h, || k.clone(), || (), Duration::Millis(1e9), None, 0.0)
                .0
            {
                keys.push((h, k));
            }
        }
        assert_eq!(keys.len(), 35, "7 heads x 5 second elements");
        c.remove(&keys[0].0);
        let mut prefixes: Vec<Vec<KeyValue>> = heads.iter().map(|h| vec![h.clone()]).collect();
        prefixes.push(vec![KeyValue::Number(0.0)]);
        prefixes.push(vec![KeyValue::str("todos"), KeyValue::Number(3.0)]);
        prefixes.push(vec![KeyValue::str("absent")]);
        prefixes.push(vec![KeyValue::Object(vec![])]);
        for prefix in prefixes {
            let mut found = c.find_all(&QueryFilters::by_key(prefix.clone()), 0.0);
            found.sort();
            let mut expected: Vec<String> = keys[1..]
                .iter()
                .filter(|(_, k)| partial_match(k, &prefix))
                .map(|(h, _)| h.clone())
                .collect();
            expected.sort();
            assert_eq!(found, expected, "prefix {prefix:?}");
        }
    }

    #[test]
    fn a_spared_query_is_kept_and_due_again() {
        let mut c: QueryCache<u32, (), ()> = QueryCache::new(10).unwrap();
        let zero = Duration::Millis(0.0);
        c.build("a", Vec::new, || (), zero, Some(1), 0.0);
        c.build("b", Vec::new, || (), zero, Some(2), 0.0);
        let removed: Vec<String> = c
            .collect_garbage_sparing(1.0, Some("a"))
            .into_iter()
            .map(|(h, _)| h)
            .collect();
        assert_eq!(removed, ["b"], "the other due query goes");
        assert!(c.get("a").is_some(), "the spared one stays");
        assert_eq!(c.next_gc_at(), Some(1.0), "and is due again at once");
        assert_eq!(
            c.collect_garbage(1.0).len(),
            1,
            "the next collection takes it"
        );
    }
}
