// The durable mutation outbox (issue 16; js/face/mutation_outbox.js, persisted_mutation.js,
// outbox_replay.js) in one Node process: a persisted mutation's record is in storage before
// its mutationFn runs and gone once it settled; a "restart" (a second client on a second
// storage object over the same data, as another process would have) runs what was cut
// short, with the mutationFn of setMutationDefaults, in scope order, once; clear() removes
// the records; a failing storage never stops a mutation. The restart across real processes
// with Redis is tests/node/mutation-outbox-restart.test.mjs; across a reload in Chromium,
// tests/app/mutation-outbox-reload.test.mjs.
// The package folder is pkg/, or STACKQUERY_PKG.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const pkg = resolve(process.env.STACKQUERY_PKG || join(import.meta.dirname, '../../pkg'));
const { QueryClient, MemoryStorage, MutationCache, onlineManager } = await import(pathToFileURL(join(pkg, 'nodejs/stackquery.js')));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const never = () => new Promise(() => {});
const OUTBOX = 'stackquery:~outbox:';

/**
 * A storage object over `map` (shared by the "processes" of a test), with keys(prefix)
 * unless `listsKeys: false`; `delay` ms per call; `fail(method, key)` → throw.
 */
function mapStorage(map, { listsKeys = true, delay = 0, fail, reversed = false } = {}) {
  const wait = () => (delay ? sleep(delay) : undefined);
  const storage = {
    calls: [],
    async get(key) { storage.calls.push(['get', key]); await wait(); if (fail?.('get', key)) throw new Error('get failed'); return map.get(key) ?? null; },
    async set(key, value) { storage.calls.push(['set', key]); await wait(); if (fail?.('set', key)) throw new Error('set failed: token=secret-token-123'); map.set(key, value); },
    async delete(key) { storage.calls.push(['delete', key]); await wait(); if (fail?.('delete', key)) throw new Error('delete failed'); map.delete(key); },
  };
  if (listsKeys) {
    storage.keys = async (prefix) => {
      const keys = [...map.keys()].filter((k) => k.startsWith(prefix));
      return reversed ? keys.reverse() : keys; // a store lists in an order of its own
    };
  }
  return storage;
}
const records = (map) => [...map.entries()].filter(([k]) => k.startsWith(OUTBOX)).map(([, v]) => JSON.parse(v));

/** console.warn calls during `fn`. */
async function warnings(fn) {
  const seen = [];
  const warn = console.warn;
  console.warn = (...args) => seen.push(args.join(' '));
  try {
    await fn();
  } finally {
    console.warn = warn;
  }
  return seen;
}

const clients = [];
const make = (options) => {
  const c = new QueryClient(options);
  clients.push(c);
  return c;
};
afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
  onlineManager.setOnline(true);
});

// First: the warning is once per name for the life of the process.
test('persist is a known mutation option: no unknown-option warning', async () => {
  const seen = await warnings(async () => {
    const client = make({ storage: mapStorage(new Map()), defaultOptions: { mutations: { persist: true } } });
    client.setMutationDefaults(['w'], { persist: true });
    await client.mutation({ mutationKey: ['w'], persist: true, mutationFn: async () => 1 }).mutate();
  });
  assert.deepEqual(seen.filter((w) => /persist/.test(w)), [], seen.join('\n'));
});

test('the record is written before mutationFn runs, holds key, variables, scope and time, and goes once it succeeded', async () => {
  const map = new Map();
  const storage = mapStorage(map, { delay: 30 }); // a slow write: mutationFn must still find it
  const client = make({ storage });
  let seen;
  const before = Date.now();
  const m = client.mutation({
    mutationKey: ['todos', 'add'],
    persist: true,
    scope: { id: 'todos' },
    mutationFn: async (v) => {
      seen = records(map);
      return { saved: v.title };
    },
  });
  const done = m.mutate({ title: 'milk', n: 1 });
  assert.equal(m.state.status, 'pending');
  assert.deepEqual(await done, { saved: 'milk' });
  assert.equal(seen.length, 1, 'the record was in storage when mutationFn ran');
  const [r] = seen;
  assert.deepEqual([r.mutationKey, r.variables, r.scope], [['todos', 'add'], { title: 'milk', n: 1 }, 'todos']);
  assert.ok(r.submittedAt >= before && r.submittedAt <= Date.now(), 'submittedAt');
  assert.match(r.id, /^[0-9a-z]+-[0-9a-z]+$/);
  await sleep(100);
  assert.deepEqual(records(map), [], 'deleted once the run settled');
  assert.ok(![...map.keys()].some((k) => k.startsWith('stackquery:[')), 'no query entry was written');
});

