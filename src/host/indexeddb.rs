//! [`IndexedDbStorage`]: the Rust face's L2 in IndexedDB, through web-sys.
//!
//! The same layout as the JS package's `IndexedDbStorage`: database `stackquery`, object
//! store `queries` (out-of-line keys), the envelope text under its string key, so a JS
//! page and a Rust app on one origin share their entries. (The JS package also keeps
//! bookkeeping records under array keys, for the order tabs agree on; the string key
//! ranges used here never cover them, and this store leaves them alone.)
//!
//! The database is opened on first use, once, and the connection is shared by clones
//! (concurrent first calls wait for the same open). A database that exists without the
//! store is opened again one version up, whose upgrade creates it, as the JS package
//! does. A failed open is tried again on the next call; a connection that another tab
//! wants to upgrade is closed (and opened again by the next call), and one the browser
//! closed is opened again. Each call is one transaction: `get_many` one readonly
//! transaction for all its keys, `write` one readwrite transaction (`durability:
//! 'strict'`) for the whole batch, resolved when it commits. Requests resolve through
//! the promise's own `resolve`/`reject`: no Rust closure per request. `indexedDB` is
//! looked up on the global object, so this works in pages and workers; where it is
//! missing (Node, Deno) every call fails, and the client runs from memory.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::{Rc, Weak};

use js_sys::{Array, JsString, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Event, IdbDatabase, IdbFactory, IdbKeyRange, IdbObjectStore, IdbOpenDbRequest, IdbTransaction,
    IdbTransactionMode,
};

use super::idb_requests::{commit, completion, request, write_transaction};
use super::js_util::{global_property, storage_error};
use crate::engine::{LocalBoxFuture, Storage, StorageError, StorageWrite};

/// The JS package's database name.
const DEFAULT_DB_NAME: &str = "stackquery";

/// The JS package's object store name.
const DEFAULT_STORE_NAME: &str = "queries";

/// L2 in an IndexedDB object store: string keys, string values. Clones share one
/// connection.
#[derive(Clone)]
pub struct IndexedDbStorage {
    shared: Rc<Shared>,
}

/// What clones share.
struct Shared {
    db_name: String,
    store_name: String,
    /// The connection being opened or open, if any.
    connection: RefCell<Option<Connection>>,
    /// How many opens were started (numbers them).
    opens: Cell<u32>,
}

/// A connection: a promise of the open database.
#[derive(Clone)]
struct Connection {
    /// Which open made it (a closed connection forgets only itself).
    id: u32,
    db: Promise,
}

impl Default for IndexedDbStorage {
    fn default() -> Self {
        IndexedDbStorage::new()
    }
}

impl fmt::Debug for IndexedDbStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IndexedDbStorage")
            .field("db_name", &self.shared.db_name)
            .field("store_name", &self.shared.store_name)
            .finish()
    }
}

impl IndexedDbStorage {
    /// Database `stackquery`, object store `queries`: the JS package's defaults, so a JS
    /// page and a Rust app on one origin share their entries.
    pub fn new() -> IndexedDbStorage {
        IndexedDbStorage::with_names(DEFAULT_DB_NAME, DEFAULT_STORE_NAME)
    }

    /// Database `db_name`, object store `store_name` (created when missing). Nothing is
    /// opened until the first call.
    pub fn with_names(db_name: &str, store_name: &str) -> IndexedDbStorage {
        IndexedDbStorage {
            shared: Rc::new(Shared {
                db_name: db_name.to_owned(),
                store_name: store_name.to_owned(),
                connection: RefCell::new(None),
                opens: Cell::new(0),
            }),
        }
    }
}

