// TanStack v5's function-valued options (js/face/option_functions.js): `enabled`,
// `staleTime`, `refetchInterval`, `refetchOnWindowFocus` and `refetchOnReconnect` given as
// functions of the query, on observers (infinite ones too), and `staleTime` on fetchQuery,
// prefetchQuery and ensureQueryData. Through the built package, as users get it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  QueryClient, QueryObserver, InfiniteQueryObserver, Query, focusManager, onlineManager,
} from '../../pkg/nodejs/stackquery.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what, check, timeout = 2_000) {
  const end = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}
const find = (client, queryKey) => client.getQueryCache().find({ queryKey, exact: true });
/**
 * A client disposed when the test ends, passed or failed (its observers' polling stops with
 * it), with the focus and network readings put back.
 */
function newClient(t, options) {
  const client = new QueryClient(options);
  t.after(() => {
    client.dispose();
    focusManager.setFocused(undefined);
    onlineManager.setOnline(true);
  });
  return client;
}
/** The page is hidden, then shown again: observed queries refetch by refetchOnWindowFocus. */
function refocus() {
  focusManager.setFocused(false);
  focusManager.setFocused(true);
}

test("as TanStack's observer, a new one builds its query at once, initialData included, and fetches nothing until subscribed", (t) => {
  const client = newClient(t);
  let fetches = 0;
  const observer = new QueryObserver(client, { queryKey: ['plain'], queryFn: async () => ++fetches, enabled: true, staleTime: 5 });
  const query = find(client, ['plain']);
  assert.ok(query instanceof Query, 'in the QueryCache before any subscribe');
  assert.deepEqual([query.state.status, query.state.fetchStatus, query.getObserversCount()], ['pending', 'idle', 0]);
  const seeded = new QueryObserver(client, { queryKey: ['seeded'], queryFn: async () => ++fetches, initialData: 'init', initialDataUpdatedAt: 1_000, staleTime: Infinity });
  const result = seeded.getCurrentResult();
  assert.deepEqual([result.status, result.data, result.dataUpdatedAt, result.isFetchedAfterMount], ['success', 'init', 1_000, false]);
  assert.equal(client.getQueryData(['seeded']), 'init');
  assert.equal(fetches, 0, 'made, not subscribed: nothing fetched');
  observer.destroy();
  seeded.destroy();
});

test('enabled: (query) => … is asked of the Query: fetches once while there is no data, then is disabled', async (t) => {
  const client = newClient(t);
  let fetches = 0;
  const asked = [];
  const observer = new QueryObserver(client, {
    queryKey: ['enabled', 1],
    queryFn: async () => ++fetches,
    enabled: (query) => {
      asked.push(query);
      return query.state.data === undefined;
    },
  });
  assert.ok(asked.length > 0, 'asked when the observer is made');
  assert.ok(asked[0] instanceof Query, 'a Query handle');
  assert.deepEqual(asked[0].queryKey, ['enabled', 1]);
  assert.equal(asked[0], find(client, ['enabled', 1]), "the QueryCache's own handle: the query exists once the observer does");
  const heard = [];
  const off = observer.subscribe((result) => heard.push(result.status));
  assert.equal(fetches, 1, 'no data: enabled, fetched inside subscribe');
  await waitFor('the data', () => observer.getCurrentResult().data === 1);
  await sleep(5);
  assert.equal(asked.at(-1).state.data, 1, 'asked again once the data came');
  const query = find(client, ['enabled', 1]);
  assert.equal(query.isActive(), false, 'disabled now: the query is not active');
  assert.equal(query.isDisabled(), true);
  assert.equal(observer.getCurrentResult().isStale, false, "a disabled observer's result is never stale");
  await client.invalidateQueries({ queryKey: ['enabled'] });
  await client.refetchQueries({ queryKey: ['enabled'], type: 'active' });
  refocus();
  await sleep(10);
  assert.equal(fetches, 1, 'disabled: invalidation, active refetches and focus fetch nothing');
  assert.ok(heard.includes('success'), 'the listener heard the data');
  off();
  observer.destroy();
});