test('a storageTimeout past what setTimeout can hold bounds nothing: a slow record write is still waited for', async () => {
  const map = new Map();
  const heard = [];
  const storage = mapStorage(map, { delay: 30 });
  const client = make({ storage, storageTimeout: 2 ** 40, onStorageError: (e, operation) => heard.push(`${operation}: ${e.name}`) });
  let seen;
  const m = client.mutation({
    mutationKey: ['todos', 'add'],
    persist: true,
    mutationFn: async () => { seen = records(map).length; return 'ok'; },
  });
  assert.equal(await m.mutate({ title: 'milk' }), 'ok');
  assert.equal(seen, 1, 'the record was written before mutationFn ran');
  await sleep(100);
  assert.deepEqual(heard, [], 'no storage call was given up on');
});

test('MemoryStorage: the record is there while mutationFn runs, and outside the query entries range', async () => {
  const storage = new MemoryStorage();
  const client = make({ storage });
  let release;
  const m = client.mutation({ mutationKey: ['k'], persist: true, mutationFn: () => new Promise((r) => { release = r; }) });
  const done = m.mutate(7);
  while (release === undefined) await sleep(1);
  const keys = await storage.keys('');
  assert.equal(keys.length, 1);
  assert.ok(keys[0].startsWith(OUTBOX) && !keys[0].startsWith('stackquery:['), keys[0]);
  assert.equal(JSON.parse(await storage.get(keys[0])).variables, 7);
  await client.clear().catch(() => {}); // not this test's subject; see the clear() test
  release('ok');
  assert.equal(await done, 'ok');
  await sleep(20);
  assert.deepEqual(await storage.keys(''), []);
});

test('error path: the record goes after the last retry fails (MutationCache onError heard it)', async () => {
  const map = new Map();
  const errors = [];
  const client = make({ storage: mapStorage(map), mutationCache: new MutationCache({ onError: (e) => errors.push(e.message) }) });
  let calls = 0;
  let during;
  const m = client.mutation({
    mutationKey: ['fails'], persist: true, retry: 1, retryDelay: 1,
    mutationFn: async () => { calls++; during = records(map).length; throw new Error('server says no'); },
  });
  await assert.rejects(m.mutate({ a: 1 }), /server says no/);
  assert.equal(calls, 2, 'retried once');
  assert.equal(during, 1, 'the record was there during the retries');
  assert.deepEqual(errors, ['server says no']);
  await sleep(20);
  assert.deepEqual(records(map), [], 'a mutation that failed finally leaves no record');
});

test('no record without persist; persist from setMutationDefaults and defaultOptions.mutations; bad persist options throw', async () => {
  const map = new Map();
  const seenDuring = [];
  const fn = async () => { seenDuring.push(records(map).length); };
  const client = make({ storage: mapStorage(map), defaultOptions: { mutations: {} } });
  await client.mutation({ mutationKey: ['plain'], mutationFn: fn }).mutate(1);
  await client.mutation({ mutationKey: ['plain'], persist: false, mutationFn: fn }).mutate(1);
  client.setMutationDefaults(['by-key'], { persist: true });
  await client.mutation({ mutationKey: ['by-key', 1], mutationFn: fn }).mutate(1);
  assert.deepEqual(seenDuring, [0, 0, 1]);

  const global = make({ storage: mapStorage(new Map()), defaultOptions: { mutations: { persist: true } } });
  const gmap = new Map();
  const g = make({ storage: mapStorage(gmap), defaultOptions: { mutations: { persist: true } } });
  const during = [];
  await g.mutation({ mutationKey: ['with-key'], mutationFn: async () => { during.push(records(gmap).length); } }).mutate();
  // A client-wide default applies to mutations with a key only: none here, and no error.
  await g.mutation({ mutationFn: async () => { during.push(records(gmap).length); } }).mutate();
  assert.deepEqual(during, [1, 0]);
  assert.ok(global);

  assert.throws(() => client.mutation({ persist: true, mutationFn: fn }), { name: 'TypeError', message: /persist: true needs a mutationKey/ });
  assert.throws(() => client.mutation({ mutationKey: ['x'], persist: 'yes', mutationFn: fn }), { name: 'TypeError', message: /persist must be a boolean/ });
});

