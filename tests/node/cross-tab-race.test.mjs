// Two tabs on one IndexedDB acting at the same instant: both spin until an agreed
// Date.now() value and then write, remove or clear, so that many acts fall in one
// millisecond and their transactions and messages cross. After both flush, every tab
// must show what the store holds (within a bounded wait for the last messages), a
// removed key must not come back, and a log-out must not leave behind what was written
// before it. Real Chromium, real IndexedDB, the built package (pkg/web); run by
// scripts/test.sh after scripts/build-package.sh.
// Before the cross-tab order (core::persist::order), the three race tests failed in 6–10
// of 24, 11–13 of 32 and 3–5 of 8 rounds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { launchChromium, serveFiles } from '../support/chromium.mjs';

const root = resolve(import.meta.dirname, '../..');
/** How long the tabs may take to agree once both have flushed. */
const SETTLE_MS = 500;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

let browser;
let server;
let base;
before(async () => {
  ({ server, base } = await serveFiles(root));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  server?.close();
});

/** Two pages of one origin in one context (so one IndexedDB), each with its client. */
async function twoTabs(db) {
  const context = await browser.newContext();
  const errors = [];
  const open = async (tab) => {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(`${tab}: ${e}`));
    await page.goto(`${base}/tests/pages/cross-tab-race.html?tab=${tab}&db=${db}`);
    await page.waitForFunction(() => window.ready, null, { timeout: 20_000 });
    return page;
  };
  const A = await open('A');
  const B = await open('B');
  return { A, B, errors, close: () => context.close() };
}

const flush = (page) => page.evaluate(() => window.client.flush());
const stored = (page, key) => page.evaluate((k) => window.stored(k), key);
const shown = (page, key) => page.evaluate((k) => window.shown(k), key);

/** Both tabs hold `key` with the same data, A's read of it written through to the store. */
async function holdInBoth({ A, B }, key) {
  await A.evaluate((k) => window.hold(k, 'seed'), key);
  await flush(A);
  await B.evaluate((k) => window.hold(k, 'seed'), key);
}

/**
 * Polls until `agree(storedEnvelope, [shownByA, shownByB])` holds, for at most
 * SETTLE_MS. Returns the last observation and whether they agreed.
 */
async function settle({ A, B }, key, agree) {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const disk = await stored(A, key);
    const tabs = [await shown(A, key), await shown(B, key)];
    if (agree(disk, tabs)) return { ok: true, disk, tabs };
    if (Date.now() > deadline) return { ok: false, disk: disk && disk.data, tabs };
    await sleep(20);
  }
}

test('concurrent writes of one key in two tabs: both tabs show what IndexedDB holds', { timeout: 60_000 }, async () => {
  const tabs = await twoTabs('race-writes');
  const { A, B } = tabs;
  const ROUNDS = 24;
  const diverged = [];
  let sameMs = 0;
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const key = ['w', i];
      await holdInBoth(tabs, key);
      const t0 = Date.now() + 40;
      const [atA, atB] = await Promise.all([
        A.evaluate(([t, k, v]) => window.setAt(t, k, v), [t0, key, `A ${i}`]),
        B.evaluate(([t, k, v]) => window.setAt(t, k, v), [t0, key, `B ${i}`]),
      ]);
      if (atA === atB) sameMs += 1;
      await Promise.all([flush(A), flush(B)]);
      // Exactly what the store holds, in both tabs.
      const r = await settle(tabs, key, (disk, shownBy) => disk !== null && shownBy.every((v) => same(v, disk.data)));
      if (!r.ok) diverged.push({ round: i, sameMs: atA === atB, disk: r.disk, A: r.tabs[0], B: r.tabs[1] });
    }
    console.log(`concurrent writes: ${ROUNDS} rounds, ${sameMs} with both writes in one millisecond, ${diverged.length} diverged`);
    assert.deepEqual(diverged, [], 'rounds where a tab does not show what IndexedDB holds');
    assert.deepEqual(tabs.errors, []);
  } finally {
    await tabs.close();
  }
});

