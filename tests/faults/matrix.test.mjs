// The storage fault matrix: for the JS storage protocol, IndexedDB and the remote store,
// each of get/set/delete/clear made to throw, reject, hang, return corrupt data or hit a
// quota, then healed. Every cell runs tests/faults/scenario.mjs and is judged here from
// what it observed: the query still answers (within the storage timeout), the outage is
// reported once with a usable error, corrupt entries are misses and deleted, and after
// healing a write issued after recovery lands, the writes made during the outage land,
// and a key removed during the outage is not resurrected by a reload.
//
// The table in README.md (between the fault-matrix markers) is worded from the same
// observations; the test fails when README.md says something else.
//   node --test tests/faults/                      run (needs pkg/ built)
//   UPDATE_README=1 node --test tests/faults/      rewrite the README table
//   FAULTS_PKG_DIR=/tmp/pkg …                      use another build of the package
//   FAULTS_PORT_BASE=38620 …                       ports: base (store), +1 (proxy), +2 (page)
//   FAULTS_DUMP=/tmp/faults.json …                 also write every observation there
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { launchChromium, serveFiles } from '../support/chromium.mjs';
import { startRemoteStore } from '../servers/remote-store.mjs';
import { startFaultProxy } from './fault-proxy.mjs';
import { jsProtocolBackend, remoteBackend } from './backends.mjs';
import { runBackend, OPS, FAULTS } from './scenario.mjs';

const here = import.meta.dirname;
const root = resolve(here, '../..');
const pkgDir = resolve(root, process.env.FAULTS_PKG_DIR || 'pkg');
const readmePath = join(root, 'README.md');
const PORT = Number(process.env.FAULTS_PORT_BASE || 38620);
const T = 1000; // storageTimeout for every client under test, ms (generous: healthy calls on a loaded machine stay well under it)
const SLACK = 1500; // what a bounded call may take beyond T on a loaded machine, ms

const { QueryClient, RemoteStorage } = createRequire(import.meta.url)(join(pkgDir, 'nodejs/stackquery.js'));

const BACKENDS = [
  { id: 'js', label: 'JS storage protocol' },
  { id: 'idb', label: 'IndexedDB' },
  { id: 'remote', label: 'remote store' },
];
const FAULT_HEAD = { throw: 'throws', reject: 'rejects', hang: 'hangs', corrupt: 'corrupt data', quota: 'quota' };

let store, proxy, browser, pageServer;
const results = {};
let elapsed = 0;

// ---------------------------------------------------------------- running

async function servePage() {
  const { server } = await serveFiles(here, { mounts: { '/faults/': here, '/pkg/': pkgDir }, port: PORT + 2 });
  return server;
}

