//! L2 for one client: background writes, lazy reads, and carrying on when storage fails.
//!
//! Writes go through the core's [`WriteQueue`]: settled changes are queued (the last
//! value per key wins) and one `spawn_local` writer drains them in batches, one backend
//! call or transaction per batch. Data is serialised with `JSON.stringify` once, when
//! its batch is written. Reads of cold keys are shared: concurrent readers of one key
//! wait for one storage call. Every storage call is bounded by `storageTimeout`; a
//! failure starts an outage in the core's [`Health`]: it is reported once through
//! `onStorageError` (default: one console warning), L2 is skipped while backing off,
//! and the next call after the back-off probes it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::clock::now;
use super::convert::{describe, js_name};
use super::envelopes::{EnvelopeMaker, Unwrapped};
use super::errors::{range_error, type_error};
use super::json_slice;
use super::options::{get, one, optional_function, read_duration};
use super::read_batch::{self, ReadBatch};
use super::storage::object::{
    bounded, bounded_within, is_timeout, listed_entries, listed_keys, Listed,
};
use super::storage::{
    declared_max_entry_bytes, error_name, greatest, read_storage, Order, Ordered, StorageObject,
    WriteOp,
};
use super::stored_envelope::{QuickRead, QuickReader};
use super::timer::{self, Sleep};
use crate::core::fxhash::FxHashMap;
use crate::core::persist::byte_budget::ByteBudget;
use crate::core::persist::envelope::{self, Rejection};
use crate::core::persist::health::Health;
use crate::core::persist::hydration::{expires_at, trusted_updated_at, ttl_seconds};
use crate::core::persist::namespace::{
    decode_index, encode_index, holds, merge, Hashes, Namespace,
};
use crate::core::persist::order::{State, Version};
use crate::core::persist::write_queue::{Batch, Op, Pending, WriteQueue};
use crate::core::staleness::Duration;
use crate::core::text::text;

/// A queued write: what the envelope will hold (serialised when written), or a removal.
#[derive(Clone)]
pub struct Entry {
    pub data: JsValue,
    pub updated_at: f64,
    pub is_invalidated: bool,
    /// The revision that orders it between tabs (`core::persist::order`).
    pub rev: f64,
    /// A removal made at `updated_at`: the entry is deleted (where the storage keeps
    /// the order, only if older, and older data is refused after it).
    pub removed: bool,
}

/// Data read back from L2.
pub struct Restored {
    pub data: JsValue,
    pub updated_at: f64,
    pub is_invalidated: bool,
    pub rev: f64,
}

/// The L2 options of `new QueryClient({...})`.
pub struct PersistOptions {
    pub backend: Rc<StorageObject>,
    pub key_prefix: String,
    pub buster: String,
    pub max_age: Duration,
    pub timeout_ms: f64,
    pub on_error: Option<Function>,
    /// Entries larger than this (bytes of the stored string) stay in L1 only, and are
    /// not parsed when read (`maxEntryBytes`; default [`DEFAULT_MAX_ENTRY_BYTES`]).
    pub max_entry_bytes: Option<usize>,
    /// The most bytes the namespace may hold in L2 (`persistMaxBytes`): past it, the
    /// least recently used entries are deleted from L2 (they stay in L1).
    pub max_bytes: Option<usize>,
    /// The `BroadcastChannel` name for cross-tab sync (`crossTab`; on by default
    /// with IndexedDB, the storage tabs share).
    pub cross_tab: Option<String>,
}

impl PersistOptions {
    /// `None` when no `storage` is given.
    pub fn read(opts: &JsValue) -> Result<Option<PersistOptions>, JsValue> {
        let Some(backend) = read_storage(&get(opts, "storage")?)? else {
            return Ok(None);
        };
        let string = |name: &'static str, default: &str| -> Result<String, JsValue> {
            let v = get(opts, name)?;
            if v.is_undefined() {
                return Ok(default.to_owned());
            }
            v.as_string()
                .ok_or_else(|| type_error(text(&[name, " must be a string, got ", &describe(&v)])))
        };
        let timeout = read_duration(&one(opts, "storageTimeout")?, "storageTimeout")?
            .unwrap_or(Duration::Millis(3_000.0));
        let timeout_ms = match timeout {
            Duration::Millis(ms) if ms > 0.0 => ms,
            Duration::Millis(_) => {
                return Err(range_error("storageTimeout must be more than 0 ms"))
            }
            Duration::Never => f64::INFINITY,
        };
        let on_error = optional_function(
            opts,
            "onStorageError",
            "onStorageError",
            "(error, operation, key) => void",
        )?;
        let key_prefix = string("keyPrefix", "stackquery")?;
        // On by default only where tabs share IndexedDB: a server (Node has
        // `BroadcastChannel` but no IndexedDB) must never pass one request's data to another.
        let has_indexed_db =
            Reflect::has(&js_sys::global(), &js_name("indexedDB")).unwrap_or(false);
        let shared_by_tabs = backend.shared_name().filter(|_| has_indexed_db);
        let cross_tab = match get(opts, "crossTab")? {
            v if v.is_undefined() => shared_by_tabs,
            v => match v.as_bool() {
                Some(true) => Some(shared_by_tabs.unwrap_or_else(|| "storage".to_owned())),
                Some(false) => None,
                None => {
                    return Err(type_error(text(&[
                        "crossTab must be a boolean, got ",
                        &describe(&v),
                    ])))
                }
            },
        }
        .map(|storage| text(&["stackquery:", &storage, ":", &key_prefix]));
        Ok(Some(PersistOptions {
            backend: Rc::new(backend),
            cross_tab,
            key_prefix,
            buster: string("buster", "")?,
            max_age: read_duration(&one(opts, "persistMaxAge")?, "persistMaxAge")?
                .unwrap_or(Duration::Millis(86_400_000.0)),
            timeout_ms,
            on_error,
            max_entry_bytes: match read_duration(&one(opts, "maxEntryBytes")?, "maxEntryBytes")? {
                // A store that declares a smaller limit (Deno KV's 64 KiB) lowers the
                // default: an entry over it is never sent, and an older one is deleted.
                None => Some(
                    declared_max_entry_bytes(&get(opts, "storage")?)?
                        .map_or(DEFAULT_MAX_ENTRY_BYTES, |n| n.min(DEFAULT_MAX_ENTRY_BYTES)),
                ),
                Some(Duration::Millis(n)) if n >= 1.0 => Some(n as usize),
                Some(Duration::Millis(_)) => {
                    return Err(range_error("maxEntryBytes must be at least 1"))
                }
                Some(Duration::Never) => None, // Infinity: no bound
            },
            max_bytes: match read_duration(&one(opts, "persistMaxBytes")?, "persistMaxBytes")? {
                None | Some(Duration::Never) => None,
                Some(Duration::Millis(n)) if n >= 1.0 => Some(n as usize),
                Some(Duration::Millis(_)) => {
                    return Err(range_error("persistMaxBytes must be at least 1"))
                }
            },
        }))
    }
}

