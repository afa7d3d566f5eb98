// QueryClient behaviour as a JavaScript user sees it, run in headless Chromium by
// tests/browser/package.test.mjs through the built package's web entry. Each export gets
// `make(options)`, which constructs a QueryClient, and throws on failure.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}
function eq(actual, expected, message) {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${message}: expected ${e}, got ${a}`);
}
async function rejects(promise, check, message) {
  try {
    await promise;
  } catch (e) {
    check(e);
    return e;
  }
  throw new Error(`${message}: expected a rejection`);
}
function throws(fn, ctor, fragment, message) {
  try {
    fn();
  } catch (e) {
    assert(e instanceof ctor, `${message}: expected ${ctor.name}, got ${e && e.constructor && e.constructor.name}: ${e}`);
    assert(String(e.message).includes(fragment), `${message}: message "${e.message}" should mention "${fragment}"`);
    return e;
  }
  throw new Error(`${message}: expected ${ctor.name}`);
}
// A query function that counts its calls and resolves with a fresh object each time.
function counter(delay = 0) {
  const fn = async ({ queryKey }) => {
    fn.calls += 1;
    if (delay) await sleep(delay);
    return { key: queryKey, n: fn.calls };
  };
  fn.calls = 0;
  return fn;
}

export async function secondFetchReturnsCachedDataWithoutCallingQueryFn(make) {
  const client = make({ staleTime: 60_000 });
  const queryFn = counter();
  const first = await client.fetchQuery({ queryKey: ['todos'], queryFn });
  const second = await client.fetchQuery({ queryKey: ['todos'], queryFn });
  eq(queryFn.calls, 1, 'queryFn runs once');
  assert(first === second, 'a cache hit returns the same object, not a copy');
  assert(client.getQueryData(['todos']) === first, 'getQueryData returns the same object too');
}

export async function staleDataIsRefetchedByFetchQueryAndRevalidatedByEnsureQueryData(make) {
  const client = make({ staleTime: 0 });
  let version = 0;
  let release;
  const queryFn = async () => {
    version += 1;
    if (version === 3) await new Promise((r) => (release = r));
    return { version };
  };
  const v1 = await client.fetchQuery({ queryKey: ['swr'], queryFn });
  eq(v1.version, 1, 'cold fetch');
  // As TanStack's: fetchQuery on stale data waits for the refetch.
  const v2 = await client.fetchQuery({ queryKey: ['swr'], queryFn });
  eq(v2.version, 2, 'stale data is refetched and fetchQuery resolves with the new data');
  // Stale-while-revalidate is ensureQueryData's, when asked.
  const again = await client.ensureQueryData({ queryKey: ['swr'], queryFn, revalidateIfStale: true });
  assert(again === v2, 'revalidateIfStale: the stale data comes back at once');
  eq(client.getQueryState(['swr']).fetchStatus, 'fetching', 'a background refetch runs');
  eq(client.isFetching(), 1, 'isFetching counts it');
  assert((await client.ensureQueryData({ queryKey: ['swr'], queryFn })) === v2, 'without it: the cached data, no second fetch');
  release();
  await sleep(10);
  eq(client.getQueryData(['swr']).version, 3, 'the refetch updated the cache');
  const state = client.getQueryState(['swr']);
  eq([state.status, state.fetchStatus, state.dataUpdateCount], ['success', 'idle', 3], 'state after refetch');
  eq(client.isFetching(), 0, 'nothing fetching afterwards');
}

export async function concurrentFetchesRunQueryFnOnce(make) {
  const client = make({});
  const queryFn = counter(20);
  const results = await Promise.all(
    Array.from({ length: 10 }, () => client.fetchQuery({ queryKey: ['dedup', { page: 1 }], queryFn })),
  );
  eq(queryFn.calls, 1, 'ten concurrent fetches, one queryFn run');
  assert(results.every((r) => r === results[0]), 'every caller gets the same object');
}

export async function concurrentFailuresRejectEveryWaiterWithTheSameError(make) {
  const client = make({ retry: 0 });
  const boom = new Error('down');
  let calls = 0;
  const queryFn = async () => {
    calls += 1;
    await sleep(5);
    throw boom;
  };
  const outcomes = await Promise.allSettled(
    Array.from({ length: 5 }, () => client.fetchQuery({ queryKey: ['dedup-fail'], queryFn })),
  );
  eq(calls, 1, 'one run');
  assert(outcomes.every((o) => o.status === 'rejected' && o.reason === boom), 'every waiter gets the user error itself');
}

export async function failingQueryFnRetriesThenRejectsAndKeepsOldData(make) {
  const client = make({ retryDelay: 1 });
  await client.fetchQuery({ queryKey: ['flaky'], queryFn: async () => ({ ok: 1 }) });
  const old = client.getQueryData(['flaky']);
  client.invalidateQueries({ queryKey: ['flaky'] }, { refetchType: 'none' });
  let calls = 0;
  const seen = [];
  const failure = new TypeError('network down');
  const retry = (failureCount, error) => {
    seen.push([failureCount, error === failure]);
    return failureCount < 2;
  };
  const queryFn = async () => {
    calls += 1;
    throw failure;
  };
  await client.removeQueries({ queryKey: ['cold-flaky'] });
  const err = await rejects(
    client.fetchQuery({ queryKey: ['cold-flaky'], queryFn, retry }),
    (e) => assert(e === failure, 'the user error is passed through untouched'),
    'cold fetch',
  );
  eq(calls, 3, 'two retries then give up');
  eq(seen, [[0, true], [1, true], [2, true]], 'retry gets (failureCount, error)');
  const state = client.getQueryState(['cold-flaky']);
  eq([state.status, state.fetchFailureCount, state.fetchStatus], ['error', 3, 'idle'], 'error state');
  assert(state.error === err && state.fetchFailureReason === err, 'error and fetchFailureReason are the user error');

  // A refetch of a key with data: retry 2 (number) then reject, old data kept.
  let refetchCalls = 0;
  const refetch = client.fetchQuery({
    queryKey: ['flaky'],
    queryFn: async () => {
      refetchCalls += 1;
      throw failure;
    },
    retry: 2,
    staleTime: 0,
  });
  await rejects(refetch, (e) => assert(e === failure, 'the refetch rejects with the user error'), 'refetch of stale data');
  eq(refetchCalls, 3, 'retry: 2 means three attempts');
  const s = client.getQueryState(['flaky']);
  eq(s.status, 'error', 'refetch failed');
  assert(s.data === old && client.getQueryData(['flaky']) === old, 'old data kept after the failure');
}

export async function retryDelayFunctionSpacesAttempts(make) {
  const client = make({});
  const times = [];
  const delays = [];
  await rejects(
    client.fetchQuery({
      queryKey: ['delays'],
      queryFn: () => {
        times.push(performance.now());
        throw new Error('x');
      },
      retry: 2,
      retryDelay: (failureCount) => {
        delays.push(failureCount);
        return 30;
      },
    }),
    () => {},
    'fails',
  );
  // As TanStack's retryer: the delay is asked before retry, for every failure (the last one too).
  eq(delays, [0, 1, 2], 'retryDelay gets the failure count of each failure');
  assert(times[1] - times[0] >= 25 && times[2] - times[1] >= 25, `attempts are spaced: ${times}`);
}

export async function invalidateByPrefixMarksEveryMatchAndRefetchesByType(make) {
  const client = make({ staleTime: Infinity });
  const fns = {};
  for (const key of [['todos', 1], ['todos', { done: true }], ['users', 1]]) {
    const h = JSON.stringify(key);
    fns[h] = counter();
    await client.fetchQuery({ queryKey: key, queryFn: fns[h] });
  }
  await client.invalidateQueries({ queryKey: ['todos'] });
  eq(client.getQueryState(['todos', 1]).isInvalidated, true, 'todos 1 invalidated');
  eq(client.getQueryState(['todos', { done: true }]).isInvalidated, true, 'todos {done} invalidated');
  eq(client.getQueryState(['users', 1]).isInvalidated, false, 'users untouched');
  eq(Object.values(fns).map((f) => f.calls), [1, 1, 1], 'nothing observed, so nothing refetched by default');
  // staleTime Infinity but invalidated: the next fetchQuery refetches and waits for it
  const refetched = await client.fetchQuery({ queryKey: ['todos', 1], queryFn: fns['["todos",1]'] });
  eq(refetched.n, 2, 'invalidated data is refetched');
  eq(client.getQueryData(['todos', 1]).n, 2, 'and cached');
  eq(client.getQueryState(['todos', 1]).isInvalidated, false, 'fresh data clears the flag');
  await client.invalidateQueries({ queryKey: ['todos'], refetchType: 'all' });
  eq(fns['["todos",{"done":true}]'].calls, 2, "refetchType 'all' refetches inactive matches and the promise waits for it");
  eq(client.getQueryState(['todos', { done: true }]).isInvalidated, false, 'refetched data is valid');
}

export async function staticStaleTimeIgnoresInvalidation(make) {
  const client = make({});
  const queryFn = counter();
  await client.fetchQuery({ queryKey: ['static'], queryFn, staleTime: 'static' });
  await client.invalidateQueries({ queryKey: ['static'] });
  await client.fetchQuery({ queryKey: ['static'], queryFn, staleTime: 'static' });
  await sleep(5);
  eq(queryFn.calls, 1, "'static' data is never refetched");
}

export async function removeAndResetQueries(make) {
  const client = make({ staleTime: Infinity });
  const queryFn = counter();
  await client.fetchQuery({ queryKey: ['r', 1], queryFn });
  await client.fetchQuery({ queryKey: ['r', 2], queryFn });
  await client.fetchQuery({ queryKey: ['keep'], queryFn });
  client.removeQueries({ queryKey: ['r'] });
  eq(client.getQueryData(['r', 1]), undefined, 'removed');
  eq(client.getQueryState(['r', 2]), undefined, 'removed entirely');
  assert(client.getQueryData(['keep']) !== undefined, 'others stay');
  await client.fetchQuery({ queryKey: ['r', 1], queryFn });
  eq(queryFn.calls, 4, 'a removed key fetches again');

  await client.fetchQuery({ queryKey: ['seeded'], queryFn, initialData: { seed: true } });
  client.setQueryData(['seeded'], { changed: true });
  await client.resetQueries({ queryKey: ['seeded'] });
  eq(client.getQueryData(['seeded']), { seed: true }, 'reset goes back to initialData');
  await client.resetQueries({ queryKey: ['r'] });
  const s = client.getQueryState(['r', 1]);
  eq([s.status, s.data, s.dataUpdateCount], ['pending', undefined, 0], 'reset without initialData is pending');
}

export async function setQueryDataCreatesUnknownKeys(make) {
  const client = make({});
  eq(client.getQueryData(['new']), undefined, 'nothing yet');
  const value = { hello: 'world' };
  assert(client.setQueryData(['new', { id: 1 }], value) === value, 'returns the data');
  assert(client.getQueryData(['new', { id: 1 }]) === value, 'stored by reference');
  eq(client.getQueryState(['new', { id: 1 }]).status, 'success', 'a success');
  client.setQueryData(['new', { id: 1 }], (old) => ({ ...old, n: 2 }));
  eq(client.getQueryData(['new', { id: 1 }]), { hello: 'world', n: 2 }, 'updater sees old data');
  eq(client.setQueryData(['new', { id: 1 }], () => undefined), undefined, 'an updater returning undefined');
  eq(client.getQueryData(['new', { id: 1 }]).n, 2, '… changes nothing');
  let seenOld = 'not called';
  client.setQueryData(['fresh'], (old) => {
    seenOld = old;
    return 1;
  });
  eq(seenOld, undefined, 'an updater on an unknown key gets undefined');
  client.setQueryData(['nullable'], null);
  eq(client.getQueryData(['nullable']), null, 'null is valid data');
  eq(client.getQueryState(['nullable']).status, 'success', 'null data is a success');
}

export async function coldFetchResolvesWithRealDataAndNullIsCached(make) {
  const client = make({ staleTime: 60_000 });
  const data = await client.fetchQuery({ queryKey: ['cold'], queryFn: async () => ({ real: true }) });
  eq(data, { real: true }, 'real data, no placeholder');
  let calls = 0;
  const nothing = () => {
    calls += 1;
    return null;
  };
  eq(await client.fetchQuery({ queryKey: ['none'], queryFn: nothing }), null, 'null resolves');
  eq(await client.fetchQuery({ queryKey: ['none'], queryFn: nothing }), null, 'null is cached');
  eq(calls, 1, 'a null result is a cache hit the second time');
  eq(await client.fetchQuery({ queryKey: ['sync'], queryFn: () => 42 }), 42, 'a sync queryFn works');
}

export async function undefinedFromQueryFnIsAnError(make) {
  const client = make({ retry: 0 });
  await rejects(
    client.fetchQuery({ queryKey: ['undef'], queryFn: async () => undefined }),
    (e) => eq(e.message, '["undef"] data is undefined', "TanStack's error (the console says how to fix it)"),
    'undefined data',
  );
  eq(client.getQueryState(['undef']).status, 'error', 'the query is in error');
}

export async function cancelQueriesAbortsTheSignalAndRevertsState(make) {
  const client = make({ staleTime: Infinity });
  client.setQueryData(['c'], { before: true });
  await client.invalidateQueries({ queryKey: ['c'] }, { refetchType: 'none' });
  let signal;
  let aborted = false;
  const pending = client.refetchQueries({ queryKey: ['c'] });
  // setQueryData made the query without a queryFn: refetch does nothing
  await pending;
  eq(client.isFetching(), 0, 'no queryFn, no refetch');
  const p = client.ensureQueryData({ queryKey: ['slow'], queryFn: ({ signal: s, queryKey }) => {
    signal = s;
    s.addEventListener('abort', () => (aborted = true));
    eq(queryKey, ['slow'], 'queryFn gets the key');
    return new Promise(() => {});
  } });
  await sleep(0);
  assert(signal instanceof AbortSignal, 'queryFn gets an AbortSignal');
  eq(client.getQueryState(['slow']).fetchStatus, 'fetching', 'fetching');
  await client.cancelQueries({ queryKey: ['slow'] });
  assert(aborted && signal.aborted, 'the signal is aborted');
  const e = await rejects(p, () => {}, 'the waiter');
  eq(e.name, 'CancelledError', 'waiters get a CancelledError');
  const s = client.getQueryState(['slow']);
  eq([s.status, s.fetchStatus, s.data], ['pending', 'idle', undefined], 'state reverted');
  eq(client.isFetching(), 0, 'isFetching back to 0');
}

export async function fetchQueryRetriesOnlyWhenAsked(make) {
  // TanStack's defaults: imperative fetches do not retry; observers retry 3 times; a
  // client-wide `retry` (or defaultOptions.queries.retry) applies to both.
  const failing = () => {
    const fn = () => { fn.calls += 1; throw new Error('down'); };
    fn.calls = 0;
    return fn;
  };
  const plain = make({ retryDelay: 1 });
  const once = failing();
  await rejects(plain.fetchQuery({ queryKey: ['r1'], queryFn: once }), () => {}, 'fetchQuery');
  eq(once.calls, 1, 'fetchQuery: one attempt');
  const asked = failing();
  await rejects(plain.fetchQuery({ queryKey: ['r2'], queryFn: asked, retry: 2 }), () => {}, 'fetchQuery with retry');
  eq(asked.calls, 3, 'retry: 2 given to the call');
  const observed = failing();
  const observer = plain.watch({ queryKey: ['r3'], queryFn: observed });
  const off = observer.subscribe(() => {});
  for (let i = 0; i < 100 && observer.getCurrentResult().status !== 'error'; i++) await sleep(5);
  eq(observed.calls, 4, 'an observer retries 3 times');
  off();
  const clientWide = make({ retry: 1, retryDelay: 1 });
  const twice = failing();
  await rejects(clientWide.fetchQuery({ queryKey: ['r4'], queryFn: twice }), () => {}, 'client retry');
  eq(twice.calls, 2, "the client's retry applies to fetchQuery");
}

export async function cancellingDuringARetrySleepStopsRetrying(make) {
  const client = make({ retry: 3, retryDelay: 10_000 });
  let calls = 0;
  const p = client.fetchQuery({ queryKey: ['sleepy'], queryFn: () => { calls += 1; throw new Error('no'); } });
  await sleep(5);
  eq(client.getQueryState(['sleepy']).fetchFailureCount, 1, 'sleeping before retry 1');
  await client.cancelQueries();
  await rejects(p, (e) => eq(e.name, 'CancelledError', 'cancelled'), 'waiter');
  await sleep(5);
  eq(calls, 1, 'no more attempts');
  eq(client.getQueryState(['sleepy']).fetchFailureCount, 0, 'failures reverted');
}

export async function badInputGetsClearErrors(make) {
  throws(() => make({ maxEntries: 0 }), RangeError, 'maxEntries', 'maxEntries 0');
  throws(() => make({ gcTime: -1 }), RangeError, 'gcTime', 'negative gcTime');
  throws(() => make({ staleTime: NaN }), RangeError, 'staleTime', 'NaN staleTime');
  throws(() => make({ staleTime: 'soon' }), TypeError, 'staleTime', 'string staleTime');
  throws(() => make({ retry: 'yes' }), TypeError, 'retry', 'string retry');
  throws(() => make(42), TypeError, 'options', 'options not an object');
  const client = make({});
  const queryFn = async () => 1;
  throws(() => client.fetchQuery({ queryKey: 'todos', queryFn }), TypeError, 'queryKey must be an array', 'string key');
  throws(() => client.fetchQuery({ queryFn }), TypeError, 'queryKey', 'missing key');
  throws(() => client.fetchQuery({ queryKey: ['a', () => 1], queryFn }), TypeError, 'queryKey[1] is a function', 'function in key');
  throws(() => client.fetchQuery({ queryKey: ['a', { s: Symbol('x') }], queryFn }), TypeError, 'queryKey[1].s is a symbol', 'symbol');
  throws(() => client.fetchQuery({ queryKey: [10n], queryFn }), TypeError, 'BigInt', 'bigint');
  const cyclic = { name: 'loop' };
  cyclic.self = cyclic;
  throws(() => client.fetchQuery({ queryKey: ['a', cyclic], queryFn }), TypeError, 'cycle', 'cycle');
  throws(() => client.fetchQuery({ queryKey: [new Map()], queryFn }), TypeError, 'Map', 'class instance');
  let deep = [];
  for (let i = 0; i < 100; i++) deep = [deep];
  throws(() => client.fetchQuery({ queryKey: deep, queryFn }), TypeError, 'deeper', 'deep nesting');
  throws(() => client.fetchQuery({ queryKey: ['a'], queryFn, staleTime: -5 }), RangeError, 'staleTime', 'negative staleTime');
  throws(() => client.fetchQuery({ queryKey: ['a'], queryFn, gcTime: NaN }), RangeError, 'gcTime', 'NaN gcTime');
  throws(() => client.fetchQuery({ queryKey: ['a'], queryFn: 'nope' }), TypeError, 'queryFn must be a function', 'queryFn type');
  throws(() => client.fetchQuery(null), TypeError, 'fetchQuery options', 'null options');
  throws(() => client.getQueryData(undefined), TypeError, 'queryKey', 'getQueryData without key');
  throws(() => client.invalidateQueries({ type: 'sometimes' }), TypeError, 'filters.type', 'bad filter type');
  // No queryFn to run: TanStack's rejection, never a throw at the call.
  await rejects(client.fetchQuery({ queryKey: ['no-fn'] }), (e) => {
    assert(e.message === `Missing queryFn: '["no-fn"]'`, `missing queryFn: ${e.message}`);
  }, 'missing queryFn');
  throws(() => client.invalidateQueries({}, { refetchType: 'now' }), TypeError, 'refetchType', 'bad refetchType');
  throws(() => client.removeQueries({ queryKey: 'todos' }), TypeError, 'filters.queryKey', 'bad filter key');
  throws(() => client.removeQueries({ predicate: 1 }), TypeError, 'predicate', 'bad predicate');
  throws(() => client.fetchQuery({ queryKey: ['\ud800'], queryFn }), TypeError, 'surrogate', 'lone surrogate');
  // Property names too: '\ud800' and '\udbff' would otherwise both read as U+FFFD, one
  // query for two users' keys.
  client.setQueryData(['user', { '\u00e9': 1 }], 'fine');
  throws(() => client.setQueryData(['user', { '\ud800': 1 }], 'a'), TypeError, 'property name with a lone surrogate', 'lone surrogate name');
  throws(() => client.getQueryData(['user', { nested: { '\udbff': 1 } }]), TypeError, 'queryKey[1].nested', 'named by its path');
  throws(() => client.removeQueries({ queryKey: ['user', { '\udc00x': 1 }] }), TypeError, 'lone surrogate', 'in filters too');
  // still alive after all that: no panic killed the instance
  eq(await client.fetchQuery({ queryKey: ['ok'], queryFn }), 1, 'the client still works');
}

export async function keysHashLikeTanstack(make) {
  const client = make({});
  client.setQueryData(['obj', { b: 2, a: 1, gone: undefined }], 'v');
  eq(client.getQueryData(['obj', { a: 1, b: 2 }]), 'v', 'property order and undefined do not matter');
  client.setQueryData(['zero', -0], 'z');
  eq(client.getQueryData(['zero', 0]), 'z', '-0 and 0 are one key');
  eq(client.getQueryData(['obj', { a: 1, b: '2' }]), undefined, 'types matter');
  const [[key, data]] = client.getQueriesData({ queryKey: ['obj'] });
  eq([key[0], key[1].b, data], ['obj', 2, 'v'], 'getQueriesData returns the key as given');
}

export async function getAndSetQueriesDataByPrefixAndPredicate(make) {
  const client = make({});
  client.setQueryData(['todos', 1], { n: 1 });
  client.setQueryData(['todos', 2], { n: 2 });
  client.setQueryData(['users', 1], { n: 3 });
  const found = client.getQueriesData({ queryKey: ['todos'] }).map(([k, d]) => [k[1], d.n]).sort();
  eq(found, [[1, 1], [2, 2]], 'prefix match');
  eq(client.getQueriesData({ queryKey: ['todos'], exact: true }).length, 0, 'exact needs the whole key');
  const bumped = client.setQueriesData({ queryKey: ['todos'] }, (old) => ({ n: old.n * 10 }));
  eq(bumped.map(([, d]) => d.n).sort((a, b) => a - b), [10, 20], 'setQueriesData updates matches');
  eq(client.getQueryData(['users', 1]).n, 3, 'not others');
  const pred = client.getQueriesData({ predicate: (q) => q.queryKey[0] === 'users' && q.state.status === 'success' });
  eq(pred.length, 1, 'predicate sees key and state');
  // TanStack's Query.isStale(): unobserved data is stale only once invalidated.
  eq(client.getQueriesData({ stale: true }).length, 0, 'unobserved: not stale by time alone');
  await client.invalidateQueries({ queryKey: ['todos'], refetchType: 'none' });
  eq(client.getQueriesData({ stale: true }).length, 2, 'invalidated: stale');
}

export async function unobservedQueriesAreGarbageCollected(make) {
  const client = make({ gcTime: 30 });
  await client.fetchQuery({ queryKey: ['gc', 1], queryFn: async () => 1 });
  client.setQueryData(['gc', 2], 2);
  await client.fetchQuery({ queryKey: ['gc', 'long'], queryFn: async () => 3, gcTime: 60_000 });
  eq(client.size, 3, 'three queries');
  await sleep(120);
  eq(client.getQueryData(['gc', 1]), undefined, 'fetchQuery-only query collected');
  eq(client.getQueryData(['gc', 2]), undefined, 'setQueryData query collected');
  eq(client.getQueryData(['gc', 'long']), 3, 'a longer gcTime keeps it');
  eq(client.size, 1, 'one left');
}

export async function maxEntriesEvictsLeastRecentlyUsed(make) {
  const client = make({ maxEntries: 3 });
  for (const i of [1, 2, 3]) client.setQueryData(['lru', i], i);
  client.getQueryData(['lru', 1]); // 1 is used, so 2 is the oldest
  client.setQueryData(['lru', 4], 4);
  eq(client.size, 3, 'bounded');
  eq(client.getQueryData(['lru', 2]), undefined, 'least recently used went');
  eq([1, 3, 4].map((i) => client.getQueryData(['lru', i])), [1, 3, 4], 'the rest stay');
  // a fetching query is never evicted
  let release;
  const p = client.fetchQuery({ queryKey: ['lru', 'busy'], queryFn: () => new Promise((r) => (release = r)) });
  for (const i of [5, 6, 7, 8]) client.setQueryData(['lru', i], i);
  await sleep(0);
  release('done');
  eq(await p, 'done', 'the fetching query survived eviction pressure');
}

export async function ensureAndPrefetch(make) {
  const client = make({ staleTime: 0 });
  const queryFn = counter();
  const a = await client.ensureQueryData({ queryKey: ['e'], queryFn });
  const b = await client.ensureQueryData({ queryKey: ['e'], queryFn });
  await sleep(5);
  assert(a === b, 'ensureQueryData returns cached data');
  eq(queryFn.calls, 1, 'even stale data is not refetched by ensureQueryData');
  const r = await client.prefetchQuery({ queryKey: ['p'], queryFn: async () => { throw new Error('x'); }, retry: 0 });
  eq(r, undefined, 'prefetchQuery resolves with nothing, never rejects');
  eq(client.getQueryState(['p']).status, 'error', 'but the failure is recorded');
  await client.prefetchQuery({ queryKey: ['p2'], queryFn });
  eq(client.getQueryData(['p2']).n, 2, 'prefetch warms the cache');
}

export async function clearAndDispose(make) {
  const client = make({});
  client.setQueryData(['a'], 1);
  const pending = client.fetchQuery({ queryKey: ['never'], queryFn: () => new Promise(() => {}) });
  await client.clear();
  eq(client.size, 0, 'clear empties L1');
  await rejects(pending, (e) => eq(e.name, 'CancelledError', 'cancelled'), 'pending fetch');
  client.setQueryData(['b'], 2);
  client.dispose();
  client.dispose();
  throws(() => client.getQueryData(['b']), Error, 'disposed', 'disposed client');
}

export async function edgeRuntimeCollectsWithoutTimers(make) {
  eq(make({}).runtime, 'browser', 'a page is detected as a browser');
  const throws = () => make({ runtime: 'lambda' });
  try {
    throws();
    throw new Error('expected a TypeError');
  } catch (e) {
    assert(e instanceof TypeError && e.message.includes('runtime'), String(e));
  }
  const client = make({ runtime: 'edge', gcTime: 20 });
  eq(client.runtime, 'edge', 'explicit edge mode');
  await client.fetchQuery({ queryKey: ['edge', 1], queryFn: async () => 1 });
  await sleep(60);
  eq(client.size, 1, 'no timer fired: nothing collected in the background');
  client.setQueryData(['edge', 2], 2); // the next call collects what is due
  eq(client.getQueryData(['edge', 1]), undefined, 'collected on the next call');
  eq(client.getQueryData(['edge', 2]), 2, 'the new query stays');
  // gcTime 0: due at once, yet never taken from the call that made it.
  const eager = make({ runtime: 'edge', gcTime: 0 });
  eq(await eager.fetchQuery({ queryKey: ['edge', 3], queryFn: async () => 3 }), 3, 'a cold fetch with gcTime 0 resolves');
  eq(eager.setQueryData(['edge', 4], 4), 4, 'setQueryData with gcTime 0');
  eq(eager.getQueryData(['edge', 4]), 4, 'what was just set is there to read');
}

export async function nothingRunsOnADisposedClient(make) {
  // A cold fetch that is still reading L2 when the client is disposed must not start a
  // fetch afterwards (it would retry forever with nobody left to cancel it).
  let release;
  const storage = { get: () => new Promise((r) => (release = r)), set() {}, delete() {} };
  const client = make({ storage, retry: true, retryDelay: 0 });
  let calls = 0;
  const p = client.fetchQuery({ queryKey: ['late'], queryFn: async () => { calls++; throw new Error('down'); } });
  const observer = client.watch({ queryKey: ['watched'], queryFn: async () => { calls++; throw new Error('down'); } });
  observer.subscribe(() => {});
  await sleep(5);
  client.dispose();
  const before = calls;
  release(null); // the L2 read finishes after dispose
  await p.catch(() => {});
  await sleep(50);
  eq(calls - before, 0, 'no queryFn runs after dispose');
}

export async function structuralSharingKeepsUnchangedSubtrees(make) {
  const client = make({});
  let version = 0;
  const when = new Date(0);
  const queryFn = async () => ({ user: { id: 1, tags: ['a', 'b'] }, list: [{ id: 1 }, { id: 2, v: version }], when });
  const first = await client.fetchQuery({ queryKey: ['s'], queryFn });
  version = 1;
  await client.refetchQueries({ queryKey: ['s'] });
  const second = client.getQueryData(['s']);
  assert(second !== first, 'changed data is a new object');
  assert(second.user === first.user && second.list[0] === first.list[0], 'unchanged subtrees keep their references');
  assert(second.list[1] !== first.list[1] && second.list[1].v === 1, 'changed ones do not');
  assert(second.when === when, 'non-plain objects are taken as they are');
  await client.refetchQueries({ queryKey: ['s'] });
  assert(client.getQueryData(['s']) === second, 'deeply equal data keeps the old object');
  const returned = await client.fetchQuery({ queryKey: ['s'], queryFn, staleTime: 0 });
  assert(returned === second, 'fetchQuery resolves with what the cache holds');

  client.setQueryData(['s'], (old) => ({ ...old, list: [...old.list] }));
  assert(client.getQueryData(['s']) === second, 'setQueryData shares too');

  await client.fetchQuery({ queryKey: ['off'], queryFn, structuralSharing: false });
  const before = client.getQueryData(['off']);
  await client.refetchQueries({ queryKey: ['off'] });
  assert(client.getQueryData(['off']) !== before, 'structuralSharing: false stores new data as it is');

  const custom = [];
  await client.fetchQuery({ queryKey: ['fn'], queryFn, structuralSharing: (old, next) => { custom.push(old); return old ?? next; } });
  const kept = client.getQueryData(['fn']);
  await client.refetchQueries({ queryKey: ['fn'] });
  eq(custom.length, 2, 'a function decides, for the first data too (as TanStack\'s)');
  assert(custom[0] === undefined && custom[1] === kept, 'asked with undefined, then with the data there');
  assert(client.getQueryData(['fn']) === kept, 'and what it gives is stored');

  const cyclic = () => { const o = { name: 'loop' }; o.self = o; return o; };
  await client.fetchQuery({ queryKey: ['cycle'], queryFn: async () => cyclic() });
  await client.refetchQueries({ queryKey: ['cycle'] });
  eq(client.getQueryData(['cycle']).name, 'loop', 'cyclic data neither hangs nor traps');
  const tree = () => { const root = { kids: [] }; for (let i = 0; i < 2; i++) root.kids.push({ i, parent: root }); return root; };
  const t0 = performance.now();
  client.setQueryData(['tree'], tree());
  client.setQueryData(['tree'], tree());
  assert(performance.now() - t0 < 1000, 'a graph whose paths multiply is compared in bounded time');

  let thrown = null;
  try { await client.fetchQuery({ queryKey: ['bad'], queryFn, structuralSharing: 'yes' }); } catch (e) { thrown = e; }
  assert(thrown instanceof TypeError && /structuralSharing/.test(thrown.message), 'a bad value is a TypeError naming it');
}