/** Client A ("the first process") submits runs whose mutationFn never settles, then goes away. */
async function cutShort(map, runs, options = {}) {
  const a = make({ storage: mapStorage(map, options) });
  for (const [key, variables, scope] of runs) {
    a.mutation({ mutationKey: key, persist: true, scope: scope && { id: scope }, mutationFn: never }).mutate(variables).catch(() => {}); // those waiting for their scope: disposed
  }
  while (records(map).length < runs.length) await sleep(2);
  a.dispose(); // what a restart leaves: records, and nobody running them
}

test('restart: a second client resumes with the mutationFn of setMutationDefaults, in scope order, each once', async () => {
  const map = new Map();
  await cutShort(map, [
    [['todos', 'add'], { title: 'first' }, 'todos'],
    [['todos', 'add'], { title: 'second' }, 'todos'],
    [['todos', 'add'], { title: 'third' }, 'todos'],
    [['other'], 'unscoped', undefined],
  ]);
  assert.equal(records(map).length, 4, 'dispose() keeps the records');
  // The restarted process: a new storage object (listing the newest first).
  const b = make({ storage: mapStorage(map, { reversed: true }) });
  const log = [];
  let running = 0;
  let overlapped = false;
  b.setMutationDefaults(['todos'], {
    mutationFn: async (v) => {
      running++;
      if (running > 1) overlapped = true;
      log.push(`start ${v.title}`);
      await sleep(15);
      log.push(`end ${v.title}`);
      running--;
      return v.title;
    },
  });
  b.setMutationDefaults(['other'], { mutationFn: async (v) => { log.push(`other ${v}`); } });
  const successes = [];
  b.getMutationCache().subscribe((e) => { if (e.action?.type === 'success') successes.push(e.mutation.options.mutationKey[0]); });
  await b.resumePausedMutations();
  assert.equal(overlapped, false, 'one scope: one run at a time');
  const todos = log.filter((l) => !l.startsWith('other'));
  assert.deepEqual(todos, ['start first', 'end first', 'start second', 'end second', 'start third', 'end third'], 'in the order submitted');
  assert.deepEqual(log.filter((l) => l.startsWith('other')), ['other unscoped']);
  assert.equal(successes.length, 4, 'each ran once, as mutations of the client');
  await sleep(20);
  assert.deepEqual(records(map), [], 'acknowledged: deleted');
  await b.resumePausedMutations();
  assert.equal(log.length, 7, 'a second resume runs nothing');
});

test('exactly once: concurrent resumes, and two clients of one page, take each record once', async () => {
  const map = new Map();
  await cutShort(map, [[['inc'], 1], [['inc'], 2], [['inc'], 3]]);
  const storage = mapStorage(map, { delay: 5 });
  const b = make({ storage });
  const c = make({ storage });
  const runs = [];
  for (const client of [b, c]) client.setMutationDefaults(['inc'], { mutationFn: async (v) => { runs.push(v); await sleep(10); } });
  await Promise.all([b.resumePausedMutations(), b.resumePausedMutations(), c.resumePausedMutations(), c.resumePausedMutations()]);
  assert.deepEqual(runs.sort(), [1, 2, 3]);
  await Promise.all([b.resumePausedMutations(), c.resumePausedMutations()]);
  assert.deepEqual(runs.sort(), [1, 2, 3], 'still once each');
  await sleep(20);
  assert.deepEqual(records(map), []);
});

