//! `IndexedDbStorage`: L2 in IndexedDB, through web-sys directly.
//!
//! Requests become promises by installing the promise's own `resolve`/`reject` as
//! their handlers, so no Rust closure is made per request. A write batch is one
//! readwrite transaction whose completion alone is awaited (a client's batch has one
//! Rust handler for the reads it makes, bound to each; see below).
//! (rexie was measured first: +48 KB raw / +22 KB gzip of wasm for a minimal use, and
//! it awaits each request of a batch in turn.) The database is opened lazily, once;
//! a failed or closed connection is reopened on the next call. `indexedDB` is looked
//! up on the global object, so this works in pages and workers; where it is missing
//! (Node) every call fails and the client carries on without L2.
//!
//! Tabs share the store, so a client's batches are written in the order the tabs agree
//! on ([`crate::core::persist::order`]): in one readwrite transaction each op first
//! reads what is stored (the requests of a transaction run one after another, and other
//! transactions on the store wait, so the read and the write are one step) and is
//! applied only if it does not lose to it. Beside the entries (string keys) live two
//! kinds of records under array keys, which no string key range of a namespace covers:
//! `["removed", key]`, a tombstone `[at, rev]` left by a removal so that older data
//! cannot be written after it, and `["order", prefix]`, the namespace's last clear
//! (before which nothing is written any more) and the greatest version written to it.
//! An op newer than that is written without reading its key, so a tab writing alone, or
//! after the others, pays one read per transaction, not one per op. A tombstone is
//! kept for [`TOMBSTONE_MS`]: the first ordered batch of a namespace in a session sweeps
//! older ones (a write held up longer than that in another tab is no race any more).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Event, IdbDatabase, IdbFactory, IdbKeyRange, IdbObjectStore, IdbOpenDbRequest, IdbRequest,
    IdbTransaction, IdbTransactionMode,
};

use super::{register, storage_class, Backend, Order, Ordered, StorageBackend, WriteOp};
use crate::bindings::errors::type_error;
use crate::bindings::options::{expect_object, get};
use crate::core::persist::envelope;
use crate::core::persist::namespace::entries_under;
use crate::core::persist::order::{supersedes, survives_clear, State, Version};
use crate::host::idb_requests::{commit, completion, request, write_transaction};

pub struct IndexedDb {
    db_name: String,
    store_name: String,
    /// The open connection (a promise of the open request's success event).
    connection: RefCell<Option<Promise>>,
    /// Namespaces whose expired tombstones have been swept (once per instance).
    swept: RefCell<Vec<String>>,
    /// The ordered transaction under way, if any (see [`IndexedDb::abandon_ordered`]).
    /// Ordered transactions under way, with the namespace (`${keyPrefix}:`) of each
    /// (one storage may serve clients of several prefixes).
    ordered: RefCell<Vec<(String, IdbTransaction)>>,
}

/// Deletes the entries whose keys start with `entries`, and their tombstones (left by
/// ordered removals: they hold keys too).
fn delete_entries(store: &IdbObjectStore, entries: &str) -> Result<(), JsValue> {
    store.delete(&IndexedDb::prefix_range(entries)?.into())?;
    store.delete(&tombstones_of(entries)?.into())?;
    Ok(())
}

/// Issues each put and delete of `ops` on `store`.
fn put_and_delete(store: &IdbObjectStore, ops: &[WriteOp]) -> Result<(), JsValue> {
    for op in ops {
        match op {
            WriteOp::Put { key, value, .. } => {
                store.put_with_key(&JsValue::from_str(value), &JsValue::from_str(key))?
            }
            WriteOp::Delete { key } => store.delete(&JsValue::from_str(key))?,
        };
    }
    Ok(())
}

impl IndexedDb {
    /// `database/store`: what tabs sharing this storage have in common.
    pub fn name(&self) -> String {
        format!("{}/{}", self.db_name, self.store_name)
    }

    pub fn new(db_name: String, store_name: String) -> IndexedDb {
        IndexedDb {
            db_name,
            store_name,
            connection: RefCell::new(None),
            swept: RefCell::new(Vec::new()),
            ordered: RefCell::new(Vec::new()),
        }
    }

