// TanStack's QueryCache in the JS face (js/face/query_cache.js, js/face/query.js):
// `client.getQueryCache()` / `new QueryClient({ queryCache: new QueryCache({ … }) })`,
// find/findAll with filters, one `Query` handle per query, the events a listener sees
// (after the change, in a microtask) and the global onSuccess/onError/onSettled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { QueryClient, QueryCache, Query, QueryObserver, MemoryStorage } from '../../pkg/nodejs/stackquery.js';

// Events come in the microtask after a change: a macrotask later they have all arrived.
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const value = (v) => async () => v;
const fail = (message) => async () => { throw new Error(message); };

/** A listener recording `type action? hash` for each event. */
function recorder(cache) {
  const events = [];
  const unsubscribe = cache.subscribe((e) => events.push(`${e.type}${e.action ? ` ${e.action.type}` : ''} ${e.query.queryHash}`));
  return { events, unsubscribe };
}

test('getQueryCache: one cache per client; the one given to the constructor', () => {
  const client = new QueryClient();
  assert.ok(client.getQueryCache() instanceof QueryCache);
  assert.equal(client.getQueryCache(), client.getQueryCache());
  const cache = new QueryCache();
  const own = new QueryClient({ queryCache: cache, staleTime: 5 });
  assert.equal(own.getQueryCache(), cache);
  assert.throws(() => new QueryClient({ queryCache: cache }), { name: 'TypeError', message: /queryCache: this QueryCache already belongs to another QueryClient/ });
  assert.throws(() => new QueryClient({ queryCache: {} }), { name: 'TypeError', message: /queryCache must be a QueryCache/ });
  assert.throws(() => new QueryCache({ onError: 'log' }), { name: 'TypeError', message: /QueryCache: onError must be a function/ });
  assert.throws(() => new QueryCache(7), { name: 'TypeError', message: /QueryCache config must be an object/ });
  assert.throws(() => new Query(), { name: 'TypeError', message: /cannot be made directly/ });
  client.dispose();
  own.dispose();
});

test('find: exact by default; findAll: by prefix, type, stale, predicate on the Query', async () => {
  const client = new QueryClient();
  await client.fetchQuery({ queryKey: ['todos'], queryFn: value('all') });
  await client.fetchQuery({ queryKey: ['todos', 1], queryFn: value('one'), staleTime: Infinity });
  client.setQueryData(['users', 7], { name: 'ann' });
  const cache = client.getQueryCache();
  assert.equal(cache.find({ queryKey: ['todos'] }).queryHash, '["todos"]');
  assert.equal(cache.find({ queryKey: ['todos', 1] }).state.data, 'one');
  assert.equal(cache.find({ queryKey: ['todo'] }), undefined);
  assert.equal(cache.find({ queryKey: ['users'] }), undefined, 'exact: a prefix alone does not find');
  assert.equal(cache.find({ queryKey: ['users'], exact: false }).queryHash, '["users",7]');
  assert.deepEqual(cache.findAll({ queryKey: ['todos'] }).map((q) => q.queryHash).sort(), ['["todos",1]', '["todos"]']);
  // TanStack's Query.isStale(): with no observer, data is stale only when invalidated.
  const hashes = (filters) => cache.findAll(filters).map((q) => q.queryHash).sort();
  assert.deepEqual(hashes({ queryKey: ['todos'], stale: false }), ['["todos",1]', '["todos"]']);
  assert.deepEqual(hashes({ stale: true }), []);
  assert.equal(cache.getAll().length, 3);
  assert.equal(cache.findAll({ type: 'active' }).length, 0);
  // Observed: stale to an enabled observer by its own staleTime; a disabled one counts for nothing.
  const watching = new QueryObserver(client, { queryKey: ['todos'], queryFn: value('all'), staleTime: 0, refetchOnMount: false });
  const off = watching.subscribe(() => {});
  const disabled = new QueryObserver(client, { queryKey: ['users', 7], enabled: false });
  const offDisabled = disabled.subscribe(() => {});
  assert.deepEqual(hashes({ stale: true }), ['["todos"]']);
  assert.deepEqual(hashes({ stale: false }), ['["todos",1]', '["users",7]']);
  watching.setOptions({ queryKey: ['todos'], queryFn: value('all'), staleTime: Infinity, refetchOnMount: false });
  assert.deepEqual(hashes({ stale: true }), [], 'its new staleTime counts');
  off();
  offDisabled();
  const seen = [];
  const found = cache.findAll({ predicate: (query) => { seen.push(query instanceof Query); return query.state.data?.name === 'ann'; } });
  assert.deepEqual(found.map((q) => q.queryKey), [['users', 7]]);
  assert.deepEqual(seen, [true, true, true], 'the predicate gets Query handles');
  assert.equal(cache.get('["users",7]'), found[0]);
  assert.equal(cache.get('["nobody"]'), undefined);
  assert.throws(() => cache.findAll({ predicate: 'x' }), { name: 'TypeError', message: /queryCache.findAll: filters.predicate must be a function/ });
  assert.throws(() => cache.findAll({ type: 'busy' }), { name: 'TypeError', message: /filters.type/ });
  client.dispose();
});

