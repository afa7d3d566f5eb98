// The rules a mutation runs by (js/face/mutation.js, the engine's rules written again in
// JS when mutations moved to the face): retry decisions with user functions that throw or
// answer garbage, the option checks and their messages, a run whose scope turn comes after
// dispose(), paused runs and resumePausedMutations(), and the bound on a listener cycle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient, Mutation, onlineManager } from '../../pkg/nodejs/stackquery.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('a retry function that throws means no retry; one that says yes retries with its delay', async () => {
  const client = new QueryClient();
  let runs = 0;
  const refused = client.mutation({
    mutationFn: async () => { runs++; throw new Error('down'); },
    retry: () => { throw new Error('retry exploded'); },
  });
  await assert.rejects(refused.mutate(1), { message: 'down' });
  assert.equal(runs, 1, 'mutationFn ran once');
  assert.equal(refused.state.status, 'error');
  assert.equal(refused.state.failureCount, 1);

  const asked = [];
  let attempts = 0;
  const retried = client.mutation({
    mutationFn: async () => { attempts++; if (attempts < 3) throw new Error(`try ${attempts}`); return 'done'; },
    retry: (failureCount, error) => { asked.push([failureCount, error.message]); return true; },
    retryDelay: (failureCount) => failureCount * 2,
  });
  assert.equal(await retried.mutate(1), 'done');
  assert.deepEqual(asked, [[0, 'try 1'], [1, 'try 2']], 'asked with the failures before this one and the error');
  assert.equal(retried.state.failureCount, 0, 'a success clears the failures');
  client.dispose();
});

test('a retryDelay function that throws or gives no finite delay ≥ 0 falls back to the default (1 s first)', async () => {
  const client = new QueryClient();
  for (const retryDelay of [() => NaN, () => -5, () => { throw new Error('no'); }, () => 'soon']) {
    const times = [];
    const m = client.mutation({
      mutationFn: async () => { times.push(Date.now()); if (times.length < 2) throw new Error('once'); return 'ok'; },
      retry: 1,
      retryDelay,
    });
    assert.equal(await m.mutate(1), 'ok');
    const waited = times[1] - times[0];
    assert.ok(waited >= 900 && waited < 3000, `waited ${waited} ms before the retry (${retryDelay})`);
  }
  client.dispose();
});

test("bad options are a TypeError or RangeError naming the option, with stackquery's prefix", () => {
  const client = new QueryClient();
  const cases = [
    [{ mutationFn() {}, retry: -1 }, RangeError, /^stackquery: retry must be a count of retries ≥ 0, got -1$/],
    [{ mutationFn() {}, retry: 'twice' }, TypeError, /^stackquery: retry must be a number, a boolean or a function/],
    [{ mutationFn() {}, retryDelay: NaN }, RangeError, /^stackquery: retryDelay must be a number of milliseconds, got NaN$/],
    [{ mutationFn() {}, retryDelay: -1 }, RangeError, /^stackquery: retryDelay must not be negative$/],
    [{ mutationFn() {}, retryDelay: Infinity }, RangeError, /^stackquery: retryDelay must be finite$/],
    [{ mutationFn() {}, networkMode: 'sometimes' }, TypeError, /^stackquery: networkMode must be 'online', 'offlineFirst' or 'always', got a string$/],
    [{ mutationFn() {}, scope: { id: 7 } }, TypeError, /^stackquery: scope must be \{ id: string \}$/],
    [{ mutationFn() {}, onMutate: 'x' }, TypeError, /^stackquery: onMutate must be a function \(variables, \{ client, meta, mutationKey \}\) => context, got a string$/],
    [{ mutationFn() {}, networkMode: null }, TypeError, /^stackquery: networkMode must be .* got null$/],
    // The first bad option in the engine's order is the one named.
    [{ mutationFn: 1, networkMode: 'x', scope: 'y' }, TypeError, /^stackquery: mutationFn must be a function/],
    [{ mutationFn() {}, networkMode: 'x', retry: -1 }, RangeError, /^stackquery: retry must/],
  ];
  for (const [options, type, message] of cases) {
    assert.throws(() => client.mutation(options), (e) => e instanceof type && message.test(e.message), JSON.stringify(options));
  }
  const m = client.mutation({ mutationFn: async () => 1 });
  assert.throws(() => m.mutate(1, 'callbacks'), { name: 'TypeError', message: /^stackquery: mutate options \(\{ onSuccess, onError, onSettled \}\) must be an object, got a string$/ });
  assert.throws(() => m.subscribe(null), { name: 'TypeError', message: /^stackquery: subscribe needs a listener function \(state\) => void, got null$/ });
  assert.equal(client.isMutating(), 0, 'a refused mutate() is not counted');
  assert.throws(() => new Mutation(client, { mutationFn() {} }), { name: 'TypeError', message: 'stackquery: a Mutation is made by client.mutation(options)' });
  let reads = 0;
  client.mutation({ mutationFn() {}, get scope() { reads++; return { id: 's' }; } });
  assert.equal(reads, 1, 'each option is read once');
  client.dispose();
  assert.throws(() => client.mutation({ mutationFn() {} }), { name: 'Error', message: 'stackquery: this QueryClient has been disposed' });
  assert.equal(client.getMutationCache().getAll().length, 0, 'nothing added to a disposed client');
});

