// stackquery vs @tanstack/query-core: the comparison benchmark (issue 6).
// Run: bash scripts/bench.sh            (builds pkg/ first, then runs this file)
//      node www/bench/compare.mjs       (pkg/ already built)
// Env: PKG_DIR=dir   the package folder to measure (default pkg; may be outside the repository)
//      ROUNDS=n      speed rounds (default 5); MEM_ROUNDS=n page loads per library for memory (default 3)
//      LOAD_ROUNDS=n fresh pages per library for the module load (default 7)
//      LIST_ROUNDS=n fresh pages per library for the long list (default 3)
//      RAW=1         also print every per-round figure as JSON on stderr
//
// What it does: bundles TanStack (query-core, its persisters, idb-keyval) with esbuild in memory,
// serves the repository plus that bundle on 127.0.0.1, and opens www/bench/compare.html in headless
// Chromium (same flags as run.mjs: gc() and precise memory info): interleaved rounds of workloads 1–5
// in one page, with a Chromium trace around each blocking window (workload 5) to find its longest
// main-thread task; workloads 7 (memory) and 8 (module load) in fresh browsers, one library per page.
// Sizes (workload 6) are measured here in Node, on the module graph of the package's ./web entry.
// Prints a Markdown table of medians with the target and met/missed per row and writes it to
// bench/RESULTS.md (the hand-written notes at the end of that file are kept).
import { build, transform } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { serveFiles } from '../../tests/support/chromium.mjs';
import { openResults } from './run.mjs';