test('a Query is one object per query while it lives, and reads what the cache holds now', async () => {
  const client = new QueryClient();
  client.setQueryData(['a'], 1);
  const cache = client.getQueryCache();
  const query = cache.find({ queryKey: ['a'] });
  assert.equal(cache.find({ queryKey: ['a'] }), query);
  assert.equal(cache.getAll()[0], query);
  assert.deepEqual(query.queryKey, ['a']);
  assert.equal(query.state.data, 1);
  client.setQueryData(['a'], 2);
  assert.equal(query.state.data, 2, 'state follows the cache');
  assert.equal(cache.find({ queryKey: ['a'] }), query, 'the same handle after a change');
  query.setData(3, { updatedAt: 1_000 });
  assert.equal(client.getQueryData(['a']), 3);
  assert.equal(query.state.dataUpdatedAt, 1_000);
  assert.equal(query.isStale(), false, "TanStack's: unobserved data is stale only when invalidated");
  query.invalidate();
  assert.equal(query.state.isInvalidated, true);
  assert.equal(query.isStale(), true);
  assert.equal(query.options.gcTime, 300_000);
  assert.equal(query.gcTime, 300_000);
  client.removeQueries({ queryKey: ['a'] });
  assert.equal(cache.find({ queryKey: ['a'] }), undefined);
  assert.equal(query.state.data, 3, 'a removed query keeps its last state');
  client.dispose();
});

test('events of a fetch, in order: added, updated fetch, updated success; removed on removeQueries', async () => {
  const client = new QueryClient();
  const { events } = recorder(client.getQueryCache());
  await client.fetchQuery({ queryKey: ['a'], queryFn: value(1) });
  await settle();
  assert.deepEqual(events, ['added ["a"]', 'updated fetch ["a"]', 'updated success ["a"]']);
  events.length = 0;
  client.setQueryData(['b'], 2);
  await settle();
  assert.deepEqual(events, ['added ["b"]', 'updated success ["b"]']);
  events.length = 0;
  await client.fetchQuery({ queryKey: ['e'], queryFn: fail('down'), retry: false }).catch(() => {});
  await settle();
  assert.deepEqual(events, ['added ["e"]', 'updated fetch ["e"]', 'updated error ["e"]']);
  events.length = 0;
  await client.invalidateQueries({ queryKey: ['b'] });
  await settle();
  assert.deepEqual(events, ['updated invalidate ["b"]']);
  events.length = 0;
  client.removeQueries({ queryKey: ['a'] });
  await settle();
  assert.deepEqual(events, ['removed ["a"]']);
  events.length = 0;
  client.dispose();
  await settle();
  assert.deepEqual(events.sort(), ['removed ["b"]', 'removed ["e"]'], 'dispose empties the cache');
});

