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
use std::collections::HashMap;
use std::future::Future;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::task::Poll;

use js_sys::{Function, Promise, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};

use super::client::now;
use super::convert::{describe, js_name};
use super::errors::{range_error, type_error};
use super::options::{get, optional_function, read_duration};
use super::storage::{error_name, read_storage, Backend, Order, Ordered, StorageBackend, WriteOp};
use super::timer::Sleep;
use crate::core::persist::envelope::{self, EnvelopeMeta, Rejection};
use crate::core::persist::health::Health;
use crate::core::persist::hydration::{expires_at, ttl_seconds};
use crate::core::persist::order::{State, Version};
use crate::core::persist::write_queue::{Batch, Op, Pending, WriteQueue};
use crate::core::staleness::Duration;

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
    pub backend: Rc<Backend>,
    pub key_prefix: String,
    pub buster: String,
    pub max_age: Duration,
    pub timeout_ms: f64,
    pub on_error: Option<Function>,
    /// Entries larger than this (bytes of the stored string) stay in L1 only.
    pub max_entry_bytes: Option<usize>,
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
                .ok_or_else(|| type_error(format!("{name} must be a string, got {}", describe(&v))))
        };
        let timeout = read_duration(&get(opts, "storageTimeout")?, "storageTimeout")?
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
        let shared_by_tabs = match &*backend {
            Backend::IndexedDb(db) if has_indexed_db => Some(db.name()),
            _ => None,
        };
        let cross_tab = match get(opts, "crossTab")? {
            v if v.is_undefined() => shared_by_tabs,
            v => match v.as_bool() {
                Some(true) => Some(shared_by_tabs.unwrap_or_else(|| "storage".to_owned())),
                Some(false) => None,
                None => {
                    return Err(type_error(format!(
                        "crossTab must be a boolean, got {}",
                        describe(&v)
                    )))
                }
            },
        }
        .map(|storage| format!("stackquery:{storage}:{key_prefix}"));
        Ok(Some(PersistOptions {
            backend,
            cross_tab,
            key_prefix,
            buster: string("buster", "")?,
            max_age: read_duration(&get(opts, "persistMaxAge")?, "persistMaxAge")?
                .unwrap_or(Duration::Millis(86_400_000.0)),
            timeout_ms,
            on_error,
            max_entry_bytes: match read_duration(&get(opts, "maxEntryBytes")?, "maxEntryBytes")? {
                Some(Duration::Millis(n)) if n >= 1.0 => Some(n as usize),
                Some(Duration::Millis(_)) => {
                    return Err(range_error("maxEntryBytes must be at least 1"))
                }
                _ => None,
            },
        }))
    }
}

/// A storage call that took longer than `storageTimeout`.
fn timeout_error(operation: &str, ms: f64) -> JsValue {
    let e = js_sys::Error::new(&format!(
        "stackquery: storage {operation} took longer than storageTimeout ({} ms)",
        ms as u64
    ));
    e.set_name("TimeoutError");
    e.into()
}

/// Runs `fut`, or gives up after `ms`.
async fn bounded<T>(
    fut: impl Future<Output = Result<T, JsValue>>,
    ms: f64,
    operation: &str,
) -> Result<T, JsValue> {
    if !ms.is_finite() {
        return fut.await;
    }
    let sleep = Sleep::new(ms);
    let mut timer = JsFuture::from(sleep.promise.clone());
    let mut fut = pin!(fut);
    let out = std::future::poll_fn(|cx| {
        if let Poll::Ready(v) = fut.as_mut().poll(cx) {
            return Poll::Ready(v);
        }
        if Pin::new(&mut timer).poll(cx).is_ready() {
            return Poll::Ready(Err(timeout_error(operation, ms)));
        }
        Poll::Pending
    })
    .await;
    sleep.cancel();
    out
}

pub struct Persister {
    opts: PersistOptions,
    /// `${keyPrefix}:`
    prefix: String,
    queue: RefCell<WriteQueue<Entry>>,
    health: RefCell<Health>,
    writer_running: Cell<bool>,
    /// The writer's back-off sleep, woken early by `flush()`.
    backoff: RefCell<Option<Rc<Sleep>>>,
    stopped: Cell<bool>,
    flush_waiters: RefCell<Vec<Function>>,
    /// Reads in progress, by hash: concurrent cold readers share one storage call.
    reads: RefCell<HashMap<String, Promise>>,
    /// Storage calls made, by kind (for tests and the benchmark).
    pub calls: Cell<u32>,
    late: RefCell<LateWrites>,
    /// When `clear()` was last called: what was written before is refused after it.
    cleared_at: Cell<f64>,
}

