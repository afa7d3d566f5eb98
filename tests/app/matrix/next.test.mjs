// The host matrix, Next.js (latest, app router): apps/next is what create-next-app writes
// for a JavaScript app router project (app/layout.js, app/page.js, jsconfig.json, an empty
// next.config.mjs; no Google font, the machine is offline) plus the user's stackquery code.
// `next`, `react`, `react-dom` (and @tanstack/react-query, for scale) from the registry,
// no next.config option. Then `next build` and `next start`:
//   1. `/` is a static page prerendered by `next build`: a 'use client' component makes a
//      QueryClient in useState and renders useQuery from `stackquery/react` — the
//      prerendered HTML shows "loading" (the server render ran the hooks and the engine).
//      In Chromium it hydrates and shows the API's answer (fetched from /api/greeting, a
//      route handler passing through the test's greeting service), and after a reload with
//      the service down, the same answer from IndexedDB. A second React (an "Invalid hook
//      call") would fail the prerender or show as a page error. The browser's requests to
//      /api/greeting are counted: one on the first load, none after the reload (the data
//      is fresh in IndexedDB).
//   2. /api/server-query, a route handler with a QueryClient on the server (fetchQuery
//      twice — the second from the cache — and getQueryData), answers the JSON expected.
//   3. /server, a server component awaiting `new QueryClient().fetchQuery(…)` on each
//      request, is served with the answer in its HTML.
//   4. /ssr/hydrated, TanStack's app-router recipe imported from `stackquery/react`
//      (app/get-query-client.js: a new client per server render, one in the browser; the
//      provider in app/ssr/layout.js): a server component awaits `prefetchQuery`, and
//      renders a client component's useQuery under `<HydrationBoundary
//      state={dehydrate(queryClient)}>`. The server HTML holds the data; in Chromium the
//      component's first render has it, and neither the browser nor the service fetches again.
//   5. /ssr/streamed, TanStack's streaming pattern: the server component starts
//      `prefetchQuery` without awaiting it, dehydrates the pending query (its promise rides
//      the RSC stream) and a client component's useSuspenseQuery under HydrationBoundary and
//      <Suspense> picks that promise up. The greeting service holds the request until the
//      test lets it go: the HTML response streams the fallback first and, once released,
//      the data; Chromium shows the fallback, then the data. One request at the service,
//      none from the browser.
// In Chromium, console errors and warnings (React's hydration mismatches, recoverable
// errors) and page errors fail the test, on every page; `next start` logs no error.
// Built with Next's default bundler (Turbopack in Next 16) and, as the alternative, with
// `next build --webpack`. The gzip bytes of the .js under /_next/static the page loads are
// reported as `size: next build <N> B gzip`, and the same page with @tanstack/react-query
// (app/tanstack, no persistence) as `size: next tanstack <N> B gzip`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { launchChromium } from '../../support/chromium.mjs';
import { checkInChromium, freePort, freshProject, greetingApi, gzipBytes, installedVersion, sh, startProcess } from './support.mjs';

const env = { NEXT_TELEMETRY_DISABLED: '1' };

/**
 * The greeting service the app's server code calls, on a free port: its base URL. A request
 * with `?hold` waits in `api.held` until `api.release()` answers it (`api.arrived` counts
 * every request, held or not).
 */