    /// Aborts the ordered transactions of namespace `prefix` under way, if any: the
    /// page is closing, and such a transaction waits for the answer to a read that a
    /// closing page never gets; the transactions created after it would wait behind it
    /// and be lost with it. `true` when there was one (its batch then fails with an
    /// `AbortError`).
    pub fn abandon_ordered(&self, prefix: &str) -> bool {
        let mine: Vec<IdbTransaction> = {
            let mut ordered = self.ordered.borrow_mut();
            let (mine, others) = std::mem::take(&mut *ordered)
                .into_iter()
                .partition(|(p, _)| p == prefix);
            *ordered = others;
            mine.into_iter().map(|(_, tx)| tx).collect()
        };
        for tx in &mine {
            let _ = tx.abort();
        }
        !mine.is_empty()
    }

    fn factory() -> Result<IdbFactory, JsValue> {
        Reflect::get(&js_sys::global(), &JsValue::from_str("indexedDB"))
            .ok()
            .and_then(|f| f.dyn_into::<IdbFactory>().ok())
            .ok_or_else(|| js_sys::Error::new("IndexedDB is not available in this runtime").into())
    }

    /// Opens the database at `version` (or its current one), creating the store on upgrade.
    async fn open(&self, version: Option<u32>) -> Result<IdbDatabase, JsValue> {
        let factory = Self::factory()?;
        let req: IdbOpenDbRequest = match version {
            Some(v) => factory.open_with_u32(&self.db_name, v)?,
            None => factory.open(&self.db_name)?,
        };
        let store = self.store_name.clone();
        // Runs at most once, synchronously inside the upgrade event.
        let upgrade = Closure::once_into_js(move |event: Event| {
            let db = event
                .target()
                .and_then(|t| t.dyn_into::<IdbOpenDbRequest>().ok())
                .and_then(|r| r.result().ok())
                .and_then(|d| d.dyn_into::<IdbDatabase>().ok());
            if let Some(db) = db {
                if !db.object_store_names().contains(&store) {
                    let _ = db.create_object_store(&store);
                }
            }
        });
        req.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
        let db: IdbDatabase = request(&req.unchecked_into()).await?.dyn_into()?;
        // Let other tabs upgrade the schema: close on their request, reopen on our next call.
        let closer = crate::bindings::promise::once_fn({
            let db = db.clone();
            move || db.close()
        });
        db.set_onversionchange(Some(closer.unchecked_ref()));
        Ok(db)
    }

    async fn connect(&self) -> Result<IdbDatabase, JsValue> {
        let db = self.open(None).await?;
        if db.object_store_names().contains(&self.store_name) {
            return Ok(db);
        }
        // The database exists without our store: a version bump creates it.
        let next = db.version() as u32 + 1;
        db.close();
        self.open(Some(next)).await
    }

    /// The connection being opened, or open (started now if there is none).
    fn connection(&self) -> Promise {
        let existing = self.connection.borrow().clone();
        match existing {
            Some(p) => p,
            None => {
                let this = IndexedDb::new(self.db_name.clone(), self.store_name.clone());
                let p = crate::bindings::promise::from_future(async move {
                    this.connect().await.map(JsValue::from)
                });
                *self.connection.borrow_mut() = Some(p.clone());
                p
            }
        }
    }

    /// Starts opening the database now, where there is IndexedDB: the first write then
    /// need not wait for it, and a page closed right after its first writes keeps them
    /// (an open still pending when a page goes never completes).
    pub fn open_early(&self) {
        if Self::factory().is_ok() {
            let ignore = Closure::once_into_js(|_: JsValue| {});
            crate::bindings::promise::handle(&self.connection(), ignore.unchecked_ref());
        }
    }

    async fn database(&self) -> Result<IdbDatabase, JsValue> {
        match JsFuture::from(self.connection()).await {
            Ok(db) => Ok(db.unchecked_into()),
            Err(e) => {
                self.forget_connection();
                Err(e)
            }
        }
    }

    fn forget_connection(&self) {
        *self.connection.borrow_mut() = None;
    }

