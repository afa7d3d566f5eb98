// The objects user code reads on every render: a query's state, an observer's result and a
// mutation's state. Each has TanStack's fields, always in the same order, with the values the
// flags derive from; and V8 keeps each in fast mode (fields in fixed slots), so `result.data`
// in a component is a slot load and not a dictionary lookup. The last is checked in a child
// Node run with `--allow-natives-syntax` (`%HasFastProperties`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { QueryClient, QueryObserver } from '../../pkg/nodejs/stackquery.js';

const pkg = fileURLToPath(new URL('../../pkg/nodejs/stackquery.js', import.meta.url));

const RESULT_FIELDS = ['status', 'fetchStatus', 'data', 'error', 'dataUpdatedAt', 'errorUpdatedAt', 'failureCount',
  'failureReason', 'errorUpdateCount', 'isPending', 'isSuccess', 'isError',
  'isFetching', 'isPaused', 'isLoading', 'isInitialLoading', 'isRefetching', 'isStale', 'isPlaceholderData', 'isFetched',
  'isFetchedAfterMount', 'isLoadingError', 'isRefetchError', 'isEnabled', 'refetch'];

test('observer results have the same fields in every state, and flags that agree with the status', async () => {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const seen = [];
  const ok = new QueryObserver(client, { queryKey: ['ok'], queryFn: async () => ({ id: 1 }) });
  const bad = new QueryObserver(client, { queryKey: ['bad'], queryFn: async () => { throw new Error('down'); } });
  const held = new QueryObserver(client, {
    queryKey: ['held'], queryFn: () => new Promise(() => {}), placeholderData: { id: 0 },
  });
  const unsubscribe = [ok, bad, held].map((o) => o.subscribe((r) => seen.push(r)));
  seen.push(ok.getCurrentResult(), held.getCurrentResult());
  await new Promise((r) => setTimeout(r, 20));
  seen.push(ok.getCurrentResult(), bad.getCurrentResult());
  for (const r of seen) assert.deepEqual(Object.keys(r), RESULT_FIELDS);
  const okNow = ok.getCurrentResult();
  assert.equal(okNow.status, 'success');
  assert.deepEqual(okNow.data, { id: 1 });
  assert.equal(okNow.isSuccess && !okNow.isPending && !okNow.isError && okNow.isFetched, true);
  const badNow = bad.getCurrentResult();
  assert.equal(badNow.status, 'error');
  assert.equal(badNow.error.message, 'down');
  assert.equal(badNow.isLoadingError && !badNow.isRefetchError && badNow.isError, true);
  const heldNow = held.getCurrentResult();
  assert.equal(heldNow.isPlaceholderData, true);
  assert.equal(heldNow.status, 'success');
  assert.equal(heldNow.fetchStatus, 'fetching');
  assert.deepEqual(heldNow.data, { id: 0 });
  unsubscribe.forEach((u) => u());
  client.dispose();
});

test('query and mutation states carry TanStack field names and statuses', async () => {
  const client = new QueryClient();
  client.setQueryData(['k'], 1);
  assert.deepEqual(Object.keys(client.getQueryState(['k'])), ['status', 'fetchStatus', 'data', 'error', 'dataUpdatedAt',
    'errorUpdatedAt', 'fetchFailureCount', 'fetchFailureReason', 'fetchMeta', 'isInvalidated', 'dataUpdateCount', 'errorUpdateCount']);
  assert.equal(client.getQueryState(['k']).status, 'success');
  assert.equal(client.getQueryState(['k']).fetchStatus, 'idle');
  const m = client.mutation({ mutationFn: async (v) => v * 2 });
  const states = [];
  const unsubscribe = m.subscribe((s) => states.push(s.status));
  assert.equal(m.state.isIdle, true);
  assert.equal(await m.mutate(21), 42);
  const done = m.state;
  assert.equal(done.status, 'success');
  assert.equal(done.data, 42);
  assert.equal(done.variables, 21);
  assert.equal(done.isSuccess && !done.isIdle && !done.isPending && !done.isError, true);
  assert.deepEqual(states.filter((s, i) => s !== states[i - 1]), ['pending', 'success']);
  unsubscribe();
  client.dispose();
});

test('V8 keeps query states, observer results and mutation states in fast mode', () => {
  const script = `
    const { QueryClient, QueryObserver } = await import(${JSON.stringify(pkg)});
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    client.setQueryData(['k'], { id: 1 });
    const observer = new QueryObserver(client, { queryKey: ['k'], queryFn: () => 1, staleTime: Infinity });
    const off = observer.subscribe(() => {});
    const failing = new QueryObserver(client, { queryKey: ['f'], queryFn: async () => { throw new Error('x'); } });
    const offFailing = failing.subscribe(() => {});
    await new Promise((r) => setTimeout(r, 20));
    const m = client.mutation({ mutationFn: async (v) => v });
    await m.mutate(1);
    const objects = {
      state: client.getQueryState(['k']),
      result: observer.getCurrentResult(),
      error: failing.getCurrentResult(),
      mutation: m.state,
    };
    const slow = Object.entries(objects).filter(([, o]) => !%HasFastProperties(o)).map(([name]) => name);
    console.log(JSON.stringify({ slow, error: objects.error.status }));
    off(); offFailing(); client.dispose();
  `;
  const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout.trim().split('\n').pop());
  assert.equal(out.error, 'error');
  assert.deepEqual(out.slow, [], `objects in dictionary mode: ${out.slow.join(', ')}`);
});

test('a result changes, and its listeners hear, only when something it shows changed: invalidating stale data is none', async () => {
  const client = new QueryClient();
  client.setQueryData(['seen'], { v: 1 });
  const observer = new QueryObserver(client, { queryKey: ['seen'], enabled: false });
  const heard = [];
  const unsubscribe = observer.subscribe((r) => heard.push(r));
  const before = observer.getCurrentResult();
  await client.invalidateQueries({ queryKey: ['seen'] });
  assert.equal(client.getQueryState(['seen']).isInvalidated, true, 'the query is invalidated');
  assert.equal(observer.getCurrentResult(), before, 'the same result: nothing it shows moved');
  assert.equal(heard.length, 0, 'no listener call');
  assert.equal('isInvalidated' in before || 'dataUpdateCount' in before, false, 'neither is a result field (TanStack\'s results have neither)');
  client.setQueryData(['seen'], { v: 2 });
  assert.deepEqual(heard.map((r) => r.data.v), [2], 'new data is heard');
  unsubscribe();
  client.dispose();
});
