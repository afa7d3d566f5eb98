//! The state one engine client keeps, shared by its handle and its background tasks
//! (fetches, the GC timer, L2 reads and writes).
//!
//! Borrow rule: no `RefCell` here is held across a call into user code (a query
//! function, a decoder, a listener) or an `.await`; every access is a short
//! `borrow_mut` in between, so no path can find one already borrowed.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use super::abort::AbortHandle;
use super::data::{Failure, FetchError};
use super::host::Host;
use super::oneshot::Sender;
use super::options::{EngineOptions, QuerySpec};
use super::storage::StorageError;
use crate::core::cache::{FetchId, QueryCache};
use crate::core::persist::namespace::Namespace;
use crate::core::persist::write_queue::WriteQueue;
use crate::core::staleness::StaleTime;

/// What the cache keeps beside each query: the spec of its last use (the query
/// function that refetches it on invalidation), none when it was only ever set.
pub type Meta<D> = Option<Rc<QuerySpec<D>>>;

/// L1 as the engine holds it.
pub type Cache<D> = QueryCache<D, Failure, Meta<D>>;

/// A listener of an observer: called when its query changed.
pub type Listener = Rc<dyn Fn()>;

/// The L2 side: queued writes, batched reads, reads in progress.
#[derive(Default)]
pub struct L2State {
    pub queue: WriteQueue<String>,
    /// A task is writing the queue out.
    pub writer_running: bool,
    /// Waiting for the queue to be idle.
    pub flushed: Vec<Sender<()>>,
    /// Reads of this turn, not yet sent: storage key and who waits for it.
    pub batch: Option<Vec<(String, ReadSender)>>,
    /// Hashes whose L2 entry is being read: the id of the query the read is for, and
    /// those who wait for it (told whether the query is still there: `false` when it was
    /// removed or cleared meanwhile).
    pub hydrating: HashMap<String, (u64, Vec<Sender<bool>>)>,
    /// The last storage failure (for the face to report), cleared when read.
    pub last_error: Option<StorageError>,
}

/// Where a fetch's outcome goes, for one waiter.
pub type FetchSender<D> = Sender<Result<D, FetchError>>;

/// Where one batched read's value goes.
pub type ReadSender = Sender<Result<Option<String>, StorageError>>;

/// One engine client's state.
pub struct Shared<D> {
    pub host: Rc<dyn Host>,
    pub options: EngineOptions,
    pub namespace: Namespace,
    pub cache: RefCell<Cache<D>>,
    /// Who waits for each running fetch.
    pub waiters: RefCell<HashMap<FetchId, Vec<FetchSender<D>>>>,
    /// How to stop each running fetch's query function.
    pub aborts: RefCell<HashMap<FetchId, AbortHandle>>,
    /// Observers' listeners by query hash, with their ids.
    pub listeners: RefCell<HashMap<String, Vec<(u64, Listener)>>>,
    pub next_listener: Cell<u64>,
    /// The `staleTime` of each enabled observer, by query hash and observer id: the
    /// soonest is what `stale` filters ask of an observed query (TanStack's
    /// `Query.isStale()`).
    pub observed_stale: RefCell<HashMap<String, Vec<(u64, StaleTime)>>>,
    pub l2: RefCell<L2State>,
    /// The instant the GC timer is armed for, and its generation (a timer that finds a
    /// newer generation does nothing).
    pub gc_armed: Cell<Option<f64>>,
    pub gc_generation: Cell<u64>,
    /// Listeners are being called: a change they make is told by the round under way,
    /// not by a nested one.
    pub notifying: Cell<bool>,
}

impl<D> Shared<D> {
    pub fn now(&self) -> f64 {
        self.host.now()
    }

    /// Records (`Some`) or forgets (`None`) enabled observer `id`'s `staleTime` on `hash`
    /// and tells the cache the soonest left.
    pub fn observed_stale_time(&self, hash: &str, id: u64, stale_time: Option<StaleTime>)
    where
        D: Clone,
    {
        let soonest = {
            let mut all = self.observed_stale.borrow_mut();
            let list = all.entry(hash.to_owned()).or_default();
            list.retain(|(other, _)| *other != id);
            if let Some(st) = stale_time {
                list.push((id, st));
            }
            let soonest = list.iter().map(|(_, st)| *st).reduce(StaleTime::soonest);
            if list.is_empty() {
                all.remove(hash);
            }
            soonest
        };
        if let Ok(mut cache) = self.cache.try_borrow_mut() {
            cache.set_observed_stale_time(hash, soonest);
        }
    }

    /// Ends the waits on fetch `id` with `outcome` and forgets how to abort it.
    pub fn settle_fetch(&self, id: FetchId, outcome: Result<D, FetchError>)
    where
        D: Clone,
    {
        self.aborts.borrow_mut().remove(&id);
        let waiters = self.waiters.borrow_mut().remove(&id).unwrap_or_default();
        for w in waiters {
            w.send(outcome.clone());
        }
    }

    /// Cancels fetch `id`: its waiters get [`FetchError::Cancelled`] and its query
    /// function is dropped.
    pub fn abort_fetch(&self, id: FetchId)
    where
        D: Clone,
    {
        let handle = self.aborts.borrow_mut().remove(&id);
        if let Some(h) = handle {
            h.abort();
        }
        self.settle_fetch(id, Err(FetchError::Cancelled));
    }
}
