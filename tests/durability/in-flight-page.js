// The browser side of tests/app/unload-in-flight.test.mjs: a tab writes N keys in two bursts,
// the second `split` ms after the first (so while the first burst's batch is being written; a
// negative split: one burst), and asks to be closed at once; a fresh document then counts how many of the N keys it restores.
// Run with another tab of the same database open (mode=peer), the writes go in the order tabs
// agree on (a transaction that reads before it writes); alone, as one committed transaction per
// batch, the first of which makes the store fold its records (a transaction that reads too).
// Reports through window.__if(message) (a Playwright binding).
//
// Query string: mode=peer | write | count, db=<IndexedDB name>, n=<keys, even>, split=<ms, or -1>.
const params = new URLSearchParams(location.search);
const MODE = params.get('mode');
const DB = params.get('db');
const N = Number(params.get('n') || 50);
const SPLIT = Number(params.get('split') || 0);

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
