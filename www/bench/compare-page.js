// stackquery vs @tanstack/query-core, in one page, in the browser (loaded by compare.html).
// Run through `bash scripts/bench.sh` (which runs www/bench/compare.mjs): it bundles TanStack with
// esbuild, serves it and the repository, and opens compare.html in headless Chromium. The page
// cannot run on its own: /__compare/tanstack.js and window.compareTrace come from compare.mjs.
//
// mode=speed (default): workloads 1–5, `rounds` rounds; in every round each workload runs once per
//   library, interleaved, the order alternating between rounds (even: stackquery first). Every
//   workload checks that both sides really did the work (entries in IndexedDB, queryFn calls,
//   invalidated flags); a failed check is reported in results.checks. gc() runs before every
//   measurement, so no side pays for the other's garbage.
// mode=memory&lib=stackquery|tanstack|baseline: workload 7 in a fresh page holding one library only.
// mode=load&lib=stackquery|tanstack|l1: workload 8, module load, in a fresh page holding one library only.
// mode=fresh-list&lib=stackquery|tanstack: workload 9, a long list in a fresh page holding one library only.
//
// Settings shared by both libraries: staleTime Infinity (every read is a hit), no retries, gcTime
// Infinity on TanStack (nothing is collected during a run) and maxEntries 100,000 on stackquery (no
// LRU eviction: TanStack's cache is unbounded).
const params = new URLSearchParams(location.search);
// The package's browser entry (compare.mjs resolves it from package.json's exports['./web']) and
// the package's root URL (resources fetched under it are the package's).
const PKG = params.get('pkg') || '/pkg/web/stackquery.js';
const PKG_ROOT = params.get('pkgroot') || '/pkg/';
// `stackquery/l1`, the build without L2 (module load only: lib=l1).
const PKG_L1 = params.get('l1') || '/pkg/l1/stackquery.js';
const TANSTACK = params.get('tanstack') || '/__compare/tanstack.js';
const MODE = params.get('mode') || 'speed';
const ROUNDS = Number(params.get('rounds') || 5);

const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const checks = [];
const check = (name, ok, detail = '') => { if (!ok) checks.push(`${name}: ${detail}`); };
const out = (text) => { document.getElementById('out').textContent = text; };

// ---------------------------------------------------------------- data
const row = (i) => ({ id: i, title: `todo number ${i}`, done: i % 3 === 0, tags: ['a', 'b', 'c'], owner: { id: i % 97, name: 'Ada' } });
const user = (i) => ({ id: i, name: `user ${i}`, posts: [{ id: i * 10, title: 'hello' }, { id: i * 10 + 1, title: 'world' }] });
// ~1 KB of JSON per query, distinct strings per query (nothing shared or interned between queries).
const row1k = (i) => ({
  id: i, name: `user ${i}`, email: `user${i}@example.com`, active: i % 2 === 0, score: i * 1.5,
  bio: `bio of user ${i}: `.padEnd(400, `lorem ipsum ${i} `),
  posts: Array.from({ length: 8 }, (_, k) => ({ id: i * 8 + k, title: `post ${k} of user ${i}`, likes: (i * k) % 1000 })),
});

// ---------------------------------------------------------------- IndexedDB helpers
const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
const openDb = (name) => req(indexedDB.open(name));
async function countEntries(dbName, storeName, prefix) {
  const db = await openDb(dbName);
  try {
    if (!db.objectStoreNames.contains(storeName)) return 0;
    const range = prefix ? IDBKeyRange.bound(prefix, `${prefix}\uffff`) : undefined;
    return await req(db.transaction(storeName).objectStore(storeName).count(range));
  } finally { db.close(); }
}
async function readEntry(dbName, storeName, key) {
  const db = await openDb(dbName);
  try { return await req(db.transaction(storeName).objectStore(storeName).get(key)); } finally { db.close(); }
}
// Deletion waits for open connections to close; a 'blocked' deletion finishes later on its own.
const deleteDb = (name) => new Promise((res) => {
  const r = indexedDB.deleteDatabase(name);
  r.onsuccess = r.onerror = r.onblocked = () => res();
});

// idb-keyval as the AsyncStorage of TanStack's persisters; `onSet` counts completed writes.
function idbKeyval(T, dbName, onSet) {
  const store = T.createStore(dbName, 'keyval');
  return {
    store,
    getItem: (k) => T.get(k, store),
    setItem: onSet ? (k, v) => T.set(k, v, store).then(onSet) : (k, v) => T.set(k, v, store),
    removeItem: (k) => T.del(k, store),
    entries: () => T.entries(store),
  };
}
// Resolves when `count()` reaches n.
function counter(n) {
  let count = 0, done;
  const all = new Promise((r) => { done = r; });
  return { inc: () => { if (++count === n) done(); }, all, get count() { return count; } };
}

// Collects the garbage of whatever ran before, so that it is not charged to the next measurement.
async function settle() {
  gc();
  await sleep(20);
}

