// `IndexedDbStorage`: L2 in IndexedDB. The database is opened once, at construction
// (a first write then need not wait for it, and a page closed right after its first
// writes keeps them); a failed or closed connection is reopened on the next call.
// `indexedDB` is looked up on the global object, so this works in pages and workers;
// where it is missing (Node) every call fails and the client carries on without L2.
// Write transactions are `durability: 'strict'`: one completes once its data is on disk,
// so what `flush()` resolved survives a crash of the system too, not only of the page
// (measured in headless Chromium, `www/bench/durability.mjs`: no slower than the
// default, the write batches being few and off the main thread).
//
// Tabs share the store, so a client's batches are written in the order the tabs agree
// on (src/core/persist/order.rs; the engine's `__storedVersion` and `__supersedes` judge
// for this file, inside the transaction): in one readwrite transaction each op first
// reads what is stored (the requests of a transaction run one after another, and other
// transactions on the store wait, so the read and the write are one step) and is
// applied only if it does not lose to it. Beside the entries (string keys) live two
// kinds of records under array keys, which no string key range of a namespace covers:
// `["removed", key]`, a tombstone `[at, rev]` left by a removal so that older data
// cannot be written after it, and `["order", prefix]`, the namespace's last clear
// (before which nothing is written any more) and the greatest version written to it.
// An op newer than that is written without reading its key, so a tab writing alone, or
// after the others, pays one read per transaction, not one per op. A tab writing alone
// (`__writeBatch`, and a closing page's `__writeAtUnload`) reads nothing first, so it
// cannot raise that record: it puts `["raised", prefix, id]`, the newest version this
// storage object has written to the namespace (`id` its own), unread, and the next
// ordered batch of any tab folds those into the record and deletes them, before trusting
// it. A tombstone is kept
// for a day: the first ordered batch of a namespace in a session sweeps older ones (a
// write held up longer than that in another tab is no race any more).
//
// Each namespace's entries are also kept packed in a few dozen rows, its image
// (indexeddb_image.js), so that a bulk restore of thousands of entries reads those rows
// instead of one row each. A write only marks the keys it changed (one put, no read: a
// batch still commits as soon as it is issued); a fold in the background, a second after
// the writes, brings the image up to date.
//
// The client calls the storage protocol (src/bindings/storage/object.rs) and the `__`
// methods below; users may call `get`, `set`, `delete` and `keys` themselves.
import { __storedVersion as storedVersion, __supersedes as supersedes } from 'stackquery:engine';
import { describe } from '../describe.js';
import { bindMethods } from './bind_methods.js';
import { emptyImage, foldImage, forgetImagesUnder, markWritten, readImage } from './indexeddb_image.js';

const TOMBSTONE_MS = 86_400_000;
// A namespace's image is folded this long after the last write that marked it, and at
// the latest this long after the first (indexeddb_image.js).
const FOLD_AFTER_MS = 1_000;
const FOLD_WITHIN_MS = 5_000;
// What a key holds or is made to hold, for `supersedes`.
const NOTHING = 0;
const DATA = 1;
const REMOVED = 2;
// An ordered op's code (Order::encode): a put of nothing, data or a removal; a removal;
// a purge of an entry found unusable.
const REMOVE = 3;
const PURGE = 4;

const removedKey = (key) => ['removed', key];
const recordKey = (prefix) => ['order', prefix];
const raisedKey = (prefix, id) => ['raised', prefix, id];
const raisedOf = (prefix) => IDBKeyRange.bound(raisedKey(prefix, ''), raisedKey(prefix, '\uffff'));
const keyRange = (prefix) => IDBKeyRange.bound(prefix, `${prefix}\uffff`);
const tombstonesOf = (entries) => IDBKeyRange.bound(removedKey(entries), removedKey(`${entries}\uffff`));
// The entry keys of namespace `prefix` (`${keyPrefix}:`), and of no other's.
const entriesUnder = (prefix) => `${prefix}[`;
const finite = (n) => typeof n === 'number' && Number.isFinite(n);
/** What the client and users call: bound to each instance (bind_methods.js). */
const METHODS = ['get', 'set', 'delete', 'keys', 'getMany', 'deletePrefix', 'free', '__writeBatch', '__entries',
  '__writeAtUnload', '__abandonOrdered', '__writeInOrder', '__clearInOrder'];

