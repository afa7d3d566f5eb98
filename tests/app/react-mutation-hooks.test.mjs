// stackquery/react's mutation and state hooks and the provider's restore-before-render in
// Chromium under React's development build and <StrictMode>: tests/app/hooks/mutation_hooks.jsx
// bundled by esbuild (React from the repository's devDependencies, stackquery/web and
// stackquery/react from the built package), each scenario one subtest. React's own
// warnings (console.error) fail the run. Needs pkg/ built (or $STACKQUERY_PKG).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { launchChromium, serveFiles } from '../support/chromium.mjs';

const root = resolve(import.meta.dirname, '../..');
const pkgDir = resolve(process.env.STACKQUERY_PKG || join(root, 'pkg'));
const PORT = 38606;

const bundle = await esbuild.build({
  entryPoints: [join(import.meta.dirname, 'hooks/mutation_hooks.jsx')],
  bundle: true,
  write: false,
  format: 'esm',
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"development"' },
  alias: { stackquery: join(pkgDir, 'web/stackquery.js'), 'stackquery/web': join(pkgDir, 'web/stackquery.js'), 'stackquery/react': join(pkgDir, 'react/index.js') },
  nodePaths: [join(root, 'node_modules')],
  logLevel: 'silent',
});
const appJs = bundle.outputFiles[0].contents;

let served = 0; // requests the API answered
const { server } = await serveFiles(pkgDir, {
  port: PORT,
  mounts: { '/pkg/': pkgDir },
  route: async (path, req, res) => {
    if (path === '/') {
      return res.writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><meta charset="utf-8"><title>mutation hooks</title><script type="module" src="/app.js"></script>');
    }
    if (path === '/favicon.ico') return res.writeHead(204).end();
    if (path === '/app.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(appJs);
    const item = path.match(/^\/api\/item\/(\d+)$/);
    if (!item) return false;
    await new Promise((r) => setTimeout(r, Number(new URL(req.url, 'http://x').searchParams.get('delay') || 0)));
    served += 1;
    return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: Number(item[1]) }));
  },
});

const browser = await launchChromium();
const page = await browser.newPage();
const problems = [];
page.on('pageerror', (e) => problems.push(`page error: ${e}`));
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`); });
let results;
let requested;
try {
  await page.goto(`http://127.0.0.1:${PORT}/`);
  results = await page.waitForFunction(() => window.results, null, { timeout: 120_000, polling: 50 }).then((h) => h.jsonValue());
  requested = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/')).length);
} finally {
  await browser.close();
  server.close();
}

for (const { name, ok, detail } of results) {
  test(`react mutation hooks: ${name}`, (t) => {
    assert.ok(ok, detail);
    t.diagnostic(detail);
  });
}

test('react mutation hooks: the API saw every request the page made', () => {
  assert.equal(served, requested);
});

test('react mutation hooks: no React warning, console error or page error', () => {
  assert.deepEqual(problems, []);
});
