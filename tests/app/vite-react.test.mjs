// stackquery in a real React app, the way a user gets it: `npm pack` of the built package
// (pkg/, or $STACKQUERY_PKG), a fresh Vite 7 + React 19 app in a temp folder made like
// Vite's React template (vite, @vitejs/plugin-react, vite.config.js with only
// `plugins: [react()]`: nothing for stackquery) installing that tarball from the npm
// registry, `vite build`, then the built app in headless Chromium against a local JSON API
// whose delay and failures the test controls:
//   1. a useQuery component shows the API's data;
//   2. an optimistic mutation (onMutate setQueryData, onError rollback from the context)
//      shows the new item at once and removes it when the API answers 500;
//   3. after a reload, with the API slowed to 3 s, the data is on screen from IndexedDB
//      while the request is still pending, then the fresh answer replaces it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { launchChromium, serveFiles } from '../support/chromium.mjs';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const pkgDir = resolve(process.env.STACKQUERY_PKG || join(root, 'pkg'));
const PORT = 38600;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The test's JSON API plus the built app. `api` is the knob panel and the request log. */
function startServer(dist, api) {
  const route = async (path, req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/api/todos' && req.method === 'GET') {
      api.pending.get += 1;
      await sleep(api.getDelay);
      api.pending.get -= 1;
      api.answered.get += 1;
      return res.writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ rev: api.rev, items: api.items }));
    }
    if (url.pathname === '/api/todos' && req.method === 'POST') {
      api.pending.post += 1;
      let body = '';
      for await (const chunk of req) body += chunk;
      await sleep(api.postDelay);
      api.pending.post -= 1;
      api.answered.post += 1;
      if (api.failPost) return res.writeHead(500, { 'content-type': 'text/plain' }).end('could not save');
      const item = { id: api.items.length + 1, title: JSON.parse(body).title };
      api.items.push(item);
      api.rev += 1;
      return res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(item));
    }
    if (url.pathname === '/favicon.ico') return res.writeHead(204).end();
    return false; // the built app
  };
  return serveFiles(dist, { port: PORT, route }).then(({ server }) => server);
}

