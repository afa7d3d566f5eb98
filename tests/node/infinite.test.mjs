// TanStack's infinite queries in the JS face (js/face/infinite_query.js,
// infinite_observer.js, fetch_direction.js): fetchInfiniteQuery / prefetchInfiniteQuery /
// ensureInfiniteQueryData and InfiniteQueryObserver, as a user sees them — the pages and
// params, next and previous pages, maxPages, refetching every page with params derived
// anew, the direction each page is asked for in, errors, cancelling, and pages coming back
// from L2 in another client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient, InfiniteQueryObserver, MemoryStorage, onlineManager } from '../../pkg/nodejs/stackquery.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
async function until(condition, what) {
  for (let i = 0; i < 400; i++) {
    if (condition()) return;
    await tick();
  }
  assert.fail(`timed out waiting for ${what}`);
}

function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

/**
 * A paged list on a fake server: page `n` holds items `n*10 … n*10+2`; pages go from
 * `first` to `last`. `calls` records what each queryFn call got. `gate(call)` may return
 * a promise the page waits for (to look at a fetch in flight); `fail(call)` an error to throw.
 */
function server({ first = 0, last = 4, version = '' } = {}) {
  const s = {
    first, last, version, calls: [], gate: () => undefined, fail: () => undefined,
    queryFn: async (context) => {
      const call = { ...context };
      s.calls.push(call);
      await s.gate(call);
      const error = s.fail(call);
      if (error) throw error;
      const n = context.pageParam;
      return { n, items: [n * 10, n * 10 + 1, n * 10 + 2].map((i) => `${i}${s.version}`) };
    },
    getNextPageParam: (lastPage) => (lastPage.n < s.last ? lastPage.n + 1 : undefined),
    getPreviousPageParam: (firstPage) => (firstPage.n > s.first ? firstPage.n - 1 : undefined),
    params: () => s.calls.map((c) => c.pageParam),
    directions: () => s.calls.map((c) => c.direction),
  };
  return s;
}

const options = (s, extra) => ({
  queryKey: ['list'], queryFn: s.queryFn, initialPageParam: 0, retry: false,
  getNextPageParam: s.getNextPageParam, getPreviousPageParam: s.getPreviousPageParam, ...extra,
});

/** An observer with one listener recording every result. */
function watched(client, opts) {
  const observer = new InfiniteQueryObserver(client, opts);
  const seen = [];
  const unsubscribe = observer.subscribe((r) => seen.push(r));
  return { observer, seen, unsubscribe };
}

test('fetchInfiniteQuery: the first page, as { pages, pageParams }, the queryFn given pageParam, direction, meta, queryKey and signal', async () => {
  const s = server();
  const client = new QueryClient();
  const data = await client.fetchInfiniteQuery(options(s, { queryKey: ['list', { q: 'a' }], meta: { source: 'test' } }));
  assert.deepEqual(data, { pages: [{ n: 0, items: ['0', '1', '2'] }], pageParams: [0] });
  assert.equal(s.calls.length, 1);
  const [call] = s.calls;
  assert.equal(call.pageParam, 0, 'initialPageParam');
  assert.equal(call.direction, 'forward');
  assert.deepEqual(call.queryKey, ['list', { q: 'a' }]);
  assert.deepEqual(call.meta, { source: 'test' });
  assert.ok(call.signal instanceof AbortSignal);
  assert.equal(client.getQueryData(['list', { q: 'a' }]), data, 'cached as it was returned');
  client.dispose();
});

