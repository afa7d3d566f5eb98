// The built package (pkg/) under Deno, with its L2 in Deno KV through
// pkg/adapters/deno-kv.js: the first run of deno-kv-app.ts calls the upstream, the
// second run (a new process on the same KV file) answers from KV.
// Run after scripts/build-package.sh: node --test tests/runtimes/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startUpstream } from '../servers/upstream.mjs';

const root = resolve(import.meta.dirname, '../..');
const deno = join(root, 'node_modules/.bin/deno');
const app = join(import.meta.dirname, 'deno-kv-app.ts');

/** One `deno run` of the app; Deno reads only local files and never touches the network beyond 127.0.0.1. */
function runApp(dir, upstreamUrl, script = app) {
  const kvFile = join(dir, 'cache.sqlite3');
  const args = [
    'run', '--quiet', '--no-config', '--no-lock', '--no-remote', '--no-npm', '--no-prompt', '--unstable-kv',
    `--allow-read=${join(root, 'pkg')},${dir}`, `--allow-write=${dir}`, '--allow-net=127.0.0.1',
    script, kvFile, upstreamUrl,
  ];
  const env = { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(dir, 'deno-dir'), NO_COLOR: '1' };
  const started = Date.now();
  return new Promise((done) => {
    execFile(deno, args, { cwd: dir, env, timeout: 20_000 }, (error, stdout, stderr) =>
      done({ error, stdout, stderr, ms: Date.now() - started }));
  });
}

test('deno: a restarted process answers from Deno KV', { timeout: 60_000 }, async (t) => {
  const upstream = await startUpstream();
  const dir = mkdtempSync(join(tmpdir(), 'stackquery-denokv-'));
  t.after(async () => {
    upstream.server.closeAllConnections();
    await new Promise((closed) => upstream.server.close(closed));
    rmSync(dir, { recursive: true, force: true });
  });
  const expected = { greeting: 'hello from upstream', hit: 1 };

  const first = await runApp(dir, upstream.url);
  assert.equal(first.error, null, first.stderr);
  const firstOut = JSON.parse(first.stdout);
  assert.deepEqual(firstOut.data, expected);
  assert.deepEqual(firstOut.storageErrors, []);
  assert.deepEqual(firstOut.stored, [JSON.stringify(['stackquery', 'stackquery:["upstream","greeting"]'])]);
  assert.equal(upstream.hits, 1);

  const second = await runApp(dir, upstream.url);
  assert.equal(second.error, null, second.stderr);
  const secondOut = JSON.parse(second.stdout);
  assert.deepEqual(secondOut.data, expected);
  assert.deepEqual(secondOut.storageErrors, []);
  assert.equal(upstream.hits, 1, 'answered from Deno KV, not from the upstream');
  t.diagnostic(`deno runs: ${first.ms} ms, ${second.ms} ms`);
});

test('deno: an entry over Deno KV\'s 64 KiB value limit is never sent: reported once, its older version deleted, the client carries on', { timeout: 30_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stackquery-denokv-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'big.ts');
  const pkgUrl = pathToFileURL(join(root, 'pkg')).href;
  writeFileSync(script, `
    import { QueryClient } from '${pkgUrl}/web/stackquery.js';
    import { denoKvStorage } from '${pkgUrl}/adapters/deno-kv.js';
    const kv = await Deno.openKv(Deno.args[0]);
    const errors: string[] = [];
    const client = new QueryClient({ storage: denoKvStorage(kv), onStorageError: (e: unknown, op: string) => errors.push(op + ': ' + e) });
    client.setQueryData(['big'], 'an older, smaller version');
    await client.flush();
    const stored = await denoKvStorage(kv).keys('stackquery:');
    const big = await client.fetchQuery({ queryKey: ['big'], queryFn: () => 'x'.repeat(70_000) });
    await client.flush();
    const small = await client.fetchQuery({ queryKey: ['small'], queryFn: () => 'ok' });
    await client.flush();
    console.log(JSON.stringify({ stored, big: big.length, inL1: client.getQueryData(['big'])?.length, small, errors, keys: await denoKvStorage(kv).keys('stackquery:') }));
    client.dispose();
    kv.close();
  `);
  const run = await runApp(dir, 'http://127.0.0.1:9/unused', script);
  assert.equal(run.error, null, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal(out.big, 70_000);
  assert.equal(out.inL1, 70_000);
  assert.equal(out.small, 'ok');
  assert.deepEqual(out.stored, ['stackquery:["big"]']);
  // Never sent to Deno KV (the adapter declares its limit): reported once, and the older
  // version is deleted rather than left to be restored after a restart.
  assert.equal(out.errors.length, 1, out.errors.join('\n'));
  assert.match(out.errors[0], /^set: .*over maxEntryBytes \(65520\)/);
  assert.deepEqual(out.keys, ['stackquery:["small"]']);
});
