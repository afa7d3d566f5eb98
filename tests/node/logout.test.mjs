// Log-out (`clear()`) as the SPEC states it, on every kind of storage, through the built
// package under Node: after clear() resolves no entry of the namespace is left, those of
// earlier sessions included; writes made afterwards land; and a namespace never reaches
// into another (`app` vs `app:admin`). Storages: a plain get/set/delete object (a Map, as
// a Redis wrapper would be), one that can list keys, MemoryStorage, and RemoteStorage
// against a real Redis behind the Upstash REST protocol.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient, MemoryStorage, RemoteStorage } from '../../pkg/nodejs/stackquery.js';
import { startRemoteStore } from '../servers/remote-store.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The seed's storage protocol and nothing more: get, set, delete over a Map. */
function mapStorage(map = new Map()) {
  const calls = { get: 0, set: 0, delete: 0 };
  return {
    map,
    calls,
    async get(k) { calls.get++; return map.has(k) ? map.get(k) : null; },
    async set(k, v) { calls.set++; map.set(k, v); },
    async delete(k) { calls.delete++; map.delete(k); },
  };
}

/** The same, plus keys(prefix). */
function listingStorage(map = new Map()) {
  return { ...mapStorage(map), async keys(prefix) { return [...map.keys()].filter((k) => k.startsWith(prefix)); } };
}

const entriesOf = (map, prefix) => [...map.keys()].filter((k) => k.startsWith(`${prefix}:[`)).sort();

test('clear() on a get/set/delete storage deletes every entry, those L1 never loaded included', async () => {
  const map = new Map();
  // Session 1 writes three queries and goes away.
  const first = new QueryClient({ storage: mapStorage(map) });
  await first.fetchQuery({ queryKey: ['user', 1], queryFn: async () => ({ name: 'Ada' }) });
  first.setQueryData(['orders'], [1, 2, 3]);
  first.setQueryData(['secret', { of: 'ada' }], 'ada-only');
  await first.flush();
  first.dispose();
  assert.equal(entriesOf(map, 'stackquery').length, 3);

  // Session 2 loads one of them and writes another, then logs out.
  const storage = mapStorage(map);
  const second = new QueryClient({ storage, staleTime: 60_000 });
  assert.deepEqual(await second.fetchQuery({ queryKey: ['user', 1], queryFn: async () => 'net' }), { name: 'Ada' });
  second.setQueryData(['cart'], ['milk']);
  await second.flush();
  await second.clear();
  assert.deepEqual(entriesOf(map, 'stackquery'), [], `left after log-out: ${entriesOf(map, 'stackquery')}`);
  assert.deepEqual([...map.keys()], [], 'nor any index of the namespace');

  // The next user starts from nothing...
  const net = [];
  const third = new QueryClient({ storage: mapStorage(map), staleTime: 60_000 });
  assert.equal(await third.fetchQuery({ queryKey: ['secret', { of: 'ada' }], queryFn: async () => { net.push(1); return 'fresh'; } }), 'fresh');
  assert.equal(net.length, 1, "the previous user's data is never read back");
  third.dispose();

  // ...and writes made after clear() land as usual.
  const before = storage.calls.set;
  second.setQueryData(['after-logout'], 'bob');
  await second.flush();
  assert.ok(storage.calls.set > before, 'a write after clear() reaches storage');
  assert.ok(entriesOf(map, 'stackquery').includes('stackquery:["after-logout"]'));
  await second.clear();
  assert.deepEqual(entriesOf(map, 'stackquery'), [], 'and a second log-out removes it too');
  second.dispose();
});

/** A get/set/delete object over `map` whose calls take a few ms, as a remote store's do. */
function slowStorage(map) {
  return {
    async get(k) { await sleep(3); return map.has(k) ? map.get(k) : null; },
    async set(k, v) { await sleep(3); map.set(k, v); },
    async delete(k) { await sleep(3); map.delete(k); },
  };
}

test("a key written again after another client's clear() is listed again, so the next log-out removes it", async () => {
  const map = new Map();
  const a = new QueryClient({ storage: slowStorage(map), keyPrefix: 'app' });
  a.setQueryData(['profile'], 'alice v1');
  await a.flush();
  await new QueryClient({ storage: slowStorage(map), keyPrefix: 'app' }).clear(); // log-out elsewhere
  a.setQueryData(['profile'], 'alice v2');
  await a.flush();
  await new QueryClient({ storage: slowStorage(map), keyPrefix: 'app' }).clear(); // the next log-out
  assert.deepEqual(entriesOf(map, 'app'), [], 'nothing of alice is left');
  a.dispose();
});