test('a run waiting for its scope when the client is disposed rejects without running; the running one ends', async () => {
  const client = new QueryClient();
  let release;
  const ran = [];
  const first = client.mutation({ scope: { id: 'cart' }, mutationFn: (v) => { ran.push(v); return new Promise((r) => { release = r; }); } });
  const second = client.mutation({ scope: { id: 'cart' }, mutationFn: async (v) => { ran.push(v); return v; } });
  const a = first.mutate('a');
  const b = second.mutate('b');
  await sleep(5);
  assert.equal(client.isMutating(), 2);
  assert.equal(second.state.isPaused, true, 'waiting for its turn');
  client.dispose();
  await assert.rejects(b, { message: 'stackquery: this QueryClient has been disposed' });
  assert.equal(second.state.status, 'error');
  release('done');
  assert.equal(await a, 'done', 'the run under way goes to its end');
  assert.deepEqual(ran, ['a'], 'the waiting run never reached its mutationFn');
  assert.equal(client.isMutating(), 0);
  await assert.rejects(first.mutate('c'), { message: 'stackquery: this QueryClient has been disposed' });
});

test('offline: resumePausedMutations() resolves at once and runs nothing; online, the paused runs go on', async () => {
  const client = new QueryClient();
  let runs = 0;
  const m = client.mutation({ mutationFn: async (v) => { runs++; return v; } });
  onlineManager.setOnline(false);
  try {
    const run = m.mutate('x');
    await sleep(5);
    assert.equal(m.state.isPaused, true);
    await client.resumePausedMutations(); // offline: at once
    assert.equal(runs, 0);
    assert.equal(m.state.isPaused, true);
    onlineManager.setOnline(true);
    assert.equal(await run, 'x');
    assert.equal(runs, 1);
    assert.equal(m.state.isPaused, false);
  } finally {
    onlineManager.setOnline(true);
    client.dispose();
  }
});

test('a listener cycle through a mutation is refused at 16 nested calls with a RangeError; the mutation works after', async () => {
  const client = new QueryClient();
  const m = client.mutation({ mutationFn: async (v) => v });
  const errors = [];
  const unsubscribe = m.subscribe(() => {
    try {
      m.reset();
    } catch (e) {
      errors.push(e);
    }
  });
  m.reset();
  assert.equal(errors.length, 1, 'refused once, where the chain went too deep');
  assert.ok(errors[0] instanceof RangeError);
  assert.match(errors[0].message, /^stackquery: Mutation\.reset was refused: calls into stackquery were already nested 16 deep/);
  unsubscribe();
  await sleep(0);
  assert.equal(await m.mutate('again'), 'again');
  assert.equal(m.state.status, 'success');
  client.dispose();
});

