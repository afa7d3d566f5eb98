// Shared by the host matrix (tests/app/matrix/*.test.mjs): the packed package as a user
// gets it, a fresh project that installs it and its tools from the npm registry, and a
// real Chromium that checks the built app renders data — and, after a reload with the API
// down, the same data from IndexedDB.
//
// Every project is made the way its host's own docs start one, with that host's default
// configuration: what the test writes is only what a user's app holds (package.json,
// index.html, the source). npm's cache (~/.npm) makes repeat installs fast; the first run
// on a new machine downloads each host once.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { launchChromium, serveFiles } from '../../support/chromium.mjs';

export const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
export const pkgDir = resolve(process.env.STACKQUERY_PKG || join(root, 'pkg'));
export const appsDir = join(import.meta.dirname, 'apps');

/** `npm pack` of the built package into `dir`: the tarball's path. */
export async function packTarball(dir) {
  const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: pkgDir });
  const [info] = JSON.parse(packed.stdout);
  return join(dir, info.filename);
}

/**
 * A fresh project in a temp folder (removed after the test): `files` (path → text) written,
 * `copy` (a folder under apps/) copied in, package.json with `stackquery` from the packed
 * tarball plus `dependencies` / `devDependencies` from the registry (and any other
 * top-level `fields`, such as a tool's own key), then `npm install`.
 * Resolves with the folder. `t.diagnostic` gets the install time and installed versions.
 */
export async function freshProject(t, name, { dependencies = {}, devDependencies = {}, scripts = {}, type = 'module', files = {}, copy, fields = {} } = {}) {
  const work = mkdtempSync(join(tmpdir(), `stackquery-${name}-`));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const tarball = await packTarball(work);
  const dir = join(work, 'app');
  mkdirSync(dir);
  if (copy) cpSync(join(appsDir, copy), dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const manifest = { name: `stackquery-${name}`, private: true, version: '0.0.0', scripts, dependencies: { ...dependencies, stackquery: `file:${tarball}` }, devDependencies, ...fields };
  if (type) manifest.type = type;
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  const started = Date.now();
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir, timeout: 300_000, maxBuffer: 64 << 20 });
  const versions = Object.keys({ ...dependencies, ...devDependencies })
    .map((n) => `${n} ${installedVersion(dir, n)}`).join(', ');
  t.diagnostic(`${name}: npm install ${Date.now() - started} ms (${versions})`);
  return dir;
}