test('clients writing new keys at once on one get/set/delete storage all get them listed', async () => {
  const map = new Map();
  const clients = ['a', 'b', 'c'].map(() => new QueryClient({ storage: slowStorage(map), keyPrefix: 'app' }));
  clients.forEach((c, i) => c.setQueryData(['secret', i], `of client ${i}`));
  await Promise.all(clients.map((c) => c.flush()));
  assert.equal(entriesOf(map, 'app').length, 3);
  await new QueryClient({ storage: slowStorage(map), keyPrefix: 'app' }).clear();
  assert.deepEqual(entriesOf(map, 'app'), [], 'every concurrent write was found by the clear');
  clients.forEach((c) => c.dispose());
});

test('entries written before the index existed are deleted if L1 holds them', async () => {
  const map = new Map();
  const writer = new QueryClient({ storage: listingStorage(map) }); // lists keys: keeps no index
  writer.setQueryData(['legacy'], 'old');
  await writer.flush();
  writer.dispose();
  const client = new QueryClient({ storage: mapStorage(map), staleTime: 60_000 });
  assert.equal(await client.fetchQuery({ queryKey: ['legacy'], queryFn: async () => 'net' }), 'old');
  await client.clear();
  assert.deepEqual([...map.keys()], []);
  client.dispose();
});

test('a write issued just before dispose() still lands, and so does a clear()', async () => {
  const map = new Map();
  const client = new QueryClient({ storage: mapStorage(map) });
  client.setQueryData(['kept'], 1);
  client.dispose();
  await sleep(50);
  assert.ok(map.has('stackquery:["kept"]'), 'written although the client was disposed right after');
  const other = new QueryClient({ storage: mapStorage(map) });
  other.setQueryData(['x'], 2);
  await other.flush();
  other.clear(); // log-out, not awaited, then dispose
  other.dispose();
  await sleep(50);
  assert.deepEqual(entriesOf(map, 'stackquery'), [], 'the clear went through');
});

test('clear() rejects when storage cannot be emptied, and L2 carries on once it recovers', async () => {
  const map = new Map();
  const storage = mapStorage(map);
  const reports = [];
  const client = new QueryClient({ storage, onStorageError: (e, op) => reports.push(op) });
  client.setQueryData(['a'], 1);
  await client.flush();
  const del = storage.delete;
  storage.delete = async () => { throw new Error('the store is read-only right now'); };
  await assert.rejects(client.clear(), /read-only/, 'the caller learns the log-out did not reach storage');
  assert.equal(client.getQueryData(['a']), undefined, 'L1 is empty either way');
  assert.deepEqual(reports, ['clear']);
  storage.delete = del;
  await client.flush(); // tries again now
  assert.deepEqual(entriesOf(map, 'stackquery'), [], 'the clear is retried and completes');
  client.setQueryData(['b'], 2);
  await client.flush();
  assert.ok(map.has('stackquery:["b"]'), 'and writes land again');
  client.dispose();
});

/** listingStorage plus deletePrefix(prefix, signal), recording each call. */
function prefixDeletingStorage(map = new Map()) {
  const calls = [];
  return {
    ...listingStorage(map),
    calls,
    async deletePrefix(prefix, signal) {
      calls.push({ prefix, signal });
      for (const k of [...map.keys()]) if (k.startsWith(prefix)) map.delete(k);
    },
  };
}

test('clear() on a storage with deletePrefix(prefix) empties the namespace in that one call', async () => {
  const map = new Map();
  const storage = prefixDeletingStorage(map);
  const client = new QueryClient({ storage, keyPrefix: 'app' });
  client.setQueryData(['a'], 1);
  client.setQueryData(['b', { id: 2 }], 2);
  map.set('app:admin:["x"]', 'another namespace');
  await client.flush();
  const deletes = storage.calls.length;
  await client.clear();
  assert.equal(storage.calls.length, deletes + 1, 'one deletePrefix call');
  const { prefix, signal } = storage.calls.at(-1);
  assert.equal(prefix, 'app:[', "only this namespace's entries: app:admin starts otherwise");
  assert.ok(signal instanceof AbortSignal && !signal.aborted, 'a signal the client did not abort');
  assert.deepEqual(entriesOf(map, 'app'), []);
  assert.ok(map.has('app:admin:["x"]'), 'app:admin keeps its entry');
  client.dispose();
});