test('an event carries the Query, whose state is the state after the change', async () => {
  const client = new QueryClient();
  const cache = client.getQueryCache();
  const seen = [];
  cache.subscribe((e) => seen.push([e.type, e.query, e.query.state.status, e.query.state.fetchStatus]));
  await client.fetchQuery({ queryKey: ['a'], queryFn: value('x') });
  await settle();
  const query = cache.find({ queryKey: ['a'] });
  assert.ok(seen.every(([, q]) => q === query), 'every event holds the one handle');
  assert.deepEqual(seen.at(-1).slice(2), ['success', 'idle']);
  client.dispose();
});

test('observers: observerAdded and observerRemoved, getObserversCount, isActive, isDisabled', async () => {
  const client = new QueryClient();
  client.setQueryData(['a'], 1);
  const cache = client.getQueryCache();
  const { events } = recorder(cache);
  const query = cache.find({ queryKey: ['a'] });
  const observer = client.watch({ queryKey: ['a'], queryFn: value(2), staleTime: Infinity });
  const off = observer.subscribe(() => {});
  await settle();
  assert.deepEqual(events, ['observerAdded ["a"]']);
  assert.equal(query.getObserversCount(), 1);
  assert.equal(query.isActive(), true);
  assert.equal(query.isDisabled(), false);
  off();
  await settle();
  assert.deepEqual(events, ['observerAdded ["a"]', 'observerRemoved ["a"]']);
  assert.equal(query.getObserversCount(), 0);
  const disabled = client.watch({ queryKey: ['a'], enabled: false });
  const offDisabled = disabled.subscribe(() => {});
  assert.equal(query.isDisabled(), true);
  assert.equal(query.isActive(), false);
  offDisabled();
  client.dispose();
});

test('global onSuccess, onError and onSettled: once per fetch outcome, with the query', async () => {
  const calls = [];
  const client = new QueryClient({
    queryCache: new QueryCache({
      onSuccess: (data, query) => calls.push(['onSuccess', data, query.queryHash]),
      onError: (error, query) => calls.push(['onError', error.message, query.queryHash]),
      onSettled: (data, error, query) => calls.push(['onSettled', data, error?.message ?? null, query.queryHash]),
    }),
  });
  await client.fetchQuery({ queryKey: ['ok'], queryFn: value(1) });
  await client.fetchQuery({ queryKey: ['ko'], queryFn: fail('nope'), retry: false }).catch(() => {});
  client.setQueryData(['manual'], 3); // not a fetch: no callback
  await settle();
  assert.deepEqual(calls, [
    ['onSuccess', 1, '["ok"]'],
    ['onSettled', 1, null, '["ok"]'],
    ['onError', 'nope', '["ko"]'],
    ['onSettled', undefined, 'nope', '["ko"]'],
  ]);
  calls.length = 0;
  await client.fetchQuery({ queryKey: ['ok'], queryFn: value(2) }); // stale: fetched again
  await settle();
  assert.deepEqual(calls, [['onSuccess', 2, '["ok"]'], ['onSettled', 2, null, '["ok"]']]);
  client.dispose();
});

test('a cancelled fetch calls no global callback', async () => {
  const calls = [];
  const client = new QueryClient({ queryCache: new QueryCache({ onError: (e) => calls.push(e), onSuccess: (d) => calls.push(d) }) });
  const slow = client.fetchQuery({ queryKey: ['slow'], queryFn: () => new Promise((resolve) => setTimeout(() => resolve('late'), 50)) });
  await settle();
  await client.cancelQueries({ queryKey: ['slow'] });
  await slow.catch(() => {});
  await settle();
  assert.deepEqual(calls, []);
  client.dispose();
});

