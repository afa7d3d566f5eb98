// Serves the repository on 127.0.0.1, opens a benchmark page in headless Chromium
// (Debian's /usr/bin/chromium via playwright-core) and prints what it measured.
// Run: node www/bench/run.mjs [page]   (default: persist.html; needs pkg/ built)
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '../..');
const page = process.argv[2] || 'persist.html';
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
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
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const tab = await browser.newPage();
  tab.on('pageerror', (e) => console.error('page error:', e));
  await tab.goto(`http://127.0.0.1:${server.address().port}/www/bench/${page}`);
  const results = await tab.waitForFunction(() => window.results, null, { timeout: 300_000 }).then((h) => h.jsonValue());
  console.log(JSON.stringify(results, null, 2));
} finally {
  await browser.close();
  server.close();
}
