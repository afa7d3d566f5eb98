// A static file server on 127.0.0.1 for the pages the tests, benchmarks and the demo open:
// folders mounted at URL prefixes (`/` → index.html), and a `route` hook for an API.
// No dependency beyond Node, so the demo server can use it too.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

export const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml',
};

/**
 * Serves `root` at `/` and each `mounts[prefix]` folder under its prefix (longest prefix
 * first; a path ending in `/` is its index.html), on `host` (127.0.0.1) and `port` (free).
 * `route(path, req, res)` may answer a request first by returning true (or a promise of
 * true). Resolves with `{ server, base }`.
 */
export async function serveFiles(root, { mounts = {}, route, port = 0, host = '127.0.0.1' } = {}) {
  const table = [...Object.entries(mounts), ['/', root]].sort((a, b) => b[0].length - a[0].length);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (route && (await route(path, req, res))) return;
    const mount = table.find(([prefix]) => path.startsWith(prefix));
    if (!mount) return res.writeHead(404).end();
    const [prefix, dir] = mount;
    const rel = path.slice(prefix.length);
    const file = normalize(join(dir, rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel));
    if (!file.startsWith(dir)) return res.writeHead(403).end();
    const body = await readFile(file).catch(() => null);
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(port, host, ok));
  return { server, base: `http://${host}:${server.address().port}` };
}
