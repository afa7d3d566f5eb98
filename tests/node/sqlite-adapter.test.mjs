// stackquery/adapters/sqlite over better-sqlite3 on real temp files: the storage protocol
// (what is written is read back with a separate connection to the same file), then the
// built package using it (a second Node process opening the same file reads what the first
// wrote; clear() removes one namespace only); a wrong argument is a TypeError naming it;
// and, under Deno, the same adapter over node:sqlite's DatabaseSync.
// Needs the package built (scripts/build-package.sh); STACKQUERY_PKG points at another build.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';

const root = resolve(import.meta.dirname, '../..');
const pkg = resolve(process.env.STACKQUERY_PKG || join(root, 'pkg'));
const pkgUrl = pathToFileURL(pkg).href;
const { QueryClient } = await import(`${pkgUrl}/nodejs/stackquery.js`);
const { sqliteStorage } = await import(`${pkgUrl}/adapters/sqlite.js`);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let dir;
before(() => { dir = mkdtempSync(join(tmpdir(), 'stackquery-sqlite-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** A fresh database file: the adapter's handle and a separate one reading the same file. */
function open() {
  const file = join(dir, `db-${files++}.sqlite3`);
  const db = new Database(file);
  const storage = sqliteStorage(db);
  const raw = new Database(file);
  const rows = (sql = 'SELECT key, value, expires_at FROM stackquery ORDER BY key', ...params) => raw.prepare(sql).all(...params);
  return { file, db, storage, raw, rows, close: () => { db.close(); raw.close(); } };
}

describe('protocol', () => {
  test('get / set / delete: a round trip on disk, a miss is null, a deleted key is gone', () => {
    const { storage, rows, close } = open();
    assert.equal(storage.get('missing'), null);
    storage.set('a', '{"v":1}');
    assert.equal(storage.get('a'), '{"v":1}');
    assert.deepEqual(rows(), [{ key: 'a', value: '{"v":1}', expires_at: null }], 'another connection sees the row');
    storage.set('a', '{"v":2}', Infinity);
    assert.equal(storage.get('a'), '{"v":2}', 'set overwrites');
    storage.delete('a');
    assert.deepEqual(rows(), []);
    assert.equal(storage.get('a'), null);
    storage.delete('a'); // deleting a missing key is no error
    close();
  });

  test('TTL: a row expires (read as null, then deleted); no TTL or a non-finite one never expires', async () => {
    const { storage, rows, close } = open();
    const before = Date.now();
    storage.set('short', 'soon gone', 0.5);
    for (const [key, ttl] of [['none', undefined], ['inf', Infinity], ['nan', NaN], ['long', 3600]]) storage.set(key, key, ttl);
    const short = rows().find((r) => r.key === 'short');
    assert.ok(short.expires_at >= before + 500 && short.expires_at <= Date.now() + 501, `expires_at ${short.expires_at}`);
    assert.equal(storage.get('short'), 'soon gone');
    assert.deepEqual(storage.keys('s'), ['short']);
    await sleep(600);
    assert.equal(storage.get('short'), null);
    assert.equal(rows().find((r) => r.key === 'short'), undefined, 'the expired row was deleted on read');
    storage.set('short2', 'x', 0.05);
    await sleep(120);
    assert.deepEqual(storage.keys('short'), [], 'keys() skips expired rows');
    assert.deepEqual(storage.getMany(['short2', 'none']), [null, 'none'], 'getMany too');
    for (const key of ['none', 'inf', 'nan']) assert.equal(rows().find((r) => r.key === key).expires_at, null, key);
    assert.equal(storage.get('long'), 'long');
    close();
  });

  test('keys(prefix): a range on the key, `%` and `_` are plain characters', () => {
    const { storage, raw, close } = open();
    const all = ['a%b:1', 'a%b:2', 'axb:3', 'a_b:4', 'aab:5', 'a_:6', 'ab', 'a', 'b', 'a%\u{1F600}', 'a%\uffff!'];
    for (const key of all) storage.set(key, 'v');
    const cases = [
      ['a%b:', ['a%b:1', 'a%b:2']],
      ['a_b:', ['a_b:4']],
      ['a_', ['a_:6', 'a_b:4']],
      ['a%', ['a%b:1', 'a%b:2', 'a%\u{1F600}', 'a%\uffff!']],
      ['a%\uffff', ['a%\uffff!']],
      ['nothing', []],
      ['', [...all]],
    ];
    for (const [prefix, expected] of cases) {
      assert.deepEqual(storage.keys(prefix).sort(), expected.sort(), `keys(${JSON.stringify(prefix)})`);
    }
    const plan = raw.prepare("EXPLAIN QUERY PLAN SELECT key FROM stackquery WHERE key >= ? AND key < ?").all('a', 'b');
    assert.match(JSON.stringify(plan), /USING (COVERING )?INDEX/, 'the range uses the primary key index');
    close();
  });

  test('getMany: the values in the order of the keys, null for a miss, across chunks of 500', () => {
    const { storage, close } = open();
    storage.set('m1', 'one');
    storage.set('m3', 'three');
    assert.deepEqual(storage.getMany(['m3', 'missing', 'm1', 'm1', 'gone']), ['three', null, 'one', 'one', null]);
    assert.deepEqual(storage.getMany([]), []);
    storage.setMany(Array.from({ length: 1234 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })));
    const keys = Array.from({ length: 1300 }, (_, i) => `k${1299 - i}`);
    assert.deepEqual(storage.getMany(keys), keys.map((k) => (Number(k.slice(1)) < 1234 ? `v${k.slice(1)}` : null)));
    close();
  });

  test('setMany / deleteMany: one transaction each; a batch failing mid-way leaves nothing written', () => {
    const { storage, rows, close } = open();
    storage.set('keep', 'old');
    storage.setMany([{ key: 'b1', value: '1', ttl: 60 }, { key: 'b2', value: '2' }]);
    assert.deepEqual(rows().map((r) => [r.key, r.value]), [['b1', '1'], ['b2', '2'], ['keep', 'old']]);
    assert.ok(rows()[0].expires_at > Date.now() + 59_000);
    assert.throws(() => storage.setMany([{ key: 'keep', value: 'new' }, { key: 'c1', value: 'x' }, { key: 'c2', value: 42 }, { key: 'c3', value: 'y' }]), TypeError);
    assert.deepEqual(rows().map((r) => [r.key, r.value]), [['b1', '1'], ['b2', '2'], ['keep', 'old']], 'rolled back: no c1, keep unchanged');
    assert.throws(() => storage.deleteMany(['b1', 'b2', null]), TypeError);
    assert.deepEqual(rows().map((r) => r.key), ['b1', 'b2', 'keep'], 'rolled back: b1 and b2 are still there');
    storage.deleteMany(['b1', 'b2', 'missing']);
    assert.deepEqual(rows().map((r) => r.key), ['keep']);
    storage.setMany([]);
    storage.deleteMany([]);
    close();
  });

  test('a batch inside a transaction the app has open joins it (a savepoint)', () => {
    const { db, storage, rows, close } = open();
    db.exec('BEGIN');
    storage.setMany([{ key: 'x', value: '1' }]);
    assert.throws(() => storage.setMany([{ key: 'y', value: '2' }, { key: 'z', value: null }]));
    assert.equal(db.inTransaction, true, "the app's transaction is still open");
    db.exec('ROLLBACK');
    assert.deepEqual(rows(), []);
    close();
  });

  test('the table option: another table in the same file', () => {
    const { db, storage, raw, close } = open();
    const other = sqliteStorage(db, { table: 'cache_2' });
    storage.set('k', 'default');
    other.set('k', 'other');
    assert.equal(storage.get('k'), 'default');
    assert.equal(other.get('k'), 'other');
    assert.deepEqual(raw.prepare('SELECT key, value FROM cache_2').all(), [{ key: 'k', value: 'other' }]);
    close();
  });
});

describe('through the package', () => {
  /** Reads ['user', 1] in a new Node process opening `file`, offline (a queryFn that throws). */
  function readInChild(file, keyPrefix) {
    const script = `
      import Database from 'better-sqlite3';
      import { QueryClient } from ${JSON.stringify(`${pkgUrl}/nodejs/stackquery.js`)};
      import { sqliteStorage } from ${JSON.stringify(`${pkgUrl}/adapters/sqlite.js`)};
      const db = new Database(process.argv[1]);
      const client = new QueryClient({ storage: sqliteStorage(db), keyPrefix: process.argv[2], staleTime: Infinity });
      const data = await client.fetchQuery({ queryKey: ['user', 1], queryFn: () => { throw new Error('offline: the queryFn ran'); } });
      client.dispose();
      db.close();
      process.stdout.write(JSON.stringify(data));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, file, keyPrefix], { cwd: root, encoding: 'utf8', timeout: 20_000 });
    assert.equal(child.status, 0, child.stderr);
    return JSON.parse(child.stdout);
  }

  test('fetchQuery, flush, then another Node process opening the same file reads it with no fetch', async () => {
    const { file, db, rows, close } = open();
    const client = new QueryClient({ storage: sqliteStorage(db) });
    await client.fetchQuery({ queryKey: ['user', 1], queryFn: async () => ({ name: 'Ada', from: process.pid }) });
    await client.flush();
    client.dispose();
    const row = rows().find((r) => r.key === 'stackquery:["user",1]');
    assert.ok(row, JSON.stringify(rows()));
    assert.deepEqual(JSON.parse(row.value).data, { name: 'Ada', from: process.pid });
    close();
    assert.deepEqual(readInChild(file, 'stackquery'), { name: 'Ada', from: process.pid });
  });

  test('clear() removes its keyPrefix\'s rows and only those (`_` and `%` in the prefix too)', async () => {
    const { db, rows, close } = open();
    const [mine, ...others] = ['t_1', 'tx1', 't_10', 't%1', 't'];
    const clients = [mine, ...others].map((keyPrefix) => new QueryClient({ storage: sqliteStorage(db), keyPrefix }));
    for (const c of clients) {
      for (let i = 0; i < 20; i++) c.setQueryData(['row', i], { i });
      await c.flush();
    }
    const count = (p) => rows().filter((r) => r.key.startsWith(`${p}:`)).length;
    assert.equal(count(mine), 20);
    await clients[0].clear();
    assert.equal(count(mine), 0, 'this namespace is empty');
    for (const p of others) assert.equal(count(p), 20, `${p} keeps its rows`);
    for (const c of clients) c.dispose();
    close();
  });
});

describe('arguments', () => {
  test('a database without prepare / exec is a TypeError naming `database`', () => {
    for (const value of [undefined, null, 'cache.sqlite3', 42, {}, { prepare() {} }, { exec() {} }, Database]) {
      assert.throws(() => sqliteStorage(value), (error) => {
        assert.ok(error instanceof TypeError, String(error));
        assert.match(error.message, /^sqliteStorage\(database\): `database` must be/);
        return true;
      });
    }
  });

  test('a table that is not a plain identifier is a TypeError naming `table`, and nothing is created', () => {
    const { db, raw, close } = open();
    const before = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    for (const table of ['', '1abc', 'a-b', 'x; DROP TABLE stackquery', '"q"', 'a b', 'sqlite_x', 42, null]) {
      assert.throws(() => sqliteStorage(db, { table }), (error) => error instanceof TypeError && /`table`/.test(error.message), String(table));
    }
    assert.deepEqual(raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all(), before);
    close();
  });
});

// Deno 2 has node:sqlite's DatabaseSync: the same adapter over it, through the package's web
// entry, across two `deno run`s on one file (the second offline).
const deno = join(root, 'node_modules/.bin/deno');
test('deno: node:sqlite DatabaseSync, a restarted process reads the file', { skip: !existsSync(deno) && 'deno is not installed', timeout: 60_000 }, async () => {
  const work = mkdtempSync(join(dir, 'deno-'));
  const script = join(work, 'app.ts');
  writeFileSync(script, `
    import { DatabaseSync } from 'node:sqlite';
    import { QueryClient } from '${pkgUrl}/web/stackquery.js';
    import { sqliteStorage } from '${pkgUrl}/adapters/sqlite.js';
    const [file, mode] = Deno.args;
    const db = new DatabaseSync(file);
    const client = new QueryClient({ storage: sqliteStorage(db), staleTime: Infinity });
    const data = await client.fetchQuery({ queryKey: ['deno'], queryFn: () => {
      if (mode === 'offline') throw new Error('offline: the queryFn ran');
      return { from: 'deno', at: Deno.pid };
    } });
    await client.flush();
    client.dispose();
    const rows = db.prepare('SELECT key FROM stackquery').all().map((r: { key: string }) => r.key);
    db.close();
    console.log(JSON.stringify({ data, rows }));
  `);
  const run = (mode) => new Promise((done) => {
    const args = ['run', '--quiet', '--no-config', '--no-lock', '--no-remote', '--no-npm', '--no-prompt',
      `--allow-read=${pkg},${work}`, `--allow-write=${work}`, script, join(work, 'cache.sqlite3'), mode];
    const env = { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(work, 'deno-dir'), NO_COLOR: '1' };
    execFile(deno, args, { cwd: work, env, timeout: 30_000 }, (error, stdout, stderr) => done({ error, stdout, stderr }));
  });
  const first = await run('online');
  assert.equal(first.error, null, first.stderr);
  const written = JSON.parse(first.stdout);
  assert.deepEqual(written.rows, ['stackquery:["deno"]']);
  const second = await run('offline');
  assert.equal(second.error, null, second.stderr);
  assert.deepEqual(JSON.parse(second.stdout).data, written.data);
});