/// How many times a namespace index is rewritten while a concurrent writer's rewrite
/// keeps dropping one of our hashes from it.
const INDEX_ATTEMPTS: u32 = 4;

/// `maxEntryBytes` when not given: 4 MiB. Larger data stays in L1 only; a larger stored
/// entry (planted, or written under a higher limit) is a miss that is never parsed.
pub const DEFAULT_MAX_ENTRY_BYTES: usize = 4 * 1024 * 1024;

pub struct Persister {
    opts: PersistOptions,
    ns: Namespace,
    /// For a storage that cannot list its keys, the hashes its stored namespace index
    /// is known to hold (see [`Namespace`]); `None` for storages that list keys.
    index: RefCell<Option<Hashes>>,
    queue: RefCell<WriteQueue<Entry>>,
    health: RefCell<Health>,
    writer_running: Cell<bool>,
    /// The writer's back-off sleep, woken early by `flush()`.
    backoff: RefCell<Option<Rc<Sleep>>>,
    stopped: Cell<bool>,
    flush_waiters: RefCell<Vec<Function>>,
    /// The batch being written.
    in_flight: RefCell<Option<InFlight>>,
    /// Its transaction was aborted by [`Persister::flush_for_unload`].
    abandoned: Cell<bool>,
    /// Another tab of this namespace has been heard from (see [`Persister::is_ordered`]).
    other_tabs: Cell<bool>,
    /// From a `pagehide` until the next task (which a closing page never runs): batches are
    /// written without the order's reads, and a write made meanwhile is written at once
    /// ([`Persister::flush_for_unload`]).
    leaving: Cell<bool>,
    /// A write made while leaving has an unload write coming for it, or one is being made
    /// (a write made by a `toJSON` then goes to the writer).
    unload_coming: Cell<bool>,
    /// `clear()` callers waiting for the namespace to be emptied: (resolve, reject).
    clear_waiters: RefCell<Vec<(Function, Function)>>,
    /// Batches written so far, and how many had been when the process last came to
    /// exit with writes pending (no progress since: storage is down, let it exit).
    written: Cell<u32>,
    written_at_exit: Cell<Option<u32>>,
    /// Reads in progress, by hash: concurrent cold readers share one storage call.
    reads: RefCell<FxHashMap<String, Promise>>,
    /// The cold reads of this turn, read in one storage call ([`read_batch`]).
    batch: ReadBatch,
    /// With `persistMaxBytes`: the namespace's entry sizes and what to evict.
    budget: RefCell<Option<ByteBudget>>,
    /// Reads stored envelopes without copying them into wasm ([`QuickReader`]).
    quick: QuickReader,
    /// Makes the envelopes written, without copying data into wasm ([`EnvelopeMaker`]).
    maker: EnvelopeMaker,
    /// The namespace's key prefix in UTF-16 units: where a listed key's hash starts.
    prefix_units: u32,
    /// Storage calls made, by kind (for tests and the benchmark).
    pub calls: Cell<u32>,
    late: RefCell<LateWrites>,
    /// When `clear()` was last called: what was written before is refused after it.
    cleared_at: Cell<f64>,
}

/// The batch being written: whether it clears the namespace first, its ops and
/// where each stands in the order (for [`Persister::flush_for_unload`]).
struct InFlight {
    clear_first: bool,
    ops: Rc<Vec<WriteOp>>,
    order: Rc<Vec<Order>>,
}

/// Writes given up on after `storageTimeout` that may still land: a hung storage call
/// that settles late, an HTTP request a proxy delivers late. Landing after newer writes
/// of the same keys, one would overwrite them (or bring back a removed key), so their
/// keys are watched until they settle; then whatever was written for those keys
/// meanwhile is written again.
#[derive(Default)]
struct LateWrites {
    /// Keys of unsettled given-up writes, with how many such writes hold each.
    outstanding: FxHashMap<String, u32>,
    /// The last op written for an outstanding key since.
    since: FxHashMap<String, Op<Entry>>,
}

impl Persister {
    pub fn new(opts: PersistOptions) -> Rc<Persister> {
        let ns = Namespace::new(&opts.key_prefix);
        let budget = RefCell::new(opts.max_bytes.map(ByteBudget::new));
        let index = RefCell::new((!opts.backend.lists_keys()).then(Hashes::new));
        let quick = QuickReader::new(&opts.buster, opts.max_entry_bytes);
        let maker = EnvelopeMaker::new(
            quick.middle().clone(),
            opts.max_entry_bytes,
            opts.max_bytes.is_some(),
        );
        let prefix_units = json_slice::utf16_len(ns.prefix());
        Rc::new(Persister {
            opts,
            ns,
            index,
            queue: RefCell::new(WriteQueue::default()),
            health: RefCell::new(Health::default()),
            writer_running: Cell::new(false),
            backoff: RefCell::new(None),
            stopped: Cell::new(false),
            flush_waiters: RefCell::new(Vec::new()),
            clear_waiters: RefCell::new(Vec::new()),
            in_flight: RefCell::new(None),
            abandoned: Cell::new(false),
            other_tabs: Cell::new(false),
            leaving: Cell::new(false),
            unload_coming: Cell::new(false),
            written: Cell::new(0),
            written_at_exit: Cell::new(None),
            reads: RefCell::new(FxHashMap::default()),
            batch: ReadBatch::default(),
            budget,
            quick,
            maker,
            prefix_units,
            calls: Cell::new(0),
            late: RefCell::new(LateWrites::default()),
            cleared_at: Cell::new(f64::NEG_INFINITY),
        })
    }

    fn storage_key(&self, hash: &str) -> String {
        self.ns.key(hash)
    }

    fn count_call(&self) {
        self.calls.set(self.calls.get() + 1);
    }

