// L2 persistence as a user sees it, in headless Chromium with its real IndexedDB.
// Each export gets `make(options)` (a QueryClient) and `lib` ({ IndexedDbStorage,
// MemoryStorage } constructors) and throws on failure. Fault injection uses plain JS
// storage objects; everything else is the real thing.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let dbCounter = 0;
const freshDb = () => `sq-test-${Date.now()}-${Math.random().toString(36).slice(2)}-${dbCounter++}`;

function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}
function eq(actual, expected, message) {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${message}: expected ${e}, got ${a}`);
}

/** Every entry of an IndexedDB object store, read with the plain IndexedDB API. */
async function idbEntries(dbName, storeName = 'queries') {
  const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
  const db = await req(indexedDB.open(dbName));
  try {
    if (!db.objectStoreNames.contains(storeName)) return new Map();
    const store = db.transaction(storeName).objectStore(storeName);
    const [keys, values] = await Promise.all([req(store.getAllKeys()), req(store.getAll())]);
    // Entries only: the records kept beside them under array keys (tombstones, each
    // namespace's order record) are not.
    return new Map(keys.map((k, i) => [k, values[i]]).filter(([k]) => typeof k === 'string'));
  } finally {
    db.close();
  }
}

/** A storage object that counts calls and can be told to fail, per operation. */
function scriptedStorage({ batch = false, withKeys = true } = {}) {
  const map = new Map();
  const s = {
    map,
    calls: { get: 0, set: 0, delete: 0, setMany: 0, deleteMany: 0, keys: 0 },
    ttls: [],
    mode: { get: 'ok', set: 'ok', delete: 'ok' },
  };
  const act = (op, fn) => {
    switch (s.mode[op]) {
      case 'throw': throw new Error(`${op} exploded`);
      case 'reject': return Promise.reject(new Error(`${op} rejected`));
      case 'hang': return new Promise(() => {});
      case 'corrupt': return op === 'get' ? '{"v":1,"key":["trunc' : fn();
      case 'garbage': return op === 'get' ? { not: 'a string' } : fn();
      case 'quota': {
        s.mode[op] = 'ok'; // full once
        throw new DOMException('the quota has been exceeded', 'QuotaExceededError');
      }
      default: return Promise.resolve(fn());
    }
  };
  s.get = (k) => { s.calls.get++; return act('get', () => (map.has(k) ? map.get(k) : null)); };
  s.set = (k, v, ttl) => { s.calls.set++; s.ttls.push(ttl); return act('set', () => { map.set(k, v); }); };
  s.delete = (k) => { s.calls.delete++; return act('delete', () => { map.delete(k); }); };
  if (batch) {
    s.setMany = (entries) => { s.calls.setMany++; return act('set', () => { for (const e of entries) { map.set(e.key, e.value); s.ttls.push(e.ttl); } }); };
    s.deleteMany = (keys) => { s.calls.deleteMany++; return act('delete', () => { for (const k of keys) map.delete(k); }); };
  }
  if (withKeys) s.keys = (prefix) => { s.calls.keys++; return [...map.keys()].filter((k) => k.startsWith(prefix)); };
  return s;
}

function counter(value = (n) => ({ n })) {
  const fn = async () => {
    fn.calls += 1;
    return value(fn.calls);
  };
  fn.calls = 0;
  return fn;
}

export async function dataSurvivesAReloadWithoutANetworkCall(make, lib) {
  const dbName = freshDb();
  const a = make({ storage: lib.IndexedDbStorage({ dbName }), staleTime: 60_000 });
  const first = counter(() => ({ todos: ['a', 'b'], nested: { deep: [1, null, 'x'] } }));
  await a.fetchQuery({ queryKey: ['todos', { page: 1 }], queryFn: first });
  await a.flush();
  a.dispose();

  // "reload": a new client and a new connection to the same database
  const b = make({ storage: lib.IndexedDbStorage({ dbName }), staleTime: 60_000 });
  const never = counter();
  const data = await b.fetchQuery({ queryKey: ['todos', { page: 1 }], queryFn: never });
  eq(data, { todos: ['a', 'b'], nested: { deep: [1, null, 'x'] } }, 'data comes back from IndexedDB');
  eq(never.calls, 0, 'fresh L2 data means no network call');
  const state = b.getQueryState(['todos', { page: 1 }]);
  eq(state.status, 'success', 'a success');
  assert(Date.now() - state.dataUpdatedAt < 60_000 && state.dataUpdatedAt > 0, 'dataUpdatedAt is the original time');
  assert(b.getQueryData(['todos', { page: 1 }]) === data, 'then an L1 hit, by reference');
  b.dispose();

  // stale L2 data: ensureQueryData with revalidateIfStale shows it at once and
  // refetches in the background (stale-while-revalidate)
  const c = make({ storage: lib.IndexedDbStorage({ dbName }), staleTime: 0 });
  const refetch = counter(() => ({ todos: ['fresh'] }));
  const shown = await c.ensureQueryData({ queryKey: ['todos', { page: 1 }], queryFn: refetch, revalidateIfStale: true });
  eq(shown.todos, ['a', 'b'], 'stale L2 data is returned at once');
  await sleep(20);
  eq(refetch.calls, 1, 'and refetched in the background');
  eq(c.getQueryData(['todos', { page: 1 }]).todos, ['fresh'], 'the refetch replaces it');
  await c.flush();
  const stored = JSON.parse((await idbEntries(dbName)).get('stackquery:["todos",{"page":1}]'));
  eq(stored.data.todos, ['fresh'], 'and reaches IndexedDB');
  c.dispose();
}

export async function concurrentColdReadsShareOneStorageRead(make) {
  const storage = scriptedStorage();
  const seed = make({ storage, staleTime: 60_000 });
  seed.setQueryData(['shared'], { v: 1 });
  await seed.flush();
  const client = make({ storage, staleTime: 60_000 });
  storage.calls.get = 0;
  const queryFn = counter();
  const results = await Promise.all(Array.from({ length: 10 }, () => client.fetchQuery({ queryKey: ['shared'], queryFn })));
  eq(storage.calls.get, 1, 'ten cold readers, one storage read');
  eq(queryFn.calls, 0, 'no network');
  assert(results.every((r) => r === results[0]), 'one object for all');
}

export async function writeBehindBatchesAThousandWrites(make, lib) {
  const storage = scriptedStorage({ batch: true });
  const client = make({ storage });
  for (let i = 0; i < 1000; i++) client.setQueryData(['item', i], { i });
  for (let i = 0; i < 1000; i++) client.setQueryData(['item', 7], { i, last: i === 999 });
  await client.flush();
  const writes = storage.calls.set + storage.calls.setMany;
  assert(writes <= 3, `2,000 setQueryData calls became ${writes} storage writes`);
  eq(storage.map.size, 1000, 'all 1,000 keys stored');
  eq(JSON.parse(storage.map.get('stackquery:["item",7]')).data.last, true, 'the last value won');
  // A batch's TTLs reach setMany with its entries, and its removals deleteMany.
  storage.ttls.length = 0;
  const timed = make({ storage, persistMaxAge: 60_000 });
  timed.setQueryData(['timed', 1], 1);
  timed.setQueryData(['timed', 2], 2);
  await timed.flush();
  timed.removeQueries({ queryKey: ['timed', 1] });
  timed.setQueryData(['timed', 3], 3);
  await timed.flush();
  eq(storage.ttls, [60, 60, 60], 'each entry with its TTL in seconds');
  eq([storage.map.has('stackquery:["timed",1]'), storage.map.has('stackquery:["timed",3]')], [false, true], 'the removal and the put of one batch');
  assert(storage.calls.deleteMany >= 1, 'the removal went through deleteMany');

  // the same against real IndexedDB: all values durable after flush(), in few transactions
  const dbName = freshDb();
  const idb = make({ storage: lib.IndexedDbStorage({ dbName }) });
  for (let i = 0; i < 1000; i++) idb.setQueryData(['row', i], { i, text: `row ${i}` });
  await idb.flush();
  const entries = await idbEntries(dbName);
  eq(entries.size, 1000, '1,000 entries in IndexedDB');
  eq(JSON.parse(entries.get('stackquery:["row",999]')).data, { i: 999, text: 'row 999' }, 'the values are right');
  assert(idb.storageCalls <= 3, `1,000 writes took ${idb.storageCalls} IndexedDB transactions`);
}

export async function onlySettledDataIsPersistedWithTtlInSeconds(make) {
  const storage = scriptedStorage();
  const client = make({ storage, persistMaxAge: 10_000 });
  let release;
  const p = client.fetchQuery({ queryKey: ['slow'], queryFn: () => new Promise((r) => (release = r)) });
  await sleep(10);
  await client.flush();
  eq(storage.map.size, 0, 'nothing is written while fetching');
  release({ done: true });
  await p;
  await client.flush();
  const entry = JSON.parse(storage.map.get('stackquery:["slow"]'));
  eq([entry.v, entry.key, entry.data, entry.invalidated, entry.buster], [1, ['slow'], { done: true }, false, ''], 'the envelope');
  assert(entry.expiresAt - entry.updatedAt === 10_000, 'expiry from persistMaxAge');
  eq(storage.ttls, [10], 'TTL handed to storage in seconds');
  const failing = make({ storage, retry: 0 });
  await failing.fetchQuery({ queryKey: ['fails'], queryFn: async () => { throw new Error('x'); } }).catch(() => {});
  await failing.flush();
  assert(!storage.map.has('stackquery:["fails"]'), 'errors are not persisted');
  const opted = make({ storage });
  opted.setQueryData(['fine'], 1);
  await opted.fetchQuery({ queryKey: ['private'], queryFn: async () => 'secret', persist: false });
  await opted.flush();
  assert(storage.map.has('stackquery:["fine"]') && !storage.map.has('stackquery:["private"]'), 'persist: false stays in L1');
}

export async function invalidateRemoveResetAndClearReachL2(make, lib) {
  const dbName = freshDb();
  const storage = lib.IndexedDbStorage({ dbName });
  const client = make({ storage, staleTime: Infinity });
  const other = make({ storage, keyPrefix: 'other-app' });
  for (const k of ['a', 'b', 'c', 'd']) client.setQueryData(['todos', k], { k });
  other.setQueryData(['todos', 'a'], { mine: true });
  await Promise.all([client.flush(), other.flush()]);
  eq((await idbEntries(dbName)).size, 5, 'five entries');

  await client.invalidateQueries({ queryKey: ['todos', 'a'] });
  await client.flush();
  let entries = await idbEntries(dbName);
  eq(JSON.parse(entries.get('stackquery:["todos","a"]')).invalidated, true, 'invalidation is persisted');
  const reloaded = make({ storage: lib.IndexedDbStorage({ dbName }), staleTime: Infinity });
  const refetch = counter(() => ({ k: 'a', refetched: true }));
  const stale = await reloaded.fetchQuery({ queryKey: ['todos', 'a'], queryFn: refetch });
  eq(stale.k, 'a', 'invalidated L2 data is shown');
  await sleep(10);
  eq(refetch.calls, 1, 'but refetched, despite staleTime Infinity');

  client.removeQueries({ queryKey: ['todos', 'b'] });
  await client.resetQueries({ queryKey: ['todos', 'c'] });
  await client.flush();
  entries = await idbEntries(dbName);
  assert(!entries.has('stackquery:["todos","b"]'), 'removeQueries deletes the L2 entry');
  assert(!entries.has('stackquery:["todos","c"]'), 'resetQueries deletes the L2 entry');
  assert(entries.has('stackquery:["todos","d"]'), 'others stay');

  await client.clear();
  entries = await idbEntries(dbName);
  eq([...entries.keys()].filter((k) => k.startsWith('stackquery:')), [], 'clear empties the namespace');
  assert(entries.has('other-app:["todos","a"]'), 'another prefix is untouched');
  eq(client.getQueryData(['todos', 'd']), undefined, 'and L1');
}

export async function removedKeysAreNotResurrectedFromL2(make) {
  const storage = scriptedStorage();
  const client = make({ storage, staleTime: 60_000 });
  client.setQueryData(['gone'], 'old');
  await client.flush();
  client.removeQueries({ queryKey: ['gone'] });
  // read before the delete is written: the queued delete wins over what L2 holds
  const fresh = await client.fetchQuery({ queryKey: ['gone'], queryFn: async () => 'new' });
  eq(fresh, 'new', 'a removed key is fetched, not restored');

  // After a reload the key is not in L1: an exact removal still deletes its L2 entry.
  await client.flush();
  const reloaded = make({ storage, staleTime: 60_000 });
  reloaded.removeQueries({ queryKey: ['gone'], exact: true });
  await reloaded.flush();
  eq(await reloaded.fetchQuery({ queryKey: ['gone'], queryFn: async () => 'refetched' }), 'refetched', 'an unloaded key removed exactly is not restored');
}

export async function l1DataNewerThanL2IsNeverOverwritten(make) {
  const storage = scriptedStorage();
  const a = make({ storage });
  a.setQueryData(['k'], 'old from L2');
  await a.flush();
  const b = make({ storage, staleTime: 60_000 });
  b.setQueryData(['k'], 'newer in L1');
  storage.calls.get = 0;
  eq(await b.fetchQuery({ queryKey: ['k'], queryFn: async () => 'net' }), 'newer in L1', 'L1 wins');
  eq(storage.calls.get, 0, 'no L2 read for a key L1 already has newer data for');
}

export async function busterAndExpiryMakeEntriesMissesThatAreDeleted(make) {
  const storage = scriptedStorage();
  const v1 = make({ storage, buster: 'v1' });
  v1.setQueryData(['schema'], { old: true });
  await v1.flush();
  const v2 = make({ storage, buster: 'v2', staleTime: 60_000 });
  const queryFn = counter(() => ({ new: true }));
  eq(await v2.fetchQuery({ queryKey: ['schema'], queryFn }), { new: true }, 'another buster: a miss');
  eq(queryFn.calls, 1, 'fetched');
  await v2.flush();
  eq(JSON.parse(storage.map.get('stackquery:["schema"]')).buster, 'v2', 'the old entry was replaced');

  const short = make({ storage, persistMaxAge: 30 });
  short.setQueryData(['brief'], 'x');
  await short.flush();
  await sleep(60);
  const later = make({ storage, staleTime: 60_000 });
  const refetch = counter(() => 'refetched');
  eq(await later.fetchQuery({ queryKey: ['brief'], queryFn: refetch }), 'refetched', 'expired entries are misses');
  await sleep(5);
  await later.flush();
  eq(JSON.parse(storage.map.get('stackquery:["brief"]')).data, 'refetched', 'and replaced');

  storage.map.set('stackquery:["foreign"]', JSON.stringify({ v: 9, something: 'else' }));
  const reader = make({ storage, staleTime: 60_000 });
  await reader.fetchQuery({ queryKey: ['foreign'], queryFn: async () => 'net' });
  await reader.flush();
  // the network data was written over the foreign entry
  eq(JSON.parse(storage.map.get('stackquery:["foreign"]')).v, 1, 'a foreign-version entry is not used');
}

/** One fault: the client answers from the network, reports once, and resumes after. */
async function faultCase(make, op, fault) {
  const storage = scriptedStorage();
  const seed = make({ storage });
  seed.setQueryData(['cached'], 'from L2');
  await seed.flush();
  const reports = [];
  const client = make({
    storage,
    storageTimeout: 40,
    staleTime: 60_000,
    onStorageError: (error, operation, key) => reports.push([operation, key, error && error.name]),
  });
  storage.mode[op] = fault;
  const label = `${op} ${fault}`;
  const answers = [];
  for (let i = 0; i < 3; i++) {
    answers.push(await client.fetchQuery({ queryKey: ['cached'], queryFn: async () => 'network' }).then((d) => d));
    client.setQueryData(['written', i], i);
    client.removeQueries({ queryKey: ['written', i - 1] });
    await client.flush();
  }
  const expectNetwork = op === 'get';
  eq(answers[0], expectNetwork ? 'network' : 'from L2', `${label}: fetchQuery still answers`);
  eq(reports.length, 1, `${label}: onStorageError fires once (${JSON.stringify(reports)})`);
  // heal, wait out the back-off, and check L2 is used again
  storage.mode[op] = 'ok';
  await sleep(1_100);
  client.setQueryData(['after'], 'healed');
  await client.flush();
  assert(storage.map.has('stackquery:["after"]'), `${label}: writes resume after recovery`);
  if (op !== 'get') {
    assert(storage.map.has('stackquery:["written",2]'), `${label}: writes queued during the outage land after it`);
    assert(!storage.map.has('stackquery:["written",0]'), `${label}: a key removed during the outage is not resurrected`);
  }
  const reader = make({ storage, staleTime: 60_000 });
  eq(await reader.fetchQuery({ queryKey: ['after'], queryFn: async () => 'network' }), 'healed', `${label}: reads resume`);
}

export async function faultMatrixGet(make) {
  for (const fault of ['throw', 'reject', 'hang', 'corrupt', 'garbage']) await faultCase(make, 'get', fault);
}

export async function faultMatrixSet(make) {
  for (const fault of ['throw', 'reject', 'hang']) await faultCase(make, 'set', fault);
}

export async function faultMatrixDelete(make) {
  for (const fault of ['throw', 'reject', 'hang']) await faultCase(make, 'delete', fault);
}

export async function indexedDbUnavailableFallsBackToL1(make, lib) {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');
  Object.defineProperty(globalThis, 'indexedDB', { value: undefined, configurable: true, writable: true });
  const reports = [];
  try {
    const client = make({ storage: lib.IndexedDbStorage({ dbName: freshDb() }), staleTime: 60_000, onStorageError: (e, op) => reports.push(op) });
    eq(await client.fetchQuery({ queryKey: ['x'], queryFn: async () => 'net' }), 'net', 'works without IndexedDB');
    client.setQueryData(['y'], 1);
    await client.flush();
    eq(await client.fetchQuery({ queryKey: ['x'], queryFn: async () => 'again' }), 'net', 'L1 still caches');
    eq(reports, ['get'], 'one report for the outage');
  } finally {
    if (saved) Object.defineProperty(globalThis, 'indexedDB', saved);
    else delete globalThis.indexedDB;
  }
  assert(typeof indexedDB.open === 'function', 'indexedDB restored');
}

export async function quotaExceededEvictsOldestAndRetriesOnce(make) {
  const storage = scriptedStorage({ batch: true });
  const reports = [];
  const client = make({ storage, onStorageError: (e, op) => reports.push([e.name, op]) });
  for (let i = 0; i < 8; i++) {
    client.setQueryData(['old', i], i);
    await client.flush();
    await sleep(2); // distinct ages
  }
  storage.mode.set = 'quota';
  client.setQueryData(['new'], 'fits now');
  await client.flush();
  assert(storage.map.has('stackquery:["new"]'), 'the write succeeded on the retry');
  assert(!storage.map.has('stackquery:["old",0]') && !storage.map.has('stackquery:["old",1]'), 'the oldest entries were evicted');
  assert(storage.map.has('stackquery:["old",7]'), 'the newest stay');
  eq(reports, [['QuotaExceededError', 'set']], 'the full store is reported once, even though the retry worked');
}

export async function syncStorageObjectsWork(make) {
  // Methods that return plain values rather than promises.
  const map = new Map();
  const storage = { get: (k) => map.get(k), set: (k, v) => void map.set(k, v), delete: (k) => void map.delete(k) };
  const a = make({ storage });
  a.setQueryData(['sync'], { ok: 1 });
  await a.flush();
  const b = make({ storage, staleTime: 60_000 });
  eq(await b.fetchQuery({ queryKey: ['sync'], queryFn: async () => 'net' }), { ok: 1 }, 'restored from a sync storage');
}

// The README's storage recipe (the seed's Redis/SQLite/DiskCache recipes, in JS):
// localStorage behind the protocol, with expiry honoured by the entry itself.
const localStorageBackend = {
  get: (key) => localStorage.getItem(key),
  set: (key, value) => localStorage.setItem(key, value),
  delete: (key) => localStorage.removeItem(key),
  keys: (prefix) => Object.keys(localStorage).filter((k) => k.startsWith(prefix)),
};

export async function readmeLocalStorageRecipeRuns(make) {
  localStorage.clear();
  const a = make({ storage: localStorageBackend, keyPrefix: 'myapp' });
  await a.fetchQuery({ queryKey: ['user', 1], queryFn: async () => ({ name: 'Ada' }) });
  await a.flush();
  assert(localStorage.getItem('myapp:["user",1]') !== null, 'stored in localStorage');
  const b = make({ storage: localStorageBackend, keyPrefix: 'myapp', staleTime: 60_000 });
  const never = counter();
  eq(await b.fetchQuery({ queryKey: ['user', 1], queryFn: never }), { name: 'Ada' }, 'restored');
  eq(never.calls, 0, 'no network');
  await b.clear();
  eq(Object.keys(localStorage).filter((k) => k.startsWith('myapp:')), [], 'clear() empties the namespace');
}

export async function memoryStorageIsAWorkingL2(make, lib) {
  const storage = lib.MemoryStorage();
  const a = make({ storage });
  a.setQueryData(['m'], [1, 2, 3]);
  await a.flush();
  eq(storage.size, 1, 'one entry');
  const b = make({ storage, staleTime: 60_000 });
  eq(await b.fetchQuery({ queryKey: ['m'], queryFn: async () => 'net' }), [1, 2, 3], 'shared between clients');
  const raw = JSON.parse(await storage.get('stackquery:["m"]'));
  eq(raw.data, [1, 2, 3], 'usable through the protocol too');
}

export async function badStorageOptionsAreTypeErrors(make) {
  const expectError = (options, fragment) => {
    try {
      make(options);
    } catch (e) {
      assert(e instanceof TypeError || e instanceof RangeError, `${fragment}: ${e}`);
      assert(e.message.includes(fragment), `message "${e.message}" names ${fragment}`);
      return;
    }
    throw new Error(`expected an error naming ${fragment}`);
  };
  expectError({ storage: { get() {} } }, 'storage');
  expectError({ storage: 'indexeddb' }, 'storage');
  expectError({ storage: new Set() }, 'storage'); // a Map would do: it has get, set and delete
  const ok = { get() {}, set() {}, delete() {} };
  expectError({ storage: ok, keyPrefix: 1 }, 'keyPrefix');
  expectError({ storage: ok, buster: {} }, 'buster');
  expectError({ storage: ok, persistMaxAge: -1 }, 'persistMaxAge');
  expectError({ storage: ok, storageTimeout: 0 }, 'storageTimeout');
  expectError({ storage: ok, onStorageError: 'log' }, 'onStorageError');
}

export async function keyPrefixesIsolateClientsSharingAStore(make) {
  const storage = scriptedStorage();
  const alice = make({ storage, keyPrefix: 'user-alice', staleTime: 60_000 });
  const bob = make({ storage, keyPrefix: 'user-bob', staleTime: 60_000 });
  alice.setQueryData(['profile'], { name: 'Alice' });
  await alice.flush();
  const bobNet = counter(() => ({ name: 'Bob' }));
  eq(await bob.fetchQuery({ queryKey: ['profile'], queryFn: bobNet }), { name: 'Bob' }, "bob never reads alice's entry");
  eq(bobNet.calls, 1, 'bob fetched his own');
  await bob.flush();
  const alice2 = make({ storage, keyPrefix: 'user-alice', staleTime: 60_000 });
  eq(await alice2.fetchQuery({ queryKey: ['profile'], queryFn: counter() }), { name: 'Alice' }, "and alice never reads bob's");
  await alice2.clear(); // log-out
  assert(!storage.map.has('stackquery:["profile"]') && !storage.map.has('user-alice:["profile"]'), "alice's namespace is gone");
  assert(storage.map.has('user-bob:["profile"]'), "bob's is untouched");
}

export async function entriesOverMaxEntryBytesStayInL1(make) {
  const storage = scriptedStorage();
  const reports = [];
  const client = make({ storage, maxEntryBytes: 300, onStorageError: (e, op, key) => reports.push([op, key, e.name, e.message]) });
  client.setQueryData(['doc'], { text: 'small' });
  await client.flush();
  assert(storage.map.has('stackquery:["doc"]'), 'a small entry is persisted');
  client.setQueryData(['doc'], { text: 'x'.repeat(1000) });
  await client.flush();
  eq(client.getQueryData(['doc']).text.length, 1000, 'the large data is in L1');
  assert(!storage.map.has('stackquery:["doc"]'), 'and its older, smaller entry is removed from L2 (no stale restore)');
  eq(reports.map((r) => r.slice(0, 3)), [['set', 'stackquery:["doc"]', 'RangeError']], 'said once, naming the key');
  assert(/maxEntryBytes/.test(reports[0][3]), reports[0][3]);
  client.setQueryData(['big'], 10n); // data JSON cannot hold
  await client.flush();
  eq(reports.at(-1).slice(0, 2), ['serialize', 'stackquery:["big"]'], 'unserialisable data is reported, not persisted');
  assert(client.getQueryData(['big']) === 10n, 'and stays in L1');
}

export async function aPagehideDuringABatchWritesWhatIsQueuedBehindItEvenWhenToJsonWritesToTheClient(make, lib) {
  const dbName = freshDb();
  const storage = lib.IndexedDbStorage({ dbName });
  const client = make({ storage });
  // The first batch stays in flight until released, as a slow transaction would.
  const writeBatch = storage.__writeBatch;
  let release;
  const held = new Promise((r) => { release = r; });
  storage.__writeBatch = (...args) => held.then(() => writeBatch(...args));
  for (let i = 0; i < 5; i++) client.setQueryData(['first', i], i);
  await sleep(0); // its batch is being written
  // Queued behind it: data whose toJSON writes to the client while its envelope is made.
  client.setQueryData(['behind'], { toJSON() { client.setQueryData(['from toJSON'], 'x'); return 'behind'; } });
  window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })); // kept by the back-forward cache
  await sleep(0);
  let written = await idbEntries(dbName);
  assert(written.has('stackquery:["behind"]') && written.has('stackquery:["first",4]'),
    `on pagehide the batch in flight and what is queued behind it are written at once: ${[...written.keys()]}`);
  release();
  await client.flush();
  // The page lives on: the client works, and what toJSON wrote reaches L2 too.
  eq(client.getQueryData(['from toJSON']), 'x', 'the write made by toJSON is in L1');
  client.setQueryData(['after'], 1);
  await client.flush();
  written = await idbEntries(dbName);
  assert(written.has('stackquery:["from toJSON"]') && written.has('stackquery:["after"]'), `then written as usual: ${[...written.keys()]}`);
}

export async function readsUnderWayAtPagehideAreAbortedThenMadeAgainAndAnswer(make, lib) {
  const dbName = freshDb();
  const writer = make({ storage: lib.IndexedDbStorage({ dbName }), crossTab: false });
  for (let i = 0; i < 300; i++) writer.setQueryData(['row', i], i);
  await writer.flush();
  writer.dispose();
  const storage = lib.IndexedDbStorage({ dbName });
  await storage.get('warm-up');
  const keys = Array.from({ length: 300 }, (_, i) => `stackquery:["row",${i}]`);
  const data = (stored) => (typeof stored === 'string' ? JSON.parse(stored).data : stored);
  // A pagehide of a page the back-forward cache keeps, dispatched while a dense read waits for
  // its count's answer (its transaction under way, its next request not yet made).
  const count = IDBObjectStore.prototype.count;
  const abort = IDBTransaction.prototype.abort;
  let aborted = 0;
  IDBTransaction.prototype.abort = function () {
    if (this.mode === 'readonly') aborted++;
    return abort.call(this);
  };
  IDBObjectStore.prototype.count = function (...args) {
    const request = count.apply(this, args);
    IDBObjectStore.prototype.count = count;
    queueMicrotask(() => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })));
    return request;
  };
  const unhandled = [];
  const onUnhandled = (e) => unhandled.push(String(e.reason));
  window.addEventListener('unhandledrejection', onUnhandled);
  let many, one, listed, few, entries;
  try {
    many = await storage.getMany(keys);
    // And reads asked for in the very task of a pagehide: made a task later, behind its write.
    const reads = [storage.get(keys[7]), storage.keys('stackquery:'), storage.getMany(keys.slice(0, 3)), storage.__entries('stackquery:[')];
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    [one, listed, few, entries] = await Promise.all(reads);
    await sleep(50);
  } finally {
    IDBObjectStore.prototype.count = count;
    IDBTransaction.prototype.abort = abort;
    window.removeEventListener('unhandledrejection', onUnhandled);
  }
  assert(aborted >= 1, `the read under way at pagehide was aborted (${aborted} readonly transactions aborted)`);
  eq(many.map(data), keys.map((_, i) => i), 'then made again: getMany answers every key');
  eq(data(one), 7, 'a get asked for as the page hides answers');
  eq(listed.length, 300, 'keys() asked for as the page hides lists every entry');
  eq(few.map(data), [0, 1, 2], 'so does a getMany');
  eq(entries[0].length, 300, 'and a read of the whole namespace');
  eq(unhandled, [], 'no promise is left rejected unhandled');
  // The page lives on (back-forward cache): reads and the client work as before.
  const client = make({ storage, staleTime: Infinity });
  eq(await client.fetchQuery({ queryKey: ['row', 42], queryFn: () => 'network' }), 42, 'a cold read after it');
  client.dispose();
}

/** Writes `value` under `key` straight into an IndexedDB store, as another program might. */
async function idbPut(dbName, key, value, storeName = 'queries') {
  const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
  const db = await req(indexedDB.open(dbName));
  try {
    const tx = db.transaction(storeName, 'readwrite');
    tx.objectStore(storeName).put(value, key);
    await new Promise((res, rej) => { tx.oncomplete = res; tx.onerror = () => rej(tx.error); });
  } finally {
    db.close();
  }
}

export async function namespacesNeverOverlapOnIndexedDb(make, lib) {
  const dbName = freshDb();
  const storage = () => lib.IndexedDbStorage({ dbName });
  const app = make({ storage: storage(), keyPrefix: 'app' });
  const admin = make({ storage: storage(), keyPrefix: 'app:admin' });
  const appx = make({ storage: storage(), keyPrefix: 'appx' });
  app.setQueryData(['users'], ['ada']);
  admin.setQueryData(['users'], ['root']);
  appx.setQueryData(['users'], ['eve']);
  await Promise.all([app.flush(), admin.flush(), appx.flush()]);
  eq((await idbEntries(dbName)).size, 3, 'three entries written');
  await app.clear(); // log-out of 'app'
  const left = [...(await idbEntries(dbName)).keys()].sort();
  eq(left, ['app:admin:["users"]', 'appx:["users"]'], "app's clear() leaves app:admin's and appx's entries");
  await admin.clear();
  eq([...(await idbEntries(dbName)).keys()], ['appx:["users"]'], "app:admin's clear() leaves appx's entry");
  for (const c of [app, admin, appx]) c.dispose();
}

export async function aHugeEntryInIndexedDbIsNeverParsed(make, lib) {
  const dbName = freshDb();
  const reports = [];
  const client = make({
    storage: lib.IndexedDbStorage({ dbName }),
    onStorageError: (e, op, key) => reports.push([op, key, e.message]),
  });
  client.setQueryData(['warm-up'], 1); // creates the database and its store
  await client.flush();
  // 50 MB that is not even an envelope: parsing it would report it as corrupt.
  await idbPut(dbName, 'stackquery:["big"]', 'x'.repeat(50 * 1024 * 1024));
  const net = counter(() => 'from the network');
  eq(await client.fetchQuery({ queryKey: ['big'], queryFn: net }), 'from the network', 'the huge entry is a miss');
  eq(net.calls, 1, 'so the query fetched');
  eq(reports.map((r) => r.slice(0, 2)), [['get', 'stackquery:["big"]']], 'reported once, naming the key');
  assert(/larger than maxEntryBytes/.test(reports[0][2]), `judged by its size before parsing: ${reports[0][2]}`);
  await client.flush();
  eq(JSON.parse((await idbEntries(dbName)).get('stackquery:["big"]')).data, 'from the network',
    'the huge entry was replaced by the fetched data');
  client.dispose();
}

// ---- the remote store ----
// RemoteStorage from the page in headless Chromium, against a real Redis behind the
// Upstash REST protocol (tests/servers/remote-store.mjs). The runner
// (tests/browser/package.test.mjs) starts it on free ports and passes its address in the
// page's query string: ?store=<REST URL>&control=<URL of its stop/start/reset/stats API>.
const remote = new URLSearchParams(globalThis.location ? location.search : '');
const STORE = remote.get('store');
const CONTROL = remote.get('control');
const TOKEN = 'stackquery-test-token';
async function control(path, method = 'POST') {
  if (!STORE || !CONTROL) throw new Error('no remote store: the page was opened without ?store=…&control=… (run tests/browser/package.test.mjs)');
  try {
    return await (await fetch(CONTROL + path, { method })).json();
  } catch (e) {
    throw new Error(`the remote store test server is not answering at ${CONTROL}: ${e}`);
  }
}
async function command(parts) {
  const r = await fetch(STORE, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(parts) });
  return (await r.json()).result;
}

export async function remoteStoreFromTheBrowser(make, lib) {
  await control('/start');
  await control('/reset');
  const prefix = `page-${Date.now()}`;
  const a = make({ storage: lib.RemoteStorage({ url: STORE, token: TOKEN }), keyPrefix: prefix });
  for (let i = 0; i < 50; i++) a.setQueryData(['item', i], { i });
  await a.fetchQuery({ queryKey: ['user'], queryFn: async () => ({ name: 'Ada' }) });
  await a.flush();
  const stats = await control('/stats', 'GET');
  // one cold read of ['user'] (a GET); the 51 writes in pipeline requests, none alone
  assert(stats.requests['/'] === 1 && stats.requests['/pipeline'] <= 2, `51 writes used the pipeline: ${JSON.stringify(stats.requests)}`);
  const raw = await command(['GET', `${prefix}:["user"]`]);
  assert(raw && JSON.parse(raw).data.name === 'Ada', 'write-behind reached Redis');
  const pttl = await command(['PTTL', `${prefix}:["user"]`]);
  assert(pttl > 0, `a TTL is set (PTTL ${pttl})`);

  const b = make({ storage: lib.RemoteStorage({ url: STORE, token: TOKEN }), keyPrefix: prefix, staleTime: 60_000 });
  let calls = 0;
  const user = await b.fetchQuery({ queryKey: ['user'], queryFn: async () => { calls++; return 'net'; } });
  assert(user.name === 'Ada' && calls === 0, 'a second client hydrates without calling queryFn');
}

export async function remoteStoreFailuresFallBackToL1(make, lib) {
  await control('/start');
  const reports = [];
  const wrong = make({
    storage: lib.RemoteStorage({ url: STORE, token: 'not-the-token' }),
    onStorageError: (e, op) => reports.push(String(e.message)),
  });
  assert((await wrong.fetchQuery({ queryKey: ['w'], queryFn: async () => 'net' })) === 'net', 'a wrong token: queries still work');
  assert(reports.length === 1 && /refused the token/.test(reports[0]) && !reports[0].includes('not-the-token'), `reported once, token hidden: ${reports}`);

  const prefix = `outage-${Date.now()}`;
  const outages = [];
  const client = make({ storage: lib.RemoteStorage({ url: STORE, token: TOKEN }), keyPrefix: prefix, storageTimeout: 1_000, onStorageError: (e, op) => outages.push(op) });
  await control('/stop');
  assert((await client.fetchQuery({ queryKey: ['x'], queryFn: async () => 'during' })) === 'during', 'the store stopped: queries keep working');
  client.setQueryData(['queued'], 1);
  await client.flush();
  assert(outages.length === 1, `one report: ${outages}`);
  await control('/start');
  await sleep(1_100);
  client.setQueryData(['after'], 2);
  await client.flush();
  assert(await command(['GET', `${prefix}:["after"]`]), 'restarted: L2 resumes');
  assert(await command(['GET', `${prefix}:["queued"]`]), 'and the write queued during the outage landed');
}

export async function crossTabChangesReachOtherClientsOnTheSameStore(make, lib) {
  const dbName = freshDb();
  const a = make({ storage: lib.IndexedDbStorage({ dbName }), staleTime: 60_000 });
  const b = make({ storage: lib.IndexedDbStorage({ dbName }), staleTime: 60_000 });
  const otherPrefix = make({ storage: lib.IndexedDbStorage({ dbName }), keyPrefix: 'other', staleTime: 60_000 });
  const optedOut = make({ storage: lib.IndexedDbStorage({ dbName }), crossTab: false, staleTime: 60_000 });
  for (const c of [b, otherPrefix, optedOut]) c.setQueryData(['todo', 1], { title: 'old', done: false });
  const seen = [];
  const off = b.watch({ queryKey: ['todo', 1], queryFn: async () => ({ title: 'net' }) }).subscribe((r) => seen.push(r.data && r.data.title));
  await b.flush();
  const writesBefore = b.storageCalls;

  await sleep(5);
  a.setQueryData(['todo', 1], { title: 'new', done: false });
  await sleep(50);
  eq(b.getQueryData(['todo', 1]), { title: 'new', done: false }, 'a change in one client reaches the other');
  eq(seen.at(-1), 'new', 'and its observers');
  eq(otherPrefix.getQueryData(['todo', 1]).title, 'old', 'another keyPrefix never hears it');
  eq(optedOut.getQueryData(['todo', 1]).title, 'old', 'crossTab: false never hears it');
  eq(b.getQueryData(['unknown']), undefined, 'nothing is created that the receiver does not hold');

  await a.fetchQuery({ queryKey: ['todo', 1], queryFn: async () => ({ title: 'fetched', done: true }), staleTime: 0 });
  await sleep(50);
  eq(b.getQueryData(['todo', 1]).title, 'fetched', 'fetch results travel too');

  await a.invalidateQueries({ queryKey: ['todo'] }, { refetchType: 'none' });
  await sleep(50);
  eq(b.getQueryState(['todo', 1]).isInvalidated, true, 'so does invalidation');

  b.setQueryData(['todo', 1], { title: 'from b' });
  await sleep(50);
  eq(a.getQueryData(['todo', 1]).title, 'from b', 'both ways');
  await sleep(50);
  eq(b.getQueryData(['todo', 1]).title, 'from b', 'without the message coming back');

  // Changes made in one task travel as one message.
  const raw = new BroadcastChannel(`stackquery:${dbName}/queries:stackquery`);
  const messages = [];
  raw.onmessage = (e) => messages.push(e.data);
  for (let i = 0; i < 100; i++) b.setQueryData(['many', i], 'old');
  await sleep(50);
  messages.length = 0;
  for (let i = 0; i < 100; i++) a.setQueryData(['many', i], `new ${i}`);
  await sleep(50);
  eq(messages.length, 1, 'one message for a loop of 100 writes');
  eq(messages[0].m.length, 100, 'carrying all 100');
  eq(b.getQueryData(['many', 99]), 'new 99', 'each applied');
  raw.close();
  await b.flush();
  const writesAfterMany = b.storageCalls;

  a.removeQueries({ queryKey: ['todo', 1] });
  await sleep(50);
  eq(b.getQueryState(['todo', 1]) && b.getQueryState(['todo', 1]).data, undefined, 'removal travels');
  await b.flush();
  eq(b.storageCalls - writesBefore, 2, "the receiver never re-writes what it hears (two writes: its own setQueryData and its own 100 'many')");
  eq(b.storageCalls, writesAfterMany, 'nothing written since');
  off();
  for (const c of [a, b, otherPrefix, optedOut]) c.dispose();
}

export async function aLateWriteNeverComesBackAfterClear(make) {
  // Log-out while a write given up after storageTimeout is still under way: when it
  // lands, the client deletes it again.
  const map = new Map();
  let slowFirst = true;
  const storage = {
    get: async (k) => (map.has(k) ? map.get(k) : null),
    set: (k, v) => {
      if (slowFirst) { slowFirst = false; return sleep(300).then(() => { map.set(k, v); }); }
      map.set(k, v);
    },
    delete: async (k) => { map.delete(k); },
    keys: async (prefix) => [...map.keys()].filter((k) => k.startsWith(prefix)),
  };
  const errors = [];
  const client = make({ storage, storageTimeout: 50, onStorageError: (e) => errors.push(e.name) });
  client.setQueryData(['me'], 'alice');
  await client.flush(); // given up after 50 ms, kept for retry
  await client.flush(); // written again (a flush probes at once)
  eq(map.get('stackquery:["me"]') !== undefined, true, 'the retry landed');
  await client.clear();
  eq([...map.keys()], [], 'log-out emptied the store');
  await sleep(400); // the slow first write lands now
  await client.flush();
  eq([...map.keys()], [], 'what landed late was deleted again');
  eq(errors, ['TimeoutError'], 'the slow write was reported once');
}

export async function aQueryFnGivenEarlierServesLaterCallsOnAColdKey(make) {
  // Before L2 was read for a key, a call without queryFn used to be refused even though
  // an earlier call had given one; the rule is now the same cold or warm.
  const client = make({ storage: scriptedStorage() });
  const first = client.prefetchQuery({ queryKey: ['later'], queryFn: async () => 'net' });
  eq(await client.fetchQuery({ queryKey: ['later'] }), 'net', 'the queryFn given by the earlier call serves');
  await first;
  let thrown = null;
  try { await client.fetchQuery({ queryKey: ['never-given'] }); } catch (e) { thrown = e; }
  assert(thrown instanceof Error && thrown.message === `Missing queryFn: '["never-given"]'`, 'with none at all it rejects with Missing queryFn');
}

/** A second client on a database where an earlier one persisted ['row', i] for i < n, and ['other']. */
async function coldClientOver(make, lib, n, options = {}) {
  const dbName = freshDb();
  const first = make({ storage: lib.IndexedDbStorage({ dbName }) });
  for (let i = 0; i < n; i++) first.setQueryData(['row', i], { i });
  first.setQueryData(['other'], 'x');
  await first.flush();
  first.dispose();
  return make({ storage: lib.IndexedDbStorage({ dbName }), staleTime: 60_000, ...options });
}

export async function coldReadsOfOneTurnAreOneIndexedDbTransaction(make, lib) {
  const client = await coldClientOver(make, lib, 300);
  const before = client.storageCalls;
  const queryFn = counter();
  // 300 observers mounting in one render: every one asks L2 in the same turn.
  const observers = Array.from({ length: 300 }, (_, i) =>
    new lib.QueryObserver(client, { queryKey: ['row', i], queryFn }));
  const seen = new Set();
  const unsubs = observers.map((o, i) => o.subscribe((r) => { if (r.data?.i === i) seen.add(i); }));
  for (let t = 0; t < 200 && seen.size < 300; t++) await sleep(5);
  eq(seen.size, 300, 'every observer got its row from L2');
  eq(queryFn.calls, 0, 'no network call');
  eq(client.storageCalls - before, 1, 'one IndexedDB transaction for the 300 reads');
  unsubs.forEach((u) => u());
  client.dispose();
}

export async function restoreQueriesReadsAWholeNamespaceFromIndexedDb(make, lib) {
  const client = await coldClientOver(make, lib, 2000, { maxEntries: 5000 });
  const before = client.storageCalls;
  eq(await client.restoreQueries({ queryKey: ['row'] }), 2000, 'the rows, not [\'other\']');
  eq(client.storageCalls - before, 1, 'one pass');
  eq(client.getQueryData(['row', 1999]), { i: 1999 }, 'a restored row');
  eq(client.getQueryData(['other']), undefined, 'outside the filter');
  eq(await client.restoreQueries(), 1, 'the rest');
  eq(client.getQueryData(['other']), 'x', 'restored');
  client.dispose();
}

export async function persistMaxBytesKeepsAnIndexedDbNamespaceUnderItsLimit(make, lib) {
  const dbName = freshDb();
  const client = make({ storage: lib.IndexedDbStorage({ dbName }), persistMaxBytes: 3_000 });
  for (let i = 0; i < 30; i++) {
    client.setQueryData(['row', i], { i, text: 'x'.repeat(400) });
    await client.flush();
    await sleep(2);
  }
  const stored = await idbEntries(dbName);
  const bytes = [...stored.values()].reduce((n, v) => n + v.length, 0);
  assert(bytes <= 3_000 && stored.size >= 4, `IndexedDB holds ${stored.size} entries, ${bytes} B`);
  assert(stored.has('stackquery:["row",29]') && !stored.has('stackquery:["row",0]'), 'the newest stay, the oldest went');
  eq(client.getQueryData(['row', 0]).i, 0, 'L1 keeps what L2 evicted');
  client.dispose();
}

export async function aStorageBehindAProxyStillPersists(make, lib) {
  // Vue's reactive(), MobX and logging wrappers hand the client a Proxy of the storage.
  const dbName = freshDb();
  const reports = [];
  const storage = new Proxy(lib.IndexedDbStorage({ dbName }), {});
  const client = make({ storage, staleTime: 60_000, onStorageError: (e, op) => reports.push(`${op}: ${e}`) });
  client.setQueryData(['proxied'], { ok: true });
  await client.flush();
  eq(reports, [], 'no storage error');
  eq([...(await idbEntries(dbName)).keys()], ['stackquery:["proxied"]'], 'written through the proxy');
  eq(await storage.keys('stackquery:'), ['stackquery:["proxied"]'], 'its own methods work through the proxy too');
  const memory = new Proxy(lib.MemoryStorage(), {});
  const other = make({ storage: memory, onStorageError: (e, op) => reports.push(`${op}: ${e}`) });
  other.setQueryData(['m'], 1);
  await other.flush();
  eq([reports, memory.size], [[], 1], 'MemoryStorage too, its size included');
  client.dispose();
  other.dispose();
}

export async function anotherStoreInTheSameDatabaseCostsNoOutage(make, lib) {
  // A second IndexedDbStorage with another storeName upgrades the database: the first
  // one's connection is closed under it, and its next write must open a new one at once.
  const dbName = freshDb();
  const reports = [];
  const first = make({ storage: lib.IndexedDbStorage({ dbName, storeName: 'a' }), onStorageError: (e, op) => reports.push(`${op}: ${e && e.name}`) });
  first.setQueryData(['x'], 1);
  await first.flush();
  const second = make({ storage: lib.IndexedDbStorage({ dbName, storeName: 'b' }) });
  second.setQueryData(['y'], 2);
  await second.flush();
  first.setQueryData(['x'], 3);
  await first.flush();
  eq(reports, [], 'no storage error, no outage');
  eq([...(await idbEntries(dbName, 'a')).keys()], ['stackquery:["x"]'], 'the write landed in store a');
  eq([...(await idbEntries(dbName, 'b')).keys()], ['stackquery:["y"]'], 'and store b has its own');
  first.dispose();
  second.dispose();
}

export async function olderDataWrittenInOrderNeverLandsOverWhatATabWroteAlone(make, lib) {
  // Tabs that have heard of each other write in order: an op newer than the greatest
  // version the namespace's record holds is written without reading its key. A tab
  // writing alone (here crossTab: false; by default, until it hears another tab) reads
  // nothing, so what it writes must still count in that record, or another tab's older
  // data (explicit updatedAt, hydration, a late write) lands over its newer data.
  const dbName = freshDb();
  const t = Date.now();
  const b = make({ storage: lib.IndexedDbStorage({ dbName }) });
  const c = make({ storage: lib.IndexedDbStorage({ dbName }) });
  b.setQueryData(['seed', 'b'], 1, { updatedAt: t - 120_000 });
  c.setQueryData(['seed', 'c'], 1, { updatedAt: t - 120_000 });
  await sleep(50); // b and c hear each other: they write in order from now on
  await b.flush();
  await c.flush();
  const alone = make({ storage: lib.IndexedDbStorage({ dbName }), crossTab: false });
  alone.setQueryData(['x'], 'newest', { updatedAt: t });
  await alone.flush();
  b.setQueryData(['x'], 'older', { updatedAt: t - 60_000 });
  await b.flush();
  const stored = JSON.parse((await idbEntries(dbName)).get('stackquery:["x"]'));
  eq(stored.data, 'newest', 'the newer data stays in IndexedDB');
  // Folded into the record: the next ordered batch reads nothing more for it.
  b.setQueryData(['x'], 'newer still', { updatedAt: t + 1 });
  await b.flush();
  eq(JSON.parse((await idbEntries(dbName)).get('stackquery:["x"]')).data, 'newer still', 'newer data is written');
  for (const client of [alone, b, c]) client.dispose();
}

export async function indexedDbGetManyAnswersEachKeyWhetherItReadsARangeOrKeyByKey(_make, lib) {
  // Many keys that are most of the rows between the least and the greatest of them are
  // read as one range (getAll); few, or scattered ones, key by key. Either way the answer
  // is one value per key asked for, in order, undefined where nothing is stored.
  const storage = lib.IndexedDbStorage({ dbName: freshDb() });
  const key = (i) => `k:${String(i).padStart(5, '0')}`;
  const rows = Array.from({ length: 1000 }, (_, i) => i);
  await Promise.all(rows.map((i) => storage.set(key(i), `v${i}`)));
  await storage.set('j:before', 'outside');
  const expect = (asked) => asked.map((i) => (i < 1000 ? `v${i}` : undefined));
  // Dense: 300 keys among 320 rows, with keys that hold nothing and a repeated key.
  const dense = [...Array.from({ length: 300 }, (_, i) => 700 - i), 1005, 1010, 650];
  const denseAsked = dense.map(key);
  eq(await storage.getMany(denseAsked), expect(dense), 'dense: every value, in the order asked');
  // Sparse: 100 keys spread over all 1,000 rows.
  const sparse = Array.from({ length: 100 }, (_, i) => (i * 97) % 1000).concat([2000]);
  eq(await storage.getMany(sparse.map(key)), expect(sparse), 'sparse: the same');
  eq(await storage.getMany([key(3), key(1)]), ['v3', 'v1'], 'a few keys');
  eq(await storage.getMany([]), [], 'no keys');
  storage.free();
}

export async function keysAndDataBeyondAsciiReachIndexedDbExactly(make, lib) {
  // A batch's keys and envelopes travel from wasm as one string cut apart by UTF-16
  // lengths: every character must land in its own entry, deletes included.
  const dbName = freshDb();
  const client = make({ storage: lib.IndexedDbStorage({ dbName }) });
  const cases = [
    [['ключ', '😀'], { text: 'héllo 😀 𝄞 \u2028' }],
    [['plain'], 'ascii'],
    [['中文', { ü: 'ß' }], ['字符串', '👩‍👩‍👧']],
    [['gone', 'é'], 'removed below'],
  ];
  for (const [key, data] of cases) client.setQueryData(key, data);
  client.removeQueries({ queryKey: ['gone', 'é'], exact: true });
  await client.flush();
  const stored = await idbEntries(dbName);
  eq([...stored.keys()].sort(), ['stackquery:["plain"]', 'stackquery:["ключ","😀"]', 'stackquery:["中文",{"ü":"ß"}]'].sort(), 'the keys, exactly');
  for (const [key, data] of cases.slice(0, 3)) {
    eq(JSON.parse(stored.get(`stackquery:${JSON.stringify(key)}`)).data, data, `the data of ${JSON.stringify(key)}`);
  }
  client.dispose();
  const next = make({ storage: lib.IndexedDbStorage({ dbName }) });
  for (const [key, data] of cases.slice(0, 3)) {
    eq(await next.fetchQuery({ queryKey: key, queryFn: () => 'network', staleTime: Infinity }), data, 'read back');
  }
  next.dispose();
}

export async function aTabAlonePostsNothingAndTheFirstTabHeardGetsItsRecentChanges(make, lib) {
  // Nobody hears a tab that has heard no other: its changes are kept, not posted (no
  // structured clone of every write). A tab that opens meanwhile may have read L2 while
  // they were made, so the first tab heard from gets the changes of the last seconds.
  const dbName = freshDb();
  const raw = new BroadcastChannel(`stackquery:${dbName}/queries:stackquery`);
  const heard = [];
  raw.onmessage = (e) => heard.push(e.data.t);
  const alone = make({ storage: lib.IndexedDbStorage({ dbName }) });
  for (let i = 0; i < 100; i++) alone.setQueryData(['many', i], i);
  await sleep(50);
  eq(heard, ['hello'], 'a tab alone says hello, then nothing');
  // A second client opens; in the same task, before the first has heard its hello, it
  // holds an older ['x'] and the first changes ['x'].
  const other = make({ storage: lib.IndexedDbStorage({ dbName }) });
  other.setQueryData(['x'], 'older', { updatedAt: Date.now() - 1000 });
  alone.setQueryData(['x'], 'newer');
  await sleep(100);
  eq(other.getQueryData(['x']), 'newer', 'the change made before the hello was heard reaches the new tab');
  eq(alone.getQueryData(['x']), 'newer', 'and the older one loses in the first');
  assert(heard.includes('batch'), `what was kept went out once a tab was heard: ${heard}`);
  heard.length = 0;
  alone.setQueryData(['y'], 1);
  await sleep(50);
  eq(other.getQueryData(['y']), undefined, 'a key the other does not hold is not created there');
  assert(heard.includes('put'), 'changes are posted as they are made from then on');
  raw.close();
  alone.dispose();
  other.dispose();
}

export async function whatLoneTabsLeaveForTheOrderStaysOneRecordAndCountsInIt(make, lib) {
  // Each storage object writing alone leaves a ["raised", namespace, id] record of its
  // newest version; after its first batch it folds all of them into the namespace's order
  // record, so page sessions that never meet another tab do not pile them up.
  const dbName = freshDb();
  const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
  const records = async () => {
    const db = await req(indexedDB.open(dbName));
    try {
      const store = db.transaction('queries').objectStore('queries');
      const [keys, values] = await Promise.all([req(store.getAllKeys()), req(store.getAll())]);
      return keys.map((k, i) => [k, values[i]]).filter(([k]) => Array.isArray(k));
    } finally {
      db.close();
    }
  };
  const t = Date.now();
  for (let session = 0; session < 5; session++) {
    const client = make({ storage: lib.IndexedDbStorage({ dbName }), crossTab: false });
    client.setQueryData(['k', session], session, { updatedAt: t + session });
    await client.flush();
    await sleep(50); // the fold is a transaction of its own after the batch
    client.dispose();
  }
  const held = await records();
  const raised = held.filter(([k]) => k[0] === 'raised');
  assert(raised.length <= 1, `raised records left: ${JSON.stringify(raised)}`);
  const order = held.find(([k]) => k[0] === 'order' && k[1] === 'stackquery:');
  assert(order && order[1][1] >= t + 3, `the order record counts what was written: ${JSON.stringify(order)}`);
}

export async function aFailingRangeCountRejectsGetManyOnceAndLeavesNoUnhandledRejection(_make, lib) {
  // getMany counts the rows of a dense batch's range first; when that request fails, the
  // call rejects with its error, and the transaction's own failure is not left unhandled.
  const storage = lib.IndexedDbStorage({ dbName: freshDb() });
  const keys = Array.from({ length: 100 }, (_, i) => `k:${String(i).padStart(3, '0')}`);
  await Promise.all(keys.map((k) => storage.set(k, 'v')));
  const unhandled = [];
  const onUnhandled = (e) => unhandled.push(String(e.reason));
  window.addEventListener('unhandledrejection', onUnhandled);
  const count = IDBObjectStore.prototype.count;
  IDBObjectStore.prototype.count = function () {
    const request = count.apply(this, arguments);
    this.transaction.abort(); // the request then fails with an AbortError
    return request;
  };
  let rejected = null;
  try {
    await storage.getMany(keys);
  } catch (e) {
    rejected = e;
  } finally {
    IDBObjectStore.prototype.count = count;
  }
  await sleep(50);
  window.removeEventListener('unhandledrejection', onUnhandled);
  assert(rejected !== null, 'getMany rejects');
  eq(unhandled, [], 'no unhandled rejection');
  eq((await storage.getMany(keys)).length, 100, 'the next call works');
  storage.free();
}

/**
 * Every row of an IndexedDB store, array keys included, read with the plain IndexedDB
 * API: `[key, value]` pairs.
 */
async function idbRows(dbName, storeName = 'queries') {
  const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
  const db = await req(indexedDB.open(dbName));
  try {
    const store = db.transaction(storeName).objectStore(storeName);
    const [keys, values] = await Promise.all([req(store.getAllKeys()), req(store.getAll())]);
    return keys.map((k, i) => [k, values[i]]);
  } finally {
    db.close();
  }
}

/**
 * Checks namespace `ns`'s packed image against its entries, row by row: when its head
 * row is there, every entry key that no mark lists has its stored value copied, once, in
 * the image, and the image holds no other key that no mark lists. `{ head, marked }`:
 * whether the head is there, and how many keys the marks list.
 */
async function imageAgreesWithEntries(dbName, ns, label) {
  const rows = await idbRows(dbName);
  const entries = new Map(rows.filter(([k]) => typeof k === 'string' && k.startsWith(`${ns}[`)));
  const image = rows.filter(([k]) => Array.isArray(k) && k[0] === 'image' && k[1] === ns);
  const head = image.some(([k]) => k.length === 2);
  const marks = image.filter(([k]) => k[2] === 'mark').map(([, keys]) => keys);
  // `true`: a mark of every entry (a write of many keys); the image waits to be packed anew.
  if (marks.includes(true)) return { head, marked: Infinity };
  const marked = new Set(marks.flat());
  if (!head) return { head, marked: marked.size };
  const packed = new Map();
  for (const [, [keys, values]] of image.filter(([k]) => typeof k[2] === 'number')) {
    keys.forEach((key, i) => {
      assert(!packed.has(key), `${label}: ${key} packed twice`);
      packed.set(key, values[i]);
    });
  }
  for (const [key, value] of entries) {
    if (marked.has(key)) continue;
    assert(packed.has(key), `${label}: ${key} is stored, not marked, and not in the image`);
    eq(packed.get(key), value, `${label}: the image's copy of ${key}`);
  }
  for (const key of packed.keys()) {
    assert(marked.has(key) || entries.has(key), `${label}: the image holds ${key}, which is neither stored nor marked`);
  }
  return { head, marked: marked.size };
}

