// Behaviour a TanStack Query v5 user expects of calls both libraries have (issue 14's list
// of differences): when queryFn starts, what fetchQuery does with stale data, which
// queries a refetch skips or replaces, what mutate() does without a mutationFn, and the
// warning an unknown option name gets. Through the built package, as users get it.
import { test } from 'node:test';
import { hashKey as tanstackHashKey } from '@tanstack/query-core';
import assert from 'node:assert/strict';
import { QueryClient, QueryObserver, onlineManager, focusManager, CancelledError, isCancelledError, skipToken, isServer } from '../../pkg/nodejs/stackquery.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const deferred = () => {
  let resolve, reject;
  const promise = new Promise((a, b) => { resolve = a; reject = b; });
  return { promise, resolve, reject };
};

test('queryFn starts synchronously inside the call that starts the fetch', async () => {
  const client = new QueryClient();
  const started = [];
  const queryFn = ({ queryKey }) => { started.push(queryKey[0]); return Promise.resolve(queryKey[0]); };
  const p = client.prefetchQuery({ queryKey: ['prefetch'], queryFn });
  assert.deepEqual(started, ['prefetch'], 'prefetchQuery');
  client.fetchQuery({ queryKey: ['fetch'], queryFn });
  assert.deepEqual(started, ['prefetch', 'fetch'], 'fetchQuery');
  await p;
  const observer = new QueryObserver(client, { queryKey: ['observed'], queryFn, staleTime: Infinity });
  const off = observer.subscribe(() => {});
  assert.deepEqual(started.at(-1), 'observed', 'subscribe');
  assert.equal(observer.getCurrentResult().fetchStatus, 'fetching');
  await sleep(1);
  client.invalidateQueries({ queryKey: ['observed'] });
  assert.equal(started.filter((k) => k === 'observed').length, 2, 'invalidateQueries refetches the active query at once');
  off();
  // A queryFn that throws synchronously is a failed fetch, not a thrown call.
  const boom = new Error('sync throw');
  await assert.rejects(client.fetchQuery({ queryKey: ['throws'], queryFn: () => { throw boom; } }), (e) => e === boom);
  assert.equal(client.getQueryState(['throws']).status, 'error');
  client.dispose();
});

test('fetchQuery refetches stale data and resolves with the new data; ensureQueryData answers from the cache', async () => {
  const client = new QueryClient();
  let n = 0;
  const queryFn = async () => ++n;
  assert.equal(await client.fetchQuery({ queryKey: ['k'], queryFn }), 1);
  assert.equal(await client.fetchQuery({ queryKey: ['k'], queryFn }), 2, 'staleTime 0: fetched again, awaited');
  assert.equal(await client.fetchQuery({ queryKey: ['k'], queryFn, staleTime: 60_000 }), 2, 'fresh: the cache');
  assert.equal(await client.ensureQueryData({ queryKey: ['k'], queryFn }), 2, 'ensureQueryData: the cached data, stale or not');
  assert.equal(n, 2);
  assert.equal(await client.ensureQueryData({ queryKey: ['k'], queryFn, revalidateIfStale: true }), 2, 'revalidateIfStale: stale data now…');
  await sleep(1);
  assert.equal(client.getQueryData(['k']), 3, '…and the refetch in the background');
  // prefetchQuery with stale data fetches too.
  await client.prefetchQuery({ queryKey: ['k'], queryFn });
  assert.equal(n, 4);
  client.dispose();
});

test('refetchQueries skips disabled and static queries, and invalidation refetches with the same rule', async () => {
  const client = new QueryClient();
  const calls = {};
  const queryFn = async ({ queryKey }) => { calls[queryKey[1]] = (calls[queryKey[1]] ?? 0) + 1; return queryKey[1]; };
  await client.fetchQuery({ queryKey: ['q', 'fetched'], queryFn });
  client.setQueryData(['q', 'set'], 'x'); // no queryFn: nothing to refetch
  const disabled = new QueryObserver(client, { queryKey: ['q', 'disabled'], queryFn, enabled: false });
  const offDisabled = disabled.subscribe(() => {});
  const statics = new QueryObserver(client, { queryKey: ['q', 'static'], queryFn, staleTime: 'static' });
  const offStatic = statics.subscribe(() => {});
  await sleep(1);
  assert.deepEqual(calls, { fetched: 1, static: 1 });
  await client.refetchQueries({ queryKey: ['q'] });
  assert.deepEqual(calls, { fetched: 2, static: 1 }, 'the disabled and the static query were skipped');
  await client.invalidateQueries({ queryKey: ['q'], refetchType: 'all' });
  assert.deepEqual(calls, { fetched: 3, static: 1 }, "refetchType 'all' skips them as well");
  assert.equal(client.getQueryState(['q', 'disabled']).isInvalidated, true, 'but they are marked invalidated');
  offDisabled();
  offStatic();
  client.dispose();
});

test('a refetch replaces a running fetch of a query that has data, unless cancelRefetch: false', async () => {
  const client = new QueryClient();
  const runs = [];
  const queryFn = ({ signal }) => {
    const run = { ...deferred(), signal };
    runs.push(run);
    return run.promise;
  };
  const first = client.fetchQuery({ queryKey: ['r'], queryFn });
  // No data yet: a refetch joins the running fetch (TanStack: cancelRefetch needs data).
  const joined = client.refetchQueries({ queryKey: ['r'] });
  assert.equal(runs.length, 1, 'no data: joined');
  runs[0].resolve('v1');
  assert.equal(await first, 'v1');
  await joined;

  const waiting = client.fetchQuery({ queryKey: ['r'], queryFn }); // stale: a new run
  assert.equal(runs.length, 2);
  const refetched = client.refetchQueries({ queryKey: ['r'] });
  assert.equal(runs.length, 3, 'data and a running fetch: a new run replaces it');
  assert.equal(runs[1].signal.aborted, true, "the replaced run's signal aborts");
  runs[1].resolve('late'); // its result is dropped
  runs[2].resolve('v3');
  assert.equal(await waiting, 'v3', "the replaced run's waiters get the new run's data");
  await refetched;
  assert.equal(client.getQueryData(['r']), 'v3');

  const again = client.fetchQuery({ queryKey: ['r'], queryFn });
  const kept = client.refetchQueries({ queryKey: ['r'] }, { cancelRefetch: false });
  assert.equal(runs.length, 4, 'cancelRefetch: false joins the running fetch');
  runs[3].resolve('v4');
  assert.equal(await again, 'v4');
  await kept;
  client.dispose();
});

