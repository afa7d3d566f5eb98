// Two pages in one browser context (two tabs of one origin, sharing IndexedDB), each
// with its own stackquery client: a change in one reaches the other's screen through
// BroadcastChannel, and nothing is sent back. Real Chromium, real IndexedDB, the built
// package (pkg/web). Run by scripts/test.sh after scripts/build-package.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { launchChromium, serveFiles } from '../support/chromium.mjs';

const root = resolve(import.meta.dirname, '../..');

test('a change in one tab reaches the other tab without echoes', { timeout: 60_000 }, async () => {
  const { server, base } = await serveFiles(root);
  const url = `${base}/tests/pages/cross-tab.html`;
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const open = async (name) => {
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${url}?tab=${name}`);
      await page.waitForFunction(() => window.ready, null, { timeout: 20_000 });
      // Each tab shows something: a fetch, or what the other tab left in IndexedDB.
      await page.waitForFunction(() => !document.getElementById('greeting').textContent.startsWith('('), null, { timeout: 10_000 });
      return { page, errors };
    };
    const one = await open('one');
    await one.page.evaluate(() => window.client.flush());
    const two = await open('two');
    const heardBefore = await one.page.evaluate(() => window.heard.length);

    await one.page.evaluate(() => window.client.setQueryData(['greeting'], { text: 'hello from tab one' }));
    await two.page.waitForFunction(() => document.getElementById('greeting').textContent === 'hello from tab one',
      null, { timeout: 5_000 });

    await two.page.evaluate(() => window.client.setQueryData(['greeting'], { text: 'tab two answers' }));
    await one.page.waitForFunction(() => document.getElementById('greeting').textContent === 'tab two answers',
      null, { timeout: 5_000 });

    await one.page.evaluate(() => window.client.invalidateQueries({ queryKey: ['greeting'] }));
    await two.page.waitForFunction(() => document.getElementById('greeting').textContent === 'network one',
      null, { timeout: 5_000 });
    await new Promise((r) => setTimeout(r, 300)); // any echo would have arrived by now
    const heard = await one.page.evaluate(() => window.heard);
    const sent = heard.slice(heardBefore);
    // Tab one: set, invalidate, refetch result (3 messages); tab two: its set (1). An
    // echo of any of them would add more.
    assert.deepEqual(sent.sort(), ['put', 'put', 'put', 'put'], `messages on the channel: ${sent}`);
    assert.equal(await two.page.evaluate(() => window.networkCalls), 0,
      'tab two never fetched: it read what tab one stored, and the refetch result came from tab one');
    assert.deepEqual([...one.errors, ...two.errors], []);
  } finally {
    await browser.close();
    server.close();
  }
});
