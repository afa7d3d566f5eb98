// The main demo: stackquery's built package in Node, against a small local JSON API.
// Shows a cold fetch, a cache hit, stale-while-revalidate, deduplication and invalidation.
// Run: bash scripts/demo.sh   (builds pkg/ first)
import { createServer } from 'node:http';
import { QueryClient } from '../pkg/nodejs/stackquery.js'; // what `import 'stackquery'` resolves to in Node

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

const client = new QueryClient({ staleTime: 200, gcTime: 60_000 });
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
const stale = await client.fetchQuery(todos);
line('3. stale: old data at once', stale, t0);
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

client.dispose();
server.close();
console.log('demo finished');