/// Every string key that starts with `prefix`, and no other key: from `prefix` up to,
/// not including, the first string after all of them (`prefix` with its last UTF-16
/// code unit below U+FFFF raised by one; IndexedDB compares strings by code unit). When
/// there is none (an empty prefix, or one of U+FFFF only), up to `[]`, which sorts
/// after every string. Array keys (the JS package's bookkeeping) sort after every
/// string, so no such range reaches them.
fn prefix_range(prefix: &str) -> Result<IdbKeyRange, JsValue> {
    let mut units: Vec<u16> = prefix.encode_utf16().collect();
    while units.last() == Some(&u16::MAX) {
        units.pop();
    }
    let upper: JsValue = match units.last_mut() {
        Some(last) => {
            *last = last.saturating_add(1); // below u16::MAX: never saturates
            JsString::from_char_code(&units).into()
        }
        None => Array::new().into(),
    };
    IdbKeyRange::bound_with_lower_open_and_upper_open(
        &JsValue::from_str(prefix),
        &upper,
        false,
        true,
    )
}

impl Shared {
    fn factory() -> Result<IdbFactory, JsValue> {
        global_property("indexedDB")
            .ok_or_else(|| JsValue::from_str("IndexedDB is not available in this runtime"))
    }

    /// The connection being opened or open; an open is started when there is none.
    fn connection(self: &Rc<Self>) -> Connection {
        if let Some(c) = self.connection.borrow().as_ref() {
            return c.clone();
        }
        let id = self.opens.get().wrapping_add(1);
        self.opens.set(id);
        let shared = Rc::downgrade(self);
        let (db_name, store_name) = (self.db_name.clone(), self.store_name.clone());
        let db = wasm_bindgen_futures::future_to_promise(async move {
            connect(&db_name, &store_name, shared, id)
                .await
                .map(JsValue::from)
        });
        let c = Connection { id, db };
        *self.connection.borrow_mut() = Some(c.clone());
        c
    }

    /// Forgets connection `id` (failed, closed or dead), if it is the current one: the
    /// next call opens another.
    fn forget(&self, id: u32) {
        let mut current = self.connection.borrow_mut();
        if current.as_ref().is_some_and(|c| c.id == id) {
            *current = None;
        }
    }

    /// A new transaction of `mode` on the store. A connection that cannot start one (the
    /// browser or another tab closed it) is forgotten and opened again, once.
    async fn transaction(
        self: &Rc<Self>,
        mode: IdbTransactionMode,
    ) -> Result<(IdbTransaction, IdbObjectStore), JsValue> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let connection = self.connection();
            let db: IdbDatabase = match JsFuture::from(connection.db.clone()).await {
                Ok(db) => db.unchecked_into(),
                Err(e) => {
                    self.forget(connection.id);
                    return Err(e);
                }
            };
            let tx = match mode {
                IdbTransactionMode::Readwrite => write_transaction(&db, &self.store_name),
                _ => db.transaction_with_str_and_mode(&self.store_name, mode),
            };
            match tx {
                Ok(tx) => {
                    let store = tx.object_store(&self.store_name)?;
                    return Ok((tx, store));
                }
                Err(e) => {
                    self.forget(connection.id);
                    db.close();
                    if attempt >= 2 {
                        return Err(e);
                    }
                }
            }
        }
    }

    async fn get_many(self: &Rc<Self>, keys: &[String]) -> Result<Vec<Option<String>>, JsValue> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let (tx, store) = self.transaction(IdbTransactionMode::Readonly).await?;
        // Every get is issued before anything is awaited: one transaction, whose
        // completion alone is awaited.
        let mut requests = Vec::with_capacity(keys.len());
        for key in keys {
            match store.get(&JsValue::from_str(key)) {
                Ok(req) => requests.push(req),
                Err(e) => {
                    let _ = tx.abort();
                    return Err(e);
                }
            }
        }
        completion(&tx).await?;
        requests
            .iter()
            .map(|req| req.result().map(|v| v.as_string()))
            .collect()
    }

    async fn write(self: &Rc<Self>, batch: &[StorageWrite]) -> Result<(), JsValue> {
        if batch.is_empty() {
            return Ok(());
        }
        let (tx, store) = self.transaction(IdbTransactionMode::Readwrite).await?;
        for op in batch {
            let issued = match op {
                StorageWrite::Put { key, value, .. } => store
                    .put_with_key(&JsValue::from_str(value), &JsValue::from_str(key))
                    .map(drop),
                StorageWrite::Delete { key } => store.delete(&JsValue::from_str(key)).map(drop),
            };
            if let Err(e) = issued {
                let _ = tx.abort(); // nothing of the batch is written
                return Err(e);
            }
        }
        commit(&tx);
        completion(&tx).await
    }

    async fn keys(self: &Rc<Self>, prefix: &str) -> Result<Vec<String>, JsValue> {
        let (_tx, store) = self.transaction(IdbTransactionMode::Readonly).await?;
        let range: JsValue = prefix_range(prefix)?.into();
        let found = request(&store.get_all_keys_with_key(&range)?).await?;
        let found: Array = found.dyn_into()?;
        Ok(found
            .iter()
            .filter_map(|k| k.as_string())
            .filter(|k| k.starts_with(prefix))
            .collect())
    }
}

