// What code ported from TanStack Query v5 does that a differential run of both libraries
// found broken here: a binding that gives an observer its options again at each render
// (it must not hear a change, or it renders for ever), `isMutating(filters)`, TanStack's
// helper exports (`keepPreviousData`, `hashKey`, …), `MutationObserver` and a provider's
// `client.mount()`.
// Each case is run on both libraries where both have the call, and their answers compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as SQ from '../../pkg/nodejs/stackquery.js';
import * as TQ from '@tanstack/query-core';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const libraries = [['stackquery', SQ], ['tanstack', TQ]];

/** Runs `scenario(lib)` on both libraries; asserts the same answer and gives stackquery's. */
async function same(scenario) {
  const answers = {};
  for (const [name, lib] of libraries) answers[name] = await scenario(lib);
  assert.deepEqual(answers.stackquery, answers.tanstack);
  return answers.stackquery;
}

test('setOptions with options that change nothing shown tells no listener and keeps the result object', async () => {
  const told = await same(async (lib) => {
    const client = new lib.QueryClient();
    const queryFn = async () => ({ n: 1 });
    const counts = {};
    for (const variant of ['same functions', 'inline queryFn', 'inline select', 'inline placeholderData']) {
      const options = () => ({
        queryKey: ['k', variant],
        queryFn: variant === 'same functions' ? queryFn : async () => ({ n: 1 }),
        ...(variant === 'inline select' ? { select: (d) => d.n } : {}),
        ...(variant === 'inline placeholderData' ? { placeholderData: (previous) => previous } : {}),
      });
      const observer = new lib.QueryObserver(client, options());
      let heard = 0;
      const off = observer.subscribe(() => heard++);
      await sleep(10);
      const before = observer.getCurrentResult();
      const atSettle = heard;
      for (let i = 0; i < 5; i++) observer.setOptions(options());
      await sleep(10);
      counts[variant] = { afterSetOptions: heard - atSettle, sameResult: observer.getCurrentResult() === before };
      off();
    }
    return counts;
  });
  assert.deepEqual(told['inline select'], { afterSetOptions: 0, sameResult: true });
});

test('a render loop that gives the options again on each change stops, as with TanStack', async () => {
  const renders = await same(async (lib) => {
    const client = new lib.QueryClient();
    let renders = 0;
    const options = () => ({ queryKey: ['page'], queryFn: async () => 'data', select: (d) => d.toUpperCase() });
    const observer = new lib.QueryObserver(client, options());
    // A hand-written binding: each change schedules a render, and a render gives the options again.
    const render = () => {
      renders++;
      observer.setOptions(options());
    };
    const off = observer.subscribe(() => setTimeout(render, 0));
    await sleep(100);
    off();
    return renders;
  });
  assert.ok(renders <= 3, `${renders} renders`);
});

test('setOptions with a select that changes what is shown tells the listeners once', async () => {
  const heard = await same(async (lib) => {
    const client = new lib.QueryClient();
    client.setQueryData(['n'], 2);
    const observer = new lib.QueryObserver(client, { queryKey: ['n'], staleTime: Infinity, select: (n) => n + 1 });
    const heard = [];
    const off = observer.subscribe((result) => heard.push(result.data));
    observer.setOptions({ queryKey: ['n'], staleTime: Infinity, select: (n) => n * 10 });
    await sleep(10);
    off();
    return heard;
  });
  assert.deepEqual(heard, [20]);
});

test('an infinite query observer given the same options again tells no one', async () => {
  const heard = await same(async (lib) => {
    const client = new lib.QueryClient();
    const options = () => ({
      queryKey: ['pages'],
      queryFn: async ({ pageParam }) => pageParam,
      initialPageParam: 0,
      getNextPageParam: (last) => (last < 2 ? last + 1 : undefined),
    });
    const observer = new lib.InfiniteQueryObserver(client, options());
    let heard = 0;
    const off = observer.subscribe(() => heard++);
    await sleep(10);
    const atSettle = heard;
    const before = observer.getCurrentResult();
    observer.setOptions(options());
    observer.setOptions(options());
    await sleep(10);
    off();
    return { afterSetOptions: heard - atSettle, sameResult: observer.getCurrentResult() === before };
  });
  assert.deepEqual(heard, { afterSetOptions: 0, sameResult: true });
});