test('a deletePrefix slower than storageTimeout is told through its signal that the client gave up', async () => {
  const storage = prefixDeletingStorage();
  let aborted;
  storage.deletePrefix = (prefix, signal) => new Promise((resolve, reject) => {
    aborted = new Promise((heard) => signal.addEventListener('abort', () => { heard(signal.reason); reject(signal.reason); }));
  });
  const client = new QueryClient({ storage, storageTimeout: 100 });
  client.setQueryData(['a'], 1);
  await client.flush();
  const started = Date.now();
  await assert.rejects(client.clear(), (e) => e.name === 'TimeoutError');
  const reason = await aborted;
  assert.ok(Date.now() - started < 2_000, 'given up after storageTimeout, not hung');
  assert.ok(reason !== undefined, 'the signal aborted with a reason');
  client.dispose();
});

for (const [name, make] of [
  ['a get/set/delete object', () => mapStorage()],
  ['an object with keys(prefix)', () => listingStorage()],
  ['MemoryStorage', () => new MemoryStorage()],
]) {
  test(`namespaces never overlap on ${name}: clear() of 'app' leaves 'app:admin' and 'appx'`, async () => {
    const storage = make();
    const clients = ['app', 'app:admin', 'appx'].map((keyPrefix) => new QueryClient({ storage, keyPrefix, staleTime: 60_000 }));
    for (const c of clients) c.setQueryData(['users'], 'data');
    await Promise.all(clients.map((c) => c.flush()));
    await clients[0].clear();
    for (const keyPrefix of ['app:admin', 'appx']) {
      const reader = new QueryClient({ storage, keyPrefix, staleTime: 60_000 });
      assert.equal(await reader.fetchQuery({ queryKey: ['users'], queryFn: async () => 'refetched' }), 'data', `${keyPrefix} keeps its entry`);
      reader.dispose();
    }
    const app = new QueryClient({ storage, keyPrefix: 'app', staleTime: 60_000 });
    assert.equal(await app.fetchQuery({ queryKey: ['users'], queryFn: async () => 'refetched' }), 'refetched', "app's entry is gone");
    for (const c of [...clients, app]) c.dispose();
  });
}

let store;
before(async () => { store = await startRemoteStore(); });
after(async () => { await store.close(); });

test("namespaces never overlap on Redis: clear() of 'app' leaves 'app:admin' (SCAN app:[*)", async () => {
  const storage = new RemoteStorage({ url: store.url, token: store.token });
  const app = new QueryClient({ storage, keyPrefix: 'app' });
  const admin = new QueryClient({ storage, keyPrefix: 'app:admin' });
  app.setQueryData(['users'], 'app data');
  admin.setQueryData(['users'], 'admin data');
  await Promise.all([app.flush(), admin.flush()]);
  await app.clear();
  assert.equal(await store.command(['GET', 'app:["users"]']), null, "app's entry is gone");
  assert.ok(await store.command(['GET', 'app:admin:["users"]']), "app:admin's entry is still there");
  await admin.clear();
  assert.equal(await store.command(['GET', 'app:admin:["users"]']), null);
  app.dispose();
  admin.dispose();
});

test('a RemoteStorage or MemoryStorage behind a Proxy (a reactive wrapper) writes, reads and clears', async () => {
  for (const storage of [new Proxy(new RemoteStorage({ url: store.url, token: store.token }), {}), new Proxy(new MemoryStorage(), {})]) {
    const reports = [];
    const client = new QueryClient({ storage, keyPrefix: 'proxied', onStorageError: (e, op) => reports.push(`${op}: ${e}`) });
    client.setQueryData(['p'], 'through the proxy');
    await client.flush();
    const reader = new QueryClient({ storage, keyPrefix: 'proxied', staleTime: 60_000 });
    assert.equal(await reader.fetchQuery({ queryKey: ['p'], queryFn: async () => 'fetched' }), 'through the proxy');
    await client.clear();
    assert.deepEqual(await storage.keys('proxied:'), [], 'cleared through the proxy');
    assert.deepEqual(reports, []);
    client.dispose();
    reader.dispose();
  }
});