function factory() {
  const f = globalThis.indexedDB;
  if (!f) throw new Error('IndexedDB is not available in this runtime');
  return f;
}

/** A request's result once it succeeds; its error is the request's DOMException. */
function result(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/** Resolves when `tx` commits; rejects with its DOMException when it fails or aborts. */
function completion(tx) {
  return new Promise((resolve, reject) => {
    const failed = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    tx.oncomplete = () => resolve();
    tx.onerror = failed;
    tx.onabort = failed;
  });
}

/**
 * `read(request, step)` for a transaction whose every request is issued by `read` or by
 * the steps: runs `step` with each answer, commits once none is outstanding; a step's
 * throw goes to `fail`.
 */
function reader(tx, fail) {
  let unanswered = 0;
  let failed = false;
  return (request, step) => {
    unanswered++;
    request.onsuccess = () => {
      if (failed) return;
      try {
        step(request.result);
      } catch (e) {
        failed = true;
        fail(e);
        return;
      }
      if (--unanswered === 0) commit(tx);
    };
  };
}

const pageHidden = () => globalThis.document?.visibilityState === 'hidden';

/** Resolves in a task of its own, after those already queued. */
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * `keys`' values (undefined where none), read in `store`'s readonly transaction `tx`: every
 * get issued at once; or, for many keys that are most of the rows between the least and the
 * greatest of them (a page reading a list it stored), one `getAll` and one `getAllKeys` over
 * that range: each request costs the page about 15 µs in Chromium, so 10,000 gets took
 * 150 ms of main thread alone.
 */
async function readMany(tx, store, keys) {
  const done = completion(tx);
  done.catch(() => {}); // awaited below, unless a request fails first: then its error is the one
  const range = keys.length >= DENSE_READ_MIN ? spanOf(keys) : null;
  let stored = Infinity;
  if (range !== null) {
    stored = await result(store.count(range));
  }
  if (stored <= keys.length * DENSE_READ_RATIO) {
    const found = store.getAllKeys(range);
    const values = store.getAll(range);
    await done;
    const byKey = new Map();
    found.result.forEach((key, i) => byKey.set(key, values.result[i]));
    return keys.map((key) => byKey.get(key));
  }
  const requests = keys.map((key) => store.get(key));
  await done;
  return requests.map((r) => r.result);
}

/**
 * Every entry under `prefix` (`ns`: its namespace, or null), read in `store`'s readonly
 * transaction `tx`: `[[keys, values], fold, repack]`, `fold` when the image should be folded
 * (marks were read into it, or there was none) and `repack` when it was corrupt.
 */
async function readEntries(tx, store, prefix, ns) {
  const done = completion(tx);
  done.catch(() => {}); // awaited below, unless a request fails first: then its error is the one
  let found = null;
  const readRows = () => {
    const keys = store.getAllKeys(keyRange(prefix));
    const values = store.getAll(keyRange(prefix));
    values.onsuccess = () => {
      found = [keys.result.map((k) => (typeof k === 'string' ? k : '')), values.result];
    };
  };
  let fold = false;
  let repack = false;
  if (ns === null) {
    readRows();
  } else {
    // `flag`: with an image, whether marks were read into it; without, whether it was corrupt.
    readImage(store, ns, reader(tx, () => tx.abort()), (image, flag) => {
      fold = image === null || flag;
      repack = image === null && flag;
      if (image === null) readRows();
      else found = image;
    });
  }
  await done;
  return [found, fold, repack];
}

/** Aborts `tx`; false when it had already finished or was committing. */
function abort(tx) {
  try {
    tx.abort();
    return true;
  } catch {
    return false;
  }
}

/** Commits now rather than when the task ends (a page being unloaded may not get there). */
function commit(tx) {
  try {
    tx.commit?.();
  } catch {
    // already committing or finished
  }
}

/** Issues each put (`values[i]` a string) and delete (`undefined`) of a batch. */
function putAndDelete(store, keys, values) {
  for (let i = 0; i < keys.length; i++) {
    if (values[i] === undefined) store.delete(keys[i]);
    else store.put(values[i], keys[i]);
  }
}

/** Deletes the entries whose keys start with `entries`, and their tombstones. */
function deleteEntries(store, entries) {
  store.delete(keyRange(entries));
  store.delete(tombstonesOf(entries));
}

/** A namespace's order record `[clearedAt, maxAt, maxRev]`, read. */
function readRecord(stored) {
  const n = (i) => (Array.isArray(stored) && finite(stored[i]) ? stored[i] : undefined);
  const [cleared, at, rev] = [n(0), n(1), n(2)];
  return { clearedAt: cleared ?? -Infinity, max: at !== undefined && rev !== undefined ? [at, rev] : null };
}

const recordValue = ({ clearedAt, max }) =>
  [Number.isFinite(clearedAt) ? clearedAt : null, max ? max[0] : NaN, max ? max[1] : NaN];

/** Whether version `a` is newer than `b` (by time, then revision). */
const newer = (a, b) => supersedes(REMOVED, a[0], a[1], false, REMOVED, b[0], b[1], false);

/** `record` with its greatest version raised to the newest of `raised` (`raised` records' values). */
function withRaised(record, raised) {
  let max = record.max;
  for (const r of raised) {
    if (Array.isArray(r) && finite(r[0]) && finite(r[1]) && (max === null || newer(r, max))) max = [r[0], r[1]];
  }
  return { ...record, max };
}

/** A stored tombstone `[at, rev]`; anything else holds nothing. */
function tombstone(stored) {
  return Array.isArray(stored) && finite(stored[0]) && finite(stored[1])
    ? { kind: REMOVED, at: stored[0], rev: stored[1], invalidated: false }
    : { kind: NOTHING, at: NaN, rev: NaN, invalidated: false };
}

// getMany reads a range whole from this many keys on, when the range holds at most
// DENSE_READ_RATIO rows a key asked for.
const DENSE_READ_MIN = 64;
const DENSE_READ_RATIO = 2;

/** The key range from the least to the greatest of `keys` (strings); null if one is not a string. */
function spanOf(keys) {
  let least = keys[0];
  let greatest = keys[0];
  for (const key of keys) {
    if (typeof key !== 'string') return null;
    if (key < least) least = key;
    else if (key > greatest) greatest = key;
  }
  return IDBKeyRange.bound(least, greatest);
}

function nameOption(options, name) {
  const v = options?.[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new TypeError(`IndexedDbStorage ${name} must be a non-empty string`);
  return v;
}

/** L2 in IndexedDB: `new IndexedDbStorage({ dbName: 'stackquery', storeName: 'queries' })`. */
export class IndexedDbStorage {
  #db;
  #store;
  /** The open connection: a promise of the database. */
  #connection = null;
  /** Namespaces whose expired tombstones have been swept (once per instance). */
  #swept = new Set();
  /** Ordered transactions under way, with the namespace of each. */
  #ordered = [];
  /** This object's `["raised", prefix, id]` records: its id, and what it last put for each namespace. */
  #id = Math.random().toString(36).slice(2);
  #raised = new Map();
  /** What this object's image marks are keyed by (indexeddb_image.js). */
  #mark = { id: this.#id, seq: 0 };
  /** Namespaces whose image waits to be folded: their timer and when the first mark came. */
  #folds = new Map();
  /** Folds under way: aborted when the page is hidden or closing (a batch may wait behind one). */
  #folding = new Set();
  /** Reads under way (`{ tx, abandoned }`): aborted and made again when the page closes (#read). */
  #reading = new Set();
  /** Set when the page closes, cleared a task later (in a page that stays: back/forward cache). */
  #leaving = false;
  #listening = false;
  /** Namespaces whose `raised` records this object has folded into the order record. */
  #folded = new Set();

  constructor(options) {
    if (options != null && (typeof options !== 'object')) {
      throw new TypeError(`IndexedDbStorage options must be an object, got ${describe(options)}`);
    }
    this.#db = nameOption(options, 'dbName') ?? 'stackquery';
    this.#store = nameOption(options, 'storeName') ?? 'queries';
    /** `database/store`: what tabs sharing this storage have in common. */
    Object.defineProperty(this, '__sharedName', { value: `${this.#db}/${this.#store}` });
    bindMethods(this, METHODS);
    if (globalThis.indexedDB) this.#connect().catch(() => {});
  }

  /**
   * Opens the database at `version` (or its current one), creating the store on upgrade.
   * `closed()` runs when the connection closes under us (another tab or storage upgrading
   * the database, or the browser closing it): the next call then opens a new one.
   */
  #open(version, closed) {
    return new Promise((resolve, reject) => {
      const request = version === undefined ? factory().open(this.#db) : factory().open(this.#db, version);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(this.#store)) db.createObjectStore(this.#store);
      };
      request.onsuccess = () => {
        const db = request.result;
        // Let other tabs upgrade the schema: close on their request, reopen on our next call.
        db.onversionchange = () => {
          db.close();
          closed();
        };
        db.onclose = closed;
        resolve(db);
      };
      request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
    });
  }

  /** The connection being opened, or open (started now if there is none). */
  #connect() {
    if (this.#connection) return this.#connection;
    const forget = () => {
      if (this.#connection === connection) this.#connection = null;
    };
    const connection = (async () => {
      const db = await this.#open(undefined, forget);
      if (db.objectStoreNames.contains(this.#store)) return db;
      // The database exists without our store: a version bump creates it.
      const next = db.version + 1;
      db.onversionchange = null;
      db.onclose = null;
      db.close();
      return this.#open(next, forget);
    })();
    this.#connection = connection;
    return connection;
  }

  /** The store in a new transaction; a dead connection is dropped so the next call reopens. */
  async #transaction(mode) {
    const connection = this.#connect();
    let tx;
    try {
      const db = await connection;
      tx = mode === 'readwrite'
        ? db.transaction(this.#store, mode, { durability: 'strict' })
        : db.transaction(this.#store, mode);
    } catch (e) {
      if (this.#connection === connection) this.#connection = null;
      throw e;
    }
    return [tx, tx.objectStore(this.#store)];
  }

  /** Runs `issue(store)` in one readwrite transaction, committed at once. */
  async #write(issue) {
    const [tx, store] = await this.#transaction('readwrite');
    const done = completion(tx);
    try {
      issue(store);
    } catch (e) {
      tx.abort();
      done.catch(() => {});
      throw e;
    }
    commit(tx);
    return done;
  }

  get(key) {
    return this.#read((tx, store) => {
      const got = result(store.get(key));
      commit(tx);
      return got;
    }).then((v) => v ?? null);
  }

  set(key, value) {
    let marked = [];
    return this.#write((store) => {
      store.put(value, key);
      marked = markWritten(store, [key], this.#mark);
    }).then(() => this.#foldLater(marked));
  }

  delete(key) {
    let marked = [];
    return this.#write((store) => {
      store.delete(key);
      marked = markWritten(store, [key], this.#mark);
    }).then(() => this.#foldLater(marked));
  }

  /** Keys starting with `prefix` (all keys without one). */
  async keys(prefix) {
    prefix ??= '';
    const keys = await this.#read((tx, store) => {
      const listed = result(store.getAllKeys(keyRange(prefix)));
      commit(tx);
      return listed;
    });
    return keys.filter((k) => typeof k === 'string');
  }

  /** `keys`' values (undefined where none), in one readonly transaction (`readMany`). */
  getMany(keys) {
    return this.#read((tx, store) => readMany(tx, store, keys));
  }

  /**
   * Every entry under `prefix`: `[keys, values]`, in the same order, read in one readonly
   * transaction. For a namespace's entries (`${ns}[`) that is its packed image (with the
   * entries its marks list), or, when it has none, the entries themselves, one row each:
   * then, and when marks were read, the image is folded in the background.
   */
  async __entries(prefix) {
    const ns = prefix.endsWith(':[') ? prefix.slice(0, -1) : null;
    const [found, fold, repack] = await this.#read((tx, store) => readEntries(tx, store, prefix, ns));
    if (fold) this.#foldLater([ns], repack);
    return found;
  }

  /**
   * `read(tx, store)`, a promise of what it read, run in a readonly transaction. When the
   * page closes (`pagehide`) with the read under way, its transaction is aborted and the
   * read made again in a new one: IndexedDB starts a write only after the transactions
   * made before it on its store, and a readonly one waits for the page to take its answers
   * (or to ask its next question), which a closing page never does. The write the page
   * makes as it closes would wait behind the read and be lost with the page (measured: all
   * 50 writes of a page closed with cold reads in flight, in 7 of 24 rounds). The new
   * transaction is made a task later, behind the writes made in the `pagehide` task; a page
   * kept in the back/forward cache then gets its answer when it comes back.
   */
  async #read(read) {
    this.#listenForLeaving();
    for (;;) {
      if (this.#leaving) await nextTask();
      const [tx, store] = await this.#transaction('readonly');
      if (this.#leaving) {
        abort(tx); // made while the page closes: made again after its write
        continue;
      }
      const reading = { tx, abandoned: false };
      this.#reading.add(reading);
      try {
        return await read(tx, store);
      } catch (e) {
        if (!reading.abandoned) throw e;
      } finally {
        this.#reading.delete(reading);
      }
    }
  }

  /**
   * A batch (`values[i]` undefined for a delete) in one transaction, written unread by a
   * tab writing alone; `at`, `rev`: the newest version in it, counted in namespace
   * `prefix`'s greatest (see the file's head).
   */
  __writeBatch(keys, values, prefix, at, rev) {
    let raised = false;
    let marked = [];
    const written = this.#write((store) => {
      putAndDelete(store, keys, values);
      marked = markWritten(store, keys, this.#mark);
      raised = this.#putRaised(store, prefix, at, rev);
    });
    return written.then(() => {
      this.#foldLater(marked);
      if (raised && !this.#folded.has(prefix) && !pageHidden()) {
        this.#folded.add(prefix);
        // Not waited for: the batch is written. Given up (aborted): the next lone batch tries again.
        this.#foldRaised(prefix).catch(() => this.#folded.delete(prefix));
      }
    });
  }

  /**
   * Folds namespace `prefix`'s `raised` records into its order record and deletes them,
   * in a transaction of its own: once per storage object and namespace, after its first
   * lone batch, so that the records of tabs that never met another stay a few. Like an
   * image's fold, not begun while the page is hidden and aborted when it is hidden or
   * closing: it waits for the answers of its reads, and the writes a closing page still
   * makes would wait behind it and be lost with it (its records are folded another time).
   */
  async #foldRaised(prefix) {
    this.#listenForLeaving();
    const [tx, store] = await this.#transaction('readwrite');
    const done = completion(tx);
    this.#folding.add(tx);
    try {
      const found = store.getAll(raisedOf(prefix));
      // Answered after `found` (a transaction's requests are answered in order).
      store.get(recordKey(prefix)).onsuccess = (e) => {
        if (found.result.length === 0) return;
        store.delete(raisedOf(prefix));
        store.put(recordValue(withRaised(readRecord(e.target.result), found.result)), recordKey(prefix));
      };
      await done;
    } finally {
      this.#folding.delete(tx);
    }
  }

  /**
   * Puts this object's `raised` record of `prefix` when version `[at, rev]` is newer than
   * what it holds; whether it did.
   */
  #putRaised(store, prefix, at, rev) {
    if (typeof prefix !== 'string' || !finite(at) || !finite(rev)) return false;
    const held = this.#raised.get(prefix);
    if (held !== undefined && !newer([at, rev], held)) return false;
    this.#raised.set(prefix, [at, rev]);
    store.put([at, rev], raisedKey(prefix, this.#id));
    return true;
  }

  /** Deletes every key starting with `prefix`, and the tombstones of those keys. */
  deletePrefix(prefix) {
    return this.#write((store) => {
      deleteEntries(store, prefix);
      forgetImagesUnder(store, prefix);
    });
  }

  /**
   * What a closing page still has to write, in one committed transaction and without the
   * order's reads (their answers would never come): a clear of namespace `prefix` made at
   * `clearedAt` (when given), recorded as an ordered clear is, then the batch.
   */
  __writeAtUnload(prefix, clearedAt, keys, values, at, rev) {
    return this.#write((store) => {
      if (clearedAt !== undefined) {
        deleteEntries(store, entriesUnder(prefix));
        forgetImagesUnder(store, entriesUnder(prefix));
        emptyImage(store, prefix);
        store.delete(raisedOf(prefix));
        store.put(recordValue({ clearedAt, max: null }), recordKey(prefix));
      }
      putAndDelete(store, keys, values);
      markWritten(store, keys, this.#mark);
      this.#putRaised(store, prefix, at, rev);
    });
  }

  /**
   * Aborts the ordered transactions of namespace `prefix` under way: the page is closing,
   * and such a transaction waits for the answer to a read that a closing page never gets;
   * the transactions made after it would wait behind it and be lost with it. `true` when
   * one was aborted (its batch then fails with an AbortError).
   */
  __abandonOrdered(prefix) {
    const mine = this.#ordered.filter(([p]) => p === prefix);
    this.#ordered = this.#ordered.filter(([p]) => p !== prefix);
    let aborted = false;
    // One already committing or finished completes as it is.
    for (const [, tx] of mine) aborted = abort(tx) || aborted;
    return aborted;
  }

  /** A batch in the order tabs agree on; `orders`: four numbers per op (Order::encode). */
  __writeInOrder(keys, values, orders, prefix, buster, now) {
    const ops = keys.map((key, i) => {
      const [code, at, rev, flag] = orders.subarray(4 * i, 4 * i + 4);
      const version = code === NOTHING || code === PURGE ? null : [at, rev];
      return { key, value: values[i], code, version, invalidated: flag === 1 };
    });
    return this.#runOrdered(prefix, buster, now, ops, undefined);
  }

  /**
   * Deletes namespace `prefix` (its entries and tombstones, not those of prefixes that
   * extend it) and records `at` as its last clear, so that data written before `at` and
   * landing later is refused.
   */
  __clearInOrder(prefix, at) {
    return this.#runOrdered(prefix, '', at, [], at);
  }

  /**
   * An ordered batch (or a clear) in one readwrite transaction. The namespace's record is
   * read first; an op newer than everything the namespace may hold is written at once,
   * any other reads its key (and, with no entry there, its tombstone) and is written only
   * if it wins. The transaction commits once the last read has been answered.
   */
  async #runOrdered(prefix, buster, now, ops, clearing) {
    const [tx, store] = await this.#transaction('readwrite');
    const done = completion(tx);
    const entry = [prefix, tx];
    this.#ordered.push(entry);
    let error = null;
    let record = { clearedAt: -Infinity, max: null };

    const fail = (e) => {
      if (error !== null) return;
      error = e;
      try {
        tx.abort();
      } catch {
        // already finished
      }
    };
    // Each answer runs its step; once none is outstanding every request has been issued.
    const read = reader(tx, fail);
    // A stored entry, judged as a reader of this namespace would; `null`: unusable.
    const judge = (op, stored) => {
      if (typeof stored !== 'string') return null;
      const hash = op.key.startsWith(prefix) ? op.key.slice(prefix.length) : op.key;
      const d = storedVersion(stored, hash, buster, now);
      return d === undefined ? null : { kind: DATA, at: d[0], rev: d[1], invalidated: d[2] === 1 };
    };
    // Writes what `op` makes of its key if it wins over `held` (`null`: an unusable
    // entry, which anything replaces); `readTombstone`: `held` is the key's tombstone.
    const apply = (op, held, readTombstone) => {
      const wins = (kind, invalidated) => held === null ||
        supersedes(kind, op.version[0], op.version[1], invalidated, held.kind, held.at, held.rev, held.invalidated);
      if (op.code === PURGE) {
        if (held === null) store.delete(op.key);
      } else if (op.code === REMOVE) {
        if (wins(REMOVED, false)) {
          if (!readTombstone) store.delete(op.key);
          if (op.version[0] >= record.clearedAt) store.put(op.version, removedKey(op.key));
        }
      } else if (op.version !== null && wins(op.code, op.invalidated) && op.version[0] >= record.clearedAt) {
        if (op.value !== undefined) store.put(op.value, op.key);
        if (held?.kind === REMOVED) store.delete(removedKey(op.key));
      }
    };
    // What tabs writing alone put since the last ordered batch: folded into the record.
    let raised = [];
    const start = (stored) => {
      const written = readRecord(stored);
      if (raised.length > 0) store.delete(raisedOf(prefix));
      if (clearing !== undefined) {
        // Emptied: nothing stored; the clear time only moves forward.
        store.put(recordValue({ clearedAt: Math.max(written.clearedAt, clearing), max: null }), recordKey(prefix));
        return;
      }
      const held = withRaised(written, raised);
      record = held;
      let newest = held.max;
      ops.forEach((op) => {
        if (op.version !== null && (held.max === null || newer(op.version, held.max))) {
          apply(op, { kind: NOTHING, at: NaN, rev: NaN, invalidated: false }, false);
          if (newest === null || newer(op.version, newest)) newest = op.version;
        } else {
          read(store.get(op.key), (found) => {
            if (found !== undefined) return apply(op, judge(op, found), false);
            // No entry: is there a tombstone?
            if (op.code !== PURGE) read(store.get(removedKey(op.key)), (t) => apply(op, tombstone(t), true));
          });
        }
      });
      if (newest !== written.max) store.put(recordValue({ ...held, max: newest }), recordKey(prefix));
    };

    let marked = [];
    try {
      if (clearing !== undefined) {
        deleteEntries(store, entriesUnder(prefix));
        forgetImagesUnder(store, entriesUnder(prefix));
        emptyImage(store, prefix);
      } else {
        marked = markWritten(store, ops.map((op) => op.key), this.#mark);
      }
      if (clearing === undefined && !this.#swept.has(prefix)) {
        this.#swept.add(prefix);
        // The namespace's tombstones: those older than a day are deleted.
        const range = tombstonesOf(entriesUnder(prefix));
        const swept = store.getAllKeys(range);
        read(swept, () => {});
        read(store.getAll(range), (values) => {
          values.forEach((value, i) => {
            const t = tombstone(value);
            if (t.kind === REMOVED && t.at + TOMBSTONE_MS < now) store.delete(swept.result[i]);
          });
        });
      }
      read(store.getAll(raisedOf(prefix)), (found) => {
        raised = found;
      });
      read(store.get(recordKey(prefix)), start);
    } catch (e) {
      fail(e);
    }
    try {
      await done;
    } catch (e) {
      throw error ?? e;
    } finally {
      this.#ordered = this.#ordered.filter((o) => o !== entry);
    }
    if (error !== null) throw error;
    this.#foldLater(marked);
  }

  /**
   * Folds the images of namespaces `marked` a moment after their last write
   * (FOLD_AFTER_MS), or at the latest FOLD_WITHIN_MS after the first one waiting.
   */
  #foldLater(marked, repack = false) {
    for (const ns of marked) {
      const now = Date.now();
      const waiting = this.#folds.get(ns);
      if (waiting !== undefined) {
        waiting.repack ||= repack;
        if (now - waiting.since >= FOLD_WITHIN_MS) continue;
        clearTimeout(waiting.timer);
      }
      const fold = { timer: undefined, since: waiting?.since ?? now, repack: waiting?.repack || repack };
      fold.timer = setTimeout(() => {
        this.#folds.delete(ns);
        // What is not folded stays marked: the next fold takes it.
        this.#fold(ns, fold.repack).catch(() => {});
      }, FOLD_AFTER_MS);
      fold.timer.unref?.();
      this.#folds.set(ns, fold);
    }
  }

  /**
   * Folds namespace `ns`'s image (indexeddb_image.js) in a readwrite transaction of its
   * own (`repack`: packs every entry anew, the image having been found corrupt). Not while the page is hidden: a write made then (the last one before the page
   * is discarded, often) would wait behind the fold; a fold under way is aborted when the
   * page is hidden or closing, for the same reason.
   */
  async #fold(ns, repack) {
    if (pageHidden()) {
      this.#foldLater([ns], repack);
      return;
    }
    this.#listenForLeaving();
    const [tx, store] = await this.#transaction('readwrite');
    const done = completion(tx);
    this.#folding.add(tx);
    try {
      foldImage(store, ns, reader(tx, () => tx.abort()), repack);
      await done;
    } finally {
      this.#folding.delete(tx);
    }
  }

  /**
   * Aborts the folds under way when the page is hidden or closing, and the reads under way
   * when it closes (installed once).
   */
  #listenForLeaving() {
    if (this.#listening) return;
    this.#listening = true;
    const stopFolds = () => {
      for (const tx of this.#folding) abort(tx);
    };
    globalThis.addEventListener?.('pagehide', () => {
      stopFolds();
      this.#leaving = true;
      setTimeout(() => {
        this.#leaving = false;
      }, 0);
      for (const reading of this.#reading) reading.abandoned ||= abort(reading.tx);
    });
    globalThis.document?.addEventListener?.('visibilitychange', () => {
      if (pageHidden()) stopFolds();
    });
  }

  /** Kept for code written for the wasm class: there is nothing to free. */
  free() {}
}