test('isMutating(filters) counts the running mutations that match', async () => {
  const counts = {};
  for (const [name, lib] of libraries) {
    const client = new lib.QueryClient();
    const run = (mutationKey) => {
      const mutationFn = () => sleep(20);
      return new lib.MutationObserver(client, { mutationKey, mutationFn }).mutate();
    };
    const running = [run(['a']), run(['b', 1])];
    counts[name] = {
      all: client.isMutating(),
      a: client.isMutating({ mutationKey: ['a'] }),
      b: client.isMutating({ mutationKey: ['b'] }),
      bExact: client.isMutating({ mutationKey: ['b'], exact: true }),
      none: client.isMutating({ mutationKey: ['zzz'] }),
      predicate: client.isMutating({ predicate: (m) => m.options.mutationKey?.[0] === 'b' }),
    };
    await Promise.all(running);
    counts[name].after = client.isMutating({ mutationKey: ['a'] });
  }
  assert.deepEqual(counts.stackquery, counts.tanstack);
  assert.deepEqual(counts.stackquery, { all: 2, a: 1, b: 1, bExact: 0, none: 0, predicate: 1, after: 0 });
  assert.throws(() => new SQ.QueryClient().isMutating('a'), /isMutating: filters must be an object/);
});

test("TanStack's helpers: keepPreviousData, hashKey, partialMatchKey, replaceEqualDeep, noop", async () => {
  for (const name of ['keepPreviousData', 'hashKey', 'partialMatchKey', 'replaceEqualDeep', 'noop']) {
    assert.equal(typeof SQ[name], 'function', name);
  }
  const keys = [['todos'], ['todos', { b: 2, a: 1, c: { z: null, y: [1, 'x'] } }], [1, 'two', null, true], [{}], ['a', undefined]];
  for (const key of keys) assert.equal(SQ.hashKey(key), TQ.hashKey(key), JSON.stringify(key));
  // The cache hashes keys as hashKey does.
  const client = new SQ.QueryClient();
  client.setQueryData(keys[1], 1);
  assert.equal(client.getQueryCache().find({ queryKey: keys[1] }).queryHash, SQ.hashKey(keys[1]));
  for (const [key, partial] of [[['todos', 1], ['todos']], [['todos', { a: 1, b: 2 }], ['todos', { a: 1 }]], [['todos'], ['todos', 1]], [['a', { a: 1 }], ['a', { a: 2 }]]]) {
    assert.equal(SQ.partialMatchKey(key, partial), TQ.partialMatchKey(key, partial), JSON.stringify([key, partial]));
  }
  const prev = { list: [{ id: 1 }, { id: 2 }], meta: { page: 1 } };
  const next = SQ.replaceEqualDeep(prev, { list: [{ id: 1 }, { id: 3 }], meta: { page: 1 } });
  assert.equal(next.meta, prev.meta);
  assert.equal(next.list[0], prev.list[0]);
  assert.notEqual(next.list[1], prev.list[1]);
  assert.equal(SQ.noop(), undefined);

  // keepPreviousData as placeholderData: the previous key's data while the next one loads.
  const shown = await same(async (lib) => {
    const client = new lib.QueryClient();
    const queryFn = async ({ queryKey }) => { await sleep(5); return `page ${queryKey[1]}`; };
    const observer = new lib.QueryObserver(client, { queryKey: ['p', 1], queryFn, placeholderData: lib.keepPreviousData });
    const off = observer.subscribe(() => {});
    await sleep(20);
    observer.setOptions({ queryKey: ['p', 2], queryFn, placeholderData: lib.keepPreviousData });
    const { data, isPlaceholderData } = observer.getCurrentResult();
    await sleep(20);
    const after = observer.getCurrentResult();
    off();
    return [data, isPlaceholderData, after.data, after.isPlaceholderData];
  });
  assert.deepEqual(shown, ['page 1', true, 'page 2', false]);
});

test('client.mount() and unmount(), which a provider calls, are there and break nothing', async () => {
  const client = new SQ.QueryClient();
  client.mount();
  client.mount();
  assert.equal(await client.fetchQuery({ queryKey: ['m'], queryFn: () => 'ok' }), 'ok');
  client.unmount();
  client.unmount();
  assert.equal(client.getQueryData(['m']), 'ok');
  client.free();
  client.unmount(); // a provider's cleanup after the client was freed
});

test('a fetch call with no queryFn rejects (a prefetch resolves), as TanStack\'s: it never throws at the call', async () => {
  const answers = await same(async (lib) => {
    const client = new lib.QueryClient();
    const out = [];
    for (const call of ['fetchQuery', 'prefetchQuery', 'ensureQueryData']) {
      let promise;
      try {
        promise = client[call]({ queryKey: [call] });
      } catch (e) {
        out.push([call, 'threw at the call', e.name]);
        continue;
      }
      out.push(await promise.then((v) => [call, 'resolved', v ?? null], (e) => [call, 'rejected', e.name, e.message]));
    }
    return out;
  });
  assert.deepEqual(answers, [
    ['fetchQuery', 'rejected', 'Error', `Missing queryFn: '["fetchQuery"]'`],
    ['prefetchQuery', 'resolved', null],
    ['ensureQueryData', 'rejected', 'Error', `Missing queryFn: '["ensureQueryData"]'`],
  ]);
});