/// Writes given up on after `storageTimeout` that may still land: a hung storage call
/// that settles late, an HTTP request a proxy delivers late. Landing after newer writes
/// of the same keys, one would overwrite them (or bring back a removed key), so their
/// keys are watched until they settle; then whatever was written for those keys
/// meanwhile is written again.
#[derive(Default)]
struct LateWrites {
    /// Keys of unsettled given-up writes, with how many such writes hold each.
    outstanding: HashMap<String, u32>,
    /// The last op written for an outstanding key since.
    since: HashMap<String, Op<Entry>>,
}

impl Persister {
    pub fn new(opts: PersistOptions) -> Rc<Persister> {
        let prefix = format!("{}:", opts.key_prefix);
        Rc::new(Persister {
            opts,
            prefix,
            queue: RefCell::new(WriteQueue::default()),
            health: RefCell::new(Health::default()),
            writer_running: Cell::new(false),
            backoff: RefCell::new(None),
            stopped: Cell::new(false),
            flush_waiters: RefCell::new(Vec::new()),
            reads: RefCell::new(HashMap::new()),
            calls: Cell::new(0),
            late: RefCell::new(LateWrites::default()),
            cleared_at: Cell::new(f64::NEG_INFINITY),
        })
    }

    fn storage_key(&self, hash: &str) -> String {
        format!("{}{hash}", self.prefix)
    }