    /// Tells the user, once per outage (or once per bad entry): `onStorageError`, or
    /// one console warning.
    fn report(&self, error: &JsValue, operation: &str, key: &str) {
        match &self.opts.on_error {
            Some(f) => {
                let _ = f.call3(
                    &JsValue::UNDEFINED,
                    error,
                    &JsValue::from_str(operation),
                    &JsValue::from_str(key),
                );
            }
            None => super::console::warn(
                &text(&[
                    "stackquery: storage ",
                    operation,
                    " failed; continuing without L2 until it recovers",
                ]),
                key,
                error,
            ),
        }
    }

    fn failed(&self, error: &JsValue, operation: &str, key: &str) {
        let new_outage = self.health.borrow_mut().on_failure(now());
        if new_outage {
            self.report(error, operation, key);
        }
    }

    // ---- writes ----

    /// Queues data for L2 and wakes the writer.
    pub fn put(self: &Rc<Self>, hash: &str, entry: Entry) {
        if self.stopped.get() {
            return;
        }
        self.queue.borrow_mut().put(hash, entry);
        self.wake_writer();
        self.write_if_leaving();
    }

    /// Queues the removal of a key made at `version` (see [`Entry::removed`]).
    pub fn remove(self: &Rc<Self>, hash: &str, version: Version) {
        let entry = Entry {
            data: JsValue::UNDEFINED,
            updated_at: version.at,
            is_invalidated: false,
            rev: version.rev,
            removed: true,
        };
        self.put(hash, entry);
    }

    /// Whether writes are applied in the order tabs agree on: where the storage can
    /// (IndexedDB), once another tab of this namespace has been heard from. Until then
    /// this tab writes alone, and a batch is one transaction committed at once (no read
    /// first): a page closed right after its last writes keeps them, a log-out included.
    pub fn is_ordered(&self) -> bool {
        self.other_tabs.get() && self.opts.backend.is_ordered()
    }

    /// Whether the batch begun now goes in that order: not while the page is leaving, which
    /// gets no answer to the order's reads, and writes as a tab alone does.
    fn writes_in_order(&self) -> bool {
        self.is_ordered() && !self.leaving.get()
    }

    /// Another tab of this namespace exists: writes go in order from now on.
    pub fn meet_other_tabs(&self) {
        self.other_tabs.set(true);
    }

    /// Queues the deletion of an unusable entry of a key from L2 (where the storage
    /// keeps the order, only while it still is unusable).
    pub fn delete(self: &Rc<Self>, hash: &str) {
        if self.stopped.get() {
            return;
        }
        self.queue.borrow_mut().delete(hash);
        self.wake_writer();
        self.write_if_leaving();
    }

    /// A write made while the page is leaving (in a `pagehide` listener that runs after
    /// this module's, say) would wait behind the batch in flight, which a closing page may
    /// never see finish: it is written the way [`Persister::flush_for_unload`] writes,
    /// once the code that made it is done (a microtask later: one write for a loop of them).
    fn write_if_leaving(self: &Rc<Self>) {
        if !self.leaving.get() || self.unload_coming.replace(true) {
            return;
        }
        let this = self.clone();
        super::promise::spawn(async move {
            read_batch::after_this_turn().await;
            this.flush_for_unload();
        });
    }

    /// Whether a write or delete of `hash` is queued or being written.
    pub fn has_pending(&self, hash: &str) -> bool {
        self.queue.borrow().pending(hash).is_some()
    }

    pub fn is_idle(&self) -> bool {
        self.queue.borrow().is_idle()
    }

    /// When `clear()` was last called (`-Infinity`: never).
    pub fn cleared_at(&self) -> f64 {
        self.cleared_at.get()
    }

    /// Queues the removal of this client's whole namespace: every entry it holds, those
    /// of earlier sessions included (`l1_hashes`: what L1 held, also removed where the
    /// storage keeps an index, in case an older version wrote them unlisted). The
    /// promise resolves once the namespace is empty and rejects with the storage's
    /// error if that attempt failed (it is tried again after the back-off).
    pub fn clear(self: &Rc<Self>, l1_hashes: Vec<String>) -> Promise {
        if let Some(known) = self.index.borrow_mut().as_mut() {
            merge(known, l1_hashes);
        }
        self.cleared_at.set(now());
        self.queue.borrow_mut().clear();
        let mut settle = None;
        let done = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
        if let Some(s) = settle {
            self.clear_waiters.borrow_mut().push(s);
        }
        self.flush_now();
        self.write_if_leaving();
        done
    }

    /// Re-queues a clear that another tab made (no caller waits for it).
    pub fn clear_again(self: &Rc<Self>) {
        self.cleared_at.set(now());
        self.queue.borrow_mut().clear();
        self.wake_writer();
        self.write_if_leaving();
    }

    fn wake_writer(self: &Rc<Self>) {
        if self.writer_running.replace(true) {
            return;
        }
        super::promise::spawn(self.clone().write_loop());
    }

    /// Resolves when every write issued so far has been tried (written, or failed and
    /// kept for retry after the back-off).
    pub fn flush(self: &Rc<Self>) -> Promise {
        if self.queue.borrow().is_idle() {
            return Promise::resolve(&JsValue::UNDEFINED);
        }
        let mut resolver = None;
        let p = Promise::new(&mut |resolve, _| resolver = Some(resolve));
        if let Some(r) = resolver {
            self.flush_waiters.borrow_mut().push(r);
        }
        self.flush_now();
        p
    }

    /// Writes what is queued now, even while backing off (a flush, a clear, the page
    /// being hidden or unloaded, the process about to exit). The batch is issued
    /// before the current task ends.
    pub fn flush_now(self: &Rc<Self>) {
        if self.queue.borrow().is_idle() {
            return;
        }
        self.health.borrow_mut().probe_now(now());
        let sleeping = self.backoff.borrow().clone();
        if let Some(sleep) = sleeping {
            sleep.wake();
        }
        self.wake_writer();
    }

    /// The page is being unloaded (`pagehide`). A batch still being written to IndexedDB
    /// may never complete (its cross-tab order check needs a read whose answer a closing
    /// page never gets; a lone tab's store may be folding records, which reads too), and
    /// what is queued behind it would only be issued after it. So an ordered batch under
    /// way is aborted, and it and what is queued are written now, in one committed
    /// transaction of their own, without the order's check: these are this tab's newest
    /// writes (a queued clear replaces the batch's writes, which came before it). It all
    /// stays queued as well, written again to the same effect if the page lives on (the
    /// back-forward cache). IndexedDB runs a store's readwrite transactions in the order
    /// they were created, so the order per key holds.
    ///
    /// Until the next task the page counts as leaving: batches then go without the order's
    /// reads (with another tab open too), and later writes are written at once
    /// ([`Persister::write_if_leaving`]). A page that stays runs that task.
    pub fn flush_for_unload(self: &Rc<Self>) {
        if !self.leaving.replace(true) {
            let this = Rc::downgrade(self);
            let stayed = super::promise::once_fn(move || {
                if let Some(p) = this.upgrade() {
                    p.leaving.set(false);
                }
            });
            timer::start(stayed.unchecked_ref(), 0.0, true);
        }
        // A write made meanwhile (by a `toJSON` whose envelope is made here) goes to the
        // writer: writing it here again would run that `toJSON` again, without end.
        self.unload_coming.set(true);
        self.write_for_unload();
        self.unload_coming.set(false);
    }