test('fetchInfiniteQuery with pages: 3 fetches three pages in order, stopping early when there is no next page', async () => {
  const s = server({ last: 4 });
  const client = new QueryClient();
  const data = await client.fetchInfiniteQuery(options(s, { pages: 3 }));
  assert.deepEqual(data.pageParams, [0, 1, 2]);
  assert.deepEqual(data.pages.map((p) => p.n), [0, 1, 2]);
  assert.deepEqual(s.params(), [0, 1, 2]);
  const short = server({ last: 1 });
  const two = await client.fetchInfiniteQuery(options(short, { queryKey: ['short'], pages: 5 }));
  assert.deepEqual(two.pageParams, [0, 1], 'getNextPageParam said there is no page 2');
  assert.deepEqual(short.params(), [0, 1]);
  client.dispose();
});

test('InfiniteQueryObserver: next and previous pages, their params, directions and flags', async () => {
  const s = server({ first: -2, last: 3 });
  const nextArgs = [];
  const client = new QueryClient();
  const { observer, seen, unsubscribe } = watched(client, options(s, {
    staleTime: Infinity,
    getNextPageParam: (...args) => { nextArgs.push(structuredClone(args)); return s.getNextPageParam(...args); },
  }));
  await until(() => observer.getCurrentResult().isSuccess, 'the first page');
  let r = observer.getCurrentResult();
  assert.deepEqual(r.data.pageParams, [0]);
  assert.equal(r.hasNextPage, true);
  assert.equal(r.hasPreviousPage, true);
  assert.equal(r.isFetchingNextPage, false);
  assert.equal(observer.getCurrentResult(), r, 'an unchanged result is the same object');

  nextArgs.length = 0;
  const gate = deferred();
  s.gate = () => gate.promise;
  const pending = observer.fetchNextPage();
  r = observer.getCurrentResult();
  assert.equal(r.isFetching, true);
  assert.equal(r.isFetchingNextPage, true, 'fetching the next page');
  assert.equal(r.isFetchingPreviousPage, false);
  assert.equal(r.isRefetching, false, 'a next page is not a refetch');
  assert.ok(seen.some((x) => x.isFetchingNextPage), 'listeners saw it');
  gate.resolve();
  r = await pending;
  assert.deepEqual(r.data.pageParams, [0, 1]);
  assert.deepEqual(r.data.pages.map((p) => p.n), [0, 1]);
  assert.equal(r.isFetchingNextPage, false);
  assert.deepEqual(nextArgs[0], [{ n: 0, items: ['0', '1', '2'] }, [{ n: 0, items: ['0', '1', '2'] }], 0, [0]],
    'getNextPageParam(lastPage, allPages, lastPageParam, allPageParams)');
  s.gate = () => undefined;

  r = await observer.fetchPreviousPage();
  assert.deepEqual(r.data.pageParams, [-1, 0, 1], 'the previous page goes first');
  r = await r.fetchPreviousPage(); // the result carries the methods too, as TanStack's
  assert.deepEqual(r.data.pageParams, [-2, -1, 0, 1]);
  assert.equal(r.hasPreviousPage, false, 'getPreviousPageParam gave undefined');
  assert.deepEqual(s.params(), [0, 1, -1, -2]);
  assert.deepEqual(s.directions(), ['forward', 'forward', 'backward', 'backward']);
  assert.equal(seen.at(-1), observer.getCurrentResult(), 'the listener has the last result');
  unsubscribe();
  client.dispose();
});

test('hasNextPage is false when getNextPageParam returns undefined or null; fetchNextPage then asks for nothing', async () => {
  for (const none of [undefined, null]) {
    const s = server({ first: -1 });
    const client = new QueryClient();
    const observer = new InfiniteQueryObserver(client, options(s, {
      staleTime: Infinity, getNextPageParam: (lastPage) => (lastPage.n < 1 ? lastPage.n + 1 : none),
    }));
    const unsubscribe = observer.subscribe(() => {});
    await until(() => observer.getCurrentResult().isSuccess, 'the first page');
    assert.equal(observer.getCurrentResult().hasNextPage, true);
    let r = await observer.fetchNextPage();
    assert.deepEqual(r.data.pageParams, [0, 1]);
    assert.equal(r.hasNextPage, false, `getNextPageParam gave ${none}`);
    assert.equal(r.hasPreviousPage, true);
    r = await observer.fetchNextPage();
    assert.deepEqual(r.data.pageParams, [0, 1], 'no page added');
    assert.equal(s.calls.length, 2, 'and no queryFn call');
    unsubscribe();
    client.dispose();
  }
});

