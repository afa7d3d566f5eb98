// stackquery/adapters/redis against a real redis-server over TCP (started here on a free
// port of 127.0.0.1, no persistence, in a temp dir; killed at the end), with both client
// libraries: node-redis (`createClient`) and ioredis (`new Redis`). Each library gets the
// same tests: the storage protocol itself (what reaches the server is read back with a
// separate connection and with MONITOR; round trips are counted by wrapping the client),
// then the built package using it (a second client, and a second Node process, read back
// what the first wrote; clear() removes one namespace only). Plus: a wrong argument is a
// TypeError naming it, and the adapter imports neither library.
// Needs the package built (scripts/build-package.sh); STACKQUERY_PKG points at another build.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient } from 'redis';
import { Redis } from 'ioredis';
import { startRedisServer } from '../support/redis-server.mjs';

const pkg = resolve(process.env.STACKQUERY_PKG || join(import.meta.dirname, '../../pkg'));
const { QueryClient } = await import(pathToFileURL(join(pkg, 'nodejs/stackquery.js')).href);
const { redisStorage } = await import(pathToFileURL(join(pkg, 'adapters/redis.js')).href);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let server;
/** A separate connection that reads what the adapter wrote. */
let raw;
before(async () => {
  server = await startRedisServer();
  raw = new Redis({ port: server.port, host: '127.0.0.1' });
});
after(async () => {
  raw?.disconnect();
  await server?.stop();
});

// ---- what reaches the server ----

/**
 * Records every command the server runs (MONITOR, on its own connection) while `action` runs:
 * resolves with them as arrays `[COMMAND, ...args]`, once the server ran a marker sent after it.
 */
async function monitored(action) {
  const monitor = await raw.monitor();
  const seen = [];
  const marker = `marker-${Math.random()}`;
  let markerSeen;
  const done = new Promise((r) => { markerSeen = r; });
  monitor.on('monitor', (_time, args) => {
    const command = [String(args[0]).toUpperCase(), ...args.slice(1).map(String)];
    if (command[0] === 'ECHO' && command[1] === marker) markerSeen();
    else seen.push(command);
  });
  try {
    await action();
    await raw.echo(marker);
    await done;
  } finally {
    monitor.disconnect();
  }
  return seen;
}

/**
 * `client` with its calls counted. A call of a client method is one round trip, except
 * `multi()` / `pipeline()`, which only start a queue: its `exec` / `execAsPipeline` is the
 * round trip. `counts` holds the calls by name (queue methods as `queue.name`).
 */
function counted(client) {
  const counts = {};
  const count = (name) => { counts[name] = (counts[name] ?? 0) + 1; };
  const queued = (queue) => new Proxy(queue, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      return (...args) => { count(`queue.${String(name)}`); return value.apply(target, args); };
    },
  });
  const proxy = new Proxy(client, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      return (...args) => {
        count(String(name));
        const result = value.apply(target, args);
        return name === 'multi' || name === 'pipeline' ? queued(result) : result;
      };
    },
  });
  const roundTrips = () => Object.entries(counts)
    .filter(([name]) => name !== 'multi' && name !== 'pipeline' && (!name.startsWith('queue.') || /^queue\.exec/.test(name)))
    .reduce((sum, [, n]) => sum + n, 0);
  return { client: proxy, counts, roundTrips, reset: () => { for (const k of Object.keys(counts)) delete counts[k]; } };
}

/** Every key starting with `prefix`, read with the separate connection. */
async function rawKeys(prefix) {
  const found = new Set();
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) if (key.startsWith(prefix)) found.add(key);
  } while (cursor !== '0');
  return [...found].sort();
}

// ---- the two libraries ----

