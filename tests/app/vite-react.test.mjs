// stackquery in a real React app, the way a user gets it: `npm pack` of the built package
// (pkg/, or $STACKQUERY_PKG), a fresh Vite 7 + React 19 app in a temp folder made like
// Vite's React template (vite, @vitejs/plugin-react, vite.config.js with only
// `plugins: [react()]`: nothing for stackquery) installing that tarball from the npm
// registry (and @tanstack/react-query, for the comparison), `vite build`, then the built
// app in headless Chromium against a local JSON API whose delay and failures the test
// controls:
//   1. a useQuery component shows the API's data; useIsFetching counts the fetch;
//   2. an optimistic mutation (onMutate setQueryData, onError rollback from the context)
//      shows the new item at once and removes it when the API answers 500; the per-call
//      onError of mutate() tells the user, the per-call onSuccess of the next try clears
//      the field;
//   3. after a reload, with the API slowed to 3 s, the provider's `restore` puts the list
//      and the profile on screen from IndexedDB in their first render, the stale list's
//      refetch in flight, no request for the fresh profile; then the fresh list;
//   4. data on screen after a reload with the profile API slowed to 1.5 s, three ways:
//      with `restore`, without it (the cold-key L2 read), and @tanstack/react-query (no
//      persistence): the time from navigation and the requests, as diagnostics.
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
    if (url.pathname === '/api/profile' && req.method === 'GET') {
      api.pending.profile += 1;
      await sleep(api.profileDelay);
      api.pending.profile -= 1;
      api.answered.profile += 1;
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'Ada' }));
    }
    if (url.pathname === '/api/stats' && req.method === 'GET') {
      api.answered.stats += 1;
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ users: 42 }));
    }
    if (url.pathname === '/api/feed' && req.method === 'GET') {
      const cursor = Number(url.searchParams.get('cursor'));
      api.answered.feed += 1;
      await sleep(50);
      const items = [`post ${cursor * 2 + 1}`, `post ${cursor * 2 + 2}`];
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items, next: cursor < 2 ? cursor + 1 : null }));
    }
    if (url.pathname === '/favicon.ico') return res.writeHead(204).end();
    return false; // the built app
  };
  return serveFiles(dist, { port: PORT, route }).then(({ server }) => server);
}