const root = resolve(import.meta.dirname, '../..');
const pkgDir = resolve(root, process.env.PKG_DIR || 'pkg');
const ROUNDS = Number(process.env.ROUNDS || 5);
const MEM_ROUNDS = Number(process.env.MEM_ROUNDS || 3);
const LOAD_ROUNDS = Number(process.env.LOAD_ROUNDS || 7);
const LIST_ROUNDS = Number(process.env.LIST_ROUNDS || 3);
const started = Date.now();
const NOTES_MARK = '<!-- Everything below this line is written by hand and kept when the benchmark rewrites this file. -->';
const loadBefore = loadavg()[0];
const log = (msg) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${msg}`);
// The source measured: read now, right after scripts/bench.sh built the package.
const git = (...a) => { try { return execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim(); } catch { return '?'; } };
const commit = `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'src', 'Cargo.toml', 'Cargo.lock') ? ' (src/ modified)' : ''}`;

// ------------------------------------------------------------ TanStack, bundled for the page and for size
// Production build: TanStack's development-only checks are behind process.env.NODE_ENV.
const bundle = async (contents) => Buffer.from((await build({
  stdin: { contents, resolveDir: root, loader: 'js' }, bundle: true, format: 'esm', platform: 'browser', write: false,
  target: 'es2022', minify: true, define: { 'process.env.NODE_ENV': '"production"' }, logLevel: 'silent',
})).outputFiles[0].contents);
const tanstackForPage = await bundle(`
export { QueryClient, QueryObserver, hashKey } from '@tanstack/query-core';
export { experimental_createQueryPersister, persistQueryClientSave, persistQueryClientRestore } from '@tanstack/query-persist-client-core';
export { createAsyncStoragePersister } from '@tanstack/query-async-storage-persister';
export { createStore, get, set, del, entries } from 'idb-keyval';`);

// ------------------------------------------------------------ the package's browser entry
// What a page imports for `stackquery/web`: package.json's exports['./web'] (its `default`
// condition), a path relative to the package folder such as 'web/stackquery.js'.
function webEntry() {
  let e = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).exports?.['./web'];
  while (e && typeof e === 'object') e = e.default;
  if (typeof e !== 'string') throw new Error(`${pkgDir}/package.json: no exports['./web'].default`);
  return posix.normalize(e);
}
const entry = webEntry();

// ------------------------------------------------------------ server and browser
// The repository as is (the page loads the entry from /pkg/ when PKG_DIR is pkg), plus
// /__compare/tanstack.js from memory and /__compare/pkg/* from PKG_DIR when another package folder was given.
const customPkg = pkgDir !== join(root, 'pkg');
const pkgUrl = customPkg ? '/__compare/pkg/' : '/pkg/';
const pageQuery = `&pkg=${encodeURIComponent(pkgUrl + entry)}&pkgroot=${encodeURIComponent(pkgUrl)}`;
const { server, base } = await serveFiles(root, {
  mounts: { '/__compare/pkg/': pkgDir },
  route: (url, req, res) =>
    url === '/__compare/tanstack.js' && res.writeHead(200, { 'content-type': 'text/javascript' }).end(tanstackForPage),
});
server.unref(); // never keeps the process alive (e.g. after a failed page)

// Opens the page in a fresh headless Chromium and returns what it put in window.results. The page
// may call window.compareTrace('start'|'stop'): 'stop' answers with the longest task of the
// renderer's main thread between the two (wall time and thread CPU time, from a Chromium trace).
function openPage(query) {
  return openResults(`${base}/www/bench/compare.html?${query}`, {
    setup: (page, browser) => page.exposeFunction('compareTrace', async (cmd) => {
      if (cmd === 'start') return void await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8'] });
      return longestTask(JSON.parse((await browser.stopTracing()).toString()).traceEvents);
    }),
  });
}

// 'RunTask' events (one per task) of the busiest CrRendererMain thread: the page's main thread.
// For the longest task: its thread CPU time and what took most of it (the longest events nested in it).
function longestTask(events) {
  const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const byThread = new Map();
  for (const e of events) {
    const t = `${e.pid}:${e.tid}`;
    if (e.ph === 'X' && main.has(t)) (byThread.get(t) || byThread.set(t, []).get(t)).push(e);
  }
  const busiest = [...byThread.values()].sort((a, b) => b.length - a.length)[0] || [];
  const tasks = busiest.filter((e) => e.name === 'RunTask');
  const top = tasks.reduce((a, e) => (e.dur > a.dur ? e : a), { dur: 0, ts: 0 });
  const inside = busiest.filter((e) => e !== top && e.name !== 'RunTask' && e.ts >= top.ts && e.ts + e.dur <= top.ts + top.dur)
    .sort((a, b) => b.dur - a.dur).slice(0, 3).map((e) => `${e.name} ${(e.dur / 1000).toFixed(1)} ms`);
  return { tasks: tasks.length, maxMs: top.dur / 1000, maxCpuMs: (top.tdur ?? top.dur) / 1000, inside, over16: tasks.filter((e) => e.dur > 16_000).length };
}

// ------------------------------------------------------------ 6. size (Node zlib: gzip -9, brotli q11)
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const br = (buf) => brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const sizes = (bufs) => ({ raw: bufs.reduce((s, b) => s + b.length, 0), gzip: bufs.reduce((s, b) => s + gz(b), 0), brotli: bufs.reduce((s, b) => s + br(b), 0) });
// The files of the ./web entry, from esbuild's metafile (a parser, not a regex): the static graph
// (`import … from`, `export … from`, relative) and what dynamic `import()` adds; plus any .wasm file
// those files name (none today: the entry carries the .wasm inlined, see js/entries/).
// Eager: the static graph and the wasm it names; lazy: files reached only through dynamic import()
// and the wasm only they name. The module-load pages (workload 8) then say what the browser really
// fetched: a wasm named by the static graph but fetched only once storage is used moves to lazy, and
// a file fetched but not found here is added (and reported).
async function moduleGraph() {
  const { metafile } = await build({
    entryPoints: [join(pkgDir, entry)], absWorkingDir: pkgDir, bundle: true, write: false, metafile: true,
    format: 'esm', platform: 'browser', splitting: true, outdir: join(pkgDir, '.bench-out'), logLevel: 'silent',
    plugins: [{ name: 'bare-external', setup: (b) => b.onResolve({ filter: /^[^./]/ }, (a) => (a.kind === 'entry-point' ? null : { path: a.path, external: true })) }],
  });
  const closure = (kinds) => {
    const seen = new Set([entry]), todo = [entry];
    while (todo.length) {
      for (const i of metafile.inputs[todo.pop()]?.imports || []) {
        if (!i.external && kinds.includes(i.kind) && !seen.has(i.path)) { seen.add(i.path); todo.push(i.path); }
      }
    }
    return seen;
  };
  const wasmOf = (files) => new Set([...files].flatMap((f) => [...readFileSync(join(pkgDir, f), 'utf8')
    .matchAll(/(['"`])([^'"`\s:]+\.wasm)\1/g)].map((m) => posix.join(posix.dirname(f), m[2])))
    .filter((w) => existsSync(join(pkgDir, w))));
  const eagerJs = closure(['import-statement']);
  const lazyJs = new Set([...closure(['import-statement', 'dynamic-import'])].filter((f) => !eagerJs.has(f)));
  const eagerWasm = wasmOf(eagerJs);
  const lazyWasm = new Set([...wasmOf(lazyJs)].filter((w) => !eagerWasm.has(w)));
  return { eager: new Set([...eagerJs, ...eagerWasm]), lazy: new Set([...lazyJs, ...lazyWasm]) };
}
const graph = await moduleGraph();
const inlined = ![...graph.eager, ...graph.lazy].some((f) => f.endsWith('.wasm'));
if (inlined && !/wasmText|[A-Za-z0-9+/]{100000}/.test(readFileSync(join(pkgDir, entry), 'utf8'))) throw new Error(`${entry}: neither a .wasm file in its graph nor an inlined one`);
const sizeOf = async (files, minifyJs = false) => sizes(await Promise.all([...files].map(async (f) => {
  const buf = readFileSync(join(pkgDir, f));
  return minifyJs && f.endsWith('.js') ? Buffer.from((await transform(buf.toString(), { minify: true, format: 'esm', target: 'es2022' })).code) : buf;
})));
const ts = {
  core: sizes([await bundle(`export { QueryClient } from '@tanstack/query-core';`)]),
  persist: sizes([await bundle(`export { QueryClient } from '@tanstack/query-core';
export { experimental_createQueryPersister } from '@tanstack/query-persist-client-core';
export { createStore, get, set, del, entries } from 'idb-keyval';`)]),
};