test('staleTime: (query) => … decides freshness from the data (focus refetches only stale data)', async (t) => {
  const client = newClient(t);
  let fetches = 0;
  let ttl = 0;
  const observer = new QueryObserver(client, {
    queryKey: ['ttl'],
    queryFn: async () => ({ n: ++fetches, ttl }),
    staleTime: (query) => query.state.data?.ttl ?? 0,
  });
  const off = observer.subscribe(() => {});
  await waitFor('the data', () => observer.getCurrentResult().data?.n === 1);
  assert.equal(observer.getCurrentResult().isStale, true, 'ttl 0: stale at once');
  // The next data says it stays fresh for a minute.
  ttl = 60_000;
  refocus();
  await waitFor('the focus refetch', () => observer.getCurrentResult().data?.n === 2);
  await sleep(5);
  assert.equal(observer.getCurrentResult().isStale, false, 'fresh for the minute the data says');
  assert.equal(find(client, ['ttl']).options.staleTime, 60_000, 'the query holds the resolved staleTime');
  assert.equal(find(client, ['ttl']).isStale(), false);
  refocus();
  await sleep(10);
  assert.equal(fetches, 2, 'fresh: focus does not refetch');
  off();
  observer.destroy();
});

test('refetchInterval: (query) => … is asked again after each fetch: polls until the data says stop', async (t) => {
  const client = newClient(t);
  let fetches = 0;
  const observer = new QueryObserver(client, {
    queryKey: ['poll'],
    queryFn: async () => ++fetches,
    refetchInterval: (query) => ((query.state.data ?? 0) < 3 ? 10 : false),
  });
  const off = observer.subscribe(() => {});
  await waitFor('three fetches', () => fetches === 3);
  await sleep(80);
  assert.equal(fetches, 3, 'data 3: the function says false, polling stops');
  assert.equal(observer.getCurrentResult().data, 3);
  off();

  // Polling stops with the last listener, and with setOptions giving a value.
  let polls = 0;
  const every = new QueryObserver(client, { queryKey: ['every'], queryFn: async () => ++polls, refetchInterval: () => 10 });
  const stop = every.subscribe(() => {});
  await waitFor('polls', () => polls >= 3);
  stop();
  const after = polls;
  await sleep(50);
  assert.equal(polls, after, 'unsubscribed: no more polls');
  const again = every.subscribe(() => {});
  await waitFor('polls again', () => polls >= after + 2);
  every.setOptions({ queryKey: ['every'], queryFn: async () => ++polls, refetchInterval: false });
  await sleep(5);
  const stopped = polls;
  await sleep(50);
  assert.equal(polls, stopped, 'setOptions({ refetchInterval: false }): no more polls');
  again();
  every.destroy();
  observer.destroy();
});

test('a refetchInterval function polls only while the page is shown, unless refetchIntervalInBackground', async (t) => {
  const client = newClient(t);
  focusManager.setFocused(false);
  let hidden = 0;
  let background = 0;
  const a = new QueryObserver(client, { queryKey: ['hidden'], queryFn: async () => ++hidden, refetchInterval: () => 10 });
  const b = new QueryObserver(client, { queryKey: ['background'], queryFn: async () => ++background, refetchInterval: () => 10, refetchIntervalInBackground: true });
  const offA = a.subscribe(() => {});
  const offB = b.subscribe(() => {});
  await sleep(80);
  assert.equal(hidden, 1, 'hidden page: only the mount fetch');
  assert.ok(background >= 3, `refetchIntervalInBackground: polled (${background})`);
  focusManager.setFocused(true);
  await waitFor('polls once shown', () => hidden >= 3);
  offA();
  offB();
});

test('refetchOnMount: (query) => … is asked when the first listener mounts the observer', async (t) => {
  const client = newClient(t);
  let fetches = 0;
  const queryFn = async () => ++fetches;
  client.setQueryData(['mount'], 0);
  const observer = new QueryObserver(client, { queryKey: ['mount'], queryFn, refetchOnMount: (query) => query.state.data !== 0 });
  const off = observer.subscribe(() => {});
  assert.equal(fetches, 0, 'data 0: false, stale data not refetched on mount');
  off();
  client.setQueryData(['mount'], 5);
  const offAgain = observer.subscribe(() => {});
  assert.equal(fetches, 1, 'data 5: asked again at the next mount, true: stale data refetched');
  offAgain();
  client.setQueryData(['mount-fresh'], 1);
  const always = new QueryObserver(client, { queryKey: ['mount-fresh'], queryFn, staleTime: Infinity, refetchOnMount: () => 'always' });
  const offAlways = always.subscribe(() => {});
  assert.equal(fetches, 2, "'always': fresh data refetched on mount");
  offAlways();
});

