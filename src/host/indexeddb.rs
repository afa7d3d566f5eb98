//! [`IndexedDbStorage`]: the Rust face's L2 in IndexedDB, through web-sys.
//!
//! The same layout as the JS package's `IndexedDbStorage`: database `stackquery`, object
//! store `queries`, the envelope text under its string key. (The JS package also keeps
//! bookkeeping records under array keys, for the order tabs agree on; a string key
//! range never covers them, and this store leaves them alone.) The database is opened
//! on first use and shared by clones; a failed or closed connection is opened again on
//! the next call, and one that another tab wants to upgrade is closed. Where there is
//! no `indexedDB` (Node) every call fails, and the client runs from memory.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Event, IdbDatabase, IdbFactory, IdbKeyRange, IdbObjectStore, IdbOpenDbRequest, IdbRequest,
    IdbTransaction, IdbTransactionMode,
};

use super::js_util::{global_property, storage_error};
use crate::engine::{LocalBoxFuture, Storage, StorageError, StorageWrite};

/// L2 in an IndexedDB object store. Clones share one connection.
#[derive(Clone)]
pub struct IndexedDbStorage {
    inner: Rc<Inner>,
}

struct Inner {
    db_name: String,
    store_name: String,
    db: Rc<RefCell<Option<IdbDatabase>>>,
}

impl Default for IndexedDbStorage {
    fn default() -> Self {
        IndexedDbStorage::new()
    }
}

impl IndexedDbStorage {
    /// Database `stackquery`, object store `queries` (the JS package's defaults).
    pub fn new() -> IndexedDbStorage {
        IndexedDbStorage::with_names("stackquery", "queries")
    }

    /// Another database and object store (created when missing).
    pub fn with_names(db_name: &str, store_name: &str) -> IndexedDbStorage {
        IndexedDbStorage {
            inner: Rc::new(Inner {
                db_name: db_name.to_owned(),
                store_name: store_name.to_owned(),
                db: Rc::new(RefCell::new(None)),
            }),
        }
    }
}

/// A promise of `req`'s success. Its handlers are installed now: make it in the same
/// task as the request, before any await (a request whose events fire with no handler
/// installed is never heard of).
fn settled(req: &IdbRequest) -> JsFuture {
    JsFuture::from(Promise::new(&mut |resolve, reject| {
        req.set_onsuccess(Some(&resolve));
        req.set_onerror(Some(&reject));
    }))
}

/// A request's result, once it succeeds.
async fn request(req: &IdbRequest) -> Result<JsValue, JsValue> {
    settled(req).await?;
    req.result()
}

/// Resolves when `tx` commits, rejects when it fails or aborts.
async fn committed(tx: &IdbTransaction) -> Result<(), JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onerror(Some(&reject));
        tx.set_onabort(Some(&reject));
    });
    JsFuture::from(promise).await.map(|_| ())
}

/// The error a failed transaction or request carries, rather than its event.
fn failure(tx: &IdbTransaction, event: JsValue) -> JsValue {
    match tx.error() {
        Some(e) => e.into(),
        None => event,
    }
}

/// A readwrite transaction with `durability: 'strict'` (what a flush resolved is on
/// disk); web-sys has no stable binding for the option, so it goes through `Reflect`.
fn write_transaction(db: &IdbDatabase, store: &str) -> Result<IdbTransaction, JsValue> {
    let transaction: Function = Reflect::get(db, &JsValue::from_str("transaction"))?.dyn_into()?;
    let options = js_sys::Object::new();
    Reflect::set(&options, &"durability".into(), &"strict".into())?;
    let tx = transaction.call3(db, &JsValue::from_str(store), &"readwrite".into(), &options)?;
    tx.dyn_into()
}

impl Inner {
    /// The open connection, opening it first if needed.
    async fn db(&self) -> Result<IdbDatabase, JsValue> {
        if let Some(db) = self.db.borrow().clone() {
            return Ok(db);
        }
        let factory: IdbFactory = global_property("indexedDB")
            .ok_or_else(|| JsValue::from_str("IndexedDB is not available here"))?;
        let mut db = self.open(&factory, None).await?;
        if !db.object_store_names().contains(&self.store_name) {
            // The database exists without our store: a version up creates it.
            let version = db.version() as u32 + 1;
            db.close();
            db = self.open(&factory, Some(version)).await?;
        }
        // Another tab asking for a newer version must not wait for this connection.
        let cached = self.db.clone();
        let on_version_change = Closure::<dyn FnMut(Event)>::new(move |_| {
            if let Some(db) = cached.borrow_mut().take() {
                db.close();
            }
        });
        db.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
        on_version_change.forget(); // lives as long as the connection
        *self.db.borrow_mut() = Some(db.clone());
        Ok(db)
    }