// `child`: the program another Node process runs (tests of a restart): it opens its own
// connection, reads ['user', 1] through the package (see readInChild) and prints `{ data, calls }`.
// node-redis as an ES module, ioredis as CommonJS, so both entries of the adapter are used.
const CHILD_READ = `
  let calls = 0;
  const client = new QueryClient({ storage: redisStorage(connection), keyPrefix, staleTime: 60_000 });
  const data = await client.fetchQuery({ queryKey: ['user', 1], queryFn: async () => { calls++; return 'network'; } });
  client.dispose();
  process.stdout.write(JSON.stringify({ data, calls }));`;

const libraries = {
  'node-redis': {
    connect: () => createClient({ url: `redis://127.0.0.1:${server.port}` }).connect(),
    close: (client) => client.destroy(),
    child: ['main.mjs', `import { QueryClient } from 'stackquery';
import { redisStorage } from 'stackquery/adapters/redis';
import { createClient } from 'redis';
const [port, keyPrefix] = process.argv.slice(2);
const connection = await createClient({ url: 'redis://127.0.0.1:' + port }).connect();
${CHILD_READ}
connection.destroy();
`],
  },
  ioredis: {
    connect: async () => {
      const client = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
      await client.connect();
      return client;
    },
    close: (client) => client.disconnect(),
    child: ['main.cjs', `const { QueryClient } = require('stackquery');
const { redisStorage } = require('stackquery/adapters/redis');
const { Redis } = require('ioredis');
const [port, keyPrefix] = process.argv.slice(2);
const connection = new Redis({ port: Number(port), host: '127.0.0.1' });
(async () => {
${CHILD_READ}
  connection.disconnect();
})().catch((e) => { console.error(e); process.exit(1); });
`],
  },
};

/**
 * Runs the `library`'s child program in a fresh Node process, in an app folder whose
 * node_modules hold the built package as `stackquery` (and the two libraries): resolves
 * with what it printed.
 */
function readInChild(library, keyPrefix) {
  const app = mkdtempSync(join(tmpdir(), 'stackquery-redis-child-'));
  const modules = join(app, 'node_modules');
  mkdirSync(modules);
  symlinkSync(pkg, join(modules, 'stackquery'), 'dir');
  for (const lib of ['redis', 'ioredis']) symlinkSync(join(import.meta.dirname, '../../node_modules', lib), join(modules, lib), 'dir');
  const [file, source] = library.child;
  writeFileSync(join(app, file), source);
  return new Promise((done, fail) => {
    execFile(process.execPath, [file, String(server.port), keyPrefix], { cwd: app, timeout: 20_000 }, (error, stdout, stderr) => {
      rmSync(app, { recursive: true, force: true });
      if (error) fail(new Error(`the child failed: ${error.message}\n${stderr}`));
      else done(JSON.parse(stdout));
    });
  });
}