test('refetchOnWindowFocus: (query) => … is asked at the focus event', async (t) => {
  const client = newClient(t);
  let fetches = 0;
  const asked = [];
  const observer = new QueryObserver(client, {
    queryKey: ['focus'],
    queryFn: async () => ++fetches,
    refetchOnWindowFocus: (query) => {
      asked.push(query.state.data);
      return query.state.data < 2;
    },
  });
  const off = observer.subscribe(() => {});
  await waitFor('the data', () => observer.getCurrentResult().data === 1);
  refocus();
  await waitFor('the focus refetch', () => observer.getCurrentResult().data === 2);
  assert.deepEqual(asked, [1], 'asked once, at the focus, with the query as it was then');
  refocus();
  await sleep(10);
  assert.equal(fetches, 2, 'data 2: the function says false');
  assert.deepEqual(asked, [1, 2]);
  focusManager.setFocused(false);
  await sleep(5);
  assert.deepEqual(asked, [1, 2], 'not asked when the page is hidden');
  off();

  // 'always' refetches fresh data; true only stale data.
  let always = 0;
  let ifStale = 0;
  const a = new QueryObserver(client, { queryKey: ['always'], queryFn: async () => ++always, staleTime: Infinity, refetchOnWindowFocus: () => 'always' });
  const b = new QueryObserver(client, { queryKey: ['if-stale'], queryFn: async () => ++ifStale, staleTime: Infinity, refetchOnWindowFocus: () => true });
  const offA = a.subscribe(() => {});
  const offB = b.subscribe(() => {});
  await sleep(5);
  refocus();
  await sleep(10);
  assert.equal(always, 2, "'always': refetched though fresh");
  assert.equal(ifStale, 1, 'true: fresh data is not refetched');
  offA();
  offB();
  refocus();
  await sleep(10);
  assert.equal(always, 2, 'unsubscribed: no focus refetch');
  for (const o of [observer, a, b]) o.destroy();
});

test('refetchOnReconnect: (query) => … is asked when the network comes back', async (t) => {
  const client = newClient(t);
  let fetches = 0;
  const observer = new QueryObserver(client, {
    queryKey: ['reconnect'],
    queryFn: async () => ++fetches,
    refetchOnWindowFocus: false,
    refetchOnReconnect: (query) => (query.state.data === 1 ? 'always' : false),
  });
  const off = observer.subscribe(() => {});
  await waitFor('the data', () => fetches === 1);
  await sleep(5);
  onlineManager.setOnline(false);
  onlineManager.setOnline(true);
  await waitFor('the reconnect refetch', () => observer.getCurrentResult().data === 2);
  onlineManager.setOnline(false);
  onlineManager.setOnline(true);
  await sleep(10);
  assert.equal(fetches, 2, 'data 2: the function says false');
  off();
  observer.destroy();
});

test('fetchQuery, prefetchQuery and ensureQueryData resolve a staleTime function once, against the query', async (t) => {
  const client = newClient(t);
  let fetches = 0;
  const queryFn = async () => ({ n: ++fetches, ttl: 0 });
  const asked = [];
  const staleTime = (query) => {
    asked.push({ query, state: query.state });
    return query.state.data?.ttl ?? 0;
  };
  client.setQueryData(['c'], { n: 0, ttl: 60_000 });
  assert.deepEqual(await client.fetchQuery({ queryKey: ['c'], queryFn, staleTime }), { n: 0, ttl: 60_000 }, 'fresh for the ttl the data says');
  assert.equal(fetches, 0);
  assert.equal(asked.length, 1, 'asked once');
  assert.ok(asked[0].query instanceof Query);
  assert.deepEqual(asked[0].query.queryKey, ['c']);
  assert.equal(asked[0].state.data.ttl, 60_000, 'asked with the query as it is');
  assert.equal(find(client, ['c']).options.staleTime, 60_000, 'the query holds the resolved staleTime');
  client.setQueryData(['c'], { n: 0, ttl: 0 });
  assert.deepEqual(await client.fetchQuery({ queryKey: ['c'], queryFn, staleTime }), { n: 1, ttl: 0 }, 'ttl 0: stale, fetched');

  // A new key: the query is built first, so the function is asked of it (pending, no data).
  asked.length = 0;
  assert.equal((await client.fetchQuery({ queryKey: ['new'], queryFn, staleTime })).n, 2);
  assert.equal(asked.length, 1);
  assert.equal(asked[0].state.status, 'pending');
  assert.equal(asked[0].state.data, undefined);

  client.setQueryData(['p'], { n: -1, ttl: 60_000 });
  await client.prefetchQuery({ queryKey: ['p'], queryFn, staleTime });
  assert.equal(fetches, 2, 'prefetchQuery: fresh, nothing fetched');
  client.setQueryData(['p'], { n: -1, ttl: 0 });
  await client.prefetchQuery({ queryKey: ['p'], queryFn, staleTime });
  assert.equal(fetches, 3, 'prefetchQuery: stale, fetched');

  client.setQueryData(['e'], { n: -2, ttl: 0 });
  const ensured = await client.ensureQueryData({ queryKey: ['e'], queryFn, staleTime, revalidateIfStale: true });
  assert.equal(ensured.n, -2, 'ensureQueryData answers with the cached data');
  await waitFor('the background refetch of stale data', () => fetches === 4);
  client.setQueryData(['e'], { n: -3, ttl: 60_000 });
  await client.ensureQueryData({ queryKey: ['e'], queryFn, staleTime, revalidateIfStale: true });
  await sleep(10);
  assert.equal(fetches, 4, 'fresh by its ttl: no background refetch');

  // A staleTime function among the client's defaults.
  const defaulted = newClient(t, { defaultOptions: { queries: { staleTime: (query) => query.state.data?.ttl ?? 0 } } });
  defaulted.setQueryData(['d'], { n: 0, ttl: 60_000 });
  assert.equal((await defaulted.fetchQuery({ queryKey: ['d'], queryFn })).n, 0, 'fresh by the default function');
});