test('a throwing listener or callback breaks neither the cache nor the other listeners', async () => {
  const calls = [];
  const client = new QueryClient({ queryCache: new QueryCache({ onSuccess: () => { throw new Error('callback'); }, onSettled: (d) => calls.push(d) }) });
  const cache = client.getQueryCache();
  cache.subscribe(() => { throw new Error('listener'); });
  const { events } = recorder(cache);
  assert.equal(await client.fetchQuery({ queryKey: ['a'], queryFn: value(1) }), 1);
  await settle();
  assert.deepEqual(events, ['added ["a"]', 'updated fetch ["a"]', 'updated success ["a"]']);
  assert.deepEqual(calls, [1], 'onSettled still runs after a throwing onSuccess');
  client.setQueryData(['a'], 2);
  assert.equal(client.getQueryData(['a']), 2);
  await settle();
  assert.equal(events.at(-1), 'updated success ["a"]');
  client.dispose();
});

test('unsubscribe stops the events, and the engine stops calling the face', async () => {
  const client = new QueryClient();
  const watches = [];
  const engineWatch = client.__watch;
  client.__watch = function (fn) {
    watches.push(typeof fn);
    return engineWatch.call(this, fn);
  };
  const cache = client.getQueryCache();
  const { events, unsubscribe } = recorder(cache);
  const other = cache.subscribe(() => {});
  assert.deepEqual(watches, ['function'], 'watched from the first listener on');
  unsubscribe();
  client.setQueryData(['a'], 1);
  await settle();
  assert.deepEqual(events, []);
  other();
  assert.deepEqual(watches, ['function', 'undefined'], 'unwatched once no listener is left');
  assert.equal(cache.hasListeners(), false);
  assert.throws(() => cache.subscribe('x'), { name: 'TypeError', message: /queryCache.subscribe needs a listener function/ });
  client.dispose();
});

test('query.fetch refetches (joining a running fetch); cancel and reset', async () => {
  const client = new QueryClient();
  let n = 0;
  await client.fetchQuery({ queryKey: ['n'], queryFn: async () => ++n, staleTime: Infinity });
  const query = client.getQueryCache().find({ queryKey: ['n'] });
  assert.equal(await query.fetch(), 2, 'fetched although fresh');
  const [a, b] = [query.fetch(), query.fetch()];
  assert.deepEqual(await Promise.all([a, b]), [3, 3], 'the second joins the first');
  client.setQueryData(['plain'], 1);
  await assert.rejects(client.getQueryCache().find({ queryKey: ['plain'] }).fetch(), { name: 'TypeError', message: /holds no queryFn/ });
  client.setQueryDefaults(['slow'], { queryFn: () => new Promise((resolve) => setTimeout(() => resolve('late'), 50)) });
  client.prefetchQuery({ queryKey: ['slow'] });
  const slow = client.getQueryCache().find({ queryKey: ['slow'] });
  const running = slow.fetch();
  await settle();
  await slow.cancel();
  await assert.rejects(running, { name: 'CancelledError' });
  query.reset();
  assert.equal(query.state.status, 'pending', 'back to its initial state');
  client.dispose();
});

test('data restored from L2 is not a fetch outcome', async () => {
  const storage = new MemoryStorage();
  const writer = new QueryClient({ storage });
  await writer.fetchQuery({ queryKey: ['p'], queryFn: value('stored') });
  await writer.flush();
  await new Promise((resolve) => setTimeout(resolve, 5)); // what L2 holds is older than any fetch from now
  const calls = [];
  const reader = new QueryClient({ storage, queryCache: new QueryCache({ onSuccess: (d) => calls.push(d) }) });
  assert.equal(await reader.fetchQuery({ queryKey: ['p'], queryFn: value('network'), staleTime: 60_000 }), 'stored');
  await settle();
  assert.deepEqual(calls, []);
  writer.dispose();
  reader.dispose();
});

test('a client whose caches have listeners and callbacks is still garbage collected once dropped', async () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  let finalized = 0;
  const registry = new FinalizationRegistry(() => finalized++);
  for (let i = 0; i < 50; i++) {
    const client = new QueryClient({ queryCache: new QueryCache({ onSuccess: () => {} }) });
    client.getQueryCache().subscribe(() => {});
    client.getMutationCache().subscribe(() => {});
    client.setQueryData(['k', i], i);
    await client.mutation({ mutationFn: async (v) => v, gcTime: 0 }).mutate(i);
    registry.register(client, i);
  }
  for (let i = 0; i < 20 && finalized < 45; i++) { gc(); await new Promise((resolve) => setTimeout(resolve, 20)); }
  assert.ok(finalized >= 45, `${finalized} of 50 dropped clients were collected`);
});