async function runIndexedDb() {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${PORT + 2}/faults/idb-faults.html`);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 20_000 }).catch((e) => {
    throw new Error(`the IndexedDB page did not load: ${e.message.split('\n')[0]}; ${errors.join('; ')}`);
  });
  const out = await Promise.race([
    page.evaluate((t) => window.runMatrix(t), T),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`the IndexedDB page did not finish in 180 s; ${errors.join('; ')}`)), 180_000).unref()),
  ]);
  await page.close();
  return out;
}

before(async () => {
  const t0 = performance.now();
  store = await startRemoteStore({ port: PORT });
  proxy = await startFaultProxy({ upstream: store.url, port: PORT + 1 });
  pageServer = await servePage();
  browser = await launchChromium();
  const [js, idb, remote] = await Promise.all([
    runBackend({ QueryClient, adapter: jsProtocolBackend(), T }),
    runIndexedDb(),
    runBackend({ QueryClient, adapter: remoteBackend({ RemoteStorage, store, proxy }), T }),
  ]);
  Object.assign(results, { js, idb, remote });
  elapsed = performance.now() - t0;
  if (process.env.FAULTS_DUMP) await writeFile(process.env.FAULTS_DUMP, JSON.stringify(results, null, 1));
}, { timeout: 240_000 });

after(async () => {
  await browser?.close();
  await proxy?.close();
  await store?.close();
  await new Promise((r) => (pageServer ? pageServer.close(r) : r()));
});

// ---------------------------------------------------------------- judging

/** What a cell is expected to do. */
function kindOf(backend, o) {
  if (o.op === 'get') return o.fault === 'corrupt' && o.variant !== 'reply not JSON' ? 'corrupt-entry' : 'read-outage';
  if (o.op === 'clear') return 'clear-outage';
  if (o.fault === 'quota' && backend !== 'remote') return 'evict-retry';
  return 'write-outage';
}

/** Corrupt entries: one report each (at least the two planted), each a get naming the corruption. */
const perEntry = (o) =>
  o.reports.length >= 2 &&
  new Set(o.reports.map((x) => x.key)).size === o.reports.length &&
  o.reports.every((x) => x.op === 'get' && /corrupt/.test(x.message));

/** [what, passed] for every expectation of one observation. */
function checks(backend, o) {
  const c = [];
  const check = (what, ok) => c.push([what, Boolean(ok)]);
  const kind = kindOf(backend, o);
  const hang = o.fault === 'hang';
  const r = o.recovery || {};
  check(`no unexpected exception (${o.errors.join('; ')})`, o.errors.length === 0);
  const reportedOnce = (op) => {
    check(`onStorageError called once during the outage (${o.reportsBeforeHeal}: ${JSON.stringify(o.reports)})`, o.reportsBeforeHeal === 1);
    check(`and not again after it (${o.reportsTotal})`, o.reportsTotal === o.reportsBeforeHeal);
    const first = o.reports[0] || {};
    check(`the report names the operation '${op}' (got '${first.op}')`, first.op === op);
    check(`the report carries an error with a name and a message (${first.name}: ${first.message})`, first.name && first.message && first.message !== 'undefined');
  };
  if (kind === 'read-outage') {
    const a = o.answer || {};
    check(`the query resolves from the network (${JSON.stringify(a)})`, a.value === 'network' && a.network);
    check(`within storageTimeout + ${SLACK} ms (${Math.round(a.ms)} ms)`, a.ms <= T + SLACK);
    if (hang) check(`a hang is given up after storageTimeout, not before (${Math.round(a.ms)} ms)`, a.ms >= T * 0.9);
    const s = o.second || {};
    check(`while backing off, the next cold query does not wait for storage (${Math.round(s.ms)} ms)`, s.value === 'network 2' && s.ms < T);
    reportedOnce('get');
  }
  if (kind === 'corrupt-entry') {
    const a = o.answer || {};
    check(`the query resolves from the network (${JSON.stringify(a)})`, a.value === 'network' && a.network && a.ms < T);
    check(`each corrupt entry is reported once, as a get (${JSON.stringify(o.reports)})`, perEntry(o));
    check(`a corrupt entry is deleted from the store (${JSON.stringify(o.corrupt && o.corrupt.corrupt2)})`, o.corrupt && o.corrupt.corrupt2.absent);
    check(`and one refetched is replaced (${JSON.stringify(o.corrupt && o.corrupt.cached)})`, o.corrupt && o.corrupt.cached.data === 'network');
  }
  if (kind === 'write-outage' || kind === 'clear-outage') {
    check(`flush()/clear() during the fault settles within storageTimeout + ${SLACK} ms (${Math.round(o.flushMs)} ms)`, o.flushMs <= T + SLACK);
    if (hang) check(`a hang is given up after storageTimeout (${Math.round(o.flushMs)} ms)`, o.flushMs >= T * 0.9);
    if (o.op === 'set') {
      check(`L1 answers for the unwritten key, without the network (${JSON.stringify(o.l1)})`, o.l1 && o.l1.get === 'd1' && o.l1.fetch === 'd1' && !o.l1.network);
    }
    if (o.op === 'clear') check('clear() empties L1 at once', o.l1Cleared);
    if (o.op === 'clear') check('clear() rejects while the store cannot be emptied', o.clearRejected);
    check(`a key removed during the outage is fetched, not read back from the store (${JSON.stringify(o.removedDuring)})`, o.removedDuring && o.removedDuring.value === 'network 2' && o.removedDuring.network);
    reportedOnce(o.op);
    if (o.fault === 'quota') check(`the error is the store's OOM (${o.reports[0] && o.reports[0].message})`, o.reports[0] && /OOM/.test(o.reports[0].message));
  }
  if (kind === 'evict-retry') {
    const q = o.quota || {};
    const quarter = Math.ceil(q.seeded.length / 4);
    const oldest = q.seeded.slice(0, quarter);
    check(`the write lands at once, on the retry (${q.landed})`, q.landed);
    check(`the oldest quarter of the namespace is evicted, and only that (${q.gone})`, JSON.stringify(q.gone) === JSON.stringify(oldest));
  }
  // after healing
  check(`a write issued after recovery lands in the store (${JSON.stringify(r.after)})`, r.after && r.after.data === 'healed');
  check(`the writes made during the outage land, last value winning (${JSON.stringify(r.during)})`, r.during && r.during.data === 'd2');
  check(`a key removed during the outage is gone from the store (${JSON.stringify(r.doomed)})`, r.doomed && r.doomed.absent);
  check(`a reload does not resurrect the removed key (${JSON.stringify(r.doomedAfterReload)})`, r.doomedAfterReload === 'network fresh' && !r.doomedResurrected);
  check(`a reload hydrates what was written during the outage (${JSON.stringify(r.duringAfterReload)})`, r.duringAfterReload === 'd2' && r.duringFromL2);
  if (o.op === 'set') {
    check(`a key written then removed during the outage is not in the store (${JSON.stringify(r.zombie)})`, r.zombie && r.zombie.absent);
    check(`and a reload does not resurrect it (${JSON.stringify(r.zombieAfterReload)})`, r.zombieAfterReload === 'network fresh' && !r.zombieResurrected);
  }
  if (o.op === 'clear') {
    check(`the namespace holds only what was written after clear() (${JSON.stringify(r.namespace)})`, JSON.stringify(r.namespace) === JSON.stringify(r.expectedNamespace));
    check(`a reload does not resurrect a cleared key (${JSON.stringify(r.clearedAfterReload)})`, r.clearedAfterReload === 'network fresh' && !r.clearedResurrected);
  } else {
    check('the same client reads L2 again', r.readsResume);
  }
  return c;
}

