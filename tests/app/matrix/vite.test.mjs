// stackquery in Vite with no configuration (issue 13): for Vite 7 and Vite 8, a fresh
// project made the way Vite's React template makes one (`vite`, `@vitejs/plugin-react`,
// `react`, `react-dom`, and a vite.config.js holding only `plugins: [react()]`) with the
// packed package and the matrix's React app (apps/react), then in headless Chromium:
//   - the dev server, with Vite's dependency optimizer prebundling stackquery as it does
//     for any user (where earlier versions broke: `__wbindgen_externrefs` undefined, the
//     .wasm fetched from a wrong path): data renders, and after a reload with the API down
//     it comes from IndexedDB;
//   - `vite build`, dist served as `vite preview` would: the same checks, and the gzip size
//     of the built JS;
//   - for comparison, the same kind of app built with @tanstack/react-query instead of
//     stackquery (no persistence): its gzip size;
//   - the same query on `stackquery/l1/react` (the build without L2, no persistence), in the
//     dev server (the optimizer prebundles `stackquery/l1/react`) and built: it renders, and
//     its gzip size.
// The dev server runs through Vite's JS API (createServer) so the test can add the
// greeting API as a middleware — inline config the test passes, never the user's
// vite.config.js. The two Vite majors run concurrently; each host × mode is a subtest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { appsDir, checkInChromium, freshProject, greetingApi, gzipBytes, installedVersion, serveApp, sh } from './support.mjs';

const HOSTS = [
  // create-vite's React template at the time of each major: plugin-react 5 with Vite 7,
  // plugin-react 6 (Vite 8 only) with Vite 8.
  { major: 7, vite: '^7.0.0', pluginReact: '^5.0.0' },
  { major: 8, vite: '^8.0.0', pluginReact: '^6.0.0' },
];

// create-vite's template-react/vite.config.js, as the template writes it.
const VITE_CONFIG = `import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// https://vite.dev/config/
export default defineConfig({
  plugins: [react()],
})
`;

const SCRIPTS = { dev: 'vite', build: 'vite build', preview: 'vite preview' };

// The comparison app: the same query through TanStack Query, rendered into the same #out.
const TANSTACK_MAIN = `import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';

async function greeting() {
  const r = await fetch('/api/greeting');
  if (!r.ok) throw new Error(\`HTTP \${r.status}\`);
  return r.json();
}

function Greeting() {
  const query = useQuery({ queryKey: ['greeting'], queryFn: greeting, staleTime: 60_000 });
  if (query.isSuccess) return <p id="out">tanstack: {query.data.message}</p>;
  if (query.isError) return <p id="out">error: {query.error.message}</p>;
  return <p id="out">loading</p>;
}

const client = new QueryClient({ defaultOptions: { queries: { retry: 0 } } });

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <Greeting />
    </QueryClientProvider>
  </StrictMode>,
);
`;

// The L1-only app: the comparison app's query on stackquery/l1/react (no storage).
const L1_MAIN = TANSTACK_MAIN
  .replace("from '@tanstack/react-query'", "from 'stackquery/l1/react'")
  .replace('tanstack: {query.data.message}', 'stackquery l1: {query.data.message}');
const L1_EXPECTED = 'stackquery l1: hello from the API';

const EXPECTED = 'stackquery: hello from the API';

/**
 * `vite build` as `npm run build` runs it: NODE_ENV unset, so Vite makes it production. (A
 * dev server in this process sets process.env.NODE_ENV to development, which a child
 * would otherwise inherit: React's development build, in the size too.)
 */
const build = (t, dir) => sh(t, dir, 'vite', ['build'], { timeout: 120_000, env: { NODE_ENV: undefined } });

/** The .js files `vite build` wrote to dir/dist, and every file's path under dist. */
function distFiles(dir) {
  const all = readdirSync(join(dir, 'dist'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));
  return { all, js: all.filter((f) => f.endsWith('.js')) };
}

/**
 * The project's own Vite dev server (its vite.config.js, its dependency optimizer) through
 * Vite's JS API, with one extra plugin from the test: the greeting API, and a log of the
 * URLs the page requested. Resolves with `{ base, requests, log }`; `log` is what Vite
 * would have printed in the user's terminal.
 */
async function startDevServer(t, dir, api) {
  // The project's vite, as its bin imports it (package.json exports '.' → dist/node/index.js).
  const { createServer, createLogger } = await import(pathToFileURL(join(dir, 'node_modules/vite/dist/node/index.js')).href);
  const log = [];
  const logger = createLogger('info', { allowClearScreen: false });
  for (const level of ['info', 'warn', 'warnOnce', 'error']) logger[level] = (msg) => { log.push(`${level}: ${msg}`); };
  const requests = [];
  const testOnly = {
    name: 'matrix-test-greeting-api',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        requests.push(req.url);
        if (!api.route(new URL(req.url, 'http://x').pathname, req, res)) next();
      });
    },
  };
  const server = await createServer({
    root: dir,
    plugins: [testOnly],
    server: { host: '127.0.0.1', port: 0 },
    customLogger: logger,
  });
  t.after(() => server.close());
  await server.listen();
  const { port } = server.httpServer.address();
  return { base: `http://127.0.0.1:${port}`, requests, log };
}

