// The demo page (www/demo/) in headless Chromium against its own server: list → detail
// from the network, back to the list from L1, then a reload answers both views from
// IndexedDB (L2) with no request, and unseen books still come from the network; with
// staleTime 0 a reload shows the L2 data first and then revalidates it over the network.
// Saves a screenshot (path and size printed). Needs pkg/ built (or $STACKQUERY_PKG).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium } from '../support/chromium.mjs';
import { startDemoServer } from '../../www/demo/server.mjs';

const root = resolve(import.meta.dirname, '../..');
const pkgDir = resolve(process.env.STACKQUERY_PKG || join(root, 'pkg'));
const PORT = 38602;
const outDir = resolve(process.env.DEMO_SCREENSHOT_DIR || tmpdir()); // not in the repository

test('demo page: list → detail, L1 on return, reload answered from IndexedDB with 0 requests', { timeout: 60_000 }, async (t) => {
  const demo = await startDemoServer({ port: PORT, delay: 150, pkgDir });
  t.after(() => demo.close());
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  const source = (id) => page.locator(`#${id}`).getAttribute('data-source');
  const sources = (key) => page.locator(`#log tr[data-key='${JSON.stringify(key)}'] td.sources`).getAttribute('data-sources');
  const netCount = async () => Number(await page.locator('#net-count').innerText());
  const until = (what, predicate, arg) => page.waitForFunction(predicate, arg, { timeout: 10_000, polling: 20 })
    .catch((e) => { throw new Error(`${what}: ${e.message.split('\n')[0]}; page errors: ${errors.join('; ')}`); });
  const detailShows = (title) => until(`detail "${title}"`, (t) => document.querySelector('#detail h3')?.textContent === t, title);
  /** Clicks book `id` in the list, waits for its detail, and checks where it came from. */
  const openBook = async (id, title, from) => {
    await page.click(`#list a[data-id="${id}"]`);
    await detailShows(title);
    if (from) assert.equal(await source('detail-source'), from);
  };

  // First visit: everything from the network.
  await page.goto(demo.url);
  await until('the list', () => document.querySelectorAll('#list a').length === 12);
  assert.equal(await source('list-source'), 'network');
  await openBook(3, 'Middlemarch', 'network');
  await openBook(5, 'Great Expectations');
  // Back to book 3: already in memory.
  await openBook(3, 'Middlemarch', 'L1');
  assert.equal(await sources(['items', 3]), 'network L1');
  assert.equal(await netCount(), 3);
  assert.deepEqual({ list: demo.stats.list, item: demo.stats.item }, { list: 1, item: 2 });
  await page.evaluate(() => window.demo.client.flush());

  // Reload on #/items/3: both views from IndexedDB, no request.
  const before = { ...demo.stats };
  await page.reload();
  await detailShows('Middlemarch');
  await until('the list', () => document.querySelectorAll('#list a').length === 12);
  assert.equal(await source('list-source'), 'L2');
  assert.equal(await source('detail-source'), 'L2');
  assert.equal(await sources(['items']), 'L2');
  assert.equal(await sources(['items', 3]), 'L2');
  const shownMs = await page.locator(`#log tr[data-key='["items",3]'] td:nth-child(5)`).innerText();
  await page.waitForTimeout(300); // would a late background fetch show up?
  assert.equal(await netCount(), 0, 'no queryFn call after the reload');
  assert.equal(demo.stats.list + demo.stats.item, before.list + before.item, 'no API request after the reload');
  t.diagnostic(`after reload: both views from L2, 0 requests; book 3 on screen ${shownMs}`);

  // A book seen before the reload comes from L2 too; an unseen one from the network.
  await openBook(5, 'Great Expectations', 'L2');
  await openBook(7, 'Frankenstein', 'network');
  await openBook(3, 'Middlemarch');
  assert.equal(await sources(['items', 3]), 'L2 L1');
  assert.equal(await netCount(), 1);
  assert.equal(demo.stats.item, before.item + 1);

  mkdirSync(outDir, { recursive: true });
  const png = join(outDir, 'stackquery-demo.png');
  await page.screenshot({ path: png, fullPage: true });
  t.diagnostic(`screenshot: ${png} (${statSync(png).size} bytes)`);

  // With staleTime 0 the same reload shows the L2 data at once and revalidates it.
  await page.evaluate(() => window.demo.client.flush());
  await page.goto(`${demo.url}?staleTime=0#/items/3`);
  await until('the list revalidated', () => document.querySelector('#list-source')?.dataset.source === 'network');
  assert.equal(await sources(['items']), 'L2 network');
  await until('book 3 revalidated', () => document.querySelector('#detail-source')?.dataset.source === 'network');
  assert.equal(await sources(['items', 3]), 'L2 network');
  assert.deepEqual(errors, []);
});