// ---------------------------------------------------------------- wording

/** The short phrase for one observation: what the client was seen to do. */
function phrase(backend, o) {
  const kind = kindOf(backend, o);
  const r = o.recovery || {};
  const parts = [];
  const timedOut = (ms) => o.fault === 'hang' && ms >= T * 0.9 && ms <= T + SLACK;
  const reported = () => {
    const n = o.reportsBeforeHeal;
    const text = n === 0 ? 'not reported' : n === 1 ? 'reported once' : `reported ${n}×`;
    const ops = [...new Set(o.reports.map((x) => x.op))];
    return ops.length && ops.some((x) => x !== o.op) ? `${text} as ${ops.join('/')}` : text;
  };
  if (kind === 'read-outage') {
    const a = o.answer || {};
    parts.push(a.network ? (timedOut(a.ms) ? 'miss → network after storageTimeout' : 'miss → network') : `answers ${JSON.stringify(a.value)}`);
    parts.push(reported());
  } else if (kind === 'corrupt-entry') {
    const a = o.answer || {};
    parts.push(a.network ? 'miss → network' : `answers ${JSON.stringify(a.value)}`);
    parts.push(o.corrupt && o.corrupt.corrupt2.absent ? 'entry deleted' : 'entry left in place');
    parts.push(perEntry(o) ? 'reported per entry' : `reported ${o.reports.length}×`);
  } else if (kind === 'evict-retry') {
    const q = o.quota;
    const quarter = Math.ceil(q.seeded.length / 4);
    const oldest = JSON.stringify(q.gone) === JSON.stringify(q.seeded.slice(0, quarter));
    parts.push(`evicts ${oldest ? 'the oldest ' : ''}${q.gone.length} of ${q.seeded.length} entries`);
    parts.push(q.landed ? 'retried write lands' : 'write not stored');
    parts.push(reported());
  } else {
    const notReadBack = o.removedDuring && o.removedDuring.network;
    if (o.op === 'set') parts.push(o.l1 && o.l1.fetch === 'd1' && !o.l1.network ? 'L1 answers' : 'L1 lost');
    if (o.op === 'delete') parts.push(notReadBack ? 'key not read back' : '**removed key read back**');
    if (o.op === 'clear') parts.push(`${o.l1Cleared ? 'L1 emptied' : '**L1 kept**'}, ${notReadBack ? 'keys not read back' : '**cleared key read back**'}`);
    if (o.op === 'clear') parts.push(o.clearRejected ? 'clear() rejects' : '**clear() resolved**');
    parts.push(timedOut(o.flushMs) ? `given up after storageTimeout, ${reported()}` : reported());
    if (o.op === 'clear') parts.push(r.namespace && JSON.stringify(r.namespace) === JSON.stringify(r.expectedNamespace) ? 'clears on recovery' : 'namespace not cleared');
    else if (o.op === 'delete') parts.push(r.doomed && r.doomed.absent ? 'kept, deleted on recovery' : 'delete lost');
    else if (!(r.during && r.during.data === 'd1')) parts.push(r.during && r.during.data === 'd2' ? 'kept, written on recovery' : 'write lost');
    if (o.fault === 'quota' && o.quota) parts.push(o.quota.gone.length ? `evicts ${o.quota.gone.length} entries` : 'nothing evicted');
  }
  // what healing showed, when something is wrong
  const broken = [];
  if (!(r.after && r.after.data === 'healed')) broken.push('write after recovery lost');
  if (r.during && r.during.data === 'd1') broken.push('the late call overwrote a newer write');
  else if (!(r.during && r.during.data === 'd2') && !(kind === 'write-outage' && o.op === 'set')) broken.push('outage write lost');
  if (!(r.doomed && r.doomed.absent) && o.op !== 'delete') broken.push('removed key left in store');
  if (r.doomedResurrected || (o.op === 'clear' && r.clearedResurrected) || (o.op === 'set' && !(r.zombie && r.zombie.absent))) broken.push('removed key resurrected');
  if (o.op !== 'clear' && !r.readsResume) broken.push('reads do not resume');
  if (o.errors.length) broken.push('threw');
  if (broken.length) parts.push(`**${broken.join(', ')}**`);
  return parts.join('; ');
}