    /// A store in a new transaction; a dead connection is dropped so the next call reopens.
    /// Writes are `durability: 'strict'`: a write transaction completes once its data is
    /// on disk, so what `flush()` resolved survives a crash of the system too, not only
    /// of the page (browsers' default, 'relaxed' in Chromium and Firefox, completes
    /// before). Measured in headless Chromium here (`www/bench/durability.mjs`): no
    /// slower than the default, the write batches being few and off the main thread.
    async fn store(
        &self,
        mode: IdbTransactionMode,
    ) -> Result<(IdbTransaction, IdbObjectStore), JsValue> {
        let db = self.database().await?;
        let opened = match mode {
            IdbTransactionMode::Readwrite => write_transaction(&db, &self.store_name),
            _ => db.transaction_with_str_and_mode(&self.store_name, mode),
        };
        let tx = match opened {
            Ok(tx) => tx,
            Err(e) => {
                self.forget_connection();
                return Err(e);
            }
        };
        let store = tx.object_store(&self.store_name)?;
        Ok((tx, store))
    }

    fn prefix_range(prefix: &str) -> Result<IdbKeyRange, JsValue> {
        IdbKeyRange::bound(
            &JsValue::from_str(prefix),
            &JsValue::from_str(&format!("{prefix}\u{ffff}")),
        )
    }
}

/// How long a tombstone is kept: a day.
pub const TOMBSTONE_MS: f64 = 86_400_000.0;

/// The key of the tombstone of entry `key`.
fn tombstone_key(key: &str) -> JsValue {
    Array::of2(&JsValue::from_str("removed"), &JsValue::from_str(key)).into()
}

/// The key of namespace `prefix`'s order record.
fn record_key(prefix: &str) -> JsValue {
    Array::of2(&JsValue::from_str("order"), &JsValue::from_str(prefix)).into()
}

/// A namespace's order record: `[clearedAt, maxAt, maxRev]`, the time of its last clear
/// and the greatest version written to it by an ordered batch (an upper bound of every
/// version it stores, entries and tombstones).
#[derive(Clone, Copy)]
struct Record {
    cleared_at: f64,
    max: Option<Version>,
}

impl Record {
    fn read(stored: &JsValue) -> Record {
        let number = |i: u32| {
            stored
                .dyn_ref::<Array>()
                .and_then(|a| a.get(i).as_f64())
                .filter(|n| n.is_finite())
        };
        Record {
            cleared_at: number(0).unwrap_or(f64::NEG_INFINITY),
            max: number(1)
                .zip(number(2))
                .map(|(at, rev)| Version::new(at, rev)),
        }
    }

    fn value(&self) -> JsValue {
        let (at, rev) = self.max.map_or((f64::NAN, f64::NAN), |v| (v.at, v.rev));
        let cleared = Some(self.cleared_at).filter(|c| c.is_finite());
        Array::of3(
            &cleared.map_or(JsValue::NULL, JsValue::from),
            &at.into(),
            &rev.into(),
        )
        .into()
    }

    /// Whether `v` is newer than everything the namespace may hold: then it wins
    /// without a look at what is stored.
    fn newer_than_all(&self, v: Version) -> bool {
        self.max.is_none_or(|m| v.compare(&m).is_gt())
    }
}

/// The result of the request an event was fired at.
fn result_of(event: &Event) -> JsValue {
    event
        .target()
        .and_then(|t| t.dyn_into::<IdbRequest>().ok())
        .and_then(|r| r.result().ok())
        .unwrap_or(JsValue::UNDEFINED)
}

/// What the store holds for an op's key, as the order sees it.
enum Held {
    /// An entry a reader would use, a tombstone, or nothing.
    Usable(State),
    /// An entry a reader would reject and delete (corrupt, foreign, expired, another
    /// buster): anything may replace it.
    Unusable,
}

/// One ordered op of a batch being written.
struct Planned {
    key: String,
    key_js: JsValue,
    /// The envelope, for a put.
    value: Option<JsValue>,
    order: Order,
}

/// Which read a result answers.
const RECORD: u32 = 0;
const ENTRY: u32 = 1;
const TOMBSTONE: u32 = 2;
/// The keys, then the values, of the namespace's tombstones (the sweep).
const SWEEP_KEYS: u32 = 3;
const SWEEP_VALUES: u32 = 4;

