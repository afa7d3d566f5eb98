// RemoteStorage from Node against a real Redis behind the Upstash REST protocol
// (tests/servers/remote-store.mjs), through the built package.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient, RemoteStorage } from '../../pkg/nodejs/stackquery.js';
import { startRemoteStore } from '../servers/remote-store.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let store;
before(async () => { store = await startRemoteStore(); });
after(async () => { await store.close(); });

const remote = (extra = {}) => new RemoteStorage({ url: store.url, token: store.token, ...extra });

test('write-behind reaches Redis with a TTL, and a second client hydrates with no queryFn call', async () => {
  const a = new QueryClient({ storage: remote(), keyPrefix: 'node1', persistMaxAge: 120_000 });
  await a.fetchQuery({ queryKey: ['user', 1], queryFn: async () => ({ name: 'Ada' }) });
  await a.flush();
  const raw = await store.command(['GET', 'node1:["user",1]']);
  assert.deepEqual(JSON.parse(raw).data, { name: 'Ada' }, 'a direct GET finds the entry');
  const pttl = await store.command(['PTTL', 'node1:["user",1]']);
  assert.ok(pttl > 0 && pttl <= 120_000, `PTTL ${pttl} ms`);
  a.dispose();
  const b = new QueryClient({ storage: remote(), keyPrefix: 'node1', staleTime: 60_000 });
  let calls = 0;
  const data = await b.fetchQuery({ queryKey: ['user', 1], queryFn: async () => { calls++; return 'network'; } });
  assert.deepEqual(data, { name: 'Ada' });
  assert.equal(calls, 0);
  b.dispose();
});

test('many keys are written through the pipeline, not one request each', async () => {
  const client = new QueryClient({ storage: remote(), keyPrefix: 'node2' });
  store.resetStats();
  for (let i = 0; i < 300; i++) client.setQueryData(['row', i], { i });
  await client.flush();
  assert.equal(store.stats.requests['/pipeline'], 1, `pipeline requests: ${JSON.stringify(store.stats.requests)}`);
  assert.equal(store.stats.requests['/'] ?? 0, 0, 'no single-command requests');
  const keys = await new RemoteStorage({ url: store.url, token: store.token }).keys('node2:');
  assert.equal(keys.length, 300);
  await client.clear();
  assert.equal((await remote().keys('node2:')).length, 0, 'clear() removes the namespace (SCAN + DEL)');
  assert.ok((await remote().keys('node1:')).length > 0, 'another prefix is untouched');
  client.dispose();
});

test('cold reads of one turn are MGETs of 200 keys; restoreQueries() is a SCAN and MGETs', async () => {
  const a = new QueryClient({ storage: remote(), keyPrefix: 'node3' });
  for (let i = 0; i < 450; i++) a.setQueryData(['row', i], { i });
  await a.flush();
  a.dispose();
  const b = new QueryClient({ storage: remote(), keyPrefix: 'node3', staleTime: 60_000 });
  store.resetStats();
  const all = await Promise.all(Array.from({ length: 450 }, (_, i) =>
    b.fetchQuery({ queryKey: ['row', i], queryFn: async () => 'network' })));
  assert.ok(all.every((d, i) => d.i === i), 'every row from Redis');
  assert.equal(store.stats.requests['/'], 3, `3 MGETs for 450 keys: ${JSON.stringify(store.stats.requests)}`);
  b.dispose();
  const c = new QueryClient({ storage: remote(), keyPrefix: 'node3', maxEntries: 1000 });
  assert.equal(await c.restoreQueries(), 450);
  assert.deepEqual(c.getQueryData(['row', 449]), { i: 449 });
  await c.clear();
  c.dispose();
});

test('a wrong token is a storage error that never shows the token, and queries still work', async () => {
  const secret = 'super-secret-token-value';
  const reports = [];
  const client = new QueryClient({
    storage: new RemoteStorage({ url: store.url, token: secret }),
    onStorageError: (error, operation) => reports.push([operation, String(error && error.message)]),
  });
  assert.equal(await client.fetchQuery({ queryKey: ['t'], queryFn: async () => 'net' }), 'net');
  client.setQueryData(['t2'], 1);
  await client.flush();
  assert.equal(reports.length, 1, JSON.stringify(reports));
  assert.match(reports[0][1], /refused the token/);
  assert.ok(!reports[0][1].includes(secret), 'the token is not in the message');
  client.dispose();
});

test('the store stopped mid-run: queries keep working; restarted: L2 resumes', async () => {
  const reports = [];
  const client = new QueryClient({ storage: remote(), keyPrefix: 'node4', storageTimeout: 500, onStorageError: (e, op) => reports.push(op) });
  client.setQueryData(['before'], 1);
  await client.flush();
  await store.stop();
  assert.equal(await client.fetchQuery({ queryKey: ['during'], queryFn: async () => 'net' }), 'net', 'a cold key fetches normally');
  client.setQueryData(['written-during'], 2);
  await client.flush();
  assert.equal(reports.length, 1, `one report for the outage: ${reports}`);
  await store.start();
  await sleep(1_100); // the first back-off
  client.setQueryData(['after'], 3);
  await client.flush();
  assert.ok(await store.command(['GET', 'node4:["after"]']), 'writes resume');
  assert.ok(await store.command(['GET', 'node4:["written-during"]']), 'the write made during the outage landed');
  client.dispose();
});

test('bad RemoteStorage options are TypeErrors that do not echo the token', () => {
  assert.throws(() => new RemoteStorage({ url: 'redis://x', token: 't' }), /url must be an http\(s\) URL/);
  assert.throws(() => new RemoteStorage({ url: store.url }), /token must be a non-empty string/);
  assert.throws(() => new RemoteStorage(), TypeError);
});