test('refetchQueries rejects only with throwOnError; an observer refetch takes the same options', async () => {
  const client = new QueryClient();
  const boom = new Error('down');
  let fail = false;
  const queryFn = async () => { if (fail) throw boom; return 'ok'; };
  await client.fetchQuery({ queryKey: ['t'], queryFn });
  fail = true;
  await client.refetchQueries({ queryKey: ['t'] }); // resolves
  assert.equal(client.getQueryState(['t']).status, 'error');
  await assert.rejects(client.refetchQueries({ queryKey: ['t'] }, { throwOnError: true }), (e) => e === boom);
  const observer = new QueryObserver(client, { queryKey: ['t'], queryFn, retry: 0 });
  const result = await observer.refetch();
  assert.equal(result.error, boom, 'refetch() resolves with the error result');
  await assert.rejects(observer.refetch({ throwOnError: true }), (e) => e === boom);
  client.dispose();
});

test('mutate() without a mutationFn rejects; isMutating() counts a mutation from the mutate() call', async () => {
  const client = new QueryClient();
  const m = client.mutation({});
  await assert.rejects(m.mutate(1), (e) => e instanceof TypeError && /no mutationFn found/.test(e.message));
  assert.equal(m.state.status, 'error');
  const gate = deferred();
  const running = client.mutation({ mutationFn: () => gate.promise });
  const p = running.mutate('v');
  assert.equal(client.isMutating(), 1, 'right after mutate()');
  gate.resolve('done');
  assert.equal(await p, 'done');
  assert.equal(client.isMutating(), 0);
  // setMutationDefaults can give the mutationFn.
  client.setMutationDefaults(['save'], { mutationFn: async (v) => `saved ${v}` });
  assert.equal(await client.mutation({ mutationKey: ['save', 1] }).mutate('x'), 'saved x');
  client.dispose();
});

test('setQueryData takes { updatedAt }', () => {
  const client = new QueryClient({ staleTime: 1_000 });
  const past = Date.now() - 10_000;
  client.setQueryData(['u'], 'old news', { updatedAt: past });
  assert.equal(client.getQueryState(['u']).dataUpdatedAt, past);
  const observer = new QueryObserver(client, { queryKey: ['u'], staleTime: 1_000 });
  assert.equal(observer.getCurrentResult().isStale, true, 'data as old as updatedAt says is stale');
  client.setQueriesData({ queryKey: ['u'] }, 'newer', { updatedAt: past + 1 });
  assert.equal(client.getQueryState(['u']).dataUpdatedAt, past + 1);
  assert.throws(() => client.setQueryData(['u'], 1, { updatedAt: 'yesterday' }), { name: 'RangeError', message: /updatedAt/ });
  client.dispose();
});

