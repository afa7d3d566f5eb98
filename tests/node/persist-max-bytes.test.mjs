// persistMaxBytes: a client's namespace in L2 stays under a byte limit; past it, after each
// write, the entries written or read longest ago are deleted from L2 (never from L1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient } from '../../pkg/nodejs/stackquery.js';
import { mapStorage } from '../support/map-storage.mjs';

const PREFIX = 'stackquery:[';
const storedBytes = (s) => [...s.map].filter(([k]) => k.startsWith(PREFIX)).reduce((n, [, v]) => n + v.length, 0);
const storedKeys = (s) => [...s.map.keys()].filter((k) => k.startsWith(PREFIX)).sort();
const body = (i) => ({ i, text: 'x'.repeat(400) }); // about 500 B stored
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('the namespace stays under persistMaxBytes; the newest entries stay in L2 and all stay in L1', async () => {
  const storage = mapStorage();
  const client = new QueryClient({ storage, persistMaxBytes: 2_600 });
  for (let i = 0; i < 20; i++) {
    client.setQueryData(['row', i], body(i));
    await client.flush();
    await sleep(2); // distinct write times
  }
  assert.ok(storedBytes(storage) <= 2_600, `L2 holds ${storedBytes(storage)} B`);
  const kept = storedKeys(storage);
  assert.ok(kept.length >= 4, `${kept.length} entries kept`);
  assert.ok(kept.includes('stackquery:["row",19]') && kept.includes('stackquery:["row",18]'), 'the newest stay');
  assert.ok(!kept.includes('stackquery:["row",0]'), 'the oldest went');
  assert.deepEqual(client.getQueryData(['row', 0]), body(0), 'L1 keeps what L2 evicted');
  client.dispose();
});

test('entries an earlier session left are counted, and a read entry is kept over unread older ones', async () => {
  const storage = mapStorage();
  const first = new QueryClient({ storage });
  for (let i = 0; i < 10; i++) {
    first.setQueryData(['old', i], body(i));
    await first.flush();
    await sleep(2);
  }
  first.dispose();
  assert.ok(storedBytes(storage) > 4_000);
  const client = new QueryClient({ storage, persistMaxBytes: 2_100, staleTime: Infinity });
  // Reading ['old', 0] (the oldest stamp) makes it recently used.
  assert.deepEqual(await client.fetchQuery({ queryKey: ['old', 0], queryFn: () => { throw new Error('in L2'); } }), body(0));
  client.setQueryData(['new'], body(99));
  await client.flush();
  assert.ok(storedBytes(storage) <= 2_100, `L2 holds ${storedBytes(storage)} B`);
  const kept = storedKeys(storage);
  assert.ok(kept.includes('stackquery:["new"]'), 'the write stays');
  assert.ok(kept.includes('stackquery:["old",0]'), 'the entry just read stays');
  assert.ok(kept.includes('stackquery:["old",9]'), 'the newest earlier entry stays');
  assert.ok(!kept.includes('stackquery:["old",1]'), 'the oldest unread went');
  client.dispose();
});

test('entries read back are counted in UTF-8 bytes, as stored strings are measured', async () => {
  const storage = mapStorage();
  const first = new QueryClient({ storage });
  for (let i = 0; i < 10; i++) {
    first.setQueryData(['wide', i], { i, text: 'é€'.repeat(100) }); // 500 B of UTF-8 in 200 characters
    await first.flush();
    await sleep(2);
  }
  first.dispose();
  const utf8 = () => [...storage.map].filter(([k]) => k.startsWith(PREFIX)).reduce((n, [, v]) => n + Buffer.byteLength(v), 0);
  assert.ok(utf8() > 6_000);
  for (const read of ['one by one', 'restoreQueries()']) {
    const client = new QueryClient({ storage, persistMaxBytes: 2_600, staleTime: Infinity });
    if (read === 'one by one') {
      for (let i = 0; i < 10; i++) await client.ensureQueryData({ queryKey: ['wide', i], queryFn: () => 'net' });
    } else {
      assert.equal(await client.restoreQueries(), storedKeys(storage).length);
    }
    client.setQueryData(['new', read], 1);
    await client.flush();
    assert.ok(utf8() <= 2_600, `${read}: L2 holds ${utf8()} B of UTF-8`);
    client.dispose();
  }
});

test('another keyPrefix is neither counted nor evicted', async () => {
  const storage = mapStorage();
  storage.map.set('other:["big"]', 'y'.repeat(10_000));
  const client = new QueryClient({ storage, persistMaxBytes: 1_200 });
  client.setQueryData(['a'], body(1));
  client.setQueryData(['b'], body(2));
  await client.flush();
  assert.equal(storedKeys(storage).length, 2, 'both of ours fit');
  assert.ok(storage.map.has('other:["big"]'));
  client.dispose();
});

test('after clear() nothing cleared is counted', async () => {
  const storage = mapStorage();
  const client = new QueryClient({ storage, persistMaxBytes: 1_200 });
  client.setQueryData(['a'], body(1));
  client.setQueryData(['b'], body(2));
  await client.flush();
  await client.clear();
  client.setQueryData(['c'], body(3));
  client.setQueryData(['d'], body(4));
  await client.flush();
  assert.deepEqual(storedKeys(storage), ['stackquery:["c"]', 'stackquery:["d"]']);
  client.dispose();
});

test('persistMaxBytes must be a number of at least 1', () => {
  assert.throws(() => new QueryClient({ storage: mapStorage(), persistMaxBytes: 0 }), { name: 'RangeError', message: /persistMaxBytes/ });
  assert.throws(() => new QueryClient({ storage: mapStorage(), persistMaxBytes: '1mb' }), { name: 'TypeError', message: /persistMaxBytes/ });
  new QueryClient({ storage: mapStorage(), persistMaxBytes: Infinity }).dispose();
});