test('a resume never runs a record whose mutationFn is running in this page', async () => {
  const storage = new MemoryStorage();
  const a = make({ storage });
  const b = make({ storage });
  let calls = 0;
  let release;
  a.setMutationDefaults(['live'], { mutationFn: () => { calls++; return new Promise((r) => { release = r; }); } });
  b.setMutationDefaults(['live'], { mutationFn: async () => { calls++; } });
  const done = a.mutation({ mutationKey: ['live'], persist: true }).mutate('x');
  while (release === undefined) await sleep(1);
  await Promise.all([a.resumePausedMutations(), b.resumePausedMutations()]);
  assert.equal(calls, 1);
  release();
  await done;
  await sleep(20);
  assert.deepEqual(await storage.keys(OUTBOX), []);
});

test('a record restored that fails finally is removed and reported to MutationCache onError: no endless replays', async () => {
  const map = new Map();
  await cutShort(map, [[['doomed'], { id: 9 }]]);
  const reported = [];
  const b = make({ storage: mapStorage(map), mutationCache: new MutationCache({ onError: (e, v) => reported.push([e.message, v]) }) });
  let calls = 0;
  b.setMutationDefaults(['doomed'], { retry: 2, retryDelay: 1, mutationFn: async () => { calls++; throw new Error('gone for good'); } });
  await b.resumePausedMutations();
  assert.equal(calls, 3, 'its retries, once');
  assert.deepEqual(reported, [['gone for good', { id: 9 }]]);
  await sleep(20);
  assert.deepEqual(records(map), []);
  await b.resumePausedMutations();
  assert.equal(calls, 3);
});

test('a record without a registered mutationFn stays (one warning naming its key) until one is registered', async () => {
  const map = new Map();
  await cutShort(map, [[['unregistered', 'k'], 'v']]);
  const b = make({ storage: mapStorage(map) });
  const seen = await warnings(async () => {
    await b.resumePausedMutations();
    await b.resumePausedMutations();
  });
  assert.equal(seen.filter((w) => w.includes('["unregistered","k"]')).length, 1, seen.join('\n'));
  assert.equal(records(map).length, 1, 'kept');
  const runs = [];
  b.setMutationDefaults(['unregistered'], { mutationFn: async (v) => { runs.push(v); } });
  await b.resumePausedMutations();
  assert.deepEqual(runs, ['v']);
});

test('clear() deletes every record, those of earlier sessions too; dispose() deletes none', async () => {
  for (const listsKeys of [true, false]) {
    const map = new Map();
    await cutShort(map, [[['a'], 1], [['b'], 2]], { listsKeys });
    assert.equal(records(map).length, 2);
    if (!listsKeys) assert.ok(map.has('stackquery:~outbox#index'), 'a storage without keys() gets an index');
    const b = make({ storage: mapStorage(map, { listsKeys }) });
    b.setQueryData(['q'], 1);
    await b.flush();
    await b.clear();
    assert.deepEqual(records(map), [], `listsKeys ${listsKeys}: no record left`);
    assert.ok(![...map.keys()].some((k) => k.includes('~outbox')), `listsKeys ${listsKeys}: nor index: ${[...map.keys()]}`);
    const runs = [];
    b.setMutationDefaults(['a'], { mutationFn: async () => runs.push('a') });
    await b.resumePausedMutations();
    assert.deepEqual(runs, [], 'nothing to resume after a log-out');
  }
});

test('clear() waits for a record being written: none lands after the log-out', async () => {
  const map = new Map();
  const client = make({ storage: mapStorage(map, { delay: 40 }) });
  void client.mutation({ mutationKey: ['late'], persist: true, mutationFn: never }).mutate({ secret: 'user data' });
  await client.clear();
  await sleep(100);
  assert.deepEqual(records(map), []);
});

test('a storage without keys(): the index lists the records, a restart resumes them, and acknowledged ids leave it', async () => {
  const map = new Map();
  await cutShort(map, [[['x'], 1, 's'], [['x'], 2, 's']], { listsKeys: false });
  const index = JSON.parse(map.get('stackquery:~outbox#index'));
  assert.equal(index.ids.length, 2);
  const b = make({ storage: mapStorage(map, { listsKeys: false }) });
  const runs = [];
  b.setMutationDefaults(['x'], { mutationFn: async (v) => { runs.push(v); } });
  await b.resumePausedMutations();
  assert.deepEqual(runs, [1, 2]);
  await sleep(30);
  assert.deepEqual(records(map), []);
  assert.deepEqual(JSON.parse(map.get('stackquery:~outbox#index')).ids, []);
});

