// Serves the repository on 127.0.0.1, opens a benchmark page in headless Chromium
// (Debian's /usr/bin/chromium via playwright-core, with gc() and precise memory info)
// and returns what the page put in `window.results`.
// Run: node www/bench/run.mjs [page[?query]]   (default: persist.html; needs pkg/ built)
// As a module: `runPage('soak.html?ops=100000')`.
import { resolve } from 'node:path';
import { launchChromium, serveFiles } from '../../tests/support/chromium.mjs';

const root = resolve(import.meta.dirname, '../..');

export async function runPage(page, { timeoutMs = 600_000 } = {}) {
  const { server, base } = await serveFiles(root);
  const browser = await launchChromium(['--js-flags=--expose-gc', '--enable-precise-memory-info']);
  try {
    const tab = await browser.newPage();
    const errors = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    await tab.goto(`${base}/www/bench/${page}`);
    const results = await tab.waitForFunction(() => window.results, null, { timeout: timeoutMs, polling: 500 })
      .then((h) => h.jsonValue())
      .catch((e) => { throw new Error(`${page}: ${e.message.split('\n')[0]}; page errors: ${errors.join('; ')}`); });
    return results;
  } finally {
    await browser.close();
    server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runPage(process.argv[2] || 'persist.html'), null, 2));
}