// ------------------------------------------------------------ the pages
const failIfBad = (res, what) => {
  if (res.error) throw new Error(`${what}: ${res.error}`);
  if (res.checks.length) throw new Error(`${what}: a side did not do the work:\n  ${res.checks.join('\n  ')}`);
  return res;
};
log(`speed: ${ROUNDS} interleaved rounds in one page (stackquery: ${join(pkgDir, entry)})`);
const speed = failIfBad(await openPage(`mode=speed&rounds=${ROUNDS}${pageQuery}`), 'speed');
// Module load: the full entry and TanStack alternating which goes first; with `stackquery/l1`
// (when the package has it), the three take turns going first, second and last.
const l1Entry = 'l1/stackquery.js';
const hasL1 = existsSync(join(pkgDir, l1Entry));
const load = { stackquery: [], tanstack: [], l1: [] };
for (let r = 0; r < LOAD_ROUNDS; r++) {
  log(`module load: fresh pages ${r + 1}/${LOAD_ROUNDS}`);
  const libs = hasL1 ? ['stackquery', 'tanstack', 'l1'] : r % 2 ? ['tanstack', 'stackquery'] : ['stackquery', 'tanstack'];
  for (const lib of hasL1 ? [...libs.slice(r % 3), ...libs.slice(0, r % 3)] : libs) {
    load[lib].push(failIfBad(await openPage(`mode=load&lib=${lib}${pageQuery}&l1=${encodeURIComponent(pkgUrl + l1Entry)}`), `load ${lib}`));
  }
}
const mem = { stackquery: [], tanstack: [], baseline: [] };
for (let r = 0; r < MEM_ROUNDS; r++) {
  log(`memory: page loads ${r + 1}/${MEM_ROUNDS}`);
  for (const lib of r % 2 ? ['tanstack', 'stackquery', 'baseline'] : ['stackquery', 'tanstack', 'baseline']) {
    mem[lib].push(failIfBad(await openPage(`mode=memory&lib=${lib}${pageQuery}`), `memory ${lib}`));
  }
}
// A long list in fresh pages, the libraries alternating which goes first.
const freshList = { stackquery: [], tanstack: [] };
for (let r = 0; r < LIST_ROUNDS; r++) {
  log(`a long list: fresh pages ${r + 1}/${LIST_ROUNDS}`);
  for (const lib of r % 2 ? ['tanstack', 'stackquery'] : ['stackquery', 'tanstack']) {
    freshList[lib].push(failIfBad(await openPage(`mode=fresh-list&lib=${lib}${pageQuery}`), `fresh list ${lib}`));
  }
}
server.close();

