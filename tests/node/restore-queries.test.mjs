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

test('restoreQueries rejects what is not a list of keys with a TypeError naming the call', () => {
  const client = new QueryClient({ storage: mapStorage() });
  assert.throws(() => client.restoreQueries(['todos']), { name: 'TypeError', message: /queryKey/ });
  assert.throws(() => client.restoreQueries('todos'), { name: 'TypeError', message: /restoreQueries needs an array of query keys/ });
  assert.throws(() => client.restoreQueries(), { name: 'TypeError', message: /restoreQueries/ });
  client.dispose();
});