    /// [`Persister::flush_for_unload`]'s write: what is in flight and what is queued, in one
    /// committed transaction, when a batch is in flight or a clear is queued (a clear alone
    /// would first delete, or read the order, and write the batch's puts a task later). What
    /// is only queued, the writer issues at once, without reads while the page is leaving.
    fn write_for_unload(self: &Rc<Self>) {
        self.flush_now();
        let in_flight_or_clear = {
            let queue = self.queue.borrow();
            queue.is_writing() || queue.clear_queued()
        };
        if !self.opts.backend.is_ordered() || !in_flight_or_clear {
            return;
        }
        // Copied out of the queue first: making their envelopes runs user code (`toJSON`),
        // which may write to the client, and so to the queue.
        let (queued_clear, queued): (bool, Vec<(String, Op<Entry>)>) = {
            let queue = self.queue.borrow();
            let (clear, queued) = queue.queued();
            let queued = queued.into_iter().map(|(h, op)| (h.to_owned(), op.clone()));
            (clear, queued.collect())
        };
        let (mut ops, mut order): (Vec<WriteOp>, Vec<Order>) = (Vec::new(), Vec::new());
        let mut clear = queued_clear;
        if let (false, Some(batch)) = (queued_clear, &*self.in_flight.borrow()) {
            clear = batch.clear_first;
            ops.extend(batch.ops.iter().cloned());
            order.extend(batch.order.iter().copied());
        }
        let queued: Vec<(&str, &Op<Entry>)> =
            queued.iter().map(|(h, op)| (h.as_str(), op)).collect();
        let (queued_ops, queued_order) = self.write_ops(&queued, now(), false);
        ops.extend(queued_ops);
        order.extend(queued_order);
        let greatest = greatest(&order);
        if ops.is_empty() && !clear {
            return;
        }
        let (prefix, cleared_at) = (
            self.ns.prefix().to_owned(),
            clear.then(|| self.cleared_at.get()),
        );
        let backend = self.opts.backend.clone();
        if backend.abandon_ordered(self.ns.prefix()) {
            self.abandoned.set(true);
        }
        super::promise::spawn(async move {
            let written = backend.write_at_unload(&prefix, cleared_at, &ops, greatest);
            let _ = JsFuture::from(written).await;
        });
    }

    /// The process is about to exit with nothing left to run: writes still pending
    /// (waiting out a back-off, say) are tried once more. Each try keeps the process
    /// alive while it runs; when one makes no progress the process may exit.
    pub fn flush_before_exit(self: &Rc<Self>) {
        let written = self.written.get();
        if self.queue.borrow().is_idle()
            || self.written_at_exit.replace(Some(written)) == Some(written)
        {
            return;
        }
        self.flush_now();
    }

    /// `dispose()`: nothing new is queued; what was queued before (a `clear()` at
    /// log-out above all) is still written, unless storage is failing.
    pub fn stop(self: &Rc<Self>) {
        self.stopped.set(true);
        let sleeping = self.backoff.borrow_mut().take();
        if let Some(sleep) = sleeping {
            sleep.wake(); // a disposed client does not wait out an outage
        }
        self.flush_now();
    }

    fn resolve_flushes(&self) {
        let waiters = std::mem::take(&mut *self.flush_waiters.borrow_mut());
        for w in waiters {
            let _ = w.call0(&JsValue::UNDEFINED);
        }
    }

    /// Tells `clear()` callers how their clear went.
    fn settle_clears(waiters: Vec<(Function, Function)>, outcome: &Result<(), JsValue>) {
        for (resolve, reject) in waiters {
            let _ = match outcome {
                Ok(()) => resolve.call0(&JsValue::UNDEFINED),
                Err(e) => reject.call1(&JsValue::UNDEFINED, e),
            };
        }
    }

    /// The writer: one batch at a time until the queue is empty; waits out back-offs.
    async fn write_loop(self: Rc<Self>) {
        // Let the current task finish queueing (a loop of setQueryData is one batch).
        let _ = JsFuture::from(Promise::resolve(&JsValue::UNDEFINED)).await;
        loop {
            let wait = {
                let h = self.health.borrow();
                h.retry_at()
                    .filter(|_| !h.available(now()))
                    .map(|at| at - now())
            };
            if let Some(ms) = wait {
                if self.stopped.get() {
                    break; // disposed while storage is failing: give up
                }
                let sleep = Rc::new(Sleep::background(ms));
                *self.backoff.borrow_mut() = Some(sleep.clone());
                sleep.done().await;
                self.backoff.borrow_mut().take();
                continue;
            }
            let Some(batch) = self.queue.borrow_mut().take_batch() else {
                break;
            };
            let clears = match batch.clear_first {
                true => std::mem::take(&mut *self.clear_waiters.borrow_mut()),
                false => Vec::new(),
            };
            let (failed, outcome, abandoned) = match self.write_batch(batch).await {
                Ok(()) => (None, Ok(()), false),
                Err((batch, e, abandoned)) => (Some(batch), Err(e), abandoned),
            };
            if abandoned {
                // Aborted for the page's unload, which wrote the clear itself; queued again
                // with the batch (a page kept by the back-forward cache lives on): its callers
                // hear of that write, not of the abort.
                let mut waiters = self.clear_waiters.borrow_mut();
                let later = std::mem::replace(&mut *waiters, clears);
                waiters.extend(later);
            } else {
                Self::settle_clears(clears, &outcome);
            }
            let succeeded = failed.is_none();
            self.queue.borrow_mut().settle(failed);
            if !succeeded || self.queue.borrow().is_idle() {
                self.resolve_flushes();
            }
            if !succeeded && self.queue.borrow().is_idle() {
                break;
            }
        }
        self.writer_running.set(false);
        self.resolve_flushes();
    }