/// An ordered batch in its transaction. The namespace's record is read first; an op
/// newer than everything the namespace may hold is written at once, any other reads
/// its key (and, with no entry there, its tombstone) and is written only if it wins.
/// The reads' results arrive, in the order they were issued, at `on_result`.
struct OrderedBatch {
    tx: IdbTransaction,
    store: IdbObjectStore,
    prefix: String,
    buster: String,
    now: f64,
    ops: Vec<Planned>,
    /// A clear of the namespace made at this time (the batch then has no ops).
    clearing: Option<f64>,
    record: Cell<Record>,
    /// `on_result` itself, to be bound to each request.
    handler: RefCell<Option<Function>>,
    /// The first request that could not be issued (the transaction is then aborted).
    error: RefCell<Option<JsValue>>,
    /// The tombstone keys read by the sweep, until their values come.
    swept_keys: RefCell<Option<Array>>,
    /// Reads issued and not yet answered: at none, every request of the batch has been
    /// issued, and the transaction is committed at once.
    unanswered: Cell<u32>,
}

/// The range of namespace `prefix`'s tombstones.
/// The tombstones of namespace `prefix` (`${keyPrefix}:`), and of no other's.
fn tombstone_range(prefix: &str) -> Result<IdbKeyRange, JsValue> {
    tombstones_of(&entries_under(prefix))
}

/// The tombstones of the entries whose keys start with `entries`.
fn tombstones_of(entries: &str) -> Result<IdbKeyRange, JsValue> {
    IdbKeyRange::bound(
        &tombstone_key(entries),
        &tombstone_key(&format!("{entries}\u{ffff}")),
    )
}

impl OrderedBatch {
    /// Reads the namespace's tombstones, to delete those older than [`TOMBSTONE_MS`].
    fn sweep(&self) -> Result<(), JsValue> {
        let range: JsValue = tombstone_range(&self.prefix)?.into();
        let handler = self.handler.borrow();
        let Some(f) = handler.as_ref() else {
            return Ok(());
        };
        for (req, stage) in [
            (self.store.get_all_keys_with_key(&range)?, SWEEP_KEYS),
            (self.store.get_all_with_key(&range)?, SWEEP_VALUES),
        ] {
            let bound = f.bind2(&JsValue::NULL, &0.into(), &stage.into());
            req.set_onsuccess(Some(bound.unchecked_ref()));
            self.unanswered.set(self.unanswered.get() + 1);
        }
        Ok(())
    }

    fn on_swept(&self, stage: u32, result: JsValue) -> Result<(), JsValue> {
        if stage == SWEEP_KEYS {
            *self.swept_keys.borrow_mut() = result.dyn_into::<Array>().ok();
            return Ok(());
        }
        let (Some(keys), Ok(values)) = (
            self.swept_keys.borrow_mut().take(),
            result.dyn_into::<Array>(),
        ) else {
            return Ok(());
        };
        for (key, value) in keys.iter().zip(values.iter()) {
            if let State::Removed { version } = tombstone(&value) {
                if version.at + TOMBSTONE_MS < self.now {
                    self.store.delete(&key)?;
                }
            }
        }
        Ok(())
    }

    /// Reads `key`; its result comes back to `on_result(index, stage)`.
    fn read(&self, key: &JsValue, index: u32, stage: u32) -> Result<(), JsValue> {
        let req = self.store.get(key)?;
        self.unanswered.set(self.unanswered.get() + 1);
        let handler = self.handler.borrow();
        if let Some(f) = handler.as_ref() {
            let bound = f.bind2(&JsValue::NULL, &index.into(), &stage.into());
            req.set_onsuccess(Some(bound.unchecked_ref()));
        }
        Ok(())
    }

    fn on_result(&self, index: u32, stage: u32, event: &Event) {
        if self.error.borrow().is_some() {
            return;
        }
        let result = result_of(event);
        let outcome = match (stage, self.ops.get(index as usize)) {
            (RECORD, _) => self.start(Record::read(&result)),
            (SWEEP_KEYS | SWEEP_VALUES, _) => self.on_swept(stage, result),
            (ENTRY, Some(op)) if result.is_undefined() => match op.order {
                Order::Purge => Ok(()), // already gone
                // No entry: is there a tombstone?
                _ => self.read(&tombstone_key(&op.key), index, TOMBSTONE),
            },
            (ENTRY, Some(op)) => self.apply(op, self.judge(op, &result), false),
            (_, Some(op)) => self.apply(op, Held::Usable(tombstone(&result)), true),
            (_, None) => Ok(()),
        };
        if let Err(e) = outcome {
            let mut error = self.error.borrow_mut();
            if error.is_none() {
                *error = Some(e);
                let _ = self.tx.abort();
            }
            return;
        }
        let left = self.unanswered.get().saturating_sub(1);
        self.unanswered.set(left);
        if left == 0 {
            commit(&self.tx);
        }
    }

