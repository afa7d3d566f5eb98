// The demo's server: the page (www/demo/), the built package under /pkg/, and a small
// JSON API over a book catalogue with a configurable delay.
//
//   node www/demo/server.mjs [--port 38610] [--delay 300] [--pkg path/to/pkg]
//
//   GET  /api/items        the list (id, title, author, year)
//   GET  /api/items/:id    one book, in full (404 when unknown)
//   GET  /api/config       { delay }          POST /api/config { delay } sets it
//   GET  /api/stats        request counts, for tests
//
// As a module: `const demo = await startDemoServer({ port, delay, pkgDir })` →
// { url, stats, config, close() }.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serveFiles } from '../../tests/support/serve.mjs';

const here = import.meta.dirname;

export const BOOKS = [
  { id: 1, title: 'Pride and Prejudice', author: 'Jane Austen', year: 1813, pages: 432, summary: 'Elizabeth Bennet and Mr Darcy misjudge each other across balls, letters and one disastrous proposal.' },
  { id: 2, title: 'Moby-Dick', author: 'Herman Melville', year: 1851, pages: 635, summary: 'Ishmael signs on to the Pequod, whose captain hunts the white whale that took his leg.' },
  { id: 3, title: 'Middlemarch', author: 'George Eliot', year: 1871, pages: 880, summary: 'A provincial town, a reforming doctor and an idealistic young woman who marries the wrong scholar.' },
  { id: 4, title: 'Crime and Punishment', author: 'Fyodor Dostoevsky', year: 1866, pages: 551, summary: 'A poor student in St Petersburg kills a pawnbroker to prove a theory, and cannot live with it.' },
  { id: 5, title: 'Great Expectations', author: 'Charles Dickens', year: 1861, pages: 505, summary: 'Pip, an orphan blacksmith’s boy, receives a fortune from an unknown benefactor.' },
  { id: 6, title: 'Anna Karenina', author: 'Leo Tolstoy', year: 1878, pages: 864, summary: 'Two marriages, one society: a love affair in Moscow and a landowner’s search for meaning.' },
  { id: 7, title: 'Frankenstein', author: 'Mary Shelley', year: 1818, pages: 280, summary: 'A student builds a living creature and abandons it, and the creature asks him why.' },
  { id: 8, title: 'Madame Bovary', author: 'Gustave Flaubert', year: 1857, pages: 329, summary: 'A doctor’s wife in Normandy tries to live the novels she reads, on credit.' },
  { id: 9, title: 'Jane Eyre', author: 'Charlotte Brontë', year: 1847, pages: 507, summary: 'A governess at Thornfield Hall, its brooding master, and the secret in its attic.' },
  { id: 10, title: 'The Brothers Karamazov', author: 'Fyodor Dostoevsky', year: 1880, pages: 824, summary: 'Three brothers, their dissolute father, a murder, and arguments about God.' },
  { id: 11, title: 'Wuthering Heights', author: 'Emily Brontë', year: 1847, pages: 416, summary: 'Heathcliff and Catherine on the Yorkshire moors, and the revenge that outlives them.' },
  { id: 12, title: 'Don Quixote', author: 'Miguel de Cervantes', year: 1605, pages: 1072, summary: 'A gentleman reads too many romances of chivalry and rides out to become a knight.' },
];

export async function startDemoServer({ port = 38610, host = '127.0.0.1', delay = 300, pkgDir = resolve(here, '../../pkg') } = {}) {
  const pkg = resolve(pkgDir);
  const config = { delay };
  const stats = { list: 0, item: 0, pending: 0 };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const json = (res, status, body) =>
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));

  const route = async (path, req, res) => {
    if (path === '/api/config') {
      if (req.method === 'POST') {
        let body = '';
        for await (const chunk of req) body += chunk;
        const ms = Number(JSON.parse(body || '{}').delay);
        if (!(ms >= 0 && ms <= 60_000)) return json(res, 400, { error: 'delay must be 0..60000 ms' });
        config.delay = ms;
      }
      return json(res, 200, config);
    }
    if (path === '/api/stats') return json(res, 200, stats);
    if (path === '/api/items' || path.startsWith('/api/items/')) {
      const id = path === '/api/items' ? null : Number(path.slice('/api/items/'.length));
      stats[id === null ? 'list' : 'item'] += 1;
      stats.pending += 1;
      await sleep(config.delay);
      stats.pending -= 1;
      if (id === null) return json(res, 200, BOOKS.map(({ id, title, author, year }) => ({ id, title, author, year })));
      const book = BOOKS.find((b) => b.id === id);
      return book ? json(res, 200, { ...book, servedAt: new Date().toISOString() }) : json(res, 404, { error: `no book ${id}` });
    }
    if (path === '/favicon.ico') return res.writeHead(204).end();
    return false; // the page (www/demo/) and the package (/pkg/) are files
  };
  const { server, base } = await serveFiles(here, { mounts: { '/pkg/': pkg }, route, port, host });
  return {
    url: `${base}/`,
    stats,
    config,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { port: { type: 'string' }, delay: { type: 'string' }, pkg: { type: 'string' }, host: { type: 'string' } } });
  const demo = await startDemoServer({
    port: Number(values.port ?? process.env.PORT ?? 38610),
    host: values.host ?? '127.0.0.1',
    delay: Number(values.delay ?? 300),
    pkgDir: values.pkg ?? process.env.PKG_DIR ?? resolve(here, '../../pkg'),
  });
  console.log(`stackquery demo: ${demo.url}  (API delay ${demo.config.delay} ms; Ctrl-C to stop)`);
}