async function greetingService(t, api) {
  api.held = [];
  api.arrived = 0;
  api.release = () => {
    for (const { path, req, res } of api.held.splice(0)) api.route(path, req, res);
  };
  const server = createServer((req, res) => {
    api.arrived += 1;
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/api/greeting' && url.searchParams.has('hold')) {
      api.held.push({ path: url.pathname, req, res });
      return;
    }
    if (!api.route(url.pathname, req, res)) res.writeHead(404).end();
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  t.after(() => {
    api.release(); // none left hanging when a check failed
    server.close();
  });
  return `http://127.0.0.1:${server.address().port}`;
}

/** The files under .next/static behind the /_next/static/*.js URLs a page loaded. */
function staticScripts(app, urls) {
  const files = new Set();
  for (const url of urls) {
    const { pathname } = new URL(url);
    if (!pathname.startsWith('/_next/static/') || !pathname.endsWith('.js')) continue;
    const file = join(app, '.next/static', decodeURIComponent(pathname.slice('/_next/static/'.length)));
    assert.ok(existsSync(file), `${url} is a file of the build (${file})`);
    files.add(file);
  }
  assert.ok(files.size > 0, 'the page loaded scripts from /_next/static');
  return [...files];
}

async function get(url) {
  const response = await fetch(url);
  const body = await response.text();
  assert.equal(response.status, 200, `GET ${url}: ${body.slice(0, 2000)}`);
  return { response, body };
}

/** Waits (polling, up to `timeout` ms) until `ready()` is true; `what` names it on failure. */
async function until(ready, what, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A page of a fresh Chromium, watched: `errors` (page errors, console errors and warnings)
 * and `apiRequests`, the requests it makes to the app's /api/.
 */
async function watchedPage(t) {
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  const watch = { page, errors: [], apiRequests: [] };
  page.on('pageerror', (e) => watch.errors.push(`page error: ${e}`));
  page.on('console', (m) => {
    const url = m.location()?.url ?? '';
    if (/\/favicon\.ico$/.test(url)) return; // the browser asks for one; the app has none
    if (m.type() === 'error' || m.type() === 'warning') watch.errors.push(`console ${m.type()}: ${m.text()} ${url}`);
  });
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/')) watch.apiRequests.push(r.url());
  });
  return watch;
}

/** Waits until `#out` shows `text`; the page's errors in the failure. */
async function shows({ page, errors }, text, what) {
  try {
    await page.waitForFunction((want) => document.querySelector('#out')?.textContent === want, text, { timeout: 30_000, polling: 20 });
  } catch {
    const seen = await page.evaluate(() => document.querySelector('#out')?.textContent).catch(() => undefined);
    throw new Error(`${what}: #out never showed ${JSON.stringify(text)} (it shows ${JSON.stringify(seen)}); errors: ${errors.join(' | ') || 'none'}`);
  }
}

/** Waits until the page's client component has mounted; what its first render held. */
async function mounted({ page, errors }, what) {
  try {
    await page.waitForFunction(() => document.body.dataset.mountedWith !== undefined, null, { timeout: 30_000, polling: 20 });
  } catch {
    throw new Error(`${what}: the client component never mounted (hydrated); errors: ${errors.join(' | ') || 'none'}`);
  }
  return page.evaluate(() => document.body.dataset.mountedWith);
}

/**
 * `url` in a fresh Chromium: the page hydrates the server's HTML in place. React does not
 * always report a mismatch: in development it can leave the server's nodes and add its
 * own beside them, in production it throws the server's HTML away and renders anew, both
 * silently. So the server's `<main>` is watched from before any script runs: it must
 * never be removed, and `#out` must exist once, showing `expected`.
 */