    /// With the namespace's record: writes what is newer than anything it may hold,
    /// reads the keys of the rest.
    fn start(&self, record: Record) -> Result<(), JsValue> {
        if let Some(at) = self.clearing {
            // Emptied: nothing stored; the clear time only moves forward.
            let record = Record {
                cleared_at: record.cleared_at.max(at),
                max: None,
            };
            self.store
                .put_with_key(&record.value(), &record_key(&self.prefix))?;
            return Ok(());
        }
        self.record.set(record);
        let mut newest = record.max;
        for (i, op) in self.ops.iter().enumerate() {
            let version = match op.order {
                Order::Put(new) => new.version(),
                Order::Remove(v) => Some(v),
                Order::Purge => None,
            };
            match version {
                Some(v) if record.newer_than_all(v) => {
                    self.apply(op, Held::Usable(State::Nothing), false)?;
                    if newest.is_none_or(|n| v.compare(&n).is_gt()) {
                        newest = Some(v);
                    }
                }
                _ => self.read(&op.key_js, i as u32, ENTRY)?,
            }
        }
        if newest != record.max {
            let record = Record {
                max: newest,
                ..record
            };
            self.store
                .put_with_key(&record.value(), &record_key(&self.prefix))?;
        }
        Ok(())
    }

    /// A stored entry, judged as a reader of this namespace would.
    fn judge(&self, op: &Planned, stored: &JsValue) -> Held {
        let Some(text) = stored.as_string() else {
            return Held::Unusable;
        };
        let hash = op.key.strip_prefix(&self.prefix).unwrap_or(&op.key);
        match envelope::read(&text, hash, &self.buster, self.now) {
            Ok(d) => Held::Usable(State::Data {
                version: Version::new(d.data_updated_at, d.rev),
                invalidated: d.is_invalidated,
            }),
            Err(_) => Held::Unusable,
        }
    }

    /// Writes what `op` makes of the key, if it wins over `held`; `read_tombstone`:
    /// `held` is the key's tombstone (there is no entry).
    fn apply(&self, op: &Planned, held: Held, read_tombstone: bool) -> Result<(), JsValue> {
        let cleared_at = self.record.get().cleared_at;
        let wins = |new: &State| match held {
            Held::Unusable => true,
            Held::Usable(h) => supersedes(new, &h),
        };
        match op.order {
            Order::Put(new) => {
                let at = new.version().map_or(f64::NEG_INFINITY, |v| v.at);
                if wins(&new) && survives_clear(at, cleared_at) {
                    if let Some(value) = &op.value {
                        self.store.put_with_key(value, &op.key_js)?;
                    }
                    if matches!(held, Held::Usable(State::Removed { .. })) {
                        self.store.delete(&tombstone_key(&op.key))?;
                    }
                }
            }
            Order::Remove(version) => {
                if wins(&State::Removed { version }) {
                    if !read_tombstone {
                        self.store.delete(&op.key_js)?;
                    }
                    if survives_clear(version.at, cleared_at) {
                        let stamp = Array::of2(&version.at.into(), &version.rev.into());
                        self.store.put_with_key(&stamp, &tombstone_key(&op.key))?;
                    }
                }
            }
            Order::Purge => {
                if matches!(held, Held::Unusable) {
                    self.store.delete(&op.key_js)?;
                }
            }
        }
        Ok(())
    }
}

/// A stored tombstone `[at, rev]`; anything else is no tombstone.
fn tombstone(stored: &JsValue) -> State {
    let Some(pair) = stored.dyn_ref::<Array>() else {
        return State::Nothing;
    };
    match (pair.get(0).as_f64(), pair.get(1).as_f64()) {
        (Some(at), Some(rev)) if at.is_finite() && rev.is_finite() => State::Removed {
            version: Version::new(at, rev),
        },
        _ => State::Nothing,
    }
}