test('hasPreviousPage is false without getPreviousPageParam', async () => {
  const s = server({ first: -5 });
  const client = new QueryClient();
  const observer = new InfiniteQueryObserver(client, options(s, { staleTime: Infinity, getPreviousPageParam: undefined }));
  const unsubscribe = observer.subscribe(() => {});
  await until(() => observer.getCurrentResult().isSuccess, 'the first page');
  assert.equal(observer.getCurrentResult().hasPreviousPage, false);
  const r = await observer.fetchPreviousPage();
  assert.deepEqual(r.data.pageParams, [0]);
  assert.equal(s.calls.length, 1);
  unsubscribe();
  client.dispose();
});

test('maxPages keeps at most that many pages, dropping them from the other end', async () => {
  const s = server({ first: -3, last: 5 });
  const client = new QueryClient();
  const { observer, unsubscribe } = watched(client, options(s, { staleTime: Infinity, maxPages: 2 }));
  await until(() => observer.getCurrentResult().isSuccess, 'the first page');
  await observer.fetchNextPage();
  let r = await observer.fetchNextPage();
  assert.deepEqual(r.data.pageParams, [1, 2], 'page 0 dropped from the start');
  assert.deepEqual(r.data.pages.map((p) => p.n), [1, 2]);
  r = await observer.fetchPreviousPage();
  assert.deepEqual(r.data.pageParams, [0, 1], 'page 2 dropped from the end');
  assert.deepEqual(s.params(), [0, 1, 2, 0]);
  const fetched = await client.fetchInfiniteQuery(options(s, { queryKey: ['max'], pages: 4, maxPages: 3 }));
  assert.deepEqual(fetched.pageParams, [1, 2, 3], 'a prefetch of more pages than maxPages keeps the last ones');
  unsubscribe();
  client.dispose();
});

test('a refetch fetches every cached page again, from the first stored param, each next param derived anew', async () => {
  // Cursor pagination: the next cursor is the last page's last id, which changes on the server.
  let size = 2;
  const calls = [];
  const rows = (from) => Array.from({ length: size }, (_, i) => from + i);
  const client = new QueryClient();
  const { observer, seen, unsubscribe } = watched(client, {
    queryKey: ['cursor'], staleTime: Infinity, retry: false, initialPageParam: 100,
    queryFn: async ({ pageParam, direction }) => { calls.push([pageParam, direction]); return rows(pageParam); },
    getNextPageParam: (lastPage) => lastPage.at(-1) + 1,
    getPreviousPageParam: (firstPage) => firstPage[0] - 10,
  });
  await until(() => observer.getCurrentResult().isSuccess, 'the first page');
  await observer.fetchNextPage();
  await observer.fetchPreviousPage();
  assert.deepEqual(observer.getCurrentResult().data.pageParams, [90, 100, 102]);
  calls.length = 0;
  size = 3; // every page is longer now: the cursors after the first move
  const r = await observer.refetch();
  assert.deepEqual(calls, [[90, 'forward'], [93, 'forward'], [96, 'forward']],
    'from the first stored param (not initialPageParam), each next one from getNextPageParam, three pages as cached');
  assert.deepEqual(r.data.pageParams, [90, 93, 96]);
  assert.deepEqual(r.data.pages, [[90, 91, 92], [93, 94, 95], [96, 97, 98]]);
  assert.equal(r.isRefetching, false);

  // A refetch the engine starts by itself (invalidation) after a next page is one too.
  await observer.fetchNextPage();
  calls.length = 0;
  seen.length = 0;
  size = 1;
  await client.invalidateQueries({ queryKey: ['cursor'] });
  assert.deepEqual(calls, [[90, 'forward'], [91, 'forward'], [92, 'forward'], [93, 'forward']]);
  assert.deepEqual(observer.getCurrentResult().data.pageParams, [90, 91, 92, 93]);
  assert.ok(seen.some((x) => x.isRefetching), 'listeners saw a refetch');
  assert.ok(seen.every((x) => !x.isFetchingNextPage), 'and at no moment a next page');
  unsubscribe();
  client.dispose();
});