const FOOTNOTES = {
  'quota-read': 'a read takes no space: no store fails it for quota',
  'quota-delete': null, // worded from what Redis said (below)
  'corrupt-write': '`set`/`delete` return nothing the client reads (IndexedDB only completes or aborts); a value corrupted at rest is the `get` cell',
  'corrupt-clear-idb': 'IndexedDB clears a key range; nothing is read back',
};

function cellText(backend, op, fault) {
  const obs = results[backend].filter((o) => o.op === op && o.fault === fault);
  if (obs.length === 1 && obs[0].na) return { na: obs[0].na };
  const byPhrase = new Map();
  for (const o of obs) {
    const p = phrase(backend, o) + (checks(backend, o).every(([, ok]) => ok) ? '' : ' ✗');
    if (!byPhrase.has(p)) byPhrase.set(p, []);
    byPhrase.get(p).push(o.variant);
  }
  if (byPhrase.size === 1) return { text: [...byPhrase.keys()][0] };
  return { text: [...byPhrase].map(([p, labels]) => `${labels.join(', ')}: ${p}`).join('<br>') };
}

function renderMatrix() {
  const notes = [];
  const noteIndex = (id) => {
    let i = notes.indexOf(id);
    if (i < 0) i = notes.push(id) - 1;
    return i + 1;
  };
  const lines = [
    `Written by \`tests/faults/matrix.test.mjs\` from what each cell did (\`storageTimeout: ${T}\`; the first back-off is 1 s, and \`flush()\` probes at once).`,
    'Every cell also checks, after the fault heals: a write issued after recovery lands in the store, the writes made during the outage land (last value wins), a key removed during it stays gone from the store and a reload fetches it rather than restoring it, and the same client reads L2 again. ✗ marks a cell that breaks one of these or the rules above (the test fails and says which); **bold** is what broke on healing.',
    '',
    `| backend | operation | ${FAULTS.map((f) => FAULT_HEAD[f]).join(' | ')} |`,
    `|---|---|${FAULTS.map(() => '---').join('|')}|`,
  ];
  for (const b of BACKENDS) {
    for (const op of OPS) {
      const cells = FAULTS.map((f) => {
        const c = cellText(b.id, op, f);
        return c.na ? `n/a [${noteIndex(c.na)}]` : c.text;
      });
      lines.push(`| ${b.label} | \`${op === 'clear' ? 'clear()' : op}\` | ${cells.join(' | ')} |`);
    }
  }
  lines.push('');
  const full = results.remote.find((o) => o.op === 'set' && o.fault === 'quota');
  const fullNote = full && full.note;
  for (const [i, id] of notes.entries()) {
    let text = FOOTNOTES[id];
    if (id === 'quota-delete') {
      const delOk = fullNote && fullNote.del && fullNote.del.result === 1;
      const setErr = fullNote && fullNote.set && fullNote.set.error;
      text = `deleting frees space, so a full store does not refuse it: Redis at \`maxmemory\` ${delOk ? 'still runs `DEL`' : '**refused `DEL`**'} while a \`SET\` gets \`${setErr}\` (checked by the test)`;
    }
    lines.push(`[${i + 1}] n/a: ${text}.  `);
  }
  const received = new Set();
  for (const b of BACKENDS) {
    for (const o of results[b.id]) {
      for (const x of o.reports || []) {
        if (x.name === 'TimeoutError' || x.name === 'RemoteStorageError' || /^stackquery:/.test(x.message)) {
          received.add(`\`${x.name}: ${x.message.replace(/[\w-]+:\["[^"]*"\]/g, '<key>')}\``);
        }
      }
    }
  }
  lines.push('', `The client's own errors seen by \`onStorageError\` (other errors are passed as the storage threw them): ${[...received].sort().join('; ')}.`);
  lines.push(
    '',
    'How the faults are made. JS storage protocol: a storage object whose `get`/`set`/`delete`/`keys` throw, return a rejected promise, never settle (or, once, settle late: after the recovery writes), return a truncated envelope or a non-string (`keys`: a non-array), or throw a `QuotaExceededError` once. ' +
      "IndexedDB: Chromium's real IndexedDB; `IDBObjectStore` methods patched to throw, or to issue their requests and then abort the transaction; a hang is another connection holding a readwrite transaction on the client's store (the client's transactions really queue behind it); corrupt data is written straight into the client's object store; quota is a transaction aborted with a `QuotaExceededError` (once). " +
      'Remote store: `RemoteStorage` → `tests/faults/fault-proxy.mjs` → upstash-redis-server → redis-server; per command kind (`GET`, and `MGET` for batched reads; pipelines holding `SET` or `DEL`; `SCAN` for `clear()`), the proxy resets the connection, answers HTTP 500, never answers (or holds one request and delivers it late: after the recovery writes), or mangles the reply (cut short, the wrong shape, fewer replies than commands); corrupt data is also a garbage value stored in Redis; quota is the real thing, Redis with `maxmemory 1` refusing writes with OOM.',
  );
  return lines.join('\n');
}

