// Serves the repository on 127.0.0.1, opens a benchmark page in headless Chromium
// (Debian's /usr/bin/chromium via playwright-core, with gc() and precise memory info)
// and returns what the page put in `window.results`.
// Run: node www/bench/run.mjs [page[?query]]   (default: persist.html; needs pkg/ built)
// As a module: `runPage('soak.html?ops=100000')`.
import { resolve } from 'node:path';
import { launchChromium, serveFiles } from '../../tests/support/chromium.mjs';

const root = resolve(import.meta.dirname, '../..');

/**
 * Opens `url` in a fresh headless Chromium (gc() exposed, precise memory info) and returns
 * what the page put in `window.results`. `setup(page, browser)` runs before the page loads.
 */
export async function openResults(url, { timeoutMs = 600_000, setup } = {}) {
  const browser = await launchChromium(['--js-flags=--expose-gc', '--enable-precise-memory-info']);
  try {
    const tab = await browser.newPage();
    const errors = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    if (setup) await setup(tab, browser);
    await tab.goto(url);
    return await tab.waitForFunction(() => window.results, null, { timeout: timeoutMs, polling: 500 })
      .then((h) => h.jsonValue())
      .catch((e) => { throw new Error(`${url}: ${e.message.split('\n')[0]}; page errors: ${errors.join('; ')}`); });
  } finally {
    await browser.close();
  }
}

/** `openResults` on a page of www/bench/, with the repository served. */
export async function runPage(page, options) {
  const { server, base } = await serveFiles(root);
  try {
    return await openResults(`${base}/www/bench/${page}`, options);
  } finally {
    server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runPage(process.argv[2] || 'persist.html'), null, 2));
}
