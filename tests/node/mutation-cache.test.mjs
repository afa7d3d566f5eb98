// TanStack's MutationCache in the JS face (js/face/mutation_cache.js): the mutations
// `client.mutation()` made, their events, find/findAll, the global callbacks around each
// mutation's own, and removal `gcTime` after a mutation settled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient, MutationCache } from '../../pkg/nodejs/stackquery.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('getMutationCache: one cache per client; the one given to the constructor', () => {
  const client = new QueryClient();
  assert.ok(client.getMutationCache() instanceof MutationCache);
  assert.equal(client.getMutationCache(), client.getMutationCache());
  const cache = new MutationCache();
  const own = new QueryClient({ mutationCache: cache });
  assert.equal(own.getMutationCache(), cache);
  assert.throws(() => new QueryClient({ mutationCache: cache }), { name: 'TypeError', message: /already belongs to another QueryClient/ });
  assert.throws(() => new QueryClient({ mutationCache: [] }), { name: 'TypeError', message: /mutationCache must be a MutationCache/ });
  assert.throws(() => new MutationCache({ onSuccess: 1 }), { name: 'TypeError', message: /MutationCache: onSuccess must be a function/ });
  client.dispose();
  own.dispose();
});

test('the cache tracks each mutation: added, updated pending, updated success', async () => {
  const client = new QueryClient();
  const cache = client.getMutationCache();
  const events = [];
  cache.subscribe((e) => events.push([e.type, e.mutation.mutationId, e.action?.type]));
  const add = client.mutation({ mutationKey: ['todos', 'add'], mutationFn: async (n) => n + 1, meta: { label: 'add' } });
  assert.deepEqual(cache.getAll(), [add]);
  assert.deepEqual(add.options.mutationKey, ['todos', 'add']);
  assert.deepEqual(add.meta, { label: 'add' });
  assert.equal(await add.mutate(1), 2);
  const fails = client.mutation({ mutationFn: async () => { throw new Error('no'); } });
  await assert.rejects(fails.mutate(), /no/);
  assert.deepEqual(events, [
    ['added', add.mutationId, undefined],
    ['updated', add.mutationId, 'pending'],
    ['updated', add.mutationId, 'success'],
    ['added', fails.mutationId, undefined],
    ['updated', fails.mutationId, 'pending'],
    ['updated', fails.mutationId, 'error'],
  ]);
  assert.deepEqual(cache.getAll(), [add, fails]);
  assert.notEqual(add.mutationId, fails.mutationId);
  client.dispose();
});

test('global callbacks run before the mutation\'s own, with the mutation', async () => {
  const order = [];
  const client = new QueryClient({
    mutationCache: new MutationCache({
      onMutate: (v, m) => order.push(`global onMutate ${v} #${m.mutationId}`),
      onSuccess: (d, v, ctx) => order.push(`global onSuccess ${d} ${ctx}`),
      onError: (e, v, ctx) => order.push(`global onError ${e.message} ${ctx}`),
      onSettled: (d, e, v, ctx, m) => order.push(`global onSettled ${d} ${e?.message ?? null} ${ctx} #${m.mutationId}`),
    }),
  });
  const own = (fn) => ({
    mutationFn: fn,
    onMutate: (v) => { order.push(`onMutate ${v}`); return 'ctx'; },
    onSuccess: (d) => order.push(`onSuccess ${d}`),
    onError: (e) => order.push(`onError ${e.message}`),
    onSettled: (d, e) => order.push(`onSettled ${d} ${e?.message ?? null}`),
  });
  const ok = client.mutation(own(async (v) => v * 10));
  assert.equal(await ok.mutate(4), 40);
  assert.deepEqual(order, [
    'global onMutate 4 #1', 'onMutate 4',
    'global onSuccess 40 ctx', 'onSuccess 40',
    'global onSettled 40 null ctx #1', 'onSettled 40 null',
  ]);
  order.length = 0;
  const ko = client.mutation(own(async () => { throw new Error('down'); }));
  await assert.rejects(ko.mutate(1), /down/);
  assert.deepEqual(order, [
    'global onMutate 1 #2', 'onMutate 1',
    'global onError down ctx', 'onError down',
    'global onSettled undefined down ctx #2', 'onSettled undefined down',
  ]);
  client.dispose();
});

test('a throwing global onSuccess fails the mutation; a throwing global onError does not stop its own', async () => {
  const seen = [];
  const client = new QueryClient({
    mutationCache: new MutationCache({
      onSuccess: () => { throw new Error('global success'); },
      onError: () => { throw new Error('global error'); },
    }),
  });
  const m = client.mutation({ mutationFn: async () => 1, onError: (e) => seen.push(e.message) });
  await assert.rejects(m.mutate(), /global success/);
  assert.deepEqual(seen, ['global success']);
  assert.equal(m.state.status, 'error');
  client.dispose();
});

