// The built npm package (pkg/) under Node 20, resolved the way an app resolves it:
// `import 'stackquery'` through the package's exports map. Run by scripts/test.sh
// with node's test runner after scripts/build-package.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const pkg = resolve(import.meta.dirname, '../../pkg');

/** An app folder whose node_modules/stackquery is the built package; runs `code` there. */
function runApp(code, timeoutMs = 10_000, nodeFlags = []) {
  const app = mkdtempSync(join(tmpdir(), 'stackquery-app-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(pkg, join(app, 'node_modules', 'stackquery'), 'dir');
  writeFileSync(join(app, 'main.mjs'), code);
  const started = Date.now();
  return new Promise((done) => {
    execFile(process.execPath, [...nodeFlags, 'main.mjs'], { cwd: app, timeout: timeoutMs }, (error, stdout, stderr) =>
      done({ error, stdout, stderr, ms: Date.now() - started }));
  });
}

test("`import { QueryClient } from 'stackquery'` works in Node and caches", async () => {
  const { error, stdout, stderr } = await runApp(`
    import { QueryClient } from 'stackquery';
    const client = new QueryClient({ staleTime: 60_000 });
    let calls = 0;
    const queryFn = async () => { calls += 1; return { id: 1 }; };
    const a = await client.fetchQuery({ queryKey: ['item', 1], queryFn });
    const b = await client.fetchQuery({ queryKey: ['item', 1], queryFn });
    console.log(JSON.stringify({ calls, same: a === b, state: client.getQueryState(['item', 1]).status }));
  `);
  assert.equal(error, null, stderr);
  assert.deepEqual(JSON.parse(stdout), { calls: 1, same: true, state: 'success' });
});

test('pending GC deadlines do not keep a Node process alive', async () => {
  const { error, stderr, ms } = await runApp(`
    import { QueryClient } from 'stackquery';
    const client = new QueryClient({ gcTime: 600_000 });
    for (let i = 0; i < 100; i++) await client.fetchQuery({ queryKey: ['k', i], queryFn: async () => i });
  `);
  assert.equal(error, null, stderr);
  assert.ok(ms < 5_000, `the process exited on its own after ${ms} ms (gcTime is 10 minutes)`);
});

test('misuse is a TypeError naming the option, and the instance survives it', async () => {
  const { error, stdout, stderr } = await runApp(`
    import { QueryClient } from 'stackquery';
    const client = new QueryClient();
    const out = [];
    for (const bad of [{ queryKey: 'x', queryFn: () => 1 }, { queryKey: [() => 1], queryFn: () => 1 }, { queryKey: ['x'], staleTime: -1, queryFn: () => 1 }]) {
      try { client.fetchQuery(bad); out.push('no error'); } catch (e) { out.push(e.constructor.name + ': ' + e.message); }
    }
    out.push(await client.fetchQuery({ queryKey: ['ok'], queryFn: () => 'still alive' }));
    console.log(JSON.stringify(out));
  `);
  assert.equal(error, null, stderr);
  const [key, fn, time, alive] = JSON.parse(stdout);
  assert.match(key, /^TypeError: .*queryKey must be an array/);
  assert.match(fn, /^TypeError: .*queryKey\[0\] is a function/);
  assert.match(time, /^RangeError: .*staleTime must not be negative/);
  assert.equal(alive, 'still alive');
});

test('on a server, clients never hear each other through BroadcastChannel (no cross-request leak)', async () => {
  // Node has BroadcastChannel but no IndexedDB: per-request clients must stay apart, and
  // an explicit crossTab channel must not keep the process alive either.
  const { error, stdout, stderr, ms } = await runApp(`
    import { QueryClient, IndexedDbStorage, MemoryStorage } from 'stackquery';
    const a = new QueryClient({ storage: new IndexedDbStorage({ dbName: 'app' }), staleTime: 60_000 });
    const b = new QueryClient({ storage: new IndexedDbStorage({ dbName: 'app' }), staleTime: 60_000 });
    b.setQueryData(['me'], 'bob');
    a.setQueryData(['me'], 'alice');
    await new Promise((r) => setTimeout(r, 100));
    const explicit = new QueryClient({ storage: new MemoryStorage(), crossTab: true });
    explicit.setQueryData(['x'], 1);
    console.log(JSON.stringify(b.getQueryData(['me'])));
  `);
  assert.equal(error, null, stderr);
  assert.equal(stdout.trim(), '"bob"', "request B never sees request A's data");
  assert.ok(ms < 5_000, `the process exited by itself (${ms} ms)`);
});

test('a subscription keeps its observer alive after JS dropped the observer object', async () => {
  // `client.watch(opts).subscribe(fn)` without keeping the observer: after garbage
  // collection (and its finalizers) the listener still hears changes, until unsubscribed.
  const { error, stdout, stderr } = await runApp(`
    import { QueryClient } from 'stackquery';
    const client = new QueryClient({ staleTime: Infinity });
    client.setQueryData(['k'], 1);
    const heard = [];
    const off = client.watch({ queryKey: ['k'] }).subscribe((r) => heard.push(r.data));
    for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); }
    client.setQueryData(['k'], 2);
    off();
    client.setQueryData(['k'], 3);
    console.log(JSON.stringify(heard));
  `, 10_000, ['--expose-gc']);
  assert.equal(error, null, stderr);
  assert.equal(stdout.trim(), '[2]', 'it hears the change (not the result it had at subscribe, as in TanStack), and nothing after unsubscribing');
});
