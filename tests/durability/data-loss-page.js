// The browser side of the data-loss measurement (tests/durability/data-loss.mjs drives it): writes
// N keys with one library, then reloads or closes itself `delay` ms after the last write, with no
// flush() or other help; or, in a fresh document of the same origin, counts how many of the N keys
// that library restores. A document that is the result of a reload counts instead of writing.
// Everything goes back to Node through window.__dl(message) (a Playwright binding).
//
// Query string: lib=sq|tsq|tsc|raw|model, db=<IndexedDB name, one per measurement>, n=<keys>,
//   mode=write (default) | count | home (an idle page that opens the window.close popups),
//   action=reload|close|window.close, delay=<ms>,
//   pattern=burst (N writes in one task, default) | stream (one write per task, N tasks back to back),
//   fresh=0 (default: the library's storage has been used, so its database is open, and the writes
//     start 30 ms later) | 1 (a fresh client, created 100 ms before the writes, its storage unused until them).
//
// Libraries:
//   sq   stackquery + IndexedDbStorage: setQueryData (default client options).
//   tsq  TanStack per-query persister (experimental_createQueryPersister over idb-keyval): it persists
//        when a query is fetched, so fetchQuery with `persister` and an immediate queryFn; the "last
//        write" is when the last fetchQuery promise resolved (the data is in the cache).
//   tsc  TanStack whole-client persister: persistQueryClient + createAsyncStoragePersister over
//        idb-keyval with its default throttleTime (1000 ms); its restore awaited, then setQueryData.
//   raw  reference: plain IndexedDB, each write its own readwrite transaction with an explicit
//        commit(), in the same task as the write: what IndexedDB itself keeps. With fresh=1 the
//        database is opened at the first write (as a lazy storage does) and the writes wait for it
//        (then one transaction).
//   model reference: a write-behind as the fix intends, in plain JS (see LIBS.model). With fresh=1 it
//        starts opening the database when it is created (not awaited).
const params = new URLSearchParams(location.search);
const LIB = params.get('lib');
const DB = params.get('db');
const N = Number(params.get('n') || 50);
const ACTION = params.get('action');
const DELAY = Number(params.get('delay') || 0);
const PATTERN = params.get('pattern') || 'burst';
const FRESH = params.get('fresh') === '1';
const navigation = performance.getEntriesByType('navigation')[0]?.type;
const MODE = navigation === 'reload' ? 'count' : params.get('mode') || 'write';

const report = (message) => window.__dl({ ...message, mode: MODE, lib: LIB, db: DB });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const key = (i) => ['item', i];
const value = (i) => ({ i, title: `item number ${i}`, done: i % 3 === 0, tags: ['a', 'b'] });

// A task right after the current one (setTimeout(0) is clamped to 4 ms once nested).
const channel = new MessageChannel();
const tasks = [];
channel.port1.onmessage = () => tasks.shift()();
const nextTask = () => new Promise((r) => { tasks.push(r); channel.port2.postMessage(0); });

// ---------------------------------------------------------------- raw IndexedDB
const req = (r) => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
function openRequest(name, store) {
  const r = indexedDB.open(name);
  r.onupgradeneeded = () => { if (!r.result.objectStoreNames.contains(store)) r.result.createObjectStore(store); };
  return r;
}
/** The keys of `store` in database `name` (created empty if it does not exist). */
async function rawKeys(name, store) {
  const db = await req(openRequest(name, store));
  try {
    return await req(db.transaction(store).objectStore(store).getAllKeys());
  } finally { db.close(); }
}

// ---------------------------------------------------------------- the libraries
// Each: prepare() → write(i) (may return a promise: waited for), and count() → { restored, onDisk }.
const TANSTACK = '/__dl/tanstack.js';
const PKG = '/__dl/pkg/stackquery.js';

