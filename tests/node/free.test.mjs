// `free()` (and the end of a `using` block, `[Symbol.dispose]`) on a client or an observer
// (js/face/freed.js): a call made on it afterwards is a TypeError naming the call (the
// engine's glue said only "null pointer passed to rust"), letting go of it again does
// nothing, and free() from inside one of its own callbacks frees it once that callback
// returns, where it left an object that could neither be used nor freed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient, QueryObserver, InfiniteQueryObserver } from '../../pkg/nodejs/stackquery.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const afterFree = (call) => new RegExp(`^stackquery: ${call.replace(/[.()]/g, '\\$&')} was called after free\\(\\)`);

test('a call on a freed client or observer is a TypeError that names it; free() again does nothing', () => {
  const client = new QueryClient();
  client.setQueryData(['a'], 1);
  const observer = new QueryObserver(client, { queryKey: ['a'] });
  const infinite = new InfiniteQueryObserver(client, {
    queryKey: ['pages'],
    queryFn: () => 1,
    initialPageParam: 0,
    getNextPageParam: () => undefined,
  });
  observer.free();
  infinite.free();
  client.free();
  for (const [call, run] of [
    ['QueryClient.getQueryData()', () => client.getQueryData(['a'])],
    ['QueryClient.setQueryData()', () => client.setQueryData(['a'], 2)],
    ['QueryClient.fetchQuery()', () => client.fetchQuery({ queryKey: ['a'], queryFn: () => 1 })],
    ['QueryClient.getQueryCache()', () => client.getQueryCache()],
    ['QueryClient.invalidateQueries()', () => client.invalidateQueries()],
    ['QueryObserver.getCurrentResult()', () => observer.getCurrentResult()],
    ['QueryObserver.subscribe()', () => observer.subscribe(() => {})],
    ['QueryObserver.setOptions()', () => observer.setOptions({ queryKey: ['b'] })],
    ['InfiniteQueryObserver.fetchNextPage()', () => infinite.fetchNextPage()],
  ]) {
    assert.throws(run, (e) => e instanceof TypeError && afterFree(call).test(e.message), call);
  }
  assert.throws(() => client.runtime, /QueryClient\.runtime was read after free\(\)/);
  // Letting go again: nothing, as a second `using` exit or a cleanup run twice would.
  for (const object of [client, observer, infinite]) {
    assert.equal(object.free(), undefined);
    object[Symbol.dispose]?.();
  }
  observer.destroy();
  client.dispose();
  assert.ok(client instanceof QueryClient && infinite instanceof QueryObserver);
});

test('free() from inside its own listener frees the observer once the listener returns', async () => {
  const client = new QueryClient();
  const told = [];
  const observers = [];
  for (let i = 0; i < 50; i++) {
    const observer = new QueryObserver(client, { queryKey: ['k', i], queryFn: async () => i });
    let freeThrew;
    observer.subscribe((result) => {
      told.push(`${i}:${result.fetchStatus}`);
      try {
        observer.free();
      } catch (e) {
        freeThrew = e;
      }
    });
    observers.push({ observer, threw: () => freeThrew });
  }
  await sleep(20);
  // Each told of its fetch starting, and nothing after its free() (not the data arriving).
  assert.deepEqual(told, [...Array(50).keys()].map((i) => `${i}:fetching`));
  for (const { observer, threw } of observers) {
    assert.equal(threw(), undefined);
    assert.throws(() => observer.getCurrentResult(), /QueryObserver\.getCurrentResult\(\) was called after free\(\)/);
  }
  // Freed, so unmounted: no query keeps an observer.
  const cache = client.getQueryCache();
  assert.equal(cache.getAll().length, 50);
  assert.equal(cache.getAll().reduce((n, q) => n + q.getObserversCount(), 0), 0);
  // The fetches went on without them, and the client goes on.
  assert.deepEqual([0, 1, 49].map((i) => client.getQueryData(['k', i])), [0, 1, 49]);
  client.setQueryData(['k', 0], 'after');
  assert.equal(client.getQueryData(['k', 0]), 'after');
});

test('free() of the client from a queryFn and from a cache listener: later calls say it was freed', async () => {
  const client = new QueryClient();
  const answer = client.fetchQuery({
    queryKey: ['k'],
    queryFn: () => {
      client.free();
      return 'data';
    },
  });
  // The fetch already under way settles (its query is gone with the client, as for dispose()).
  await Promise.race([answer.catch(() => {}), sleep(50)]);
  assert.throws(() => client.getQueryData(['k']), /QueryClient\.getQueryData\(\) was called after free\(\)/);

  const other = new QueryClient();
  const heard = [];
  other.getQueryCache().subscribe((event) => {
    heard.push(event.type);
    other.free();
  });
  other.setQueryData(['x'], 1);
  await sleep(10);
  assert.ok(heard.length >= 1);
  assert.throws(() => other.setQueryData(['x'], 2), /QueryClient\.setQueryData\(\) was called after free\(\)/);
});
