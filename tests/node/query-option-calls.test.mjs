// The user functions a query's options give are called in JavaScript (js/query_fn_context.js,
// js/query_option_calls.js, js/replace_equal_deep.js), never from wasm: what each gets and
// what its throw does, as TanStack's. And a fetch's AbortSignal is made only when the query
// function reads it (Node makes an AbortController's signal on first read; making it for
// every attempt was a third of a fetch's cost there).
import { test } from 'node:test';
import assert from 'node:assert/strict';

// Counted before the package loads: every read of an AbortController's signal.
const signalGetter = Object.getOwnPropertyDescriptor(AbortController.prototype, 'signal').get;
let signalReads = 0;
Object.defineProperty(AbortController.prototype, 'signal', {
  configurable: true,
  get() {
    signalReads++;
    return signalGetter.call(this);
  },
});
const { QueryClient } = await import('../../pkg/nodejs/stackquery.js');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test("a fetch's signal is made only when its query function reads it, and then aborts on cancel", async () => {
  const client = new QueryClient();
  const before = signalReads;
  for (let i = 0; i < 50; i++) await client.fetchQuery({ queryKey: ['plain', i], queryFn: () => i });
  assert.equal(signalReads - before, 0, 'no query function read signal: none was made');
  let signal;
  const running = client.fetchQuery({ queryKey: ['reads'], queryFn: (context) => { signal = context.signal; return new Promise(() => {}); } });
  running.catch(() => {});
  assert.ok(signal instanceof AbortSignal);
  assert.equal(signal.aborted, false);
  await client.cancelQueries({ queryKey: ['reads'] });
  assert.equal(signal.aborted, true, 'the signal read is the fetch\'s: a cancel aborts it');
  client.dispose();
});

test('a query function gets { client, queryKey, signal, meta }; a synchronous throw is a failed fetch', async () => {
  const client = new QueryClient();
  let seen;
  await client.fetchQuery({ queryKey: ['ctx', 1], meta: { m: 1 }, queryFn: (context) => { seen = context; return 'v'; } });
  assert.deepEqual(Object.keys(seen).sort(), ['client', 'meta', 'queryKey', 'signal']);
  assert.equal(seen.client, client);
  assert.deepEqual(seen.queryKey, ['ctx', 1]);
  assert.deepEqual(seen.meta, { m: 1 });
  const boom = new Error('thrown synchronously');
  await assert.rejects(client.fetchQuery({ queryKey: ['sync-throw'], queryFn: () => { throw boom; } }), (e) => e === boom);
  assert.equal(client.getQueryState(['sync-throw']).status, 'error');
  client.dispose();
});

test('retryDelay then retry are asked (failureCount, error) on every failure, as TanStack\'s; a throwing retry stops, a throwing retryDelay waits the default', async () => {
  const client = new QueryClient();
  const asked = [];
  const failure = new Error('down');
  let attempts = 0;
  await assert.rejects(client.fetchQuery({
    queryKey: ['retry-fn'],
    queryFn: () => { attempts++; throw failure; },
    retry: (count, error) => { asked.push(['retry', count, error === failure]); return count < 2; },
    retryDelay: (count, error) => { asked.push(['delay', count, error === failure]); return 1; },
  }));
  assert.equal(attempts, 3);
  assert.deepEqual(asked, [['delay', 0, true], ['retry', 0, true], ['delay', 1, true], ['retry', 1, true], ['delay', 2, true], ['retry', 2, true]]);

  // A mutation's retries ask in the same order.
  asked.length = 0;
  const mutation = client.mutation({
    mutationFn: async () => { throw failure; },
    retry: (count, error) => { asked.push(['retry', count, error === failure]); return count < 1; },
    retryDelay: (count, error) => { asked.push(['delay', count, error === failure]); return 1; },
  });
  await assert.rejects(mutation.mutate());
  assert.deepEqual(asked, [['delay', 0, true], ['retry', 0, true], ['delay', 1, true], ['retry', 1, true]]);

  attempts = 0;
  await assert.rejects(client.fetchQuery({ queryKey: ['retry-throws'], queryFn: () => { attempts++; throw failure; }, retry: () => { throw new Error('retry exploded'); } }), (e) => e === failure);
  assert.equal(attempts, 1, 'a throwing retry function counts as no retry');

  attempts = 0;
  const t0 = Date.now();
  const ok = await client.fetchQuery({
    queryKey: ['delay-throws'],
    queryFn: () => { attempts++; if (attempts < 2) throw failure; return 'second'; },
    retry: 1,
    retryDelay: () => { throw new Error('delay exploded'); },
  });
  assert.equal(ok, 'second');
  assert.ok(Date.now() - t0 >= 900, 'the default delay (1 s for the first retry) was waited');
  client.dispose();
});

test('initialData and initialDataUpdatedAt functions are called once when the query is built; a throw reaches the call', async () => {
  const client = new QueryClient();
  let calls = 0;
  const data = await client.ensureQueryData({ queryKey: ['init'], queryFn: () => 'fetched', initialData: () => { calls++; return 'initial'; }, initialDataUpdatedAt: () => 1234, staleTime: Infinity });
  assert.equal(data, 'initial');
  assert.equal(calls, 1);
  assert.equal(client.getQueryState(['init']).dataUpdatedAt, 1234);
  await client.ensureQueryData({ queryKey: ['init'], queryFn: () => 'fetched', initialData: () => { calls++; return 'again'; } });
  assert.equal(calls, 1, 'not asked again once the query exists');
  const boom = new Error('initialData exploded');
  await assert.rejects(async () => client.ensureQueryData({ queryKey: ['init-throws'], queryFn: () => 'x', initialData: () => { throw boom; } }), (e) => e === boom);
  await sleep(0);
  // The client goes on.
  assert.equal(await client.fetchQuery({ queryKey: ['after'], queryFn: () => 'ok' }), 'ok');
  client.dispose();
});

test('a structuralSharing function gets (oldData, newData) and what it gives is stored; its throw fails the fetch', async () => {
  const client = new QueryClient();
  const seen = [];
  const share = (old, next) => { seen.push([old, next]); return { ...next, shared: true }; };
  await client.fetchQuery({ queryKey: ['s'], queryFn: () => ({ n: 1 }), structuralSharing: share });
  await client.fetchQuery({ queryKey: ['s'], queryFn: () => ({ n: 2 }), structuralSharing: share, staleTime: 0 });
  assert.deepEqual(seen, [[undefined, { n: 1 }], [{ n: 1, shared: true }, { n: 2 }]]);
  assert.deepEqual(client.getQueryData(['s']), { n: 2, shared: true });
  const boom = new Error('sharing exploded');
  await assert.rejects(client.fetchQuery({ queryKey: ['s-throws'], queryFn: () => ({ n: 1 }), structuralSharing: () => { throw boom; } }), (e) => e === boom);
  assert.equal(client.getQueryData(['s-throws']), undefined);
  client.dispose();
});