/** Waits for the storages' background fold of their images (a second after the last write). */
const folded = () => sleep(1_600);

export async function restoringAWholeNamespaceReadsItsPackedImageWhichFollowsEveryWrite(make, lib) {
  // A bulk restore reads the namespace's image (its entries packed in a few dozen rows)
  // instead of one row per query. Writes only mark the keys they change, and a fold in
  // the background brings the image up to date; at every moment, the image and the marks
  // together give exactly what is stored: random writes by a tab alone and by tabs
  // writing in order, removals, invalidations, a user's own set and delete on the
  // storage, a closing page's write, and a clear.
  const dbName = freshDb();
  const ns = 'stackquery:';
  let seed = 7;
  const random = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const alone = make({ storage: lib.IndexedDbStorage({ dbName }), crossTab: false });
  for (let i = 0; i < 200; i++) alone.setQueryData(['row', i], { i, v: 0 });
  await alone.flush();
  eq((await imageAgreesWithEntries(dbName, ns, 'first batch')).head, false, 'no image before the first fold');
  await folded();
  eq(await imageAgreesWithEntries(dbName, ns, 'packed'), { head: true, marked: 0 }, 'packed a moment after the writes');
  const b = make({ storage: lib.IndexedDbStorage({ dbName }) });
  const c = make({ storage: lib.IndexedDbStorage({ dbName }) });
  await sleep(50); // b and c hear each other: they write in order
  const direct = lib.IndexedDbStorage({ dbName });
  const t = Date.now();
  const kinds = new Set();
  for (let step = 0; step < 40; step++) {
    const kind = random(9);
    kinds.add(kind);
    const key = ['row', random(260)];
    if (kind === 0) alone.setQueryData(key, { v: step });
    else if (kind === 1) b.setQueryData(key, { v: step }, { updatedAt: t + step });
    else if (kind === 2) c.setQueryData(key, { v: -step }, { updatedAt: t - 10_000 - step }); // older: loses where newer is stored
    else if (kind === 3) b.removeQueries({ queryKey: key, exact: true });
    else if (kind === 4) await c.invalidateQueries({ queryKey: key, exact: true, refetchType: 'none' });
    else if (kind === 5) await direct.set(`${ns}${JSON.stringify(key)}`, 'not an envelope');
    else if (kind === 6) await direct.delete(`${ns}${JSON.stringify(key)}`);
    else if (kind === 7) await direct.__writeAtUnload(ns, undefined, [`${ns}${JSON.stringify(key)}`], [undefined], t + step, 0);
    else for (let i = 0; i < 20; i++) c.setQueryData(['row', random(260)], { v: step }, { updatedAt: t + step });
    await Promise.all([alone.flush(), b.flush(), c.flush()]);
    const seen = await imageAgreesWithEntries(dbName, ns, `step ${step} (${kind})`);
    assert(seen.head, `step ${step}: the image stays`);
    if (step % 10 === 9) {
      await folded();
      eq(await imageAgreesWithEntries(dbName, ns, `step ${step} folded`), { head: true, marked: 0 }, `step ${step}: folded`);
    }
  }
  eq(kinds.size, 9, 'every kind of write ran');
  // A fresh client restores exactly what is stored, from the image and the marks.
  alone.setQueryData(['row', 0], 'marked, not folded yet');
  await alone.flush();
  assert((await imageAgreesWithEntries(dbName, ns, 'before the restore')).marked > 0, 'a mark waits');
  const fresh = make({ storage: lib.IndexedDbStorage({ dbName }), maxEntries: 1000 });
  const stored = await idbEntries(dbName);
  const usable = [...stored.values()].filter((v) => v.startsWith('{')).length;
  eq(await fresh.restoreQueries(), usable, 'every usable entry restored');
  for (const [key, value] of stored) {
    if (!value.startsWith('{')) continue;
    eq(fresh.getQueryData(JSON.parse(key.slice(ns.length))), JSON.parse(value).data, `restored ${key}`);
  }
  // Log-out: no copy of the data is left in any row, the image's included.
  await b.clear();
  const left = (await idbRows(dbName)).filter(([k, v]) => JSON.stringify([k, v]).includes('"v"') || (typeof k === 'string' && k.startsWith(ns)));
  eq(left, [], 'nothing of the namespace is left after clear()');
  eq(await imageAgreesWithEntries(dbName, ns, 'cleared'), { head: true, marked: 0 }, 'a cleared namespace has an exact, empty image');
  await folded();
  for (const client of [alone, b, c, fresh]) client.dispose();
}