async function checkInPlace(t, url, expected) {
  const watch = await watchedPage(t);
  await watch.page.addInitScript(() => {
    window.__removedMain = 0;
    new MutationObserver((records) => {
      for (const r of records) {
        for (const n of r.removedNodes) if (n.nodeType === 1 && (n.matches('main') || n.querySelector('main'))) window.__removedMain += 1;
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await watch.page.goto(url);
  await shows(watch, expected, url);
  await new Promise((r) => setTimeout(r, 300)); // a late re-render, if any, would have happened
  const seen = await watch.page.evaluate(() => ({ removed: window.__removedMain, mains: document.querySelectorAll('main').length, outs: document.querySelectorAll('#out').length }));
  assert.deepEqual(seen, { removed: 0, mains: 1, outs: 1 }, 'the server\'s <main> stayed, once');
  assert.deepEqual(watch.errors, [], 'no console errors or warnings, no page errors');
}

/**
 * /ssr/hydrated: prefetched and dehydrated by a server component, hydrated by
 * HydrationBoundary. The HTML has the data; the browser shows it from its first render
 * and fetches nothing.
 */
async function checkHydrated(t, base, api) {
  let before = api.arrived;
  const html = await get(`${base}/ssr/hydrated`);
  const served = api.served;
  assert.equal(api.arrived, before + 1, 'the server component fetched once');
  const text = `hydrated: ${api.message} (#${served})`;
  assert.match(html.body, new RegExp(`<p id="out">${escapeRegExp(text)}</p>`), 'the server HTML holds the prefetched data');

  const watch = await watchedPage(t);
  before = api.arrived;
  await watch.page.goto(`${base}/ssr/hydrated`);
  const expected = `hydrated: ${api.message} (#${api.served})`;
  assert.equal(api.arrived, before + 1, 'the page request: one fetch on the server');
  await shows(watch, expected, '/ssr/hydrated');
  assert.equal(await mounted(watch, '/ssr/hydrated'), 'success', 'the client component rendered the hydrated data in its first render');
  await new Promise((r) => setTimeout(r, 500)); // a refetch, if any, would have started
  assert.equal(await watch.page.evaluate(() => document.querySelector('#out')?.textContent), expected, 'the data stays');
  assert.deepEqual(watch.apiRequests, [], 'the browser fetched nothing');
  assert.equal(api.arrived, before + 1, 'the service saw only the server render\'s request');
  assert.deepEqual(watch.errors, [], 'no console errors or warnings (hydration mismatch), no page errors');
}

/** Reads `reader` until its text so far matches `pattern`: that text. */
async function readUntil(reader, decoder, sofar, pattern, what) {
  let text = sofar;
  while (!pattern.test(text)) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`${what}: the response ended without ${pattern}:\n${text.slice(-3000)}`);
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

/**
 * /ssr/streamed: prefetched without await on the server, the pending query dehydrated with
 * its promise, useSuspenseQuery in the browser. The service holds the request until told:
 * the fallback streams first, the data after; the browser fetches nothing.
 */
async function checkStreamed(t, base, api) {
  const fallback = '<p id="out">streaming</p>';
  let before = api.arrived;
  const response = await fetch(`${base}/ssr/streamed`);
  assert.equal(response.status, 200, 'GET /ssr/streamed');
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = await readUntil(reader, decoder, '', /<p id="out">streaming<\/p>/, 'the fallback');
  await until(() => api.held.length === 1, 'the server component\'s request at the service');
  assert.doesNotMatch(text, /streamed: /, 'the data is not in the HTML before the service answered');
  const served = api.served + 1;
  api.release();
  const data = `<p id="out">streamed: ${escapeRegExp(api.message)} \\(#${served}\\)</p>`;
  text = await readUntil(reader, decoder, text, new RegExp(data), 'the streamed data');
  while (!(await reader.read()).done); // the rest of the response
  assert.ok(text.indexOf(fallback) < text.search(new RegExp(data)), 'the fallback came first, the data after it');
  assert.equal(api.arrived, before + 1, 'one request at the service');

  const watch = await watchedPage(t);
  before = api.arrived;
  // The HTML is held open by the service: the page is watched as soon as it starts.
  await watch.page.goto(`${base}/ssr/streamed`, { waitUntil: 'commit' });
  await shows(watch, 'streaming', '/ssr/streamed before the service answers (the fallback)');
  await until(() => api.held.length === 1, 'the server component\'s request at the service (browser)');
  const expected = `streamed: ${api.message} (#${api.served + 1})`;
  api.release();
  await shows(watch, expected, '/ssr/streamed after the service answered');
  assert.equal(await mounted(watch, '/ssr/streamed'), 'success', 'the client component hydrated with the data');
  await new Promise((r) => setTimeout(r, 500)); // a refetch, if any, would have started
  assert.equal(await watch.page.evaluate(() => document.querySelector('#out')?.textContent), expected, 'the data stays');
  assert.deepEqual(watch.apiRequests, [], 'the browser fetched nothing: the server\'s promise was picked up');
  assert.equal(api.arrived, before + 1, 'the service saw only the server component\'s request');
  assert.deepEqual(watch.errors, [], 'no console errors or warnings (hydration mismatch), no page errors');
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function buildAndCheck(t, app, api, service, { label, args }) {
  rmSync(join(app, '.next'), { recursive: true, force: true });
  const { stdout, stderr } = await sh(t, app, 'next', ['build', ...args], { env });
  const output = `${stdout}\n${stderr}`;
  assert.doesNotMatch(output, /Invalid hook call|Error occurred prerendering/, 'the build has one React and prerenders');
  assert.match(output, args.includes('--webpack') ? /^▲ Next\.js \S+ \(webpack\)/m : /^▲ Next\.js \S+ \(Turbopack\)/m,
    `the bundler used:\n${output}`);
  // `○ /` in the route table: the page with the client component is prerendered.
  assert.match(output, /^\S+\s+○ \/(?:\s|$)/m, `/ is a static page:\n${output}`);
  const prerendered = readFileSync(join(app, '.next/server/app/index.html'), 'utf8');
  assert.match(prerendered, /<p id="out">loading<\/p>/, 'next build server-rendered the useQuery component (pending)');

  const port = await freePort();
  const server = await startProcess(t, app, 'next', ['start', '-p', String(port), '-H', '127.0.0.1'], /Ready in/,
    { env: { ...env, GREETING_API: service } });
  const base = `http://127.0.0.1:${port}`;
  api.down = false;

  // The static page as served: the server render of the client component.
  const home = await get(`${base}/`);
  assert.match(home.body, /<p id="out">loading<\/p>/, 'next start serves the prerendered page');

  // A route handler with a QueryClient: one request to the service, the second from cache.
  const before = api.served;
  const { body } = await get(`${base}/api/server-query`);
  const answer = { message: api.message, served: before + 1 };
  assert.deepEqual(JSON.parse(body), { first: answer, second: answer, cached: answer }, 'the route handler JSON');
  assert.equal(api.served, before + 1, 'the second fetchQuery came from the cache');

  // A server component awaiting fetchQuery, rendered for this request.
  const server1 = await get(`${base}/server`);
  assert.match(server1.body, new RegExp(`<p id="server-out">stackquery on the server: ${api.message}</p>`), 'the server component rendered the answer');
  assert.equal(api.served, before + 2, 'the server component fetched on this request');

  // Server components prefetching for a client component's useQuery / useSuspenseQuery.
  await t.test('/ssr/hydrated: prefetchQuery + dehydrate in a server component, HydrationBoundary, useQuery', (t) => checkHydrated(t, base, api));
  await t.test('/ssr/streamed: prefetchQuery without await, the pending query streamed, useSuspenseQuery', (t) => checkStreamed(t, base, api));

  // The browser: hydrate, fetch, then from IndexedDB with the service down.
  const checked = await checkInChromium(t, `${base}/`, { expected: `stackquery: ${api.message}`, api, warnings: true });
  api.down = false;
  await t.test('/: the provider with `restore` hydrates the server\'s HTML in place (no second copy, no client re-render)', (t) =>
    checkInPlace(t, `${base}/`, `stackquery: ${api.message}`));
  assert.deepEqual(checked.apiRequests, { first: 1, reload: 0 }, 'the browser fetched once, and not after the reload (fresh in IndexedDB)');
  t.diagnostic(`${label}: renders in ${checked.firstMs} ms, from IndexedDB with the API down in ${checked.reloadMs} ms`);
  const ours = staticScripts(app, checked.scripts);
  t.diagnostic(`size: ${label} build ${gzipBytes(ours)} B gzip`);

  api.down = false;
  const tanstack = await checkInChromium(t, `${base}/tanstack`, { expected: `tanstack: ${api.message}` });
  const theirs = staticScripts(app, tanstack.scripts);
  t.diagnostic(`size: ${label} tanstack ${gzipBytes(theirs)} B gzip`);
  const own = (mine, other) => gzipBytes(mine.filter((f) => !other.includes(f)));
  t.diagnostic(`${label}: the page's own chunks (not shared with the other page): stackquery ${own(ours, theirs)} B gzip, tanstack ${own(theirs, ours)} B gzip`);

  assert.doesNotMatch(server.output(), /Invalid hook call|Error|⨯/, `next start logged no error:\n${server.output()}`);
  await server.stop();
}

test('Next.js (latest, app router) with no configuration: a prerendered useQuery page, a route handler and a server component', { timeout: 600_000 }, async (t) => {
  const api = greetingApi();
  const service = await greetingService(t, api);
  const app = await freshProject(t, 'next', {
    type: null, // create-next-app writes no "type"
    copy: 'next',
    dependencies: { next: 'latest', react: 'latest', 'react-dom': 'latest', '@tanstack/react-query': 'latest' },
    scripts: { dev: 'next dev', build: 'next build', start: 'next start' },
  });
  const next = `next ${installedVersion(app, 'next')}`;

  await t.test(`${next}: next build (default bundler)`, { timeout: 300_000 }, (t) =>
    buildAndCheck(t, app, api, service, { label: 'next', args: [] }));
  await t.test(`${next}: next build --webpack (the alternative bundler)`, { timeout: 300_000 }, (t) =>
    buildAndCheck(t, app, api, service, { label: 'next-webpack', args: ['--webpack'] }));
});
