// Debian's Chromium (/usr/bin/chromium) headless through playwright-core, with the flags this
// machine's closed network needs (without the background-networking ones, Chromium's own
// connections are refused, many at a time), and a static file server for the pages it opens.
// Shared by the tests that drive a browser and by the benchmarks in www/bench/.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A headless Chromium; `extraArgs` such as `--js-flags=--expose-gc`. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...extraArgs] });
}

export const CONTENT_TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png',
};

/**
 * Serves the files under `root` on 127.0.0.1 (a free port, or `port`). `route(path, req, res)`
 * may answer a request first by returning true. Resolves with `{ server, base }`.
 */
export async function serveFiles(root, { route, port = 0 } = {}) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (route && (await route(path, req, res))) return;
    const file = normalize(join(root, path));
    if (!file.startsWith(root)) return res.writeHead(403).end();
    const body = await readFile(file).catch(() => null);
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] || 'application/octet-stream' }).end(body);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}