test('a throwing option function: thrown to the call that resolves it, the default later; the cache goes on', async (t) => {
  const client = newClient(t);
  const boom = new Error('boom');
  const throwing = () => {
    throw boom;
  };
  for (const name of ['enabled', 'staleTime', 'refetchInterval']) {
    assert.throws(() => new QueryObserver(client, { queryKey: ['ctor', name], queryFn: async () => 1, [name]: throwing }), (e) => e === boom, name);
  }
  assert.throws(() => client.fetchQuery({ queryKey: ['fetch'], queryFn: async () => 1, staleTime: throwing }), (e) => e === boom, 'fetchQuery throws it');
  assert.throws(
    () => client.fetchQuery({ queryKey: ['fetch'], queryFn: async () => 1, staleTime: () => -1 }),
    { name: 'TypeError', message: /staleTime: the function returned -1/ },
  );

  // setOptions throwing keeps the options the observer had.
  let fetches = 0;
  const observer = new QueryObserver(client, { queryKey: ['kept'], queryFn: async () => ++fetches, refetchInterval: () => 10 });
  const off = observer.subscribe(() => {});
  assert.throws(() => observer.setOptions({ queryKey: ['kept'], queryFn: async () => ++fetches, enabled: throwing }), (e) => e === boom);
  await waitFor('polling goes on', () => fetches >= 3);
  off();

  // Asked again after a change, a throw is the default: here no polling (refetchInterval),
  // enabled (enabled); the other listeners and the cache are not disturbed.
  let polls = 0;
  const later = new QueryObserver(client, {
    queryKey: ['later'],
    queryFn: async () => ++polls,
    refetchInterval: (query) => {
      if (query.state.data >= 2) throw boom;
      return 10;
    },
    enabled: (query) => {
      if (query.state.data !== undefined) throw boom;
      return true;
    },
  });
  const heard = [];
  const offLater = later.subscribe(() => heard.push('a'));
  const offOther = later.subscribe(() => heard.push('b'));
  await waitFor('two polls', () => polls === 2);
  await sleep(60);
  assert.equal(polls, 2, 'a throwing refetchInterval: no more polling');
  assert.ok(heard.includes('a') && heard.includes('b'), 'both listeners heard every change');
  assert.equal(find(client, ['later']).isActive(), true, 'a throwing enabled: enabled (the default)');
  await client.invalidateQueries({ queryKey: ['later'] });
  assert.equal(polls, 3, 'enabled: invalidation refetches it');
  assert.equal(await client.fetchQuery({ queryKey: ['other'], queryFn: async () => 'fine' }), 'fine', 'the cache works');

  // A throwing refetchOnWindowFocus at the event: the default (refetch when stale); other
  // observers still refetch on that focus.
  let focused = 0;
  let plain = 0;
  const onFocus = new QueryObserver(client, { queryKey: ['focus-throws'], queryFn: async () => ++focused, refetchOnWindowFocus: throwing });
  const plainObserver = new QueryObserver(client, { queryKey: ['focus-plain'], queryFn: async () => ++plain });
  const offFocus = onFocus.subscribe(() => {});
  const offPlain = plainObserver.subscribe(() => {});
  await sleep(5);
  refocus();
  await sleep(10);
  assert.equal(focused, 2, 'stale data refetched (the default)');
  assert.equal(plain, 2, 'the other observer refetched too');
  offFocus();
  offPlain();
  offLater();
  offOther();
  for (const o of [observer, later, onFocus, plainObserver]) o.destroy();
});