    /// Tells the user, once per outage (or once per bad entry): `onStorageError`, or
    /// one console warning.
    fn report(&self, error: &JsValue, operation: &str, key: &str) {
        match &self.opts.on_error {
            Some(f) => {
                let _ = f.call3(&JsValue::UNDEFINED, error, &JsValue::from_str(operation), &JsValue::from_str(key));
            }
            None => web_sys::console::warn_3(
                &JsValue::from_str(&format!("stackquery: storage {operation} failed; continuing without L2 until it recovers")),
                &JsValue::from_str(key),
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
        self.queue.borrow_mut().put(hash, entry);
        self.wake_writer();
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

    /// Whether the storage applies writes in the order tabs agree on (IndexedDB).
    pub fn is_ordered(&self) -> bool {
        self.opts.backend.is_ordered()
    }

    /// Queues the deletion of an unusable entry of a key from L2 (where the storage
    /// keeps the order, only while it still is unusable).
    pub fn delete(self: &Rc<Self>, hash: &str) {
        self.queue.borrow_mut().delete(hash);
        self.wake_writer();
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

    /// Queues the removal of this client's whole namespace.
    pub fn clear(self: &Rc<Self>) {
        self.cleared_at.set(now());
        self.queue.borrow_mut().clear();
        self.wake_writer();
    }

    fn wake_writer(self: &Rc<Self>) {
        if self.stopped.get() || self.writer_running.replace(true) {
            return;
        }
        spawn_local(self.clone().write_loop());
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
        // A flush is a reason to try now, even while backing off.
        self.health.borrow_mut().probe_now(now());
        let sleeping = self.backoff.borrow().clone();
        if let Some(sleep) = sleeping {
            sleep.wake();
        }
        self.wake_writer();
        p
    }

    /// Stops the writer after the batch it is writing (`dispose()`).
    pub fn stop(&self) {
        self.stopped.set(true);
        let sleeping = self.backoff.borrow_mut().take();
        if let Some(sleep) = sleeping {
            sleep.wake();
        }
    }

    fn resolve_flushes(&self) {
        let waiters = std::mem::take(&mut *self.flush_waiters.borrow_mut());
        for w in waiters {
            let _ = w.call0(&JsValue::UNDEFINED);
        }
    }

    /// The writer: one batch at a time until the queue is empty; waits out back-offs.
    async fn write_loop(self: Rc<Self>) {
        // Let the current task finish queueing (a loop of setQueryData is one batch).
        let _ = JsFuture::from(Promise::resolve(&JsValue::UNDEFINED)).await;
        while !self.stopped.get() {
            let wait = {
                let h = self.health.borrow();
                h.retry_at()
                    .filter(|_| !h.available(now()))
                    .map(|at| at - now())
            };
            if let Some(ms) = wait {
                let sleep = Rc::new(Sleep::background(ms));
                *self.backoff.borrow_mut() = Some(sleep.clone());
                sleep.done().await;
                self.backoff.borrow_mut().take();
                continue;
            }
            let Some(batch) = self.queue.borrow_mut().take_batch() else {
                break;
            };
            let failed = self.write_batch(batch).await;
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

    /// Writes one batch; gives it back when it failed.
    async fn write_batch(self: &Rc<Self>, batch: Batch<Entry>) -> Option<Batch<Entry>> {
        let t = now();
        let mut ops = Vec::with_capacity(batch.ops.len());
        let mut order = Vec::with_capacity(batch.ops.len());
        for (hash, op) in &batch.ops {
            let key = self.storage_key(hash);
            let version = |e: &Entry| Version::new(e.updated_at, e.rev);
            match op {
                Op::Delete => {
                    ops.push(WriteOp::Delete { key });
                    order.push(Order::Purge);
                }
                Op::Put(entry) if entry.removed => {
                    ops.push(WriteOp::Delete { key });
                    order.push(Order::Remove(version(entry)));
                }
                Op::Put(entry) => match self.encode(hash, entry) {
                    Ok(value) => {
                        let expiry = expires_at(entry.updated_at, self.opts.max_age);
                        ops.push(WriteOp::Put {
                            key,
                            value,
                            ttl_seconds: ttl_seconds(expiry, t),
                        });
                        order.push(Order::Put(State::Data {
                            version: version(entry),
                            invalidated: entry.is_invalidated,
                        }));
                    }
                    // Data JSON cannot hold, or too large, is not persisted (said once per
                    // write), and the key's older entry is removed so a reload cannot bring it back.
                    Err((operation, e)) => {
                        self.report(&e, operation, &key);
                        ops.push(WriteOp::Delete { key });
                        order.push(Order::Remove(version(entry)));
                    }
                },
            }
        }
        let order = Rc::new(order);
        let backend = &self.opts.backend;
        let ops = Rc::new(ops);
        let hashes: Vec<String> = batch.ops.iter().map(|(h, _)| h.clone()).collect();
        let label = match ops.iter().all(|o| matches!(o, WriteOp::Delete { .. })) {
            true => "delete",
            false => "set",
        };
        // Which step failed names the operation reported.
        let result = async {
            if batch.clear_first {
                self.calls.set(self.calls.get() + 1);
                bounded(
                    backend.clear_in_order(&self.prefix, self.cleared_at.get()),
                    self.opts.timeout_ms,
                    "clear",
                )
                .await
                .map_err(|e| ("clear", e))?;
            }
            if !ops.is_empty() {
                self.calls.set(self.calls.get() + 1);
                let written = self.write_bounded(&ops, &order, &hashes, label).await;
                if let Err(e) = &written {
                    if error_name(e).as_deref() == Some("QuotaExceededError")
                        && self.evict_oldest().await
                    {
                        // The store was full: say so, even when the retry succeeds.
                        if let Some((h, _)) = batch.ops.first() {
                            self.report(e, label, &self.storage_key(h));
                        }
                        self.calls.set(self.calls.get() + 1);
                        return self
                            .write_bounded(&ops, &order, &hashes, label)
                            .await
                            .map_err(|e| (label, e));
                    }
                }
                written.map_err(|e| (label, e))?;
            }
            Ok(())
        }
        .await;
        match result {
            Ok(()) => {
                self.health.borrow_mut().on_success();
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
                None
            }
            Err((operation, e)) => {
                let key = match batch.ops.first() {
                    Some((h, _)) if operation != "clear" => self.storage_key(h),
                    _ => self.prefix.clone(),
                };
                self.failed(&e, operation, &key);
                Some(batch)
            }
        }
    }

    /// One batch write, bounded by `storageTimeout`. A write given up on keeps running
    /// and is watched (see [`LateWrites`]).
    async fn write_bounded(
        self: &Rc<Self>,
        ops: &Rc<Vec<WriteOp>>,
        order: &Rc<Vec<Order>>,
        hashes: &[String],
        label: &str,
    ) -> Result<(), JsValue> {
        let backend = self.opts.backend.clone();
        let (owned, order) = (ops.clone(), order.clone());
        let (prefix, buster) = (self.prefix.clone(), self.opts.buster.clone());
        let mut call: Pin<Box<dyn Future<Output = Result<(), JsValue>>>> = Box::pin(async move {
            let ordered = Ordered {
                prefix: &prefix,
                buster: &buster,
                now: now(),
                order: &order,
            };
            backend.write_in_order(&owned, &ordered).await
        });
        let ms = self.opts.timeout_ms;
        if !ms.is_finite() {
            return call.await;
        }
        let sleep = Sleep::new(ms);
        let mut timer = JsFuture::from(sleep.promise.clone());
        let finished = std::future::poll_fn(|cx| {
            if let Poll::Ready(v) = call.as_mut().poll(cx) {
                return Poll::Ready(Some(v));
            }
            if Pin::new(&mut timer).poll(cx).is_ready() {
                return Poll::Ready(None);
            }
            Poll::Pending
        })
        .await;
        sleep.cancel();
        match finished {
            Some(out) => out,
            None => {
                self.watch_late(hashes.to_vec(), call);
                Err(timeout_error(label, ms))
            }
        }
    }

    /// Waits for a given-up write to settle, then writes again what was written for
    /// its keys in the meantime (unless newer writes of them are queued anyway).
    fn watch_late(
        self: &Rc<Self>,
        hashes: Vec<String>,
        call: Pin<Box<dyn Future<Output = Result<(), JsValue>>>>,
    ) {
        {
            let mut late = self.late.borrow_mut();
            for h in &hashes {
                *late.outstanding.entry(h.clone()).or_default() += 1;
            }
        }
        let this = self.clone();
        spawn_local(async move {
            let _ = call.await;
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

    /// The stored string for an entry, or why it cannot be stored: (operation, error).
    fn encode(&self, hash: &str, entry: &Entry) -> Result<String, (&'static str, JsValue)> {
        let json = JSON::stringify(&entry.data).map_err(|e| ("serialize", e))?;
        let data_json: String = json.as_string().ok_or_else(|| {
            (
                "serialize",
                type_error(format!("the data of {hash} cannot be stored as JSON")),
            )
        })?;
        let value = envelope::encode(
            &EnvelopeMeta {
                key_hash: hash,
                buster: &self.opts.buster,
                data_updated_at: entry.updated_at,
                is_invalidated: entry.is_invalidated,
                expires_at: expires_at(entry.updated_at, self.opts.max_age),
                rev: entry.rev,
            },
            &data_json,
        );
        match self.opts.max_entry_bytes {
            Some(max) if value.len() > max => Err((
                "set",
                range_error(format!(
                    "the L2 entry of {hash} would be {} bytes, over maxEntryBytes ({max}); it stays in L1 only",
                    value.len()
                )),
            )),
            _ => Ok(value),
        }
    }

    /// The store is full: drop the oldest quarter of this namespace's entries.
    async fn evict_oldest(&self) -> bool {
        let backend = &self.opts.backend;
        let Ok(Some(keys)) =
            bounded(backend.keys(&self.prefix), self.opts.timeout_ms, "keys").await
        else {
            return false;
        };
        // Reading every entry's age is bounded as a whole: a store that hangs here
        // must not stall the writer.
        let read_ages = async {
            let mut aged = Vec::with_capacity(keys.len());
            for key in keys {
                let updated = match backend.get(&key).await.ok().and_then(|v| v.as_string()) {
                    Some(text) => envelope::decode(&text)
                        .map(|d| d.data_updated_at)
                        .unwrap_or(0.0),
                    None => 0.0,
                };
                aged.push((updated, key));
            }
            Ok(aged)
        };
        let Ok(mut aged) = bounded(read_ages, self.opts.timeout_ms, "get").await else {
            return false;
        };
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
        bounded(backend.write(&ops), self.opts.timeout_ms, "delete")
            .await
            .is_ok()
    }

    // ---- reads ----

    /// Reads `hash` from L2 (shared with concurrent readers). `None` on a miss, while
    /// L2 is backing off, when a queued write makes L2 out of date, or on any failure.
    pub async fn read(self: &Rc<Self>, hash: &str) -> Option<Restored> {
        let shared = self.reads.borrow().get(hash).cloned();
        let promise = match shared {
            Some(p) => p,
            None => {
                let this = self.clone();
                let h = hash.to_owned();
                let p = wasm_bindgen_futures::future_to_promise(async move {
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
        };
        let v = JsFuture::from(promise).await.ok()?;
        let a: js_sys::Array = v.dyn_into().ok()?;
        Some(Restored {
            data: a.get(0),
            updated_at: a.get(1).as_f64()?,
            is_invalidated: a.get(2).is_truthy(),
            rev: a.get(3).as_f64().unwrap_or(0.0),
        })
    }

    async fn read_now(self: &Rc<Self>, hash: &str) -> Option<Restored> {
        if self.queue.borrow().pending(hash).is_some() || !self.health.borrow().available(now()) {
            return None;
        }
        let key = self.storage_key(hash);
        self.calls.set(self.calls.get() + 1);
        let raw = match bounded(self.opts.backend.get(&key), self.opts.timeout_ms, "get").await {
            Ok(v) => {
                self.health.borrow_mut().on_success();
                v
            }
            Err(e) => {
                self.failed(&e, "get", &key);
                return None;
            }
        };
        if raw.is_undefined() || raw.is_null() {
            return None;
        }
        let restored = raw
            .as_string()
            .ok_or(Rejection::Malformed)
            .and_then(|text| {
                let d = envelope::read(&text, hash, &self.opts.buster, now())?;
                let data = JSON::parse(d.data_json).map_err(|_| Rejection::Malformed)?;
                Ok(Restored {
                    data,
                    updated_at: d.data_updated_at,
                    is_invalidated: d.is_invalidated,
                    rev: d.rev,
                })
            });
        match restored {
            Ok(r) => Some(r),
            Err(rejection) => {
                if rejection == Rejection::Malformed {
                    let e = js_sys::Error::new(&format!(
                        "stackquery: a corrupt L2 entry was found and deleted: {key}"
                    ));
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
