// The JS face answers fresh hits from a mirror of the engine (js/face/). These tests
// check that the mirror is exact: random sequences of operations run in lockstep on a
// face client and on the bare engine client (the class the face's `QueryClient`
// extends: every call into wasm), and after every step both must have returned the same data, called the same
// queryFns and hold the same data for every key — with a small maxEntries, so LRU
// eviction (fed by the face's batched touches) must pick the same victims. A second
// check compares, on the same face client, each mirrored answer with what the engine
// holds at that moment (`__peek`, which changes nothing).
// MIRROR_SEED and MIRROR_OPS override the fixed seed and the count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { QueryClient, QueryObserver } from '../../pkg/nodejs/stackquery.js';
import { rng } from '../support/rng.mjs';

// The bare engine: the wasm-bindgen classes the face's classes extend, in the same instance.
const engine = { QueryClient: Object.getPrototypeOf(QueryClient), QueryObserver: Object.getPrototypeOf(QueryObserver) };

// The bare engine observer takes one listener (the face keeps its subscribers in JS).
function subscribeTo(observer, listener) {
  if (observer instanceof QueryObserver) return observer.subscribe(listener);
  observer.__listen(listener);
  return () => observer.__unlisten();
}

const SEED = Number(process.env.MIRROR_SEED ?? 20261126);
const OPS = Number(process.env.MIRROR_OPS ?? 6000);

const KEYS = [['a'], ['a', 1], ['a', 2], ['b'], ['b', { x: 1 }], ['c', 3], ['d'], ['e', 'f']];
const STALE = [0, 60_000, Infinity, 'static', undefined];

// One side of the lockstep: a client and the queryFn calls it made, per key.
function side(Client, options) {
  const client = new Client(options);
  const calls = new Map();
  let version = 0;
  const queryFn = ({ queryKey }) => {
    const k = JSON.stringify(queryKey);
    calls.set(k, (calls.get(k) ?? 0) + 1);
    version += 1;
    return Promise.resolve({ key: k, v: version });
  };
  return { client, calls, queryFn };
}

async function settle(p) {
  try {
    return { ok: await p };
  } catch (e) {
    return { error: String(e && e.name) };
  }
}

const show = (v) => JSON.stringify(v === undefined ? '<undefined>' : v);

for (const options of [
  { staleTime: 60_000, maxEntries: 4 },
  { staleTime: 0, maxEntries: 1000 },
  { staleTime: Infinity, maxEntries: 3, gcTime: Infinity },
]) {
  test(`the face answers as the engine does: ${OPS} random operations, ${JSON.stringify(options)}, seed ${SEED}`, async () => {
    const rand = rng(SEED);
    const int = (n) => Math.floor(rand() * n);
    const pick = (xs) => xs[int(xs.length)];
    const face = side(QueryClient, options);
    const bare = side(engine.QueryClient, options);
    assert.ok(!(bare.client instanceof QueryClient), 'the bare side is the engine itself');
    const faceObservers = [], bareObservers = [];

    for (let step = 0; step < OPS; step++) {
      const key = pick(KEYS);
      const staleTime = pick(STALE);
      const op = int(13);
      const run = async (s, observers) => {
        const c = s.client;
        const opts = { queryKey: key, queryFn: s.queryFn, ...(staleTime === undefined ? {} : { staleTime }) };
        switch (op) {
          case 0: case 1: return settle(c.fetchQuery(opts));
          case 2: return settle(c.ensureQueryData(opts));
          case 3: return settle(c.prefetchQuery(opts));
          case 4: case 5: return c.getQueryData(key);
          case 6: return c.setQueryData(key, { set: step });
          case 7: return settle(c.invalidateQueries({ queryKey: [key[0]] }));
          case 8: return c.removeQueries({ queryKey: key, exact: true });
          case 9: return settle(c.resetQueries({ queryKey: [key[0]] }));
          case 10: {
            // An updater runs in the face; the engine takes the data it gave.
            const update = (old) => (old === undefined ? undefined : { ...old, up: step });
            if (c instanceof QueryClient) return c.setQueryData(key, update);
            const data = update(c.getQueryData(key));
            return data === undefined ? undefined : c.setQueryData(key, data);
          }
          case 11: {
            // An observer mounted on the key: a query with observers is never evicted.
            if (observers.length < 3) {
              const o = s.client instanceof QueryClient ? new QueryObserver(c, opts) : new engine.QueryObserver(c, opts);
              const off = subscribeTo(o, () => {});
              observers.push({ o, off });
            } else {
              const { off } = observers.shift();
              off();
            }
            return null;
          }
          default: return c.isFetching();
        }
      };
      const a = await run(face, faceObservers);
      const b = await run(bare, bareObservers);
      await new Promise((r) => setImmediate(r)); // background refetches settle on both sides
      const where = `step ${step}: op ${op} on ${show(key)} staleTime ${show(staleTime)}`;
      assert.equal(show(a), show(b), `${where}: the call answered alike`);
      for (const k of KEYS) {
        assert.equal(show(face.client.getQueryData(k)), show(bare.client.getQueryData(k)), `${where}: data of ${show(k)}`);
      }
      assert.equal(face.client.size, bare.client.size, `${where}: queries held`);
      assert.deepEqual([...face.calls].sort(), [...bare.calls].sort(), `${where}: queryFn calls per key`);
      for (let i = 0; i < faceObservers.length; i++) {
        const fr = faceObservers[i].o.getCurrentResult(), br = bareObservers[i].o.getCurrentResult();
        for (const field of ['status', 'fetchStatus', 'isStale']) {
          assert.equal(show(fr[field]), show(br[field]), `${where}: observer ${i} ${field}`);
        }
        assert.equal(show(fr.data), show(br.data), `${where}: observer ${i} data`);
      }
    }
    face.client.dispose();
    bare.client.dispose();
  });
}

