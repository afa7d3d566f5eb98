// TanStack's dehydrate/hydrate in the JS face (js/face/hydration.js): a server client's
// cache as JSON, and back into another client with each query's own dataUpdatedAt, no
// fetch, never over newer data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient, MemoryStorage, dehydrate, hydrate, defaultShouldDehydrateQuery } from '../../pkg/nodejs/stackquery.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const counter = (v) => {
  const fn = async () => { fn.calls++; return v; };
  fn.calls = 0;
  return fn;
};

async function server() {
  const client = new QueryClient();
  await client.fetchQuery({ queryKey: ['todos', { done: false }], queryFn: async () => [{ id: 1, title: 'milk' }], meta: { source: 'api' } });
  client.setQueryData(['user'], { name: 'ann' }, { updatedAt: 1_000 });
  await client.fetchQuery({ queryKey: ['broken'], queryFn: async () => { throw new Error('down'); }, retry: false }).catch(() => {});
  return client;
}

test('dehydrate → JSON → hydrate: the same data and dataUpdatedAt, and no fetch', async () => {
  const source = await server();
  const json = JSON.stringify(dehydrate(source));
  const state = JSON.parse(json);
  assert.deepEqual(state.mutations, []);
  assert.deepEqual(state.queries.map((q) => q.queryHash).sort(), ['["todos",{"done":false}]', '["user"]'], 'success only by default');
  const target = new QueryClient();
  hydrate(target, state);
  for (const key of [['todos', { done: false }], ['user']]) {
    assert.deepEqual(target.getQueryData(key), source.getQueryData(key));
    assert.equal(target.getQueryState(key).dataUpdatedAt, source.getQueryState(key).dataUpdatedAt);
    assert.equal(target.getQueryState(key).fetchStatus, 'idle');
  }
  assert.equal(target.getQueryState(['user']).dataUpdatedAt, 1_000);
  assert.deepEqual(target.getQueryCache().find({ queryKey: ['todos', { done: false }] }).meta, { source: 'api' }, 'meta comes along');
  const queryFn = counter('network');
  assert.deepEqual(await target.fetchQuery({ queryKey: ['todos', { done: false }], queryFn, staleTime: 60_000 }), [{ id: 1, title: 'milk' }]);
  assert.equal(queryFn.calls, 0, 'hydrated fresh data needs no fetch');
  assert.equal(target.getQueryState(['broken']), undefined);
  source.dispose();
  target.dispose();
});

test('hydrate never overwrites newer data, and replaces older data', async () => {
  const source = new QueryClient();
  source.setQueryData(['a'], 'server a', { updatedAt: 5_000 });
  source.setQueryData(['b'], 'server b', { updatedAt: 5_000 });
  const state = JSON.parse(JSON.stringify(dehydrate(source)));
  const target = new QueryClient();
  target.setQueryData(['a'], 'newer in the browser', { updatedAt: 9_000 });
  target.setQueryData(['b'], 'older in the browser', { updatedAt: 1_000 });
  hydrate(target, state);
  assert.equal(target.getQueryData(['a']), 'newer in the browser');
  assert.equal(target.getQueryState(['a']).dataUpdatedAt, 9_000);
  assert.equal(target.getQueryData(['b']), 'server b');
  assert.equal(target.getQueryState(['b']).dataUpdatedAt, 5_000);
  hydrate(target, state); // the same again: equal times change nothing
  assert.equal(target.getQueryState(['b']).dataUpdateCount, 2);
  source.dispose();
  target.dispose();
});

test('shouldDehydrateQuery chooses the queries; serializeData / deserializeData transform data', async () => {
  const source = await server();
  source.setQueryData(['when'], new Date(86_400_000));
  const onlyUser = dehydrate(source, { shouldDehydrateQuery: (query) => query.queryKey[0] === 'user' });
  assert.deepEqual(onlyUser.queries.map((q) => q.queryKey), [['user']]);
  const all = dehydrate(source, { shouldDehydrateQuery: () => true });
  const broken = all.queries.find((q) => q.queryHash === '["broken"]');
  assert.equal(broken.state.status, 'error');
  assert.equal(defaultShouldDehydrateQuery(source.getQueryCache().find({ queryKey: ['broken'] })), false);
  const dates = dehydrate(source, {
    shouldDehydrateQuery: (q) => q.queryKey[0] === 'when',
    serializeData: (d) => (d instanceof Date ? { date: d.toISOString() } : d),
  });
  const target = new QueryClient();
  hydrate(target, JSON.parse(JSON.stringify(dates)), { defaultOptions: { deserializeData: (d) => new Date(d.date) } });
  assert.ok(target.getQueryData(['when']) instanceof Date);
  assert.equal(target.getQueryData(['when']).getTime(), 86_400_000);
  assert.throws(() => dehydrate(source, { shouldDehydrateQuery: true }), { name: 'TypeError', message: /dehydrate: shouldDehydrateQuery must be a function/ });
  source.dispose();
  target.dispose();
});