for (const [name, library] of Object.entries(libraries)) {
  describe(name, () => {
    let connection;
    before(async () => { connection = await library.connect(); });
    after(async () => { await library.close(connection); });
    const ns = `${name}-proto:`; // this library's keys for the protocol tests

    test('get / set / delete: a round trip, a miss is null, a deleted key is gone', async () => {
      const storage = redisStorage(connection);
      assert.equal(await storage.get(`${ns}missing`), null);
      await storage.set(`${ns}a`, '{"v":1}');
      assert.equal(await storage.get(`${ns}a`), '{"v":1}');
      assert.equal(await raw.get(`${ns}a`), '{"v":1}', 'the value is in Redis under the key as given');
      await storage.delete(`${ns}a`);
      assert.equal(await raw.exists(`${ns}a`), 0);
      assert.equal(await storage.get(`${ns}a`), null);
    });

    test('set: the TTL as PX, in ms rounded up and at least 1; no TTL or a non-finite one: no expiry', async () => {
      const storage = redisStorage(connection);
      const seen = await monitored(async () => {
        await storage.set(`${ns}ttl-frac`, 'x', 2.0001);
        await storage.set(`${ns}ttl-tiny`, 'x', 0.0000001);
        await storage.set(`${ns}ttl-zero`, 'x', 0); // already due: gone at once, not an error
        await storage.set(`${ns}ttl-negative`, 'x', -3);
        await storage.set(`${ns}ttl-none`, 'x');
        await storage.set(`${ns}ttl-inf`, 'x', Infinity);
        await storage.set(`${ns}ttl-nan`, 'x', NaN);
      });
      const sets = seen.filter((c) => c[0] === 'SET').map((c) => c.slice(1));
      assert.deepEqual(sets, [
        [`${ns}ttl-frac`, 'x', 'PX', '2001'],
        [`${ns}ttl-tiny`, 'x', 'PX', '1'],
        [`${ns}ttl-zero`, 'x', 'PX', '1'],
        [`${ns}ttl-negative`, 'x', 'PX', '1'],
        [`${ns}ttl-none`, 'x'],
        [`${ns}ttl-inf`, 'x'],
        [`${ns}ttl-nan`, 'x'],
      ]);
      for (const key of ['ttl-none', 'ttl-inf', 'ttl-nan']) assert.equal(await raw.pttl(`${ns}${key}`), -1, `${key} has no expiry`);
      const pttl = await raw.pttl(`${ns}ttl-frac`);
      assert.ok(pttl > 1900 && pttl <= 2001, `PTTL ${pttl}`);
    });

    test('a TTL really expires the key', async () => {
      const storage = redisStorage(connection);
      await storage.set(`${ns}short`, 'soon gone', 0.08);
      assert.equal(await storage.get(`${ns}short`), 'soon gone');
      await sleep(250);
      assert.equal(await storage.get(`${ns}short`), null);
      assert.equal(await raw.exists(`${ns}short`), 0);
    });

    test('keys(prefix): by SCAN (never KEYS), with the glob characters of the prefix matched literally', async () => {
      const g = `${ns}glob:`;
      const all = ['a*b:1', 'a*b:2', 'axb:3', 'a?b:4', 'a[b]:5', 'ab:6', 'ac:7', 'back\\slash:8', 'backxslash:9', 'back\\:10'].map((k) => g + k);
      for (const key of all) await raw.set(key, 'v');
      const storage = redisStorage(connection);
      const cases = [
        ['a*b:', ['a*b:1', 'a*b:2']],
        ['a?b:', ['a?b:4']],
        ['a[b]:', ['a[b]:5']],
        ['back\\slash:', ['back\\slash:8']],
        ['back\\', ['back\\:10', 'back\\slash:8']],
        ['nothing', []],
      ];
      let seen;
      for (const [prefix, expected] of cases) {
        seen = await monitored(async () => {
          assert.deepEqual((await storage.keys(g + prefix)).sort(), expected.map((k) => g + k).sort(), `keys(${JSON.stringify(prefix)})`);
        });
        assert.ok(seen.length >= 1 && seen.every((c) => c[0] === 'SCAN'), `only SCAN: ${JSON.stringify(seen)}`);
      }
      const scan = seen[0];
      assert.equal(scan[scan.indexOf('MATCH') + 1], `${g.replace(/[*?[\]\\]/g, '\\$&')}nothing*`);
      assert.deepEqual((await storage.keys(g)).sort(), [...all].sort(), 'the bare namespace lists every key');
    });

    test('keys(prefix) follows the SCAN cursor over many pages, each key once', async () => {
      const p = `${ns}many:`;
      const pipeline = raw.pipeline();
      for (let i = 0; i < 2500; i++) pipeline.set(`${p}${i}`, 'v');
      await pipeline.exec();
      const storage = redisStorage(connection, { scanCount: 100 });
      const seen = await monitored(async () => {
        const keys = await storage.keys(p);
        assert.equal(keys.length, 2500);
        assert.equal(new Set(keys).size, 2500);
      });
      assert.ok(seen.length > 5, `SCAN ran ${seen.length}× with COUNT 100`);
      assert.ok(seen.every((c) => c[0] === 'SCAN' && c.includes('COUNT') && c[c.indexOf('COUNT') + 1] === '100'));
    });

    test('getMany: one MGET, the values in the order of the keys, null for a miss', async () => {
      await raw.set(`${ns}m1`, 'one');
      await raw.set(`${ns}m3`, 'three');
      const { client, counts, roundTrips } = counted(connection);
      const storage = redisStorage(client);
      const keys = [`${ns}m3`, `${ns}m-missing`, `${ns}m1`, `${ns}m-gone`];
      let values;
      const seen = await monitored(async () => { values = await storage.getMany(keys); });
      assert.deepEqual(values, ['three', null, 'one', null]);
      assert.deepEqual(seen, [['MGET', ...keys]]);
      assert.equal(roundTrips(), 1, JSON.stringify(counts));
      assert.deepEqual(await storage.getMany([]), []);
      assert.equal(roundTrips(), 1, 'no keys: no command');
    });

    test('setMany and deleteMany: one pipeline (one round trip) each, TTLs as PX', async () => {
      const { client, counts, roundTrips, reset } = counted(connection);
      const storage = redisStorage(client);
      const entries = [];
      for (let i = 0; i < 1200; i++) entries.push({ key: `${ns}batch:${i}`, value: `{"i":${i}}`, ttl: i % 2 ? 120 : undefined });
      const seen = await monitored(() => storage.setMany(entries));
      assert.equal(roundTrips(), 1, `setMany: ${JSON.stringify(counts)}`);
      assert.equal(seen.filter((c) => c[0] === 'SET').length, 1200);
      assert.ok(!seen.some((c) => c[0] === 'MULTI'), 'a pipeline, not a transaction');
      assert.equal(await raw.get(`${ns}batch:7`), '{"i":7}');
      const [withTtl, without] = [await raw.pttl(`${ns}batch:7`), await raw.pttl(`${ns}batch:8`)];
      assert.ok(withTtl > 119_000 && withTtl <= 120_000, `PTTL ${withTtl}`);
      assert.equal(without, -1);

      reset();
      await storage.deleteMany(entries.map((e) => e.key));
      assert.equal(roundTrips(), 1, `deleteMany: ${JSON.stringify(counts)}`);
      assert.deepEqual(await rawKeys(`${ns}batch:`), []);
      reset();
      await storage.setMany([]);
      await storage.deleteMany([]);
      assert.equal(roundTrips(), 0, 'nothing to write: no command');
    });

    test('through the package: fetchQuery, flush, then a new client on a new connection reads it with no queryFn call', async () => {
      const keyPrefix = `${name}-app`;
      const a = new QueryClient({ storage: redisStorage(connection), keyPrefix, persistMaxAge: 120_000 });
      await a.fetchQuery({ queryKey: ['user', 1], queryFn: async () => ({ name: 'Ada' }) });
      await a.flush();
      a.dispose();
      const stored = await raw.get(`${keyPrefix}:["user",1]`);
      assert.ok(stored, 'the entry is in Redis under `${keyPrefix}:${queryHash}`');
      assert.deepEqual(JSON.parse(stored).data, { name: 'Ada' });
      const pttl = await raw.pttl(`${keyPrefix}:["user",1]`);
      assert.ok(pttl > 0 && pttl <= 120_000, `PTTL ${pttl}`);

      const second = await library.connect();
      try {
        const b = new QueryClient({ storage: redisStorage(second), keyPrefix, staleTime: 60_000 });
        let calls = 0;
        const data = await b.fetchQuery({ queryKey: ['user', 1], queryFn: async () => { calls++; return 'network'; } });
        b.dispose();
        assert.deepEqual(data, { name: 'Ada' });
        assert.equal(calls, 0, 'read from Redis, not fetched');
      } finally {
        await library.close(second);
      }
    });

    test(`through the package: another Node process (${name === 'node-redis' ? 'ES module' : 'CommonJS'}) reads the data back with no queryFn call`, async () => {
      const keyPrefix = `${name}-restart`;
      const a = new QueryClient({ storage: redisStorage(connection), keyPrefix });
      await a.fetchQuery({ queryKey: ['user', 1], queryFn: async () => ({ name: 'Grace', from: process.pid }) });
      await a.flush();
      a.dispose();
      const { data, calls } = await readInChild(library, keyPrefix);
      assert.deepEqual(data, { name: 'Grace', from: process.pid });
      assert.equal(calls, 0, 'the new process read Redis, it did not fetch');
    });

    test('through the package: clear() removes the namespace\'s keys, and only those', async () => {
      const mine = `${name}-tenant[1]`; // glob characters in the prefix too
      const other = `${name}-tenant1`;
      const others = [`${name}-tenant[1]x`, `${name}-tenant`];
      const a = new QueryClient({ storage: redisStorage(connection), keyPrefix: mine });
      const clients = [other, ...others].map((keyPrefix) => new QueryClient({ storage: redisStorage(connection), keyPrefix }));
      for (const c of [a, ...clients]) {
        for (let i = 0; i < 30; i++) c.setQueryData(['row', i], { i });
        await c.flush();
      }
      assert.equal((await rawKeys(`${mine}:`)).length, 30);
      await a.clear();
      assert.deepEqual(await rawKeys(`${mine}:`), [], 'this namespace is empty');
      for (const keyPrefix of [other, ...others]) {
        assert.equal((await rawKeys(`${keyPrefix}:`)).length, 30, `${keyPrefix} keeps its keys`);
      }
      for (const c of [a, ...clients]) c.dispose();
    });
  });
}