const START = '<!-- fault-matrix:start -->';
const END = '<!-- fault-matrix:end -->';

// ---------------------------------------------------------------- the tests

for (const b of BACKENDS) {
  test(`${b.label}: every cell behaves`, async (t) => {
    assert.ok(results[b.id], 'the backend ran');
    for (const o of results[b.id]) {
      if (o.na) continue;
      const name = `${o.op} ${o.fault}${o.variant ? ` (${o.variant})` : ''}: ${phrase(b.id, o)}`;
      await t.test(name, () => {
        const failed = checks(b.id, o).filter(([, ok]) => !ok).map(([what]) => what);
        assert.deepEqual(failed, [], `${b.label} ${o.op} ${o.fault}${o.variant ? ` (${o.variant})` : ''}: ${failed.length} expectation(s) failed`);
      });
    }
  });
}

test('README.md has the fault matrix this run produced', async () => {
  const matrix = renderMatrix();
  console.log(`\n${matrix}\n\n(fault matrix: ${Object.values(results).flat().filter((o) => !o.na).length} cell runs in ${(elapsed / 1000).toFixed(1)} s)`);
  const readme = await readFile(readmePath, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  assert.ok(start >= 0 && end > start, `README.md has the markers ${START} … ${END}`);
  const current = readme.slice(start + START.length, end).trim();
  if (process.env.UPDATE_README === '1') {
    if (current !== matrix) await writeFile(readmePath, `${readme.slice(0, start + START.length)}\n${matrix}\n${readme.slice(end)}`);
    return;
  }
  assert.equal(current, matrix, 'README.md differs from what this run observed; rerun with UPDATE_README=1 to rewrite it');
});