function idbKeyval(T) {
  const store = T.createStore(DB, 'keyval');
  return { getItem: (k) => T.get(k, store), setItem: (k, v) => T.set(k, v, store), removeItem: (k) => T.del(k, store), entries: () => T.entries(store) };
}
const failingQueryFn = () => { throw new Error('not persisted'); };
/** How many of the N keys `read(i)` answers with their value (all read at once; a rejection is a miss). */
async function countRestored(read) {
  const got = await Promise.all(Array.from({ length: N }, (_, i) => Promise.resolve().then(() => read(i)).catch(() => null)));
  return got.filter((data, i) => data?.i === i).length;
}

const LIBS = {
  async sq() {
    const SQ = await import(PKG);
    await SQ.default();
    const storage = () => new SQ.IndexedDbStorage({ dbName: DB, storeName: 'queries' });
    return {
      async prepare() {
        const s = storage();
        if (!FRESH) await s.get('warm-up'); // as a hydration read would
        const client = new SQ.QueryClient({ storage: s });
        window.client = client; // alive until the page goes
        return (i) => client.setQueryData(key(i), value(i));
      },
      async count() {
        const client = new SQ.QueryClient({ storage: storage(), staleTime: Infinity, retry: false });
        const restored = await countRestored((i) => client.fetchQuery({ queryKey: key(i), queryFn: failingQueryFn }));
        client.dispose();
        const onDisk = (await rawKeys(DB, 'queries')).filter((k) => typeof k === 'string' && k.startsWith('stackquery:[')).length;
        return { restored, onDisk };
      },
    };
  },

  async tsq() {
    const T = await import(TANSTACK);
    const client = () => new T.QueryClient({ defaultOptions: { queries: { retry: false } } });
    return {
      async prepare() {
        const storage = idbKeyval(T);
        if (!FRESH) await storage.getItem('warm-up');
        const persister = T.experimental_createQueryPersister({ storage });
        const c = client();
        window.client = c;
        return (i) => c.fetchQuery({ queryKey: key(i), queryFn: () => value(i), persister: persister.persisterFn });
      },
      async count() {
        const persister = T.experimental_createQueryPersister({ storage: idbKeyval(T) });
        const c = client();
        const restored = await countRestored((i) =>
          c.fetchQuery({ queryKey: key(i), staleTime: Infinity, persister: persister.persisterFn, queryFn: failingQueryFn }));
        c.clear();
        const onDisk = (await rawKeys(DB, 'keyval')).filter((k) => String(k).startsWith('tanstack-query-')).length;
        return { restored, onDisk };
      },
    };
  },

  async tsc() {
    const T = await import(TANSTACK);
    const client = () => new T.QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity } } });
    return {
      async prepare() {
        const persister = T.createAsyncStoragePersister({ storage: idbKeyval(T) }); // default throttleTime
        const c = client();
        window.client = c;
        const [, restoring] = T.persistQueryClient({ queryClient: c, persister });
        await restoring; // subscribed from here on (the restore read the store: fresh=1 does not apply)
        return (i) => c.setQueryData(key(i), value(i));
      },
      async count() {
        const storage = idbKeyval(T);
        const c = client();
        await T.persistQueryClientRestore({ queryClient: c, persister: T.createAsyncStoragePersister({ storage }) });
        const restored = await countRestored((i) => c.getQueryData(key(i)));
        c.clear();
        const blob = await storage.getItem('REACT_QUERY_OFFLINE_CACHE');
        const onDisk = blob ? JSON.parse(blob).clientState.queries.filter((q) => q.queryKey[0] === 'item').length : 0;
        return { restored, onDisk };
      },
    };
  },

  async raw() {
    const put = (db, i) => {
      const tx = db.transaction('s', 'readwrite');
      tx.objectStore('s').put(JSON.stringify(value(i)), `raw:${JSON.stringify(key(i))}`);
      tx.commit();
    };
    return {
      async prepare() {
        if (!FRESH) {
          const db = await req(openRequest(DB, 's'));
          return (i) => put(db, i);
        }
        let db = null, opening = null;
        const queued = [];
        return (i) => {
          if (db) return put(db, i);
          queued.push(i);
          if (!opening) {
            opening = openRequest(DB, 's');
            opening.onsuccess = () => {
              db = opening.result;
              const tx = db.transaction('s', 'readwrite');
              for (const j of queued) tx.objectStore('s').put(JSON.stringify(value(j)), `raw:${JSON.stringify(key(j))}`);
              tx.commit();
            };
          }
        };
      },
      async count() {
        const keys = (await rawKeys(DB, 's')).filter((k) => k.startsWith('raw:'));
        return { restored: keys.length, onDisk: keys.length };
      },
    };
  },

  // A write-behind done the way the fix intends, in plain JS: writes queue (last value per key),
  // one transaction per batch a microtask later, one batch in flight at a time, each with commit();
  // on pagehide or visibilitychange→hidden whatever is queued goes at once in its own committed
  // transaction (even while a batch is in flight). What stackquery can reach with that design.
  async model() {
    const raw = await LIBS.raw();
    return {
      async prepare() {
        let db = null;
        const opening = req(openRequest(DB, 's')).then((d) => { db = d; });
        if (!FRESH) await opening;
        const queued = new Map();
        let inFlight = false, scheduled = false;
        const writeQueued = () => {
          if (!queued.size) return null;
          const tx = db.transaction('s', 'readwrite');
          for (const [k, v] of queued) tx.objectStore('s').put(v, k);
          queued.clear();
          tx.commit();
          return new Promise((ok) => { tx.oncomplete = tx.onabort = tx.onerror = ok; });
        };
        const loop = async () => {
          scheduled = false;
          if (inFlight) return;
          inFlight = true;
          if (!db) await opening;
          for (let done; (done = writeQueued());) await done;
          inFlight = false;
        };
        const flushNow = () => { if (db) writeQueued(); };
        addEventListener('pagehide', flushNow);
        document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') flushNow(); });
        return (i) => {
          queued.set(`raw:${JSON.stringify(key(i))}`, JSON.stringify(value(i)));
          if (!scheduled) { scheduled = true; queueMicrotask(loop); }
        };
      },
      count: raw.count,
    };
  },
};