    async fn open(
        &self,
        factory: &IdbFactory,
        version: Option<u32>,
    ) -> Result<IdbDatabase, JsValue> {
        let req: IdbOpenDbRequest = match version {
            Some(v) => factory.open_with_u32(&self.db_name, v)?,
            None => factory.open(&self.db_name)?,
        };
        let store = self.store_name.clone();
        let upgrade = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            let db = event
                .target()
                .and_then(|t| t.dyn_into::<IdbRequest>().ok())
                .and_then(|r| r.result().ok())
                .and_then(|r| r.dyn_into::<IdbDatabase>().ok());
            if let Some(db) = db {
                if !db.object_store_names().contains(&store) {
                    let _ = db.create_object_store(&store);
                }
            }
        });
        req.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
        let outcome = request(&req).await;
        req.set_onupgradeneeded(None);
        drop(upgrade);
        outcome?.dyn_into()
    }

    fn forget_connection(&self) {
        if let Some(db) = self.db.borrow_mut().take() {
            db.close();
        }
    }

    /// The store in a new transaction of `mode`.
    async fn store(
        &self,
        mode: IdbTransactionMode,
    ) -> Result<(IdbTransaction, IdbObjectStore), JsValue> {
        let db = self.db().await?;
        let tx = match mode {
            IdbTransactionMode::Readwrite => write_transaction(&db, &self.store_name),
            _ => db.transaction_with_str(&self.store_name),
        };
        let tx = match tx {
            Ok(tx) => tx,
            Err(e) => {
                // A closed connection (another tab upgraded, the browser closed it).
                self.forget_connection();
                return Err(e);
            }
        };
        let store = tx.object_store(&self.store_name)?;
        Ok((tx, store))
    }

    async fn get_many(&self, keys: &[String]) -> Result<Vec<Option<String>>, JsValue> {
        let (_tx, store) = self.store(IdbTransactionMode::Readonly).await?;
        // Every request is made before any is awaited: one transaction, run in a row.
        let mut requests = Vec::with_capacity(keys.len());
        for k in keys {
            let req = store.get(&JsValue::from_str(k))?;
            let done = settled(&req);
            requests.push((req, done));
        }
        let mut values = Vec::with_capacity(requests.len());
        for (req, done) in requests {
            done.await?;
            values.push(req.result()?.as_string());
        }
        Ok(values)
    }

    async fn write(&self, batch: &[StorageWrite]) -> Result<(), JsValue> {
        let (tx, store) = self.store(IdbTransactionMode::Readwrite).await?;
        for op in batch {
            let made = match op {
                StorageWrite::Put { key, value, .. } => {
                    store.put_with_key(&JsValue::from_str(value), &JsValue::from_str(key))
                }
                StorageWrite::Delete { key } => store.delete(&JsValue::from_str(key)),
            };
            if let Err(e) = made {
                let _ = tx.abort();
                return Err(e);
            }
        }
        committed(&tx).await.map_err(|event| failure(&tx, event))
    }

    async fn keys(&self, prefix: &str) -> Result<Vec<String>, JsValue> {
        let (_tx, store) = self.store(IdbTransactionMode::Readonly).await?;
        // Every string that starts with `prefix` sorts between it and prefix + U+FFFF
        // (IndexedDB compares strings by UTF-16 code unit).
        let upper = format!("{prefix}\u{FFFF}");
        let range = IdbKeyRange::bound(&JsValue::from_str(prefix), &JsValue::from_str(&upper))?;
        let found = request(&store.get_all_keys_with_key(&range)?).await?;
        let keys: Array = found.dyn_into()?;
        Ok(keys.iter().filter_map(|k| k.as_string()).collect())
    }
}

impl Storage for IndexedDbStorage {
    fn get(&self, key: String) -> LocalBoxFuture<'static, Result<Option<String>, StorageError>> {
        let inner = self.inner.clone();
        Box::pin(async move {
            let mut values = inner
                .get_many(std::slice::from_ref(&key))
                .await
                .map_err(|e| storage_error("IndexedDB read failed", &e))?;
            Ok(values.pop().flatten())
        })
    }

    fn get_many(
        &self,
        keys: Vec<String>,
    ) -> LocalBoxFuture<'static, Result<Vec<Option<String>>, StorageError>> {
        let inner = self.inner.clone();
        Box::pin(async move {
            inner
                .get_many(&keys)
                .await
                .map_err(|e| storage_error("IndexedDB read failed", &e))
        })
    }

    fn write(&self, batch: Vec<StorageWrite>) -> LocalBoxFuture<'static, Result<(), StorageError>> {
        let inner = self.inner.clone();
        Box::pin(async move {
            inner
                .write(&batch)
                .await
                .map_err(|e| storage_error("IndexedDB write failed", &e))
        })
    }

    fn keys(&self, prefix: String) -> LocalBoxFuture<'static, Result<Vec<String>, StorageError>> {
        let inner = self.inner.clone();
        Box::pin(async move {
            inner
                .keys(&prefix)
                .await
                .map_err(|e| storage_error("IndexedDB key listing failed", &e))
        })
    }
}