test('setOptions resolves the functions against the new key, and back to values', async (t) => {
  const client = newClient(t);
  client.setQueryData(['user', 1], { id: 1, active: false });
  client.setQueryData(['user', 2], { id: 2, active: true });
  const fetched = [];
  const queryFn = async ({ queryKey }) => {
    fetched.push(queryKey[1]);
    return { id: queryKey[1], active: true };
  };
  const enabled = (query) => query.state.data?.active === true;
  const observer = new QueryObserver(client, { queryKey: ['user', 1], queryFn, enabled });
  const off = observer.subscribe(() => {});
  await sleep(5);
  assert.deepEqual(fetched, [], 'user 1 is not active: disabled, nothing fetched');
  observer.setOptions({ queryKey: ['user', 2], queryFn, enabled });
  await sleep(5);
  assert.deepEqual(fetched, [2], 'user 2 is active: enabled, its stale data refetched');
  observer.setOptions({ queryKey: ['user', 1], queryFn, enabled: false });
  await client.invalidateQueries({ queryKey: ['user', 1] });
  assert.deepEqual(fetched, [2], 'a value again: disabled');
  off();
  observer.destroy();
});

test('InfiniteQueryObserver takes function options too', async (t) => {
  const client = newClient(t);
  let fetches = 0;
  const observer = new InfiniteQueryObserver(client, {
    queryKey: ['pages'],
    queryFn: async ({ pageParam }) => {
      fetches++;
      return pageParam;
    },
    initialPageParam: 0,
    getNextPageParam: (last) => last + 1,
    enabled: (query) => query.state.data === undefined,
    refetchInterval: (query) => (query.state.dataUpdateCount < 3 ? 10 : false),
  });
  const off = observer.subscribe(() => {});
  await waitFor('the first page', () => observer.getCurrentResult().data?.pages.length === 1);
  await sleep(60);
  assert.equal(fetches, 1, 'disabled once it has data: the interval does not poll a disabled query');
  const result = await observer.fetchNextPage();
  assert.deepEqual(result.data.pages, [0, 1], 'fetchNextPage still works');
  assert.equal(result.hasNextPage, true);
  off();
  observer.destroy();

  let polls = 0;
  const polling = new InfiniteQueryObserver(client, {
    queryKey: ['polled-pages'],
    queryFn: async ({ pageParam }) => {
      polls++;
      return pageParam;
    },
    initialPageParam: 0,
    getNextPageParam: (last) => last + 1,
    refetchInterval: (query) => (query.state.dataUpdateCount < 3 ? 10 : false),
  });
  const stop = polling.subscribe(() => {});
  await waitFor('three fetches', () => polls === 3);
  await sleep(60);
  assert.equal(polls, 3, 'polled until the function said false');
  stop();
  polling.destroy();
});

test('dispose() lets go of what subscribed observers and mutations hold: the client is collected', async () => {
  const v8 = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  let finalized = 0;
  const registry = new FinalizationRegistry(() => finalized++);
  for (let i = 0; i < 30; i++) {
    const client = new QueryClient();
    const observer = new QueryObserver(client, {
      queryKey: ['held', i],
      queryFn: async () => i,
      refetchOnWindowFocus: () => true,
      refetchOnReconnect: () => true,
      refetchInterval: () => 60_000,
    });
    observer.subscribe(() => {}); // never unsubscribed: dispose() ends it
    const mutation = client.mutation({ mutationFn: async (v) => v });
    mutation.subscribe(() => {});
    await mutation.mutate(i);
    await sleep(1);
    client.dispose();
    registry.register(client, i);
  }
  for (let i = 0; i < 20 && finalized < 27; i++) { gc(); await sleep(20); }
  assert.ok(finalized >= 27, `${finalized} of 30 disposed clients were collected`);
});
