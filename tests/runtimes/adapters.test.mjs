// The storage adapters of pkg/adapters/ against in-memory fakes of their hosts' APIs
// (the real hosts are exercised by workerd.test.mjs and deno.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const pkg = resolve(import.meta.dirname, '../../pkg');
const { workersKvStorage, KV_MAX_KEY_BYTES, KV_MAX_VALUE_BYTES } = await import(pathToFileURL(`${pkg}/adapters/workers-kv.js`).href);
const { denoKvStorage, DENO_KV_MAX_VALUE_BYTES } = await import(pathToFileURL(`${pkg}/adapters/deno-kv.js`).href);

/** A Workers KV namespace in memory; `list` pages `pageSize` keys at a time like KV's cursors. */
function fakeKvNamespace(pageSize = 2) {
  const data = new Map();
  const calls = [];
  return {
    data, calls,
    async get(key) { return data.has(key) ? data.get(key) : null; },
    async put(key, value, options) { calls.push(['put', key, options]); data.set(key, value); },
    async delete(key) { data.delete(key); },
    async list({ prefix = '', cursor } = {}) {
      calls.push(['list', prefix, cursor]);
      const names = [...data.keys()].filter((k) => k.startsWith(prefix)).sort();
      const start = cursor ? Number(cursor) : 0;
      const keys = names.slice(start, start + pageSize).map((name) => ({ name }));
      const done = start + pageSize >= names.length;
      return done ? { keys, list_complete: true } : { keys, list_complete: false, cursor: String(start + pageSize) };
    },
  };
}

test('workersKvStorage: put options, TTL clamped to KV minimum and rounded up', async () => {
  const ns = fakeKvNamespace();
  const s = workersKvStorage(ns);
  await s.set('a', '1');
  await s.set('b', '2', 5);
  await s.set('c', '3', 60.2);
  await s.set('d', '4', 86_400);
  assert.deepEqual(ns.calls, [
    ['put', 'a', undefined],
    ['put', 'b', { expirationTtl: 60 }],
    ['put', 'c', { expirationTtl: 61 }],
    ['put', 'd', { expirationTtl: 86_400 }],
  ]);
  assert.equal(await s.get('b'), '2');
  assert.equal(await s.get('missing'), null);
  await s.delete('b');
  assert.equal(await s.get('b'), null);
  assert.throws(() => workersKvStorage(undefined), TypeError);
});

test('workersKvStorage: keys(prefix) follows list cursors to the end', async () => {
  const ns = fakeKvNamespace(2);
  const s = workersKvStorage(ns);
  for (const k of ['p:1', 'p:2', 'p:3', 'p:4', 'p:5', 'q:1']) await s.set(k, 'v');
  ns.calls.length = 0;
  assert.deepEqual(await s.keys('p:'), ['p:1', 'p:2', 'p:3', 'p:4', 'p:5']);
  assert.deepEqual(ns.calls, [['list', 'p:', undefined], ['list', 'p:', '2'], ['list', 'p:', '4']]);
});

/** A Deno.Kv in memory (keys compared by their JSON form). */
function fakeDenoKv() {
  const data = new Map();
  const calls = [];
  return {
    data, calls,
    async get(key) { const e = data.get(JSON.stringify(key)); return { key, value: e ? e.value : null, versionstamp: e ? '1' : null }; },
    async set(key, value, options) { calls.push(['set', key, options]); data.set(JSON.stringify(key), { key, value }); return { ok: true }; },
    async delete(key) { data.delete(JSON.stringify(key)); },
    async *list({ prefix }) {
      for (const { key, value } of data.values()) {
        if (prefix.every((part, i) => key[i] === part)) yield { key, value };
      }
    },
  };
}

test('denoKvStorage: namespaced keys, expireIn in ms, keys(prefix)', async () => {
  const kv = fakeDenoKv();
  const s = denoKvStorage(kv);
  await s.set('stackquery:["a"]', 'A', 30);
  await s.set('stackquery:["b"]', 'B');
  await s.set('other:["c"]', 'C', 1.5);
  assert.deepEqual(kv.calls, [
    ['set', ['stackquery', 'stackquery:["a"]'], { expireIn: 30_000 }],
    ['set', ['stackquery', 'stackquery:["b"]'], undefined],
    ['set', ['stackquery', 'other:["c"]'], { expireIn: 1_500 }],
  ]);
  assert.equal(await s.get('stackquery:["a"]'), 'A');
  assert.equal(await s.get('nope'), null);
  assert.deepEqual((await s.keys('stackquery:')).sort(), ['stackquery:["a"]', 'stackquery:["b"]']);
  await s.delete('stackquery:["a"]');
  assert.equal(await s.get('stackquery:["a"]'), null);

  const scoped = denoKvStorage(kv, { namespace: ['app', 2] });
  await scoped.set('x', 'X');
  assert.ok(kv.data.has(JSON.stringify(['app', 2, 'x'])));
  assert.deepEqual(await scoped.keys(''), ['x']);
  assert.deepEqual((await s.keys('')).sort(), ['other:["c"]', 'stackquery:["b"]']);
});

test('workersKvStorage: declares KV\'s value limit and never sends a key over 512 bytes', async () => {
  const ns = fakeKvNamespace();
  const s = workersKvStorage(ns);
  assert.equal(s.maxEntryBytes, KV_MAX_VALUE_BYTES);
  const fits = 'k'.repeat(KV_MAX_KEY_BYTES);
  const tooLong = 'é'.repeat(KV_MAX_KEY_BYTES / 2 + 1); // 514 bytes in UTF-8, 257 characters
  await s.set(fits, 'v');
  await s.set(tooLong, 'v');
  assert.deepEqual(ns.calls.map((c) => c[1]), [fits]);
  assert.equal(await s.get(tooLong), null);
  await s.delete(tooLong);
  assert.equal(await s.get(fits), 'v');
});

test('denoKvStorage: declares the 64 KiB limit; a value over it as Deno stores it deletes the older one', async () => {
  const kv = fakeDenoKv();
  const s = denoKvStorage(kv);
  assert.ok(s.maxEntryBytes < DENO_KV_MAX_VALUE_BYTES && s.maxEntryBytes > 65_000);
  await s.set('k', 'older');
  // 40,000 characters: 40,003 bytes in UTF-8 (under maxEntryBytes), but one is beyond
  // Latin-1, so Deno would store 80,000 bytes: not sent, and the older version goes.
  await s.set('k', 'x'.repeat(39_999) + '€');
  assert.equal(await s.get('k'), null);
  await s.set('k', 'é'.repeat(60_000)); // Latin-1: 60,000 bytes as Deno stores it
  assert.equal((await s.get('k'))?.length, 60_000);
  const longKey = 'q'.repeat(2_100);
  await s.set(longKey, 'v');
  assert.equal(await s.get(longKey), null);
  assert.deepEqual(await s.keys(''), ['k']);
});