test('during a refetch the flags say refetching, not fetching a next page, even after a failed next page', async () => {
  const s = server();
  const client = new QueryClient();
  const { observer, seen, unsubscribe } = watched(client, options(s, { staleTime: Infinity }));
  await until(() => observer.getCurrentResult().isSuccess, 'the first page');
  s.fail = (call) => (call.pageParam === 1 ? new Error('page 1 is down') : undefined);
  await observer.fetchNextPage();
  assert.equal(observer.getCurrentResult().isFetchNextPageError, true);
  s.fail = () => undefined;
  const gate = deferred();
  let during;
  s.gate = (call) => { during = observer.getCurrentResult(); return gate.promise; };
  seen.length = 0;
  const refetched = client.refetchQueries({ queryKey: ['list'] });
  await until(() => during !== undefined, 'the refetch to ask for its first page');
  await tick();
  const now = observer.getCurrentResult();
  assert.equal(now.isFetching, true);
  assert.equal(now.isRefetching, true);
  assert.equal(now.isFetchingNextPage, false, 'a refetch the engine started is no next page');
  assert.equal(seen.at(-1), now, 'listeners were told');
  gate.resolve();
  await refetched;
  const after = observer.getCurrentResult();
  assert.equal(after.isSuccess, true);
  assert.equal(after.isFetchNextPageError, false);
  assert.deepEqual(after.data.pageParams, [0]);
  unsubscribe();
  client.dispose();
});

test('fetchNextPage failing: isFetchNextPageError, the pages kept, not a refetch error; throwOnError rejects', async () => {
  const s = server({ first: -1 });
  const client = new QueryClient();
  const { observer, unsubscribe } = watched(client, options(s, { staleTime: Infinity }));
  await until(() => observer.getCurrentResult().isSuccess, 'the first page');
  const down = new Error('page 1 is down');
  s.fail = (call) => (call.pageParam === 1 ? down : undefined);
  let r = await observer.fetchNextPage(); // resolves with the result, as TanStack's
  assert.equal(r.isError, true);
  assert.equal(r.error, down);
  assert.equal(r.isFetchNextPageError, true);
  assert.equal(r.isFetchPreviousPageError, false);
  assert.equal(r.isRefetchError, false, 'a failed next page is not a failed refetch');
  assert.deepEqual(r.data.pageParams, [0], 'the pages stay');
  assert.equal(r.hasNextPage, true);
  await assert.rejects(observer.fetchNextPage({ throwOnError: true }), (e) => e === down);
  s.fail = (call) => (call.direction === 'backward' ? new Error('no going back') : undefined);
  r = await observer.fetchPreviousPage();
  assert.equal(r.isFetchPreviousPageError, true);
  assert.equal(r.isFetchNextPageError, false);
  s.fail = () => undefined;
  r = await observer.fetchNextPage();
  assert.equal(r.isSuccess, true);
  assert.equal(r.isFetchNextPageError, false);
  assert.deepEqual(r.data.pageParams, [0, 1]);
  unsubscribe();
  client.dispose();
});

