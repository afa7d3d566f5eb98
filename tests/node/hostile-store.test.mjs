// A broken or hostile store, through the built package under Node: what it says never
// carries a secret, what it sends is bounded in size and time, what it lists is bounded,
// and what it holds is not trusted (huge entries are not parsed, times in the future count
// as now). The remote stores here are small HTTP servers of the test's own on 127.0.0.1
// that misbehave on purpose (fault injection); the rest use plain storage objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { QueryClient, RemoteStorage, memoryStats } from '../../pkg/nodejs/stackquery.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** An HTTP server on 127.0.0.1 answering with `handler(req, res, body)`. */
async function fakeStore(handler) {
  const sockets = new Set();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => handler(req, res, body));
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => { for (const s of sockets) s.destroy(); return new Promise((r) => server.close(r)); },
  };
}

const TOKEN = 'AXbCTokenOfTheRemoteStore42';
const forms = (secret) => [
  secret, secret.toLowerCase(), secret.toUpperCase(),
  Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url'), encodeURIComponent(secret),
];

test('a token the store echoes back, in any case or base64, whole or cut short, never reaches an error or a warning', async () => {
  const store = await fakeStore((req, res) => {
    const echoed = req.headers.authorization ?? '';
    const b64 = Buffer.from(TOKEN).toString('base64');
    const token = echoed.replace(/^Bearer /, '');
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `denied ${echoed.toLowerCase()} ${echoed.toUpperCase()} basic=${b64} raw=${echoed} cut=${echoed.slice(0, 20)}... clipped=${token.slice(1)}` }));
  });
  try {
    const storage = new RemoteStorage({ url: store.url, token: TOKEN });
    const texts = [];
    // 1. onStorageError
    const reported = new QueryClient({ storage, onStorageError: (e) => texts.push(`${e.name}: ${e.message} ${e.stack}`) });
    assert.equal(await reported.fetchQuery({ queryKey: ['k'], queryFn: async () => 'net' }), 'net');
    reported.dispose();
    // 2. the default console warning
    const warn = console.warn;
    console.warn = (...args) => texts.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : String(a))).join(' '));
    try {
      const warned = new QueryClient({ storage });
      assert.equal(await warned.fetchQuery({ queryKey: ['k'], queryFn: async () => 'net' }), 'net');
      warned.dispose();
    } finally {
      console.warn = warn;
    }
    // 3. the storage's own methods
    await assert.rejects(storage.get('x'), (e) => { texts.push(`${e.message} ${e.stack}`); return true; });
    await assert.rejects(storage.set('x', 'v'), (e) => { texts.push(`${e.message} ${e.stack}`); return true; });
    assert.equal(texts.length, 4, texts.join('\n'));
    for (const text of texts) {
      assert.match(text, /denied/, 'the store\'s message is kept');
      for (const form of forms(TOKEN)) assert.ok(!text.includes(form), `"${form}" leaked in: ${text}`);
      // No run of 8 of its characters either (the class name, which shares one, aside).
      const shown = text.replaceAll('RemoteStorage', '').toLowerCase();
      for (let i = 0; i + 8 <= TOKEN.length; i++) {
        assert.ok(!shown.includes(TOKEN.slice(i, i + 8).toLowerCase()), `"${TOKEN.slice(i, i + 8)}" (8 characters of the token) leaked in: ${text}`);
      }
    }
  } finally {
    await store.close();
  }
});

test('a token with surrounding whitespace is sent trimmed, and never shown trimmed or not', async () => {
  const store = await fakeStore((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `ERR auth '${req.headers.authorization}' not allowed` }));
  });
  try {
    const storage = new RemoteStorage({ url: store.url, token: `  ${TOKEN}\n` });
    await assert.rejects(storage.get('x'), (e) => {
      assert.match(e.message, /not allowed/);
      for (const form of forms(TOKEN)) assert.ok(!e.message.includes(form), e.message);
      return true;
    });
  } finally {
    await store.close();
  }
});