    /// Writes one batch; gives it back, with the error, when it failed (and whether it was
    /// abandoned for the page's unload: [`Persister::flush_for_unload`]).
    async fn write_batch(
        self: &Rc<Self>,
        batch: Batch<Entry>,
    ) -> Result<(), (Batch<Entry>, JsValue, bool)> {
        let all: Vec<(&str, &Op<Entry>)> =
            batch.ops.iter().map(|(h, op)| (h.as_str(), op)).collect();
        let (ops, order) = self.write_ops(&all, now(), true);
        let order = Rc::new(order);
        let ops = Rc::new(ops);
        *self.in_flight.borrow_mut() = Some(InFlight {
            clear_first: batch.clear_first,
            ops: ops.clone(),
            order: order.clone(),
        });
        let hashes: Vec<String> = batch.ops.iter().map(|(h, _)| h.clone()).collect();
        let label = match ops.iter().all(|o| matches!(o, WriteOp::Delete { .. })) {
            true => "delete",
            false => "set",
        };
        // Which step failed names the operation reported.
        let result = async {
            if batch.clear_first {
                self.clear_namespace().await.map_err(|e| ("clear", e))?;
            }
            self.index_new_hashes(&batch)
                .await
                .map_err(|e| ("set", e))?;
            // A full store is tried once more after evicting the oldest entries.
            let mut evicted = false;
            loop {
                if ops.is_empty() {
                    return Ok(());
                }
                self.count_call();
                let Err(e) = self.write_bounded(&ops, &order, &hashes, label).await else {
                    return Ok(());
                };
                if evicted
                    || error_name(&e).as_deref() != Some("QuotaExceededError")
                    || !self.evict_oldest().await
                {
                    return Err((label, e));
                }
                evicted = true;
                // The store was full: say so, even when the retry succeeds.
                if let Some((h, _)) = batch.ops.first() {
                    self.report(&e, label, &self.storage_key(h));
                }
            }
        }
        .await;
        self.in_flight.borrow_mut().take();
        match result {
            Ok(()) => {
                // An abort asked for at unload that came too late to stop it.
                self.abandoned.set(false);
                self.health.borrow_mut().on_success();
                self.written.set(self.written.get().wrapping_add(1));
                if self.budget.borrow().is_some() {
                    self.keep_within_budget(&ops, batch.clear_first).await;
                }
                let mut late = self.late.borrow_mut();
                if !late.outstanding.is_empty() {
                    let LateWrites { outstanding, since } = &mut *late;
                    if batch.clear_first {
                        // After a clear (log-out) what lands late must be deleted again.
                        for hash in outstanding.keys() {
                            since.insert(hash.clone(), Op::Delete);
                        }
                    }
                    for (hash, op) in &batch.ops {
                        if outstanding.contains_key(hash) {
                            since.insert(hash.clone(), op.clone());
                        }
                    }
                }
                Ok(())
            }
            Err((operation, e)) => {
                let key = match batch.ops.first() {
                    Some((h, _)) if operation != "clear" => self.storage_key(h),
                    _ => self.ns.entries(),
                };
                // Abandoned for the page's unload: not a storage failure.
                let abandoned = self.abandoned.replace(false);
                if !abandoned {
                    self.failed(&e, operation, &key);
                }
                Err((batch, e, abandoned))
            }
        }
    }

    /// What storage is told to do for each op of a batch, and where each stands in the
    /// order. Data JSON cannot hold, or too large, is not persisted (said once per write
    /// when `report`), and the key's older entry is removed so a reload cannot bring it
    /// back. The puts' envelopes are made in one call ([`EnvelopeMaker`]).
    fn write_ops(
        &self,
        ops: &[(&str, &Op<Entry>)],
        now: f64,
        report: bool,
    ) -> (Vec<WriteOp>, Vec<Order>) {
        let mut unwrapped = Unwrapped::default();
        for &(hash, op) in ops {
            if let Op::Put(e) = op {
                if !e.removed {
                    let expires = expires_at(e.updated_at, self.opts.max_age);
                    unwrapped.push(
                        hash,
                        &e.data,
                        e.updated_at,
                        expires,
                        e.rev,
                        e.is_invalidated,
                    );
                }
            }
        }
        let mut made = self.maker.make(unwrapped);
        ops.iter()
            .map(|&(hash, op)| {
                let key = self.storage_key(hash);
                let entry = match op {
                    Op::Delete => return (WriteOp::Delete { key }, Order::Purge),
                    Op::Put(entry) => entry,
                };
                let version = Version::new(entry.updated_at, entry.rev);
                if entry.removed {
                    return (WriteOp::Delete { key }, Order::Remove(version));
                }
                match made.next() {
                    Ok((value, bytes)) => (
                        WriteOp::Put {
                            key,
                            value,
                            bytes,
                            ttl_seconds: ttl_seconds(
                                expires_at(entry.updated_at, self.opts.max_age),
                                now,
                            ),
                        },
                        Order::Put(State::Data {
                            version,
                            invalidated: entry.is_invalidated,
                        }),
                    ),
                    Err((operation, e)) => {
                        if report {
                            self.report(&e, operation, &key);
                        }
                        (WriteOp::Delete { key }, Order::Remove(version))
                    }
                }
            })
            .unzip()
    }

    /// Deletes every entry of the namespace: by prefix where the storage lists keys,
    /// else every hash its index lists (and the index itself).
    async fn clear_namespace(&self) -> Result<(), JsValue> {
        let (backend, ms) = (&self.opts.backend, self.opts.timeout_ms);
        if self.index.borrow().is_none() && !self.writes_in_order() {
            self.count_call();
            return backend
                .delete_prefix(&self.ns.entries(), ms)
                .await
                .map(drop);
        }
        if self.index.borrow().is_none() {
            self.count_call();
            let cleared_at = self.cleared_at.get();
            return backend
                .clear_in_order(self.ns.prefix(), cleared_at, ms)
                .await
                .map(drop);
        }
        let index_key = self.ns.index_key();
        let mut hashes = self.stored_index(&index_key, ms).await?;
        merge(&mut hashes, self.index.borrow().iter().flatten().cloned());
        let mut ops: Vec<WriteOp> = hashes
            .iter()
            .map(|h| WriteOp::Delete {
                key: self.ns.key(h),
            })
            .collect();
        ops.push(WriteOp::Delete { key: index_key });
        self.count_call();
        bounded(&backend.write(&ops, None), ms, "clear").await?;
        if let Some(known) = self.index.borrow_mut().as_mut() {
            known.clear();
        }
        Ok(())
    }

