// The data-loss window on reload and on tab close, measured in real Chromium: for each library
// (and write pattern), N keys are written, then `delay` ms after the last write the page reloads
// itself or is closed, with no flush() or other help; afterwards a fresh document of the same
// origin counts how many of the N keys the library restores. This file owns the harness (serving,
// driving the pages, the rounds) and the Markdown table; the browser side is data-loss-page.js
// (data-loss.html). What fires on reload/close is shown by unload-probe.mjs.
//
// Run:  node tests/durability/data-loss.mjs          (needs pkg/ built: bash scripts/build-package.sh)
// Env:  ROUNDS=n (stackquery's rows, default 5)  TANSTACK_ROUNDS=n (default 3)  REFERENCE_ROUNDS=n (default 2)
//       N=keys (default 50)  DELAYS=0,5,20,50  ROWS=sq,sq-fresh,… (ids of ROWS below; default DEFAULT_ROWS)
//       ACTIONS=reload,close,window.close  STACKQUERY_PKG=dir (default pkg/)  RAW=1 (every figure as JSON on stderr)
// As a module: measureDataLoss(options) → result; dataLossTable(result) → Markdown.
//
// Scenarios (one IndexedDB database per measurement; one browser and one context for the run):
//   reload        the page calls location.reload() itself; the reloaded document counts.
//   close         page.close() from Playwright (no beforeunload), requested by the page through a
//                 binding at `delay`: pagehide runs 2–5 ms later (measured: the binding and the close).
//   window.close  the page was opened by a same-origin page with window.open(), so it may close
//                 itself: window.close() at `delay`, exactly.
// Delay 0 acts in the same task as the last write; the others use setTimeout(delay) from
// performance.now() after the last write (the delays actually seen are printed under the table).
import { build } from 'esbuild';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium, serveFiles } from '../support/chromium.mjs';

const root = resolve(import.meta.dirname, '../..');

/**
 * The rows of the table: a library and how it writes (see data-loss-page.js). `model*` and `raw*`
 * are references measured in the same conditions: what IndexedDB itself keeps (raw) and what a
 * write-behind flushed on pagehide with commit() keeps (model), i.e. what stackquery can reach.
 */
export const ROWS = {
  sq: { lib: 'sq', label: 'stackquery `IndexedDbStorage`: 50 `setQueryData` in one task, database already open' },
  'sq-fresh': { lib: 'sq', fresh: 1, label: 'stackquery, fresh client (created 100 ms before): the same, its storage first used by these writes' },
  'sq-stream': { lib: 'sq', pattern: 'stream', label: 'stackquery: one `setQueryData` per task, 50 tasks back to back, database open' },
  tsq: { lib: 'tsq', label: 'TanStack per-query persister (idb-keyval): 50 `fetchQuery`, database open' },
  tsc: { lib: 'tsc', label: 'TanStack whole-client persister (async-storage + idb-keyval, default throttle): 50 `setQueryData`' },
  raw: { lib: 'raw', label: 'reference: plain IndexedDB, one transaction + `commit()` per write, database open' },
  model: { lib: 'model', label: 'reference: a write-behind flushed with `commit()` on pagehide/visibilitychange (plain JS model of the fix), database open' },
  'model-stream': { lib: 'model', pattern: 'stream', label: 'reference: the same model, one write per task, 50 tasks back to back' },
  'model-fresh': { lib: 'model', fresh: 1, label: 'reference: the same model, fresh (opening its database when created, 100 ms before the writes)' },
  'raw-fresh': { lib: 'raw', fresh: 1, label: 'reference: plain IndexedDB opened at the first write, one transaction + `commit()`' },
};
/**
 * Rows measured by default (and by tests/app/data-loss.test.mjs). Left out, to stay within ~3 minutes:
 * `raw` (a transaction per write: `model` says more) and `raw-fresh` (losses that show only in some
 * rounds, so it needs 5 rounds to say anything): `ROWS=raw,raw-fresh REFERENCE_ROUNDS=5` measures them.
 */
export const DEFAULT_ROWS = ['sq', 'sq-fresh', 'sq-stream', 'tsq', 'tsc', 'model', 'model-stream', 'model-fresh'];
export const kindOf = (row) => ({ sq: 'stackquery', tsq: 'tanstack', tsc: 'tanstack' })[ROWS[row].lib] || 'reference';

export const ACTIONS = {
  reload: 'reload (`location.reload()`)',
  close: 'close (`page.close()`)',
  'window.close': 'close (`window.close()`)',
};

