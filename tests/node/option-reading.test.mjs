// The engine reads an options object in one call (js/option_reader.js writes each value's
// kind into wasm memory; src/bindings/option_reader.rs checks them there). Whatever the
// path, a user sees what they saw when each property was read on its own: every value of
// every kind is taken as it was, every wrong one is the TypeError or RangeError that names
// its option, a throwing getter's own error comes out, and nothing leaves the client broken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient, QueryObserver } from '../../pkg/nodejs/stackquery.js';

const key = ['reading', 1];
const queryFn = () => Promise.resolve({ n: 1 });

// [option, value, the error a call gets]: each through fetchQuery and through an observer.
const wrong = [
  ['staleTime', 'soon', TypeError, /staleTime must be a number of milliseconds, Infinity or 'static', got string/],
  ['staleTime', -1, RangeError, /staleTime must not be negative/],
  ['gcTime', {}, TypeError, /gcTime must be a number of milliseconds or Infinity, got an object/],
  ['retry', -2, RangeError, /retry must be a count of retries ≥ 0, got -2/],
  ['retry', 'x', TypeError, /retry must be a number, a boolean or a function/],
  ['retryDelay', Infinity, RangeError, /retryDelay must be finite/],
  ['networkMode', 'sometimes', TypeError, /networkMode must be 'online', 'offlineFirst' or 'always', got string/],
  ['persist', 'yes', TypeError, /persist must be a boolean, got string/],
  ['structuralSharing', 3, TypeError, /structuralSharing must be a boolean or a function/],
  ['queryFn', 'fetch', TypeError, /queryFn must be a function/],
];
const wrongForObservers = [
  ['enabled', 'yes', TypeError, /enabled must be a boolean, got string/],
  ['refetchOnWindowFocus', 'never', TypeError, /refetchOnWindowFocus must be true, false or 'always', got string/],
  ['refetchOnMount', 1, TypeError, /refetchOnMount must be true, false or 'always', got number/],
  ['retryOnMount', null, TypeError, /retryOnMount must be a boolean, got null/],
  ['select', 1, TypeError, /select must be a function/],
  ['refetchInterval', -5, RangeError, /refetchInterval must be a positive number of milliseconds/],
  ['refetchInterval', 'often', TypeError, /refetchInterval must be a number of milliseconds or false/],
  ['refetchIntervalInBackground', 0, TypeError, /refetchIntervalInBackground must be a boolean, got number/],
];

test('every wrong option value is the error naming it, through fetchQuery and an observer; the client goes on', async () => {
  const client = new QueryClient();
  for (const [option, value, Kind, message] of wrong) {
    await assert.rejects(async () => client.fetchQuery({ queryKey: key, queryFn, [option]: value }), (e) => e instanceof Kind && message.test(e.message), `fetchQuery ${option}: ${String(value)}`);
    assert.throws(() => new QueryObserver(client, { queryKey: key, queryFn, [option]: value }), (e) => e instanceof Kind && message.test(e.message), `observer ${option}: ${String(value)}`);
  }
  for (const [option, value, Kind, message] of wrongForObservers) {
    assert.throws(() => new QueryObserver(client, { queryKey: key, queryFn, [option]: value }), (e) => e instanceof Kind && message.test(e.message), `observer ${option}: ${String(value)}`);
    const observer = new QueryObserver(client, { queryKey: key, queryFn });
    assert.throws(() => observer.setOptions({ queryKey: key, queryFn, [option]: value }), (e) => e instanceof Kind && message.test(e.message), `setOptions ${option}`);
    observer.destroy();
  }
  assert.deepEqual(await client.fetchQuery({ queryKey: key, queryFn }), { n: 1 });
  client.dispose();
});

