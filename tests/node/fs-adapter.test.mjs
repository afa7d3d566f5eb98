// stackquery/adapters/fs in a real temp directory: the storage protocol (what is on disk is
// read back with node:fs: one file per key, named from the key, written atomically), then
// the built package using it (a second Node process reading the same directory answers with
// no queryFn call; clear() removes one namespace only); a wrong argument is a TypeError
// naming it; the browser entry never reaches node:fs; and a directory written under Deno
// (node_modules/.bin/deno, when installed) is read back by Node.
// Needs the package built (scripts/build-package.sh); STACKQUERY_PKG points at another build.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const pkg = resolve(process.env.STACKQUERY_PKG || join(import.meta.dirname, '../../pkg'));
const pkgUrl = pathToFileURL(pkg).href;
const { QueryClient } = await import(`${pkgUrl}/nodejs/stackquery.js`);
const { fileStorage, fileNameOf } = await import(`${pkgUrl}/adapters/fs.js`);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const deno = resolve(import.meta.dirname, '../../node_modules/.bin/deno');

let root;
before(() => { root = mkdtempSync(join(tmpdir(), 'stackquery-fs-')); });
after(() => rmSync(root, { recursive: true, force: true }));

let dirs = 0;
/** A fresh directory path under the temp root (not created: the adapter makes it). */
const freshDir = () => join(root, `store-${++dirs}`);
/** The names in `dir`, sorted. */
const listing = (dir) => (existsSync(dir) ? readdirSync(dir).sort() : []);

