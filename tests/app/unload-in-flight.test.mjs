// Closing a tab while IndexedDB is busy keeps what the tab wrote last (real headless Chromium,
// no flush()). IndexedDB starts a store's write only after the transactions made before it,
// and two kinds may never finish once the page goes:
// - a batch in flight: with another tab open it reads before it writes (the order tabs agree
//   on), and a lone tab's first batch is followed by a transaction that folds its records and
//   reads too. So on pagehide the client aborts what waits for reads and writes the batch in
//   flight and what is queued in one committed transaction of its own. Before that was wired
//   up, 25 of 50 keys were lost in 4 to 7 of 12 rounds, alone and with a peer.
// - a read under way (cold keys read in one batch, a bulk restore): a readonly transaction
//   waits for the page to take its answers. So on pagehide the storage aborts its reads and
//   makes them again behind the write. Before, all 50 writes were lost in 7 of 24 rounds with
//   a dense batch of cold reads, 3 of 16 with a sparse one and 7 of 16 with a restore; with
//   another tab open, in 8 of 12 with a dense batch.
// - writes made in a `pagehide` listener that runs after stackquery's: until the next task
//   (which a closing page never runs) the client writes as a closing page does, without the
//   order's reads and at once. Before, with another tab open, all 50 were lost in 2 of 3
//   rounds, and 25 of 50 in 4 of 8 when the first half was being written (alone: 2 of 8).
// - a log-out in such a listener: `clear()`, then writes. The clear and the writes go in one
//   committed transaction.
// Page: tests/durability/in-flight-page.js. Needs pkg/ built; about two minutes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { launchChromium, serveFiles } from '../support/chromium.mjs';

const root = resolve(import.meta.dirname, '../..');
const pkgDir = resolve(process.env.STACKQUERY_PKG || join(root, 'pkg'));
const N = 50;

let browser, server, base, context;
const inbox = new Map(); // `${db}|${type}` → { promise, ok }
const slot = (db, type) => {
  const id = `${db}|${type}`;
  if (!inbox.has(id)) {
    let ok;
    const promise = new Promise((resolve) => { ok = resolve; });
    inbox.set(id, { promise, ok });
  }
  return inbox.get(id);
};
const within = (promise, ms, what) => Promise.race([promise, new Promise((_, fail) => setTimeout(() => fail(new Error(`${what}: no answer in ${ms} ms`)), ms).unref())]);

before(async () => {
  ({ server, base } = await serveFiles(root, { mounts: { '/__if/pkg/': join(pkgDir, 'web') } }));
  server.unref();
  browser = await launchChromium();
  context = await browser.newContext();
  await context.exposeBinding('__if', ({ page }, message) => {
    const db = new URL(page.url()).searchParams.get('db');
    if (message.type === 'act') page.close().catch(() => {}); // at once, before anything else
    if (message.type === 'error') {
      for (const type of ['ready', 'seeded', 'act', 'count']) slot(db, type).ok(message);
      return;
    }
    slot(db, message.type).ok(message);
  });
});
after(async () => {
  await browser?.close();
  server?.close();
});

/**
 * Keys kept after one close: the page of mode `mode` (in-flight-page.js) writes and is closed,
 * with another tab of its database open (`peer`) or not; `seed`: the database first holds the
 * entries the page reads. Returns the keys kept and how many seeded entries are left.
 */
async function keptAfterClose({ db, mode, peer, seed = false, ...params }) {
  const url = (m) => `${base}/tests/durability/in-flight.html?${new URLSearchParams({ mode: m, db, n: N, ...params })}`;
  const answer = async (type, what) => {
    const message = await within(slot(db, type).promise, 20_000, `${db} ${what}`);
    assert.equal(message.error, undefined, message.error);
    return message;
  };
  if (seed) {
    const seeder = await context.newPage();
    await seeder.goto(url('seed'));
    await answer('seeded', 'seeding');
    await seeder.close();
  }
  let other;
  if (peer) {
    other = await context.newPage();
    await other.goto(url('peer'));
    await answer('ready', 'peer');
  }
  const writer = await context.newPage();
  const closed = new Promise((ok) => writer.once('close', ok));
  await writer.goto(url(mode));
  const act = await answer('act', 'writing');
  // With a peer a write before those measured went in order (the tabs had met); alone, it did not.
  if (peer) assert.ok(act.ordered > 0, `${db}: no batch was written in order with a peer tab open`);
  else assert.equal(act.ordered, 0, `${db}: a lone tab wrote in order`);
  await within(closed, 10_000, `${db} closing`);
  await other?.close();
  const counter = await context.newPage();
  await counter.goto(url('count'));
  const { restored, left } = await answer('count', 'counting');
  await counter.close();
  return [restored, left];
}

/** Runs `once(split, round)` for each split, `rounds` times; fails listing every close that lost keys. */
async function everyCloseKeepsAll(rounds, splits, label, once) {
  const kept = [];
  for (let round = 0; round < rounds; round++) for (const split of splits) kept.push(`${label(split)}: ${await once(split, round)}`);
  assert.deepEqual(kept.filter((k) => !k.endsWith(`: ${N}`)), [], `keys kept of ${N}: ${kept.join(', ')}`);
}

const side = (peer) => (peer ? 'another tab open' : 'alone');

for (const [read, peer] of [['dense', false], ['sparse', false], ['restore', false], ['dense', true]]) {
  test(`a tab closed while it reads from IndexedDB keeps what it wrote (${read} read, ${side(peer)})`, () =>
    // ms from the start of the read to the writes; -1: in the same task
    everyCloseKeepsAll(3, [-1, 0, 2, 5], (split) => (split < 0 ? 'same task' : `${split} ms after the read`), async (split, round) => {
      const db = `ir-${read}-${peer ? 'peer' : 'alone'}-${split}-${round}`;
      return (await keptAfterClose({ db, mode: 'read-write', peer, seed: true, split, read }))[0];
    }));
}

for (const peer of [false, true]) {
  test(`writes made in a later pagehide listener are kept (${side(peer)})`, () =>
    // -1: all N written in the listener; else half, `split` ms before the close
    everyCloseKeepsAll(3, [-1, 0, 2], (split) => (split < 0 ? 'all in the listener' : `half ${split} ms before`), async (split, round) => {
      const db = `lp-${peer ? 'peer' : 'alone'}-${split}-${round}`;
      return (await keptAfterClose({ db, mode: 'late-write', peer, split }))[0];
    }));
}

for (const peer of [false, true]) {
  test(`a tab closed while a batch is in flight keeps what was written behind it (${side(peer)})`, () =>
    // ms between the two bursts (the first burst's batch is in flight); -1: one burst, the page
    // closed in its task (with a peer, the batch it would issue reads first)
    everyCloseKeepsAll(4, [-1, 0, 2, 5], (split) => (split < 0 ? 'one burst' : `${split} ms between the bursts`), async (split, round) => {
      const db = `if-${peer ? 'peer' : 'alone'}-${split}-${round}`;
      return (await keptAfterClose({ db, mode: 'write', peer, split }))[0];
    }));
}

for (const peer of [false, true]) {
  test(`a log-out in a pagehide listener clears storage and keeps what is written after it (${side(peer)})`, () =>
    everyCloseKeepsAll(4, [0], () => 'kept', async (_, round) => {
      const db = `lc-${peer ? 'peer' : 'alone'}-${round}`;
      const [restored, left] = await keptAfterClose({ db, mode: 'late-clear', peer, seed: true });
      assert.equal(left, 0, `${db}: ${left} of the entries stored before the clear are left`);
      return restored;
    }));
}