export async function entriesStoredWithoutAnImageAreRestoredThenPacked(make, lib) {
  // A store written before images existed holds entries and no image: a bulk restore
  // reads them one by one, and the image is packed in the background (a page of entries
  // at a time) for the next one. A fold of many marked keys packs again the same way.
  const dbName = freshDb();
  const n = 2_500;
  const writer = make({ storage: lib.IndexedDbStorage({ dbName }), maxEntries: 5_000 });
  for (let i = 0; i < n; i++) writer.setQueryData(['old', i], i);
  await writer.flush();
  writer.dispose();
  await folded();
  const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
  const db = await req(indexedDB.open(dbName));
  const tx = db.transaction('queries', 'readwrite');
  tx.objectStore('queries').delete(IDBKeyRange.bound(['image'], ['image', []]));
  await new Promise((res) => { tx.oncomplete = res; });
  db.close();
  eq((await imageAgreesWithEntries(dbName, 'stackquery:', 'no image')).head, false, 'no image to start with');
  const first = make({ storage: lib.IndexedDbStorage({ dbName }), maxEntries: 5_000 });
  eq(await first.restoreQueries(), n, 'restored from the entries');
  eq(first.getQueryData(['old', n - 1]), n - 1, 'their data');
  await folded();
  eq(await imageAgreesWithEntries(dbName, 'stackquery:', 'packed'), { head: true, marked: 0 }, 'and packed');
  const second = make({ storage: lib.IndexedDbStorage({ dbName }), maxEntries: 5_000 });
  eq(await second.restoreQueries(), n, 'restored from the image');
  eq(second.getQueryData(['old', 7]), 7, 'the same data');
  for (let i = 0; i < 600; i++) second.setQueryData(['old', i * 4], `new ${i}`);
  second.removeQueries({ queryKey: ['old', 1], exact: true });
  await second.flush();
  eq((await imageAgreesWithEntries(dbName, 'stackquery:', 'many')).marked, Infinity, 'a write of 600 keys marks them all with one row');
  const between = make({ storage: lib.IndexedDbStorage({ dbName }), maxEntries: 5_000 });
  eq(await between.restoreQueries(), n - 1, 'before the fold: restored from the entries');
  eq([between.getQueryData(['old', 8]), between.getQueryData(['old', 1])], ['new 2', undefined], 'with the changes');
  between.dispose();
  await folded();
  eq(await imageAgreesWithEntries(dbName, 'stackquery:', 'repacked'), { head: true, marked: 0 }, 'many marked keys: packed again');
  const third = make({ storage: lib.IndexedDbStorage({ dbName }), maxEntries: 5_000 });
  eq(await third.restoreQueries(), n - 1, 'restored from the new image');
  eq([third.getQueryData(['old', 8]), third.getQueryData(['old', 1])], ['new 2', undefined], 'with the changes');
  for (const client of [first, second, third]) client.dispose();
}