test('storage failures never stop a mutation, and the warning names no secret', async () => {
  const map = new Map();
  let calls = 0;
  const seen = await warnings(async () => {
    const client = make({ storage: mapStorage(map, { fail: (method) => method === 'set' }) });
    const m = client.mutation({ mutationKey: ['w'], persist: true, mutationFn: async (v) => { calls++; return v; } });
    assert.equal(await m.mutate(1), 1);
    assert.equal(await m.mutate(2), 2);
  });
  assert.equal(calls, 2);
  const mine = seen.filter((w) => /persisted mutation/.test(w));
  assert.equal(mine.length, 1, `one warning for the outage: ${seen.join('\n')}`);
  assert.ok(!mine[0].includes('secret-token-123'), mine[0]);

  // A storage that never answers: mutationFn runs after storageTimeout.
  const hung = { get: never, set: never, delete: never, keys: never };
  const reports = [];
  const client = make({ storage: hung, storageTimeout: 100, onStorageError: (e, op, key) => reports.push([e.name, op, key.split(':').slice(0, 2).join(':')]) });
  const started = Date.now();
  assert.equal(await client.mutation({ mutationKey: ['h'], persist: true, mutationFn: async () => 'ran' }).mutate(), 'ran');
  const took = Date.now() - started;
  assert.ok(took >= 90 && took < 2_000, `waited for the write about storageTimeout: ${took} ms`);
  assert.deepEqual(reports[0], ['TimeoutError', 'set', 'stackquery:~outbox'], JSON.stringify(reports));
});

test('variables that are not JSON: one warning, no record, the mutation runs', async () => {
  const map = new Map();
  const runs = [];
  const seen = await warnings(async () => {
    const client = make({ storage: mapStorage(map) });
    const m = client.mutation({ mutationKey: ['dates'], persist: true, mutationFn: async (v) => { runs.push(records(map).length); return v; } });
    await m.mutate({ when: new Date(0) });
    await m.mutate({ when: new Date(1) });
    await m.mutate({ n: 1 }); // JSON: recorded
  });
  assert.deepEqual(runs, [0, 0, 1]);
  assert.equal(seen.filter((w) => w.includes('["dates"]') && w.includes('Date')).length, 1, seen.join('\n'));
});

test('a run cut short by dispose() before it began stays, and another client of the page resumes it', async () => {
  const storage = new MemoryStorage();
  const a = make({ storage });
  let blockerRelease;
  a.setMutationDefaults(['q'], { persist: true, scope: { id: 'one' } });
  const blocker = a.mutation({ mutationKey: ['q'], mutationFn: () => new Promise((r) => { blockerRelease = r; }) });
  const waiting = a.mutation({ mutationKey: ['q'], mutationFn: async () => 'never here' });
  const first = blocker.mutate('first');
  const second = waiting.mutate('second'); // waits for its scope
  while ((await storage.keys(OUTBOX)).length < 2) await sleep(2);
  a.dispose();
  await assert.rejects(second, /disposed/);
  blockerRelease('done');
  await first;
  await sleep(20);
  const left = await storage.keys(OUTBOX);
  assert.equal(left.length, 1, 'the run that never began is kept');
  const b = make({ storage });
  const runs = [];
  b.setMutationDefaults(['q'], { mutationFn: async (v) => { runs.push(v); } });
  await b.resumePausedMutations();
  assert.deepEqual(runs, ['second']);
});

test('the network coming back runs the outbox without a resume call; offline, resume runs nothing', async () => {
  const map = new Map();
  await cutShort(map, [[['net'], 'v']]);
  const b = make({ storage: mapStorage(map) });
  const runs = [];
  b.setMutationDefaults(['net'], { mutationFn: async (v) => { runs.push(v); } });
  onlineManager.setOnline(false);
  await b.resumePausedMutations();
  assert.deepEqual(runs, [], 'offline: nothing runs');
  onlineManager.setOnline(true);
  for (let i = 0; i < 100 && runs.length === 0; i++) await sleep(5);
  assert.deepEqual(runs, ['v']);
});