test('the client options: each wrong value names its option; none given, null or {} are the defaults', async () => {
  const cases = [
    [{ maxEntries: 0 }, RangeError, /maxEntries must be at least 1/],
    [{ maxEntries: '10' }, TypeError, /maxEntries must be a number, got string/],
    [{ staleTime: NaN }, RangeError, /staleTime must be a number of milliseconds, got NaN/],
    [{ runtime: 'moon' }, TypeError, /runtime must be 'auto', 'browser', 'server' or 'edge', got 'moon'/],
    [{ refetchOnReconnect: 'yes' }, TypeError, /refetchOnReconnect must be true, false or 'always'/],
    [{ retryDelay: () => 1, retry: {} }, TypeError, /retry must be a number, a boolean or a function/],
  ];
  for (const [options, Kind, message] of cases) {
    assert.throws(() => new QueryClient(options), (e) => e instanceof Kind && message.test(e.message), JSON.stringify(options));
  }
  for (const options of [undefined, null, {}]) {
    const client = new QueryClient(options);
    await client.fetchQuery({ queryKey: key, queryFn });
    assert.deepEqual(client.getQueryState(key).data, { n: 1 });
    client.dispose();
  }
});

test('values of every kind are taken as given: strings, Infinity, functions, objects', async () => {
  const client = new QueryClient({ staleTime: 'static', retry: false, networkMode: 'always', refetchOnWindowFocus: 'always' });
  let made = 0;
  const meta = { owner: 'reading' };
  const data = await client.fetchQuery({
    queryKey: ['kinds'], queryFn: () => ({ made: ++made }), gcTime: Infinity, retryDelay: (n) => n * 10,
    meta, networkMode: 'offlineFirst', structuralSharing: (old, next) => next, initialData: undefined,
  });
  assert.deepEqual(data, { made: 1 });
  assert.equal(client.getQueryCache().find({ queryKey: ['kinds'] }).meta, meta, 'meta is the very object given');
  // staleTime 'static' from the client: never refetched, not even by fetchQuery.
  assert.deepEqual(await client.fetchQuery({ queryKey: ['kinds'], queryFn: () => ({ made: ++made }) }), { made: 1 });

  const observer = new QueryObserver(client, {
    queryKey: ['observed'], queryFn: () => ({ v: 2 }), select: (d) => d.v * 10, placeholderData: { v: 0 },
    enabled: true, refetchInterval: false, refetchOnMount: 'always', retryOnMount: false, refetchIntervalInBackground: true,
  });
  assert.equal(observer.getCurrentResult().data, 0, 'placeholderData, passed through select');
  const settled = new Promise((resolve) => {
    const off = observer.subscribe((r) => { if (r.status === 'success') { off(); resolve(r); } });
  });
  assert.equal((await settled).data, 20);
  observer.destroy();
  client.dispose();
});

test('a throwing getter on an option throws its own error, and nothing is left half made', async () => {
  class Mine extends Error {}
  const client = new QueryClient();
  for (const option of ['staleTime', 'retry', 'networkMode', 'select', 'refetchInterval', 'enabled']) {
    const options = { queryKey: key, queryFn };
    Object.defineProperty(options, option, { enumerable: true, get() { throw new Mine(option); } });
    assert.throws(() => new QueryObserver(client, options), (e) => e instanceof Mine && e.message === option, `observer ${option}`);
  }
  const clientOptions = {};
  Object.defineProperty(clientOptions, 'gcTime', { enumerable: true, get() { throw new Mine('gcTime'); } });
  assert.throws(() => new QueryClient(clientOptions), (e) => e instanceof Mine);
  assert.equal(client.getQueryCache().getAll().length, 0, 'no query was made by the refused calls');
  assert.deepEqual(await client.fetchQuery({ queryKey: key, queryFn }), { n: 1 });
  client.dispose();
});