test('find (exact by default) and findAll by mutationKey, status and predicate', async () => {
  const client = new QueryClient();
  const cache = client.getMutationCache();
  const add = client.mutation({ mutationKey: ['todos', 'add'], mutationFn: async () => 1 });
  const remove = client.mutation({ mutationKey: ['todos', 'remove'], mutationFn: async () => { throw new Error('x'); } });
  const other = client.mutation({ mutationFn: async () => 3 });
  await add.mutate();
  await remove.mutate().catch(() => {});
  assert.equal(cache.find({ mutationKey: ['todos'] }), undefined, 'exact by default');
  assert.equal(cache.find({ mutationKey: ['todos', 'add'] }), add);
  assert.equal(cache.find({ mutationKey: ['todos'], exact: false }), add);
  assert.deepEqual(cache.findAll({ mutationKey: ['todos'] }), [add, remove], 'findAll: partial match');
  assert.deepEqual(cache.findAll({ status: 'error' }), [remove]);
  assert.deepEqual(cache.findAll({ status: 'idle' }), [other]);
  assert.deepEqual(cache.findAll({ predicate: (m) => m.state.data === 1 }), [add]);
  assert.deepEqual(cache.findAll(), [add, remove, other]);
  assert.throws(() => cache.findAll({ status: 'done' }), { name: 'TypeError', message: /mutationCache.findAll: filters.status must be/ });
  assert.throws(() => cache.find({ mutationKey: 'todos' }), { name: 'TypeError', message: /mutationCache.find: filters.mutationKey must be an array/ });
  client.dispose();
});

test('a settled mutation is removed gcTime later, unless subscribed; running again brings it back', async () => {
  const client = new QueryClient();
  const cache = client.getMutationCache();
  const events = [];
  cache.subscribe((e) => events.push(`${e.type}${e.action ? ` ${e.action.type}` : ''}`));
  const m = client.mutation({ mutationFn: async (v) => v, gcTime: 20 });
  const watched = client.mutation({ mutationFn: async (v) => v, gcTime: 20 });
  const off = watched.subscribe(() => {});
  await m.mutate(1);
  await watched.mutate(1);
  assert.equal(cache.getAll().length, 2);
  await sleep(60);
  assert.deepEqual(cache.getAll(), [watched], 'the unwatched one is gone');
  assert.equal(events.filter((e) => e === 'removed').length, 1);
  off();
  await sleep(60);
  assert.deepEqual(cache.getAll(), [], 'gone once unwatched');
  events.length = 0;
  assert.equal(await m.mutate(2), 2);
  assert.deepEqual(cache.getAll(), [m]);
  assert.deepEqual(events, ['added', 'updated pending', 'updated success']);
  assert.throws(() => client.mutation({ mutationFn: async () => 1, gcTime: 'long' }), { name: 'TypeError', message: /gcTime must be a number/ });
  client.dispose();
});

test('a throwing listener breaks nothing; unsubscribe stops the events; clear() removes all', async () => {
  const client = new QueryClient();
  const cache = client.getMutationCache();
  cache.subscribe(() => { throw new Error('listener'); });
  const events = [];
  const off = cache.subscribe((e) => events.push(e.type));
  const m = client.mutation({ mutationFn: async () => 'done' });
  assert.equal(await m.mutate(), 'done');
  assert.deepEqual(events, ['added', 'updated', 'updated']);
  off();
  await m.mutate();
  assert.equal(events.length, 3);
  const seen = [];
  cache.subscribe((e) => seen.push(e.type));
  cache.clear();
  assert.deepEqual(cache.getAll(), []);
  assert.deepEqual(seen, ['removed']);
  assert.throws(() => cache.subscribe(null), { name: 'TypeError', message: /mutationCache.subscribe needs a listener function/ });
  client.dispose();
});

test('defaults still reach the mutation, and bad options still get the engine\'s TypeError', async () => {
  const client = new QueryClient({ defaultOptions: { mutations: { meta: { from: 'defaults' } } } });
  client.setMutationDefaults(['add'], { mutationFn: async (n) => n + 1 });
  const m = client.mutation({ mutationKey: ['add'] });
  assert.equal(await m.mutate(1), 2);
  assert.deepEqual(m.meta, { from: 'defaults' });
  assert.throws(() => client.mutation({ mutationFn: async () => 1, onSuccess: 'x' }), { name: 'TypeError', message: /onSuccess must be a function/ });
  assert.throws(() => client.mutation({ mutationFn: 5 }), { name: 'TypeError', message: /mutationFn must be a function/ });
  assert.equal(client.getMutationCache().getAll().length, 1, 'refused options add nothing');
  client.dispose();
});

test('a mutation waiting for its scope is paused, and the cache tells of its turn (continue)', async () => {
  const client = new QueryClient();
  const cache = client.getMutationCache();
  const events = [];
  cache.subscribe((e) => { if (e.type === 'updated') events.push([e.mutation.mutationId, e.action.type, e.mutation.state.isPaused]); });
  let release;
  const first = client.mutation({ scope: { id: 'todos' }, mutationFn: () => new Promise((r) => { release = r; }) });
  const second = client.mutation({ scope: { id: 'todos' }, mutationFn: async () => 'second' });
  const a = first.mutate(1);
  const b = second.mutate(2);
  await sleep(5);
  assert.equal(second.state.isPaused, true, 'queued behind the first of its scope');
  release('first');
  assert.deepEqual(await Promise.all([a, b]), ['first', 'second']);
  await sleep(1);
  const ofSecond = events.filter(([id]) => id === second.mutationId).map(([, type, paused]) => `${type}${paused ? ' (paused)' : ''}`);
  assert.deepEqual(ofSecond, ['pending (paused)', 'continue', 'success']);
  client.dispose();
});