describe('arguments', () => {
  test('anything but a node-redis or ioredis client is a TypeError naming `client`, never showing its secrets', () => {
    const secret = 'hunter2-secret';
    const wrong = [
      undefined,
      null,
      `redis://:${secret}@127.0.0.1:6379`,
      42,
      {},
      { get() {}, set() {}, options: { password: secret, url: `redis://:${secret}@h` } },
      createClient, // the factory, not a client
      { get() {}, set() {}, del() {}, mGet() {} }, // node-redis-like without multi / scan
      { get() {}, set() {}, del() {}, mget() {}, scan() {} }, // ioredis-like without pipeline / multi
    ];
    for (const value of wrong) {
      assert.throws(() => redisStorage(value), (error) => {
        assert.ok(error instanceof TypeError, `${String(error)}`);
        assert.match(error.message, /^redisStorage\(client\): `client` must be a node-redis client .* or an ioredis client/);
        assert.ok(!error.message.includes(secret), error.message);
        return true;
      });
    }
    const client = new Redis({ lazyConnect: true, password: secret });
    try {
      for (const scanCount of [0, -1, 1.5, '100', NaN]) {
        assert.throws(() => redisStorage(client, { scanCount }), (error) => error instanceof TypeError && /scanCount/.test(error.message) && !error.message.includes(secret));
      }
    } finally {
      client.disconnect();
    }
  });

  test('the adapter imports neither library, and the browser bundle does not contain it', () => {
    for (const file of ['adapters/redis.js', 'adapters/redis.cjs']) {
      const source = readFileSync(join(pkg, file), 'utf8');
      const library = `['"](?:redis|ioredis|@redis/[^'"]*)['"]`;
      assert.doesNotMatch(source, new RegExp(`^\\s*import\\b[^;]*?from\\s*${library}`, 'm'), `${file}: a static import`);
      assert.doesNotMatch(source, new RegExp(`\\b(?:require|import)\\s*\\(\\s*${library}`), `${file}: a require() or import()`);
    }
    assert.doesNotMatch(readFileSync(join(pkg, 'web/stackquery.js'), 'utf8'), /redisStorage/);
    const exports = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).exports['./adapters/redis'];
    assert.deepEqual(exports, {
      types: { require: './adapters/redis.d.cts', default: './adapters/redis.d.ts' },
      require: './adapters/redis.cjs',
      default: './adapters/redis.js',
    });
  });
});