    /// The hashes the stored index lists (none when there is no index yet).
    /// Its read has `left` ms of `storageTimeout`.
    async fn stored_index(&self, index_key: &str, left: f64) -> Result<Hashes, JsValue> {
        self.count_call();
        let read = self.opts.backend.get(index_key);
        let stored = bounded_within(&read, left, self.opts.timeout_ms, "get").await?;
        Ok(stored
            .as_string()
            .map(|text| decode_index(&text))
            .unwrap_or_default())
    }

    /// Where the storage keeps an index, makes sure it lists every hash this batch puts,
    /// before the entries are written. The stored index is read each time rather than
    /// trusted from memory: another client may have cleared it (a log-out elsewhere) or
    /// be adding to it now. After a rewrite it is read again, and rewritten while a
    /// hash of ours is missing from it (another writer's rewrite raced ours), a few
    /// times at most.
    async fn index_new_hashes(&self, batch: &Batch<Entry>) -> Result<(), JsValue> {
        if self.index.borrow().is_none() {
            return Ok(());
        }
        let puts: Vec<&String> = batch
            .ops
            .iter()
            .filter(|(_, op)| matches!(op, Op::Put(_)))
            .map(|(h, _)| h)
            .collect();
        if puts.is_empty() {
            return Ok(());
        }
        let index_key = self.ns.index_key();
        for _ in 0..INDEX_ATTEMPTS {
            let mut all = self.stored_index(&index_key, self.opts.timeout_ms).await?;
            let missing: Vec<String> = puts
                .iter()
                .filter(|h| !holds(&all, h))
                .map(|h| (*h).clone())
                .collect();
            if missing.is_empty() {
                break;
            }
            merge(&mut all, missing);
            let op = WriteOp::Put {
                key: index_key.clone(),
                value: JsValue::from_str(&encode_index(&all)),
                bytes: 0, // not an entry: no budget counts it
                ttl_seconds: None,
            };
            self.count_call();
            bounded(
                &self.opts.backend.write(std::slice::from_ref(&op), None),
                self.opts.timeout_ms,
                "set",
            )
            .await?;
            if let Some(known) = self.index.borrow_mut().as_mut() {
                merge(known, all); // what clear() deletes besides the stored index
            }
        }
        Ok(())
    }

    /// One batch write, bounded by `storageTimeout`. A write given up on keeps running
    /// and is watched (see [`LateWrites`]).
    async fn write_bounded(
        self: &Rc<Self>,
        ops: &[WriteOp],
        order: &[Order],
        hashes: &[String],
        label: &str,
    ) -> Result<(), JsValue> {
        let backend = &self.opts.backend;
        let call = match self.writes_in_order() {
            true => backend.write_in_order(
                ops,
                &Ordered {
                    prefix: self.ns.prefix(),
                    buster: &self.opts.buster,
                    now: now(),
                    order,
                },
            ),
            false => backend.write(ops, greatest(order).map(|v| (self.ns.prefix(), v))),
        };
        match bounded(&call, self.opts.timeout_ms, label).await {
            Ok(_) => Ok(()),
            Err(e) => {
                if is_timeout(&e) {
                    self.watch_late(hashes.to_vec(), call);
                }
                Err(e)
            }
        }
    }

    /// Waits for a given-up write to settle, then writes again what was written for
    /// its keys in the meantime (unless newer writes of them are queued anyway).
    fn watch_late(self: &Rc<Self>, hashes: Vec<String>, call: Promise) {
        {
            let mut late = self.late.borrow_mut();
            for h in &hashes {
                *late.outstanding.entry(h.clone()).or_default() += 1;
            }
        }
        let this = self.clone();
        super::promise::spawn(async move {
            let _ = JsFuture::from(call).await;
            let mut again = Vec::new();
            {
                let mut late = this.late.borrow_mut();
                for h in hashes {
                    match late.outstanding.get_mut(&h) {
                        Some(n) if *n > 1 => *n -= 1,
                        _ => {
                            late.outstanding.remove(&h);
                            if let Some(op) = late.since.remove(&h) {
                                again.push((h, op));
                            }
                        }
                    }
                }
            }
            let mut queued = false;
            {
                let mut queue = this.queue.borrow_mut();
                for (h, op) in again {
                    if queue.pending(&h).is_some() {
                        continue; // a newer write of it is on its way
                    }
                    queued = true;
                    match op {
                        Op::Put(entry) => queue.put(&h, entry),
                        Op::Delete => queue.delete(&h),
                    }
                }
            }
            if queued {
                this.wake_writer();
            }
        });
    }

    /// The store is full: drop the oldest quarter of this namespace's entries.
    /// With `persistMaxBytes`, after a batch was written: counts its entries (learning
    /// what the namespace held first, once), then deletes the least recently used
    /// entries past the limit.
    async fn keep_within_budget(self: &Rc<Self>, ops: &[WriteOp], cleared: bool) {
        let load = cleared || !self.budget.borrow().as_ref().is_some_and(|b| b.is_loaded());
        if load {
            let (hashes, values) = if cleared {
                (Vec::new(), js_sys::Array::new())
            } else {
                let listed = self.read_namespace().await;
                (listed.keys, listed.values)
            };
            let stored = hashes.into_iter().zip(values.iter()).map(|(hash, raw)| {
                let text = raw.as_string().unwrap_or_default();
                let at = envelope::decode(&text).map_or(0.0, |d| d.data_updated_at);
                (hash, text.len(), at)
            });
            if let Some(budget) = self.budget.borrow_mut().as_mut() {
                if cleared {
                    *budget = ByteBudget::new(budget.max());
                }
                budget.load(stored);
            }
        }
        let t = now();
        let evict = {
            let mut budget = self.budget.borrow_mut();
            let Some(budget) = budget.as_mut() else {
                return;
            };
            for op in ops {
                match op {
                    WriteOp::Put { key, bytes, .. } => {
                        if let Some(hash) = key.strip_prefix(self.ns.prefix()) {
                            budget.wrote(hash, *bytes, t);
                        }
                    }
                    WriteOp::Delete { key } => {
                        if let Some(hash) = key.strip_prefix(self.ns.prefix()) {
                            budget.removed(hash);
                        }
                    }
                }
            }
            budget.evictions()
        };
        // Deleted here, in the writer's turn (no batch of ours is under way), and
        // unconditionally: an ordered delete would keep an entry that is still usable.
        // One with a write queued is left to that write.
        let ops: Vec<WriteOp> = evict
            .iter()
            .filter(|hash| !self.has_pending(hash))
            .map(|hash| WriteOp::Delete {
                key: self.storage_key(hash),
            })
            .collect();
        if !ops.is_empty() {
            self.count_call();
            let deleted = bounded(
                &self.opts.backend.write(&ops, None),
                self.opts.timeout_ms,
                "delete",
            );
            if let Err(e) = deleted.await {
                self.failed(&e, "delete", &self.ns.entries());
            }
        }
    }