test('a retried refetch goes on at the page that failed', async () => {
  const s = server();
  const client = new QueryClient();
  await client.fetchInfiniteQuery(options(s, { pages: 3 }));
  s.calls.length = 0;
  let failures = 0;
  s.fail = (call) => (call.pageParam === 1 && failures++ === 0 ? new Error('flaky') : undefined);
  const observer = new InfiniteQueryObserver(client, options(s, { staleTime: Infinity, retry: 1, retryDelay: 1 }));
  const r = await observer.refetch();
  assert.equal(r.isSuccess, true);
  assert.deepEqual(s.params(), [0, 1, 1, 2], 'page 0 is not fetched again on the retry');
  assert.deepEqual(r.data.pageParams, [0, 1, 2]);
  observer.destroy();
  client.dispose();
});

test('cancelQueries aborts the page in flight, asks for no further page and keeps the pages as they were', async () => {
  const s = server();
  const client = new QueryClient();
  const before = await client.fetchInfiniteQuery(options(s, { pages: 3 }));
  s.calls.length = 0;
  const gate = deferred();
  s.gate = (call) => (call.pageParam === 1 ? gate.promise : undefined);
  const observer = new InfiniteQueryObserver(client, options(s, { staleTime: Infinity }));
  const refetched = observer.refetch();
  await until(() => s.calls.length === 2, 'page 1 to be asked for');
  await client.cancelQueries({ queryKey: ['list'] });
  assert.equal(s.calls[1].signal.aborted, true, 'the signal of the page in flight aborted');
  gate.resolve();
  const r = await refetched;
  await tick();
  assert.deepEqual(s.params(), [0, 1], 'page 2 was never asked for');
  assert.equal(client.getQueryData(['list']), before, 'the pages are as before the refetch');
  assert.equal(r.fetchStatus, 'idle');
  assert.equal(r.isFetchingNextPage, false);

  // A next page cancelled before its queryFn ran (paused: offline) leaves nothing behind:
  // the next refetch fetches every page again, not a next page.
  s.gate = () => undefined;
  s.calls.length = 0;
  onlineManager.setOnline(false);
  try {
    const next = observer.fetchNextPage();
    assert.equal(observer.getCurrentResult().fetchStatus, 'paused');
    await client.cancelQueries({ queryKey: ['list'] });
    assert.equal((await next).isFetchingNextPage, false);
  } finally {
    onlineManager.setOnline(true);
  }
  assert.equal(s.calls.length, 0, 'the next page was never asked for');
  await client.refetchQueries({ queryKey: ['list'] });
  assert.deepEqual(s.params(), [0, 1, 2], 'a refetch of the three pages');
  observer.destroy();
  client.dispose();
});

test('fetchNextPage during a refetch replaces it (cancelRefetch); with cancelRefetch: false it joins it', async () => {
  const s = server();
  const client = new QueryClient();
  const { observer, seen, unsubscribe } = watched(client, options(s, { staleTime: Infinity }));
  await until(() => observer.getCurrentResult().isSuccess, 'the first page');
  s.calls.length = 0;
  const gate = deferred();
  s.gate = () => gate.promise;
  const refetch = observer.refetch();
  await until(() => s.calls.length === 1, 'the refetch to start');
  const joined = observer.fetchNextPage({ cancelRefetch: false });
  await tick();
  assert.equal(s.calls.length, 1, 'joined: no new queryFn call');
  assert.equal(observer.getCurrentResult().isFetchingNextPage, false, 'the running fetch is a refetch');
  const next = observer.fetchNextPage();
  await until(() => s.calls.length === 2, 'the next page to be asked for');
  assert.equal(s.calls[0].signal.aborted, true, 'the refetch was aborted');
  assert.deepEqual([s.calls[1].pageParam, s.calls[1].direction], [1, 'forward']);
  assert.equal(observer.getCurrentResult().isFetchingNextPage, true);
  assert.equal(seen.at(-1).isFetchingNextPage, true, 'listeners were told');
  gate.resolve();
  const [a, b, c] = await Promise.all([refetch, joined, next]);
  for (const r of [a, b, c]) assert.deepEqual(r.data.pageParams, [0, 1], 'every caller gets the pages of the run that replaced the refetch');
  assert.equal(c.isFetchingNextPage, false);
  unsubscribe();
  observer.destroy();
  client.dispose();
});