export async function aBulkRestoreFromIndexedDbParsesKeysBeyondAsciiExactly(make, lib) {
  // The bulk restore parses each query key out of the JS storage key it listed, past the
  // namespace's prefix counted in UTF-16 units: a prefix and keys beyond ASCII, from the
  // entries (no image yet) and from the packed image.
  const dbName = freshDb();
  const keyPrefix = 'приложение😀';
  const keys = [['é', '😀', 1], ['ключ', { ü: 'ß' }], ['plain']];
  const writer = make({ storage: lib.IndexedDbStorage({ dbName }), keyPrefix });
  keys.forEach((key, i) => writer.setQueryData(key, `data ${i} 𝄞`));
  await writer.flush();
  writer.dispose();
  for (const from of ['entries', 'image']) {
    if (from === 'image') await folded();
    eq((await imageAgreesWithEntries(dbName, `${keyPrefix}:`, from)).head, from === 'image', `read from the ${from}`);
    const reader = make({ storage: lib.IndexedDbStorage({ dbName }), keyPrefix });
    eq(await reader.restoreQueries(), keys.length, `${from}: every query restored`);
    keys.forEach((key, i) => eq(reader.getQueryData(key), `data ${i} 𝄞`, `${from}: ${JSON.stringify(key)}`));
    eq(reader.getQueryCache().getAll().map((q) => q.queryKey).sort(), [...keys].sort(), `${from}: the keys themselves`);
    reader.dispose();
  }
}

