// An observer's subscribers are kept by the JS face (js/face/observer.js): the engine holds
// one listener per observer while it has any. What a user sees of that: each subscriber
// hears each change once, as TanStack's (a subscriber that left while others heard is not
// told; one that throws stops no one), the first subscribe mounts and the last unsubscribe
// unmounts (an unsubscribe called again does nothing; it threw before), and the current
// result read right after subscribing is the mounted one. A result's `refetch` holds its
// observer, as TanStack's does, and an observer nobody holds is collected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { QueryClient, QueryObserver } from '../../pkg/nodejs/stackquery.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('a subscriber unsubscribed by another while a change is told is not told it (TanStack)', () => {
  const client = new QueryClient();
  client.setQueryData(['k'], 1);
  const observer = new QueryObserver(client, { queryKey: ['k'], staleTime: Infinity });
  const heard = [];
  let offB;
  observer.subscribe((r) => { heard.push(`A${r.data}`); offB(); });
  offB = observer.subscribe((r) => heard.push(`B${r.data}`));
  observer.subscribe((r) => heard.push(`C${r.data}`));
  client.setQueryData(['k'], 2);
  client.setQueryData(['k'], 3);
  assert.deepEqual(heard, ['A2', 'C2', 'A3', 'C3']);
  client.dispose();
});

test('every subscriber gets the same result object; one that throws stops neither the others nor the call', () => {
  const client = new QueryClient();
  client.setQueryData(['k'], 'a');
  let selects = 0;
  const observer = new QueryObserver(client, { queryKey: ['k'], staleTime: Infinity, select: (d) => { selects++; return d.toUpperCase(); } });
  const heard = [];
  observer.subscribe((r) => heard.push(r));
  observer.subscribe(() => { throw new Error('a listener that throws'); });
  observer.subscribe((r) => heard.push(r));
  const before = selects;
  assert.doesNotThrow(() => client.setQueryData(['k'], 'b'));
  assert.equal(heard.length, 2);
  assert.equal(heard[0], heard[1]);
  assert.equal(heard[0].data, 'B');
  assert.equal(selects - before, 1, 'select ran once for the change, not once per subscriber');
  assert.equal(observer.getCurrentResult(), heard[0]);
  client.dispose();
});

test('the first subscribe mounts (fetches, keeps the query), the last unsubscribe unmounts; a second subscriber changes neither; an unsubscribe called twice does nothing more', async () => {
  const client = new QueryClient({ gcTime: 20 });
  let calls = 0;
  const observer = new QueryObserver(client, { queryKey: ['m'], queryFn: async () => ++calls });
  const query = () => client.getQueryCache().find({ queryKey: ['m'], exact: true });
  assert.equal(query().getObserversCount(), 0);
  const off1 = observer.subscribe(() => {});
  assert.equal(calls, 1, 'the first subscribe fetched');
  const off2 = observer.subscribe(() => {});
  assert.equal(calls, 1, 'a second subscriber fetches nothing');
  assert.equal(query().getObserversCount(), 1);
  off1();
  assert.doesNotThrow(() => off1(), 'a second call of the same unsubscribe is harmless (as TanStack\'s)');
  assert.equal(query().isActive(), true, 'one subscriber left: still mounted');
  await sleep(40);
  assert.ok(query() !== undefined, 'not collected while a subscriber is left');
  off2();
  assert.equal(query().getObserversCount(), 0);
  await sleep(60);
  assert.equal(query(), undefined, 'collected after gcTime once the last left');
  // Subscribing again mounts again.
  const off3 = observer.subscribe(() => {});
  await sleep(0);
  assert.equal(calls, 2, 'mounted anew on a collected key: fetched');
  off3();
  client.dispose();
});

test('the result read right after subscribe is the mounted one (fetching when the mount fetches)', () => {
  const client = new QueryClient();
  client.setQueryData(['fresh'], 'v');
  const fresh = new QueryObserver(client, { queryKey: ['fresh'], queryFn: () => 'new', staleTime: Infinity });
  fresh.subscribe(() => {});
  assert.equal(fresh.getCurrentResult().data, 'v');
  assert.equal(fresh.getCurrentResult().fetchStatus, 'idle');
  const stale = new QueryObserver(client, { queryKey: ['fresh'], queryFn: () => new Promise(() => {}), staleTime: 0 });
  assert.equal(stale.getCurrentResult().fetchStatus, 'idle');
  stale.subscribe(() => {});
  assert.equal(stale.getCurrentResult().fetchStatus, 'fetching', 'the mount refetched stale data');
  assert.equal(stale.getCurrentResult().data, 'v');
  client.dispose();
});