impl IndexedDb {
    /// A batch in the order tabs agree on (see the module documentation and
    /// [`OrderedBatch`]), in one readwrite transaction.
    pub async fn write_in_order(
        &self,
        ops: &[WriteOp],
        ordered: &Ordered<'_>,
    ) -> Result<(), JsValue> {
        if ordered.order.len() != ops.len() {
            return self.write(ops).await; // not a batch of ours: as it is
        }
        let planned = ops
            .iter()
            .zip(ordered.order)
            .map(|(op, order)| {
                let (key, value) = match op {
                    WriteOp::Put { key, value, .. } => (key, Some(JsValue::from_str(value))),
                    WriteOp::Delete { key } => (key, None),
                };
                Planned {
                    key: key.clone(),
                    key_js: JsValue::from_str(key),
                    value,
                    order: *order,
                }
            })
            .collect();
        self.run(ordered, planned, None).await
    }

    /// Deletes namespace `prefix` (`${keyPrefix}:`: its entries and tombstones, not
    /// those of prefixes that extend it) and records `at` as its
    /// last clear, so that data written before `at` and landing later is refused.
    pub async fn clear_in_order(&self, prefix: &str, at: f64) -> Result<(), JsValue> {
        let ordered = Ordered {
            prefix,
            buster: "",
            now: at,
            order: &[],
        };
        self.run(&ordered, Vec::new(), Some(at)).await
    }

    /// Runs an ordered batch (or a clear) in one readwrite transaction.
    async fn run(
        &self,
        ordered: &Ordered<'_>,
        ops: Vec<Planned>,
        clearing: Option<f64>,
    ) -> Result<(), JsValue> {
        let (tx, store) = self.store(IdbTransactionMode::Readwrite).await?;
        self.ordered
            .borrow_mut()
            .push((ordered.prefix.to_owned(), tx.clone()));
        let batch = Rc::new(OrderedBatch {
            tx: tx.clone(),
            store: store.clone(),
            prefix: ordered.prefix.to_owned(),
            buster: ordered.buster.to_owned(),
            now: ordered.now,
            ops,
            clearing,
            record: Cell::new(Record {
                cleared_at: f64::NEG_INFINITY,
                max: None,
            }),
            handler: RefCell::new(None),
            error: RefCell::new(None),
            swept_keys: RefCell::new(None),
            unanswered: Cell::new(0),
        });
        let handler = Closure::<dyn FnMut(u32, u32, Event)>::new({
            let batch = batch.clone();
            move |index: u32, stage: u32, event: Event| batch.on_result(index, stage, &event)
        });
        *batch.handler.borrow_mut() = Some(handler.as_ref().unchecked_ref::<Function>().clone());
        let issued = (|| -> Result<(), JsValue> {
            if clearing.is_some() {
                delete_entries(&store, &entries_under(ordered.prefix))?;
            } else if !self.swept.borrow().iter().any(|p| p == ordered.prefix) {
                self.swept.borrow_mut().push(ordered.prefix.to_owned());
                batch.sweep()?;
            }
            batch.read(&record_key(ordered.prefix), 0, RECORD)
        })();
        if let Err(e) = issued {
            let _ = tx.abort();
            return Err(e);
        }
        let done = completion(&tx).await;
        self.ordered.borrow_mut().retain(|(_, t)| t != &tx);
        drop(handler);
        let first = batch.error.borrow_mut().take();
        match (done, first) {
            (Ok(()), _) => Ok(()),
            (Err(_), Some(e)) | (Err(e), None) => Err(e),
        }
    }
}

impl IndexedDb {
    /// `getAllKeys` and `getAll` over the prefix's range in one readonly transaction
    /// (both list in key order, so they pair up); only the completion is awaited.
    pub async fn entries(&self, prefix: &str) -> Result<(Vec<String>, Array), JsValue> {
        let (tx, store) = self.store(IdbTransactionMode::Readonly).await?;
        let range: JsValue = Self::prefix_range(prefix)?.into();
        let keys = store.get_all_keys_with_key(&range)?;
        let values = store.get_all_with_key(&range)?;
        completion(&tx).await?;
        let keys: Array = keys.result()?.unchecked_into();
        let keys = keys
            .iter()
            .map(|k| k.as_string().unwrap_or_default())
            .collect();
        Ok((keys, values.result()?.unchecked_into()))
    }
}

impl StorageBackend for IndexedDb {
    async fn get(&self, key: &str) -> Result<JsValue, JsValue> {
        let (_tx, store) = self.store(IdbTransactionMode::Readonly).await?;
        request(&store.get(&JsValue::from_str(key))?).await
    }

