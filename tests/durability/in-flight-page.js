// The browser side of tests/app/unload-in-flight.test.mjs: a tab writes N keys and asks to be
// closed at once; a fresh document then counts how many of the N keys it restores.
// - mode=write: the N keys in two bursts, the second `split` ms after the first (so while the
//   first burst's batch is being written; a negative split: one burst). Run with another tab of
//   the same database open (mode=peer), the writes go in the order tabs agree on (a transaction
//   that reads before it writes); alone, as one committed transaction per batch, the first of
//   which makes the store fold its records (a transaction that reads too).
// - mode=seed, then mode=read-write: the store holds M entries; the tab starts reading them
//   (`read`: dense, M cold keys at once, one batched read that counts before it reads; sparse,
//   20 cold keys spread over them, one batched read of 20 gets; restore, `restoreQueries()` of
//   the namespace's packed image), writes the N keys `split` ms later (a negative split: in the
//   same task) and asks to be closed; alone, or with a tab of mode=peer open.
// - mode=late-write: the tab writes the first N/2 keys, and `split` ms later asks to be closed;
//   the other N/2 are written by a `pagehide` listener of the page's own, which runs after
//   stackquery's (a negative split: all N written there); alone or with a peer.
// - mode=seed, then mode=late-clear: a log-out as the tab closes: its own `pagehide` listener
//   calls `clear()` and then writes the N keys; `count` also reports how many of the M stored
//   entries are left.
// The writing modes report `ordered`: batches written in the order tabs agree on before the
// writes measured (with a peer, the tabs had met).
// Reports through window.__if(message) (a Playwright binding).
//
// Query string: mode=peer | write | seed | read-write | late-write | late-clear | count, db=<IndexedDB name>,
// n=<keys, even>, split=<ms, or -1>, read=dense | sparse | restore.
const params = new URLSearchParams(location.search);
const MODE = params.get('mode');
const DB = params.get('db');
const N = Number(params.get('n') || 50);
const SPLIT = Number(params.get('split') || 0);
const READ = params.get('read');
const M = 300;

const SQ = await import('/__if/pkg/stackquery.js');
await SQ.default();
const storage = () => new SQ.IndexedDbStorage({ dbName: DB, storeName: 'queries' });
const key = (i) => ['item', i];
const value = (i) => ({ i, title: `item number ${i}` });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A client on a storage whose database is open (as in a page that has read from it), 300 ms
 * after it said hello (a peer, if there is one, has answered), and one write made through it:
 * in order if a peer answered, alone if not. `met()`: batches written in order so far.
 */
async function writer() {
  const s = storage();
  await s.get('warm-up');
  let ordered = 0;
  const inOrder = s.__writeInOrder;
  s.__writeInOrder = (...args) => {
    ordered++;
    return inOrder(...args);
  };
  const client = new SQ.QueryClient({ storage: s, staleTime: Infinity, retry: false });
  window.client = client;
  await sleep(300);
  client.setQueryData(['warm'], 0);
  await client.flush();
  const met = ordered;
  return [client, met];
}

/** How many of the M seeded entries IndexedDB still holds. */
async function seededLeft() {
  const req = (r) => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
  const db = await req(indexedDB.open(DB));
  try {
    const keys = await req(db.transaction('queries').objectStore('queries').getAllKeys());
    return keys.filter((k) => typeof k === 'string' && k.startsWith('stackquery:["stored"')).length;
  } finally {
    db.close();
  }
}

/** Whether the namespace's packed image (indexeddb_image.js) has been written. */
async function imageWritten() {
  const req = (r) => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
  const db = await req(indexedDB.open(DB));
  try {
    return (await req(db.transaction('queries').objectStore('queries').get(['image', 'stackquery:']))) !== undefined;
  } finally {
    db.close();
  }
}

try {
  if (MODE === 'peer') {
    const s = storage();
    await s.get('warm-up');
    window.client = new SQ.QueryClient({ storage: s }); // alive until the page goes
    window.__if({ type: 'ready' });
  } else if (MODE === 'write') {
    const [client, ordered] = await writer();
    for (let i = 0; i < N / 2; i++) client.setQueryData(key(i), value(i));
    if (SPLIT >= 0) await sleep(SPLIT); // else one burst, closed in its own task
    for (let i = N / 2; i < N; i++) client.setQueryData(key(i), value(i));
    window.__if({ type: 'act', ordered }); // Node closes the page at once
  } else if (MODE === 'seed') {
    const client = new SQ.QueryClient({ storage: storage(), crossTab: false });
    for (let i = 0; i < M; i++) client.setQueryData(['stored', i], { i, text: 'x'.repeat(200) });
    await client.flush();
    // The packed image, folded a second after the writes, for a restore to read.
    for (let waited = 0; READ === 'restore' && !(await imageWritten()); waited += 100) {
      if (waited > 10_000) throw new Error('the packed image was not written within 10 s');
      await sleep(100);
    }
    client.dispose();
    window.__if({ type: 'seeded' });
  } else if (MODE === 'read-write') {
    const [client, ordered] = await writer();
    const cold = (i) => client.fetchQuery({ queryKey: ['stored', i], queryFn: () => null }).catch(() => {});
    if (READ === 'restore') client.restoreQueries().catch(() => {});
    else for (let i = 0; i < (READ === 'dense' ? M : 20); i++) cold(READ === 'dense' ? i : i * 15);
    if (SPLIT >= 0) await sleep(SPLIT); // the read under way
    for (let i = 0; i < N; i++) client.setQueryData(key(i), value(i));
    window.__if({ type: 'act', ordered }); // Node closes the page at once
  } else if (MODE === 'late-write') {
    const [client, ordered] = await writer();
    const first = SPLIT < 0 ? 0 : N / 2;
    addEventListener('pagehide', () => {
      for (let i = first; i < N; i++) client.setQueryData(key(i), value(i));
    });
    for (let i = 0; i < first; i++) client.setQueryData(key(i), value(i));
    if (SPLIT > 0) await sleep(SPLIT); // their batch in flight
    window.__if({ type: 'act', ordered }); // Node closes the page at once
  } else if (MODE === 'late-clear') {
    const [client, ordered] = await writer();
    addEventListener('pagehide', () => {
      client.clear().catch(() => {});
      for (let i = 0; i < N; i++) client.setQueryData(key(i), value(i));
    });
    window.__if({ type: 'act', ordered }); // Node closes the page at once
  } else {
    const client = new SQ.QueryClient({ storage: storage(), staleTime: Infinity, retry: false, crossTab: false });
    const read = (i) => client.fetchQuery({ queryKey: key(i), queryFn: () => { throw new Error('not persisted'); } }).catch(() => null);
    const got = await Promise.all(Array.from({ length: N }, (_, i) => read(i)));
    client.dispose();
    window.__if({ type: 'count', restored: got.filter((d, i) => d?.i === i).length, left: await seededLeft() });
  }
} catch (e) {
  window.__if({ type: 'error', error: String(e?.stack || e) });
}
