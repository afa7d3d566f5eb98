// The main demo: stackquery's built package in Node, against a small local JSON API.
// Shows a cold fetch, a cache hit, stale-while-revalidate, deduplication and invalidation.
// Run: bash scripts/demo.sh   (builds pkg/ first)
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile, unlink, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryClient } from '../pkg/nodejs/stackquery.js'; // what `import 'stackquery'` resolves to in Node

// L2 on disk: the storage protocol over files (one file per entry), as README shows.
const dir = mkdtempSync(join(tmpdir(), 'stackquery-demo-'));
const file = (key) => join(dir, encodeURIComponent(key));
const diskStorage = {
  get: (key) => readFile(file(key), 'utf8').catch(() => null),
  set: (key, value) => writeFile(file(key), value),
  delete: (key) => unlink(file(key)).catch(() => {}),
  keys: async (prefix) => (await readdir(dir)).map(decodeURIComponent).filter((k) => k.startsWith(prefix)),
};

// A local API whose answers change, so refetches are visible.
let hits = 0;
const server = createServer((req, res) => {
  hits += 1;
  setTimeout(() => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: req.url, servedAt: new Date().toISOString(), hit: hits }));
  }, 30);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const client = new QueryClient({ staleTime: 200, gcTime: 60_000, storage: diskStorage });
const todos = {
  queryKey: ['todos', { done: false }],
  queryFn: ({ signal }) => fetch(`${base}/todos`, { signal }).then((r) => r.json()),
};
const ms = (t0) => `${(performance.now() - t0).toFixed(2)} ms`;
const line = (label, data, t0) => console.log(`${label.padEnd(34)} hit=${data.hit}  network hits so far: ${hits}  (${ms(t0)})`);

let t0 = performance.now();
const first = await client.fetchQuery(todos);
line('1. cold fetch (network)', first, t0);

t0 = performance.now();
const second = await client.fetchQuery(todos);
line('2. fetch again (L1 cache hit)', second, t0);
console.log(`   same object returned: ${first === second}`);

await new Promise((r) => setTimeout(r, 250)); // staleTime 200 ms passes
t0 = performance.now();
const stale = await client.ensureQueryData({ ...todos, revalidateIfStale: true });
line('3. stale: old data at once', stale, t0);
console.log('   (ensureQueryData with revalidateIfStale: stale-while-revalidate)');
console.log(`   fetchStatus right after: ${client.getQueryState(todos.queryKey).fetchStatus} (background refetch)`);
await new Promise((r) => setTimeout(r, 100));
line('   ...then the cache holds', client.getQueryData(todos.queryKey), t0);

t0 = performance.now();
const many = await Promise.all(Array.from({ length: 10 }, (_, i) =>
  client.fetchQuery({ queryKey: ['user', 7], queryFn: todos.queryFn, staleTime: 0 })));
console.log(`4. 10 concurrent fetches of ['user', 7]: ${new Set(many).size} result object, network hits so far: ${hits} (${ms(t0)})`);

await client.invalidateQueries({ queryKey: ['todos'] });
console.log(`5. invalidateQueries(['todos']): isInvalidated=${client.getQueryState(todos.queryKey).isInvalidated}`);

try {
  client.fetchQuery({ queryKey: 'todos', queryFn: todos.queryFn });
} catch (e) {
  console.log(`6. misuse: ${e.constructor.name}: ${e.message}`);
}

await client.flush();
client.dispose();
console.log(`7. flushed to disk: ${(await readdir(dir)).length} entries in ${dir}`);

// A "restart": a new client, empty L1, the same disk.
const restarted = new QueryClient({ staleTime: 60_000, storage: diskStorage });
let before = hits;
t0 = performance.now();
const user = await restarted.fetchQuery({ queryKey: ['user', 7], queryFn: todos.queryFn });
line("8. restart: ['user', 7] from disk", user, t0);
console.log(`   network calls for it: ${hits - before} (fresh in L2, so no request)`);
before = hits;
t0 = performance.now();
const invalidated = await restarted.fetchQuery(todos);
line("9. restart: ['todos'] from disk", invalidated, t0);
await new Promise((r) => setTimeout(r, 100));
console.log(`   it was invalidated before the restart, so it was refetched too: ${hits - before} request, now hit=${restarted.getQueryData(todos.queryKey).hit}`);
restarted.dispose();
server.close();
rmSync(dir, { recursive: true, force: true });
console.log('demo finished');
