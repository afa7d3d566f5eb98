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
//      call") would fail the prerender or show as a page error.
//   2. /api/server-query, a route handler with a QueryClient on the server (fetchQuery
//      twice — the second from the cache — and getQueryData), answers the JSON expected.
//   3. /server, a server component awaiting `new QueryClient().fetchQuery(…)` on each
//      request, is served with the answer in its HTML.
// Built with Next's default bundler (Turbopack in Next 16) and, as the alternative, with
// `next build --webpack`. The gzip bytes of the .js under /_next/static the page loads are
// reported as `size: next build <N> B gzip`, and the same page with @tanstack/react-query
// (app/tanstack, no persistence) as `size: next tanstack <N> B gzip`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { checkInChromium, freePort, freshProject, greetingApi, gzipBytes, installedVersion, sh, startProcess } from './support.mjs';

const env = { NEXT_TELEMETRY_DISABLED: '1' };

/** The greeting service the app's server code calls, on a free port: its base URL. */
async function greetingService(t, api) {
  const server = createServer((req, res) => {
    if (!api.route(new URL(req.url, 'http://x').pathname, req, res)) res.writeHead(404).end();
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  t.after(() => server.close());
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

  // The browser: hydrate, fetch, then from IndexedDB with the service down.
  const checked = await checkInChromium(t, `${base}/`, { expected: `stackquery: ${api.message}`, api });
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