test('errors come in the order the options are checked: a wrong option before a later throwing getter, a throwing getter before a later wrong option', async () => {
  class Mine extends Error {}
  const throwing = (options, name) => Object.defineProperty(options, name, { enumerable: true, get() { throw new Mine(name); } });
  const client = new QueryClient();
  const observer = new QueryObserver(client, { queryKey: key, queryFn });
  const calls = [
    ['fetchQuery', (o) => client.fetchQuery(o)],
    ['new QueryObserver', (o) => new QueryObserver(client, o)],
    ['setOptions', (o) => observer.setOptions(o)],
  ];
  // [earlier wrong option, its value, the later option whose getter throws]; the last of
  // each list too (structuralSharing, and an observer's refetchIntervalInBackground).
  const pairs = [
    ['staleTime', 'soon', 'structuralSharing'],
    ['queryFn', 'fetch', 'retry'],
    ['retry', -1, 'networkMode'],
  ];
  for (const [label, call] of calls) {
    for (const [wrongName, wrongValue, getterName] of pairs) {
      const wrongFirst = throwing({ queryKey: key, queryFn, [wrongName]: wrongValue }, getterName);
      await assert.rejects(async () => call(wrongFirst), (e) => !(e instanceof Mine) && e.message.includes(wrongName), `${label}: ${wrongName} is checked before ${getterName} is read`);
      const getterFirst = throwing({ queryKey: key, queryFn }, wrongName);
      getterFirst[getterName] = wrongValue;
      await assert.rejects(async () => call(getterFirst), (e) => e instanceof Mine && e.message === wrongName, `${label}: ${wrongName}'s getter throws before ${getterName} is checked`);
    }
  }
  for (const [label, call] of calls.slice(1)) {
    const wrongFirst = throwing({ queryKey: key, queryFn, enabled: 'yes' }, 'refetchIntervalInBackground');
    assert.throws(() => call(wrongFirst), (e) => e instanceof TypeError && /enabled must be a boolean/.test(e.message), `${label}: enabled before the last observer option`);
    const getterFirst = throwing({ queryKey: key, queryFn, refetchIntervalInBackground: 0 }, 'enabled');
    assert.throws(() => call(getterFirst), (e) => e instanceof Mine && e.message === 'enabled', `${label}: enabled's getter first`);
  }
  const clientWrongFirst = throwing({ staleTime: NaN }, 'refetchOnReconnect');
  assert.throws(() => new QueryClient(clientWrongFirst), (e) => e instanceof RangeError && /staleTime/.test(e.message));
  const clientGetterFirst = throwing({ refetchOnReconnect: 'yes' }, 'staleTime');
  assert.throws(() => new QueryClient(clientGetterFirst), (e) => e instanceof Mine && e.message === 'staleTime');
  assert.deepEqual(await client.fetchQuery({ queryKey: key, queryFn }), { n: 1 });
  observer.destroy();
  client.dispose();
});

test('a getter that grows the engine\'s memory while the options are read still has its value taken', async () => {
  const { memoryStats } = await import('../../pkg/nodejs/stackquery.js');
  const client = new QueryClient({ maxEntries: 1_000_000 });
  client.setQueryData(['grown'], { n: 1 });
  let batch = 0;
  const grow = () => {
    const before = memoryStats().memoryBytes;
    batch += 1;
    // New queries until the wasm memory has grown (which detaches every view of it).
    for (let i = 0; memoryStats().memoryBytes === before && i < 200_000; i++) client.setQueryData(['filler', batch, i], { i });
    assert.ok(memoryStats().memoryBytes > before, 'the getter grew the wasm memory');
  };
  let fetched = 0;
  const options = { queryKey: ['grown'], queryFn: () => { fetched++; return { n: 2 }; } };
  Object.defineProperty(options, 'staleTime', { enumerable: true, get() { grow(); return Infinity; } });
  const observer = new QueryObserver(client, options);
  const unsubscribe = observer.subscribe(() => {});
  await new Promise((resolve) => setTimeout(resolve, 10));
  // With staleTime 0 (what a lost value would read as) the mount would refetch the data.
  assert.equal(fetched, 0, 'staleTime: Infinity was taken: the fresh data was not refetched on mount');
  assert.equal(observer.getCurrentResult().isStale, false);
  assert.deepEqual(observer.getCurrentResult().data, { n: 1 });
  unsubscribe();
  observer.destroy();
  client.dispose();
});