    /// One readonly transaction: every get is issued at once, and only the
    /// transaction's completion is awaited (no Rust closure per request).
    async fn get_many(&self, keys: &[String]) -> Result<Array, JsValue> {
        let (tx, store) = self.store(IdbTransactionMode::Readonly).await?;
        let requests = Array::new();
        for key in keys {
            requests.push(store.get(&JsValue::from_str(key))?.as_ref());
        }
        completion(&tx).await?;
        let values = Array::new();
        for request in requests.iter() {
            values.push(&request.unchecked_into::<IdbRequest>().result()?);
        }
        Ok(values)
    }

    async fn write(&self, ops: &[WriteOp]) -> Result<(), JsValue> {
        self.write_after_clear(None, ops).await
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<(), JsValue> {
        self.write_after_clear(Some(prefix), &[]).await
    }

    async fn keys(&self, prefix: &str) -> Result<Option<Vec<String>>, JsValue> {
        let (_tx, store) = self.store(IdbTransactionMode::Readonly).await?;
        let keys =
            request(&store.get_all_keys_with_key(&Self::prefix_range(prefix)?.into())?).await?;
        Ok(Some(
            keys.dyn_into::<Array>()
                .map(|a| a.iter().filter_map(|k| k.as_string()).collect())
                .unwrap_or_default(),
        ))
    }
}

impl IndexedDb {
    /// What a closing page still has to write, in one committed transaction and without
    /// the order's reads (their answers would never come): a clear of namespace `prefix`
    /// (`${keyPrefix}:`) made at `cleared_at`, recorded as an ordered clear is (so that
    /// data from before it written later by another tab is refused), then `ops`.
    pub async fn write_at_unload(
        &self,
        prefix: &str,
        cleared_at: Option<f64>,
        ops: &[WriteOp],
    ) -> Result<(), JsValue> {
        let (tx, store) = self.store(IdbTransactionMode::Readwrite).await?;
        let issued = (|| -> Result<(), JsValue> {
            if let Some(at) = cleared_at {
                delete_entries(&store, &entries_under(prefix))?;
                let record = Record {
                    cleared_at: at,
                    max: None,
                };
                store.put_with_key(&record.value(), &record_key(prefix))?;
            }
            put_and_delete(&store, ops)
        })();
        if let Err(e) = issued {
            let _ = tx.abort();
            return Err(e);
        }
        commit(&tx);
        completion(&tx).await
    }

    /// One committed readwrite transaction: every key starting with `clear_prefix` is
    /// deleted (when given) with its tombstone, then the ops are applied.
    async fn write_after_clear(
        &self,
        clear_prefix: Option<&str>,
        ops: &[WriteOp],
    ) -> Result<(), JsValue> {
        let (tx, store) = self.store(IdbTransactionMode::Readwrite).await?;
        let issued = clear_prefix
            .map_or(Ok(()), |prefix| delete_entries(&store, prefix))
            .and_then(|()| put_and_delete(&store, ops));
        if let Err(e) = issued {
            let _ = tx.abort();
            return Err(e);
        }
        commit(&tx);
        completion(&tx).await
    }
}

/// L2 in IndexedDB: `new IndexedDbStorage({ dbName: 'stackquery', storeName: 'queries' })`.
/// Also usable directly through the storage protocol (`get`, `set`, `delete`, `keys`).
#[wasm_bindgen]
pub struct IndexedDbStorage {
    backend: Rc<Backend>,
    handle: u32,
}

fn name_option(options: &JsValue, name: &'static str, default: &str) -> Result<String, JsValue> {
    let v = get(options, name)?;
    if v.is_undefined() {
        return Ok(default.to_owned());
    }
    match v.as_string() {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(type_error(format!(
            "IndexedDbStorage {name} must be a non-empty string"
        ))),
    }
}

#[wasm_bindgen]
impl IndexedDbStorage {
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<IndexedDbStorage, JsValue> {
        expect_object(&options, "IndexedDbStorage options", true)?;
        let db = IndexedDb::new(
            name_option(&options, "dbName", "stackquery")?,
            name_option(&options, "storeName", "queries")?,
        );
        db.open_early();
        let backend = Rc::new(Backend::IndexedDb(db));
        let handle = register(&backend);
        Ok(IndexedDbStorage { backend, handle })
    }
}

storage_class!(IndexedDbStorage);