// ---------------------------------------------------------------- clients
let SQ, T;
const sqClient = (extra = {}) => new SQ.QueryClient({ staleTime: Infinity, retry: false, maxEntries: 100_000, ...extra });
const tsClient = () => new T.QueryClient({ defaultOptions: { queries: { staleTime: Infinity, gcTime: Infinity, retry: false } } });
const sqDispose = (c) => { c.dispose(); c.free(); };

// ---------------------------------------------------------------- 1. cache-hit read
const READ_KEYS = 1_000, READ_CALLS = 100_000;
const userKey = (i) => ['user', i, { include: 'posts' }];

async function readWorkload(lib) {
  const client = lib === 'sq' ? sqClient() : tsClient();
  for (let i = 0; i < READ_KEYS; i++) client.setQueryData(userKey(i), user(i));
  let hits = 0, calls = 0;
  const queryFn = () => { calls++; return user(-1); };
  let t0 = now();
  for (let n = 0; n < READ_CALLS; n++) {
    // The key is built at the call site, as application code does.
    if (client.getQueryData(['user', n % READ_KEYS, { include: 'posts' }]) !== undefined) hits++;
  }
  const getMs = now() - t0;
  t0 = now();
  for (let n = 0; n < READ_CALLS; n++) {
    const data = await client.fetchQuery({ queryKey: ['user', n % READ_KEYS, { include: 'posts' }], queryFn });
    if (data.id === n % READ_KEYS) hits++;
  }
  const fetchMs = now() - t0;
  check(`read ${lib}`, hits === 2 * READ_CALLS && calls === 0, `hits ${hits}, queryFn calls ${calls}`);
  if (lib === 'sq') sqDispose(client); else client.clear();
  return { getOps: READ_CALLS / getMs * 1000, fetchOps: READ_CALLS / fetchMs * 1000 };
}

// ---------------------------------------------------------------- 1b. observer reading its current result
// OBS_KEYS queries set with setQueryData (fresh: staleTime Infinity), one observer per key built
// with the library's QueryObserver and subscribed (so it is active, as under a component), then
// OBS_CALLS getCurrentResult() cycling over the observers. Checked: every result read is a success
// holding the expected data, no listener was called (nothing changed) and no queryFn ran.
const OBS_KEYS = 100, OBS_CALLS = 1_000_000; // TanStack answers from a field: a million calls keep its side well above the timer's resolution
async function observerWorkload(lib) {
  const client = lib === 'sq' ? sqClient() : tsClient();
  const Observer = lib === 'sq' ? SQ.QueryObserver : T.QueryObserver;
  for (let i = 0; i < OBS_KEYS; i++) client.setQueryData(userKey(i), user(i));
  let calls = 0, notified = 0;
  const queryFn = () => { calls++; return user(-1); };
  const observers = [], unsubscribes = [];
  for (let i = 0; i < OBS_KEYS; i++) {
    const o = new Observer(client, { queryKey: userKey(i), queryFn, staleTime: Infinity });
    unsubscribes.push(o.subscribe(() => { notified++; }));
    observers.push(o);
  }
  await sleep(0); // whatever subscribing scheduled runs before the clock starts
  let good = 0;
  const t0 = now();
  for (let n = 0; n < OBS_CALLS; n++) {
    const k = n % OBS_KEYS;
    const result = observers[k].getCurrentResult();
    if (result.status === 'success' && result.data?.id === k) good++;
  }
  const ms = now() - t0;
  await sleep(0);
  // Both call a listener on changes only, and nothing changed.
  check(`observer ${lib}`, good === OBS_CALLS && calls === 0 && notified === 0,
    `results with the expected data ${good}/${OBS_CALLS}, queryFn calls ${calls}, listener calls ${notified}`);
  for (const u of unsubscribes) u();
  if (lib === 'sq') { for (const o of observers) { o.destroy(); o.free(); } sqDispose(client); } else client.clear();
  return OBS_CALLS / ms * 1000;
}

// ---------------------------------------------------------------- 1c. observers mounting and unmounting
// What a list of components costs as it mounts: MOUNT_CYCLES times a new QueryObserver of one
// of OBS_KEYS cached keys (fresh: staleTime Infinity), subscribed, its current result read,
// and unsubscribed. Checked: every result holds the expected data and no queryFn ran.
const MOUNT_CYCLES = 20_000;
async function mountWorkload(lib) {
  const client = lib === 'sq' ? sqClient() : tsClient();
  const Observer = lib === 'sq' ? SQ.QueryObserver : T.QueryObserver;
  for (let i = 0; i < OBS_KEYS; i++) client.setQueryData(userKey(i), user(i));
  let calls = 0, good = 0;
  const queryFn = () => { calls++; return user(-1); };
  const listener = () => {};
  const t0 = now();
  for (let n = 0; n < MOUNT_CYCLES; n++) {
    const k = n % OBS_KEYS;
    const o = new Observer(client, { queryKey: userKey(k), queryFn, staleTime: Infinity });
    const unsubscribe = o.subscribe(listener);
    if (o.getCurrentResult().data?.id === k) good++;
    unsubscribe();
  }
  const ms = now() - t0;
  await sleep(0);
  check(`mount ${lib}`, good === MOUNT_CYCLES && calls === 0, `results with the expected data ${good}/${MOUNT_CYCLES}, queryFn calls ${calls}`);
  if (lib === 'sq') sqDispose(client); else client.clear();
  return MOUNT_CYCLES / ms * 1000;
}

