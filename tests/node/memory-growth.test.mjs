// The engine's wasm memory grows in large steps (src/bindings/heap_growth.rs). Under Node 20
// each `memory.grow` sets the host to work (a new ArrayBuffer, collections of the JS heap as
// the external memory it counts rises), and more so the larger the memory: grown a page or
// two at a time, a process whose engine memory was past 60–80 MB took 78–92 µs to make and
// subscribe an observer, against 26–43 µs grown by an eighth. On that build this test saw
// 210 grows for 19.4 MiB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient, QueryObserver, memoryStats } from '../../pkg/nodejs/stackquery.js';

const MiB = 2 ** 20;

test('20,000 queries with an observer each grow wasm memory a few dozen times, by at least 1 MiB each, and it holds little more than the heap needs', (t) => {
  const client = new QueryClient({ maxEntries: 100_000, staleTime: Infinity });
  const grows = [];
  let size = memoryStats().memoryBytes;
  const seen = () => {
    const now = memoryStats().memoryBytes;
    if (now !== size) grows.push({ from: size, by: now - size });
    size = now;
  };
  const start = size;
  const unsubscribes = [];
  for (let i = 0; i < 20_000; i++) {
    client.setQueryData(['user', i, { include: 'posts' }], { id: i, name: `user ${i}`, tags: ['a', 'b'] });
    const observer = new QueryObserver(client, { queryKey: ['user', i, { include: 'posts' }], queryFn: () => null });
    unsubscribes.push(observer.subscribe(() => {}));
    // Looked at every 25 rows (about 25 KB of the engine's memory: a grow of a page or two
    // shows, and two such grows seldom fall in one look). Not every row: Node 20's V8 crashes
    // (a fatal error in its deoptimizer, about 4 runs in 10) when `memoryStats()` is called
    // from optimized code in a loop that grows the memory; every 25 rows it is never hot.
    if (i % 25 === 24) seen();
  }
  seen();
  assert.equal(client.getQueryData(['user', 19_999, { include: 'posts' }]).id, 19_999);
  const grown = size - start;
  t.diagnostic(`${grows.length} grows, ${(start / MiB).toFixed(1)} → ${(size / MiB).toFixed(1)} MiB`);
  assert.ok(grown >= 4 * MiB, `the cache needed memory: grown by ${(grown / MiB).toFixed(1)} MiB`);
  assert.ok(grows.length <= 40, `${grows.length} grows for ${(grown / MiB).toFixed(1)} MiB (a page or two at a time would be hundreds)`);
  for (const { from, by } of grows) assert.ok(by >= MiB, `a grow of ${by} B at ${from} B: at least 1 MiB each`);
  // Grown an eighth at a time, the memory holds at most about an eighth more than the heap
  // (dlmalloc's own overhead and the 1 MiB stack aside); measured: 24.0 MB for a 19.2 MB heap,
  // 21.5 MB when it grew by the pages each allocation lacked.
  const { heapBytes } = memoryStats();
  assert.ok(size <= heapBytes * 1.3 + 2 * MiB, `${(size / MiB).toFixed(1)} MiB of memory for a heap of ${(heapBytes / MiB).toFixed(1)} MiB`);
  for (const unsubscribe of unsubscribes) unsubscribe();
  client.clear();
});