/** The version of `name` installed in `dir`'s node_modules. */
export function installedVersion(dir, name) {
  return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** The source of an app under apps/ (its src/main.js). */
export function appSource(app) {
  return readFileSync(join(appsDir, app, 'src/main.js'), 'utf8');
}

/** The index.html a user writes beside a bundler's output `main.js` (`module`: ESM output). */
export function userPage(title, { module = true } = {}) {
  return `<!doctype html>
<html>
  <head><meta charset="utf-8"><title>${title}</title></head>
  <body>
    <p id="out">loading</p>
    <script ${module ? 'type="module" ' : ''}src="main.js"></script>
  </body>
</html>
`;
}

/** A port nothing listens on at the moment. */
export async function freePort() {
  const server = createServer();
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

/**
 * The end of every bundler's subtest: the stackquery build (`dist`; its scripts, by default
 * `main.js`) and the TanStack one (`tanstackDist`) — sizes reported as
 * `size: <host> build|tanstack <N> B gzip`, then each checked in Chromium (stackquery's also
 * after a reload with the API down).
 */
export async function checkBuilds(t, host, { dist, tanstackDist, tanstackVersion, scripts, tanstackScripts }) {
  t.diagnostic(`size: ${host} build ${gzipBytes(scripts ?? [join(dist, 'main.js')])} B gzip`);
  checkLeftOut(host, scripts ?? [join(dist, 'main.js')]);
  const api = greetingApi();
  const { base } = await serveApp(t, dist, api);
  const { firstMs, reloadMs } = await checkInChromium(t, `${base}/`, { expected: 'stackquery: hello from the API', api });
  t.diagnostic(`${host}: renders in ${firstMs} ms, from IndexedDB with the API down in ${reloadMs} ms`);
  t.diagnostic(`size: ${host} tanstack ${gzipBytes(tanstackScripts ?? [join(tanstackDist, 'main.js')])} B gzip (@tanstack/query-core ${tanstackVersion})`);
  const served = await serveApp(t, tanstackDist);
  await checkInChromium(t, `${served.base}/`, { expected: 'tanstack: hello from the API' });
}

// Classes of the package that apps/vanilla never imports, each with a text only its code
// holds. A bundler leaves a class out only if nothing at the top of its module has an
// effect (a prototype patched after the class, a call that is not marked pure).
const NOT_IMPORTED = [
  ['RemoteStorage', 'SCAN did not answer'],
  ['InfiniteQueryObserver', 'InfiniteQueryObserver'],
];

/** Asserts that the bundle of apps/vanilla (`files`) left out what the app never imports. */
export function checkLeftOut(host, files) {
  const bundle = files.map((f) => readFileSync(f, 'utf8')).join('\n');
  for (const [name, text] of NOT_IMPORTED) {
    assert.ok(!bundle.includes(text), `${host}: the app's bundle holds ${name}, which the app never imports`);
  }
}

/** Runs a command in `dir` (a bin from node_modules/.bin, or a path); its output on failure. */
export async function sh(t, dir, command, args, { timeout = 180_000, env = {} } = {}) {
  const started = Date.now();
  try {
    const out = await run(command, args, { cwd: dir, timeout, maxBuffer: 64 << 20, env: { ...process.env, PATH: `${join(dir, 'node_modules/.bin')}:${process.env.PATH}`, ...env } });
    t.diagnostic(`${command} ${args.join(' ')}: ${Date.now() - started} ms`);
    return out;
  } catch (e) {
    throw new Error(`${command} ${args.join(' ')} failed in ${dir}:\n${e.stdout ?? ''}\n${e.stderr ?? ''}\n${e.message}`);
  }
}

/** A long-running command (a dev server) until `ready` matches its output; `stop()` ends it. */
export async function startProcess(t, dir, command, args, ready, { timeout = 60_000, env = {} } = {}) {
  const child = spawn(command, args, { cwd: dir, detached: true, env: { ...process.env, PATH: `${join(dir, 'node_modules/.bin')}:${process.env.PATH}`, ...env } });
  let output = '';
  const exited = new Promise((ok) => child.once('exit', ok));
  /**
   * Ends the process group; resolves once the command has exited. A server that is still
   * there 10 s after SIGTERM is killed: `next start` shuts down gracefully, waiting for open
   * connections, and a browser of the test still open (closed only after the test) can
   * hold one for ever.
   */
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      const kill = setTimeout(() => {
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      }, 10_000);
      exited.then(() => clearTimeout(kill));
    }
    return exited;
  };
  t.after(stop);
  await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${command} ${args.join(' ')}: not ready in ${timeout} ms:\n${output}`)), timeout);
    const seen = (chunk) => {
      output += chunk;
      if (ready.test(output)) { clearTimeout(timer); ok(); }
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`${command} exited (${code}) before it was ready:\n${output}`)); });
  });
  return { child, stop, output: () => output };
}

/** gzip -9 bytes of the given files, summed. */
export function gzipBytes(files) {
  return files.reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).length, 0);
}

/**
 * The JSON API the matrix apps call: GET /api/greeting → `{ message, served }`. `down`
 * makes it answer 503. `requests` counts every request, `served` the answered ones. Mount
 * it with `route` in serveFiles, or proxy a dev server to it.
 */
export function greetingApi(message = 'hello from the API') {
  const api = { message, down: false, served: 0, requests: 0 };
  api.route = (path, req, res) => {
    if (path !== '/api/greeting') return false;
    api.requests += 1;
    if (api.down) return res.writeHead(503, { 'content-type': 'text/plain' }).end('down'), true;
    api.served += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ message: api.message, served: api.served }));
    return true;
  };
  return api;
}

/** Serves a built app folder with the greeting API beside it: `{ base, api }`. */
export async function serveApp(t, dir, api = greetingApi()) {
  const { server, base } = await serveFiles(resolve(dir), { route: api.route });
  t.after(() => server.close());
  return { base, api };
}

/**
 * Opens `url` in a fresh headless Chromium and checks what a user sees: `#out` shows
 * `expected` (the apps in apps/ render `stackquery: <message>`); then, if `api` is given,
 * the API goes down, the page reloads, and `#out` shows the same text again from
 * IndexedDB. Page errors and console errors fail the check (`warnings`: console warnings
 * too). Resolves with timings, `scripts`, the URLs of the scripts the first load requested,
 * and `apiRequests`, the requests the page made to /api/greeting on the first load and on
 * the reload (`{ first, reload }`).
 */
export async function checkInChromium(t, url, { expected, api, timeout = 20_000, warnings = false } = {}) {
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // The API's own 503s (after it goes down) are expected, and so is the browser's request
  // for a /favicon.ico the apps don't have; any other failed load is not.
  page.on('console', (m) => {
    const url = m.location()?.url ?? '';
    if (m.type() === 'error' && !/\/api\/greeting$|\/favicon\.ico$/.test(url)) errors.push(`${m.text()} ${url}`);
    if (warnings && m.type() === 'warning') errors.push(`warning: ${m.text()} ${url}`);
  });
  const scripts = [];
  const apiRequests = { first: 0, reload: 0 };
  let load = 'first';
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(r.url());
    if (new URL(r.url()).pathname === '/api/greeting') apiRequests[load] += 1;
  });
  const shows = async (what) => {
    try {
      await page.waitForFunction((text) => document.querySelector('#out')?.textContent === text, expected, { timeout, polling: 20 });
    } catch (e) {
      const seen = await page.evaluate(() => document.querySelector('#out')?.textContent).catch(() => undefined);
      throw new Error(`${what}: #out never showed ${JSON.stringify(expected)} (it shows ${JSON.stringify(seen)}); page errors: ${errors.join(' | ') || 'none'}`);
    }
    // And it stays: a refetch that failed afterwards would replace it.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await page.evaluate(() => document.querySelector('#out')?.textContent), expected, `${what}: #out still shows it 300 ms later`);
  };
  let started = Date.now();
  await page.goto(url);
  await shows('first load');
  const firstMs = Date.now() - started;
  const firstScripts = [...scripts];
  let reloadMs;
  if (api) {
    await page.waitForFunction(() => window.__stackqueryFlushed === true, null, { timeout });
    api.down = true;
    const requests = api.requests;
    started = Date.now();
    load = 'reload';
    await page.reload();
    await shows('reload with the API down (from IndexedDB)');
    reloadMs = Date.now() - started;
    assert.equal(api.requests, requests, 'the reload made no API request: the data came from IndexedDB');
  }
  assert.deepEqual(errors, [], 'no page errors');
  return { firstMs, reloadMs, scripts: firstScripts, apiRequests };
}