describe('the storage protocol', () => {
  test('get / set / delete: a round trip, a miss is null, one file per key named by the key\'s hex', async () => {
    const dir = freshDir();
    const storage = fileStorage(dir);
    assert.equal(storage.directory, dir);
    assert.equal(await storage.get('missing'), null, 'a miss before the directory exists');
    await storage.set('app:["user",1]', '{"v":1}');
    assert.equal(await storage.get('app:["user",1]'), '{"v":1}');
    const name = `k-${Buffer.from('app:["user",1]').toString('hex')}`;
    assert.deepEqual(listing(dir), [name], 'the directory was made, with one file and no temporary one');
    const [header, ...rest] = readFileSync(join(dir, name), 'utf8').split('\n');
    assert.deepEqual(JSON.parse(header), { key: 'app:["user",1]', expires: null, bytes: 7 });
    assert.equal(rest.join('\n'), '{"v":1}');
    await storage.set('app:["user",1]', 'second\nline é');
    assert.equal(await storage.get('app:["user",1]'), 'second\nline é', 'overwritten; newlines and UTF-8 in values');
    await storage.delete('app:["user",1]');
    assert.deepEqual(listing(dir), []);
    assert.equal(await storage.get('app:["user",1]'), null);
    await storage.delete('never-there'); // no error
  });

  test('keys differing only in case, or full of path characters, stay distinct files inside the directory', async () => {
    const dir = freshDir();
    const storage = fileStorage(dir);
    const keys = ['A', 'a', '../escape', '/abs', 'x/../../y', 'nul\u0000byte', 'CON', '.hidden', '', 'emoji 🎉 ü'];
    for (const [i, key] of keys.entries()) await storage.set(key, `v${i}`);
    for (const [i, key] of keys.entries()) assert.equal(await storage.get(key), `v${i}`, JSON.stringify(key));
    assert.equal(listing(dir).length, keys.length);
    assert.ok(listing(dir).every((n) => /^k-[0-9a-f]*$/.test(n)), 'only hex names: nothing outside the directory');
    assert.deepEqual(listing(root).filter((n) => !n.startsWith('store-')), [], 'nothing written beside it');
    assert.deepEqual((await storage.keys('')).sort(), [...keys].sort());
  });

  test('a long key is stored under its SHA-256 and listed from the file\'s header', async () => {
    const dir = freshDir();
    const storage = fileStorage(dir);
    const long = `app:${JSON.stringify(['search', 'x'.repeat(300), { page: 2 }])}`;
    const long2 = `${long}2`;
    await storage.set(long, 'big one');
    await storage.set(long2, 'v'.repeat(20_000)); // a header past the first read chunk is not needed, but a long value is
    assert.match(fileNameOf(long), /^h-[0-9a-f]{64}$/);
    assert.deepEqual(listing(dir), [fileNameOf(long), fileNameOf(long2)].sort());
    assert.equal(await storage.get(long), 'big one');
    assert.deepEqual((await storage.keys('app:')).sort(), [long, long2].sort());
    assert.deepEqual(await storage.keys('app:["search","xy'), []);
    // A hashed file that holds another key does not answer for this one.
    writeFileSync(join(dir, fileNameOf(long)), readFileSync(join(dir, fileNameOf(long2))));
    assert.equal(await storage.get(long), null);
  });

  test('keys(prefix): every key starting with the prefix, with %, _, *, ?, [, \\ and dots taken literally', async () => {
    const dir = freshDir();
    const storage = fileStorage(dir);
    const all = ['t%1:a', 't%1:b', 'tx1:c', 't_1:d', 'tA1:e', 't*1:f', 't?1:g', 't[1]:h', 't\\1:i', 't.1:j', 'T%1:k', 't%', 't%1'];
    await storage.setMany(all.map((key) => ({ key, value: 'v' })));
    const cases = [
      ['t%1:', ['t%1:a', 't%1:b']],
      ['t_1', ['t_1:d']],
      ['t*1', ['t*1:f']],
      ['t?1', ['t?1:g']],
      ['t[1]', ['t[1]:h']],
      ['t\\1', ['t\\1:i']],
      ['t.1', ['t.1:j']],
      ['t%', ['t%1:a', 't%1:b', 't%', 't%1']],
      ['T', ['T%1:k']],
      ['nothing', []],
    ];
    for (const [prefix, expected] of cases) {
      assert.deepEqual((await storage.keys(prefix)).sort(), [...expected].sort(), `keys(${JSON.stringify(prefix)})`);
    }
    assert.deepEqual(await fileStorage(freshDir()).keys(''), [], 'a directory not made yet lists nothing');
  });

  test('set: a TTL is stored with the value; the entry reads as null once it is past, and its file is removed', async () => {
    const dir = freshDir();
    const storage = fileStorage(dir);
    const before = Date.now();
    await storage.set('short', 'soon gone', 0.15);
    await storage.set('none', 'stays');
    await storage.set('inf', 'stays', Infinity);
    await storage.set('nan', 'stays', NaN);
    await storage.set('long', 'an hour', 3600);
    const header = (key) => JSON.parse(readFileSync(join(dir, fileNameOf(key)), 'utf8').split('\n')[0]);
    const { expires } = header('short');
    assert.ok(expires >= before + 150 && expires <= Date.now() + 150, `expires ${expires - before} ms after`);
    for (const key of ['none', 'inf', 'nan']) assert.equal(header(key).expires, null, `${key}: no expiry`);
    assert.equal(await storage.get('long'), 'an hour', 'readable before its expiry');
    await sleep(250);
    assert.deepEqual(await storage.getMany(['short', 'none', 'long']), [null, 'stays', 'an hour']);
    assert.ok(!existsSync(join(dir, fileNameOf('short'))), 'the expired file was removed');
    await storage.set('zero', 'x', 0);
    assert.equal(await storage.get('zero'), null, 'a TTL of 0 is already past');
  });

  test('getMany: the values in the order of the keys, null for misses and expired entries', async () => {
    const storage = fileStorage(freshDir());
    await storage.setMany([
      { key: 'm1', value: 'one' },
      { key: 'm3', value: 'three' },
      { key: 'gone', value: 'x', ttl: 0.001 },
    ]);
    await sleep(10);
    assert.deepEqual(await storage.getMany(['m3', 'missing', 'm1', 'gone', 'm3']), ['three', null, 'one', null, 'three']);
    assert.deepEqual(await storage.getMany([]), []);
    const many = Array.from({ length: 300 }, (_, i) => `n${i}`);
    await storage.setMany(many.filter((_, i) => i % 3).map((key) => ({ key, value: key.toUpperCase() })));
    assert.deepEqual(await storage.getMany(many), many.map((key, i) => (i % 3 ? key.toUpperCase() : null)));
  });

  test('setMany / deleteMany: every entry written (the last of a repeated key wins), then every key deleted; no temporary file left', async () => {
    const dir = freshDir();
    const storage = fileStorage(dir);
    const entries = Array.from({ length: 500 }, (_, i) => ({ key: `b:${i}`, value: `{"i":${i}}`, ttl: i % 2 ? 120 : undefined }));
    entries.push({ key: 'b:7', value: 'last wins' });
    // A repeated key whose first value is slow to write: written in parallel, it would land last.
    entries.unshift({ key: 'dup', value: 'x'.repeat(8_000_000) }, { key: 'dup', value: 'small, last' });
    await storage.setMany(entries);
    assert.equal(listing(dir).length, 501);
    assert.equal(await storage.get('b:7'), 'last wins');
    assert.equal(await storage.get('dup'), 'small, last');
    assert.equal(await storage.get('b:8'), '{"i":8}');
    await storage.deleteMany(entries.map((e) => e.key));
    assert.deepEqual(listing(dir), []);
    await storage.setMany([]);
    await storage.deleteMany([]);
  });

  test('atomic writes: a reader racing a writer never sees a missing or partial value', async () => {
    const storage = fileStorage(freshDir());
    const values = ['a', 'b', 'c'].map((c) => c.repeat(2_000_000));
    await storage.set('race', values[0]);
    let writing = true;
    const writer = (async () => {
      for (let i = 1; i <= 30; i++) await storage.set('race', values[i % 3]);
      writing = false;
    })();
    let reads = 0;
    while (writing) {
      const seen = await fileStorage(storage.directory).get('race');
      assert.ok(values.includes(seen), `read ${seen === null ? 'null' : `${seen.length} chars starting ${seen.slice(0, 3)}`}`);
      reads++;
    }
    await writer;
    assert.ok(reads > 0);
  });

  test('a crash\'s leftovers: a temporary file is no key and never read; a truncated or foreign file reads as null', async () => {
    const dir = freshDir();
    const storage = fileStorage(dir);
    await storage.set('kept', 'whole');
    // A write that died before its rename: the temporary file holds a complete entry for a key.
    const entry = readFileSync(join(dir, fileNameOf('kept')));
    writeFileSync(join(dir, '.tmp-deadbeef'), entry);
    writeFileSync(join(dir, '.tmp-cafe'), entry.subarray(0, 20));
    const leftover = `${JSON.stringify({ key: 'half', expires: null, bytes: 10 })}\nhalf`;
    writeFileSync(join(dir, '.tmp-0001'), leftover);
    assert.deepEqual(await storage.keys(''), ['kept'], 'temporary files are not keys');
    assert.equal(await storage.get('half'), null);
    // A file under the entry's own name cut short (e.g. a power loss): not half a value.
    writeFileSync(join(dir, fileNameOf('half')), leftover);
    assert.equal(await storage.get('half'), null);
    writeFileSync(join(dir, fileNameOf('junk')), 'not a header');
    assert.equal(await storage.get('junk'), null);
    writeFileSync(join(dir, 'README.txt'), 'someone else\'s file');
    assert.deepEqual((await storage.keys('')).sort(), ['half', 'junk', 'kept'], 'foreign names are skipped');
    await storage.set('half', 'now whole');
    assert.equal(await storage.get('half'), 'now whole');
  });

  test('prune(): removes expired entries and temporary files older than ten minutes, nothing else', async () => {
    const dir = freshDir();
    const storage = fileStorage(dir);
    await storage.set('live', 'x');
    await storage.set('dead', 'x', 0.001);
    writeFileSync(join(dir, '.tmp-old'), 'x');
    const old = (Date.now() - 11 * 60_000) / 1000;
    utimesSync(join(dir, '.tmp-old'), old, old);
    writeFileSync(join(dir, '.tmp-new'), 'x'); // maybe a write under way
    writeFileSync(join(dir, 'other.txt'), 'x');
    await sleep(10);
    assert.equal(await storage.prune(), 2);
    assert.deepEqual(listing(dir), ['.tmp-new', fileNameOf('live'), 'other.txt'].sort());
  });

  test('the directory is made on the first write, with its parents, and again if removed', async () => {
    const dir = join(freshDir(), 'deep', 'er');
    const storage = fileStorage(pathToFileURL(dir));
    assert.equal(storage.directory, dir, 'a file: URL names the same directory');
    await storage.set('k', 'v');
    assert.deepEqual(listing(dir), [fileNameOf('k')]);
    rmSync(dir, { recursive: true });
    await storage.set('k2', 'v2');
    assert.equal(await storage.get('k2'), 'v2');
  });
});