// ---------------------------------------------------------------- the modes
const isPromise = (x) => typeof x?.then === 'function';
async function write(lib) {
  const writeOne = await lib.prepare();
  await sleep(FRESH ? 100 : 30); // whatever setting up scheduled has run; a fresh client is 100 ms old at its first write
  const t0 = performance.now();
  if (PATTERN === 'stream') {
    for (let i = 0; i < N; i++) {
      await nextTask();
      const pending = writeOne(i);
      if (isPromise(pending)) await pending;
    }
  } else {
    const pending = [];
    for (let i = 0; i < N; i++) pending.push(writeOne(i));
    // tsq waits for its fetches; the others write synchronously (setQueryData returns the data): no await.
    if (isPromise(pending[0])) await Promise.all(pending);
  }
  const tLast = performance.now();
  const act = () => {
    const firedMs = performance.now() - tLast;
    report({ type: 'act', action: ACTION, delay: DELAY, firedMs, writeMs: tLast - t0 });
    if (ACTION === 'reload') location.reload();
    else if (ACTION === 'window.close') window.close();
    // 'close': Node calls page.close() when it gets the report above.
  };
  // Delay 0: in the same task as the last write (not even a microtask later for synchronous writers).
  if (DELAY === 0) act(); else setTimeout(act, DELAY);
}

try {
  if (MODE === 'home') {
    // The origin's first IndexedDB use (creating its backing store) is slow: done here, before any
    // measurement, as for a returning visitor, so the first measurement is not charged for it.
    const db = await req(openRequest('dl-home', 's'));
    const tx = db.transaction('s', 'readwrite');
    tx.objectStore('s').put(1, 'warm');
    await new Promise((ok) => { tx.oncomplete = ok; });
    db.close();
    report({ type: 'home' });
  }
  else {
    const lib = await LIBS[LIB]();
    if (MODE === 'count') report({ type: 'count', ...(await lib.count()) });
    else await write(lib);
  }
} catch (e) {
  report({ type: 'error', error: String(e?.stack || e) });
}