test('select shapes the data, hasNextPage still reads the pages', async () => {
  const s = server({ last: 1 });
  const client = new QueryClient();
  const { observer, unsubscribe } = watched(client, options(s, {
    staleTime: Infinity, select: (data) => ({ ...data, pages: data.pages.map((p) => p.items) }),
  }));
  await until(() => observer.getCurrentResult().isSuccess, 'the first page');
  assert.deepEqual(observer.getCurrentResult().data.pages, [['0', '1', '2']]);
  assert.equal(observer.getCurrentResult().hasNextPage, true);
  const r = await observer.fetchNextPage();
  assert.deepEqual(r.data.pages, [['0', '1', '2'], ['10', '11', '12']]);
  assert.equal(r.hasNextPage, false);
  unsubscribe();
  client.dispose();
});

test('setOptions: new page options apply to the results and to the next fetch', async () => {
  const s = server();
  const client = new QueryClient();
  const { observer, unsubscribe } = watched(client, options(s, { staleTime: Infinity }));
  await until(() => observer.getCurrentResult().isSuccess, 'the first page');
  assert.equal(observer.getCurrentResult().hasNextPage, true);
  observer.setOptions(options(s, { staleTime: Infinity, getNextPageParam: (lastPage) => (lastPage.n === 0 ? 5 : undefined) }));
  assert.equal(observer.getCurrentResult().hasNextPage, true);
  const r = await observer.fetchNextPage();
  assert.deepEqual(r.data.pageParams, [0, 5], 'the new getNextPageParam chose the param');
  observer.setOptions(options(s, { staleTime: Infinity, getNextPageParam: () => null }));
  assert.equal(observer.getCurrentResult().hasNextPage, false);
  assert.throws(() => observer.setOptions(options(s, { getNextPageParam: 1 })), { name: 'TypeError', message: /getNextPageParam must be a function/ });
  assert.equal(observer.getCurrentResult().hasNextPage, false, 'refused options change nothing');
  unsubscribe();
  client.dispose();
});

test('prefetchInfiniteQuery resolves with nothing and never rejects; ensureInfiniteQueryData answers from the cache', async () => {
  const s = server();
  const client = new QueryClient();
  s.fail = () => new Error('down');
  assert.equal(await client.prefetchInfiniteQuery(options(s)), undefined, 'a failure does not reject');
  s.fail = () => undefined;
  assert.equal(await client.prefetchInfiniteQuery(options(s, { pages: 2 })), undefined);
  assert.deepEqual(client.getQueryData(['list']).pageParams, [0, 1]);
  const calls = s.calls.length;
  const data = await client.ensureInfiniteQueryData(options(s, { pages: 4 }));
  assert.deepEqual(data.pageParams, [0, 1], 'the cached pages, stale or not');
  assert.equal(s.calls.length, calls, 'no fetch');
  client.dispose();
});

test('the infinite options may come from the defaults', async () => {
  const s = server();
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryDefaults(['list'], { queryFn: s.queryFn, initialPageParam: 0, getNextPageParam: s.getNextPageParam });
  const data = await client.fetchInfiniteQuery({ queryKey: ['list'], pages: 2 });
  assert.deepEqual(data.pageParams, [0, 1]);
  client.dispose();
});