// ---------------------------------------------------------------- 1d. a list on one key
// A list whose every row observes the same query (the signed-in user, a setting): LIST_ROWS
// observers of one cached key made and subscribed one after another (a commit mounting the
// list), each one's current result read (the render after), then all unsubscribed, LIST_ROUNDS
// times. Checked: every result holds the query's data and no queryFn ran.
const LIST_ROWS = 2_000, LIST_ROUNDS = 5;
async function listWorkload(lib) {
  const client = lib === 'sq' ? sqClient() : tsClient();
  client.setQueryData(userKey(0), user(0));
  const ms = await mountList(`list ${lib}`, client, lib === 'sq' ? SQ.QueryObserver : T.QueryObserver, LIST_ROWS, LIST_ROUNDS, () => 0);
  if (lib === 'sq') sqDispose(client); else client.clear();
  return LIST_ROWS * LIST_ROUNDS / ms * 1000;
}

/**
 * `rounds` times: `rows` observers made and subscribed (row i observes the cached query
 * `userKey(keyOf(i))`), each one's current result read, then all unsubscribed. Resolves with the
 * milliseconds that took, once it has checked (a turn later, where a stray fetch would have run)
 * that every result held its query's data and no queryFn ran.
 */
async function mountList(what, client, Observer, rows, rounds, keyOf) {
  let calls = 0, good = 0;
  const queryFn = () => { calls++; return user(-1); };
  const listener = () => {};
  const observers = new Array(rows), unsubscribes = new Array(rows);
  const t0 = now();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < rows; i++) {
      observers[i] = new Observer(client, { queryKey: userKey(keyOf(i)), queryFn, staleTime: Infinity });
      unsubscribes[i] = observers[i].subscribe(listener);
    }
    for (let i = 0; i < rows; i++) if (observers[i].getCurrentResult().data?.id === keyOf(i)) good++;
    for (let i = 0; i < rows; i++) unsubscribes[i]();
  }
  const ms = now() - t0;
  await sleep(0);
  check(what, good === rows * rounds && calls === 0, `results with the expected data ${good}/${rows * rounds}, queryFn calls ${calls}`);
  return ms;
}

// ---------------------------------------------------------------- 1e. a long list, a query per row
// A list whose every row has its own query (a feed, a table): LONG_ROWS cached queries, one
// observer of each made and subscribed (the commit mounting the list), each one's current
// result read (the render after), then all unsubscribed. Here the queries are filled before
// the clock starts, in a page whose earlier workloads have grown the wasm memory already;
// workload 9 times the same list in a fresh page, filling included.
const LONG_ROWS = 20_000;
async function longListWorkload(lib) {
  const client = lib === 'sq' ? sqClient() : tsClient();
  for (let i = 0; i < LONG_ROWS; i++) client.setQueryData(userKey(i), user(i));
  const ms = await mountList(`long list ${lib}`, client, lib === 'sq' ? SQ.QueryObserver : T.QueryObserver, LONG_ROWS, 1, (i) => i);
  if (lib === 'sq') sqDispose(client); else client.clear();
  return LONG_ROWS / ms * 1000;
}

// ---------------------------------------------------------------- 2. write and persist (+ 3. cold start on the same stores)
const PERSIST_N = 10_000;
const todoKey = (i) => ['todo', i];
const COLD_KEYS = [4321, 17, 9876]; // one cold client per key and round

async function rawPersist(db) {
  const open = await new Promise((res, rej) => {
    const r = indexedDB.open(db, 1);
    r.onupgradeneeded = () => r.result.createObjectStore('s');
    r.onsuccess = () => res(r.result);
    r.onerror = () => rej(r.error);
  });
  const t0 = now();
  const tx = open.transaction('s', 'readwrite');
  const store = tx.objectStore('s');
  for (let i = 0; i < PERSIST_N; i++) store.put(JSON.stringify(row(i)), `k:${JSON.stringify(todoKey(i))}`);
  await new Promise((res, rej) => { tx.oncomplete = res; tx.onerror = () => rej(tx.error); });
  const ms = now() - t0;
  open.close();
  check('persist raw', await countEntries(db, 's') === PERSIST_N, 'entry count');
  await afterWrites();
  return ms;
}

// The floor of any restore of per-key entries: plain JS reading the 10,000 rows `rawPersist`
// wrote with getAllKeys + getAll in one transaction (no parsing).
async function rawRestore(db) {
  const t0 = now();
  const open = await new Promise((res, rej) => {
    const r = indexedDB.open(db, 1);
    r.onsuccess = () => res(r.result);
    r.onerror = () => rej(r.error);
  });
  const store = open.transaction('s').objectStore('s');
  const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
  const [keys, values] = await Promise.all([req(store.getAllKeys()), req(store.getAll())]);
  const ms = now() - t0;
  open.close();
  check('restore raw', keys.length === PERSIST_N && values.length === PERSIST_N, `${keys.length} keys`);
  return ms;
}

