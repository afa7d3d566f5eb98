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
// Reports through window.__if(message) (a Playwright binding).
//
// Query string: mode=peer | write | seed | read-write | late-write | count, db=<IndexedDB name>,
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

try {
  if (MODE === 'peer') {
    const s = storage();
    await s.get('warm-up');
    window.client = new SQ.QueryClient({ storage: s }); // alive until the page goes
    window.__if({ type: 'ready' });
  } else if (MODE === 'write') {
    const s = storage();
    await s.get('warm-up'); // its database open, as in a page that has read from it
    // Which way the batches went: in the order tabs agree on (a peer answered) or alone.
    let ordered = 0;
    const inOrder = s.__writeInOrder;
    s.__writeInOrder = (...args) => { ordered++; return inOrder(...args); };
    const client = new SQ.QueryClient({ storage: s });
    window.client = client;
    await sleep(300); // a peer, if there is one, has answered this tab's hello
    client.setQueryData(['warm'], 0); // written in order if it has, alone if not
    await client.flush();
    const met = ordered;
    for (let i = 0; i < N / 2; i++) client.setQueryData(key(i), value(i));
    if (SPLIT >= 0) await sleep(SPLIT); // else one burst, closed in its own task
    for (let i = N / 2; i < N; i++) client.setQueryData(key(i), value(i));
    window.__if({ type: 'act', ordered: met }); // Node closes the page at once
  } else if (MODE === 'seed') {
    const client = new SQ.QueryClient({ storage: storage(), crossTab: false });
    for (let i = 0; i < M; i++) client.setQueryData(['stored', i], { i, text: 'x'.repeat(200) });
    await client.flush();
    if (READ === 'restore') await sleep(1_500); // the packed image folded (a second after the writes)
    client.dispose();
    window.__if({ type: 'seeded' });
  } else if (MODE === 'read-write') {
    const s = storage();
    await s.get('warm-up');
    const client = new SQ.QueryClient({ storage: s, staleTime: Infinity, retry: false });
    window.client = client;
    await sleep(300); // a peer, if there is one, has answered this tab's hello
    const cold = (i) => client.fetchQuery({ queryKey: ['stored', i], queryFn: () => null }).catch(() => {});
    if (READ === 'restore') client.restoreQueries().catch(() => {});
    else for (let i = 0; i < (READ === 'dense' ? M : 20); i++) cold(READ === 'dense' ? i : i * 15);
    if (SPLIT >= 0) await sleep(SPLIT); // the read under way
    for (let i = 0; i < N; i++) client.setQueryData(key(i), value(i));
    window.__if({ type: 'act' }); // Node closes the page at once
  } else if (MODE === 'late-write') {
    const s = storage();
    await s.get('warm-up');
    const client = new SQ.QueryClient({ storage: s });
    window.client = client;
    await sleep(300); // a peer, if there is one, has answered this tab's hello
    const first = SPLIT < 0 ? 0 : N / 2;
    addEventListener('pagehide', () => {
      for (let i = first; i < N; i++) client.setQueryData(key(i), value(i));
    });
    for (let i = 0; i < first; i++) client.setQueryData(key(i), value(i));
    if (SPLIT > 0) await sleep(SPLIT); // their batch in flight
    window.__if({ type: 'act' }); // Node closes the page at once
  } else {
    const client = new SQ.QueryClient({ storage: storage(), staleTime: Infinity, retry: false, crossTab: false });
    const read = (i) => client.fetchQuery({ queryKey: key(i), queryFn: () => { throw new Error('not persisted'); } }).catch(() => null);
    const got = await Promise.all(Array.from({ length: N }, (_, i) => read(i)));
    client.dispose();
    window.__if({ type: 'count', restored: got.filter((d, i) => d?.i === i).length });
  }
} catch (e) {
  window.__if({ type: 'error', error: String(e?.stack || e) });
}