test('every mirrored answer is what the engine holds at that moment', async () => {
  const rand = rng(SEED + 1);
  const int = (n) => Math.floor(rand() * n);
  const pick = (xs) => xs[int(xs.length)];
  const client = new QueryClient({ staleTime: 60_000, maxEntries: 5 });
  const queryFn = ({ queryKey }) => Promise.resolve({ k: queryKey, at: Date.now() });
  let hits = 0;
  for (let step = 0; step < OPS; step++) {
    const key = pick(KEYS);
    switch (int(6)) {
      case 0: client.setQueryData(key, { step }); break;
      case 1: await client.fetchQuery({ queryKey: key, queryFn }); break;
      case 2: await client.invalidateQueries({ queryKey: [key[0]], refetchType: 'none' }); break;
      case 3: client.removeQueries({ queryKey: key }); break;
      default: break; // reads only: the mirror is exercised across steps
    }
    for (const k of KEYS) {
      const mirrored = client.getQueryData(k); // from the mirror when nothing changed since
      const truth = client.__peek(JSON.stringify(k)); // the engine's own answer, changing nothing
      assert.ok(mirrored === truth, `step ${step}: getQueryData(${show(k)}) is the very object the engine holds`);
      if (truth !== undefined) hits++;
    }
  }
  assert.ok(hits > OPS, `the sequence held data often enough to test something (${hits} reads with data)`);
  client.dispose();
});

test('a hit never hides an error a miss would give, and a disposed client never answers from the mirror', async () => {
  const client = new QueryClient({ staleTime: Infinity });
  const queryFn = () => Promise.resolve(1);
  await client.fetchQuery({ queryKey: ['k'], queryFn });
  assert.equal(await client.fetchQuery({ queryKey: ['k'], queryFn }), 1, 'a plain hit');
  for (const [bad, name, Err] of [
    [{ staleTime: -1 }, 'staleTime', RangeError], [{ gcTime: NaN }, 'gcTime', RangeError],
    [{ retry: 'x' }, 'retry', TypeError], [{ retryDelay: Infinity }, 'retryDelay', RangeError],
    [{ persist: 1 }, 'persist', TypeError], [{ networkMode: 'x' }, 'networkMode', TypeError],
    [{ structuralSharing: 1 }, 'structuralSharing', TypeError], [{ queryFn: 1 }, 'queryFn', TypeError],
  ]) {
    assert.throws(() => client.fetchQuery({ queryKey: ['k'], queryFn, ...bad }), (e) => e instanceof Err && e.message.includes(name), `fetchQuery with bad ${name}`);
    assert.throws(() => client.ensureQueryData({ queryKey: ['k'], queryFn, ...bad }), (e) => e instanceof Err && e.message.includes(name), `ensureQueryData with bad ${name}`);
  }
  assert.throws(() => client.getQueryData('k'), TypeError, 'a key that is not an array');
  client.dispose();
  assert.throws(() => client.getQueryData(['k']), /disposed/, 'getQueryData after dispose');
  assert.throws(() => client.fetchQuery({ queryKey: ['k'], queryFn }), /disposed/, 'fetchQuery after dispose');
});

