// client.restoreQueries(queryKeys): the keys a page needs read from L2 into L1 before it
// renders (stackquery/react's `restore`), never fetching, never over newer L1 data, and
// a storage failure restoring nothing rather than rejecting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient } from '../../pkg/nodejs/stackquery.js';

/** get/set/delete over a Map, counting reads; `failing` makes every call throw. */
function mapStorage(map = new Map()) {
  const s = {
    map,
    gets: 0,
    failing: false,
    async get(k) { s.gets++; if (s.failing) throw new Error('storage down'); return map.has(k) ? map.get(k) : null; },
    async set(k, v) { if (s.failing) throw new Error('storage down'); map.set(k, v); },
    async delete(k) { map.delete(k); },
  };
  return s;
}

const neverCalled = () => { throw new Error('restoreQueries must not fetch'); };

/** A storage holding ['todos'] and ['user', 1], written by an earlier session. */
async function persisted() {
  const storage = mapStorage();
  const first = new QueryClient({ storage });
  await first.fetchQuery({ queryKey: ['todos'], queryFn: async () => ['milk'] });
  await first.fetchQuery({ queryKey: ['user', 1], queryFn: async () => ({ name: 'ann' }) });
  await first.flush();
  first.dispose();
  return storage;
}

test('restoreQueries puts persisted keys in L1: synchronous reads and fresh fetches need no network', async () => {
  const storage = await persisted();
  const client = new QueryClient({ storage, staleTime: 60_000 });
  assert.equal(client.getQueryData(['todos']), undefined, 'cold before the restore');
  const restored = await client.restoreQueries([['todos'], ['user', 1], ['never', 'stored']]);
  assert.equal(restored, 2, 'two keys had data in L2');
  assert.deepEqual(client.getQueryData(['todos']), ['milk']);
  assert.deepEqual(client.getQueryData(['user', 1]), { name: 'ann' });
  assert.equal(client.getQueryState(['todos']).status, 'success');
  assert.equal(client.getQueryCache().find({ queryKey: ['never', 'stored'], exact: true }), undefined,
    'a key L2 did not have leaves no empty query');
  assert.deepEqual(await client.fetchQuery({ queryKey: ['todos'], queryFn: neverCalled }), ['milk'],
    'fresh restored data answers fetchQuery');
  client.dispose();
});

test('restoreQueries reads each cold key once, and warm keys not at all', async () => {
  const storage = await persisted();
  const client = new QueryClient({ storage });
  client.setQueryData(['user', 1], { name: 'newer in L1' });
  await client.flush(); // the write's own storage calls, before counting
  const before = storage.gets;
  assert.equal(await client.restoreQueries([['todos'], ['todos'], ['user', 1]]), 1);
  assert.equal(storage.gets - before, 1, 'one read: the duplicate and the L1 key are skipped');
  assert.deepEqual(client.getQueryData(['user', 1]), { name: 'newer in L1' }, 'L1 data is never replaced');
  const again = storage.gets;
  assert.equal(await client.restoreQueries([['todos']]), 0, 'a key already restored is warm');
  assert.equal(storage.gets, again, 'and not read again');
  client.dispose();
});

test('restoreQueries on an observer-less key does not start a fetch when the data is stale', async () => {
  const storage = await persisted();
  const client = new QueryClient({ storage, staleTime: 0 });
  assert.equal(await client.restoreQueries([['todos']]), 1);
  assert.equal(client.getQueryState(['todos']).fetchStatus, 'idle', 'stale restored data: still no fetch');
  assert.equal(client.isFetching(), 0);
  client.dispose();
});

test('restoreQueries with no storage, or failing storage, resolves with 0 and the client works on', async () => {
  const plain = new QueryClient();
  assert.equal(await plain.restoreQueries([['todos']]), 0);
  plain.dispose();

  const storage = await persisted();
  storage.failing = true;
  const client = new QueryClient({ storage });
  assert.equal(await client.restoreQueries([['todos'], ['user', 1]]), 0, 'a failing storage restores nothing');
  assert.deepEqual(await client.fetchQuery({ queryKey: ['todos'], queryFn: async () => ['from network'] }), ['from network']);
  client.dispose();
});

test('restoreQueries rejects what is not keys, filters or nothing with a TypeError naming the call', () => {
  const client = new QueryClient({ storage: mapStorage() });
  assert.throws(() => client.restoreQueries(['todos']), { name: 'TypeError', message: /queryKey/ });
  assert.throws(() => client.restoreQueries('todos'), { name: 'TypeError', message: /restoreQueries takes an array of query keys/ });
  assert.throws(() => client.restoreQueries({ queryKey: 'todos' }), { name: 'TypeError', message: /queryKey/ });
  client.dispose();
});

/** `storage` with a `keys(prefix)` method. */
function listing(storage) {
  storage.keys = async (prefix) => [...storage.map.keys()].filter((k) => k.startsWith(prefix));
  return storage;
}

/** A storage (one that lists its keys unless given) holding `n` todos, ['user', 1] and ['todos2'] from an earlier session. */
async function persistedMany(n, storage = listing(mapStorage())) {
  const first = new QueryClient({ storage });
  for (let i = 0; i < n; i++) first.setQueryData(['todos', i], { id: i });
  first.setQueryData(['user', 1], { name: 'ann' });
  first.setQueryData(['todos2'], 'other');
  await first.flush();
  first.dispose();
  return storage;
}