test('a pending query streams its promise: hydrated, it resolves with the server fetch', async () => {
  const source = new QueryClient();
  let finish;
  const fetched = source.fetchQuery({ queryKey: ['slow'], queryFn: () => new Promise((resolve) => { finish = resolve; }) });
  const state = dehydrate(source, { shouldDehydrateQuery: () => true });
  const [pending] = state.queries;
  assert.equal(pending.state.status, 'pending');
  assert.equal(typeof pending.promise?.then, 'function');
  const target = new QueryClient();
  hydrate(target, state); // a transport that carries promises (no JSON here)
  assert.equal(target.getQueryState(['slow']).fetchStatus, 'fetching');
  const queryFn = counter('from the browser');
  const waiting = target.fetchQuery({ queryKey: ['slow'], queryFn });
  finish({ done: true });
  await fetched;
  assert.deepEqual(await waiting, { done: true });
  assert.deepEqual(target.getQueryData(['slow']), { done: true });
  assert.equal(queryFn.calls, 0, 'the server fetch is the one fetch');
  source.dispose();
  target.dispose();
});

test('a pending promise that rejects is redacted unless shouldRedactErrors says no', async () => {
  const source = new QueryClient();
  const failing = source.fetchQuery({ queryKey: ['x'], queryFn: () => new Promise((_, reject) => setTimeout(() => reject(new Error('secret')), 5)), retry: false });
  failing.catch(() => {});
  const redacted = dehydrate(source, { shouldDehydrateQuery: () => true }).queries[0].promise;
  const kept = dehydrate(source, { shouldDehydrateQuery: () => true, shouldRedactErrors: () => false }).queries[0].promise;
  await assert.rejects(redacted, { message: 'redacted' });
  await assert.rejects(kept, { message: 'secret' });
  source.dispose();
});

test('hydrate: defaultOptions.queries reach new queries; invalidation comes along', async () => {
  const source = new QueryClient();
  source.setQueryData(['a'], 1);
  source.setQueryData(['stale'], 2);
  await source.invalidateQueries({ queryKey: ['stale'] });
  const target = new QueryClient();
  // (A gcTime shorter than the client's does not take: the engine keeps a query's longer one.)
  hydrate(target, JSON.parse(JSON.stringify(dehydrate(source))), { defaultOptions: { queries: { gcTime: Infinity, staleTime: 30_000 } } });
  const a = target.getQueryCache().find({ queryKey: ['a'] });
  assert.equal(a.gcTime, Infinity);
  assert.equal(a.options.staleTime, 30_000);
  assert.equal(a.isStale(), false);
  assert.equal(target.getQueryState(['stale']).isInvalidated, true);
  source.dispose();
  target.dispose();
});

test('hydrated data is persisted to L2 like any setQueryData', async () => {
  const source = new QueryClient();
  source.setQueryData(['a'], 'server');
  const storage = new MemoryStorage();
  const target = new QueryClient({ storage });
  hydrate(target, JSON.parse(JSON.stringify(dehydrate(source))));
  await target.flush();
  const reader = new QueryClient({ storage });
  assert.equal(await reader.ensureQueryData({ queryKey: ['a'], queryFn: async () => 'network' }), 'server');
  source.dispose();
  target.dispose();
  reader.dispose();
});

test('bad input: a TypeError naming the argument; undefined is a no-op', async () => {
  const client = new QueryClient();
  assert.throws(() => hydrate(client, 'x'), { name: 'TypeError', message: /hydrate: dehydratedState must be an object/ });
  assert.throws(() => hydrate(client, { queries: {} }), { name: 'TypeError', message: /hydrate: dehydratedState.queries must be an array/ });
  assert.throws(() => hydrate(client, { queries: [{ queryKey: 'a', state: {} }] }), { name: 'TypeError', message: /dehydratedState.queries\[0\].queryKey must be an array/ });
  assert.throws(() => hydrate(client, { queries: [{ queryKey: ['a'], state: { data: 1, dataUpdatedAt: 'now' } }] }), { name: 'TypeError', message: /queries\[0\].state.dataUpdatedAt must be a time/ });
  assert.throws(() => hydrate({}, { queries: [] }), { name: 'TypeError', message: /hydrate: client must be a QueryClient/ });
  assert.throws(() => dehydrate(undefined), { name: 'TypeError', message: /dehydrate: client must be a QueryClient/ });
  hydrate(client, undefined);
  hydrate(client, null);
  hydrate(client, {});
  assert.equal(client.size, 0);
  await settle();
  client.dispose();
});