test('a fresh Vite 7 + React app using stackquery/react: query, optimistic rollback, instant reload from IndexedDB', { timeout: 240_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'stackquery-vite-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));

  // The tarball a user would install.
  const packed = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: pkgDir });
  const [info] = JSON.parse(packed.stdout);
  const tarball = join(work, info.filename);
  const files = info.files.map((f) => f.path);
  // One JS file per entry with the engine inside; only workerd's entry imports a .wasm.
  for (const f of ['web/stackquery.js', 'nodejs/stackquery.js', 'workerd/index.js', 'workerd/stackquery_bg.wasm',
    'react/index.js', 'react/index.d.ts', 'index.d.ts', 'index.d.cts']) {
    assert.ok(files.includes(f), `the tarball has ${f}`);
  }
  assert.deepEqual(files.filter((f) => f.endsWith('.wasm')), ['workerd/stackquery_bg.wasm'], 'no .wasm beside the other entries');
  t.diagnostic(`npm pack: ${info.filename} ${statSync(tarball).size} bytes packed (${info.unpackedSize} unpacked, ${files.length} files)`);

  // A fresh app as Vite's React template makes one: vite, @vitejs/plugin-react, react and
  // react-dom from the registry.
  const app = join(work, 'app');
  cpSync(join(import.meta.dirname, 'vite-app'), app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({
    name: 'stackquery-vite-react-app',
    private: true,
    type: 'module',
    scripts: { dev: 'vite', build: 'vite build', preview: 'vite preview' },
    dependencies: { react: '^19.0.0', 'react-dom': '^19.0.0', stackquery: `file:${tarball}` },
    devDependencies: { vite: '^7.0.0', '@vitejs/plugin-react': '^5.0.0' },
  }, null, 2));
  let started = Date.now();
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, timeout: 150_000 });
  const vite = JSON.parse(readFileSync(join(app, 'node_modules/vite/package.json'), 'utf8')).version;
  const react = JSON.parse(readFileSync(join(app, 'node_modules/react/package.json'), 'utf8')).version;
  t.diagnostic(`npm install: ${Date.now() - started} ms (vite ${vite}, react ${react})`);
  assert.match(vite, /^7\./);
  started = Date.now();
  await run(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], { cwd: app, timeout: 60_000 });
  t.diagnostic(`vite build: ${Date.now() - started} ms`);

  const api = {
    rev: 1,
    items: [{ id: 1, title: 'milk' }, { id: 2, title: 'bread' }],
    getDelay: 50,
    postDelay: 0,
    failPost: false,
    pending: { get: 0, post: 0 },
    answered: { get: 0, post: 0 },
  };
  const server = await startServer(join(app, 'dist'), api);
  t.after(() => server.close());
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 500/.test(m.text())) errors.push(m.text()); });
  const text = (selector) => page.locator(selector).innerText();
  const items = () => page.locator('#list li').allInnerTexts();
  const until = (what, predicate, timeout = 10_000) => page.waitForFunction(predicate, null, { timeout, polling: 20 })
    .catch((e) => { throw new Error(`${what}: ${e.message.split('\n')[0]}; page errors: ${errors.join('; ')}`); });

  // 1. useQuery renders the API's data (one request: the two hooks on ['todos'] share it).
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await until('the list from the API', () => document.querySelectorAll('#list li').length === 2);
  assert.deepEqual(await items(), ['milk', 'bread']);
  assert.equal(await text('#rev'), 'rev 1');
  assert.equal(await text('#count'), '2 todos', 'select runs on the cached data');
  assert.equal(api.answered.get, 1, 'one GET for two observers of one key');

  // 2. Optimistic add, then the API fails: the item shows at once, then is rolled back.
  api.failPost = true;
  api.postDelay = 1_500;
  await page.fill('#title', 'eggs');
  await page.click('#add');
  await until('the optimistic item', () => document.querySelector('#list li[data-id="optimistic"]'));
  for (let i = 0; i < 100 && api.pending.post === 0; i++) await sleep(10); // onMutate runs before the POST
  assert.equal(api.pending.post, 1, 'the POST is in flight');
  assert.deepEqual(await items(), ['milk', 'bread', 'eggs'], 'the optimistic item shows while the POST is pending');
  assert.equal(await text('#count'), '3 todos');
  assert.equal(await text('#mutation'), 'pending');
  await until('the rollback', () => /^error/.test(document.querySelector('#mutation').textContent));
  assert.equal(await text('#mutation'), 'error: HTTP 500: could not save');
  assert.deepEqual(await items(), ['milk', 'bread'], 'rolled back to the context snapshot');
  assert.equal(api.answered.post, 1);
  // onSettled invalidated ['todos']: the refetch settles, then every write reaches IndexedDB.
  await until('the refetch after the mutation', () => document.querySelector('#status').textContent === 'success / idle');
  await page.evaluate(() => window.stackqueryClient.flush());
  const getsBeforeReload = api.answered.get;

  // 3. Reload with a slow API and newer server data: IndexedDB answers first.
  api.getDelay = 3_000;
  api.items.push({ id: 3, title: 'jam' });
  api.rev = 2;
  started = Date.now();
  await page.reload({ waitUntil: 'commit' });
  await until('the list from IndexedDB', () => document.querySelector('#rev')?.textContent === 'rev 1', 2_500);
  const shownAfter = Date.now() - started;
  for (let i = 0; i < 100 && api.pending.get === 0; i++) await sleep(10);
  assert.equal(api.pending.get, 1, 'the refetch is in flight');
  assert.equal(api.answered.get, getsBeforeReload, 'the network has not answered yet');
  assert.equal(await text('#rev'), 'rev 1', 'the persisted data is on screen while the request is pending');
  assert.deepEqual(await items(), ['milk', 'bread']);
  assert.equal(await text('#status'), 'success / fetching');
  t.diagnostic(`after reload: data from IndexedDB on screen ${shownAfter} ms after the reload, the API answering after 3000 ms`);
  await until('the fresh answer', () => document.querySelector('#rev')?.textContent === 'rev 2', 10_000);
  assert.deepEqual(await items(), ['milk', 'bread', 'jam']);
  assert.equal(await text('#count'), '3 todos');
  assert.equal(api.answered.get, getsBeforeReload + 1, 'one request after the reload');
  assert.deepEqual(errors, []);
});