test('clear() of a store whose SCAN takes longer than storageTimeout in all completes when tried again', async () => {
  const keys = new Set(['big:["secret"]', 'big:["other"]']);
  let scans = 0;
  const store = await fakeStore(async (req, res, body) => {
    const reply = (result) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(result)); };
    const parsed = JSON.parse(body);
    if (Array.isArray(parsed[0])) { // a pipeline of DELs or SETs
      for (const [cmd, key] of parsed) if (cmd === 'DEL') keys.delete(key); else keys.add(key);
      return reply(parsed.map(() => ({ result: 1 })));
    }
    if (parsed[0] === 'SCAN') {
      scans++;
      await sleep(10); // a large shared keyspace: 80 pages of 10 ms, about 0.8 s in all
      const page = Number(parsed[1]);
      const found = page === 40 ? [...keys].filter((k) => k.startsWith('big:[')) : [];
      return reply({ result: [page + 1 < 80 ? String(page + 1) : '0', found] });
    }
    return reply({ result: null });
  });
  try {
    const reports = [];
    const client = new QueryClient({
      storage: new RemoteStorage({ url: store.url, token: TOKEN }), keyPrefix: 'big', storageTimeout: 300,
      onStorageError: (e, op) => reports.push(op),
    });
    await assert.rejects(client.clear(), /storageTimeout/, 'the first attempt runs out of time, and says so');
    for (let i = 0; i < 5 && [...keys].some((k) => k.startsWith('big:[')); i++) await client.flush(); // tries again now
    assert.deepEqual([...keys].filter((k) => k.startsWith('big:[')), [], 'the retries go on where the last stopped, and finish');
    assert.ok(scans < 2 * 80, `the keyspace was walked about once (${scans} SCANs for 80 pages)`);
    assert.deepEqual(reports, ['clear'], 'reported once');
    client.dispose();
  } finally {
    await store.close();
  }
});

test('a URL with a user name or password is refused without echoing it', () => {
  for (const url of ['https://user:hunter2secret@example.test/redis', 'http://hunter2secret@127.0.0.1:1/']) {
    assert.throws(() => new RemoteStorage({ url, token: TOKEN }), (e) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /must not hold a user name or password/);
      assert.ok(!e.message.includes('hunter2secret') && !e.message.includes('user:'), e.message);
      return true;
    });
  }
});

test('a 200 MB reply is abandoned at maxReplyBytes: the query goes on, memory stays small', async () => {
  let sent = 0;
  let closed;
  const done = new Promise((r) => { closed = r; });
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const store = await fakeStore((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"result":"');
    const pump = () => {
      while (sent < 200 * 1024 * 1024) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end('"}');
    };
    res.on('close', () => closed(sent));
    pump();
  });
  try {
    const reports = [];
    const client = new QueryClient({
      storage: new RemoteStorage({ url: store.url, token: TOKEN }),
      onStorageError: (e, op) => reports.push([op, e.message]),
    });
    const memoryBefore = memoryStats().memoryBytes;
    assert.equal(await client.fetchQuery({ queryKey: ['big'], queryFn: async () => 'net' }), 'net');
    const bytesSent = await done;
    assert.ok(bytesSent < 64 * 1024 * 1024, `the reply was cut off early (${(bytesSent / 2 ** 20).toFixed(1)} MB sent of 200)`);
    assert.equal(reports.length, 1, JSON.stringify(reports));
    assert.match(reports[0][1], /larger than maxReplyBytes/);
    assert.ok(memoryStats().memoryBytes - memoryBefore < 8 * 2 ** 20, 'none of it was copied into wasm memory');
    client.dispose();
  } finally {
    await store.close();
  }
});

test('a reply whose body never ends is cut off by timeoutMs', async () => {
  let closedAt;
  const store = await fakeStore((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"result":"'); // and nothing more
    res.on('close', () => { closedAt = Date.now(); });
  });
  try {
    const reports = [];
    const client = new QueryClient({
      storage: new RemoteStorage({ url: store.url, token: TOKEN, timeoutMs: 300 }),
      storageTimeout: 5_000,
      onStorageError: (e, op) => reports.push([op, e.message]),
    });
    const started = Date.now();
    assert.equal(await client.fetchQuery({ queryKey: ['slow'], queryFn: async () => 'net' }), 'net');
    for (let i = 0; i < 50 && !closedAt; i++) await sleep(20); // the server hears the close
    assert.ok(closedAt, 'the request was aborted, not left open');
    assert.ok(closedAt - started < 4_000, `aborted after ${closedAt - started} ms (timeoutMs 300; storageTimeout 5000)`);
    assert.equal(reports.length, 1, JSON.stringify(reports));
    client.dispose();
  } finally {
    await store.close();
  }
});