test('misuse throws a TypeError or RangeError naming the option', () => {
  const s = server();
  const client = new QueryClient();
  const { initialPageParam, ...noInitial } = options(s);
  assert.throws(() => client.fetchInfiniteQuery(noInitial), { name: 'TypeError', message: /fetchInfiniteQuery needs initialPageParam/ });
  assert.throws(() => client.fetchInfiniteQuery(options(s, { getNextPageParam: undefined })), { name: 'TypeError', message: /getNextPageParam must be a function/ });
  assert.throws(() => client.prefetchInfiniteQuery(options(s, { getPreviousPageParam: 'x' })), { name: 'TypeError', message: /getPreviousPageParam must be a function/ });
  assert.throws(() => client.ensureInfiniteQueryData(options(s, { queryFn: 1 })), { name: 'TypeError', message: /queryFn must be a function/ });
  assert.throws(() => client.fetchInfiniteQuery(options(s, { maxPages: -1 })), { name: 'RangeError', message: /maxPages/ });
  assert.throws(() => client.fetchInfiniteQuery(options(s, { maxPages: '2' })), { name: 'TypeError', message: /maxPages/ });
  assert.throws(() => client.fetchInfiniteQuery(options(s, { pages: 0 })), { name: 'RangeError', message: /pages/ });
  assert.throws(() => client.fetchInfiniteQuery(null), { name: 'TypeError', message: /fetchInfiniteQuery needs an options object/ });
  assert.throws(() => new InfiniteQueryObserver(client, noInitial), { name: 'TypeError', message: /InfiniteQueryObserver needs initialPageParam/ });
  assert.throws(() => client.fetchInfiniteQuery(options(s, { queryKey: 'list' })), { name: 'TypeError', message: /queryKey/ }, 'the engine still checks the rest');
  const observer = new InfiniteQueryObserver(client, options(s));
  assert.throws(() => observer.fetchNextPage('now'), { name: 'TypeError', message: /fetchNextPage options must be an object/ });
  observer.destroy();
  client.dispose();
});

test('infinite data persists to L2: a second client on the same storage gets the pages back without a fetch', async () => {
  const map = new Map();
  const storage = { get: (k) => map.get(k), set: (k, v) => void map.set(k, v), delete: (k) => void map.delete(k) };
  const s = server();
  const writer = new QueryClient({ storage });
  const written = await writer.fetchInfiniteQuery(options(s, { pages: 2 }));
  await writer.flush();
  writer.dispose();
  assert.equal(s.calls.length, 2);

  const reader = new QueryClient({ storage });
  const data = await reader.ensureInfiniteQueryData(options(s));
  assert.deepEqual(data, written, 'the pages and their params, from L2');
  assert.equal(s.calls.length, 2, 'no network call');
  // An observer goes on from the stored pages.
  const observer = new InfiniteQueryObserver(reader, options(s, { staleTime: Infinity }));
  const unsubscribe = observer.subscribe(() => {});
  assert.equal(observer.getCurrentResult().hasNextPage, true);
  const r = await observer.fetchNextPage();
  assert.deepEqual(r.data.pageParams, [0, 1, 2]);
  assert.deepEqual(s.params(), [0, 1, 2], 'only page 2 was fetched');
  unsubscribe();
  reader.dispose();
});

test('MemoryStorage shared by two clients: the second hydrates the pages on mount, no fetch while fresh', async () => {
  const storage = new MemoryStorage();
  const s = server();
  const writer = new QueryClient({ storage, staleTime: 60_000 });
  await writer.fetchInfiniteQuery(options(s, { pages: 3 }));
  await writer.flush();
  const reader = new QueryClient({ storage, staleTime: 60_000 });
  const observer = new InfiniteQueryObserver(reader, options(s));
  const unsubscribe = observer.subscribe(() => {});
  await until(() => observer.getCurrentResult().isSuccess, 'the pages from L2');
  const r = observer.getCurrentResult();
  assert.deepEqual(r.data.pageParams, [0, 1, 2]);
  assert.deepEqual(r.data.pages.map((p) => p.items[0]), ['0', '10', '20']);
  assert.equal(r.hasNextPage, true);
  assert.equal(s.calls.length, 3, 'the reader fetched nothing');
  unsubscribe();
  writer.dispose();
  reader.dispose();
});