describe('arguments', () => {
  test('a bad directory or options is a TypeError naming it', () => {
    for (const bad of [undefined, null, '', 42, {}, ['a']]) {
      assert.throws(() => fileStorage(bad), (e) => e instanceof TypeError && /`directory`/.test(e.message), String(bad));
    }
    assert.throws(() => fileStorage(new URL('https://example.com/cache')), (e) => e instanceof TypeError && /file: URL/.test(e.message));
    assert.throws(() => fileStorage(freshDir(), 'nope'), (e) => e instanceof TypeError && /`options`/.test(e.message));
  });

  test('Node-only: no browser condition for it, and the browser bundle does not contain it', () => {
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
    assert.deepEqual(Object.keys(manifest.exports['./adapters/fs']).sort(), ['default', 'require', 'types']);
    const web = readFileSync(join(pkg, 'web/stackquery.js'), 'utf8');
    assert.ok(!web.includes('node:fs') && !web.includes('fileStorage'), 'web/stackquery.js does not reach node:fs');
  });
});

// ---- through the package ----

/**
 * Runs `source` in a fresh Node process, in an app folder whose node_modules hold the
 * built package as `stackquery`: resolves with what it printed, parsed.
 */
function runChild(file, source, args) {
  const app = mkdtempSync(join(tmpdir(), 'stackquery-fs-child-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(pkg, join(app, 'node_modules', 'stackquery'), 'dir');
  writeFileSync(join(app, file), source);
  return new Promise((done, fail) => {
    execFile(process.execPath, [file, ...args], { cwd: app, timeout: 20_000 }, (error, stdout, stderr) => {
      rmSync(app, { recursive: true, force: true });
      if (error) fail(new Error(`the child failed: ${error.message}\n${stderr}`));
      else done(JSON.parse(stdout));
    });
  });
}

const CHILD_READ = `
  let calls = 0;
  const client = new QueryClient({ storage: fileStorage(dir), keyPrefix, staleTime: 60_000 });
  const data = await client.fetchQuery({ queryKey: ['user', 1], queryFn: async () => { calls++; return 'network'; } });
  client.dispose();
  process.stdout.write(JSON.stringify({ data, calls }));`;

const children = {
  'ES module': ['main.mjs', `import { QueryClient } from 'stackquery';
import { fileStorage } from 'stackquery/adapters/fs';
const [dir, keyPrefix] = process.argv.slice(2);
${CHILD_READ}
`],
  CommonJS: ['main.cjs', `const { QueryClient } = require('stackquery');
const { fileStorage } = require('stackquery/adapters/fs');
const [dir, keyPrefix] = process.argv.slice(2);
(async () => {
${CHILD_READ}
})().catch((e) => { console.error(e); process.exit(1); });
`],
};

describe('through the package', () => {
  for (const [kind, [file, source]] of Object.entries(children)) {
    test(`fetchQuery, flush, then another Node process (${kind}) reads the directory with no queryFn call`, async () => {
      const dir = freshDir();
      const keyPrefix = 'app';
      const a = new QueryClient({ storage: fileStorage(dir), keyPrefix, persistMaxAge: 120_000 });
      await a.fetchQuery({ queryKey: ['user', 1], queryFn: async () => ({ name: 'Grace', from: process.pid }) });
      await a.flush();
      a.dispose();
      assert.deepEqual(await fileStorage(dir).keys(''), ['app:["user",1]'], 'stored under `${keyPrefix}:${queryHash}`');
      const stored = JSON.parse(await fileStorage(dir).get('app:["user",1]'));
      assert.deepEqual(stored.data, { name: 'Grace', from: process.pid });

      const { data, calls } = await runChild(file, source, [dir, keyPrefix]);
      assert.deepEqual(data, { name: 'Grace', from: process.pid });
      assert.equal(calls, 0, 'the new process read the files, it did not fetch');
    });
  }

  test('clear() removes the namespace\'s files, and only those', async () => {
    const dir = freshDir();
    const mine = 'tenant_%1';
    const others = ['tenantX%1', 'tenant_%1x', 'tenant_', 'Tenant_%1'];
    const a = new QueryClient({ storage: fileStorage(dir), keyPrefix: mine });
    const clients = others.map((keyPrefix) => new QueryClient({ storage: fileStorage(dir), keyPrefix }));
    for (const c of [a, ...clients]) {
      for (let i = 0; i < 20; i++) c.setQueryData(['row', i], { i });
      c.setQueryData(['long', 'y'.repeat(200)], 'hashed'); // one hashed file each
      await c.flush();
    }
    const storage = fileStorage(dir);
    assert.equal((await storage.keys(`${mine}:`)).length, 21);
    await a.clear();
    assert.deepEqual(await storage.keys(`${mine}:`), [], 'this namespace is empty');
    for (const keyPrefix of others) {
      assert.equal((await storage.keys(`${keyPrefix}:`)).length, 21, `${keyPrefix} keeps its files`);
    }
    assert.equal(listing(dir).length, 21 * others.length);
    for (const c of [a, ...clients]) c.dispose();
  });
});

test('Deno: the package writes a directory under Deno, and Node reads it back with no queryFn call', { skip: !existsSync(deno) && 'no node_modules/.bin/deno', timeout: 60_000 }, async () => {
  const dir = freshDir();
  const work = mkdtempSync(join(tmpdir(), 'stackquery-fs-deno-'));
  const script = join(work, 'write.ts');
  writeFileSync(script, `
    import { QueryClient } from '${pkgUrl}/web/stackquery.js';
    import { fileStorage } from '${pkgUrl}/adapters/fs.js';
    const storage = fileStorage(Deno.args[0]);
    const client = new QueryClient({ storage, keyPrefix: 'deno' });
    await client.fetchQuery({ queryKey: ['user', 1], queryFn: async () => ({ name: 'from deno' }) });
    await client.flush();
    client.dispose();
    console.log(JSON.stringify({ keys: await storage.keys('deno:'), missing: await storage.get('deno:nothing') }));
  `);
  const args = [
    'run', '--quiet', '--no-config', '--no-lock', '--no-remote', '--no-npm', '--no-prompt',
    `--allow-read=${pkg},${work},${root}`, `--allow-write=${root}`, script, dir,
  ];
  const env = { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(work, 'deno-dir'), NO_COLOR: '1' };
  const out = await new Promise((done, fail) => {
    execFile(deno, args, { cwd: work, env, timeout: 30_000 }, (error, stdout, stderr) => {
      rmSync(work, { recursive: true, force: true });
      if (error) fail(new Error(`deno failed: ${error.message}\n${stderr}`));
      else done(JSON.parse(stdout));
    });
  });
  assert.deepEqual(out, { keys: ['deno:["user",1]'], missing: null });
  const client = new QueryClient({ storage: fileStorage(dir), keyPrefix: 'deno', staleTime: 60_000 });
  let calls = 0;
  const data = await client.fetchQuery({ queryKey: ['user', 1], queryFn: async () => { calls++; return 'network'; } });
  client.dispose();
  assert.deepEqual(data, { name: 'from deno' });
  assert.equal(calls, 0, 'Node read what Deno wrote');
});