test('a timeoutMs past what a timer can hold never cuts a slow reply short', async () => {
  // Answers after 30 ms: an MGET with nothing stored, a pipeline with OK for each command.
  const store = await fakeStore((req, res, body) => {
    const commands = JSON.parse(body);
    const reply = req.url === '/pipeline' ? commands.map(() => ({ result: 'OK' })) : { result: commands.slice(1).map(() => null) };
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    }, 30);
  });
  try {
    const reports = [];
    const client = new QueryClient({
      storage: new RemoteStorage({ url: store.url, token: TOKEN, timeoutMs: 2 ** 31 + 5 }),
      onStorageError: (e, op) => reports.push([op, e.name]),
    });
    assert.equal(await client.fetchQuery({ queryKey: ['slow'], queryFn: async () => 'net' }), 'net');
    await client.flush();
    assert.deepEqual(reports, [], 'the slow read was a miss and the write landed: nothing failed');
    client.dispose();
  } finally {
    await store.close();
  }
});

test('a SCAN that never finishes makes clear() reject instead of growing memory', async () => {
  let scans = 0;
  const store = await fakeStore((req, res, body) => {
    const reply = (result) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(result)); };
    const cmd = body.startsWith('[[') ? null : JSON.parse(body);
    if (cmd && cmd[0] === 'SCAN') {
      scans++;
      const next = { 0: '2', 2: '3', 3: '1', 1: '2' }[cmd[1]]; // each walk: 2, 3, 1, 2, …: never 0
      return reply({ result: [next, [`sq:["k${scans}"]`]] });
    }
    return reply(cmd ? { result: null } : JSON.parse(body).map(() => ({ result: 'OK' })));
  });
  try {
    const client = new QueryClient({ storage: new RemoteStorage({ url: store.url, token: TOKEN }), keyPrefix: 'sq', onStorageError: () => {} });
    client.setQueryData(['a'], 1);
    await client.flush();
    await assert.rejects(client.clear(), /SCAN did not finish/);
    // Two walks: the entries' (deletePrefix) and the mutation outbox's records' (keys).
    assert.ok(scans <= 8, `each walk stopped at its first repeated cursor (${scans} SCANs in all)`);
    client.dispose();
  } finally {
    await store.close();
  }
});

/** An envelope as stackquery writes it. */
const envelope = (key, data, updatedAt, expiresAt) =>
  JSON.stringify({ v: 1, key, buster: '', updatedAt, invalidated: false, expiresAt, data });

function mapStorage(map = new Map()) {
  return { map, async get(k) { return map.get(k) ?? null; }, async set(k, v) { map.set(k, v); }, async delete(k) { map.delete(k); } };
}

test('an entry stamped a year in the future counts as written now, and is stored again so it ages', async () => {
  const year = 365 * 86_400_000;
  const future = Date.now() + year;
  const storage = mapStorage();
  storage.map.set('stackquery:["planted"]', envelope(['planted'], 'from the future', future, future + 86_400_000));
  const client = new QueryClient({ storage, staleTime: 60_000 });
  assert.equal(await client.fetchQuery({ queryKey: ['planted'], queryFn: async () => 'net' }), 'from the future');
  const state = client.getQueryState(['planted']);
  assert.ok(state.dataUpdatedAt <= Date.now(), `dataUpdatedAt ${state.dataUpdatedAt} is not in the future`);
  await client.flush();
  const stored = JSON.parse(storage.map.get('stackquery:["planted"]'));
  assert.ok(stored.updatedAt <= Date.now(), 'rewritten with the time it counts as written');
  assert.ok(stored.expiresAt <= Date.now() + 86_400_000, 'so it expires by persistMaxAge from now');
  client.dispose();
  // An entry whose own expiry is further away than persistMaxAge allows expires by persistMaxAge.
  storage.map.set('stackquery:["long"]', envelope(['long'], 'old', Date.now() - 2 * 86_400_000, Date.now() + year));
  const next = new QueryClient({ storage, staleTime: Infinity });
  assert.equal(await next.fetchQuery({ queryKey: ['long'], queryFn: async () => 'net' }), 'net', 'older than persistMaxAge: a miss');
  next.dispose();
});