test('a remove racing a write: no tab shows data that is on no disk, and the removed data never comes back', { timeout: 60_000 }, async () => {
  // Two kinds of round, alternating: both tabs act at the same instant; or the writer
  // writes the key again as soon as it hears of the removal, while the remover's own
  // transaction is still queued behind a batch of other writes. Roles swap every two.
  const tabs = await twoTabs('race-remove');
  const ROUNDS = 32;
  const bad = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const key = ['r', i];
      const onHearing = i % 2 === 1;
      const [remover, writer] = Math.floor(i / 2) % 2 ? [tabs.B, tabs.A] : [tabs.A, tabs.B];
      await holdInBoth(tabs, key);
      const t0 = Date.now() + 40;
      const [removedAt] = await Promise.all([
        remover.evaluate(([t, k]) => window.removeAt(t, k), [t0, key]),
        onHearing
          ? writer.evaluate(([k, v]) => window.setWhenGone(k, v), [key, `written ${i}`])
          : writer.evaluate(([t, k, v]) => window.setAt(t, k, v), [t0, key, `written ${i}`]),
        onHearing && remover.evaluate((t) => window.fillAt(t, 200), t0 - 3),
      ]);
      await Promise.all([flush(tabs.A), flush(tabs.B)]);
      const kind = onHearing ? 'write on hearing' : 'same instant';
      // Each tab shows what the store holds, or nothing; 'seed' (older than the removal) is nowhere.
      const r = await settle(tabs, key, (disk, shownBy) =>
        shownBy.every((v) => v === undefined || (disk !== null && same(v, disk.data))) &&
        (disk === null || disk.data !== 'seed'));
      if (!r.ok) bad.push({ round: i, kind, disk: r.disk, A: r.tabs[0], B: r.tabs[1] });
      // What the store keeps is never older than the removal.
      const disk = await stored(tabs.A, key);
      if (disk && disk.updatedAt < removedAt) bad.push({ round: i, kind, olderThanRemoval: disk.data });
      // A use of the key in the remover reads the store: what it holds, never the removed data.
      const used = await remover.evaluate((k) => window.client.fetchQuery({ queryKey: k, queryFn: async () => 'network' }), key);
      if (!same(used, disk ? disk.data : 'network')) bad.push({ round: i, kind, afterUse: used, disk: disk && disk.data });
    }
    console.log(`remove racing a write: ${ROUNDS} rounds, ${bad.length} bad`);
    assert.deepEqual(bad, [], 'rounds where a tab showed data on no disk, or removed data came back');
    assert.deepEqual(tabs.errors, []);
  } finally {
    await tabs.close();
  }
});

