// Durability in Node (SPEC, Storage rules: "in Node, on beforeExit" pending writes are flushed):
// a child process with a file-backed storage object sets N keys and lets its event loop end; this
// process then counts the files the storage's set() wrote. Also: a storage that keeps failing must
// not keep the process alive (a beforeExit flush that fails schedules nothing that holds the loop,
// so beforeExit comes again: the flush must not loop forever), and what process.exit() right after
// the writes keeps (documented, not asserted: nothing can flush there; 'exit' handlers are synchronous).
// Needs pkg/ built (scripts/test.sh builds it first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const pkg = resolve(process.env.STACKQUERY_PKG || join(import.meta.dirname, '../../pkg'));
const N = 50;

// The child: `node main.mjs <mode>`. Its storage writes one file per key in ./store (the value as is)
// and counts set() calls; modes:
//   works           every set() works
//   down-first      set() fails until the event loop first runs dry (an outage that is over by the
//                   time the process would exit), then works
//   always-fails    every set() fails
//   exit-microtask  works, but process.exit() runs in a microtask right after the writes
//   exit-immediate  works, but process.exit() runs in a setImmediate callback after the writes
const CHILD = `
import { QueryClient } from 'stackquery';
import { mkdirSync, writeFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
const mode = process.argv[2];
const N = ${N};
mkdirSync('store', { recursive: true });
const file = (key) => 'store/' + encodeURIComponent(key);
let calls = 0;
const storage = {
  async get() { return null; },
  async set(key, value) {
    calls++;
    if (mode === 'always-fails' || (mode === 'down-first' && !recovered)) throw new Error('storage unavailable');
    await writeFile(file(key), value);
  },
  async delete(key) { await rm(file(key), { force: true }); },
};
let beforeExit = 0;
let recovered = false;
process.on('beforeExit', () => { beforeExit++; recovered = true; });
process.on('exit', (code) => writeFileSync('report.json', JSON.stringify({ calls, beforeExit, code })));
const client = new QueryClient({ storage, onStorageError: () => {} });
for (let i = 0; i < N; i++) client.setQueryData(['item', i], { i, title: 'item ' + i });
if (mode === 'exit-microtask') queueMicrotask(() => process.exit(0));
if (mode === 'exit-immediate') setImmediate(() => process.exit(0));
`;

/** Runs the child in a fresh app folder; resolves with the keys on its storage and its report. */
function runChild(mode, timeoutMs = 15_000) {
  const app = mkdtempSync(join(tmpdir(), 'stackquery-before-exit-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(pkg, join(app, 'node_modules', 'stackquery'), 'dir');
  writeFileSync(join(app, 'main.mjs'), CHILD);
  const started = Date.now();
  return new Promise((done) => {
    execFile(process.execPath, ['main.mjs', mode], { cwd: app, timeout: timeoutMs }, (error, stdout, stderr) => {
      const stored = readdirSync(join(app, 'store')).map(decodeURIComponent)
        .filter((k) => k.startsWith('stackquery:["item",'));
      let report = null;
      try { report = JSON.parse(readFileSync(join(app, 'report.json'), 'utf8')); } catch { /* killed */ }
      done({ error, stderr, stored: stored.length, report, ms: Date.now() - started });
    });
  });
}

test('writes still pending when the event loop empties reach a working storage', async (t) => {
  const { error, stderr, stored, report } = await runChild('works');
  assert.equal(error, null, stderr);
  t.diagnostic(`kept ${stored}/${N}; set() calls ${report?.calls}; beforeExit ran ${report?.beforeExit}×`);
  assert.equal(stored, N);
});

test('writes held back by a storage outage are flushed on beforeExit once the storage answers', async (t) => {
  // The first batch fails; the writer backs off on a timer that (rightly) does not hold the
  // process, so the loop empties with all N writes queued. A flush on beforeExit writes them.
  const { error, stderr, stored, report } = await runChild('down-first');
  assert.equal(error, null, stderr);
  t.diagnostic(`kept ${stored}/${N}; set() calls ${report?.calls}; beforeExit ran ${report?.beforeExit}×`);
  assert.equal(stored, N, `${N - stored} of ${N} writes were queued when the process ended and never written`);
});

test('a storage that keeps failing does not keep the process alive', async (t) => {
  const { error, stderr, report, ms } = await runChild('always-fails', 15_000);
  t.diagnostic(`exited after ${ms} ms; set() calls ${report?.calls}; beforeExit ran ${report?.beforeExit}×`);
  assert.equal(error, null, `the process did not end by itself within 15 s: ${error?.message} ${stderr}`);
  assert.equal(report?.code, 0);
});

test('process.exit() right after the writes: what is kept (documented, not asserted)', async (t) => {
  for (const mode of ['exit-microtask', 'exit-immediate']) {
    const { error, stderr, stored, report } = await runChild(mode);
    assert.equal(error, null, stderr);
    t.diagnostic(`${mode}: kept ${stored}/${N}; set() calls ${report?.calls}`);
  }
});