// ------------------------------------------------------------ the table
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = (f) => median(speed.rounds.map(f).filter((v) => v !== undefined)); // some rows run in fewer rounds
const ops = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M ops/s` : x >= 1e4 ? `${(x / 1e3).toFixed(0)} k ops/s` : `${Math.round(x).toLocaleString('en-US')} ops/s`);
const ms = (x) => (x >= 100 ? `${x.toFixed(0)} ms` : x >= 10 ? `${x.toFixed(1)} ms` : `${x.toFixed(2)} ms`);
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
const x = (r) => `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`;
const faster = (tsOverSq) => (tsOverSq >= 1 ? `stackquery ${x(tsOverSq)} faster` : `stackquery ${x(1 / tsOverSq)} slower`);
const verdict = (ok) => (ok ? 'met' : '**missed**');
const rows = [];
const row = (workload, sq, ts, comparison, target = '', ok = null) =>
  rows.push([workload, sq, ts, comparison, target, ok === null ? '' : verdict(ok)]);

const getSq = m((r) => r.readSq.getOps), getTs = m((r) => r.readTs.getOps);
const fetchSq = m((r) => r.readSq.fetchOps), fetchTs = m((r) => r.readTs.fetchOps);
row('1. cache hit: `getQueryData`, 100,000 calls over 1,000 keys', ops(getSq), ops(getTs), faster(getSq / getTs), '≥ 1.5× faster', getSq / getTs >= 1.5);
row('1. cache hit: `await fetchQuery` (fresh), 100,000 calls', ops(fetchSq), ops(fetchTs), faster(fetchSq / fetchTs), '≥ 1.5× faster', fetchSq / fetchTs >= 1.5);
const obsSq = m((r) => r.obsSq), obsTs = m((r) => r.obsTs);
row('1. observer: `getCurrentResult()` of 100 subscribed `QueryObserver`s (fresh data), 1,000,000 calls', ops(obsSq), ops(obsTs), faster(obsSq / obsTs), '≥ 1.5× faster', obsSq / obsTs >= 1.5);
const mountSq = m((r) => r.mountSq), mountTs = m((r) => r.mountTs);
row('1. observers mounting: `new QueryObserver` of a cached key (fresh data), `subscribe`, `getCurrentResult()`, unsubscribe; 20,000 cycles over 100 keys', ops(mountSq), ops(mountTs), faster(mountSq / mountTs));
const listSq = m((r) => r.listSq), listTs = m((r) => r.listTs);
row('1. a list on one key: 2,000 `QueryObserver`s of one cached key made and subscribed, each one\'s `getCurrentResult()` read, then all unsubscribed; 5 times (observers per second)', ops(listSq), ops(listTs), faster(listSq / listTs));
const longSq = m((r) => r.longSq), longTs = m((r) => r.longTs);
row('1. a long list, a query per row: 20,000 cached queries, an observer of each made and subscribed, each one\'s `getCurrentResult()` read, then all unsubscribed (observers per second)', ops(longSq), ops(longTs), faster(longSq / longTs));

const pSq = m((r) => r.persistSq.ms), pTsQ = m((r) => r.persistTsQuery), pTsC = m((r) => r.persistTsClient), pRaw = m((r) => r.persistRaw);
row('2. persist 10,000 until durable vs TanStack per-query persister', ms(pSq), ms(pTsQ), faster(pTsQ / pSq), '≥ 10× faster', pTsQ / pSq >= 10);
const pTsW = m((r) => r.persistTsWriteOnly);
row('2. persist 10,000 vs per-query persister, writes only (`persistQuery` after `setQueryData`; 3 rounds)', ms(pSq), ms(pTsW), faster(pTsW / pSq));
row('2. persist 10,000 vs TanStack whole-client `persistQueryClientSave`', ms(pSq), ms(pTsC), faster(pTsC / pSq));
row('2. persist 10,000 vs raw IndexedDB (1 transaction, plain JS)', ms(pSq), `raw: ${ms(pRaw)}`, `stackquery ${x(pSq / pRaw)} the limit`, '≤ 1.3× the limit (issue 16)', pSq / pRaw <= 1.3);
const pSqN = m((r) => r.persistSqNoTab.ms);
row('2. the same with `crossTab: false` (no BroadcastChannel message per write)', ms(pSqN), `raw: ${ms(pRaw)}`, `stackquery ${x(pSqN / pRaw)} the limit`);

const cSq = m((r) => r.coldSq.oneMs), cTsC = m((r) => r.coldTsClient), cTsQ = m((r) => r.coldTsQuery.oneMs);
const caSq = m((r) => r.coldSq.allMs), caTsQ = m((r) => r.coldTsQuery.allMs);
row('3. cold start, one key of 10,000 vs whole-client restore', ms(cSq), ms(cTsC), faster(cTsC / cSq), '≥ 20× faster', cTsC / cSq >= 20);
row('3. cold start, one key vs per-query persister', ms(cSq), ms(cTsQ), faster(cTsQ / cSq));
const crSq = m((r) => r.restoreSq);
row('3. cold start, all 10,000 by `restoreQueries()` (one pass, L1 filled in ≤ 8 ms slices) vs whole-client restore', ms(crSq), ms(cTsC), faster(cTsC / crSq), '≤ 1× its time', crSq <= cTsC);
row('3. cold start, all 10,000 by `restoreQueries()` vs per-query `restoreQueries`', ms(crSq), ms(caTsQ), faster(caTsQ / crSq));
const rrRaw = m((r) => r.restoreRaw);
row('3. cold start, all 10,000 by `restoreQueries()` vs raw IndexedDB: `getAllKeys` + `getAll` of the 10,000 rows in plain JS (no parsing; the floor of any per-key restore)', ms(crSq), `raw: ${ms(rrRaw)}`, `stackquery ${x(crSq / rrRaw)} the floor`);
row('3. cold start, all 10,000 by `fetchQuery` each, at once (cold reads batched) vs whole-client restore', ms(caSq), ms(cTsC), faster(cTsC / caSq));
row('3. the same vs per-query `restoreQueries`', ms(caSq), ms(caTsQ), faster(caTsQ / caSq));
const ocSq = m((r) => r.obsColdSq.ms), ocTs = m((r) => r.obsColdTs.ms), ocCalls = m((r) => r.obsColdSq.calls);
row(`3. 500 \`QueryObserver\`s mounting at once on cold keys, until all have their data (storage requests: stackquery ${ocCalls}, TanStack 500) vs per-query persister`, ms(ocSq), ms(ocTs), faster(ocTs / ocSq));

const iSq = m((r) => r.invSq), iTs = m((r) => r.invTs);
row('4. `invalidateQueries` by prefix, 20,000 queries / 200 prefixes', ops(iSq), ops(iTs), faster(iSq / iTs), '≥ 5× faster', iSq / iTs >= 5);

const worst = (f) => Math.max(...speed.rounds.map(f));
const long = (f) => speed.rounds.reduce((n, r) => n + f(r).longtasks, 0);
const block = (key) => ({
  wall: m((r) => r[key].task.maxMs), cpu: m((r) => r[key].task.maxCpuMs), gap: m((r) => r[key].maxGap),
  worst: worst((r) => r[key].task.maxMs), longtasks: long((r) => r[key]),
});
const task = (b) => `${ms(b.wall)} (CPU ${ms(b.cpu)})`;
const bS = block('blockSq'), bQ = block('blockTsQuery'), bC = block('blockTsClient');
row('5. longest main-thread task while persisting 5,000 (wall, from a trace), vs TanStack per-query persister', task(bS), task(bQ),
  `worst round ${ms(bS.worst)} vs ${ms(bQ.worst)}; probe gap ${ms(bS.gap)} vs ${ms(bQ.gap)}; longtask entries ${bS.longtasks} vs ${bQ.longtasks}`, '< 16 ms', bS.wall < 16);
row('5. the same, vs TanStack whole-client save', task(bS), task(bC),
  `worst round ${ms(bC.worst)}; probe gap ${ms(bC.gap)}; longtask entries ${bC.longtasks}`);