test('clear() in one tab racing writes in the other: nothing written before it remains, what is written after it lands', { timeout: 60_000 }, async () => {
  // "Before the clear" = a dataUpdatedAt (the instant of the write, stored in the
  // envelope) earlier than Date.now() read in tab A right before it calls clear(); both
  // tabs share one clock. Each round: tab B writes new keys, each in a task of its own,
  // from 6 ms before to 6 ms after that instant; tab A, its writer busy with a batch of other
  // writes, calls clear() and writes a key at once (a log-in after the log-out); tab B
  // writes a key as soon as it hears of the clear. Those two are written after it.
  const tabs = await twoTabs('race-clear');
  const { A, B } = tabs;
  const ROUNDS = 8;
  const bad = [];
  let writes = 0;
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const head = `c${i}`;
      const afterA = ['after', 'A', i];
      const afterB = ['after', 'B', i];
      await B.evaluate(() => window.client.setQueryData(['sentinel'], 'B holds it until it hears of the clear'));
      const t0 = Date.now() + 40;
      const [clearedAt, n] = await Promise.all([
        A.evaluate(([t, k, v]) => window.clearAt(t, k, v), [t0, afterA, `A after ${i}`]),
        B.evaluate(([from, to, h]) => window.writeMany(from, to, h), [t0 - 6, t0 + 6, head]),
        B.evaluate(([k, v]) => window.setWhenGone(k, v, ['sentinel']), [afterB, `B after ${i}`]),
        A.evaluate((t) => window.fillAt(t, 200), t0 - 3),
      ]);
      writes += n;
      // A's clear() has resolved; B flushes what it had under way.
      await flush(B);
      await flush(A);
      const left = Object.entries(await A.evaluate(() => window.disk()))
        .filter(([, e]) => e.updatedAt < clearedAt)
        .map(([k, e]) => `${k} (${e.updatedAt - clearedAt} ms)`);
      if (left.length) bad.push({ round: i, onDiskFromBefore: left });
      // What was written after the clear is on the store, and shown as stored.
      for (const [key, value] of [[afterA, `A after ${i}`], [afterB, `B after ${i}`]]) {
        const r = await settle(tabs, key, (disk, shownBy) =>
          disk !== null && disk.data === value && shownBy.every((v) => v === undefined || v === value));
        if (!r.ok) bad.push({ round: i, key: JSON.stringify(key), disk: r.disk, A: r.tabs[0], B: r.tabs[1] });
      }
      // Neither tab shows anything from before the clear (its message is in by now).
      const shownBefore = [];
      for (const page of [A, B]) {
        for (const [k, at] of await page.evaluate((h) => window.shownUnder(h), head)) {
          if (at < clearedAt) shownBefore.push(`${JSON.stringify(k)} in ${await page.evaluate(() => window.tab)}`);
        }
      }
      if (shownBefore.length) bad.push({ round: i, shownFromBefore: shownBefore });
    }
    console.log(`clear racing writes: ${ROUNDS} rounds, ${writes} writes around the clears, ${bad.length} bad`);
    assert.deepEqual(bad, [], 'rounds that left data from before the clear, or lost data written after it');
    assert.deepEqual(tabs.errors, []);
  } finally {
    await tabs.close();
  }
});

test('tombstones: a removal leaves one beside the namespace, not in it; one older than a day is swept', { timeout: 30_000 }, async () => {
  const tabs = await twoTabs('tombstones');
  const { A } = tabs;
  try {
    const tomb = (key) => ['removed', `race:${JSON.stringify(key)}`];
    await A.evaluate(async () => {
      window.client.setQueryData(['t', 1], 'x');
      await window.client.flush();
      window.client.removeQueries({ queryKey: ['t', 1] });
      await window.client.flush();
    });
    const left = await A.evaluate((k) => window.rawGet(k), tomb(['t', 1]));
    assert.ok(Array.isArray(left) && left.length === 2 && left[0] <= Date.now(), `a tombstone [at, rev]: ${JSON.stringify(left)}`);
    assert.deepEqual(Object.keys(await A.evaluate(() => window.disk())), [], 'the entry is gone and no string key is left');
    const keys = await A.evaluate(async () => {
      const { IndexedDbStorage } = await import('/pkg/web/stackquery.js');
      return new IndexedDbStorage({ dbName: 'tombstones' }).keys('race:');
    });
    assert.deepEqual(keys, [], 'the storage lists no key of the namespace');
    // Tombstones planted a day and an hour ago; the next session's first write sweeps the first.
    const day = 86_400_000;
    await A.evaluate(([old, recent, d]) => Promise.all([
      window.rawPut(old, [Date.now() - d - 60_000, 5]),
      window.rawPut(recent, [Date.now() - 3_600_000, 5]),
    ]), [tomb(['old']), tomb(['recent']), day]);
    await A.reload();
    await A.waitForFunction(() => window.ready);
    await A.evaluate(async () => {
      window.client.setQueryData(['t', 2], 'y');
      await window.client.flush();
    });
    assert.equal(await A.evaluate((k) => window.rawGet(k), tomb(['old'])), undefined, 'a day-old tombstone is swept');
    assert.ok(await A.evaluate((k) => window.rawGet(k), tomb(['recent'])), 'an hour-old one is kept');
    assert.ok(await A.evaluate((k) => window.rawGet(k), tomb(['t', 1])), 'and so is a fresh one');
    assert.deepEqual(tabs.errors, []);
  } finally {
    await tabs.close();
  }
});