export async function aCorruptImageIsReadPastAndPackedAgain(make, lib) {
  // A segment of the packed image that is not one (a disk error, another program): the
  // bulk restore reads the entries themselves instead, and the image is packed anew.
  const dbName = freshDb();
  const writer = make({ storage: lib.IndexedDbStorage({ dbName }) });
  for (let i = 0; i < 100; i++) writer.setQueryData(['c', i], i);
  await writer.flush();
  writer.dispose();
  await folded();
  const segments = (await idbRows(dbName)).filter(([k]) => Array.isArray(k) && k[0] === 'image' && typeof k[2] === 'number');
  assert(segments.length > 1, `packed into segments: ${segments.length}`);
  await idbPut(dbName, segments[0][0], 'not a segment');
  const reader = make({ storage: lib.IndexedDbStorage({ dbName }) });
  eq(await reader.restoreQueries(), 100, 'every query restored from the entries');
  eq(reader.getQueryData(['c', 42]), 42, 'their data');
  await folded();
  eq(await imageAgreesWithEntries(dbName, 'stackquery:', 'repacked'), { head: true, marked: 0 }, 'packed anew');
  const again = (await idbRows(dbName)).find(([k]) => JSON.stringify(k) === JSON.stringify(segments[0][0]));
  assert(again && Array.isArray(again[1]), 'the corrupt segment was replaced');
  reader.dispose();
}