    async fn evict_oldest(&self) -> bool {
        let (backend, ms) = (&self.opts.backend, self.opts.timeout_ms);
        let listed = bounded(&backend.keys(&self.ns.entries()), ms, "keys").await;
        let Some(keys) = listed.ok().as_ref().and_then(listed_keys) else {
            return false;
        };
        // Reading every entry's age is bounded as a whole: a store that hangs here
        // must not stall the writer.
        let Ok(values) = backend.get_each(&keys, ms).await else {
            return false;
        };
        let values: Array = values.unchecked_into();
        let mut aged: Vec<(f64, String)> = keys
            .into_iter()
            .zip(values.iter())
            .map(|(key, value)| {
                let updated = match value.as_string() {
                    Some(text) => envelope::decode(&text)
                        .map(|d| d.data_updated_at)
                        .unwrap_or(0.0),
                    None => 0.0,
                };
                (updated, key)
            })
            .collect();
        if aged.is_empty() {
            return false;
        }
        aged.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let n = aged.len().div_ceil(4);
        let ops: Vec<WriteOp> = aged
            .into_iter()
            .take(n)
            .map(|(_, key)| WriteOp::Delete { key })
            .collect();
        bounded(&backend.write(&ops, None), ms, "delete")
            .await
            .is_ok()
    }

    // ---- reads ----

    /// Reads `hash` from L2 (shared with concurrent readers). `None` on a miss, while
    /// L2 is backing off, when a queued write makes L2 out of date, or on any failure.
    pub async fn read(self: &Rc<Self>, hash: &str) -> Option<Restored> {
        Self::restored(self.start_read(hash)).await
    }

    /// The record a [`Persister::start_read`] promise resolves with.
    pub async fn restored(promise: Promise) -> Option<Restored> {
        let v = JsFuture::from(promise).await.ok()?;
        let a: js_sys::Array = v.dyn_into().ok()?;
        Some(Restored {
            data: a.get(0),
            updated_at: a.get(1).as_f64()?,
            is_invalidated: a.get(2).is_truthy(),
            rev: a.get(3).as_f64().unwrap_or(0.0),
        })
    }

    /// Starts reading `hash` now (or joins the read under way): a promise of the record
    /// as an array `[data, updatedAt, isInvalidated, rev]`, or `undefined`. Many keys'
    /// reads can so be started before the first is awaited.
    pub fn start_read(self: &Rc<Self>, hash: &str) -> Promise {
        let shared = self.reads.borrow().get(hash).cloned();
        match shared {
            Some(p) => p,
            None => {
                let this = self.clone();
                let h = hash.to_owned();
                let p = super::promise::from_future(async move {
                    let out = this.read_now(&h).await;
                    this.reads.borrow_mut().remove(&h);
                    Ok(match out {
                        Some(r) => js_sys::Array::of4(
                            &r.data,
                            &JsValue::from(r.updated_at),
                            &JsValue::from(r.is_invalidated),
                            &JsValue::from(r.rev),
                        )
                        .into(),
                        None => JsValue::UNDEFINED,
                    })
                });
                self.reads.borrow_mut().insert(hash.to_owned(), p.clone());
                p
            }
        }
    }

    /// The stored string, if it is one within `maxEntryBytes` (`Err(None)`: too large,
    /// judged by its length before it is copied or parsed).
    fn bounded_text(&self, raw: &JsValue) -> Result<String, Option<Rejection>> {
        let Some(js) = raw.dyn_ref::<js_sys::JsString>() else {
            return Err(Some(Rejection::Malformed));
        };
        let max = self.opts.max_entry_bytes.unwrap_or(usize::MAX);
        // UTF-8 takes at least one byte per UTF-16 unit: over in units is over in bytes.
        if js.length() as usize > max {
            return Err(None);
        }
        let text = raw.as_string().ok_or(Some(Rejection::Malformed))?;
        if text.len() > max {
            return Err(None);
        }
        Ok(text)
    }

    async fn read_now(self: &Rc<Self>, hash: &str) -> Option<Restored> {
        if self.queue.borrow().pending(hash).is_some() || !self.health.borrow().available(now()) {
            return None;
        }
        let raw = self.batched_get(self.storage_key(hash)).await?;
        self.decode_stored(hash, raw, now())
    }

    /// `key`'s stored value, read with the other cold keys of this turn in one storage
    /// call ([`read_batch`]); `None` when that call failed.
    async fn batched_get(self: &Rc<Self>, key: String) -> Option<JsValue> {
        let (batch, index) = self.batch.join(key, |keys| {
            let this = self.clone();
            super::promise::from_future(async move {
                read_batch::after_this_turn().await;
                let keys = this.batch.close(&keys);
                this.count_call();
                let read = this.opts.backend.get_many(&keys);
                match bounded(&read, this.opts.timeout_ms, "get").await {
                    Ok(values) => {
                        this.health.borrow_mut().on_success();
                        Ok(values)
                    }
                    Err(e) => {
                        this.failed(&e, "get", keys.first().map_or("", String::as_str));
                        Ok(JsValue::UNDEFINED)
                    }
                }
            })
        });
        read_batch::value_at(batch, index).await
    }

