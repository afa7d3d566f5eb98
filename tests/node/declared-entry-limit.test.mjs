// A storage object's own `maxEntryBytes` (the Deno KV and Workers KV adapters declare their
// hosts' value limits): when the client sets none, a larger entry is never sent to the store,
// is reported once, and its older stored version is deleted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient } from '../../pkg/nodejs/stackquery.js';

/** get/set/delete/keys over a Map, refusing values over `limit` as a real KV store would. */
function limitedStorage(limit) {
  const map = new Map();
  const sets = [];
  return {
    map, sets,
    maxEntryBytes: limit,
    async get(k) { return map.get(k) ?? null; },
    async set(k, v) {
      sets.push(k);
      if (v.length > limit) throw new RangeError(`value of ${v.length} bytes over ${limit}`);
      map.set(k, v);
    },
    async delete(k) { map.delete(k); },
    async keys(p) { return [...map.keys()].filter((k) => k.startsWith(p)); },
  };
}

test('an entry over the store\'s declared maxEntryBytes is not sent, is reported, and its older version goes', async () => {
  const storage = limitedStorage(1_000);
  const errors = [];
  const client = new QueryClient({ storage, onStorageError: (e, op, key) => errors.push([op, key, String(e)]) });
  client.setQueryData(['doc'], 'small');
  await client.flush();
  assert.ok(storage.map.has('stackquery:["doc"]'));
  client.setQueryData(['doc'], 'x'.repeat(2_000));
  client.setQueryData(['other'], 'fine');
  await client.flush();
  assert.equal(storage.map.has('stackquery:["doc"]'), false, 'the older version is deleted');
  assert.equal(storage.map.get('stackquery:["other"]')?.includes('fine'), true, 'the rest of the batch is written');
  assert.deepEqual(storage.sets.filter((k) => k === 'stackquery:["doc"]').length, 1, 'the large one was never sent');
  assert.equal(errors.length, 1);
  assert.equal(errors[0][0], 'set');
  assert.match(errors[0][2], /RangeError: .*over maxEntryBytes \(1000\); it stays in L1 only/);
  assert.equal(client.getQueryData(['doc']).length, 2_000, 'L1 keeps it');
  client.dispose();
});

test('the client\'s own maxEntryBytes wins over the store\'s; a declared limit that is no number is a TypeError', async () => {
  const storage = limitedStorage(1_000);
  const client = new QueryClient({ storage, maxEntryBytes: 100 });
  client.setQueryData(['doc'], 'x'.repeat(500));
  await client.flush();
  assert.equal(storage.map.has('stackquery:["doc"]'), false, 'over the client\'s 100');
  client.dispose();
  assert.throws(() => new QueryClient({ storage: { ...limitedStorage(1), maxEntryBytes: 'big' } }),
    { name: 'TypeError', message: /storage\.maxEntryBytes must be a number of at least 1, got string/ });
  assert.throws(() => new QueryClient({ storage: { ...limitedStorage(1), maxEntryBytes: 0 } }), TypeError);
});