// Sizes: the static graph, corrected by what the browser fetched in the module-load pages.
const fetched = (phase) => new Set(load.stackquery.flatMap((r) => r[phase].map((e) => e.path)));
const seenEager = fetched('eager'), seenStorage = fetched('storage');
const sizeNotes = [];
for (const f of graph.eager) {
  if (f.endsWith('.wasm') && !seenEager.has(f) && seenStorage.has(f)) { graph.eager.delete(f); graph.lazy.add(f); sizeNotes.push(`${f} fetched only once storage was used: lazy`); }
}
for (const [seen, set] of [[seenEager, graph.eager], [seenStorage, graph.lazy]]) {
  for (const f of seen) {
    if (!graph.eager.has(f) && !graph.lazy.has(f) && existsSync(join(pkgDir, f))) { set.add(f); sizeNotes.push(`${f} fetched by the browser, not in the static graph: added`); }
  }
}
const notFetched = [...graph.eager, ...graph.lazy].filter((f) => !seenEager.has(f) && !seenStorage.has(f));
if (notFetched.length) sizeNotes.push(`not fetched for a client with IndexedDbStorage: ${notFetched.join(', ')}`);
const all = new Set([...graph.eager, ...graph.lazy]);
const size = {
  eager: await sizeOf(graph.eager), lazy: await sizeOf(graph.lazy), total: await sizeOf(all), totalMin: await sizeOf(all, true),
  wasm: inlined ? null : await sizeOf([...all].filter((f) => f.endsWith('.wasm'))), files: { eager: [...graph.eager], lazy: [...graph.lazy] }, notes: sizeNotes,
};
const both = (s) => `${kib(s.gzip)} (brotli ${kib(s.brotli)})`;
const fileList = (set) => [...set].map((f) => `\`${f}\``).join(', ');
const nFiles = (set) => `${[...set].filter((f) => f.endsWith('.js')).length} JS + ${[...set].filter((f) => f.endsWith('.wasm')).length} wasm`;
row(`6. size for \`QueryClient\` + \`IndexedDbStorage\` from \`./web\` (${entry}), total = eager + lazy, gzip -9; TanStack query-core + per-query persister + idb-keyval, minified`,
  kib(size.total.gzip), kib(ts.persist.gzip), `${x(size.total.gzip / ts.persist.gzip)} TanStack's size${sizeNotes.length ? `; ${sizeNotes.join('; ')}` : ''}`,
  '≤ 60 KiB gzip (goal 40 KiB)', size.total.gzip <= 60 * 1024);
row('6. size, brotli (same files)', kib(size.total.brotli), kib(ts.persist.brotli), `${x(size.total.brotli / ts.persist.brotli)} TanStack's size`);
row(`6. size, eager: static import graph${inlined ? ' (the .wasm inlined)' : ' + wasm loaded by \`init()\`'} (${nFiles(graph.eager)})`, both(size.eager), '', fileList(graph.eager));
row('6. size, lazy: reached only by dynamic `import()` or wasm fetched later', graph.lazy.size ? both(size.lazy) : '0 (none)', '', graph.lazy.size ? fileList(graph.lazy) : 'none');
// A client without storage: `stackquery/l1`, the entry built without L2 (no persister in its
// .wasm, no stores or outbox in its JS); a package without it (before that entry) is
// measured by the full entry's eager part.
const l1Size = hasL1 ? await sizeOf([l1Entry]) : null;
const noStorage = l1Size ?? size.eager;
row(`6. size, a client without storage: ${l1Size ? `\`stackquery/l1\` (${l1Entry}, the build without L2)` : 'the eager part'}, gzip -9; TanStack query-core \`QueryClient\` alone`,
  kib(noStorage.gzip), kib(ts.core.gzip), `${x(noStorage.gzip / ts.core.gzip)} TanStack's size${l1Size ? ` (brotli ${kib(l1Size.brotli)} vs ${kib(ts.core.brotli)})` : ''}`);
if (l1Size) {
  const bundledL1 = sizes([await bundle(`export { QueryClient } from ${JSON.stringify(join(pkgDir, l1Entry))};`)]);
  row('6. size, a client without storage bundled as TanStack\'s is: `export { QueryClient }` from `stackquery/l1` through esbuild (tree-shaken, minified), gzip -9; TanStack query-core `QueryClient` the same way',
    kib(bundledL1.gzip), kib(ts.core.gzip), `${x(bundledL1.gzip / ts.core.gzip)} TanStack's size`);
}
row('6. size, gzip -9 with the JS files minified (esbuild), total', kib(size.totalMin.gzip), kib(ts.persist.gzip), size.wasm ? `wasm alone ${kib(size.wasm.gzip)}` : 'the .wasm inlined in the JS');
// What an app built with a bundler ships, measured as TanStack's side is: only the imports a
// page with IndexedDB persistence uses, bundled, tree-shaken and minified by esbuild.
const bundledSq = inlined ? sizes([await bundle(`export { QueryClient, IndexedDbStorage } from ${JSON.stringify(join(pkgDir, entry))};`)]) : null;
if (bundledSq) {
  row('6. size, bundled as TanStack\'s is: `export { QueryClient, IndexedDbStorage }` from the entry through esbuild (tree-shaken, minified), gzip -9; TanStack query-core + per-query persister + idb-keyval the same way',
    kib(bundledSq.gzip), kib(ts.persist.gzip), `${x(bundledSq.gzip / ts.persist.gzip)} TanStack's size (brotli ${kib(bundledSq.brotli)} vs ${kib(ts.persist.brotli)})`);
}