test('a fresh Vite 7 + React app using stackquery/react: query, optimistic rollback, per-call callbacks, restore before render across a reload', { timeout: 240_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'stackquery-vite-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));

  // The tarball a user would install.
  const packed = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: pkgDir });
  const [info] = JSON.parse(packed.stdout);
  const tarball = join(work, info.filename);
  const files = info.files.map((f) => f.path);
  // One JS file per entry with the engine inside; only the Workers entries (stackquery's and
  // stackquery/l1's) import a .wasm.
  for (const f of ['web/stackquery.js', 'nodejs/stackquery.js', 'workerd/index.js', 'workerd/stackquery_bg.wasm',
    'react/index.js', 'react/index.d.ts', 'index.d.ts', 'index.d.cts',
    'l1/stackquery.js', 'l1/stackquery.cjs', 'l1/workerd/index.js', 'l1/workerd/stackquery_bg.wasm', 'l1/react/index.js', 'l1.d.ts', 'l1.d.cts']) {
    assert.ok(files.includes(f), `the tarball has ${f}`);
  }
  assert.deepEqual(files.filter((f) => f.endsWith('.wasm')).sort(), ['l1/workerd/stackquery_bg.wasm', 'workerd/stackquery_bg.wasm'], 'no .wasm beside the other entries');
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
    dependencies: { react: '^19.0.0', 'react-dom': '^19.0.0', stackquery: `file:${tarball}`, '@tanstack/react-query': '^5.0.0' },
    devDependencies: { vite: '^7.0.0', '@vitejs/plugin-react': '^5.0.0' },
  }, null, 2));
  let started = Date.now();
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, timeout: 150_000 });
  const vite = JSON.parse(readFileSync(join(app, 'node_modules/vite/package.json'), 'utf8')).version;
  const react = JSON.parse(readFileSync(join(app, 'node_modules/react/package.json'), 'utf8')).version;
  const tanstack = JSON.parse(readFileSync(join(app, 'node_modules/@tanstack/react-query/package.json'), 'utf8')).version;
  t.diagnostic(`npm install: ${Date.now() - started} ms (vite ${vite}, react ${react}, @tanstack/react-query ${tanstack})`);
  assert.equal(readFileSync(join(app, 'vite.config.js'), 'utf8').match(/plugins: \[(.*)\]/)[1], 'react()', 'the template\'s config, nothing for stackquery');
  assert.match(vite, /^7\./);
  started = Date.now();
  await run(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], { cwd: app, timeout: 60_000 });
  t.diagnostic(`vite build: ${Date.now() - started} ms`);

  const api = {
    rev: 1,
    items: [{ id: 1, title: 'milk' }, { id: 2, title: 'bread' }],
    getDelay: 50,
    postDelay: 0,
    profileDelay: 50,
    failPost: false,
    pending: { get: 0, post: 0, profile: 0 },
    answered: { get: 0, post: 0, profile: 0, stats: 0, feed: 0 },
  };
  const server = await startServer(join(app, 'dist'), api);
  t.after(() => server.close());
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if ((m.type() === 'error' || m.type() === 'warning') && !/status of 500/.test(m.text())) errors.push(`console.${m.type()}: ${m.text()}`);
  });
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
  await until('the profile', () => document.querySelector('#profile')?.textContent === 'profile Ada');
  await until('nothing fetching', () => document.querySelector('#fetching').textContent === '0 fetching');
  assert.equal(api.answered.profile, 1);
  // useSuspenseQuery: its fallback, then the count; useInfiniteQuery: one page, then more.
  await until('the user count', () => document.querySelector('#stats')?.textContent === '42 users');
  assert.ok(await page.evaluate(() => window.statsSuspended > 0), 'the suspense fallback showed while the count loaded');
  assert.equal(api.answered.stats, 1);
  await until('the feed', () => document.querySelectorAll('#feed li').length === 2);
  await page.click('#more');
  await until('the second page', () => document.querySelectorAll('#feed li').length === 4);
  await page.click('#more');
  await until('the last page', () => document.querySelector('#more').textContent === 'The end');
  assert.deepEqual(await page.locator('#feed li').allInnerTexts(), ['post 1', 'post 2', 'post 3', 'post 4', 'post 5', 'post 6']);
  assert.equal(api.answered.feed, 3, 'one request a page');

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
  assert.equal(await text('#notice'), 'not saved: eggs', "mutate()'s own onError");
  assert.equal(await page.inputValue('#title'), 'eggs', 'the field keeps what was not saved');
  await until('the refetch after the mutation', () => document.querySelector('#status').textContent === 'success / idle');

  // The same title again, the API working: mutate()'s onSuccess clears the field.
  api.failPost = false;
  api.postDelay = 200;
  await page.click('#add');
  await until("mutate()'s onSuccess", () => document.querySelector('#notice').textContent === 'saved eggs');
  assert.equal(await page.inputValue('#title'), '', 'the field cleared by the per-call onSuccess');
  // onSettled invalidated ['todos']: the refetch settles, then every write reaches IndexedDB.
  await until('the refetch after the mutation', () => document.querySelector('#rev')?.textContent === 'rev 2' &&
    document.querySelector('#status').textContent === 'success / idle');
  assert.deepEqual(await items(), ['milk', 'bread', 'eggs']);
  assert.equal(api.answered.post, 2);
  await page.evaluate(() => window.stackqueryClient.flush());
  const getsBeforeReload = api.answered.get;
  const profilesBeforeReload = api.answered.profile;

  // 3. Reload with a slow API and newer server data: the provider restores the list and
  // the profile from IndexedDB before the first render.
  api.getDelay = 3_000;
  api.items.push({ id: 4, title: 'jam' });
  api.rev = 3;
  started = Date.now();
  await page.reload({ waitUntil: 'commit' });
  await until('the list from IndexedDB', () => document.querySelector('#rev')?.textContent === 'rev 2', 2_500);
  const shownAfter = Date.now() - started;
  for (let i = 0; i < 100 && api.pending.get === 0; i++) await sleep(10);
  assert.equal(api.pending.get, 1, 'the refetch is in flight');
  assert.equal(api.answered.get, getsBeforeReload, 'the network has not answered yet');
  assert.equal(await text('#rev'), 'rev 2', 'the persisted data is on screen while the request is pending');
  assert.deepEqual(await items(), ['milk', 'bread', 'eggs']);
  assert.equal(await text('#status'), 'success / fetching');
  assert.equal(await text('#fetching'), '1 fetching', 'useIsFetching({ queryKey: [\'todos\'] }) counts the refetch');
  assert.equal(await text('#profile'), 'profile Ada');
  const restoredProfile = await page.evaluate(() => window.profileShown);
  assert.equal(restoredProfile.firstStatus, 'success', 'the restored profile is in its first render: no loading frame');
  assert.equal(await text('#stats'), '42 users');
  assert.equal(await page.evaluate(() => window.statsSuspended), undefined, 'the restored suspense query did not suspend');
  assert.equal(api.answered.stats, 1, 'no request for the fresh user count');
  t.diagnostic(`after reload: data from IndexedDB on screen ${shownAfter} ms after the reload, the API answering after 3000 ms`);
  await until('the fresh answer', () => document.querySelector('#rev')?.textContent === 'rev 3', 10_000);
  assert.deepEqual(await items(), ['milk', 'bread', 'eggs', 'jam']);
  assert.equal(await text('#count'), '4 todos');
  assert.equal(await text('#fetching'), '0 fetching');
  assert.equal(api.answered.get, getsBeforeReload + 1, 'one request for the stale list after the reload');
  assert.equal(api.answered.profile + api.pending.profile, profilesBeforeReload, 'no request for the fresh profile');

  // 4. The profile after a reload, its API slowed to 1.5 s: restore, plain, TanStack.
  api.getDelay = 50;
  api.profileDelay = 1_500;
  const runs = { restore: [], plain: [], tanstack: [] };
  const settled = (mode) => until(`the page settled (${mode})`, () => window.profileShown !== undefined &&
    document.querySelector('#fetching')?.textContent !== '1 fetching', 10_000);
  for (const mode of Object.keys(runs)) {
    await page.goto(`http://127.0.0.1:${PORT}/?mode=${mode}`, { waitUntil: 'commit' });
    await settled(mode);
    for (let round = 0; round < 3; round++) {
      await sleep(200); // a request the page would still make
      const before = api.answered.profile + api.pending.profile;
      await page.reload({ waitUntil: 'commit' });
      await settled(mode);
      const shown = await page.evaluate(() => window.profileShown);
      await sleep(200);
      runs[mode].push({ ms: Math.round(shown.at), firstStatus: shown.firstStatus, requests: api.answered.profile + api.pending.profile - before });
    }
  }
  const median = (list) => list.map((r) => r.ms).sort((a, b) => a - b)[Math.floor(list.length / 2)];
  t.diagnostic(`profile in the DOM after a reload, ms from performance.timeOrigin (median of 3 reloads; profile API 1500 ms): ${
    Object.entries(runs).map(([mode, list]) => `${mode} ${median(list)} ms [${list.map((r) => r.ms).join(', ')}], first render ${list[0].firstStatus}, ${list.map((r) => r.requests).join('/')} requests`).join('; ')}`);
  for (const mode of Object.keys(runs)) runs[mode] = { firstStatus: [...new Set(runs[mode].map((r) => r.firstStatus))].join(), requests: runs[mode].reduce((n, r) => n + r.requests, 0) };
  assert.deepEqual([runs.restore.firstStatus, runs.restore.requests], ['success', 0], 'restore: data in the first render, no request');
  assert.deepEqual([runs.plain.firstStatus, runs.plain.requests], ['pending', 0], 'without restore: a pending first render (the L2 read), no request');
  assert.deepEqual([runs.tanstack.firstStatus, runs.tanstack.requests], ['pending', 3], 'TanStack without persistence: pending, then a request each time');
  assert.deepEqual(errors, []);
});
