// Observers (client.watch) and mutations (client.mutation) as a user sees them, in
// headless Chromium.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}
function eq(actual, expected, message) {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${message}: expected ${e}, got ${a}`);
}
function counter(value = (n) => ({ n })) {
  const fn = async () => {
    fn.calls += 1;
    await sleep(5);
    return value(fn.calls);
  };
  fn.calls = 0;
  return fn;
}

export async function subscribeStartsTheFetchAndTheListenerHearsEachChange(make) {
  const client = make({});
  const queryFn = counter();
  const observer = client.watch({ queryKey: ['todos'], queryFn });
  const show = (r) => [r.status, r.fetchStatus, r.isLoading, r.isSuccess, r.data && r.data.n];
  eq(show(observer.getCurrentResult()), ['pending', 'idle', false, false, undefined], 'the current result before subscribing');
  const seen = [];
  const unsubscribe = observer.subscribe((r) => seen.push(show(r)));
  // As TanStack's: the queryFn starts inside subscribe, and the listener hears changes
  // only (not the result it had when it subscribed).
  eq(queryFn.calls, 1, 'the queryFn started inside subscribe');
  eq(seen, [['pending', 'fetching', true, false, undefined]], 'the listener heard the fetch start');
  await sleep(30);
  eq(queryFn.calls, 1, 'one fetch');
  eq(seen.slice(1), [['success', 'idle', false, true, 1]], 'then its end');
  const r = observer.getCurrentResult();
  assert(r === observer.getCurrentResult(), 'an unchanged result is the same object');
  eq([r.isPending, r.isFetched, r.isStale, r.isPlaceholderData, r.isRefetching], [false, true, true, false, false], 'derived flags');
  unsubscribe();
}

export async function listenersHearOnlyRealChanges(make) {
  const client = make({ staleTime: Infinity });
  const data = { v: 1 };
  client.setQueryData(['k'], data);
  const observer = client.watch({ queryKey: ['k'], queryFn: async () => ({ v: 'net' }) });
  let calls = 0;
  const unsubscribe = observer.subscribe(() => calls++);
  eq(calls, 0, 'fresh data: no fetch, nothing to hear');
  client.setQueryData(['other'], 1);
  client.invalidateQueries({ queryKey: ['other'] });
  eq(calls, 0, 'changes to other queries are not heard');
  client.setQueryData(['k'], { v: 2 });
  eq(calls, 1, 'new data is heard');
  unsubscribe();
  client.setQueryData(['k'], { v: 3 });
  eq(calls, 1, 'nothing after unsubscribe');
}

export async function invalidateRefetchesOnlyActiveQueries(make) {
  const client = make({ staleTime: Infinity });
  const watched = counter(), unwatched = counter(), disabled = counter();
  await client.fetchQuery({ queryKey: ['todos', 'unwatched'], queryFn: unwatched });
  const a = client.watch({ queryKey: ['todos', 'watched'], queryFn: watched });
  const offA = a.subscribe(() => {});
  client.setQueryData(['todos', 'disabled'], { n: 0 });
  const b = client.watch({ queryKey: ['todos', 'disabled'], queryFn: disabled, enabled: false });
  const offB = b.subscribe(() => {});
  await sleep(20);
  eq([watched.calls, unwatched.calls, disabled.calls], [1, 1, 0], 'before');
  await client.invalidateQueries({ queryKey: ['todos'] });
  eq([watched.calls, unwatched.calls, disabled.calls], [2, 1, 0], 'only the active (observed, enabled) query refetched');
  eq(a.getCurrentResult().data.n, 2, 'the observer sees the refetch');
  eq(client.getQueryState(['todos', 'unwatched']).isInvalidated, true, 'the inactive one is only marked');
  eq(client.getQueriesData({ queryKey: ['todos'], type: 'active' }).length, 1, "type: 'active'");
  eq(client.getQueriesData({ queryKey: ['todos'], type: 'inactive' }).length, 2, "type: 'inactive' includes the disabled one");
  offA();
  offB();
}

export async function enabledIsHonouredAndChangeable(make) {
  const client = make({});
  const queryFn = counter();
  const observer = client.watch({ queryKey: ['lazy'], queryFn, enabled: false });
  const off = observer.subscribe(() => {});
  await sleep(20);
  eq(queryFn.calls, 0, 'disabled: no fetch on mount');
  observer.setOptions({ queryKey: ['lazy'], queryFn, enabled: true });
  await sleep(20);
  eq(queryFn.calls, 1, 'enabling fetches');
  eq(observer.getCurrentResult().data.n, 1, 'with the data');
  observer.setOptions({ queryKey: ['lazy', 2], queryFn, enabled: true });
  await sleep(20);
  eq([queryFn.calls, observer.getCurrentResult().data.key], [2, undefined], 'a new key fetches that query');
  const r = await observer.refetch();
  eq([queryFn.calls, r.data.n], [3, 3], 'refetch() resolves with the new result');
  off();
}

export async function theLastUnsubscribeStartsTheGcClock(make) {
  const client = make({ gcTime: 30 });
  const observer = client.watch({ queryKey: ['gc'], queryFn: async () => 'v' });
  const off1 = observer.subscribe(() => {});
  const off2 = observer.subscribe(() => {});
  await sleep(100);
  eq(client.getQueryData(['gc']), 'v', 'observed queries are not collected');
  off1();
  await sleep(100);
  eq(client.getQueryData(['gc']), 'v', 'one listener is left');
  off2();
  await sleep(100);
  eq(client.getQueryData(['gc']), undefined, 'collected after the last unsubscribe');
  // re-subscribing after everyone left works again
  const seen = [];
  const off3 = observer.subscribe((r) => seen.push(r.status));
  await sleep(30);
  eq(seen.at(-1), 'success', 'a new subscription fetches again');
  off3();
  observer.destroy();
}

export async function anObserverOnAColdKeyUsesFreshL2Data(make, lib) {
  const dbName = `sq-observer-${Date.now()}-${Math.random()}`;
  const writer = make({ storage: lib.IndexedDbStorage({ dbName }) });
  writer.setQueryData(['profile'], { name: 'Ada' });
  await writer.flush();
  const client = make({ storage: lib.IndexedDbStorage({ dbName }), staleTime: 60_000 });
  const queryFn = counter();
  const observer = client.watch({ queryKey: ['profile'], queryFn });
  const seen = [];
  const off = observer.subscribe((r) => seen.push(r.data));
  // One IndexedDB read: waited for as long as a loaded machine needs, not a fixed 50 ms.
  for (let i = 0; i < 200 && seen.at(-1) === undefined; i++) await sleep(10);
  eq(seen.at(-1), { name: 'Ada' }, 'the observer shows L2 data');
  eq(queryFn.calls, 0, 'without a network call');
  off();
}

export async function removedUnderAnObserverTheQueryComesBack(make) {
  const client = make({});
  const observer = client.watch({ queryKey: ['x'], queryFn: async () => 'v' });
  const seen = [];
  const off = observer.subscribe((r) => seen.push(r.status));
  await sleep(20);
  client.removeQueries({ queryKey: ['x'] });
  eq(seen.at(-1), 'pending', 'the observer hears the removal');
  eq(client.getQueriesData({ type: 'active' }).length, 1, 'and the query it watches is still there, active');
  off();
}

export async function observerMisuseIsATypeError(make) {
  const client = make({});
  const observer = client.watch({ queryKey: ['m'], queryFn: async () => 1 });
  for (const [fn, fragment] of [
    [() => observer.subscribe('not a function'), 'listener'],
    [() => client.watch({ queryKey: ['m'], enabled: 'yes' }), 'enabled'],
    [() => client.watch({ queryKey: 'm' }), 'queryKey'],
  ]) {
    try {
      fn();
      throw new Error(`expected a TypeError naming ${fragment}`);
    } catch (e) {
      assert(e instanceof TypeError && e.message.includes(fragment), `${fragment}: ${e}`);
    }
  }
  let other = 0;
  const off1 = observer.subscribe(() => { throw new Error('a listener that throws'); });
  const off2 = observer.subscribe(() => other++);
  client.setQueryData(['m'], 2);
  assert(other >= 1, 'a throwing listener does not stop the others');
  off1();
  off2();
}

// ---- mutations ----

export async function lifecycleCallbacksGetTheContext(make) {
  const client = make({});
  const calls = [];
  const m = client.mutation({
    mutationFn: async (vars) => { calls.push(['mutationFn', vars]); await sleep(5); return { saved: vars.title }; },
    onMutate: (vars) => { calls.push(['onMutate', vars]); return { snapshot: 'ctx' }; },
    onSuccess: (data, vars, ctx) => calls.push(['onSuccess', data, vars, ctx]),
    onError: () => calls.push(['onError']),
    onSettled: (data, error, vars, ctx) => calls.push(['onSettled', data, error, vars, ctx]),
  });
  const states = [];
  m.subscribe((s) => states.push(s.status));
  const p = m.mutate({ title: 'milk' });
  eq(client.isMutating(), 1, 'isMutating is 1 right after mutate(), as in TanStack');
  await sleep(1);
  eq(client.isMutating(), 1, 'isMutating while running');
  eq(await p, { saved: 'milk' }, 'mutate resolves with the data');
  eq(client.isMutating(), 0, 'and back to 0');
  eq(calls, [
    ['onMutate', { title: 'milk' }],
    ['mutationFn', { title: 'milk' }],
    ['onSuccess', { saved: 'milk' }, { title: 'milk' }, { snapshot: 'ctx' }],
    ['onSettled', { saved: 'milk' }, null, { title: 'milk' }, { snapshot: 'ctx' }],
  ], 'the order, and onMutate\'s value as the context');
  eq(states, ['pending', 'pending', 'success'], 'listeners hear changes: pending, context set, success');
  const s = m.state;
  eq([s.status, s.data, s.variables, s.context, s.isSuccess], ['success', { saved: 'milk' }, { title: 'milk' }, { snapshot: 'ctx' }, true], 'state');
  assert(s.submittedAt > 0, 'submittedAt');
  m.reset();
  eq([m.state.status, m.state.data, states.at(-1)], ['idle', undefined, 'idle'], 'reset goes back to idle and notifies');
}

export async function optimisticUpdateRollsBackOnError(make) {
  // TanStack's documented pattern.
  const client = make({ staleTime: Infinity });
  client.setQueryData(['todos'], [{ id: 1, title: 'a' }]);
  const failure = new Error('server said no');
  const m = client.mutation({
    mutationFn: async () => { await sleep(5); throw failure; },
    onMutate: async (newTodo) => {
      await client.cancelQueries({ queryKey: ['todos'] });
      const previous = client.getQueryData(['todos']);
      client.setQueryData(['todos'], (old) => [...old, newTodo]);
      return { previous };
    },
    onError: (err, newTodo, ctx) => client.setQueryData(['todos'], ctx.previous),
    onSettled: () => client.invalidateQueries({ queryKey: ['todos'] }),
  });
  const p = m.mutate({ id: 2, title: 'b' });
  await sleep(1);
  eq(client.getQueryData(['todos']).length, 2, 'the optimistic update shows at once');
  let caught;
  try { await p; } catch (e) { caught = e; }
  assert(caught === failure, 'mutate rejects with the user error itself');
  eq(client.getQueryData(['todos']), [{ id: 1, title: 'a' }], 'rolled back from the context');
  eq(client.getQueryState(['todos']).isInvalidated, true, 'onSettled ran');
  eq([m.state.status, m.state.error === failure, m.state.failureCount], ['error', true, 1], 'error state');
}

export async function aThrowingCallbackNeverRerunsMutationFn(make) {
  const client = make({});
  let runs = 0;
  const boom = new Error('onSuccess exploded');
  const m = client.mutation({ mutationFn: async () => { runs++; return 'ok'; }, retry: 3, retryDelay: 1, onSuccess: () => { throw boom; } });
  let caught;
  try { await m.mutate(1); } catch (e) { caught = e; }
  eq(runs, 1, 'mutationFn ran once');
  assert(caught === boom, 'the callback error is the mutation error');
  eq(m.state.status, 'error', 'the mutation failed');
  const settled = [];
  const m2 = client.mutation({ mutationFn: async () => { runs++; throw new Error('x'); }, onError: () => { throw new Error('onError exploded'); }, onSettled: (d, e) => settled.push(e.message) });
  await m2.mutate(1).catch(() => {});
  eq(runs, 2, 'a throwing onError does not re-run it either');
  eq(settled, ['x'], 'and onSettled still runs with the original error');
}

export async function retryDefaultsToZero(make) {
  const client = make({ retry: 5 }); // query retries do not apply to mutations
  let runs = 0;
  await client.mutation({ mutationFn: async () => { runs++; throw new Error('no'); } }).mutate().catch(() => {});
  eq(runs, 1, 'no retry by default');
  runs = 0;
  const m = client.mutation({ mutationFn: async () => { runs++; if (runs < 3) throw new Error('flaky'); return 'done'; }, retry: 2, retryDelay: 1 });
  eq(await m.mutate(), 'done', 'retry: 2 recovers on the third attempt');
  eq(runs, 3, 'three attempts');
}

export async function aScopeRunsOneAtATime(make) {
  const client = make({});
  let running = 0, most = 0;
  const order = [];
  const fn = async (v) => {
    running++;
    most = Math.max(most, running);
    order.push(`start ${v}`);
    await sleep(10);
    order.push(`end ${v}`);
    running--;
    return v;
  };
  const m = client.mutation({ mutationFn: fn, scope: { id: 'todos' } });
  const other = client.mutation({ mutationFn: fn, scope: { id: 'other' } });
  const results = await Promise.all([m.mutate(1), m.mutate(2), other.mutate('x'), m.mutate(3)]);
  eq(results, [1, 2, 'x', 3], 'every mutation resolves with its own data');
  eq(order.filter((s) => !s.includes('x')), ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3'], 'one scope: one at a time, in order');
  eq(most, 2, 'another scope ran alongside');
}

export async function mutationMisuseIsATypeError(make) {
  const client = make({});
  for (const [opts, fragment] of [[{ mutationFn: 1 }, 'mutationFn'], [{ mutationFn() {}, onSuccess: 'x' }, 'onSuccess'], [{ mutationFn() {}, scope: 'todos' }, 'scope'], [null, 'mutation options']]) {
    try {
      client.mutation(opts);
      throw new Error(`expected a TypeError naming ${fragment}`);
    } catch (e) {
      assert(e instanceof TypeError && e.message.includes(fragment), `${fragment}: ${e}`);
    }
  }
  // As TanStack's: a mutation without a mutationFn is made; mutate() rejects, and
  // the per-call callbacks hear the error after the mutation's own.
  const heard = [];
  const m = client.mutation({ onError: () => heard.push('mutation onError') });
  const p = m.mutate(1, { onError: (e) => heard.push(`call onError: ${e.name}`), onSettled: () => heard.push('call onSettled') });
  await p.then(() => { throw new Error('mutate() without a mutationFn resolved'); }, (e) => {
    assert(e instanceof TypeError && /no mutationFn found/.test(e.message), `the rejection says why: ${e}`);
  });
  eq(heard, ['mutation onError', 'call onError: TypeError', 'call onSettled'], 'callbacks in order');
  eq(m.state.status, 'error', 'the mutation is in error');
}

export async function mutateCallbacksRunAfterTheMutationsOwn(make) {
  const client = make({});
  const heard = [];
  const m = client.mutation({
    mutationFn: async (n) => { if (n < 0) throw new Error('negative'); return n * 2; },
    onMutate: (n) => ({ n }),
    onSuccess: (data) => heard.push(['own onSuccess', data]),
    onSettled: () => heard.push(['own onSettled']),
  });
  const data = await m.mutate(2, {
    onSuccess: (d, vars, ctx) => heard.push(['call onSuccess', d, vars, ctx]),
    onError: () => heard.push(['call onError']),
    onSettled: (d, e, vars) => heard.push(['call onSettled', d, e, vars]),
  });
  eq(data, 4, 'mutate resolves with the data');
  eq(heard, [['own onSuccess', 4], ['own onSettled'], ['call onSuccess', 4, 2, { n: 2 }], ['call onSettled', 4, null, 2]], 'own callbacks, then the call\'s');
  heard.length = 0;
  await m.mutate(-1, { onError: (e, vars) => heard.push(['call onError', e.message, vars]) }).catch(() => {});
  eq(heard, [['own onSettled'], ['call onError', 'negative', -1]], 'the call\'s onError after the mutation\'s');
  try {
    m.mutate(1, 'not options');
    throw new Error('expected a TypeError');
  } catch (e) {
    assert(e instanceof TypeError && e.message.includes('mutate options'), `bad mutate options: ${e}`);
  }
}

// ---- select and placeholderData ----

export async function selectIsMemoizedAndAThrowingSelectIsAnError(make) {
  const client = make({ staleTime: Infinity });
  const todos = [{ id: 1, done: true }, { id: 2, done: false }];
  client.setQueryData(['todos'], todos);
  let runs = 0;
  const observer = client.watch({ queryKey: ['todos'], queryFn: async () => todos, select: (all) => { runs++; return all.filter((t) => t.done); } });
  const seen = [];
  const off = observer.subscribe((r) => seen.push(r.data));
  eq(observer.getCurrentResult().data, [{ id: 1, done: true }], 'the result holds the selection');
  const first = observer.getCurrentResult().data;
  await client.invalidateQueries({ queryKey: ['todos'] }, { refetchType: 'none' });
  const after = observer.getCurrentResult();
  eq(client.getQueryState(['todos']).isInvalidated, true, 'the query\'s state changed');
  eq(runs, 1, 'but the data object did not, so select did not run again');
  assert(after.data === first, 'and the selection is the same object');
  client.setQueryData(['todos'], [...todos, { id: 3, done: true }]);
  eq(observer.getCurrentResult().data.length, 2, 'new data, new selection');
  eq(seen.at(-1).length, 2, 'listeners hear the selection');
  eq(runs, 2, 'and only then');
  assert(client.getQueryData(['todos']).length === 3, 'the cache keeps the raw data');
  const boom = new Error('select failed');
  observer.setOptions({ queryKey: ['todos'], queryFn: async () => todos, select: () => { throw boom; } });
  const r = observer.getCurrentResult();
  eq([r.status, r.isError, r.isRefetchError], ['error', true, true], 'a throwing select is an error result');
  assert(r.data === seen.at(-1), 'that keeps the last selection (as TanStack\'s), never raw data');
  assert(r.error === boom, 'with the error select threw');
  off();
}

export async function placeholderDataShowsUntilRealDataButIsNeverCached(make) {
  const client = make({});
  let release;
  const observer = client.watch({ queryKey: ['user', 1], queryFn: () => new Promise((r) => (release = r)), placeholderData: { name: '…' } });
  const seen = [];
  const off = observer.subscribe((r) => seen.push([r.status, r.isPlaceholderData, r.data && r.data.name]));
  eq(seen[0], ['success', true, '…'], 'placeholder at once');
  eq(client.getQueryData(['user', 1]), undefined, 'not in the cache');
  eq(client.getQueryState(['user', 1]).status, 'pending', 'the query itself is pending');
  await sleep(5);
  release({ name: 'Ada' });
  await sleep(5);
  eq(seen.at(-1), ['success', false, 'Ada'], 'then the real data');
  // a function of the previous data (keep showing the last user while the next loads)
  observer.setOptions({ queryKey: ['user', 2], queryFn: () => new Promise(() => {}), placeholderData: (previous) => previous });
  await sleep(5);
  const r = observer.getCurrentResult();
  eq([r.isPlaceholderData, r.data && r.data.name], [true, 'Ada'], 'placeholderData(previous) keeps the last data');
  off();
  await client.cancelQueries();
}

export async function refetchIntervalKeepsPollingThroughFailuresAndStops(make) {
  const client = make({ retry: 0 });
  let calls = 0;
  const queryFn = async () => {
    calls++;
    if (calls === 2) throw new Error('one failed poll');
    return calls;
  };
  const observer = client.watch({ queryKey: ['poll'], queryFn, refetchInterval: 25 });
  const off = observer.subscribe(() => {});
  await sleep(170);
  assert(calls >= 4, `it kept polling after the failed poll (${calls} calls)`);
  assert(observer.getCurrentResult().isSuccess, 'and recovered');
  off();
  const after = calls;
  await sleep(100);
  eq(calls, after, 'the last unsubscribe stops the polling');
  observer.setOptions({ queryKey: ['poll'], queryFn, refetchInterval: false });
  const off2 = observer.subscribe(() => {});
  await sleep(80);
  assert(calls <= after + 1, 'refetchInterval: false does not poll');
  off2();
  const disposed = make({});
  let n = 0;
  disposed.watch({ queryKey: ['p'], queryFn: async () => ++n, refetchInterval: 20 }).subscribe(() => {});
  await sleep(50);
  disposed.dispose();
  const m = n;
  await sleep(80);
  eq(n, m, 'nothing polls after dispose');
  try {
    client.watch({ queryKey: ['x'], refetchInterval: -5 });
    throw new Error('expected a RangeError');
  } catch (e) {
    assert(e instanceof RangeError && e.message.includes('refetchInterval'), String(e));
  }
}

export async function offlineFetchesPauseAndContinueOnReconnect(make, lib) {
  const client = make({ retryDelay: 1 });
  lib.setOnline(false);
  try {
    eq(lib.isOnline(), false, 'the manager says offline');
    const queryFn = counter();
    const observer = client.watch({ queryKey: ['offline'], queryFn });
    const seen = [];
    const off = observer.subscribe((r) => seen.push(r.fetchStatus));
    await sleep(20);
    eq(queryFn.calls, 0, 'no attempt while offline');
    const r = observer.getCurrentResult();
    eq([r.status, r.fetchStatus, r.isPaused, r.isFetching], ['pending', 'paused', true, false], 'the fetch is paused, not failed');
    eq(client.isFetching(), 0, 'a paused fetch is not counted as fetching');
    let settled = false;
    const joined = client.fetchQuery({ queryKey: ['offline'], queryFn }).then((d) => { settled = true; return d; });
    await sleep(20);
    assert(!settled, 'fetchQuery waits for the network');
    lib.setOnline(true);
    eq(await joined, { n: 1 }, 'one fetch, resumed on reconnect');
    eq(queryFn.calls, 1, 'the query function ran once');
    eq(seen.filter((s) => s === 'paused').length, 1, 'observers saw the pause');
    eq(observer.getCurrentResult().fetchStatus, 'idle', 'and the end');

    // A fetch that cannot start is paused from the start: no 'fetching' flash.
    lib.setOnline(false);
    const late = client.fetchQuery({ queryKey: ['paused-at-once'], queryFn: counter() });
    eq(client.getQueryState(['paused-at-once']).fetchStatus, 'paused', 'paused at once');
    eq([client.isFetching(), client.isFetching({ predicate: () => true })], [0, 0], 'not counted, with or without a predicate');
    lib.setOnline(true);
    await late;

    // networkMode 'always' does not wait; 'offlineFirst' tries once.
    lib.setOnline(false);
    const always = counter();
    eq(await client.fetchQuery({ queryKey: ['always'], queryFn: always, networkMode: 'always' }), { n: 1 }, 'always runs offline');
    const offlineFirst = counter();
    await client.fetchQuery({ queryKey: ['offlineFirst'], queryFn: offlineFirst, networkMode: 'offlineFirst' });
    eq(offlineFirst.calls, 1, 'offlineFirst makes its first attempt offline');

    // A retry waits for the network, with its failure count kept.
    lib.setOnline(true);
    let calls = 0;
    const flaky = async () => {
      calls += 1;
      if (calls === 1) { lib.setOnline(false); throw new Error('network down'); }
      return 'back';
    };
    const retried = client.fetchQuery({ queryKey: ['flaky'], queryFn: flaky, retry: 3 });
    await sleep(30);
    const s = client.getQueryState(['flaky']);
    eq([calls, s.fetchStatus, s.fetchFailureCount], [1, 'paused', 1], 'the retry waits offline');
    lib.setOnline(true);
    eq(await retried, 'back', 'and runs on reconnect');

    // Cancelling a paused fetch ends it.
    lib.setOnline(false);
    const never = counter();
    const cancelled = client.fetchQuery({ queryKey: ['cancel-paused'], queryFn: never });
    await sleep(5);
    await client.cancelQueries({ queryKey: ['cancel-paused'] });
    const error = await cancelled.then(() => null, (e) => e);
    eq(error && error.name, 'CancelledError', 'a cancelled paused fetch rejects');
    lib.setOnline(true);
    await sleep(20);
    eq(never.calls, 0, 'and never runs after reconnecting');
    off();
    let thrown = null;
    try { lib.setOnline('yes'); } catch (e) { thrown = e; }
    assert(thrown instanceof TypeError && /setOnline/.test(thrown.message), 'setOnline misuse is a TypeError naming it');
  } finally {
    lib.setOnline(true);
  }
}

export async function focusAndReconnectRefetchStaleObservedQueries(make, lib) {
  const client = make({});
  try {
    const stale = counter();
    const a = client.watch({ queryKey: ['stale'], queryFn: stale });
    const offA = a.subscribe(() => {});
    const fresh = counter();
    const b = client.watch({ queryKey: ['fresh'], queryFn: fresh, staleTime: Infinity });
    const offB = b.subscribe(() => {});
    const never = counter();
    const c = client.watch({ queryKey: ['never'], queryFn: never, refetchOnWindowFocus: false, refetchOnReconnect: false });
    const offC = c.subscribe(() => {});
    const gone = counter();
    client.watch({ queryKey: ['gone'], queryFn: gone }).subscribe(() => {})();
    await sleep(30);
    eq([stale.calls, fresh.calls, never.calls, gone.calls], [1, 1, 1, 1], 'each mounted once');

    lib.setFocused(false);
    lib.setFocused(true);
    await sleep(30);
    eq([stale.calls, fresh.calls, never.calls, gone.calls], [2, 1, 1, 1], 'focus refetches stale, observed, willing queries only');

    lib.setOnline(false);
    lib.setOnline(true);
    await sleep(30);
    eq([stale.calls, fresh.calls, never.calls, gone.calls], [3, 1, 1, 1], 'so does reconnecting');

    b.setOptions({ queryKey: ['fresh'], queryFn: fresh, staleTime: Infinity, refetchOnWindowFocus: 'always' });
    lib.setFocused(false);
    lib.setFocused(true);
    await sleep(30);
    eq(fresh.calls, 2, "'always' refetches fresh data too");

    const staticFn = counter();
    const st = client.watch({ queryKey: ['static'], queryFn: staticFn, staleTime: 'static', refetchOnWindowFocus: 'always' });
    const offS = st.subscribe(() => {});
    await sleep(30);
    lib.setFocused(false);
    lib.setFocused(true);
    await sleep(30);
    eq(staticFn.calls, 1, "'static' data is never refetched by an event, even with 'always'");
    offS();

    let thrown = null;
    try { client.watch({ queryKey: ['x'], refetchOnWindowFocus: 'sometimes' }); } catch (e) { thrown = e; }
    assert(thrown instanceof TypeError && /refetchOnWindowFocus/.test(thrown.message), 'a bad value is a TypeError naming the option');
    offA(); offB(); offC();
  } finally {
    lib.setFocused(undefined);
    lib.setOnline(true);
  }
}

export async function retriesWaitWhileThePageIsHidden(make, lib) {
  const client = make({ retryDelay: 1 });
  try {
    lib.setFocused(false);
    eq(lib.isFocused(), false, 'the manager says hidden');
    let calls = 0;
    const queryFn = async () => {
      calls += 1;
      if (calls === 1) throw new Error('first attempt fails');
      return 'ok';
    };
    const p = client.fetchQuery({ queryKey: ['hidden'], queryFn, retry: 2 });
    await sleep(30);
    eq([calls, client.getQueryState(['hidden']).fetchStatus], [1, 'paused'], 'the first attempt ran; the retry waits');
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    eq(lib.isFocused(), false, "a visibility event keeps the app's own override");
    lib.setFocused(true);
    eq(await p, 'ok', 'shown again, the retry runs');
  } finally {
    lib.setFocused(undefined);
  }
}

export async function aColdKeyShowsLoadingWhileL2IsRead(make) {
  const map = new Map();
  const slow = {
    get: async (k) => { await sleep(300); return map.has(k) ? map.get(k) : null; },
    set: async (k, v) => { map.set(k, v); },
    delete: async (k) => { map.delete(k); },
  };
  const writer = make({ storage: slow });
  writer.setQueryData(['book', 1], { title: 'stored' });
  await writer.flush();
  const client = make({ storage: slow, staleTime: 60_000 });
  const queryFn = counter();
  const seen = [];
  // The observer object itself is not kept: a subscription keeps it alive.
  const off = client.watch({ queryKey: ['book', 1], queryFn }).subscribe((r) => seen.push([r.status, r.fetchStatus, r.isLoading]));
  await sleep(20);
  eq(seen.at(-1), ['pending', 'fetching', true], 'loading while L2 is read, not pending and idle');
  for (let waited = 0; seen.at(-1)[0] !== 'success' && waited < 3000; waited += 20) await sleep(20);
  eq(seen.at(-1), ['success', 'idle', false], `then the stored data (seen: ${JSON.stringify(seen)}, calls ${queryFn.calls})`);
  eq(queryFn.calls, 0, 'fresh L2 data: no network');
  off();
}

export async function readingAResultNeverHidesAChangeFromListeners(make) {
  const client = make({ staleTime: Infinity });
  client.setQueryData(['shared'], 1);
  const a = client.watch({ queryKey: ['shared'] });
  const b = client.watch({ queryKey: ['shared'] });
  const heardByB = [];
  const offA = a.subscribe(() => b.getCurrentResult());
  const offB = b.subscribe((r) => heardByB.push(r.data));
  client.setQueryData(['shared'], 2);
  eq(heardByB, [2], "B hears the change although A's listener read B's result first");
  offA(); offB();
}

export async function listenersHearWhenDataTurnsStale(make) {
  const client = make({});
  client.setQueryData(['soon-stale'], 'v');
  const seen = [];
  const observer = client.watch({ queryKey: ['soon-stale'], staleTime: 60 });
  const off = observer.subscribe((r) => seen.push(r.isStale));
  eq([seen, observer.getCurrentResult().isStale], [[], false], 'fresh at first (nothing to hear yet)');
  await sleep(120);
  eq(seen, [true], 'told when it turned stale, with no other event');
  off();
}