const memMed = (lib, f) => median(mem[lib].map(f));
const perSq = memMed('stackquery', (r) => r.perQuery), perTs = memMed('tanstack', (r) => r.perQuery), perBase = memMed('baseline', (r) => r.perQuery);
const heapSq = memMed('stackquery', (r) => r.heapBytes / r.n), wasmSq = memMed('stackquery', (r) => r.wasmBytes / r.n);
row('7. memory per cached query, 10,000 × ~1 KB (JS heap + wasm memory)', `${perSq.toFixed(0)} B (heap ${heapSq.toFixed(0)} + wasm ${wasmSq.toFixed(0)})`, `${perTs.toFixed(0)} B`,
  `overhead over the data alone (${perBase.toFixed(0)} B): ${(perSq - perBase).toFixed(0)} B vs ${(perTs - perBase).toFixed(0)} B`);
const loadMed = (lib, f) => median(load[lib].map(f));
const loadSq = loadMed('stackquery', (r) => r.loadMs), loadTs = loadMed('tanstack', (r) => r.loadMs);
const seqSq = loadMed('stackquery', (r) => r.sequential), reqSq = loadMed('stackquery', (r) => r.requests);
const seqTs = loadMed('tanstack', (r) => r.sequential);
const loadMin = (lib) => Math.min(...load[lib].map((r) => r.loadMs)); // the least disturbed page, next to the median
row(`8. module load in a fresh page (fetch + compile + init, until \`new QueryClient()\`), median of ${LOAD_ROUNDS} pages each`, ms(loadSq), ms(loadTs),
  `${x(loadSq / loadTs)} TanStack's time (fastest page: ${ms(loadMin('stackquery'))} vs ${ms(loadMin('tanstack'))}); stackquery ${reqSq} requests, ${seqSq} sequential (TanStack ${seqTs})`, '≤ 1.2× TanStack\'s', loadSq / loadTs <= 1.2);
if (hasL1) {
  const loadL1 = loadMed('l1', (r) => r.loadMs);
  row(`8. module load, a client without storage: \`stackquery/l1\` (${l1Entry}) vs TanStack's page above, median of ${LOAD_ROUNDS} pages each`, ms(loadL1), ms(loadTs),
    `${x(loadL1 / loadTs)} TanStack's time (fastest page: ${ms(loadMin('l1'))}); the full entry's ${ms(loadSq)} in the same rounds`);
}
const listMed = (lib, f) => median(freshList[lib].map(f));
const flSq = listMed('stackquery', (r) => r.totalMs), flTs = listMed('tanstack', (r) => r.totalMs);
row(`9. a long list in a fresh page: 20,000 queries filled by \`setQueryData\`, then an observer of each made and subscribed, read, unsubscribed; median of ${LIST_ROUNDS} pages each`, ms(flSq), ms(flTs),
  `${faster(flTs / flSq)} (fill ${ms(listMed('stackquery', (r) => r.fillMs))} vs ${ms(listMed('tanstack', (r) => r.fillMs))}, observers ${ms(listMed('stackquery', (r) => r.mountMs))} vs ${ms(listMed('tanstack', (r) => r.mountMs))})`);

// ------------------------------------------------------------ report
const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m) || [, 'unknown'])[1];
const chromiumVersion = speed.browser;
const table = [
  '| workload | stackquery | TanStack | comparison | target | result |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n');