test('subscribe refuses what is not a function with a TypeError naming it', () => {
  const client = new QueryClient();
  const observer = new QueryObserver(client, { queryKey: ['t'], enabled: false });
  assert.throws(() => observer.subscribe('x'), { name: 'TypeError', message: /^stackquery: subscribe needs a listener function \(result\) => void, got / });
  client.dispose();
});

test('free() while subscribed unmounts the observer: the query is no longer observed and is collected', async () => {
  const client = new QueryClient({ gcTime: 20 });
  client.setQueryData(['freed'], 'v');
  const observer = new QueryObserver(client, { queryKey: ['freed'], staleTime: Infinity });
  const off = observer.subscribe(() => {});
  const query = () => client.getQueryCache().find({ queryKey: ['freed'], exact: true });
  assert.equal(query().getObserversCount(), 1);
  observer.free();
  assert.equal(query().getObserversCount(), 0, 'freed: no longer an observer of its query');
  assert.doesNotThrow(() => off(), 'an unsubscribe after free() does nothing');
  await sleep(60);
  assert.equal(query(), undefined, 'collected after gcTime');
  client.dispose();
});

test('subscribing to an observer of a disposed client throws each time, even with a subscriber left', () => {
  const client = new QueryClient();
  client.setQueryData(['d'], 1);
  const kept = new QueryObserver(client, { queryKey: ['d'], staleTime: Infinity });
  kept.subscribe(() => {});
  const fresh = new QueryObserver(client, { queryKey: ['d'], staleTime: Infinity });
  client.dispose();
  for (const observer of [kept, fresh]) {
    assert.throws(() => observer.subscribe(() => {}), /disposed/);
    assert.throws(() => observer.subscribe(() => {}), /disposed/, 'a refused mount is not taken as done');
  }
});

const collector = () => {
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
};

test("a result's refetch works as long as it is held, the observer dropped (TanStack's holds its observer)", async () => {
  const gc = collector();
  const client = new QueryClient();
  let calls = 0;
  const refetches = [];
  for (let i = 0; i < 5; i++) {
    const observer = new QueryObserver(client, { queryKey: ['held', i], queryFn: () => ++calls, staleTime: Infinity });
    const off = observer.subscribe(() => {});
    refetches.push(observer.getCurrentResult().refetch);
    off();
  }
  await sleep(10);
  const fetchedBefore = calls;
  for (let i = 0; i < 5; i++) { gc(); await sleep(10); }
  const results = await Promise.all(refetches.map((refetch) => refetch()));
  assert.equal(calls, fetchedBefore + 5, 'each refetch ran its query function');
  assert.deepEqual(results.map((r) => r?.status), Array(5).fill('success'), 'each resolved with its result');
  client.dispose();
});

test('observers dropped after use are collected, with the results they gave (no cycle through the engine)', async () => {
  const gc = collector();
  const client = new QueryClient();
  client.setQueryData(['dropped'], 'v');
  let finalized = 0;
  const registry = new FinalizationRegistry(() => finalized++);
  for (let i = 0; i < 40; i++) {
    const observer = new QueryObserver(client, { queryKey: ['dropped'], staleTime: Infinity });
    const off = observer.subscribe(() => {});
    const result = observer.getCurrentResult();
    assert.equal(result.data, 'v');
    assert.equal(typeof result.refetch, 'function');
    off();
    registry.register(observer, i);
  }
  for (let i = 0; i < 20 && finalized < 36; i++) { gc(); await sleep(20); }
  assert.ok(finalized >= 36, `${finalized} of 40 dropped observers were collected`);
  client.dispose();
});

test('refetch() resolves with the current result, the one subscribers last heard, whatever changed while it settled (TanStack)', async () => {
  for (let delay = 0; delay < 12; delay++) {
    const client = new QueryClient();
    const key = ['late', delay];
    let n = 0;
    const observer = new QueryObserver(client, { queryKey: key, queryFn: () => Promise.resolve(++n), staleTime: Infinity });
    const heard = [];
    observer.subscribe((r) => heard.push(r));
    await sleep(5);
    let armed = true;
    observer.subscribe((r) => {
      if (!armed || r.fetchStatus !== 'idle') return;
      armed = false; // a change a few microtasks after the refetch's own
      let later = Promise.resolve();
      for (let i = 0; i < delay; i++) later = later.then(() => {});
      later.then(() => client.setQueryData(key, `set${delay}`));
    });
    const refetched = await observer.refetch();
    await sleep(5);
    const current = observer.getCurrentResult();
    assert.equal(current.data, `set${delay}`);
    assert.equal(heard.at(-1), current, `delay ${delay}: what subscribers last heard is the current result`);
    if (refetched.data === current.data) assert.equal(refetched, current, `delay ${delay}: refetch resolved with the current result`);
    client.dispose();
  }
});
