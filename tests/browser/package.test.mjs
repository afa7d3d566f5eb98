// The browser suite: every test function exported by tests/browser/*.test.js, run in
// headless Chromium (real IndexedDB) against the built package as users get it. The page
// (runner.html) imports the package's web entry — the file the built package.json's
// exports["./web"].default names — awaits its init() and calls each test with
// `make = (o) => new QueryClient(o)` and `lib` built from the package's exports. One node
// test per JS test function, each in a fresh browser context and page, as a user's page
// starts: no test sees clients, timers, online/focus state or IndexedDB another left, and
// a test that times out is ended with its page. Measured on 2 cores: about 70 s for the
// suite (opening a page and instantiating the package costs about 0.55 s), against 26-28 s
// with one page per module or for the whole suite.
//
// The remote-store tests get a real Redis behind the Upstash REST protocol
// (tests/servers/remote-store.mjs), started here on free ports; the page gets its address
// and a stop/start/reset/stats control API (served beside the files) in its query string.
//
// The package folder is pkg/ (scripts/build-package.sh), or PKG_DIR (relative to the
// repository, or absolute) when built elsewhere. Run by scripts/test.sh after the build;
// alone: node --test tests/browser/package.test.mjs
import { after, before, describe, it } from 'node:test';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium, serveFiles } from '../support/chromium.mjs';
import { startRemoteStore } from '../servers/remote-store.mjs';

const root = resolve(import.meta.dirname, '../..');
const pkgDir = resolve(root, process.env.PKG_DIR || 'pkg');
const TEST_TIMEOUT = 60_000; // per test function, as WASM_BINDGEN_TEST_TIMEOUT=60 was
// (node's own timeout for each test adds time to open the page)

// The web entry, as the package itself declares it.
let manifest;
try {
  manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
} catch (e) {
  throw new Error(`no built package in ${pkgDir} (build it with: bash scripts/build-package.sh): ${e.message}`);
}
const webEntry = manifest.exports?.['./web']?.default;
if (typeof webEntry !== 'string' || !webEntry.startsWith('./')) {
  throw new Error(`${pkgDir}/package.json: exports["./web"].default is not a relative path: ${JSON.stringify(webEntry)}`);
}

// The test functions: every exported function of each module, in file order.
const modules = [];
for (const file of readdirSync(import.meta.dirname).filter((f) => f.endsWith('.test.js')).sort()) {
  const exports = await import(pathToFileURL(join(import.meta.dirname, file)));
  const source = readFileSync(join(import.meta.dirname, file), 'utf8');
  const names = Object.keys(exports).filter((n) => typeof exports[n] === 'function')
    .sort((a, b) => source.indexOf(`function ${a}(`) - source.indexOf(`function ${b}(`));
  modules.push({ file, names });
}

let browser, files, store, pageUrl;

before(async () => {
  store = await startRemoteStore();
  // The remote store's control API, for remoteStore* tests: POST stop/start/reset, GET stats.
  const control = async (action, res) => {
    if (action === 'stop') await store.stop();
    else if (action === 'start') await store.start();
    else if (action === 'reset') store.resetStats();
    else if (action !== 'stats') return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(action === 'stats' ? store.stats : { ok: true }));
  };
  files = await serveFiles(root, {
    mounts: { '/pkg/': pkgDir },
    route: async (path, req, res) => path.startsWith('/remote-store/') && (await control(path.slice('/remote-store/'.length), res), true),
  });
  const entry = `/pkg/${webEntry.slice(2)}`;
  const query = new URLSearchParams({ entry, store: store.url, control: `${files.base}/remote-store` });
  pageUrl = `${files.base}/tests/browser/runner.html?${query}`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  files?.server.closeAllConnections?.();
  files?.server.close();
  await store?.close();
});

/** One test function in a fresh context and page; throws its error, with the page's stack. */
async function run(file, name) {
  const context = await browser.newContext();
  const pageErrors = [];
  let timer;
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(pageUrl);
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${name} did not finish within ${TEST_TIMEOUT / 1000} s`)), TEST_TIMEOUT);
    });
    const result = await Promise.race([
      page.evaluate(([m, n]) => window.runTest(m, n), [`/tests/browser/${file}`, name]), timeout]);
    if (!result.ok) {
      const error = new Error(result.message);
      error.stack = [result.message, `    in the page (${file}):`, result.stack,
        ...(pageErrors.length ? ['    uncaught in the page:', ...pageErrors] : [])].join('\n');
      throw error;
    }
  } finally {
    clearTimeout(timer);
    // Ends whatever the test left running (all of it, after a timeout).
    await context.close().catch(() => {});
  }
}

for (const { file, names } of modules) {
  describe(file, () => {
    for (const name of names) it(name, { timeout: TEST_TIMEOUT + 15_000 }, () => run(file, name));
  });
}
