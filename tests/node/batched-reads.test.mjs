// Cold reads in batches: the keys a turn of the event loop asks of L2 (a page mounting many
// observers, a loop of fetchQuery) are read in one storage call — `getMany` where the storage
// has it, else every `get` at once — and a failure of that call is reported once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient, MemoryStorage } from '../../pkg/nodejs/stackquery.js';

/** get/set/delete (and getMany unless `many: false`) over a Map, recording calls. */
function recordingStorage({ many = true } = {}) {
  const map = new Map();
  const s = {
    map,
    calls: [],
    inFlight: 0,
    maxInFlight: 0,
    failing: false,
    async get(k) {
      s.calls.push(['get', k]);
      s.inFlight++;
      s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
      await new Promise((r) => setTimeout(r, 1));
      s.inFlight--;
      if (s.failing) throw new Error('storage down');
      return map.get(k) ?? null;
    },
    async set(k, v) { map.set(k, v); },
    async delete(k) { map.delete(k); },
    async keys(p) { return [...map.keys()].filter((k) => k.startsWith(p)); },
  };
  if (many) {
    s.getMany = async (keys) => {
      s.calls.push(['getMany', keys.length]);
      if (s.failing) throw new Error('storage down');
      return keys.map((k) => map.get(k) ?? null);
    };
  }
  return s;
}

/** Persists ['item', i] for i < n into `storage` from an earlier client. */
async function persist(storage, n) {
  const first = new QueryClient({ storage });
  for (let i = 0; i < n; i++) first.setQueryData(['item', i], { id: i });
  await first.flush();
  first.dispose();
  storage.calls.length = 0;
}

const neverCalled = () => { throw new Error('queryFn must not run: the data is in L2'); };

test('concurrent cold fetchQuery calls are read with one getMany call', async () => {
  const storage = recordingStorage();
  await persist(storage, 200);
  const client = new QueryClient({ storage, staleTime: 60_000 });
  const before = client.storageCalls;
  const all = await Promise.all(Array.from({ length: 200 }, (_, i) =>
    client.fetchQuery({ queryKey: ['item', i], queryFn: neverCalled })));
  assert.ok(all.every((d, i) => d.id === i));
  assert.deepEqual(storage.calls, [['getMany', 200]]);
  assert.equal(client.storageCalls - before, 1);
  client.dispose();
});

test('without getMany, the turn\'s gets are all issued at once', async () => {
  const storage = recordingStorage({ many: false });
  await persist(storage, 50);
  const client = new QueryClient({ storage });
  const all = await Promise.all(Array.from({ length: 50 }, (_, i) =>
    client.fetchQuery({ queryKey: ['item', i], queryFn: neverCalled, staleTime: Infinity })));
  assert.ok(all.every((d, i) => d.id === i));
  assert.equal(storage.calls.length, 50);
  assert.equal(storage.maxInFlight, 50, 'no get waited for another');
  client.dispose();
});

test('reads of different turns are different batches; a key read twice in a turn is asked once', async () => {
  const storage = recordingStorage();
  await persist(storage, 4);
  const client = new QueryClient({ storage, staleTime: 60_000 });
  await Promise.all([0, 1, 1].map((i) => client.fetchQuery({ queryKey: ['item', i], queryFn: neverCalled })));
  await Promise.all([2, 3].map((i) => client.fetchQuery({ queryKey: ['item', i], queryFn: neverCalled })));
  assert.deepEqual(storage.calls, [['getMany', 2], ['getMany', 2]]);
  client.dispose();
});

test('a failing batch falls back to the network for every key and is reported once', async () => {
  const storage = recordingStorage();
  await persist(storage, 30);
  storage.failing = true;
  const errors = [];
  const client = new QueryClient({ storage, onStorageError: (e, op) => errors.push([op, e.message]) });
  const all = await Promise.all(Array.from({ length: 30 }, (_, i) =>
    client.fetchQuery({ queryKey: ['item', i], queryFn: async () => ({ id: i, from: 'network' }) })));
  assert.ok(all.every((d, i) => d.id === i && d.from === 'network'));
  assert.deepEqual(errors, [['get', 'storage down']]);
  client.dispose();
});

test('a getMany answer of the wrong length is a storage error, not wrong data', async () => {
  const storage = recordingStorage();
  await persist(storage, 3);
  storage.getMany = async (keys) => keys.slice(1).map((k) => storage.map.get(k) ?? null);
  const errors = [];
  const client = new QueryClient({ storage, onStorageError: (e) => errors.push(e) });
  const all = await Promise.all([0, 1, 2].map((i) =>
    client.fetchQuery({ queryKey: ['item', i], queryFn: async () => `net ${i}` })));
  assert.deepEqual(all, ['net 0', 'net 1', 'net 2']);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].name, 'TypeError');
  assert.match(errors[0].message, /getMany/);
  client.dispose();
});

test('MemoryStorage: 100 cold observers-worth of reads are one storage call', async () => {
  const storage = new MemoryStorage();
  const first = new QueryClient({ storage });
  for (let i = 0; i < 100; i++) first.setQueryData(['m', i], i);
  await first.flush();
  first.dispose();
  const client = new QueryClient({ storage, staleTime: Infinity });
  const before = client.storageCalls;
  const all = await Promise.all(Array.from({ length: 100 }, (_, i) =>
    client.ensureQueryData({ queryKey: ['m', i], queryFn: neverCalled })));
  assert.deepEqual(all, Array.from({ length: 100 }, (_, i) => i));
  assert.equal(client.storageCalls - before, 1);
  client.dispose();
});