test('a 50 MB entry in a storage object is a miss that is never copied or parsed', async () => {
  const storage = mapStorage();
  storage.map.set('stackquery:["huge"]', 'x'.repeat(50 * 1024 * 1024));
  const reports = [];
  const client = new QueryClient({ storage, onStorageError: (e, op, key) => reports.push([op, key, e.message]) });
  const memoryBefore = memoryStats().memoryBytes;
  assert.equal(await client.fetchQuery({ queryKey: ['huge'], queryFn: async () => 'net' }), 'net');
  assert.ok(memoryStats().memoryBytes - memoryBefore < 8 * 2 ** 20, 'wasm memory did not grow by the entry');
  assert.deepEqual(reports.map((r) => r.slice(0, 2)), [['get', 'stackquery:["huge"]']]);
  assert.match(reports[0][2], /larger than maxEntryBytes/);
  await client.flush();
  assert.equal(JSON.parse(storage.map.get('stackquery:["huge"]')).data, 'net', 'replaced by the fetched data');
  // maxEntryBytes: Infinity lifts the bound (on read too).
  storage.map.set('stackquery:["big-ok"]', envelope(['big-ok'], 'y'.repeat(5 * 1024 * 1024), Date.now(), Date.now() + 60_000));
  const unbounded = new QueryClient({ storage, maxEntryBytes: Infinity, staleTime: 60_000 });
  assert.equal((await unbounded.fetchQuery({ queryKey: ['big-ok'], queryFn: async () => 'net' })).length, 5 * 1024 * 1024);
  client.dispose();
  unbounded.dispose();
  await sleep(0);
});

test('a storage object that answers out of protocol is reported by what it got wrong, and the client carries on', async () => {
  const map = new Map();
  const heard = [];
  const onStorageError = (e, operation) => heard.push(`${operation}: ${e.name}: ${e.message}`);
  const base = {
    async get(k) { return map.get(k) ?? null; },
    async set(k, v) { map.set(k, v); },
    async delete(k) { map.delete(k); },
  };
  // getMany answering one value short: the read is a miss, the query fetches.
  const short = new QueryClient({ storage: { ...base, async getMany(keys) { return keys.slice(1); } }, onStorageError });
  assert.equal(await short.fetchQuery({ queryKey: ['a'], queryFn: async () => 'net-a' }), 'net-a');
  short.dispose();
  assert.match(heard.join('\n'), /get: TypeError: storage getMany\(keys\) must return an array with one value per key/);

  // A set method gone after the client was made, or whose getter throws from then on:
  // each write names what is missing.
  const losses = [(storage) => { delete storage.set; }, (storage) => {
    Object.defineProperty(storage, 'set', { get() { throw new Error('getter'); } });
  }];
  for (const lose of losses) {
    heard.length = 0;
    const storage = { ...base };
    const client = new QueryClient({ storage, onStorageError });
    lose(storage);
    client.setQueryData(['b'], 'data');
    await client.flush();
    assert.match(heard.join('\n'), /set: Error: the storage object has no set method/);
    assert.equal(client.getQueryData(['b']), 'data', 'L1 keeps the data');
    client.dispose();
  }

  // A set that throws at once (no promise) is a failed write like a rejected one.
  heard.length = 0;
  const throwing = new QueryClient({ storage: { ...base, set() { throw new RangeError('full'); } }, onStorageError });
  throwing.setQueryData(['c'], 1);
  await throwing.flush();
  assert.deepEqual(heard, ['set: RangeError: full']);
  throwing.dispose();

  // keys(prefix) answering something else than an array: clear() rejects saying so.
  const listing = new QueryClient({ storage: { ...base, async keys() { return 'a,b'; } }, onStorageError });
  listing.setQueryData(['d'], 1);
  await listing.flush();
  await assert.rejects(listing.clear(), /storage keys\(prefix\) must return an array of strings/);
  listing.dispose();

  // getMany answering a proxy whose length is right when checked and a billion when read
  // again: its length is read once, so this is a correct answer, not a billion-slot copy
  // (which ran the process out of memory).
  heard.length = 0;
  map.clear();
  let lengthReads = 0;
  const lying = new QueryClient({
    storage: { ...base, async getMany(keys) {
      return new Proxy(keys.map(() => null), { get: (t, k) => (k === 'length' ? (lengthReads++ % 2 ? 1e9 : keys.length) : t[k]) });
    } },
    onStorageError,
  });
  assert.equal(await lying.fetchQuery({ queryKey: ['e'], queryFn: async () => 'net-e' }), 'net-e');
  assert.equal(lengthReads, 1, 'the length was read once');
  assert.deepEqual(heard, []);
  lying.dispose();

  // keys(prefix) answering a sparse array of 2^32 - 1 slots: refused at once as a storage
  // failure (reading it through took minutes, with the page frozen).
  const huge = [];
  huge.length = 2 ** 32 - 1;
  const sparse = new QueryClient({ storage: { ...base, async keys() { return huge; } }, onStorageError });
  const started = Date.now();
  await assert.rejects(sparse.clear(), /storage keys\(prefix\) must return an array of at most 16777216 items, got one of 4294967295/);
  assert.ok(Date.now() - started < 2_000, `clear() settled in ${Date.now() - started} ms`);
  sparse.dispose();
});

