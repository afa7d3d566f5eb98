// Runs a React scenario page in Chromium and reports it as node tests: the page (a .jsx of
// tests/app/hooks/ or tests/app/hydration/) is bundled by esbuild with React's development
// build from the repository's devDependencies and stackquery, stackquery/web and
// stackquery/react from the built package (pkg/, or $STACKQUERY_PKG), served with the
// package's files and the test's own API, and run until it sets `window.results`. Each
// scenario becomes one test; React's warnings, console errors and page errors fail one more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { launchChromium, serveFiles } from '../../support/chromium.mjs';

const root = resolve(import.meta.dirname, '../../..');
export const pkgDir = resolve(process.env.STACKQUERY_PKG || join(root, 'pkg'));

/** Waits `?delay=` ms of the request (the API's simulated latency). */
export const delayOf = (req) => new Promise((r) => setTimeout(r, Number(new URL(req.url, 'http://x').searchParams.get('delay') || 0)));

/**
 * The API most pages use: `/api/item/<n>?delay=<ms>` answers `{ id: n }` after the delay;
 * `served()` is called for each answer.
 */
export function itemApi(served = () => {}) {
  return async (path, req, res) => {
    const item = path.match(/^\/api\/item\/(\d+)$/);
    if (!item) return false;
    await delayOf(req);
    served();
    return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: Number(item[1]) }));
  };
}

/**
 * `{ results, problems, after }` of the page `app` served on `port`: `api(path, req, res)`
 * answers the page's other requests (false: not found); `after(page)` runs once the results
 * are in, before the browser closes.
 */
export async function scenariosInChromium({ app, port, title, api, after, timeout = 120_000 }) {
  const bundle = await esbuild.build({
    entryPoints: [app],
    bundle: true,
    write: false,
    format: 'esm',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"development"' },
    alias: {
      stackquery: join(pkgDir, 'web/stackquery.js'),
      'stackquery/web': join(pkgDir, 'web/stackquery.js'),
      'stackquery/react': join(pkgDir, 'react/index.js'),
    },
    nodePaths: [join(root, 'node_modules')],
    logLevel: 'silent',
  });
  const appJs = bundle.outputFiles[0].contents;
  const { server } = await serveFiles(pkgDir, {
    port,
    mounts: { '/pkg/': pkgDir },
    route: async (path, req, res) => {
      if (path === '/') {
        return res.writeHead(200, { 'content-type': 'text/html' })
          .end(`<!doctype html><meta charset="utf-8"><title>${title}</title><script type="module" src="/app.js"></script>`);
      }
      if (path === '/favicon.ico') return res.writeHead(204).end();
      if (path === '/app.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(appJs);
      return api(path, req, res);
    },
  });
  const browser = await launchChromium();
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e}`));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`); });
  try {
    await page.goto(`http://127.0.0.1:${port}/`);
    const results = await page.waitForFunction(() => window.results, null, { timeout, polling: 50 }).then((h) => h.jsonValue());
    return { results, problems, after: await after?.(page) };
  } finally {
    await browser.close();
    server.close();
  }
}

/** One test per scenario (`label: name`), and one that there was no warning or error. */
export function reportScenarios(label, { results, problems }) {
  for (const { name, ok, detail } of results) {
    test(`${label}: ${name}`, (t) => {
      assert.ok(ok, detail);
      t.diagnostic(detail);
    });
  }
  test(`${label}: no React warning, console error or page error`, () => {
    assert.deepEqual(problems, []);
  });
}