test('restoreQueries() restores every stored query of the namespace in one storage pass', async () => {
  const storage = await persistedMany(300);
  storage.map.set('other-app:["todos",1]', 'not ours'); // another keyPrefix's entry
  const client = new QueryClient({ storage, staleTime: 60_000 });
  const gets = storage.gets;
  const calls = client.storageCalls;
  assert.equal(await client.restoreQueries(), 302);
  assert.equal(client.storageCalls - calls, 1, 'one pass');
  assert.equal(storage.gets - gets, 302, 'each entry read once (this storage has no getMany)');
  assert.equal(client.size, 302);
  assert.deepEqual(client.getQueryData(['todos', 299]), { id: 299 });
  assert.deepEqual(client.getQueryData(['user', 1]), { name: 'ann' });
  assert.equal(client.getQueryState(['todos', 7]).status, 'success');
  assert.deepEqual(await client.fetchQuery({ queryKey: ['todos', 5], queryFn: neverCalled }), { id: 5 });
  client.dispose();
});

test('restoreQueries({ queryKey }) restores only the keys starting with those elements', async () => {
  const storage = await persistedMany(20);
  const client = new QueryClient({ storage });
  assert.equal(await client.restoreQueries({ queryKey: ['todos'] }), 20, "['todos2'] and ['user', 1] are not under ['todos']");
  assert.equal(client.getQueryData(['todos2']), undefined);
  assert.equal(client.getQueryData(['user', 1]), undefined);
  assert.equal(await client.restoreQueries({ queryKey: ['todos', 3] }), 0, 'already in L1');
  assert.equal(await client.restoreQueries({}), 2, 'no queryKey: the rest of the namespace');
  client.dispose();
});

test('restoreQueries() never replaces newer L1 data, nor data whose write is queued', async () => {
  const storage = await persistedMany(3);
  const client = new QueryClient({ storage });
  client.setQueryData(['todos', 0], { id: 0, newer: true });
  assert.equal(await client.restoreQueries(), 4);
  assert.deepEqual(client.getQueryData(['todos', 0]), { id: 0, newer: true });
  client.dispose();
});

test('restoreQueries() on a storage that cannot list its keys reads the namespace index', async () => {
  const storage = await persistedMany(10, mapStorage());
  const client = new QueryClient({ storage });
  assert.equal(await client.restoreQueries(), 12);
  assert.deepEqual(client.getQueryData(['todos', 9]), { id: 9 });
  client.dispose();
});

test('restoreQueries() with failing storage resolves with 0; a corrupt entry is skipped and deleted', async () => {
  const storage = await persistedMany(5);
  storage.map.set('stackquery:["todos",2]', '{"v":1,"key":');
  const client = new QueryClient({ storage, onStorageError: () => {} });
  assert.equal(await client.restoreQueries(), 6, 'the 6 good entries');
  assert.equal(client.getQueryData(['todos', 2]), undefined);
  await client.flush();
  assert.equal(storage.map.has('stackquery:["todos",2]'), false, 'the corrupt entry was deleted');
  client.dispose();
  storage.failing = true;
  const down = new QueryClient({ storage, onStorageError: () => {} });
  assert.equal(await down.restoreQueries(), 0);
  down.dispose();
});

test('restoreQueries() stops when L1 holds maxEntries queries', async () => {
  const storage = await persistedMany(20);
  const client = new QueryClient({ storage, maxEntries: 10 });
  client.setQueryData(['mine'], 1);
  assert.equal(await client.restoreQueries(), 9, 'room for 9 beside the query L1 had');
  assert.equal(client.size, 10);
  assert.equal(client.getQueryData(['mine']), 1, 'nothing of L1 evicted');
  client.dispose();
});

test('restoreQueries() of many entries lets the event loop run between slices', async () => {
  const storage = await persistedMany(20_000);
  const client = new QueryClient({ storage, maxEntries: 50_000 });
  let ticks = 0;
  const timer = setInterval(() => { ticks++; }, 0);
  const n = await client.restoreQueries();
  clearInterval(timer);
  assert.equal(n, 20_002);
  assert.ok(ticks >= 2, `timers ran during the restore (${ticks} ticks)`);
  client.dispose();
});

test('data with characters beyond ASCII comes back from L2 exactly, under keys beyond ASCII too', async () => {
  // The engine reads an envelope as UTF-8 and has JavaScript parse the data out of the
  // stored string by UTF-16 offsets: every character before the data (in the key) and in
  // it must count right.
  const storage = mapStorage();
  const first = new QueryClient({ storage });
  const cases = [
    [['ascii'], { text: 'plain' }],
    [['ключ', '😀', { ü: 'ß' }], { text: 'héllo 😀 𝄞', list: ['ü', '\u2028', '\u0000'], n: 1.5 }],
    [['中文'], '字符串 only'],
    [['emoji', '👩‍👩‍👧'], [{ '😀': '😀' }, 'tail é']],
  ];
  for (const [key, data] of cases) first.setQueryData(key, data);
  await first.flush();
  first.dispose();
  const second = new QueryClient({ storage });
  for (const [key, data] of cases) {
    assert.deepEqual(await second.fetchQuery({ queryKey: key, queryFn: neverCalled, staleTime: Infinity }), data, JSON.stringify(key));
  }
  second.dispose();
  const third = new QueryClient({ storage });
  assert.equal(await third.restoreQueries(), cases.length);
  for (const [key, data] of cases) assert.deepEqual(third.getQueryData(key), data);
  third.dispose();
});