const persistCalls = median(speed.rounds.map((r) => r.persistSq.storageCalls));
const restoreCalls = median(speed.rounds.map((r) => r.coldSq.storageCallsAll));
const report = `# stackquery vs @tanstack/query-core

Generated by \`bash scripts/bench.sh\` (\`www/bench/compare.mjs\`, page \`www/bench/compare.html\` +
\`compare-page.js\`); do not edit by hand.

- Date: ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC; commit ${commit}
- Machine: ${availableParallelism()} cores (nproc), ${cpu}; Chromium ${chromiumVersion} headless (\`--expose-gc --enable-precise-memory-info\`);
  load average ${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end (other processes share the cores: compare rounds in the raw data)
- TanStack: @tanstack/query-core, query-persist-client-core, query-async-storage-persister ${tsVersion()}, idb-keyval ${version('idb-keyval')}; bundled with esbuild (minified, \`NODE_ENV=production\`)
- Medians of ${ROUNDS} rounds run interleaved in one page (each workload runs both libraries back to back,
  stackquery first in even rounds, TanStack first in odd ones); memory: median of ${MEM_ROUNDS} fresh page loads per library;
  module load: median of ${LOAD_ROUNDS} fresh pages per library, alternating which library goes first (with \`stackquery/l1\`, the three take turns).
- "N× faster" = TanStack time / stackquery time (for ops/s: stackquery ops/s / TanStack ops/s).

${table}

## How each workload is run

Common settings: \`staleTime: Infinity\` on both (every read is a hit, nothing refetches), no retries;
TanStack \`gcTime: Infinity\`; stackquery \`maxEntries: 100000\` (no LRU eviction, as TanStack's cache is
unbounded). Each workload builds a fresh client per round; IndexedDB databases are opened before the clock starts.

1. **Cache hit**: 1,000 queries \`['user', i, { include: 'posts' }]\` set with \`setQueryData\`; then 100,000
   \`getQueryData\` calls cycling over them, then 100,000 sequential \`await fetchQuery({ queryKey, queryFn })\`
   (fresh, so \`queryFn\` must not run: checked). Keys are built at the call site each time.
   **Observer**: 100 of those queries, one \`new QueryObserver(client, { queryKey, queryFn, staleTime: Infinity })\`
   per key (the library's own class), each subscribed with a listener (so active, as under a component); then 1,000,000
   \`getCurrentResult()\` cycling over the observers. Checked: every result read has \`status: 'success'\` and the
   query's data, no \`queryFn\` ran, and (stackquery, whose \`subscribe\` calls the listener at once) the listeners ran.
   **Observers mounting**: the same 100 queries; 20,000 times a new observer of one of them
   (\`staleTime: Infinity\`), \`subscribe\`, \`getCurrentResult()\` and unsubscribe: what a list of components costs as it
   mounts and unmounts. Checked: every result holds the query's data and no \`queryFn\` ran.
   **A list on one key**: one cached query; 2,000 observers of it made and subscribed one after another (a list
   whose every row reads the same query mounting in one commit), then each one's \`getCurrentResult()\` (the render
   after), then all unsubscribed; 5 times. Checked: every result holds the query's data and no \`queryFn\` ran.
   **A long list, a query per row**: 20,000 cached queries (filled before the clock starts); an observer of each
   made and subscribed, then each one's \`getCurrentResult()\`, then all unsubscribed: a feed or a table whose every
   row has its own query. Checked: every result holds its query's data and no \`queryFn\` ran.
2. **Persist 10,000** results (\`['todo', i]\`, ~130 B of JSON each) until durable in IndexedDB.
   stackquery: \`setQueryData\` ×10,000 on a client with \`IndexedDbStorage\`, then \`await flush()\`
   (\`storageCalls\`: ${persistCalls}, i.e. one IndexedDB transaction); cross-tab sync is on (the default with
   IndexedDB), and one row repeats this with \`crossTab: false\`. TanStack per-query persister
   (\`experimental_createQueryPersister\` over idb-keyval): it persists on fetch, so 10,000 concurrent
   \`fetchQuery\` with an instant \`queryFn\` and \`persister\`; each first tries a restore (one read, a miss),
   then writes (one idb-keyval transaction); done when all 10,000 writes completed. Its best case, "writes only":
   \`setQueryData\` then the persister's \`persistQuery\` per query, no restore attempt. TanStack whole-client:
   \`setQueryData\` ×10,000 then one \`persistQueryClientSave\` with \`createAsyncStoragePersister\` over idb-keyval
   (\`throttleTime: 0\`): its best case, since \`persistQueryClient\`'s subscription re-dehydrates the whole cache on
   every change. Raw limit: the same 10,000 \`JSON.stringify\`'d rows put by plain JS in one transaction,
   interleaved with stackquery's workload as the libraries are (the per-query persister runs after both).
   Checked afterwards: entry counts in IndexedDB (10,000 each; the whole-client blob holds 10,000 queries).
   After each workload that writes to IndexedDB (either library's, or the raw limit's), the page waits 1.6 s,
   out of every timing: Chromium writes a committed transaction to disk and compacts it in the background, and
   \`IndexedDbStorage\` folds the writes into the namespace's packed image a second after the last one; that
   work is kept out of the next workload's measurement (whichever side's it is).
3. **Cold start** on the stores written in 2: a new client (its IndexedDB connection opened inside the timing).
   stackquery: \`new QueryClient({ storage: new IndexedDbStorage(…) })\` + \`fetchQuery\` of one key (lazy
   per-key hydration; the \`queryFn\` is never called: checked); median of 3 keys per round. All: \`fetchQuery\` of the
   10,000 keys at once (\`storageCalls\`: ${restoreCalls}: the cold reads of one turn are one IndexedDB transaction); and \`restoreQueries()\`, every stored query of the namespace (its packed image, 32 rows written by the fold after 2, read in one transaction with any entry written since, then L1 filled in slices of at most 8 ms), timed like TanStack's whole-client restore: a new client each time, 3 times per round after one settle (median). TanStack whole-client: \`persistQueryClientRestore\`
   (one read of the whole blob, \`JSON.parse\`, \`hydrate\`) then \`getQueryData\`, 3 times per round (median); one key
   and all cost the same.
   Per-query persister: \`fetchQuery\` with \`persister\` (one read) for one key; \`restoreQueries\` for all.
4. **Invalidate by prefix**: 20,000 queries \`['list<p>', { page: i }]\`, 200 prefixes × 100, no observers;
   \`await invalidateQueries({ queryKey: ['list<p>'], refetchType: 'none' })\` once per prefix (each call scans the
   cache). Checked: all 20,000 queries \`isInvalidated\`.
5. **Main-thread blocking**: 5,000 results arrive in 100 tasks of 50 (\`setTimeout(0)\` apart) and are persisted
   (stackquery until \`flush()\`; per-query persister until all writes; whole-client: one save at the end). From the
   first write until durable, a Chromium trace (\`disabled-by-default-devtools.timeline\`) records every task of the
   page's main thread: the figure is the longest \`RunTask\` (median over rounds of each round's longest), wall time,
   with its thread CPU time as the trace reports it (lower when other processes took the core). Also shown: the longest gap between callbacks
   of a \`setTimeout(0)\` probe chain (idle page: ${ms(m((r) => r.idleGap))}, nested timers being clamped to 4 ms; a gap
   also counts time spent queued behind other tasks) and \`longtask\` entries (Chromium reports only tasks ≥ 50 ms).
6. **Size**: what a page downloads to use \`QueryClient\` with \`IndexedDbStorage\` from the package's \`./web\`
   export. The entry is \`package.json\`'s \`exports["./web"].default\` (\`${entry}\`); its module graph comes from
   esbuild's metafile: **eager** = the static graph (relative \`import … from\` / \`export … from\`, recursively) and
   any \`.wasm\` file those modules name (${inlined ? 'none: the entry carries the .wasm inlined, LZMA-packed base64 text' : '\`init()\` fetches them'}); **lazy** = modules reached only through dynamic
   \`import()\` and wasm named only by them, or fetched only once storage is used (checked against the files the
   browser fetched in workload 8: ${size.notes.length ? size.notes.join('; ') : 'the same files'}). Each file is
   compressed alone (one request each) with Node's zlib (gzip level 9, brotli quality 11) and the sizes summed; raw
   ${kib(size.total.raw)} in ${size.files.eager.length + size.files.lazy.length} files. "A client without storage" is \`stackquery/l1\` (\`l1/stackquery.js\`), one file.
   TanStack: esbuild minified ESM bundles (raw ${kib(ts.persist.raw)} with the per-query persister and idb-keyval,
   ${kib(ts.core.raw)} query-core alone). 60 KiB = 61,440 B.
7. **Memory**: a fresh page per library and run; 10,000 \`setQueryData\` of ~${mem.baseline[0].dataJsonBytes} B of JSON each
   (distinct strings). \`gc()\` ×4, then \`performance.memory.usedJSHeapSize\` and the wasm memory's
   \`buffer.byteLength\` (stackquery's \`init()\` returns the wasm exports) before and after; per query = the increase / 10,000.
   "Data alone" holds the same objects in a \`Map\` (key: the key's JSON). Wasm memory never shrinks and grows in 64 KiB
   pages (total after: ${(memMed('stackquery', (r) => r.wasmTotal) / 2 ** 20).toFixed(1)} MiB).
8. **Module load**: a fresh headless Chromium per page (nothing cached, no compiled-code cache), one library per
   page, ${LOAD_ROUNDS} pages each, alternating which library goes first. Timed from the page script's start: stackquery
   \`await import(entry)\` (${inlined ? 'which decodes, compiles and instantiates the inlined wasm' : 'then'}), \`await init()\`, \`new QueryClient()\`;
   TanStack \`await import()\` of the bundle used in the speed page (query-core, both persisters and idb-keyval,
   minified, one file), \`new QueryClient()\`. Files served uncompressed from 127.0.0.1 (\`cache-control: no-store\`),
   so transfer costs next to nothing: the figure is mostly requests in sequence, parsing and compiling. Requests:
   the package's files in the page's resource timing; sequential = the longest chain of requests each starting after
   the one before it had finished (stackquery's requests, by start time: ${load.stackquery[0].eager.map((e) => `\`${e.path}\``).join(', ')}).
