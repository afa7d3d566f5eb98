// What a write puts in L2: the stored string of each entry, made in JavaScript around
// JSON.stringify's text (js/envelopes.js) in the exact form the engine's readers take, and
// the engine's memory, which the data written never passes through (wasm memory only
// grows: a 16 MB batch copied into it would stay 16 MB bigger for the page's life).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import init, { QueryClient } from '../../pkg/web/stackquery.js';
import { mapStorage } from '../support/map-storage.mjs';

const KEY = 'stackquery:["doc",1]';

test('the stored string: fields in order, times as whole ms, the buster escaped, an endless maxAge bounded', async () => {
  const storage = mapStorage();
  const buster = 'v"1\u00e9\u{1F600}';
  const client = new QueryClient({ storage, buster, persistMaxAge: Infinity });
  const before = Date.now();
  client.setQueryData(['doc', 1], { title: 'caf\u00e9', n: [1, 2.5, null], nested: { ok: true } });
  await client.invalidateQueries({ queryKey: ['doc'] });
  await client.flush();
  const stored = storage.map.get(KEY);
  const form = /^\{"v":1,"key":\["doc",1\],"buster":"v\\"1\u00e9\u{1F600}","updatedAt":(\d+),"invalidated":true,"expiresAt":999999999999999999,"rev":\d+,"data":\{"title":"caf\u00e9","n":\[1,2\.5,null\],"nested":\{"ok":true\}\}\}$/u;
  const found = form.exec(stored);
  assert.ok(found, stored);
  const updatedAt = Number(found[1]);
  assert.ok(updatedAt >= before && updatedAt <= Date.now(), `updatedAt ${updatedAt}`);
  client.dispose();

  // What was written reads back, invalidated, in a client of the same buster.
  const again = new QueryClient({ storage, buster, persistMaxAge: Infinity });
  const data = await again.ensureQueryData({ queryKey: ['doc', 1], queryFn: async () => 'fetched' });
  assert.deepEqual(data, { title: 'caf\u00e9', n: [1, 2.5, null], nested: { ok: true } });
  assert.equal(again.getQueryState(['doc', 1]).isInvalidated, true);
  assert.equal(again.getQueryState(['doc', 1]).dataUpdatedAt, updatedAt);
  again.dispose();
});

test('times past 2^53 are written with every digit; past 18 digits, bounded', async () => {
  const storage = mapStorage();
  const ages = [2 ** 55, 1e18]; // now + 2^55 is about 3.6e16: past 2^53, under 18 digits
  for (const persistMaxAge of ages) {
    const client = new QueryClient({ storage, persistMaxAge, keyPrefix: `age${ages.indexOf(persistMaxAge)}` });
    client.setQueryData(['doc', 1], 1);
    await client.flush();
    const stored = storage.map.get(`age${ages.indexOf(persistMaxAge)}:["doc",1]`);
    const [, updatedAt, expiresAt] = /"updatedAt":(\d+),"invalidated":false,"expiresAt":(\d+),/.exec(stored);
    const expected = persistMaxAge === 1e18 ? '999999999999999999' : BigInt(Number(updatedAt) + persistMaxAge).toString();
    assert.equal(expiresAt, expected, stored);
    client.dispose();
    // And it reads back: not expired.
    const again = new QueryClient({ storage, persistMaxAge, keyPrefix: `age${ages.indexOf(persistMaxAge)}` });
    assert.equal(await again.ensureQueryData({ queryKey: ['doc', 1], queryFn: async () => 2 }), 1);
    again.dispose();
  }
});

test('data JSON cannot hold (a symbol, a throwing toJSON) is reported, kept in L1, and its older entry removed', async () => {
  const storage = mapStorage();
  const reports = [];
  const client = new QueryClient({ storage, onStorageError: (e, op, key) => reports.push([op, key, e.name, e.message]) });
  client.setQueryData(['doc', 1], { v: 1 });
  client.setQueryData(['doc', 2], { v: 2 });
  await client.flush();
  assert.ok(storage.map.has(KEY) && storage.map.has('stackquery:["doc",2]'));
  const symbol = Symbol('not JSON');
  client.setQueryData(['doc', 1], symbol);
  client.setQueryData(['doc', 2], { toJSON() { throw new Error('no JSON here'); } });
  client.setQueryData(['doc', 3], { v: 3 }); // written in the same batch as the two refused
  await client.flush();
  assert.deepEqual(reports, [
    ['serialize', KEY, 'TypeError', 'stackquery: the data of ["doc",1] cannot be stored as JSON'],
    ['serialize', 'stackquery:["doc",2]', 'Error', 'no JSON here'],
  ]);
  assert.equal(client.getQueryData(['doc', 1]), symbol, 'L1 keeps it');
  assert.ok(!storage.map.has(KEY) && !storage.map.has('stackquery:["doc",2]'), 'no older entry is left to restore');
  assert.match(storage.map.get('stackquery:["doc",3]'), /"data":\{"v":3\}\}$/);
  client.dispose();
});

test('maxEntryBytes counts the stored string in UTF-8 bytes, not in UTF-16 units', async () => {
  const storage = mapStorage();
  const reports = [];
  const client = new QueryClient({ storage, maxEntryBytes: 180, onStorageError: (e, op, key) => reports.push([op, key, e.name, e.message]) });
  const text = '\u00e9'.repeat(40); // 40 units, 80 bytes: the entry is about 167 units, 207 bytes
  client.setQueryData(['doc', 4], text);
  await client.flush();
  assert.equal(reports.length, 1, JSON.stringify(reports));
  const [op, key, name, message] = reports[0];
  assert.deepEqual([op, key, name], ['set', 'stackquery:["doc",4]', 'RangeError']);
  const said = /^stackquery: the L2 entry of \["doc",4\] would be (\d+) bytes, over maxEntryBytes \(180\); it stays in L1 only$/.exec(message);
  assert.ok(said && Number(said[1]) >= 200 && Number(said[1]) <= 215, message);
  assert.ok(!storage.map.has('stackquery:["doc",4]'));
  assert.equal(client.getQueryData(['doc', 4]), text);
  client.dispose();
});

test('persisting 16 MB of data does not grow the engine memory by it', async () => {
  const { memory } = await init();
  const storage = mapStorage();
  const client = new QueryClient({ storage });
  const start = memory.buffer.byteLength;
  const MB = 'x'.repeat(1 << 20);
  for (let i = 0; i < 16; i++) client.setQueryData(['big', i], { i, text: MB });
  await client.flush();
  const grown = memory.buffer.byteLength - start;
  assert.equal([...storage.map.keys()].filter((k) => k.startsWith('stackquery:["big"')).length, 16, 'all written');
  assert.ok(storage.map.get('stackquery:["big",15]').length > 1 << 20);
  assert.ok(grown < 4 << 20, `the engine memory grew by ${(grown / (1 << 20)).toFixed(1)} MB`);
  client.dispose();
});