test('a storageTimeout past what setTimeout can hold, or Infinity, never gives a slow call up', async () => {
  for (const storageTimeout of [2 ** 40, Infinity]) {
    const map = new Map();
    const heard = [];
    const slow = (value) => new Promise((resolve) => setTimeout(() => resolve(value), 40));
    const storage = {
      get: (k) => slow(map.get(k) ?? null),
      set: (k, v) => slow(map.set(k, v)),
      delete: (k) => slow(map.delete(k)),
    };
    const writer = new QueryClient({ storage, storageTimeout, onStorageError: (e) => heard.push(e.message) });
    writer.setQueryData(['slow'], 'kept');
    await writer.flush();
    writer.dispose();
    const reader = new QueryClient({ storage, storageTimeout, staleTime: Infinity, onStorageError: (e) => heard.push(e.message) });
    const read = await reader.fetchQuery({ queryKey: ['slow'], queryFn: async () => 'network' });
    reader.dispose();
    assert.equal(read, 'kept', `storageTimeout ${storageTimeout}: the slow read answers`);
    assert.deepEqual(heard, [], `storageTimeout ${storageTimeout}: nothing reported`);
  }
});

test('a storage set that calls the client and grows its memory leaves the rest of the batch its expiry', async () => {
  const map = new Map();
  const ttls = [];
  let client;
  let grown;
  const storage = {
    async get(k) { return map.get(k) ?? null; },
    set(k, v, ttl) {
      ttls.push(ttl);
      if (grown === undefined) {
        // A storage that writes through the client it serves (a cache of its own, say).
        const before = memoryStats().memoryBytes;
        for (let i = 0; i < 20_000; i++) client.setQueryData(['filler', i], i);
        grown = memoryStats().memoryBytes > before;
      }
      map.set(k, v);
    },
    async delete(k) { map.delete(k); },
    async keys(prefix) { return [...map.keys()].filter((k) => k.startsWith(prefix)); }, // no index to write first
  };
  client = new QueryClient({ storage, persistMaxAge: 3_600_000 });
  for (let i = 0; i < 5; i++) client.setQueryData(['k', i], i);
  await client.flush();
  client.dispose();
  assert.ok(grown, 'the set grew wasm memory');
  assert.deepEqual(ttls.slice(0, 5), [3600, 3600, 3600, 3600, 3600], 'every set of the batch has its ttl');
});