async function tanstackBundle() {
  const out = await build({
    stdin: {
      contents: `export { QueryClient } from '@tanstack/query-core';
export { experimental_createQueryPersister, persistQueryClient, persistQueryClientRestore } from '@tanstack/query-persist-client-core';
export { createAsyncStoragePersister } from '@tanstack/query-async-storage-persister';
export { createStore, get, set, del, entries } from 'idb-keyval';`,
      resolveDir: root, loader: 'js',
    },
    bundle: true, format: 'esm', platform: 'browser', write: false, target: 'es2022', minify: true,
    define: { 'process.env.NODE_ENV': '"production"' }, logLevel: 'silent',
  });
  return Buffer.from(out.outputFiles[0].contents);
}

const within = (promise, ms, what) => {
  let timer;
  return Promise.race([promise, new Promise((_, fail) => { timer = setTimeout(() => fail(new Error(`${what}: nothing after ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(timer));
};

/**
 * Runs every (row, action, delay) cell `rounds[kindOf(row)]` times. Resolves with
 * `{ n, rounds, delays, rows, actions, browser, seconds, cells, pageErrors }` where
 * `cells[`${row}|${action}|${delay}`]` holds one `{ restored, onDisk, firedMs, writeMs }` (or `{ error }`) per round.
 */
export async function measureDataLoss({
  rounds: roundsAsked = {}, n = 50, delays = [0, 5, 20, 50], rows = DEFAULT_ROWS, actions = Object.keys(ACTIONS),
  pkgDir = resolve(process.env.STACKQUERY_PKG || join(root, 'pkg')), log = () => {},
} = {}) {
  const started = Date.now();
  const load = loadavg()[0]; // the machine's cores may be shared: reported with the table
  const rounds = { stackquery: 5, tanstack: 3, reference: 2, ...roundsAsked };
  const tanstack = await tanstackBundle();
  const { server, base } = await serveFiles(root, {
    mounts: { '/__dl/pkg/': join(pkgDir, 'web') },
    route: (path, req, res) => path === '/__dl/tanstack.js' && res.writeHead(200, { 'content-type': 'text/javascript' }).end(tanstack),
  });
  server.unref();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    // Messages from the pages, by database (one per measurement) and type; kept if they come first.
    const inbox = new Map();
    const slot = (db, type) => {
      const id = `${db}|${type}`;
      if (!inbox.has(id)) {
        let settle;
        const promise = new Promise((ok, fail) => { settle = { ok, fail }; });
        promise.catch(() => {});
        inbox.set(id, { promise, ...settle });
      }
      return inbox.get(id);
    };
    await context.exposeBinding('__dl', ({ page }, message) => {
      if (message.type === 'error') {
        for (const type of ['act', 'count', 'home']) slot(message.db, type).fail(new Error(`${message.db}: ${message.error}`));
        return;
      }
      // Closed at once, before anything else is done here.
      if (message.type === 'act' && message.action === 'close') page.close().catch(() => {});
      slot(message.db, message.type).ok(message);
    });
    const pageErrors = [];
    context.on('page', (p) => p.on('pageerror', (e) => pageErrors.push(String(e))));
    const url = (query) => `${base}/tests/durability/data-loss.html?${new URLSearchParams({ n, ...query })}`;

    // The opener of the window.close popups (a page may close itself only if a script opened it).
    const home = await context.newPage();
    await home.goto(url({ mode: 'home', db: 'home' }));
    await within(slot('home', 'home').promise, 20_000, 'home page');

    const cells = {};
    for (const row of rows) for (const action of actions) for (const delay of delays) cells[`${row}|${action}|${delay}`] = [];

    async function once(row, action, delay, round) {
      const { lib, pattern = 'burst', fresh = 0 } = ROWS[row];
      const db = `dl-${row}-${action}-${delay}-${round}`;
      const target = url({ lib, db, action, delay, pattern, fresh });
      let page;
      if (action === 'window.close') {
        [page] = await Promise.all([home.waitForEvent('popup'), home.evaluate((u) => { window.open(u); }, target)]);
      } else {
        page = await context.newPage();
        await page.goto(target);
      }
      const closed = new Promise((ok) => page.once('close', ok));
      const act = await within(slot(db, 'act').promise, 20_000, `${db} writing`);
      let count;
      if (action === 'reload') {
        count = await within(slot(db, 'count').promise, 20_000, `${db} counting after the reload`);
        page.close().catch(() => {});
      } else {
        await within(closed, 10_000, `${db} closing`);
        const fresh = await context.newPage();
        await fresh.goto(url({ lib, db, mode: 'count' }));
        count = await within(slot(db, 'count').promise, 20_000, `${db} counting in a fresh page`);
        fresh.close().catch(() => {});
      }
      return { restored: count.restored, onDisk: count.onDisk, firedMs: act.firedMs, writeMs: act.writeMs };
    }

    const roundsOf = (row) => rounds[kindOf(row)];
    const most = Math.max(...rows.map(roundsOf));
    for (let round = 0; round < most; round++) {
      log(`round ${round + 1}/${most} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      // Rows interleaved within each cell, their order rotating between rounds.
      const order = rows.map((_, i) => rows[(i + round) % rows.length]).filter((row) => round < roundsOf(row));
      for (const action of actions) {
        for (const delay of delays) {
          for (const row of order) {
            const figure = await once(row, action, delay, round).catch((e) => ({ error: e.message.split('\n')[0] }));
            cells[`${row}|${action}|${delay}`].push(figure);
          }
        }
      }
    }
    const seconds = (Date.now() - started) / 1000;
    return { n, rounds, delays, rows, actions, browser: browser.version(), seconds, load: [load, loadavg()[0]], cells, pageErrors };
  } finally {
    await browser.close();
    server.close();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fixed1 = (x) => (Number.isInteger(x) ? String(x) : x.toFixed(1));
const measured = (figures) => figures.filter((f) => f.error === undefined);

/** One cell: `50/50` when every round kept the same number, else `mean/N (min–max)`. */
export function keptCell(figures, n) {
  const kept = measured(figures).map((f) => f.restored);
  const errors = figures.length - kept.length;
  let text = '—';
  if (kept.length) {
    const min = Math.min(...kept), max = Math.max(...kept);
    text = min === max ? `${min}/${n}` : `${fixed1(kept.reduce((s, x) => s + x, 0) / kept.length)}/${n} (${min}–${max})`;
  }
  return errors ? `${text}, ${errors} error${errors > 1 ? 's' : ''}` : text;
}

/** The Markdown table (row × scenario × delay → keys kept) and how it was measured. */
export function dataLossTable(result) {
  const { n, rounds, delays, rows, actions, cells } = result;
  const lines = [
    `| library, writes | scenario | ${delays.map((d) => `${d} ms`).join(' | ')} |`,
    `|---|---|${delays.map(() => '---|').join('')}`,
  ];
  for (const row of rows) {
    for (const action of actions) {
      lines.push(`| ${ROWS[row].label} | ${ACTIONS[action]} | ${delays.map((d) => keptCell(cells[`${row}|${action}|${d}`], n)).join(' | ')} |`);
    }
  }
  const pick = (match) => Object.entries(cells).filter(([k]) => match(k)).flatMap(([, v]) => measured(v));
  const fired = delays.map((d) => {
    const xs = pick((k) => k.endsWith(`|${d}`)).map((f) => f.firedMs);
    return xs.length ? `${d} → ${median(xs).toFixed(1)} (max ${Math.max(...xs).toFixed(1)})` : `${d} → —`;
  });
  const writes = rows.map((row) => {
    const xs = pick((k) => k.startsWith(`${row}|`)).map((f) => f.writeMs);
    return `${row} ${xs.length ? median(xs).toFixed(1) : '—'} ms`;
  });
  const mismatches = pick(() => true).filter((f) => f.restored !== f.onDisk).length;
  const errors = Object.entries(cells).flatMap(([k, v]) => v.filter((f) => f.error !== undefined).map((f) => `${k}: ${f.error}`));
  return [
    ...lines,
    '',
    `Keys restored by the library in a fresh document after the reload or close, of ${n} written, no \`flush()\`; ` +
      `columns: ms from the last write to the reload/close. Rounds per cell: stackquery ${rounds.stackquery}, ` +
      `TanStack ${rounds.tanstack}, references ${rounds.reference}; \`kept/${n}\` when every round agrees, else \`mean/${n} (min–max)\`. ` +
      `Chromium ${result.browser} headless, ${result.seconds.toFixed(0)} s, load average ${result.load.map((x) => x.toFixed(1)).join(' → ')}.`,
    `Delay asked → acted (median, ms after the last write): ${fired.join('; ')}. ` +
      `Writing took (median, first to last write): ${writes.join(', ')}.`,
    mismatches ? `Restored ≠ entries on disk in ${mismatches} measurement(s).` : 'Restored = entries on disk in every measurement.',
    ...(errors.length ? ['Errors:', ...errors.map((e) => `- ${e}`)] : []),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const list = (name, fallback) => (process.env[name] ? process.env[name].split(',') : fallback);
  const result = await measureDataLoss({
    rounds: { stackquery: Number(process.env.ROUNDS || 5), tanstack: Number(process.env.TANSTACK_ROUNDS || 3), reference: Number(process.env.REFERENCE_ROUNDS || 2) },
    n: Number(process.env.N || 50),
    delays: list('DELAYS', ['0', '5', '20', '50']).map(Number),
    rows: list('ROWS', DEFAULT_ROWS), actions: list('ACTIONS', Object.keys(ACTIONS)),
    log: (m) => console.error(`[data-loss] ${m}`),
  });
  if (process.env.RAW) console.error(JSON.stringify(result, null, 2));
  console.log(dataLossTable(result));
}