// `extra`: client options, e.g. { crossTab: false } (cross-tab sync is on by default with IndexedDB).
async function sqPersist(db, extra = {}) {
  const storage = new SQ.IndexedDbStorage({ dbName: db, storeName: 'queries' });
  await storage.get('warm-up'); // opens the database before the clock starts, as the other sides do
  const client = sqClient({ storage, ...extra });
  const t0 = now();
  for (let i = 0; i < PERSIST_N; i++) client.setQueryData(todoKey(i), row(i));
  await client.flush();
  const ms = now() - t0;
  const calls = client.storageCalls;
  sqDispose(client);
  const n = await countEntries(db, 'queries', 'stackquery:');
  check('persist stackquery', n === PERSIST_N, `${n} entries in IndexedDB`);
  await afterWrites();
  return { ms, storageCalls: calls };
}

// After each workload that writes to IndexedDB, whoever wrote (stackquery, TanStack or the
// raw limit), the page waits out of every timing, so that the work a write leaves behind lands
// in no other workload's measurement: Chromium writes a transaction's data to disk and compacts
// it in the background after it completed, and IndexedDbStorage folds what was written into
// the namespace's packed image a second after the last write.
const afterWrites = () => sleep(1_600);

// TanStack's per-query persister persists on fetch: fetchQuery with an instant queryFn and the
// persister; its persisterFn first tries to restore (one IndexedDB read, a miss), then runs queryFn
// and schedules the write (one idb-keyval transaction per query). Done when all writes completed.
async function tsQueryPersist(db) {
  const writes = counter(PERSIST_N);
  const storage = idbKeyval(T, db, writes.inc);
  await storage.getItem('warm-up');
  const persister = T.experimental_createQueryPersister({ storage });
  const client = tsClient();
  const t0 = now();
  const fetches = [];
  for (let i = 0; i < PERSIST_N; i++) {
    fetches.push(client.fetchQuery({ queryKey: todoKey(i), queryFn: () => row(i), persister: persister.persisterFn }));
  }
  await Promise.all(fetches);
  await writes.all;
  const ms = now() - t0;
  client.clear();
  const n = await countEntries(db, 'keyval', 'tanstack-query-');
  check('persist tanstack per-query', n === PERSIST_N, `${n} entries in IndexedDB`);
  await afterWrites();
  return ms;
}

// The per-query persister's best case: no restore attempt, only the writes. setQueryData, then its
// persistQuery for each query (found by hash: persistQueryByKey's find() scans the whole cache).
async function tsQueryWriteOnly(db) {
  const storage = idbKeyval(T, db);
  await storage.getItem('warm-up');
  const persister = T.experimental_createQueryPersister({ storage });
  const client = tsClient();
  const cache = client.getQueryCache();
  const t0 = now();
  const writes = [];
  for (let i = 0; i < PERSIST_N; i++) {
    client.setQueryData(todoKey(i), row(i));
    writes.push(persister.persistQuery(cache.get(T.hashKey(todoKey(i)))));
  }
  await Promise.all(writes);
  const ms = now() - t0;
  client.clear();
  const n = await countEntries(db, 'keyval', 'tanstack-query-');
  check('persist tanstack per-query (writes only)', n === PERSIST_N, `${n} entries in IndexedDB`);
  await afterWrites();
  return ms;
}

// TanStack's whole-client persister (createAsyncStoragePersister, throttleTime 0): setQueryData
// ×10,000 then one persistQueryClientSave (dehydrate, JSON.stringify, one idb-keyval write). This is
// its best case: persistQueryClient's subscription would dehydrate the whole cache on every change.
async function tsClientPersist(db) {
  const storage = idbKeyval(T, db);
  await storage.getItem('warm-up');
  const persister = T.createAsyncStoragePersister({ storage, throttleTime: 0 });
  const client = tsClient();
  const t0 = now();
  for (let i = 0; i < PERSIST_N; i++) client.setQueryData(todoKey(i), row(i));
  await T.persistQueryClientSave({ queryClient: client, persister });
  const ms = now() - t0;
  client.clear();
  const saved = JSON.parse(await readEntry(db, 'keyval', 'REACT_QUERY_OFFLINE_CACHE'));
  check('persist tanstack whole-client', saved.clientState.queries.length === PERSIST_N, `${saved.clientState.queries.length} queries saved`);
  await afterWrites();
  return ms;
}