test('LRU order counts hits answered by the face', async () => {
  const client = new QueryClient({ staleTime: Infinity, maxEntries: 3 });
  const queryFn = ({ queryKey }) => Promise.resolve(queryKey[0]);
  for (const k of ['a', 'b', 'c']) await client.fetchQuery({ queryKey: [k], queryFn });
  // 'a' is the oldest; hits on it (in the face) make 'b' the least recently used.
  assert.equal(await client.fetchQuery({ queryKey: ['a'], queryFn }), 'a');
  assert.equal(client.getQueryData(['a']), 'a');
  await client.fetchQuery({ queryKey: ['d'], queryFn });
  assert.equal(client.getQueryData(['b']), undefined, "'b' was evicted");
  assert.equal(client.getQueryData(['a']), 'a', "'a' stays: the face's hits counted");
  client.dispose();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sides = [['face', QueryClient], ['engine', engine.QueryClient]];

test("an observer's kept result turns stale under its own staleTime, not the query's (TanStack's isStale(query, options))", async () => {
  const seen = {};
  for (const [name, Client] of sides) {
    const client = new Client();
    const options = (staleTime) => ({ queryKey: ['k'], queryFn: () => 'v', staleTime });
    const long = client.watch(options(60_000));
    const off = subscribeTo(long, () => {});
    await sleep(20);
    // A fetch with a shorter staleTime: the query's own staleTime is now 50 ms.
    await client.fetchQuery(options(50));
    const short = client.watch(options(50));
    const heard = [];
    const offShort = subscribeTo(short, (result) => heard.push(result.isStale));
    const unmountedLong = client.watch(options(60_000));
    const unmountedShort = client.watch(options(50));
    const read = () => [long, short, unmountedLong, unmountedShort].map((o) => o.getCurrentResult().isStale);
    const before = read();
    // The query's staleTime back to 60 s: observers with 50 ms still turn stale.
    await client.fetchQuery(options(60_000));
    await sleep(120);
    seen[name] = { before, after: read(), heard };
    off();
    offShort();
    client.dispose();
  }
  assert.deepEqual(seen.face, seen.engine);
  assert.deepEqual(seen.face.before, [false, false, false, false]);
  assert.deepEqual(seen.face.after, [false, true, false, true], 'each observer by its own staleTime: 60 s, 50 ms, 60 s, 50 ms');
  assert.deepEqual(seen.face.heard, [true], 'the 50 ms observer hears its data turn stale');
});

test('on the edge runtime a fresh fetch still collects what is due (no timers there)', async () => {
  const seen = {};
  for (const [name, Client] of sides) {
    const client = new Client({ runtime: 'edge', gcTime: 20, staleTime: Infinity });
    await client.fetchQuery({ queryKey: ['b'], queryFn: () => 'B' });
    client.setQueryData(['a'], 'A');
    client.getQueryData(['a']); // mirrored on the face
    await sleep(50);
    await client.fetchQuery({ queryKey: ['b'], queryFn: () => 'B2' }); // a fresh hit
    seen[name] = client.getQueryData(['a']);
  }
  assert.equal(seen.face, seen.engine);
  assert.equal(seen.face, undefined, "'a' was due and collected by the fetch call");
});

test("free() hands the face's pending LRU touches to the cache observers keep alive", () => {
  const seen = {};
  for (const [name, Client] of sides) {
    const client = new Client({ maxEntries: 3 });
    client.setQueryData(['a'], 'A');
    client.setQueryData(['b'], 'B');
    const observer = client.watch({ queryKey: ['x'] });
    const off = subscribeTo(observer, () => {});
    client.getQueryData(['a']); // 'a' is now more recent than 'b'
    client.free();
    observer.setOptions({ queryKey: ['c'] }); // one query too many: the least recent goes
    observer.setOptions({ queryKey: ['a'] });
    const a = observer.getCurrentResult().data;
    observer.setOptions({ queryKey: ['b'] });
    seen[name] = [a, observer.getCurrentResult().data];
    off();
  }
  assert.deepEqual(seen.face, seen.engine);
  assert.deepEqual(seen.face, ['A', undefined]);
});

test('a face client dropped without dispose() is garbage collected, with its wasm memory', async () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  const { memoryStats } = await import('../../pkg/nodejs/stackquery.js');
  const before = memoryStats().heapBytes;
  let finalized = 0;
  const registry = new FinalizationRegistry(() => finalized++);
  for (let i = 0; i < 100; i++) {
    const client = new QueryClient({ gcTime: Infinity });
    for (let j = 0; j < 20; j++) client.setQueryData(['k', j, 'x'.repeat(100)], { j });
    client.getQueryData(['k', 1, 'x'.repeat(100)]); // a pending touch in the face
    registry.register(client, i);
  }
  for (let i = 0; i < 20 && finalized < 95; i++) { gc(); await sleep(20); }
  assert.ok(finalized >= 95, `${finalized} of 100 dropped clients were collected`);
  assert.ok(memoryStats().heapBytes - before < 200_000, `wasm heap kept: ${memoryStats().heapBytes - before} B`);
});
