// Cost of the remote store (real Redis behind the Upstash REST protocol, on loopback),
// from Node through the built package: one L2 round trip (median of 100 gets) and a
// 100-key write (100 setQueryData + flush(): one pipeline request), against a plain
// fetch of the same GET as the floor. Run: node www/bench/remote.mjs (needs pkg/ built).
import { QueryClient, RemoteStorage } from '../../pkg/nodejs/stackquery.js';
import { startRemoteStore } from '../../tests/servers/remote-store.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const store = await startRemoteStore();
try {
  const storage = new RemoteStorage({ url: store.url, token: store.token });
  await storage.set('bench:key', JSON.stringify({ hello: 'world', n: [1, 2, 3] }));
  const gets = [], raw = [], writes = [];
  for (let i = 0; i < 100; i++) {
    let t0 = performance.now();
    await storage.get('bench:key');
    gets.push(performance.now() - t0);
    t0 = performance.now();
    const r = await fetch(store.url, { method: 'POST', headers: { Authorization: `Bearer ${store.token}` }, body: '["GET","bench:key"]' });
    await r.json();
    raw.push(performance.now() - t0);
  }
  for (let round = 0; round < 20; round++) {
    const client = new QueryClient({ storage, keyPrefix: `bench${round}` });
    store.resetStats();
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) client.setQueryData(['row', i], { i, title: `row ${i}` });
    await client.flush();
    writes.push(performance.now() - t0);
    if (store.stats.requests['/pipeline'] !== 1) throw new Error(`expected one pipeline request, got ${JSON.stringify(store.stats.requests)}`);
    client.dispose();
  }
  console.log(JSON.stringify({
    remote_get_median_ms: +median(gets).toFixed(3),
    plain_fetch_get_median_ms: +median(raw).toFixed(3),
    write_100_keys_pipeline_median_ms: +median(writes).toFixed(3),
    pipeline_requests_per_100_keys: 1,
  }, null, 2));
} finally {
  await store.close();
}