test('a client dropped while its fetch never ends, after an infinite query, or with results read is still collected', async () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  const { QueryObserver } = await import('../../pkg/nodejs/stackquery.js');
  let finalized = 0;
  const registry = new FinalizationRegistry(() => finalized++);
  for (let i = 0; i < 30; i++) {
    const client = new QueryClient();
    client.prefetchQuery({ queryKey: ['hang', i], queryFn: () => new Promise(() => {}) }); // its context is held
    await client.fetchInfiniteQuery({ queryKey: ['pages', i], queryFn: async ({ pageParam }) => pageParam, initialPageParam: 0, getNextPageParam: () => undefined });
    const observer = new QueryObserver(client, { queryKey: ['read', i], queryFn: async () => i });
    observer.getCurrentResult().refetch; // a result the engine keeps, with its refetch
    registry.register(client, i);
  }
  for (let i = 0; i < 20 && finalized < 27; i++) { gc(); await new Promise((resolve) => setTimeout(resolve, 20)); }
  assert.ok(finalized >= 27, `${finalized} of 30 dropped clients were collected`);
});

test('a watched cache looks only at the queries that changed: reads move nothing', async () => {
  const client = new QueryClient({ queryCache: new QueryCache({ onSuccess: () => {} }) });
  for (let i = 0; i < 500; i++) client.setQueryData(['many', i], i);
  await settle(); // the look at those 500 additions
  const events = [];
  client.getQueryCache().subscribe((e) => events.push(`${e.type}${e.action ? ` ${e.action.type}` : ''} ${e.query.queryHash}`));
  let viewsRead = 0;
  for (const name of ['__queryViews', '__changedQueryViews']) {
    const original = client[name].bind(client);
    client[name] = (...args) => {
      const out = original(...args);
      viewsRead += Array.isArray(out) ? out.length : out === null ? 0 : out.views.length;
      return out;
    };
  }
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 500; i += 50) client.getQueryData(['many', i]);
    await Promise.resolve();
  }
  await settle();
  assert.equal(viewsRead, 0, 'reads: no query was looked at');
  assert.deepEqual(events, []);
  client.setQueryData(['many', 7], 'seven');
  await settle();
  assert.equal(viewsRead, 1, 'one change: one query looked at, not 500');
  assert.deepEqual(events, ['updated success ["many",7]']);
  client.removeQueries({ queryKey: ['many', 8], exact: true });
  await settle();
  assert.deepEqual(events.slice(1), ['removed ["many",8]']);
  client.clear();
  await settle();
  assert.equal(events.filter((e) => e.startsWith('removed')).length, 500, 'clear(): every query removed (a look at everything)');
  client.dispose();
});

test("a query's isStale() follows its enabled observers' staleTimes as hundreds of them mount, leave and take new options", () => {
  const client = new QueryClient();
  client.setQueryData(['shared'], 'v');
  const query = client.getQueryCache().find({ queryKey: ['shared'] });
  const staleOnes = () => client.getQueryCache().findAll({ stale: true }).length;
  const observe = (staleTime) => {
    const observer = new QueryObserver(client, { queryKey: ['shared'], staleTime });
    return { observer, off: observer.subscribe(() => {}) };
  };
  const patient = Array.from({ length: 300 }, () => observe(Infinity));
  assert.equal(query.getObserversCount(), 300);
  assert.equal(query.isStale(), false, 'fresh to every observer');
  const eager = observe(0);
  assert.equal(query.isStale(), true, 'stale to the one with staleTime 0');
  assert.equal(staleOnes(), 1);
  patient.slice(0, 150).forEach(({ off }) => off());
  assert.equal(query.isStale(), true, 'others leaving change nothing');
  eager.off();
  assert.equal(query.isStale(), false, 'that one left');
  assert.equal(staleOnes(), 0);
  const [{ observer }] = patient.slice(150);
  observer.setOptions({ queryKey: ['shared'], staleTime: 0 });
  assert.equal(query.isStale(), true, 'a mounted observer given staleTime 0');
  observer.setOptions({ queryKey: ['shared'], staleTime: 0, enabled: false });
  assert.equal(query.isStale(), false, 'disabled, its staleTime no longer counts');
  observer.setOptions({ queryKey: ['shared'], staleTime: Infinity });
  patient.slice(150).forEach(({ off }) => off());
  assert.equal(query.getObserversCount(), 0);
  const again = observe(0);
  assert.equal(query.isStale(), true, 'mounted anew after all had left');
  again.off();
  client.dispose();
});

