// Serves the repository on 127.0.0.1, opens a benchmark page in headless Chromium
// (Debian's /usr/bin/chromium via playwright-core, with gc() and precise memory info)
// and returns what the page put in `window.results`.
// Run: node www/bench/run.mjs [page[?query]]   (default: persist.html; needs pkg/ built)
// As a module: `runPage('soak.html?ops=100000')`.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '../..');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

export async function runPage(page, { timeoutMs = 600_000 } = {}) {
  const server = createServer(async (req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (!path.startsWith(root)) return res.writeHead(403).end();
    try {
      const body = await readFile(path);
      res.writeHead(200, { 'content-type': types[extname(path)] || 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--js-flags=--expose-gc', '--enable-precise-memory-info'],
  });
  try {
    const tab = await browser.newPage();
    const errors = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    await tab.goto(`http://127.0.0.1:${server.address().port}/www/bench/${page}`);
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