// 3. Cold start: a new client on a store holding the 10,000 queries persisted above; the time
// until the data of one key is available, and until all 10,000 are in the new client.
async function sqCold(db) {
  let calls = 0;
  const queryFn = () => { calls++; return 'from network'; };
  const one = [];
  for (const k of COLD_KEYS) {
    const t0 = now();
    const client = sqClient({ storage: new SQ.IndexedDbStorage({ dbName: db, storeName: 'queries' }) });
    const data = await client.fetchQuery({ queryKey: todoKey(k), queryFn });
    one.push(now() - t0);
    check('cold stackquery one key', data?.id === k, JSON.stringify(data));
    sqDispose(client);
  }
  const t0 = now();
  const client = sqClient({ storage: new SQ.IndexedDbStorage({ dbName: db, storeName: 'queries' }) });
  const all = await Promise.all(Array.from({ length: PERSIST_N }, (_, i) => client.fetchQuery({ queryKey: todoKey(i), queryFn })));
  const allMs = now() - t0;
  check('cold stackquery all', all.every((d, i) => d?.id === i) && client.size === PERSIST_N, `size ${client.size}`);
  const reads = client.storageCalls;
  await sleep(0);
  check('cold stackquery queryFn not called', calls === 0, `${calls} calls`);
  sqDispose(client);
  return { oneMs: median(one), allMs, storageCallsAll: reads };
}

// The bulk restore, every stored query of the namespace in one pass (restoreQueries()), as
// many times per round as TanStack's whole-client restore below and in the same way: one
// settle before the first, each client disposed before the next; the median.
async function sqRestoreAll(db) {
  const times = [];
  for (const k of COLD_KEYS) {
    const t0 = now();
    const bulk = sqClient({ storage: new SQ.IndexedDbStorage({ dbName: db, storeName: 'queries' }) });
    const restored = await bulk.restoreQueries();
    times.push(now() - t0);
    check('cold stackquery restoreQueries()', restored === PERSIST_N && bulk.size === PERSIST_N
      && bulk.getQueryData(todoKey(k))?.id === k, `restored ${restored}, size ${bulk.size}`);
    sqDispose(bulk);
  }
  return median(times);
}

// 500 observers mounting at once on cold keys (a list page after a reload): the time until
// every observer has its data from L2, and the storage requests it took. TanStack: each
// observer's query with the per-query persister (one restore read per query).
const OBSERVED = 500;
async function sqColdObservers(db) {
  const t0 = now();
  const client = sqClient({ storage: new SQ.IndexedDbStorage({ dbName: db, storeName: 'queries' }) });
  const ms = await allObserved(client, SQ.QueryObserver, {});
  const calls = client.storageCalls;
  sqDispose(client);
  return { ms: ms(t0), calls };
}
async function tsColdObservers(db) {
  const t0 = now();
  const client = tsClient();
  const persister = T.experimental_createQueryPersister({ storage: idbKeyval(T, db) });
  const ms = await allObserved(client, T.QueryObserver, { persister: persister.persisterFn });
  client.clear();
  return { ms: ms(t0), calls: OBSERVED };
}
/** Mounts OBSERVED observers of ['todo', i] and waits until all have data (never from queryFn). */
async function allObserved(client, Observer, extra) {
  let pending = OBSERVED, done;
  const all = new Promise((r) => { done = r; });
  const queryFn = () => { throw new Error('the data is in L2'); };
  const unsubs = Array.from({ length: OBSERVED }, (_, i) => {
    let seen = false;
    const o = new Observer(client, { queryKey: todoKey(i * 17), queryFn, staleTime: Infinity, retry: false, ...extra });
    return o.subscribe((res) => {
      if (!seen && res.data?.id === i * 17) { seen = true; if (--pending === 0) done(); }
    });
  });
  await all;
  const t1 = now();
  unsubs.forEach((u) => u());
  check('cold observers got their data', pending === 0, `${pending} left`);
  return (t0) => t1 - t0;
}

// As many restores as stackquery gets cold clients, for a median as steady as its own.
async function tsClientCold(db) {
  const times = [];
  for (const k of COLD_KEYS) {
    const t0 = now();
    const client = tsClient();
    const persister = T.createAsyncStoragePersister({ storage: idbKeyval(T, db), throttleTime: 0 });
    await T.persistQueryClientRestore({ queryClient: client, persister });
    const data = client.getQueryData(todoKey(k));
    times.push(now() - t0);
    const size = client.getQueryCache().getAll().length;
    check('cold tanstack whole-client', data?.id === k && size === PERSIST_N, `size ${size}`);
    client.clear();
  }
  return median(times);
}

async function tsQueryCold(db) {
  let calls = 0;
  const queryFn = () => { calls++; return 'from network'; };
  const one = [];
  for (const k of COLD_KEYS) {
    const t0 = now();
    const client = tsClient();
    const persister = T.experimental_createQueryPersister({ storage: idbKeyval(T, db) });
    const data = await client.fetchQuery({ queryKey: todoKey(k), queryFn, persister: persister.persisterFn });
    one.push(now() - t0);
    check('cold tanstack per-query one key', data?.id === k, JSON.stringify(data));
    client.clear();
  }
  // Restoring everything: the persister's restoreQueries (entries(), then setQueryData each).
  const t0 = now();
  const client = tsClient();
  const persister = T.experimental_createQueryPersister({ storage: idbKeyval(T, db) });
  await persister.restoreQueries(client);
  const allMs = now() - t0;
  const size = client.getQueryCache().getAll().length;
  check('cold tanstack per-query all', size === PERSIST_N, `size ${size}`);
  await sleep(10);
  check('cold tanstack per-query queryFn not called', calls === 0, `${calls} calls`);
  client.clear();
  return { oneMs: median(one), allMs };
}