test("a query's isStale() asks the soonest staleTime of the observers mounted now, through random mounts, leaves and new options", () => {
  // Data a second old: stale to staleTime 0 and 500, fresh to 5000, Infinity and 'static'.
  // The soonest is kept with a count of the observers that have it, so the sequences that
  // matter are those where several share it and leave one by one, or one changes its own.
  const client = new QueryClient();
  client.setQueryData(['shared'], 'v', { updatedAt: Date.now() - 1_000 });
  const query = client.getQueryCache().find({ queryKey: ['shared'] });
  const times = [0, 500, 5_000, Infinity, 'static'];
  const staleTo = (t) => t === 0 || t === 500;
  let seed = 7;
  const next = (n) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const mounted = []; // { observer, off, staleTime, enabled }
  for (let step = 0; step < 3_000; step++) {
    const op = next(10);
    if (op < 4 || mounted.length === 0) {
      const staleTime = times[next(times.length)];
      const enabled = next(5) !== 0;
      const observer = new QueryObserver(client, { queryKey: ['shared'], staleTime, enabled });
      mounted.push({ observer, off: observer.subscribe(() => {}), staleTime, enabled });
    } else if (op < 8) {
      // Leaving: mostly the oldest (a list unmounting), sometimes any.
      const [gone] = mounted.splice(op < 6 ? 0 : next(mounted.length), 1);
      gone.off();
    } else {
      const one = mounted[next(mounted.length)];
      one.staleTime = times[next(times.length)];
      one.enabled = next(5) !== 0;
      one.observer.setOptions({ queryKey: ['shared'], staleTime: one.staleTime, enabled: one.enabled });
    }
    const expected = mounted.some((m) => m.enabled && staleTo(m.staleTime));
    assert.equal(query.isStale(), expected, `step ${step}: ${mounted.filter((m) => m.enabled).map((m) => String(m.staleTime)).join(' ')}`);
    assert.equal(query.getObserversCount(), mounted.length);
  }
  for (const m of mounted) m.off();
  assert.equal(query.isStale(), false, 'no observer: stale only when invalidated');
  client.dispose();
});

test('a query removed under mounted observers is built again counting every one of them', () => {
  const client = new QueryClient();
  client.setQueryData(['removed'], 'a');
  const cache = client.getQueryCache();
  const observers = [0, 1, 2].map((i) => new QueryObserver(client, { queryKey: ['removed'], staleTime: i === 2 ? 0 : Infinity, enabled: i !== 1 }));
  const offs = observers.map((o) => o.subscribe(() => {}));
  assert.equal(cache.find({ queryKey: ['removed'] }).getObserversCount(), 3);
  cache.remove(cache.find({ queryKey: ['removed'] }));
  const rebuilt = cache.find({ queryKey: ['removed'] });
  assert.equal(rebuilt?.getObserversCount(), 3, 'all three mounted observers count on the rebuilt query');
  assert.equal(rebuilt.isActive(), true);
  offs[2]();
  assert.equal(cache.find({ queryKey: ['removed'] }).getObserversCount(), 2, 'one left: two still count');
  offs[0]();
  offs[1]();
  assert.equal(cache.find({ queryKey: ['removed'] })?.getObserversCount() ?? 0, 0);
  client.dispose();
});
