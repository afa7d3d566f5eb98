// A property test of the wasm module's JS surface (the built package, in Node): random
// sequences of every public call with random and hostile arguments. After each step:
// no wasm trap; every error is a TypeError, a RangeError, a CancelledError, TanStack's
// "Missing queryFn" or the user's own error; getQueryData agrees with a plain JS model for
// the keys only touched by deterministic calls; and isFetching() returns to 0 once every
// queryFn settles.
// FUZZ_SEED and FUZZ_OPS override the fixed seed and the count (default 50,000).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient, MemoryStorage } from '../../pkg/nodejs/stackquery.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const OPS = Number(process.env.FUZZ_OPS ?? 50_000);

function rng(seed) {
  let s = BigInt(seed) || 1n;
  return () => {
    s ^= (s << 13n) & 0xffffffffffffffffn;
    s ^= s >> 7n;
    s ^= (s << 17n) & 0xffffffffffffffffn;
    return Number(s & 0xffffffffn) / 0x100000000;
  };
}

class UserError extends Error {}

test(`fuzz the JS surface: ${OPS} operations, seed ${SEED}`, async () => {
  const rand = rng(SEED);
  const int = (n) => Math.floor(rand() * n);
  const pick = (xs) => xs[int(xs.length)];

  const deep = (n) => { let v = ['leaf']; for (let i = 0; i < n; i++) v = [v]; return v; };
  const cyclic = () => { const o = { a: 1 }; o.self = o; return o; };
  const hostile = () => pick([
    () => undefined, () => null, () => NaN, () => -1, () => Infinity, () => -Infinity, () => -0, () => 1e308,
    () => 'x'.repeat(int(100_000)), () => '日本語 😀 \u0000 \n', () => '\ud800', () => Symbol('s'), () => 10n,
    () => () => 1, () => new Map([[1, 2]]), () => new Date(), () => deep(int(120)), () => cyclic(),
    () => JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1}'), () => ({ toString: 1, valueOf: 2 }),
    () => new Proxy({}, { ownKeys() { throw new UserError('proxy'); } }), () => Object.create(null),
    () => ({ get boom() { throw new UserError('getter'); } }), () => [1, , 3], () => ({ a: undefined }),
    () => true, () => 0, () => '', () => [], () => ({}),
  ])();
  const key = () => (rand() < 0.85 ? ['k', int(30), pick([undefined, { p: int(3) }, 'x'])].filter((x) => x !== undefined) : pick([hostile(), [hostile()], ['k', hostile()]]));
  const time = () => (rand() < 0.8 ? pick([0, 5, 50, Infinity, 'static']) : hostile());
  const filters = () => (rand() < 0.7 ? pick([undefined, {}, { queryKey: ['k'] }, { queryKey: ['k', int(30)] }, { queryKey: ['k', int(30)], exact: true }, { type: pick(['all', 'active', 'inactive']) }, { stale: rand() < 0.5 }, { predicate: (q) => q.queryKey.length > 1 }, { fetchStatus: 'fetching' }]) : hostile());
  const unexpected = [];
  const queryFn = () => pick([
    async () => ({ v: int(100) }),
    () => int(10),
    async () => { throw new UserError('fails'); },
    () => new Promise((r) => setTimeout(() => r('slow'), int(5))),
    () => new Promise(() => {}), // never settles: only cancel/remove/reset/clear end it
    async () => undefined,
    async () => null,
    () => { throw new UserError('sync throw'); },
  ]);

  const storage = new MemoryStorage();
  const makeClient = () => new QueryClient(pick([
    { gcTime: Infinity, maxEntries: 100_000, retry: 1, retryDelay: 1, storage },
    { gcTime: 20, maxEntries: 8, retry: false },
    { retry: (n) => n < 1, retryDelay: () => 0, staleTime: 'static' },
    { storage: { get: () => { throw new UserError('x'); }, set: () => Promise.reject(new UserError('y')), delete: () => new Promise(() => {}) }, storageTimeout: 5, retry: 0 },
  ]));
  // the model covers ['m', n] keys on `modelled`, which only deterministic calls touch
  const modelled = new QueryClient({ gcTime: Infinity, maxEntries: 100_000 });
  const model = new Map();
  let client = makeClient();
  const observers = [];

  const allowed = (e) => e instanceof TypeError || e instanceof RangeError || e instanceof UserError
    || (e && (e.name === 'CancelledError' || /data is undefined$/.test(e.message) || /disposed/.test(e.message)
      || /^Missing queryFn: '/.test(e.message))); // TanStack's rejection of a fetch with no queryFn
  const counts = {};
  const call = (name, fn) => {
    counts[name] = (counts[name] || 0) + 1;
    try {
      const out = fn();
      if (out && typeof out.then === 'function') out.then(() => {}, (e) => { if (!allowed(e)) unexpected.push(`${name} rejected with ${e && e.constructor && e.constructor.name}: ${e && e.message}`); });
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) throw new Error(`wasm trap in ${name}: ${e.message}`);
      assert.ok(allowed(e), `${name} threw an unexpected ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
    }
  };

  const ops = [
    () => call('fetchQuery', () => client.fetchQuery({ queryKey: key(), queryFn: rand() < 0.95 ? queryFn() : hostile(), staleTime: time(), gcTime: rand() < 0.9 ? pick([10, Infinity]) : hostile(), retry: rand() < 0.9 ? pick([0, 1, false]) : hostile(), retryDelay: pick([0, 1, () => 1]) })),
    () => call('prefetchQuery', () => client.prefetchQuery({ queryKey: key(), queryFn: queryFn(), retry: 0 })),
    () => call('ensureQueryData', () => client.ensureQueryData({ queryKey: key(), queryFn: queryFn(), retry: 0, initialData: rand() < 0.2 ? hostile() : undefined })),
    () => call('getQueryData', () => client.getQueryData(key())),
    () => call('getQueryState', () => client.getQueryState(key())),
    () => call('setQueryData', () => client.setQueryData(key(), rand() < 0.5 ? { v: int(9) } : rand() < 0.5 ? (old) => ({ old }) : hostile())),
    () => call('getQueriesData', () => client.getQueriesData(filters())),
    () => call('setQueriesData', () => client.setQueriesData(filters(), (old) => (rand() < 0.5 ? old : { n: int(5) }))),
    () => call('invalidateQueries', () => client.invalidateQueries(filters(), rand() < 0.8 ? { refetchType: pick(['active', 'all', 'none', 'inactive']) } : hostile())),
    () => call('refetchQueries', () => client.refetchQueries(filters())),
    () => call('cancelQueries', () => client.cancelQueries(filters())),
    () => call('removeQueries', () => client.removeQueries(filters())),
    () => call('resetQueries', () => client.resetQueries(filters())),
    () => call('isFetching', () => client.isFetching(filters())),
    () => call('watch+subscribe', () => {
      const o = client.watch({ queryKey: key(), queryFn: queryFn(), enabled: rand() < 0.8 ? rand() < 0.8 : hostile(), retry: 0 });
      observers.push(o.subscribe(rand() < 0.9 ? () => {} : () => { throw new UserError('listener'); }));
    }),
    () => call('unsubscribe', () => { const off = observers.splice(int(observers.length + 1), 1)[0]; if (off) off(); }),
    () => call('observer.setOptions', () => client.watch({ queryKey: key() }).setOptions(rand() < 0.8 ? { queryKey: key(), enabled: false } : hostile())),
    () => call('mutation.mutate', () => client.mutation(rand() < 0.9 ? {
      mutationFn: queryFn(),
      onMutate: rand() < 0.3 ? () => { throw new UserError('onMutate'); } : undefined,
      onSuccess: rand() < 0.3 ? async () => { throw new UserError('onSuccess'); } : undefined,
      scope: rand() < 0.3 ? { id: pick(['a', 'b']) } : undefined,
      retry: pick([0, 1]),
      retryDelay: 0,
    } : hostile()).mutate(hostile())),
    () => call('isMutating', () => client.isMutating()),
    () => call('flush', () => client.flush()),
    () => call('clear', () => client.clear()),
    () => call('dispose+new', () => { if (rand() < 0.2) { client.dispose(); client = makeClient(); } }),
    () => call('new QueryClient(hostile)', () => new QueryClient(rand() < 0.5 ? { staleTime: hostile(), gcTime: hostile(), maxEntries: hostile(), retry: hostile() } : hostile())),
    // deterministic calls on the modelled client
    () => {
      const n = int(20);
      const v = rand() < 0.5 ? { n, v: int(1000) } : null;
      modelled.setQueryData(['m', n], v);
      model.set(n, v);
    },
    () => {
      const n = int(20);
      modelled.setQueryData(['m', n], (old) => (old === undefined ? undefined : { wrapped: old }));
      if (model.has(n)) model.set(n, { wrapped: model.get(n) });
    },
    () => { const n = int(20); modelled.removeQueries({ queryKey: ['m', n], exact: true }); model.delete(n); },
    () => { const n = int(20); modelled.resetQueries({ queryKey: ['m', n] }); model.delete(n); },
    () => { if (rand() < 0.05) { modelled.clear(); model.clear(); } },
  ];

  for (let i = 0; i < OPS; i++) {
    pick(ops)();
    const n = int(20);
    assert.deepEqual(modelled.getQueryData(['m', n]), model.get(n), `step ${i}: getQueryData(['m', ${n}]) disagrees with the model`);
    if (i % 1000 === 999) {
      if (process.env.FUZZ_TRACE) console.error(`step ${i + 1}: ${Math.round(performance.now())} ms, size ${client.size}, fetching ${client.isFetching()}`);
      await new Promise((r) => setTimeout(r, 0));
    }
    assert.deepEqual(unexpected, [], `step ${i}`);
  }
  // end every fetch that would never settle, then everything must be idle
  for (const off of observers) off();
  await client.cancelQueries();
  await new Promise((r) => setTimeout(r, 50));
  await client.cancelQueries();
  assert.deepEqual(unexpected, []);
  assert.equal(client.isFetching(), 0, 'isFetching() returns to 0');
  assert.equal(modelled.isFetching(), 0);
  const covered = Object.keys(counts).length;
  assert.ok(covered >= 20, `every kind of call was made (${covered}: ${JSON.stringify(counts)})`);
  client.dispose();
  modelled.dispose();
  if (process.env.FUZZ_TRACE) setTimeout(() => console.error('still active:', process.getActiveResourcesInfo()), 1000).unref();
});