// ---------------------------------------------------------------- 4. invalidate by prefix
const PREFIXES = 200, PER_PREFIX = 100;
async function invalidateWorkload(lib) {
  const client = lib === 'sq' ? sqClient() : tsClient();
  for (let p = 0; p < PREFIXES; p++) {
    for (let i = 0; i < PER_PREFIX; i++) client.setQueryData([`list${p}`, { page: i }], { p, i });
  }
  const t0 = now();
  for (let p = 0; p < PREFIXES; p++) await client.invalidateQueries({ queryKey: [`list${p}`], refetchType: 'none' });
  const ms = now() - t0;
  let invalidated = 0;
  for (let p = 0; p < PREFIXES; p++) {
    for (let i = 0; i < PER_PREFIX; i++) if (client.getQueryState([`list${p}`, { page: i }])?.isInvalidated) invalidated++;
  }
  check(`invalidate ${lib}`, invalidated === PREFIXES * PER_PREFIX, `${invalidated} invalidated`);
  if (lib === 'sq') sqDispose(client); else client.clear();
  return PREFIXES / ms * 1000;
}

// ---------------------------------------------------------------- 5. main-thread blocking
// 5,000 queries arrive in 100 tasks of 50 (setTimeout(0) apart), then the library persists them.
// Measured from the first write until durable: the longest task of the main thread (wall and CPU
// time, from a Chromium trace taken by compare.mjs), the longest gap between the callbacks of a
// setTimeout(0) probe chain (Chromium clamps nested timers to 4 ms, so an idle page shows about
// 4 ms), and 'longtask' entries (the browser reports only tasks of 50 ms or more).
const BLOCK_N = 5_000, CHUNK = 50;
function probe() {
  const st = { maxGap: 0, last: now(), running: true, longtasks: [] };
  const tick = () => {
    const t = now();
    st.maxGap = Math.max(st.maxGap, t - st.last);
    st.last = t;
    if (st.running) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  const po = new PerformanceObserver((list) => { for (const e of list.getEntries()) st.longtasks.push(e.duration); });
  po.observe({ type: 'longtask' });
  return async () => {
    st.maxGap = Math.max(st.maxGap, now() - st.last);
    st.running = false;
    await sleep(60); // longtask entries are delivered after the task
    for (const e of po.takeRecords()) st.longtasks.push(e.duration);
    po.disconnect();
    return { maxGap: st.maxGap, longtasks: st.longtasks.length, maxLongtask: Math.max(0, ...st.longtasks) };
  };
}
async function inChunks(write) {
  for (let i = 0; i < BLOCK_N; i += CHUNK) {
    for (let j = i; j < i + CHUNK; j++) write(j);
    await sleep(0);
  }
}
const trace = (cmd) => (typeof window.compareTrace === 'function' ? window.compareTrace(cmd) : null);
async function blockingWorkload(kind, db) {
  let stop, client;
  if (kind === 'sq') {
    const storage = new SQ.IndexedDbStorage({ dbName: db, storeName: 'queries' });
    await storage.get('warm-up');
    client = sqClient({ storage });
    await settle();
    await trace('start');
    stop = probe();
    await inChunks((i) => client.setQueryData(todoKey(i), row(i)));
    await client.flush();
  } else if (kind === 'tsQuery') {
    const writes = counter(BLOCK_N);
    const storage = idbKeyval(T, db, writes.inc);
    await storage.getItem('warm-up');
    const persister = T.experimental_createQueryPersister({ storage });
    client = tsClient();
    await settle();
    await trace('start');
    stop = probe();
    await inChunks((i) => { client.fetchQuery({ queryKey: todoKey(i), queryFn: () => row(i), persister: persister.persisterFn }); });
    await writes.all;
  } else {
    const storage = idbKeyval(T, db);
    await storage.getItem('warm-up');
    const persister = T.createAsyncStoragePersister({ storage, throttleTime: 0 });
    client = tsClient();
    await settle();
    await trace('start');
    stop = probe();
    await inChunks((i) => client.setQueryData(todoKey(i), row(i)));
    await T.persistQueryClientSave({ queryClient: client, persister });
  }
  const r = await stop();
  r.task = await trace('stop');
  if (kind === 'sq') sqDispose(client); else client.clear();
  const n = kind === 'sq' ? await countEntries(db, 'queries', 'stackquery:')
    : kind === 'tsQuery' ? await countEntries(db, 'keyval', 'tanstack-query-')
      : JSON.parse(await readEntry(db, 'keyval', 'REACT_QUERY_OFFLINE_CACHE')).clientState.queries.length;
  check(`blocking ${kind}`, n === BLOCK_N, `${n} persisted`);
  await afterWrites();
  return r;
}
async function idleProbe() {
  const stop = probe();
  await sleep(300);
  return (await stop()).maxGap;
}

// ---------------------------------------------------------------- 7. memory (one library per page)
const MEM_N = 10_000;
async function settledHeap() {
  for (let i = 0; i < 4; i++) { gc(); await sleep(20); }
  return performance.memory.usedJSHeapSize;
}
async function memory(lib) {
  let wasmMemory = null, client, loadMs;
  const t0 = now();
  if (lib === 'stackquery') {
    SQ = await import(PKG);
    wasmMemory = (await SQ.default()).memory; // the web target's init() returns the wasm exports
  } else if (lib === 'tanstack') {
    T = await import(TANSTACK);
  }
  loadMs = now() - t0;
  const wasmBytes = () => (wasmMemory ? wasmMemory.buffer.byteLength : 0);
  // The baseline holds the same data in a Map: what the data costs without any cache around it.
  if (lib === 'stackquery') client = sqClient(); else if (lib === 'tanstack') client = tsClient(); else client = new Map();
  const heap0 = await settledHeap(), wasm0 = wasmBytes();
  for (let i = 0; i < MEM_N; i++) {
    if (lib === 'baseline') client.set(JSON.stringify(userKey(i)), row1k(i));
    else client.setQueryData(userKey(i), row1k(i));
  }
  const heap1 = await settledHeap(), wasm1 = wasmBytes();
  const ok = lib === 'baseline' ? client.size === MEM_N : client.getQueryData(userKey(MEM_N - 1))?.id === MEM_N - 1;
  check(`memory ${lib}`, ok, 'last query missing');
  return {
    lib, n: MEM_N, loadMs, dataJsonBytes: JSON.stringify(row1k(MEM_N / 2)).length,
    heapBytes: heap1 - heap0, wasmBytes: wasm1 - wasm0, wasmTotal: wasm1,
    perQuery: (heap1 - heap0 + wasm1 - wasm0) / MEM_N, keepAlive: typeof client,
  };
}

// ---------------------------------------------------------------- 9. a long list in a fresh page (one library per page)
// Workload 1e's list as an app meets it first: in a fresh page, the LONG_ROWS queries filled
// (`setQueryData`), then an observer of each mounted, read and unmounted. The fill and the
// mounting grow the engine's wasm memory from its start, where workload 1e finds it grown.
async function freshList(lib) {
  if (lib === 'stackquery') {
    SQ = await import(PKG);
    if (typeof SQ.default === 'function') await SQ.default();
  } else {
    T = await import(TANSTACK);
  }
  const client = lib === 'stackquery' ? sqClient() : tsClient();
  const t0 = now();
  for (let i = 0; i < LONG_ROWS; i++) client.setQueryData(userKey(i), user(i));
  const fillMs = now() - t0;
  const mountMs = await mountList(`fresh list ${lib}`, client, lib === 'stackquery' ? SQ.QueryObserver : T.QueryObserver, LONG_ROWS, 1, (i) => i);
  return { lib, fillMs, mountMs, totalMs: fillMs + mountMs };
}

// ---------------------------------------------------------------- 8. module load (one library per fresh page)
// From the page's first line of work to a usable client: import the entry (fetch + compile of the
// module graph), init() (fetch + compile + instantiate the wasm), new QueryClient(); TanStack:
// import its bundle, new QueryClient(). The resources fetched meanwhile are listed from resource
// timing, with the chain of sequential requests (a request that started after another one had
// finished counts as after it). stackquery then uses IndexedDbStorage (a client on it, one write
// until durable, one cold read): what that fetched on top is what a lazy split loads later.
// lib=l1: `stackquery/l1`'s entry to a client without storage, the same way.
function resourcesSince(t, prefix) {
  return performance.getEntriesByType('resource')
    .filter((e) => e.startTime >= t && new URL(e.name).pathname.startsWith(prefix))
    .map((e) => ({ path: new URL(e.name).pathname.slice(prefix.length), type: e.initiatorType,
      start: e.startTime - t, end: e.responseEnd - t, bytes: e.encodedBodySize }));
}
function sequential(list) {
  const sorted = [...list].sort((a, b) => a.start - b.start);
  const depth = [];
  sorted.forEach((e, i) => {
    depth[i] = 1 + Math.max(0, ...sorted.slice(0, i).map((p, j) => (p.end <= e.start + 0.05 ? depth[j] : 0)));
  });
  return Math.max(0, ...depth);
}
async function load(lib) {
  const dir = (url) => new URL('./', new URL(url, location.href)).pathname;
  const prefix = lib === 'tanstack' ? dir(TANSTACK) : PKG_ROOT;
  const t0 = now();
  let client;
  if (lib === 'stackquery' || lib === 'l1') {
    SQ = await import(lib === 'l1' ? PKG_L1 : PKG);
    if (typeof SQ.default === 'function') await SQ.default(); // wasm-bindgen's init()
    client = new SQ.QueryClient();
  } else {
    T = await import(TANSTACK);
    client = new T.QueryClient();
  }
  const loadMs = now() - t0;
  client.setQueryData(['load', 1], { ok: 1 });
  check(`load ${lib}`, client.getQueryData(['load', 1])?.ok === 1, 'client does not answer');
  await sleep(50); // resource timing entries are added asynchronously
  const eager = resourcesSince(t0, prefix);
  let storage = [];
  if (lib === 'stackquery') {
    sqDispose(client);
    const t1 = now();
    const db = `load-${Math.random()}`;
    const a = new SQ.QueryClient({ storage: new SQ.IndexedDbStorage({ dbName: db, storeName: 'queries' }) });
    a.setQueryData(['load', 2], { ok: 2 });
    await a.flush();
    sqDispose(a);
    const b = new SQ.QueryClient({ storage: new SQ.IndexedDbStorage({ dbName: db, storeName: 'queries' }) });
    const data = await b.ensureQueryData({ queryKey: ['load', 2], queryFn: () => ({ ok: 'network' }) });
    check('load stackquery with IndexedDbStorage', data?.ok === 2, JSON.stringify(data));
    sqDispose(b);
    await sleep(50);
    storage = resourcesSince(t1, prefix);
    await deleteDb(db);
  } else if (lib === 'l1') {
    sqDispose(client);
  } else {
    client.clear();
  }
  return { lib, loadMs, eager, storage, requests: eager.length, sequential: sequential(eager) };
}

// ---------------------------------------------------------------- speed: the rounds
async function speed() {
  SQ = await import(PKG);
  await SQ.default();
  T = await import(TANSTACK);
  const rounds = [];
  // The reduced user agent says 156.0.0.0; the full version needs a client hint.
  const hints = await navigator.userAgentData?.getHighEntropyValues(['fullVersionList']);
  const browser = hints?.fullVersionList?.find((b) => /Chrom/.test(b.brand))?.version || navigator.userAgent;
  for (let r = 0; r < ROUNDS; r++) {
    out(`round ${r + 1}/${ROUNDS}…`);
    // Interleaved: each workload runs both libraries back to back; even rounds stackquery first.
    const both = async (sqFn, tsFn) => {
      if (r % 2 === 0) { await settle(); const a = await sqFn(); await settle(); const b = await tsFn(); return [a, b]; }
      await settle(); const b = await tsFn(); await settle(); const a = await sqFn(); return [a, b];
    };
    const one = async (fn) => { await settle(); return fn(); };
    const res = {};
    await sleep(200);
    res.idleGap = await idleProbe();
    [res.readSq, res.readTs] = await both(() => readWorkload('sq'), () => readWorkload('ts'));
    [res.obsSq, res.obsTs] = await both(() => observerWorkload('sq'), () => observerWorkload('ts'));
    [res.mountSq, res.mountTs] = await both(() => mountWorkload('sq'), () => mountWorkload('ts'));
    [res.listSq, res.listTs] = await both(() => listWorkload('sq'), () => listWorkload('ts'));
    [res.longSq, res.longTs] = await both(() => longListWorkload('sq'), () => longListWorkload('ts'));

    const db = (name) => `cmp-${name}-${r}`;
    // The raw limit runs beside stackquery, interleaved like the libraries (each side after
    // the same quiet), and TanStack's per-query persister after both.
    [res.persistSq, res.persistRaw] = await both(() => sqPersist(db('sq')), () => rawPersist(db('raw')));
    res.persistTsQuery = await one(() => tsQueryPersist(db('tsq')));
    res.persistSqNoTab = await one(() => sqPersist(db('sqn'), { crossTab: false }));
    // TanStack's best per-query case is informative only, and slow: the first 3 rounds.
    if (r < 3) res.persistTsWriteOnly = await one(() => tsQueryWriteOnly(db('tsw')));
    res.persistTsClient = await one(() => tsClientPersist(db('tsc')));

    [res.coldSq, res.coldTsQuery] = await both(() => sqCold(db('sq')), () => tsQueryCold(db('tsq')));
    res.restoreSq = await one(() => sqRestoreAll(db('sq')));
    res.coldTsClient = await one(() => tsClientCold(db('tsc')));
    res.restoreRaw = await one(() => rawRestore(db('raw')));
    [res.obsColdSq, res.obsColdTs] = await both(() => sqColdObservers(db('sq')), () => tsColdObservers(db('tsq')));

    [res.invSq, res.invTs] = await both(() => invalidateWorkload('sq'), () => invalidateWorkload('ts'));

    [res.blockSq, res.blockTsQuery] = await both(() => blockingWorkload('sq', db('bsq')), () => blockingWorkload('tsQuery', db('btsq')));
    res.blockTsClient = await one(() => blockingWorkload('tsClient', db('btsc')));

    for (const n of ['raw', 'sq', 'sqn', 'tsq', 'tsw', 'tsc', 'bsq', 'btsq', 'btsc']) await deleteDb(db(n));
    rounds.push(res);
  }
  return { mode: 'speed', browser, rounds };
}

try {
  const results = MODE === 'memory' ? await memory(params.get('lib')) : MODE === 'load' ? await load(params.get('lib'))
    : MODE === 'fresh-list' ? await freshList(params.get('lib')) : await speed();
  results.checks = checks;
  window.results = results;
  out(JSON.stringify(results, null, 2));
} catch (e) {
  window.results = { error: String(e?.stack || e), checks };
  out(window.results.error);
}