    /// Every stored entry of the namespace, read in one pass (for the bulk restore): its
    /// keys as hashes (the namespace's prefix cut off), and the raw values in the same
    /// order; a storage that cannot list keys is read through the namespace index. Empty
    /// while L2 is backing off or when the read fails.
    pub async fn read_namespace(self: &Rc<Self>) -> Listed {
        let none = || Listed::of(Vec::new(), Array::new());
        if !self.health.borrow().available(now()) {
            return none();
        }
        // Bounded by `storageTimeout` as a whole: each call has what is left of it.
        let read = async {
            self.count_call();
            let (backend, ms) = (&self.opts.backend, self.opts.timeout_ms);
            let deadline = now() + ms;
            let left = || (deadline - now()).max(0.0);
            let entries = backend.entries(&self.ns.entries());
            let entries = bounded_within(&entries, left(), ms, "get").await?;
            if let Some(entries) = listed_entries(&entries) {
                return Ok(entries);
            }
            let hashes = self.stored_index(&self.ns.index_key(), left()).await?;
            let keys: Vec<String> = hashes.iter().map(|h| self.storage_key(h)).collect();
            let values = bounded_within(&backend.get_many(&keys), left(), ms, "get").await?;
            Ok(Listed::of(keys, values.unchecked_into()))
        };
        match read.await {
            Ok(mut listed) => {
                self.health.borrow_mut().on_success();
                // Hashes, not storage keys: every key listed starts with the namespace
                // (storage_calls.js leaves out any other; one would be an empty hash).
                let prefix = self.ns.prefix();
                for key in listed.keys.iter_mut() {
                    match key.starts_with(prefix) {
                        true => drop(key.drain(..prefix.len())),
                        false => key.clear(),
                    }
                }
                listed
            }
            Err(e) => {
                self.failed(&e, "get", &self.ns.entries());
                none()
            }
        }
    }

    /// Reads the `picked` entries of a namespace listing (see [`Persister::decode_stored`]):
    /// the quick way in one call, the rest the exact way. Each with its query key.
    pub fn decode_listed(
        self: &Rc<Self>,
        listed: &Listed,
        picked: &[u32],
        t: f64,
    ) -> Vec<Option<(Restored, JsValue)>> {
        let counting = self.budget.borrow().is_some();
        let quick = self.quick.read(
            &listed.values,
            &listed.js_keys,
            picked,
            self.prefix_units,
            counting,
        );
        let mut decoded = Vec::with_capacity(picked.len());
        for (j, &i) in picked.iter().enumerate() {
            let hash = listed.keys.get(i as usize).map_or("", String::as_str);
            let one = match quick.get(j) {
                Some(q) => {
                    let key = q.key.clone();
                    self.settle_read(hash, Ok(q), t).map(|r| (r, key))
                }
                None => {
                    let raw = listed.values.get(i);
                    self.decode_exactly(hash, raw, t).and_then(|r| {
                        let key = json_slice::parse_from(&listed.js_keys.get(i), self.prefix_units);
                        Some((r, key.ok()?))
                    })
                }
            };
            decoded.push(one);
        }
        decoded
    }

    /// The exact read of a stored value (what the quick read leaves): a UTF-8 copy of
    /// it, checked by [`envelope::read`] (not yet for expiry), and its data parsed.
    fn read_exactly(&self, hash: &str, raw: &JsValue) -> Result<QuickRead, Option<Rejection>> {
        let text = self.bounded_text(raw)?;
        // Expiry is judged by the caller, for both reads: read as at the dawn of time.
        let d = envelope::read(&text, hash, &self.opts.buster, f64::NEG_INFINITY).map_err(Some)?;
        let data = json_slice::parse_part(raw, &text, d.data_json)
            .map_err(|_| Some(Rejection::Malformed))?;
        Ok(QuickRead {
            data,
            key: JsValue::UNDEFINED,
            updated_at: d.data_updated_at,
            is_invalidated: d.is_invalidated,
            expires_at: d.expires_at,
            rev: d.rev,
            bytes: text.len(),
        })
    }

    /// What a stored value holds for `hash`: its data when it is an envelope of this
    /// key and buster that has not expired. Anything else is a miss, and an unusable
    /// entry is deleted (and reported). `t`: the time now.
    pub fn decode_stored(self: &Rc<Self>, hash: &str, raw: JsValue, t: f64) -> Option<Restored> {
        let counting = self.budget.borrow().is_some();
        let values = Array::of1(&raw);
        let keys = Array::of1(&JsValue::from_str(hash));
        match self.quick.read(&values, &keys, &[0], 0, counting).get(0) {
            Some(q) => self.settle_read(hash, Ok(q), t),
            None => self.decode_exactly(hash, raw, t),
        }
    }

    /// [`Persister::decode_stored`] the exact way.
    fn decode_exactly(self: &Rc<Self>, hash: &str, raw: JsValue, t: f64) -> Option<Restored> {
        if raw.is_undefined() || raw.is_null() {
            return None;
        }
        let read = self.read_exactly(hash, &raw);
        self.settle_read(hash, read, t)
    }

    /// A read judged: its data when it has not expired at `t` (and the budget told of
    /// it); a miss otherwise, the entry deleted unless something newer is queued for it,
    /// and reported when it was corrupt or too large.
    fn settle_read(
        self: &Rc<Self>,
        hash: &str,
        read: Result<QuickRead, Option<Rejection>>,
        t: f64,
    ) -> Option<Restored> {
        let mut stamped_at = f64::NEG_INFINITY;
        let mut stored_bytes = 0;
        let restored = read.and_then(|q| {
            stored_bytes = q.bytes;
            stamped_at = q.updated_at;
            if t >= q.expires_at || t.is_nan() {
                return Err(Some(Rejection::Expired));
            }
            let updated_at = trusted_updated_at(q.updated_at, q.expires_at, t, self.opts.max_age)
                .ok_or(Some(Rejection::Expired))?;
            Ok(Restored {
                data: q.data,
                updated_at,
                is_invalidated: q.is_invalidated,
                rev: q.rev,
            })
        });
        match restored {
            Ok(r) => {
                if let Some(budget) = self.budget.borrow_mut().as_mut() {
                    budget.read(hash, stored_bytes, t);
                }
                if r.updated_at < stamped_at {
                    // Stamped in the future: stored again as written now, so it ages.
                    self.put(
                        hash,
                        Entry {
                            data: r.data.clone(),
                            updated_at: r.updated_at,
                            is_invalidated: r.is_invalidated,
                            rev: r.rev,
                            removed: false,
                        },
                    );
                }
                Some(r)
            }
            Err(rejection) => {
                let said = match rejection {
                    Some(Rejection::Malformed) => "a corrupt L2 entry was found and deleted",
                    None => "an L2 entry larger than maxEntryBytes was deleted unread",
                    Some(_) => "",
                };
                if !said.is_empty() {
                    let key = self.storage_key(hash);
                    let e = js_sys::Error::new(&text(&["stackquery: ", said, ": ", &key]));
                    self.report(&e.into(), "get", &key);
                }
                // A miss, and deleted — unless something newer is already queued for it.
                if self.queue.borrow().pending(hash) != Some(Pending::Put) {
                    self.delete(hash);
                }
                None
            }
        }
    }
}