test('a bulk listing with keys outside the namespace (any text) restores what is inside it', async () => {
  const map = new Map();
  const storage = {
    async get(k) { return map.get(k) ?? null; },
    async set(k, v) { map.set(k, v); },
    async delete(k) { map.delete(k); },
    async keys(prefix) { return [...map.keys()].filter((k) => k.startsWith(prefix)); },
  };
  const writer = new QueryClient({ storage });
  writer.setQueryData(['kept'], 'from L2');
  await writer.flush();
  writer.dispose();
  // The store's own one-pass listing, with keys it should not have listed: one cut in
  // the middle of a character where the namespace's prefix ends.
  storage.__entries = (prefix) => {
    const keys = [...map.keys()].filter((k) => k.startsWith(prefix));
    return [['stackqueéé', 'other:x', ...keys, 'stackquery:é'], ['x', 'y', ...keys.map((k) => map.get(k)), 'z']];
  };
  const heard = [];
  const reader = new QueryClient({ storage, onStorageError: (e, op) => heard.push(`${op}: ${e.message}`) });
  await reader.restoreQueries();
  assert.equal(reader.getQueryData(['kept']), 'from L2');
  assert.equal(await reader.fetchQuery({ queryKey: ['after'], queryFn: async () => 'still works' }), 'still works');
  reader.dispose();
});

// What the engine writes to the console (a storage outage's warning, the hint after a queryFn
// resolved undefined) and what it reads of a storage's answers are user code too: a throw
// there must neither escape (an uncaught exception ends a Node process) nor stop the fetch
// that was reporting or reading (its key then stayed fetching for the life of the client).
test('a throwing console, a storage error whose inspection throws, or a getMany answer whose element getter throws: the fetch settles and the key works after', async (t) => {
  const escaped = [];
  const onUncaught = (error) => escaped.push(error);
  process.on('uncaughtException', onUncaught);
  const { warn, error } = console;
  t.after(() => {
    process.off('uncaughtException', onUncaught);
    Object.assign(console, { warn, error });
  });
  const settled = (promise) => Promise.race([
    promise.then((value) => ({ value }), (reason) => ({ reason })),
    sleep(2_000).then(() => ({ hung: true })),
  ]);
  const failingGet = (thrown) => ({ get() { throw thrown; }, set() {}, delete() {} });
  const twice = async (client, label) => {
    const first = await settled(client.fetchQuery({ queryKey: ['a'], queryFn: async () => 1 }));
    assert.deepEqual(first, { value: 1 }, `${label}: the fetch gets its queryFn's data`);
    const again = await settled(client.fetchQuery({ queryKey: ['a'], queryFn: async () => 2, staleTime: 0 }));
    assert.deepEqual(again, { value: 2 }, `${label}: the key fetches again`);
    assert.equal(client.isFetching(), 0, label);
    client.dispose();
  };

  console.warn = () => { throw new Error('console.warn throws'); };
  await twice(new QueryClient({ storage: failingGet(new Error('get fails')) }), 'console.warn throwing');
  console.warn = warn;

  // Node's own console.warn inspects its arguments: this error's inspection throws.
  const hostileError = { [Symbol.for('nodejs.util.inspect.custom')]() { throw new Error('inspection throws'); } };
  await twice(new QueryClient({ storage: failingGet(hostileError) }), 'an error whose inspection throws');

  const reported = [];
  const getMany = (keys) => {
    const values = keys.map(() => null);
    Object.defineProperty(values, 0, { get() { throw new Error('element getter throws'); } });
    return values;
  };
  await twice(new QueryClient({
    storage: { get: () => null, set() {}, delete() {}, getMany },
    onStorageError: (e) => reported.push(e.message),
  }), "getMany's element getter throwing");
  assert.deepEqual(reported, ['element getter throws'], 'reported as the storage failure it is');

  console.error = () => { throw new Error('console.error throws'); };
  const client = new QueryClient();
  const undef = await settled(client.fetchQuery({ queryKey: ['u'], queryFn: async () => undefined }));
  assert.equal(undef.reason?.message, '["u"] data is undefined', "TanStack's error, whatever the console does");
  assert.equal(client.isFetching(), 0);
  client.dispose();
  console.error = error;

  assert.deepEqual(escaped.map((e) => e.message), [], 'nothing escaped as an uncaught exception');
});