9. **A long list in a fresh page**: a fresh headless Chromium per page, one library per page, ${LIST_ROUNDS} pages each,
   alternating which goes first. After the import: 20,000 \`setQueryData\` of \`['user', i, { include: 'posts' }]\`
   (the fill), then workload 1's long list over them (observers made, subscribed, read, unsubscribed). Unlike 1e,
   the engine's wasm memory starts small here and grows during the timed work, as in an app filling its cache.

Raw per-round figures: \`RAW=1 bash scripts/bench.sh\` prints them as JSON on stderr.

${NOTES_MARK}
${notes()}`;

function version(name) {
  return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
}
function tsVersion() {
  const v = ['@tanstack/query-core', '@tanstack/query-persist-client-core', '@tanstack/query-async-storage-persister'].map(version);
  return [...new Set(v)].join('/');
}

// The hand-written notes (why targets are missed) below the mark survive a rerun.
function notes() {
  try {
    const old = readFileSync(join(root, 'bench/RESULTS.md'), 'utf8');
    const at = old.indexOf(NOTES_MARK);
    if (at >= 0) return old.slice(at + NOTES_MARK.length).replace(/^\n/, '');
  } catch { /* first run */ }
  return '## Notes\n\n(why a target is missed; kept across runs)\n';
}

mkdirSync(join(root, 'bench'), { recursive: true });
writeFileSync(join(root, 'bench/RESULTS.md'), report);
if (process.env.RAW) console.error(JSON.stringify({ speed, load, mem, size, freshList }, null, 2));
console.log(`${table}\n\nMachine: ${availableParallelism()} cores, ${cpu}, Chromium ${chromiumVersion}, load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}. Written to bench/RESULTS.md (${((Date.now() - started) / 1000).toFixed(0)} s).`);