test("every step of a run gets TanStack's last argument { client, meta, mutationKey }, one object per run", async () => {
  const { MutationCache } = await import('../../pkg/nodejs/stackquery.js');
  const seen = [];
  const note = (step) => (...args) => { seen.push([step, args[args.length - 1]]); };
  const client = new QueryClient({
    mutationCache: new MutationCache({ onMutate: note('cache onMutate'), onSuccess: note('cache onSuccess'), onSettled: note('cache onSettled') }),
  });
  const meta = { label: 'save' };
  const m = client.mutation({
    mutationKey: ['todos', 'save'],
    meta,
    mutationFn: async (v, context) => { note('mutationFn')(v, context); return v * 2; },
    onMutate: note('onMutate'),
    onSuccess: note('onSuccess'),
    onSettled: note('onSettled'),
  });
  assert.equal(await m.mutate(21, { onSuccess: note('call onSuccess'), onSettled: note('call onSettled') }), 42);
  await sleep(0); // the call's callbacks are not awaited
  assert.deepEqual(seen.map(([step]) => step), ['cache onMutate', 'onMutate', 'mutationFn', 'cache onSuccess', 'onSuccess', 'cache onSettled', 'onSettled', 'call onSuccess', 'call onSettled']);
  const first = seen[0][1];
  for (const [step, context] of seen) {
    assert.equal(context, first, `${step}: the run's one context object`);
  }
  assert.equal(first.client, client, 'the client the mutation belongs to');
  assert.equal(first.meta, meta);
  assert.deepEqual(first.mutationKey, ['todos', 'save']);
  // The cache's callbacks still get the mutation before it.
  const cacheSeen = [];
  const client2 = new QueryClient({ mutationCache: new MutationCache({ onError: (...args) => cacheSeen.push(args) }) });
  const failing = client2.mutation({ mutationFn: async () => { throw new Error('no'); }, onError: (...args) => cacheSeen.push(args) });
  await assert.rejects(failing.mutate(1), /no/);
  assert.equal(cacheSeen.length, 2);
  assert.equal(cacheSeen[0][3], failing, 'the cache onError: (error, variables, onMutateResult, mutation, context)');
  assert.equal(cacheSeen[0][4].client, client2);
  assert.equal(cacheSeen[1][3].client, client2, "the mutation's own onError: (error, variables, onMutateResult, context)");
  assert.equal(cacheSeen[1][3].mutationKey, undefined);
  assert.notEqual(cacheSeen[1][3], first, 'a new object per run');
  client.dispose();
  client2.dispose();
});

test("a callback that throws counts one failure, as TanStack's error step does; mutationFn's failures count as before", async () => {
  const client = new QueryClient();
  const boom = new Error('callback');
  const cases = [
    [{ mutationFn: async () => 1, onMutate: () => { throw boom; } }, 1, 0],
    [{ mutationFn: async () => 1, onSuccess: () => { throw boom; } }, 1, 1],
    [{ mutationFn: async () => 1, onSettled: () => { throw boom; } }, 1, 1],
    [{ mutationFn: async () => { throw boom; } }, 1, 1],
    [{ mutationFn: async () => { throw boom; }, retry: 2, retryDelay: 1 }, 3, 3],
  ];
  let runs;
  for (const [options, failureCount, expectedRuns] of cases) {
    runs = 0;
    const fn = options.mutationFn;
    const m = client.mutation({ ...options, mutationFn: (...args) => { runs++; return fn(...args); } });
    await assert.rejects(m.mutate(0), (e) => e === boom);
    assert.equal(m.state.status, 'error');
    assert.equal(m.state.failureCount, failureCount, Object.keys(options).join(', '));
    assert.equal(m.state.failureReason, boom);
    assert.equal(runs, expectedRuns, 'a throwing callback never re-runs mutationFn');
  }
  // After retries that succeeded, a throwing onSuccess adds one to their count.
  let attempts = 0;
  const m = client.mutation({
    mutationFn: async () => { attempts++; if (attempts < 3) throw new Error(`try ${attempts}`); return 'ok'; },
    retry: 5,
    retryDelay: 1,
    onSuccess: () => { throw boom; },
  });
  await assert.rejects(m.mutate(0), (e) => e === boom);
  assert.equal(m.state.failureCount, 3, 'two failed attempts, then the throwing onSuccess');
  client.dispose();
});
