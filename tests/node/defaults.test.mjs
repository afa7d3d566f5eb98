// TanStack's query and mutation defaults (js/face/defaults.js): `defaultOptions` on the
// client, defaults per key prefix, and the merge order a TanStack user expects — the
// client's defaults, then every matching key default in the order first set, then the
// call's own options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient, QueryObserver } from '../../pkg/nodejs/stackquery.js';

const counter = () => {
  const fn = async ({ queryKey }) => { fn.calls++; return `${queryKey.join('/')}#${fn.calls}`; };
  fn.calls = 0;
  return fn;
};

test('defaultOptions.queries apply to every query call', async () => {
  const queryFn = counter();
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: 60_000 } } });
  const first = await client.fetchQuery({ queryKey: ['a'], queryFn });
  assert.equal(await client.fetchQuery({ queryKey: ['a'], queryFn }), first, 'fresh for a minute: no second fetch');
  assert.equal(queryFn.calls, 1);
  assert.equal(client.getQueryState(['a']).isInvalidated, false);
  const plain = new QueryClient();
  await plain.fetchQuery({ queryKey: ['a'], queryFn });
  await plain.fetchQuery({ queryKey: ['a'], queryFn });
  assert.equal(queryFn.calls, 3, 'without defaults, staleTime 0 refetches');
  assert.deepEqual(client.getDefaultOptions(), { queries: { staleTime: 60_000 } });
  client.dispose();
  plain.dispose();
});

test('setQueryDefaults: a key default applies to keys it partially matches, later ones win', async () => {
  const client = new QueryClient();
  client.setQueryDefaults(['todos'], { queryFn: async ({ queryKey }) => `todo ${queryKey[1]}`, staleTime: 1_000 });
  client.setQueryDefaults(['todos', { done: true }], { staleTime: 5_000 });
  assert.equal(await client.fetchQuery({ queryKey: ['todos', 7] }), 'todo 7', 'the queryFn comes from the defaults');
  assert.deepEqual(Object.keys(client.getQueryDefaults(['todos', { done: true, page: 2 }])).sort(), ['queryFn', 'staleTime']);
  assert.equal(client.getQueryDefaults(['todos', { done: true, page: 2 }]).staleTime, 5_000, 'the later, more specific default wins');
  assert.equal(client.getQueryDefaults(['todos', 1]).staleTime, 1_000);
  assert.deepEqual(client.getQueryDefaults(['users']), {}, 'no match');
  await assert.rejects(client.fetchQuery({ queryKey: ['users', 1] }), { name: 'Error', message: `Missing queryFn: '["users",1]'` }, 'a key no default matches still needs its queryFn');
  // Setting a key's defaults again replaces them, in their first place.
  client.setQueryDefaults(['todos'], { staleTime: 2_000 });
  assert.deepEqual(client.getQueryDefaults(['todos', 1]), { staleTime: 2_000 });
  assert.equal(client.getQueryDefaults(['todos', { done: true }]).staleTime, 5_000, 'still applied after it');
  assert.throws(() => client.setQueryDefaults('todos', {}), { name: 'TypeError', message: /setQueryDefaults: the key must be an array/ });
  client.dispose();
});

test('defaultQueryOptions merges client, key and call options, the call\'s winning', () => {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: 1, gcTime: 1_000, retry: 1 } } });
  client.setQueryDefaults(['a'], { staleTime: 2, retry: 2 });
  const merged = client.defaultQueryOptions({ queryKey: ['a', 1], staleTime: 3 });
  assert.equal(merged.staleTime, 3);
  assert.equal(merged.retry, 2);
  assert.equal(merged.gcTime, 1_000);
  assert.equal(merged._defaulted, true);
  assert.equal(client.defaultQueryOptions(merged), merged, 'already defaulted: returned as it is');
  client.dispose();
});

test('observers take the defaults too, also when their options change', async () => {
  const client = new QueryClient();
  client.setQueryDefaults(['user'], { queryFn: async ({ queryKey }) => ({ id: queryKey[1] }), staleTime: Infinity });
  const observer = new QueryObserver(client, { queryKey: ['user', 1] });
  const seen = [];
  const unsubscribe = observer.subscribe((r) => { if (r.isSuccess) seen.push(r.data.id); });
  for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(seen, [1]);
  assert.equal(observer.getCurrentResult().isStale, false, 'staleTime Infinity from the defaults');
  observer.setOptions({ queryKey: ['user', 2] });
  for (let i = 0; i < 50 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(seen.slice(-1), [2]);
  unsubscribe();
  const watched = client.watch({ queryKey: ['user', 3] });
  const data = await new Promise((resolve) => {
    const stop = watched.subscribe((r) => { if (r.isSuccess) { stop(); resolve(r.data); } });
  });
  assert.deepEqual(data, { id: 3 });
  client.dispose();
});

test('mutation defaults: defaultOptions.mutations and setMutationDefaults by mutationKey', async () => {
  const settled = [];
  const client = new QueryClient({ defaultOptions: { mutations: { onSettled: (data) => settled.push(data) } } });
  client.setMutationDefaults(['add'], { mutationFn: async (n) => n + 1 });
  const mutation = client.mutation({ mutationKey: ['add'] });
  assert.equal(await mutation.mutate(41), 42, 'the mutationFn comes from the key\'s defaults');
  assert.deepEqual(settled, [42], 'the client-wide onSettled ran');
  assert.equal(typeof client.getMutationDefaults(['add', 'more']).mutationFn, 'function');
  client.dispose();
});

test('setDefaultOptions changes the defaults of later calls', async () => {
  const queryFn = counter();
  const client = new QueryClient();
  client.setDefaultOptions({ queries: { staleTime: Infinity } });
  await client.fetchQuery({ queryKey: ['b'], queryFn });
  await client.fetchQuery({ queryKey: ['b'], queryFn });
  assert.equal(queryFn.calls, 1);
  assert.throws(() => client.setDefaultOptions(null), TypeError);
  client.dispose();
});

test('misuse is still the engine\'s TypeError naming the option, defaults or not', () => {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: 1 }, mutations: { retry: 1 } } });
  assert.throws(() => client.mutation(null), { name: 'TypeError', message: /mutation options/ });
  assert.throws(() => client.fetchQuery(null), TypeError);
  assert.throws(() => client.fetchQuery({ queryKey: 'todos', queryFn: async () => 1 }), { name: 'TypeError', message: /queryKey/ });
  client.dispose();
});