test('an unknown option is warned about once, by name, with the option it likely meant', async (t) => {
  const warnings = [];
  t.mock.method(console, 'warn', (message) => warnings.push(String(message)));
  const client = new QueryClient({ stalTime: 1 });
  assert.match(warnings[0], /unknown QueryClient option 'stalTime'.*did you mean 'staleTime'/);
  await client.fetchQuery({ queryKey: ['w'], queryFn: async () => 1, gctime: 5 });
  await client.fetchQuery({ queryKey: ['w2'], queryFn: async () => 1, gctime: 5 });
  const about = (name) => warnings.filter((w) => w.includes(`'${name}'`));
  assert.equal(about('gctime').length, 1, 'once per name');
  assert.match(about('gctime')[0], /unknown query option 'gctime'.*did you mean 'gcTime'/);
  new QueryObserver(client, { queryKey: ['w'], queryKeyHashFn: JSON.stringify });
  assert.match(about('queryKeyHashFn')[0], /TanStack Query's, and stackquery does not act on it/);
  client.mutation({ mutationFn: async () => 1, onSucess: () => {} });
  assert.match(about('onSucess')[0], /unknown mutation option 'onSucess'.*did you mean 'onSuccess'/);
  new QueryObserver(client, { queryKey: ['w'], persister: () => {} });
  assert.match(about('persister')[0], /TanStack Query's, and stackquery does not act on it/, "TanStack's per-query persister option");
  const before = warnings.length;
  // An unknown option set to undefined changes nothing: no warning (spread defaults do this).
  new QueryObserver(client, { queryKey: ['w'], queryKeyHashFn: undefined, behaviour: undefined, experimental_x: undefined });
  await client.fetchQuery({ queryKey: ['w'], queryFn: async () => 1, staleTime: 1, meta: { a: 1 } });
  client.mutation({ mutationKey: ['m'], mutationFn: async () => 1, scope: { id: 'x' } });
  assert.equal(warnings.length, before, 'known options: no warning');
  client.dispose();
});

test('setQueryData during a fetch: the fetch goes on and its data comes last', async () => {
  const client = new QueryClient();
  const gate = deferred();
  const p = client.fetchQuery({ queryKey: ['s'], queryFn: () => gate.promise });
  client.setQueryData(['s'], 'mine');
  const state = client.getQueryState(['s']);
  assert.deepEqual([state.data, state.status, state.fetchStatus], ['mine', 'success', 'fetching']);
  gate.resolve('fetched');
  assert.equal(await p, 'fetched');
  assert.equal(client.getQueryData(['s']), 'fetched');
  client.dispose();
});

test('a disabled observer is never stale; initialData with staleTime 0 is fetched by prefetchQuery', async () => {
  const client = new QueryClient();
  const disabled = new QueryObserver(client, { queryKey: ['d'], queryFn: async () => 1, enabled: false });
  assert.equal(disabled.getCurrentResult().isStale, false, 'no data, but disabled');
  const enabled = new QueryObserver(client, { queryKey: ['d'], queryFn: async () => 1 });
  assert.equal(enabled.getCurrentResult().isStale, true, 'no data, enabled');
  let calls = 0;
  await client.prefetchQuery({ queryKey: ['i'], queryFn: async () => { calls++; return 'fetched'; }, initialData: 'initial', staleTime: 0 });
  assert.equal(calls, 1, 'initialData is stale at once under staleTime 0');
  assert.equal(client.getQueryData(['i']), 'fetched');
  client.dispose();
});

test("a queryFn resolving to undefined fails with TanStack's error; a later fetchQuery passes its own meta", async (t) => {
  t.mock.method(console, 'error', () => {});
  const client = new QueryClient();
  await assert.rejects(client.fetchQuery({ queryKey: ['u'], queryFn: async () => undefined }), { message: '["u"] data is undefined' });
  const metas = [];
  const queryFn = async ({ meta }) => { metas.push(meta); return 1; };
  await client.fetchQuery({ queryKey: ['m'], queryFn, meta: { n: 1 } });
  await client.fetchQuery({ queryKey: ['m'], queryFn, meta: { n: 2 } });
  assert.deepEqual(metas, [{ n: 1 }, { n: 2 }]);
  client.dispose();
});

test('a Date in a query key hashes as TanStack hashes it (its ISO string), on the fast path and through the engine\'s own reader; an equal Date finds the query, filters match it', async () => {
  const client = new QueryClient({ staleTime: Infinity });
  const from = new Date(Date.UTC(2026, 10, 1));
  const key = ['events', { from, to: new Date(Date.UTC(2026, 10, 30)) }];
  assert.deepEqual(await client.fetchQuery({ queryKey: key, queryFn: async () => ['e1'] }), ['e1']);
  // Another Date of the same instant is the same key, as in TanStack.
  assert.deepEqual(client.getQueryData(['events', { from: new Date(from.getTime()), to: new Date(Date.UTC(2026, 10, 30)) }]), ['e1']);
  const query = client.getQueryCache().find({ queryKey: key });
  assert.equal(query.queryHash, tanstackHashKey(key));
  assert.equal(query.queryKey[1].from, from, 'the query keeps the key as given');
  // A key the fast path leaves to the engine's reader (an undefined part): the same hash.
  const slow = ['events', { from, skip: undefined }];
  client.setQueryData(slow, 'slow');
  assert.equal(client.getQueryCache().find({ queryKey: slow, exact: true }).queryHash, tanstackHashKey(slow));
  assert.equal(client.getQueryData(['events', { from: new Date(from.getTime()) }]), 'slow');
  // An invalid Date is null, as JSON.stringify writes it.
  client.setQueryData(['day', new Date(NaN)], 'invalid');
  assert.equal(client.getQueryData(['day', null]), 'invalid');
  // Filters match the part (objects partially, as TanStack's): an equal Date matches, another does not.
  await client.invalidateQueries({ queryKey: ['events', { from: new Date(0) }], refetchType: 'none' });
  assert.equal(client.getQueryState(slow).isInvalidated, false);
  await client.invalidateQueries({ queryKey: ['events', { from: new Date(from.getTime()) }], refetchType: 'none' });
  assert.equal(client.getQueryState(slow).isInvalidated, true);
  assert.equal(client.getQueryState(key).isInvalidated, true);
  // What only poses as a Date is still refused, by name.
  assert.throws(() => client.getQueryData(['d', Object.create(Date.prototype)]), { name: 'TypeError', message: /queryKey\[1\]/ });
  client.dispose();
});

test('a queryFn resolving to undefined is not retried, even where retries are on (an observer, retry: 3): one call, the error at once, one console message', async (t) => {
  const logged = t.mock.method(console, 'error', () => {});
  const client = new QueryClient({ retryDelay: 10 });
  let calls = 0;
  const observer = new QueryObserver(client, { queryKey: ['undef'], queryFn: async () => { calls++; return undefined; }, retry: 3 });
  const seen = [];
  const unsubscribe = observer.subscribe((r) => seen.push(`${r.status} ${r.failureCount}`));
  await new Promise((r) => setTimeout(r, 200)); // three retries 10 ms apart would have run by now
  const result = observer.getCurrentResult();
  assert.equal(calls, 1, 'the queryFn ran once');
  assert.equal(result.status, 'error');
  assert.equal(result.error.message, '["undef"] data is undefined');
  assert.equal(result.failureCount, 1);
  assert.equal(logged.mock.callCount(), 1, 'the console says so once');
  assert.ok(!seen.includes('pending 1'), `no pending state between attempts: ${seen.join(', ')}`);
  unsubscribe();
  client.dispose();
});

test('select results deeply equal to the last keep its reference; select throwing on placeholder data is an error', async () => {
  const client = new QueryClient({ staleTime: Infinity });
  client.setQueryData(['todos'], [{ id: 1, done: true }, { id: 2, done: false }]);
  const observer = new QueryObserver(client, { queryKey: ['todos'], select: (all) => all.filter((t) => t.done) });
  const off = observer.subscribe(() => {});
  const first = observer.getCurrentResult().data;
  client.setQueryData(['todos'], [{ id: 1, done: true }, { id: 3, done: false }]);
  const second = observer.getCurrentResult().data;
  assert.equal(second, first, 'new data, a deeply equal selection: the same array');
  client.setQueryData(['todos'], [{ id: 1, done: true }, { id: 4, done: true }]);
  const third = observer.getCurrentResult().data;
  assert.notEqual(third, first, 'a different selection is a new array…');
  assert.equal(third[0], first[0], '…whose equal parts keep their references');
  off();

  const boom = new Error('select failed');
  const placeholder = new QueryObserver(client, {
    queryKey: ['slow'], queryFn: () => new Promise(() => {}), placeholderData: { v: 1 }, select: () => { throw boom; },
  });
  const r = placeholder.getCurrentResult();
  assert.deepEqual([r.status, r.isError, r.data, r.isPlaceholderData], ['error', true, undefined, false]);
  assert.equal(r.error, boom);
  client.dispose();
});

test('offline, a mutation pauses before its mutationFn and goes on when the network returns', async () => {
  const client = new QueryClient();
  const calls = [];
  const m = client.mutation({
    mutationFn: async (v) => { calls.push(v); return `saved ${v}`; },
    onMutate: (v) => { calls.push(`onMutate ${v}`); },
  });
  const states = [];
  m.subscribe((s) => states.push([s.status, s.isPaused]));
  onlineManager.setOnline(false);
  try {
    const p = m.mutate(1);
    await sleep(5);
    assert.deepEqual(calls, ['onMutate 1'], 'onMutate ran (optimistic updates work offline); mutationFn waits');
    assert.deepEqual([m.state.status, m.state.isPaused], ['pending', true]);
    assert.equal(client.isMutating(), 1, 'a paused mutation is still mutating');
    await client.resumePausedMutations();
    assert.deepEqual(calls, ['onMutate 1'], 'offline: resumePausedMutations runs nothing');
    onlineManager.setOnline(true);
    await client.resumePausedMutations();
    assert.deepEqual(calls, ['onMutate 1', 1], 'online: resumePausedMutations waited for the paused mutationFn');
    assert.equal(await p, 'saved 1');
    assert.deepEqual([m.state.status, m.state.isPaused], ['success', false]);
    assert.deepEqual(states.filter(([, paused]) => paused), [['pending', true]], 'listeners heard the pause');
    // networkMode 'always' never pauses.
    onlineManager.setOnline(false);
    const always = client.mutation({ mutationFn: async () => 'sent', networkMode: 'always' });
    assert.equal(await always.mutate(), 'sent');
  } finally {
    onlineManager.setOnline(true);
    client.dispose();
  }
});

test('when the last observer leaves, a failing fetch stops retrying; a new caller lets it retry again', async () => {
  const client = new QueryClient();
  let calls = 0;
  const queryFn = async () => { calls++; throw new Error(`attempt ${calls}`); };
  const observer = new QueryObserver(client, { queryKey: ['f'], queryFn, retry: 3, retryDelay: 20 });
  const off = observer.subscribe(() => {});
  await sleep(5);
  assert.equal(calls, 1, 'first attempt failed; a retry is due in 20 ms');
  off();
  await sleep(60);
  assert.equal(calls, 1, 'no retry after the last observer left');
  const state = client.getQueryState(['f']);
  assert.deepEqual([state.status, state.fetchStatus, state.error.message], ['error', 'idle', 'attempt 1']);

  calls = 0;
  const again = new QueryObserver(client, { queryKey: ['g'], queryFn, retry: 2, retryDelay: 20 });
  const offAgain = again.subscribe(() => {});
  await sleep(5);
  offAgain();
  const joined = client.fetchQuery({ queryKey: ['g'], queryFn, retry: 2, retryDelay: 20 });
  await assert.rejects(joined, { message: 'attempt 3' }, 'a caller joined: the retries went on');
  client.dispose();
});

test("when the last observer leaves, a fetch whose queryFn read its signal is cancelled and reverted; one that did not goes on (TanStack's abortSignalConsumed)", async () => {
  const client = new QueryClient();
  // Read: the signal aborts, the query goes back to where it was, a joined caller is cancelled.
  let aborted = false;
  const reading = new QueryObserver(client, {
    queryKey: ['read'],
    queryFn: ({ signal }) => {
      signal.addEventListener('abort', () => { aborted = true; });
      return sleep(40).then(() => 'late');
    },
  });
  const off = reading.subscribe(() => {});
  const joined = client.fetchQuery({ queryKey: ['read'] });
  await sleep(5);
  off();
  assert.equal(aborted, true, 'the signal aborted');
  await assert.rejects(joined, (e) => isCancelledError(e), 'the joined fetchQuery is cancelled');
  let state = client.getQueryState(['read']);
  assert.deepEqual([state.status, state.fetchStatus], ['pending', 'idle']);
  await sleep(50);
  assert.equal(client.getQueryData(['read']), undefined, 'its late result is dropped');
  // Read, over data: back to that data.
  client.setQueryData(['over'], 'old');
  const over = new QueryObserver(client, { queryKey: ['over'], queryFn: ({ signal }) => sleep(40).then(() => 'new') });
  const offOver = over.subscribe(() => {});
  await sleep(5);
  offOver();
  state = client.getQueryState(['over']);
  assert.deepEqual([state.status, state.fetchStatus, state.data], ['success', 'idle', 'old']);
  // Not read: the attempt goes to its end and its data is kept.
  const context = [];
  const plain = new QueryObserver(client, { queryKey: ['plain'], meta: { m: 1 }, queryFn: (c) => { context.push(c); return sleep(30).then(() => 'kept'); } });
  const offPlain = plain.subscribe(() => {});
  await sleep(5);
  offPlain();
  assert.equal(client.getQueryState(['plain']).fetchStatus, 'fetching');
  await sleep(40);
  assert.equal(client.getQueryData(['plain']), 'kept');
  // TanStack's QueryFunctionContext: the client, the key, the meta, the signal.
  assert.deepEqual(Object.keys(context[0]).sort(), ['client', 'meta', 'queryKey', 'signal']);
  assert.equal(context[0].client, client);
  assert.deepEqual(context[0].meta, { m: 1 });
  // Paused with no data (offline): cancelled too, not left paused.
  onlineManager.setOnline(false);
  try {
    const paused = new QueryObserver(client, { queryKey: ['paused'], queryFn: () => 'P' });
    const offPaused = paused.subscribe(() => {});
    assert.equal(client.getQueryState(['paused']).fetchStatus, 'paused');
    offPaused();
    state = client.getQueryState(['paused']);
    assert.deepEqual([state.status, state.fetchStatus], ['pending', 'idle']);
  } finally {
    onlineManager.setOnline(true);
  }
  await sleep(10);
  assert.equal(client.getQueryData(['paused']), undefined, 'nothing ran when the network came back');
  client.dispose();
});

test('only the attempt under way counts as reading the signal: a retry that does not read it is not cancelled when the last observer leaves', async () => {
  const client = new QueryClient();
  let attempts = 0;
  const observer = new QueryObserver(client, {
    queryKey: ['retried'],
    retry: 1,
    retryDelay: 1,
    queryFn: (context) => {
      attempts++;
      if (attempts === 1) { void context.signal; return Promise.reject(new Error('first')); }
      return sleep(30).then(() => 'second');
    },
  });
  const off = observer.subscribe(() => {});
  await sleep(10); // the second attempt runs
  assert.equal(attempts, 2);
  off();
  await sleep(40);
  assert.equal(client.getQueryData(['retried']), 'second', 'the attempt under way went on');
  client.dispose();
});

test("an infinite query's pages get TanStack's context; the face's own wrapper does not count as reading the signal", async () => {
  const { InfiniteQueryObserver } = await import('../../pkg/nodejs/stackquery.js');
  const client = new QueryClient();
  const contexts = [];
  const options = (key, read) => ({
    queryKey: [key],
    initialPageParam: 0,
    getNextPageParam: () => undefined,
    queryFn: (c) => { contexts.push(c); if (read) void c.signal; return sleep(30).then(() => `page of ${key}`); },
  });
  const plain = new InfiniteQueryObserver(client, options('plain', false));
  const offPlain = plain.subscribe(() => {});
  await sleep(5);
  offPlain();
  await sleep(40);
  assert.deepEqual(client.getQueryData(['plain']), { pages: ['page of plain'], pageParams: [0] }, 'not cancelled: its page arrived');
  assert.deepEqual(Object.keys(contexts[0]).sort(), ['client', 'direction', 'meta', 'pageParam', 'queryKey', 'signal']);
  assert.equal(contexts[0].client, client);
  const reading = new InfiniteQueryObserver(client, options('read', true));
  const offReading = reading.subscribe(() => {});
  await sleep(5);
  offReading();
  assert.equal(client.getQueryState(['read']).fetchStatus, 'idle', 'cancelled: its page queryFn read the signal');
  await sleep(40);
  assert.equal(client.getQueryData(['read']), undefined);
  client.dispose();
});

test("a refetch of a query that failed with no data is pending again; an error invalidates (TanStack's fetch and error steps)", async () => {
  const client = new QueryClient();
  let calls = 0;
  const observer = new QueryObserver(client, { queryKey: ['flaky'], retry: false, queryFn: async () => { calls++; if (calls === 1) throw new Error('down'); await sleep(20); return 'up'; } });
  const off = observer.subscribe(() => {});
  await sleep(5);
  let r = observer.getCurrentResult();
  assert.deepEqual([r.status, r.error?.message, r.isLoadingError], ['error', 'down', true]);
  assert.equal(client.getQueryState(['flaky']).isInvalidated, true, 'an error invalidates');
  const again = observer.refetch();
  r = observer.getCurrentResult();
  assert.deepEqual([r.status, r.error, r.isPending, r.isLoading, r.isRefetching, r.isLoadingError], ['pending', null, true, true, false, false], 'loading again, the old error gone');
  await again;
  r = observer.getCurrentResult();
  assert.deepEqual([r.status, r.data, client.getQueryState(['flaky']).isInvalidated], ['success', 'up', false]);
  off();
  // Over data, with staleTime Infinity: after a failed refetch the data is stale, and a mount refetches it.
  client.setQueryData(['kept'], 'old');
  await client.fetchQuery({ queryKey: ['kept'], queryFn: async () => { throw new Error('x'); }, staleTime: 0 }).catch(() => {});
  let mounts = 0;
  const later = new QueryObserver(client, { queryKey: ['kept'], staleTime: Infinity, queryFn: async () => { mounts++; return 'new'; } });
  assert.equal(later.getCurrentResult().isStale, true, 'invalidated by the error: stale whatever the staleTime');
  const offLater = later.subscribe(() => {});
  await sleep(5);
  assert.equal(mounts, 1);
  assert.equal(client.getQueryData(['kept']), 'new');
  offLater();
  client.dispose();
});

test("observer results carry TanStack's isFetchedAfterMount, isInitialLoading, isEnabled and refetch", async () => {
  const client = new QueryClient();
  client.setQueryData(['seen'], 'cached');
  let n = 0;
  const observer = new QueryObserver(client, { queryKey: ['seen'], queryFn: async () => `fetched ${++n}` });
  let r = observer.getCurrentResult();
  assert.deepEqual([r.isFetched, r.isFetchedAfterMount, r.isEnabled, r.isInitialLoading], [true, false, true, false], 'data from before the observer');
  assert.equal(typeof r.refetch, 'function');
  const off = observer.subscribe(() => {});
  await sleep(5);
  r = observer.getCurrentResult();
  assert.deepEqual([r.data, r.isFetchedAfterMount], ['fetched 1', true]);
  const refetched = await r.refetch();
  assert.equal(refetched.data, 'fetched 2', "the result's refetch is the observer's");
  assert.equal(refetched.refetch, r.refetch);
  observer.setOptions({ queryKey: ['other'], queryFn: async () => 'o', enabled: false });
  r = observer.getCurrentResult();
  assert.deepEqual([r.isEnabled, r.isFetchedAfterMount, r.isInitialLoading], [false, false, false], 'another key: counted from the switch');
  const loading = new QueryObserver(client, { queryKey: ['slow'], queryFn: () => sleep(20).then(() => 1) });
  const offLoading = loading.subscribe(() => {});
  r = loading.getCurrentResult();
  assert.deepEqual([r.isLoading, r.isInitialLoading], [true, true]);
  off();
  offLoading();
  client.dispose();
});

test('a cancelled fetch over data gives its callers that data; a placeholder shown while fetching is a refetch; invalidateQueries refetches by the filters\' type', async () => {
  const client = new QueryClient();
  client.setQueryData(['k'], 'old');
  const p = client.fetchQuery({ queryKey: ['k'], queryFn: () => sleep(50).then(() => 'new'), staleTime: 0 });
  const joined = client.fetchQuery({ queryKey: ['k'], staleTime: 0 });
  await sleep(5);
  await client.cancelQueries({ queryKey: ['k'] });
  assert.equal(await p, 'old', "TanStack's: the state went back, and so does the answer of the call that started the fetch");
  await assert.rejects(joined, (e) => isCancelledError(e), 'a caller that joined it is cancelled');
  const notReverted = client.fetchQuery({ queryKey: ['k'], queryFn: () => sleep(50).then(() => 'new'), staleTime: 0 });
  await sleep(5);
  await client.cancelQueries({ queryKey: ['k'] }, { revert: false });
  await assert.rejects(notReverted, (e) => isCancelledError(e), '{ revert: false }: cancelled');
  const empty = client.fetchQuery({ queryKey: ['none'], queryFn: () => sleep(50).then(() => 'new') });
  await sleep(5);
  await client.cancelQueries({ queryKey: ['none'] });
  await assert.rejects(empty, (e) => isCancelledError(e), 'no data to go back to: cancelled');

  const held = new QueryObserver(client, { queryKey: ['held'], queryFn: () => sleep(30).then(() => 'real'), placeholderData: 'placeholder' });
  const offHeld = held.subscribe(() => {});
  const r = held.getCurrentResult();
  assert.deepEqual([r.status, r.isPlaceholderData, r.isFetching, r.isRefetching, r.isLoading], ['success', true, true, true, false]);
  offHeld();

  let inactive = 0;
  await client.fetchQuery({ queryKey: ['inactive'], queryFn: async () => ++inactive });
  await client.invalidateQueries({ queryKey: ['inactive'], type: 'inactive' });
  assert.equal(inactive, 2, "refetchType falls back to the filters' type");
  await client.invalidateQueries({ queryKey: ['inactive'] });
  assert.equal(inactive, 2, "the default 'active' refetches no inactive query");
  // refetchType is refetchQueries' type over the same filters: an active query the
  // invalidation's own type left out is refetched (TanStack's), not invalidated.
  let active = 0;
  await client.fetchQuery({ queryKey: ['t', 'inactive'], queryFn: async () => 'i' });
  const watching = new QueryObserver(client, { queryKey: ['t', 'active'], queryFn: async () => ++active, staleTime: Infinity });
  const offWatching = watching.subscribe(() => {});
  await sleep(5);
  await client.invalidateQueries({ queryKey: ['t'], type: 'inactive', refetchType: 'active' });
  assert.equal(active, 2);
  assert.deepEqual([client.getQueryState(['t', 'active']).isInvalidated, client.getQueryState(['t', 'inactive']).isInvalidated], [false, true]);
  offWatching();
  client.dispose();
});

test("query() and infiniteQuery(): TanStack's newer names, with select applied to what they resolve with", async () => {
  const client = new QueryClient();
  const todos = [{ id: 1, done: true }, { id: 2, done: false }];
  const done = await client.query({ queryKey: ['todos'], queryFn: async () => todos, select: (all) => all.filter((t) => t.done) });
  assert.deepEqual(done, [{ id: 1, done: true }]);
  assert.equal(client.getQueryData(['todos']), todos, 'the cache keeps the raw data');
  assert.equal(await client.query({ queryKey: ['todos'], queryFn: async () => [], staleTime: Infinity }), todos, 'no select: the data');
  const pages = await client.infiniteQuery({
    queryKey: ['pages'], queryFn: async ({ pageParam }) => `page ${pageParam}`, initialPageParam: 0,
    getNextPageParam: (_last, all) => all.length, pages: 2, select: (d) => d.pages.join(', '),
  });
  assert.equal(pages, 'page 0, page 1');
  assert.throws(() => client.query({ queryKey: ['x'], queryFn: async () => 1, select: 'nope' }), { name: 'TypeError', message: /select must be a function/ });
  client.dispose();
});

test('refetchOnMount, retryOnMount, initialDataUpdatedAt and refetchIntervalInBackground', async () => {
  const client = new QueryClient();
  let calls = 0;
  const queryFn = async () => ++calls;
  client.setQueryData(['m'], 0); // stale at once (staleTime 0)
  const never = new QueryObserver(client, { queryKey: ['m'], queryFn, refetchOnMount: false });
  let off = never.subscribe(() => {});
  assert.equal(calls, 0, 'refetchOnMount: false keeps stale data');
  off();
  const always = new QueryObserver(client, { queryKey: ['m'], queryFn, staleTime: Infinity, refetchOnMount: 'always' });
  off = always.subscribe(() => {});
  assert.equal(calls, 1, "'always' refetches fresh data");
  off();
  const empty = new QueryObserver(client, { queryKey: ['empty'], queryFn, refetchOnMount: false });
  off = empty.subscribe(() => {});
  assert.equal(calls, 2, 'no data: refetchOnMount does not stop the first fetch');
  off();

  const boom = new Error('down');
  await client.prefetchQuery({ queryKey: ['failed'], queryFn: async () => { throw boom; } });
  let retried = 0;
  const noRetry = new QueryObserver(client, { queryKey: ['failed'], queryFn: async () => ++retried, retryOnMount: false });
  off = noRetry.subscribe(() => {});
  assert.equal(retried, 0, 'retryOnMount: false leaves a failed query without data alone');
  assert.equal(noRetry.getCurrentResult().error, boom);
  off();
  const retry = new QueryObserver(client, { queryKey: ['failed'], queryFn: async () => ++retried });
  off = retry.subscribe(() => {});
  assert.equal(retried, 1, 'by default it is fetched again');
  off();

  const old = Date.now() - 60_000;
  await client.prefetchQuery({ queryKey: ['init'], queryFn, initialData: 'initial', initialDataUpdatedAt: old, staleTime: 30_000 });
  assert.equal(client.getQueryData(['init']), calls, 'initial data older than staleTime: fetched');
  await client.prefetchQuery({ queryKey: ['init2'], queryFn, initialData: 'initial', initialDataUpdatedAt: () => Date.now(), staleTime: 30_000 });
  assert.equal(client.getQueryData(['init2']), 'initial', 'fresh initial data: kept');
  assert.equal(client.getQueryState(['init']).dataUpdatedAt > old, true);
  client.dispose();
});

test('polling pauses while the page is hidden unless refetchIntervalInBackground', async () => {
  const client = new QueryClient();
  const counts = { hidden: 0, background: 0 };
  const poller = (name) => async () => ++counts[name];
  focusManager.setFocused(false);
  try {
    const hidden = new QueryObserver(client, { queryKey: ['hidden'], queryFn: poller('hidden'), refetchInterval: 10 });
    const background = new QueryObserver(client, { queryKey: ['background'], queryFn: poller('background'), refetchInterval: 10, refetchIntervalInBackground: true });
    const offs = [hidden.subscribe(() => {}), background.subscribe(() => {})];
    await sleep(80);
    assert.equal(counts.hidden, 1, 'the mount fetch only');
    assert.ok(counts.background >= 3, `polled in the background (${counts.background})`);
    offs.forEach((off) => off());
  } finally {
    focusManager.setFocused(undefined);
    client.dispose();
  }
});

test('CancelledError: what a cancelled fetch rejects with, as TanStack exports it', async () => {
  const client = new QueryClient();
  const p = client.fetchQuery({ queryKey: ['c'], queryFn: () => new Promise(() => {}) });
  await client.cancelQueries({ queryKey: ['c'] });
  await assert.rejects(p, (e) => e instanceof CancelledError && isCancelledError(e) && e.name === 'CancelledError');
  assert.equal(isCancelledError(new Error('other')), false);
  assert.equal(new CancelledError({ revert: true }).revert, true);
  client.dispose();
});

test('a mutation is pending from the mutate() call; one waiting for its scope is paused', async () => {
  const client = new QueryClient();
  const gate = deferred();
  const first = client.mutation({ mutationFn: () => gate.promise, scope: { id: 's' } });
  const second = client.mutation({ mutationFn: async (v) => v, scope: { id: 's' } });
  const p1 = first.mutate('a');
  assert.deepEqual([first.state.status, first.state.variables, first.state.isPaused], ['pending', 'a', false]);
  const p2 = second.mutate('b');
  assert.deepEqual([second.state.status, second.state.isPaused], ['pending', true], 'waiting for its scope');
  gate.resolve('A');
  assert.equal(await p1, 'A');
  assert.equal(await p2, 'b');
  assert.deepEqual([second.state.status, second.state.isPaused], ['success', false]);
  client.dispose();
});

test('skipToken disables an observer; a fetch call with it rejects when it would run the queryFn', async () => {
  const client = new QueryClient();
  let calls = 0;
  const observer = new QueryObserver(client, { queryKey: ['s'], queryFn: skipToken });
  const off = observer.subscribe(() => {});
  const r = observer.getCurrentResult();
  assert.deepEqual([r.status, r.fetchStatus, r.isStale], ['pending', 'idle', false], 'disabled: nothing fetched');
  observer.setOptions({ queryKey: ['s'], queryFn: async () => ++calls });
  await sleep(1);
  assert.equal(calls, 1, 'given a queryFn, it runs');
  off();
  await assert.rejects(client.fetchQuery({ queryKey: ['t'], queryFn: skipToken }), { message: `Missing queryFn: '["t"]'` });
  client.setQueryData(['t'], 'cached');
  assert.equal(await client.ensureQueryData({ queryKey: ['t'], queryFn: skipToken }), 'cached', 'cached data answers');
  assert.equal(await client.prefetchQuery({ queryKey: ['u'], queryFn: skipToken }), undefined, 'prefetchQuery never rejects');
  client.dispose();
});

test('notifyOnChangeProps: a listener hears only changes of the properties it names', async () => {
  const client = new QueryClient();
  const gate = deferred();
  const observer = new QueryObserver(client, { queryKey: ['n'], queryFn: () => gate.promise, notifyOnChangeProps: ['data'] });
  const heard = [];
  const off = observer.subscribe((r) => heard.push(r.data));
  assert.equal(observer.getCurrentResult().fetchStatus, 'fetching');
  assert.deepEqual(heard, [], 'the fetch started: data did not change, nothing heard');
  gate.resolve('v');
  await sleep(1);
  assert.deepEqual(heard, ['v'], 'data changed');
  const statuses = new QueryObserver(client, { queryKey: ['n'], queryFn: async () => 'v', notifyOnChangeProps: () => ['fetchStatus'] });
  const all = [];
  const offAll = statuses.subscribe((r) => all.push(r.fetchStatus));
  await statuses.refetch();
  assert.deepEqual(all, ['fetching', 'idle'], 'a function naming fetchStatus');
  assert.deepEqual(heard, ['v'], 'the same data again: the data listener is not told');
  off();
  offAll();
  client.dispose();
});

test('offline, a second invalidation of a paused query resolves at once too, and the network brings one fetch', async () => {
  const client = new QueryClient();
  let fetches = 0;
  const observer = new QueryObserver(client, { queryKey: ['offline-refetch'], queryFn: async () => ++fetches });
  const off = observer.subscribe(() => {});
  await sleep(5);
  assert.equal(observer.getCurrentResult().data, 1);
  onlineManager.setOnline(false);
  try {
    const within = (p, ms, what) => Promise.race([p.then(() => 'settled'), sleep(ms).then(() => `${what} still waiting`)]);
    assert.equal(await within(client.invalidateQueries({ queryKey: ['offline-refetch'] }), 200, 'the first invalidation'), 'settled');
    assert.equal(observer.getCurrentResult().fetchStatus, 'paused');
    assert.equal(await within(client.invalidateQueries({ queryKey: ['offline-refetch'] }), 200, 'the second invalidation'), 'settled');
    assert.equal(observer.getCurrentResult().fetchStatus, 'paused', 'the replacing fetch is paused from the start');
    assert.equal(fetches, 1, 'nothing ran offline');
    onlineManager.setOnline(true);
    for (let i = 0; i < 100 && observer.getCurrentResult().data !== 2; i++) await sleep(5);
    assert.equal(observer.getCurrentResult().data, 2, 'online: the paused fetch ran');
    await sleep(20);
    assert.equal(fetches, 2, 'once');
  } finally {
    onlineManager.setOnline(true);
    off();
    client.dispose();
  }
});

test('dispose() ends a mutation paused offline: it rejects instead of waiting for the network', async () => {
  const client = new QueryClient();
  let ran = 0;
  const m = client.mutation({ mutationFn: async () => { ran++; return 'sent'; } });
  onlineManager.setOnline(false);
  try {
    const p = m.mutate(1);
    await sleep(5);
    assert.equal(m.state.isPaused, true);
    client.dispose();
    const outcome = await Promise.race([p.then(() => 'resolved', (e) => `rejected: ${e.message}`), sleep(300).then(() => 'still waiting')]);
    assert.match(outcome, /^rejected: .*dispos/i);
    assert.equal(ran, 0, 'its mutationFn never ran');
  } finally {
    onlineManager.setOnline(true);
  }
});

test("mutate()'s own callbacks run once the mutation has settled and are not awaited", async () => {
  const client = new QueryClient();
  const m = client.mutation({ mutationFn: async (v) => `saved ${v}` });
  const seen = [];
  const result = await Promise.race([
    m.mutate(1, {
      onSuccess: (data) => {
        seen.push(['onSuccess', data, m.state.status, client.isMutating()]);
        return new Promise(() => {}); // never settles: mutate() must not wait for it
      },
      onSettled: () => { seen.push(['onSettled']); throw new Error('a callback error is the caller’s own'); },
    }),
    sleep(300).then(() => 'mutate() waited for its callbacks'),
  ]);
  assert.equal(result, 'saved 1');
  assert.deepEqual(seen, [['onSuccess', 'saved 1', 'success', 0], ['onSettled']], 'settled and no longer counted when they run');
  const failing = client.mutation({ mutationFn: async () => { throw new Error('no'); } });
  const errors = [];
  await assert.rejects(failing.mutate(2, { onError: (e) => { errors.push([e.message, failing.state.status]); return Promise.reject(new Error('ignored')); } }), /no/);
  assert.deepEqual(errors, [['no', 'error']]);
  client.dispose();
});

test('disabling the only observer of a failing fetch lets its retries go on (only leaving the query stops them)', async () => {
  const client = new QueryClient();
  let calls = 0;
  const queryFn = async () => { calls++; throw new Error(`attempt ${calls}`); };
  const observer = new QueryObserver(client, { queryKey: ['disable-retry'], queryFn, retry: 2, retryDelay: 10 });
  const off = observer.subscribe(() => {});
  await sleep(3);
  assert.equal(calls, 1);
  observer.setOptions({ queryKey: ['disable-retry'], queryFn, retry: 2, retryDelay: 10, enabled: false });
  for (let i = 0; i < 100 && calls < 3; i++) await sleep(5);
  assert.equal(calls, 3, 'both retries ran though the observer is disabled');
  off();
  client.dispose();
});

test('resetQueries with a throwing initialData function throws, and leaves no fetch of the queries it reset hanging', async () => {
  const client = new QueryClient();
  const running = [];
  for (let i = 0; i < 6; i++) {
    client.setQueryData(['reset', i], 'old');
    running.push(client.fetchQuery({ queryKey: ['reset', i], queryFn: () => new Promise((r) => setTimeout(() => r('new'), 1_000)), staleTime: 0 })
      .then(() => 'resolved', (e) => (isCancelledError(e) ? 'cancelled' : `rejected: ${e}`)));
  }
  // The throwing one: its initialData function is kept by the query and called by the reset.
  await client.prefetchQuery({ queryKey: ['reset', 'throws'], queryFn: async () => 'x', initialData: () => { if (client.throwNow) throw new Error('initialData broke'); return undefined; } });
  client.throwNow = true;
  assert.throws(() => client.resetQueries({ queryKey: ['reset'] }), /initialData broke/);
  const outcomes = await Promise.race([Promise.all(running), sleep(2_000).then(() => 'a fetch was left hanging')]);
  assert.ok(Array.isArray(outcomes), outcomes);
  client.dispose();
});

test("isServer is TanStack's: true under Node (no window)", () => {
  assert.equal(isServer, true);
});
