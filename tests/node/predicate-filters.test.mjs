// Query filters with a `predicate`, as TanStack's: the predicate gets each query as a
// `Query` (key, hash, state, meta, isActive(), isStale(), getObserversCount()), runs in the
// face (js/face/predicate_filters.js), and every client method that takes filters acts on
// just the queries it kept. The cases were run against @tanstack/query-core 5 too, with the
// same results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient, QueryObserver } from '../../pkg/nodejs/stackquery.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function clientWithQueries() {
  const client = new QueryClient();
  let fetches = 0;
  const observer = new QueryObserver(client, { queryKey: ['a', 1], queryFn: async () => `a1 #${++fetches}`, staleTime: Infinity });
  const off = observer.subscribe(() => {});
  await sleep(5);
  client.setQueryData(['a', 2], 'a2');
  client.setQueryData(['b'], 'b');
  return { client, off, fetches: () => fetches };
}

test('a predicate gets each query as a Query, with its state and TanStack\'s methods', async () => {
  const { client, off } = await clientWithQueries();
  const seen = [];
  const predicate = (query) => {
    seen.push({ key: query.queryKey, hash: query.queryHash, active: query.isActive(), stale: query.isStale(), observers: query.getObserversCount(), status: query.state.status });
    return query.queryKey[0] === 'a';
  };
  assert.deepEqual(client.getQueriesData({ predicate }), [[['a', 1], 'a1 #1'], [['a', 2], 'a2']]);
  assert.deepEqual(seen, [
    { key: ['a', 1], hash: '["a",1]', active: true, stale: false, observers: 1, status: 'success' },
    { key: ['a', 2], hash: '["a",2]', active: false, stale: false, observers: 0, status: 'success' },
    { key: ['b'], hash: '["b"]', active: false, stale: false, observers: 0, status: 'success' },
  ]);
  assert.deepEqual(client.getQueriesData({ queryKey: ['a'], predicate: (q) => q.isActive() }), [[['a', 1], 'a1 #1']], 'with the other filters');
  off();
  client.dispose();
});

test('invalidateQueries with a predicate invalidates its matches, then refetches by refetchType ?? type ?? active', async () => {
  const { client, off, fetches } = await clientWithQueries();
  const predicate = (q) => q.queryKey[0] === 'a';
  const done = client.invalidateQueries({ predicate, type: 'inactive', refetchType: 'active' });
  assert.equal(client.isFetching({ predicate }), 1, 'the active match is refetched, though only inactive ones were invalidated');
  await done;
  assert.equal(fetches(), 2);
  assert.deepEqual([['a', 1], ['a', 2], ['b']].map((k) => client.getQueryState(k).isInvalidated), [false, true, false]);
  await client.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'b' }, { refetchType: 'none' });
  assert.equal(client.getQueryState(['b']).isInvalidated, true);
  assert.equal(fetches(), 2, 'refetchType none: no refetch');
  off();
  client.dispose();
});

test('setQueriesData, refetchQueries, cancelQueries, resetQueries and removeQueries act on what the predicate kept', async () => {
  const { client, off, fetches } = await clientWithQueries();
  assert.deepEqual(client.setQueriesData({ predicate: (q) => q.queryKey[0] === 'a' }, (d) => `${d}!`), [[['a', 1], 'a1 #1!'], [['a', 2], 'a2!']]);
  assert.equal(client.getQueryData(['b']), 'b');
  await client.refetchQueries({ predicate: (q) => q.queryKey[1] === 1 });
  assert.equal(fetches(), 2);
  const cancelled = client.cancelQueries({ predicate: () => false });
  assert.equal(await cancelled, undefined);
  await client.resetQueries({ predicate: (q) => q.queryKey[0] === 'b' });
  assert.equal(client.getQueryData(['b']), undefined, 'reset to no data');
  client.removeQueries({ predicate: (q) => q.queryKey[1] === 2 });
  assert.equal(client.getQueryState(['a', 2]), undefined, 'removed');
  assert.equal(client.getQueryData(['a', 1]), 'a1 #2', 'the others stay');
  off();
  client.dispose();
});

test('a predicate that is not a function is a TypeError naming the call; one that throws, throws out of it', async () => {
  const { client, off } = await clientWithQueries();
  assert.throws(() => client.invalidateQueries({ predicate: 'a' }), { name: 'TypeError', message: /invalidateQueries: filters\.predicate must be a function/ });
  assert.throws(() => client.removeQueries({ predicate: 1 }), { name: 'TypeError', message: /removeQueries/ });
  const boom = new Error('predicate failed');
  assert.throws(() => client.refetchQueries({ predicate: () => { throw boom; } }), (e) => e === boom);
  assert.deepEqual(client.getQueriesData({ queryKey: ['b'] }), [[['b'], 'b']], 'the client goes on');
  off();
  client.dispose();
});