/// Opens database `db_name` with object store `store_name`, as connection `id` of
/// `shared`: at its current version, or one up when the store is missing (the upgrade
/// creates it).
async fn connect(
    db_name: &str,
    store_name: &str,
    shared: Weak<Shared>,
    id: u32,
) -> Result<IdbDatabase, JsValue> {
    let factory = Shared::factory()?;
    let mut db = open(&factory, db_name, store_name, None).await?;
    if !db.object_store_names().contains(store_name) {
        // The database exists without our store: a version up creates it.
        let next = db.version() + 1.0;
        db.close();
        db = open(&factory, db_name, store_name, Some(next)).await?;
    }
    // Another tab asking for a newer version must not wait for this connection: it is
    // closed, and the next call opens the database again. One the browser closed (the
    // user cleared the site's data) is forgotten too.
    let on_close = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
        if let Some(db) = event
            .target()
            .and_then(|t| t.dyn_into::<IdbDatabase>().ok())
        {
            db.close();
        }
        if let Some(shared) = shared.upgrade() {
            shared.forget(id);
        }
    })
    .into_js_value(); // lives as long as the connection (it holds no JS object)
    db.set_onversionchange(Some(on_close.unchecked_ref()));
    db.set_onclose(Some(on_close.unchecked_ref()));
    Ok(db)
}

/// Opens `db_name` at `version` (its current one when `None`); an upgrade creates
/// `store_name` when it is missing.
async fn open(
    factory: &IdbFactory,
    db_name: &str,
    store_name: &str,
    version: Option<f64>,
) -> Result<IdbDatabase, JsValue> {
    let req: IdbOpenDbRequest = match version {
        Some(v) => factory.open_with_f64(db_name, v)?,
        None => factory.open(db_name)?,
    };
    let store = store_name.to_owned();
    // Runs inside the upgrade event, before the open succeeds; dropped after it.
    let upgrade = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
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
    req.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let opened = request(&req).await;
    req.set_onupgradeneeded(None);
    drop(upgrade);
    opened?.dyn_into()
}

impl Storage for IndexedDbStorage {
    fn get(&self, key: String) -> LocalBoxFuture<'static, Result<Option<String>, StorageError>> {
        let shared = self.shared.clone();
        Box::pin(async move {
            let values = shared
                .get_many(std::slice::from_ref(&key))
                .await
                .map_err(|e| storage_error("IndexedDB read failed", &e))?;
            Ok(values.into_iter().next().flatten())
        })
    }

    fn get_many(
        &self,
        keys: Vec<String>,
    ) -> LocalBoxFuture<'static, Result<Vec<Option<String>>, StorageError>> {
        let shared = self.shared.clone();
        Box::pin(async move {
            shared
                .get_many(&keys)
                .await
                .map_err(|e| storage_error("IndexedDB read failed", &e))
        })
    }

    fn write(&self, batch: Vec<StorageWrite>) -> LocalBoxFuture<'static, Result<(), StorageError>> {
        let shared = self.shared.clone();
        Box::pin(async move {
            shared
                .write(&batch)
                .await
                .map_err(|e| storage_error("IndexedDB write failed", &e))
        })
    }

    fn keys(&self, prefix: String) -> LocalBoxFuture<'static, Result<Vec<String>, StorageError>> {
        let shared = self.shared.clone();
        Box::pin(async move {
            shared
                .keys(&prefix)
                .await
                .map_err(|e| storage_error("IndexedDB key listing failed", &e))
        })
    }
}
