//! `IndexedDbStorage`: L2 in IndexedDB, through web-sys directly.
//!
//! Requests become promises by installing the promise's own `resolve`/`reject` as
//! their handlers, so no Rust closure is made per request. A write batch puts and
//! deletes everything in one readwrite transaction and awaits only its completion.
//! (rexie was measured first: +48 KB raw / +22 KB gzip of wasm for a minimal use, and
//! it awaits each request of a batch in turn.) The database is opened lazily, once;
//! a failed or closed connection is reopened on the next call. `indexedDB` is looked
//! up on the global object, so this works in pages and workers; where it is missing
//! (Node) every call fails and the client carries on without L2.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{
    Event, IdbDatabase, IdbFactory, IdbKeyRange, IdbObjectStore, IdbOpenDbRequest, IdbRequest,
    IdbTransaction, IdbTransactionMode,
};

use super::{register, storage_class, Backend, StorageBackend, WriteOp};
use crate::bindings::convert::js_name;
use crate::bindings::errors::type_error;
use crate::bindings::options::{expect_object, get};

pub struct IndexedDb {
    db_name: String,
    store_name: String,
    /// The open connection (a promise of the open request's success event).
    connection: RefCell<Option<Promise>>,
}

/// A promise settled by `target`'s success/error handlers (`resolve`/`reject` themselves).
fn settled_by(install: impl FnOnce(&js_sys::Function, &js_sys::Function)) -> JsFuture {
    let mut install = Some(install);
    JsFuture::from(Promise::new(&mut |resolve, reject| {
        if let Some(f) = install.take() {
            f(&resolve, &reject);
        }
    }))
}

/// Awaits a request; its error is the request's `DOMException`.
async fn request(req: IdbRequest) -> Result<JsValue, JsValue> {
    let done = settled_by(|ok, err| {
        req.set_onsuccess(Some(ok));
        req.set_onerror(Some(err));
    });
    match done.await {
        Ok(_) => req.result(),
        Err(_) => Err(req
            .error()
            .ok()
            .flatten()
            .map(JsValue::from)
            .unwrap_or_else(|| js_sys::Error::new("IndexedDB request failed").into())),
    }
}

/// Awaits a transaction's completion; its error is the transaction's `DOMException`.
async fn completion(tx: &IdbTransaction) -> Result<(), JsValue> {
    let done = settled_by(|ok, err| {
        tx.set_oncomplete(Some(ok));
        tx.set_onerror(Some(err));
        tx.set_onabort(Some(err));
    });
    match done.await {
        Ok(_) => Ok(()),
        Err(_) => Err(tx
            .error()
            .map(JsValue::from)
            .unwrap_or_else(|| js_sys::Error::new("IndexedDB transaction aborted").into())),
    }
}

/// Commits a write transaction now, rather than when the task ends: a page that is
/// being unloaded may not get to the end of its task. Where `commit()` is missing
/// (older browsers) the transaction commits by itself as before.
fn commit(tx: &IdbTransaction) {
    if let Ok(f) = Reflect::get(tx, &js_name("commit")) {
        if let Some(f) = f.dyn_ref::<js_sys::Function>() {
            let _ = f.call0(tx);
        }
    }
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
        }
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
        let db: IdbDatabase = request(req.unchecked_into()).await?.dyn_into()?;
        // Let other tabs upgrade the schema: close on their request, reopen on our next call.
        let closer = Closure::once_into_js({
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
                let p = future_to_promise(async move { this.connect().await.map(JsValue::from) });
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
    async fn store(
        &self,
        mode: IdbTransactionMode,
    ) -> Result<(IdbTransaction, IdbObjectStore), JsValue> {
        let db = self.database().await?;
        let tx = match db.transaction_with_str_and_mode(&self.store_name, mode) {
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

impl StorageBackend for IndexedDb {
    async fn get(&self, key: &str) -> Result<JsValue, JsValue> {
        let (_tx, store) = self.store(IdbTransactionMode::Readonly).await?;
        request(store.get(&JsValue::from_str(key))?).await
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
            request(store.get_all_keys_with_key(&Self::prefix_range(prefix)?.into())?).await?;
        Ok(Some(
            keys.dyn_into::<Array>()
                .map(|a| a.iter().filter_map(|k| k.as_string()).collect())
                .unwrap_or_default(),
        ))
    }
}

impl IndexedDb {
    /// One committed readwrite transaction: every key starting with `clear_prefix` is
    /// deleted (when given), then the ops are applied.
    pub async fn write_after_clear(
        &self,
        clear_prefix: Option<&str>,
        ops: &[WriteOp],
    ) -> Result<(), JsValue> {
        let (tx, store) = self.store(IdbTransactionMode::Readwrite).await?;
        if let Some(prefix) = clear_prefix {
            if let Err(e) = store.delete(&Self::prefix_range(prefix)?.into()) {
                let _ = tx.abort();
                return Err(e);
            }
        }
        for op in ops {
            let issued = match op {
                WriteOp::Put { key, value, .. } => {
                    store.put_with_key(&JsValue::from_str(value), &JsValue::from_str(key))
                }
                WriteOp::Delete { key } => store.delete(&JsValue::from_str(key)),
            };
            if let Err(e) = issued {
                let _ = tx.abort();
                return Err(e);
            }
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
