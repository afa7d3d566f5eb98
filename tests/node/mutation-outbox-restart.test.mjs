// The durable mutation outbox across a real process restart, on a real Redis behind the
// Upstash REST protocol (tests/servers/remote-store.mjs) through RemoteStorage: a first Node
// process submits persisted mutations — two in one scope, one without — and exits (process.exit)
// while the first mutationFn is still under way; a second process registers the mutationFns
// with setMutationDefaults and resumes (twice, concurrently): the effect server sees each
// mutation exactly once, the scoped ones in the order submitted, and a third process finds
// nothing left to run. Needs pkg/ built (or STACKQUERY_PKG) and redis-server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRemoteStore } from '../servers/remote-store.mjs';

const pkg = resolve(process.env.STACKQUERY_PKG || join(import.meta.dirname, '../../pkg'));
const PREFIX = 'outbox-restart';

// The child: `node main.mjs <mode> <store url> <token> <effect url>`.
//   crash   submits three persisted mutations whose mutationFn never settles, waits until their
//           records are in Redis, then exits with process.exit(3) (mid-flight)
//   resume  registers the mutationFns (each POSTs its variables to the effect server), resumes
//           twice at once, flushes, disposes and exits by itself
const CHILD = `
import { QueryClient, RemoteStorage } from 'stackquery';
const [mode, url, token, effectUrl] = process.argv.slice(2);
const storage = new RemoteStorage({ url, token });
const client = new QueryClient({ storage, keyPrefix: '${PREFIX}' });
const place = async (order) => {
  const response = await fetch(effectUrl, { method: 'POST', body: JSON.stringify(order) });
  if (!response.ok) throw new Error('effect server: ' + response.status);
  return response.json();
};
if (mode === 'crash') {
  client.setMutationDefaults(['orders'], { persist: true });
  let started = 0;
  const hang = () => { started++; return new Promise(() => {}); };
  client.mutation({ mutationKey: ['orders', 'place'], scope: { id: 'cart' }, mutationFn: hang }).mutate({ n: 1, item: 'tea' });
  client.mutation({ mutationKey: ['orders', 'place'], scope: { id: 'cart' }, mutationFn: hang }).mutate({ n: 2, item: 'milk' });
  client.mutation({ mutationKey: ['orders', 'note'], mutationFn: hang }).mutate({ n: 3, note: 'ring twice' });
  for (;;) {
    const keys = await storage.keys('${PREFIX}:~outbox:');
    if (keys.length === 3 && started === 2) break; // #2 waits for its scope
    await new Promise((r) => setTimeout(r, 10));
  }
  process.exit(3);
}
if (mode === 'resume') {
  client.setMutationDefaults(['orders', 'place'], { mutationFn: place });
  client.setMutationDefaults(['orders', 'note'], { mutationFn: place });
  await Promise.all([client.resumePausedMutations(), client.resumePausedMutations()]);
  await client.flush();
  client.dispose();
}
`;

let store;
let effects;
let effectServer;
let effectUrl;
let app;

before(async () => {
  store = await startRemoteStore();
  effects = [];
  effectServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const order = JSON.parse(body);
      effects.push(order.n);
      // The scoped ones must not overlap: answer after a while.
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: order.n })), 30);
    });
  });
  await new Promise((ok) => effectServer.listen(0, '127.0.0.1', ok));
  effectUrl = `http://127.0.0.1:${effectServer.address().port}/effect`;
  app = mkdtempSync(join(tmpdir(), 'stackquery-outbox-restart-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(pkg, join(app, 'node_modules', 'stackquery'), 'dir');
  writeFileSync(join(app, 'main.mjs'), CHILD);
});

after(async () => {
  effectServer?.closeAllConnections?.();
  effectServer?.close();
  await store?.close();
});

function runChild(mode) {
  return new Promise((resolveRun) => {
    execFile(process.execPath, ['main.mjs', mode, store.url, store.token, effectUrl], { cwd: app, timeout: 30_000 }, (error, stdout, stderr) => {
      resolveRun({ code: error ? error.code : 0, killed: error?.killed ?? false, stdout, stderr });
    });
  });
}

const outboxKeys = async () => (await store.command(['KEYS', `${PREFIX}:~outbox*`])).sort();

test('a mutation cut short by process.exit runs once in the next process, in scope order; then nothing is left', async () => {
  const crashed = await runChild('crash');
  assert.equal(crashed.code, 3, `the first process exited mid-flight: ${crashed.stderr}`);
  assert.deepEqual(effects, [], 'nothing reached the server before the restart');
  const left = await outboxKeys();
  assert.equal(left.length, 3, `three records in Redis: ${left}`);
  const stored = await Promise.all(left.map(async (k) => JSON.parse(await store.command(['GET', k]))));
  assert.deepEqual(stored.map((r) => r.variables.n).sort(), [1, 2, 3]);
  assert.ok(stored.every((r) => Array.isArray(r.mutationKey) && r.mutationKey[0] === 'orders'));

  const resumed = await runChild('resume');
  assert.equal(resumed.code, 0, `the second process ended by itself: ${resumed.stderr}`);
  assert.deepEqual([...effects].sort(), [1, 2, 3], `each mutation's effect exactly once: ${effects}`);
  assert.ok(effects.indexOf(1) < effects.indexOf(2), `scope order: ${effects}`);
  assert.deepEqual(await outboxKeys(), [], 'acknowledged: no record left in Redis');

  const again = await runChild('resume');
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual([...effects].sort(), [1, 2, 3], 'a third process runs nothing again');
});