test('a fetchQuery joining a fetch under way leaves that fetch its retries (a loader beside useQuery)', async () => {
  const runs = await same(async (lib) => {
    const out = [];
    for (const [observerRetry, joinRetry] of [[2, undefined], [3, 0], [0, 2]]) {
      const client = new lib.QueryClient();
      let calls = 0;
      const queryFn = async () => { calls++; await sleep(2); throw new Error(`failure ${calls}`); };
      const observer = new lib.QueryObserver(client, { queryKey: ['d'], queryFn, retry: observerRetry, retryDelay: 3 });
      const off = observer.subscribe(() => {});
      const joined = { queryKey: ['d'], queryFn, ...(joinRetry === undefined ? {} : { retry: joinRetry, retryDelay: 3 }) };
      const answer = await client.fetchQuery(joined).then(() => 'resolved', (e) => e.message);
      await sleep(30);
      out.push({ observerRetry, joinRetry, answer, calls, failures: client.getQueryState(['d']).fetchFailureCount });
      off();
    }
    return out;
  });
  assert.deepEqual(runs.map((r) => r.calls), [3, 4, 1]);
});

test("defaultQueryOptions() gives the key's hash, which the QueryCache finds the query by", async () => {
  const found = await same(async (lib) => {
    const client = new lib.QueryClient({ defaultOptions: { queries: { staleTime: 1_000 } } });
    await client.fetchQuery({ queryKey: ['todo', { id: 1, a: 'b' }], queryFn: async () => 'todo' });
    const defaulted = client.defaultQueryOptions({ queryKey: ['todo', { a: 'b', id: 1 }] });
    return [defaulted.queryHash, defaulted.staleTime, client.getQueryCache().get(defaulted.queryHash)?.state.data];
  });
  assert.deepEqual(found, ['["todo",{"a":"b","id":1}]', 1_000, 'todo']);
  // Given back to a call, its hash draws no "not acted on" warning.
  const warned = [];
  const warn = console.warn;
  console.warn = (message) => warned.push(message);
  try {
    const client = new SQ.QueryClient();
    await client.fetchQuery(client.defaultQueryOptions({ queryKey: ['again'], queryFn: async () => 1 }));
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warned.filter((m) => /queryHash/.test(m)), []);
});

test('MutationObserver: results, listeners, per-call callbacks of the latest call only, reset, a new run per mutate()', async () => {
  const seen = await same(async (lib) => {
    const client = new lib.QueryClient();
    const log = [];
    const observer = new lib.MutationObserver(client, {
      mutationKey: ['todo'],
      mutationFn: async (n) => {
        await sleep(5);
        if (n < 0) throw new Error(`bad ${n}`);
        return n * 2;
      },
      onSuccess: (data) => log.push(['own onSuccess', data]),
    });
    const idle = observer.getCurrentResult();
    log.push(['idle', idle.status, idle.isIdle, typeof idle.mutate, typeof idle.reset]);
    const off = observer.subscribe((r) => log.push(['heard', r.status, r.data ?? null, r.variables, r.error?.message ?? null]));
    const first = observer.mutate(1, { onSuccess: (d) => log.push(['call 1 onSuccess', d]), onSettled: () => log.push(['call 1 onSettled']) });
    const second = observer.mutate(2, { onSuccess: (d) => log.push(['call 2 onSuccess', d]) });
    log.push(['answers', await first, await second]);
    await sleep(5);
    const done = observer.getCurrentResult();
    log.push(['same result object', done === observer.getCurrentResult(), done.isSuccess, done.data]);
    log.push(['runs in the cache', client.getMutationCache().getAll().length]);
    log.push(['rejected', await observer.mutate(-1).catch((e) => e.message)]);
    await sleep(5);
    observer.reset();
    log.push(['after reset', observer.getCurrentResult().status]);
    off();
    // Unsubscribed: the per-call callbacks do not run, the promise still settles.
    log.push(['unsubscribed', await observer.mutate(3, { onSuccess: () => log.push(['must not run']) })]);
    log.push(['latest state read unsubscribed', observer.getCurrentResult().status, observer.getCurrentResult().data]);
    // A new mutationKey goes back to idle.
    observer.setOptions({ mutationKey: ['other'], mutationFn: async () => 0 });
    log.push(['new key', observer.getCurrentResult().status]);
    return log;
  });
  assert.ok(seen.some(([what]) => what === 'call 2 onSuccess'));
  assert.ok(!seen.some(([what]) => what === 'call 1 onSuccess' || what === 'must not run'));
});