/** One Vite major: two fresh projects (stackquery, TanStack), then one subtest per mode. */
async function viteHost(t, { major, vite, pluginReact }) {
  const devDependencies = { vite, '@vitejs/plugin-react': pluginReact };
  const react = { react: '^19.0.0', 'react-dom': '^19.0.0' };
  const appFiles = (main) => ({
    'vite.config.js': VITE_CONFIG,
    'index.html': readFileSync(join(appsDir, 'react/index.html'), 'utf8'),
    'src/main.jsx': main,
  });
  const [dir, tanstackDir, l1Dir] = await Promise.all([
    freshProject(t, `vite${major}`, { dependencies: react, devDependencies, scripts: SCRIPTS, copy: 'react', files: { 'vite.config.js': VITE_CONFIG } }),
    freshProject(t, `vite${major}-tanstack`, {
      dependencies: { ...react, '@tanstack/react-query': '^5.0.0' },
      devDependencies,
      scripts: SCRIPTS,
      files: appFiles(TANSTACK_MAIN),
    }),
    freshProject(t, `vite${major}-l1`, { dependencies: react, devDependencies, scripts: SCRIPTS, files: appFiles(L1_MAIN) }),
  ]);
  assert.equal(installedVersion(dir, 'vite').split('.')[0], String(major), `vite ${major} installed`);

  await t.test('dev server (dependency optimizer prebundles stackquery)', { timeout: 90_000 }, async (t) => {
    const api = greetingApi();
    const dev = await startDevServer(t, dir, api);
    let timings;
    try {
      timings = await checkInChromium(t, `${dev.base}/`, { expected: EXPECTED, api });
    } catch (e) {
      e.message += `\nvite log:\n${dev.log.join('\n')}`;
      throw e;
    }
    t.diagnostic(`vite${major} dev: first load ${timings.firstMs} ms, reload from IndexedDB ${timings.reloadMs} ms`);
    // The page ran the optimizer's prebundled copies, as a user's dev server serves them.
    const metadata = JSON.parse(readFileSync(join(dir, 'node_modules/.vite/deps/_metadata.json'), 'utf8'));
    for (const id of ['stackquery', 'stackquery/react']) {
      assert.ok(metadata.optimized[id], `Vite's optimizer prebundled ${id} (optimized: ${Object.keys(metadata.optimized).join(', ')})`);
    }
    assert.ok(dev.requests.some((u) => /^\/node_modules\/\.vite\/deps\/stackquery\.js(\?|$)/.test(u)),
      `the page loaded the prebundled stackquery (requests: ${dev.requests.join(' ')})`);
    assert.deepEqual(dev.log.filter((l) => l.startsWith('error')), [], 'the dev server logged no errors');
  });

  await t.test('vite build, dist served', { timeout: 120_000 }, async (t) => {
    await build(t, dir);
    const dist = distFiles(dir);
    assert.deepEqual(dist.all.filter((f) => f.endsWith('.wasm')), [], 'no .wasm asset: the engine is inside the JS');
    assert.ok(dist.js.length > 0, 'vite build wrote JS');
    t.diagnostic(`size: vite${major} build ${gzipBytes(dist.js)} B gzip`);
    const { base, api } = await serveApp(t, join(dir, 'dist'));
    const timings = await checkInChromium(t, `${base}/`, { expected: EXPECTED, api });
    t.diagnostic(`vite${major} build: first load ${timings.firstMs} ms, reload from IndexedDB ${timings.reloadMs} ms`);
  });

  await t.test('the same app with @tanstack/react-query, for size', { timeout: 120_000 }, async (t) => {
    await build(t, tanstackDir);
    const dist = distFiles(tanstackDir);
    t.diagnostic(`size: vite${major} tanstack ${gzipBytes(dist.js)} B gzip (@tanstack/react-query ${installedVersion(tanstackDir, '@tanstack/react-query')})`);
    const { base } = await serveApp(t, join(tanstackDir, 'dist'));
    await checkInChromium(t, `${base}/`, { expected: 'tanstack: hello from the API' });
  });

  await t.test('the same app on stackquery/l1/react: dev server and build', { timeout: 120_000 }, async (t) => {
    const dev = await startDevServer(t, l1Dir, greetingApi());
    try {
      await checkInChromium(t, `${dev.base}/`, { expected: L1_EXPECTED });
    } catch (e) {
      e.message += `\nvite log:\n${dev.log.join('\n')}`;
      throw e;
    }
    const metadata = JSON.parse(readFileSync(join(l1Dir, 'node_modules/.vite/deps/_metadata.json'), 'utf8'));
    // The app imports stackquery/l1/react only: the optimizer prebundles it with stackquery/l1 inside.
    assert.ok(metadata.optimized['stackquery/l1/react'], `Vite's optimizer prebundled stackquery/l1/react (optimized: ${Object.keys(metadata.optimized).join(', ')})`);
    assert.deepEqual(dev.log.filter((l) => l.startsWith('error')), [], 'the dev server logged no errors');
    await build(t, l1Dir);
    const dist = distFiles(l1Dir);
    assert.deepEqual(dist.all.filter((f) => f.endsWith('.wasm')), [], 'no .wasm asset');
    t.diagnostic(`size: vite${major} l1 ${gzipBytes(dist.js)} B gzip (stackquery/l1/react)`);
    const { base } = await serveApp(t, join(l1Dir, 'dist'));
    await checkInChromium(t, `${base}/`, { expected: L1_EXPECTED });
  });
}

test('stackquery in fresh Vite + React projects, no configuration', { concurrency: true, timeout: 300_000 }, async (t) => {
  await Promise.all(HOSTS.map((host) => t.test(`vite ${host.major}`, (t) => viteHost(t, host))));
});
