// The durable mutation outbox across a reload in real headless Chromium (IndexedDbStorage):
// a page submits persisted mutations whose mutationFn never settles; a second tab of the
// origin resuming meanwhile must leave them alone (their page is alive: Web Locks); the page
// reloads, and the reloaded page and the other tab resume at once (each with two clients and
// concurrent calls): the server sees each mutation exactly once, the scoped ones in the order
// submitted, and no record is left. The package is pkg/, or STACKQUERY_PKG / PKG_DIR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { launchChromium, serveFiles } from '../support/chromium.mjs';

const root = resolve(import.meta.dirname, '../..');
const pkgDir = resolve(root, process.env.STACKQUERY_PKG || process.env.PKG_DIR || 'pkg');

let browser;
let server;
let base;
const effects = [];

before(async () => {
  ({ server, base } = await serveFiles(root, {
    mounts: { '/pkg/': pkgDir },
    route: async (path, req, res) => {
      if (path !== '/api/effect') return false;
      let body = '';
      for await (const chunk of req) body += chunk;
      const order = JSON.parse(body);
      effects.push(order.n);
      // Slow enough that runs of one scope would overlap if they were not one at a time.
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: order.n })), 30);
      return true;
    },
  }));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.closeAllConnections?.();
  server?.close();
});

test('persisted mutations cut short by a reload run once after it, in scope order, and never while their page lives', async () => {
  const context = await browser.newContext();
  const errors = [];
  const open = async () => {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}/tests/pages/mutation-outbox.html`);
    await page.waitForFunction(() => window.ready, null, { timeout: 20_000 });
    return page;
  };
  try {
    const first = await open();
    const started = await first.evaluate(() => window.submit([
      { n: 1, kind: 'place', scope: 'cart', item: 'tea' },
      { n: 2, kind: 'place', scope: 'cart', item: 'milk' },
      { n: 3, kind: 'note', note: 'ring twice' },
    ]));
    assert.deepEqual(started.sort(), [1, 3], 'the mutationFns began (#2 waits for its scope)');
    assert.equal((await first.evaluate(() => window.outboxKeys())).length, 3);

    const other = await open();
    const leftWhileAlive = await other.evaluate(() => window.resume());
    assert.deepEqual(effects, [], 'another tab never runs the records of a page that is still running them');
    assert.equal(leftWhileAlive.length, 3);

    await first.reload();
    await first.waitForFunction(() => window.ready, null, { timeout: 20_000 });
    await Promise.all([first.evaluate(() => window.resume()), other.evaluate(() => window.resume())]);
    assert.deepEqual([...effects].sort(), [1, 2, 3], `each mutation reached the server exactly once: ${effects}`);
    assert.ok(effects.indexOf(1) < effects.indexOf(2), `scope order: ${effects}`);
    assert.deepEqual(await first.evaluate(() => window.outboxKeys()), [], 'no record left');
    assert.deepEqual(await first.evaluate(() => window.resume()), []);
    assert.deepEqual([...effects].sort(), [1, 2, 3], 'a later resume runs nothing again');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
