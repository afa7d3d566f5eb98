// The engine's wasm memory grows in large steps (src/bindings/heap_growth.rs). Under Node 20
// each `memory.grow` sets the host to work (a new ArrayBuffer, collections of the JS heap as
// the external memory it counts rises), and more so the larger the memory: grown a page or
// two at a time, a process whose engine memory was past 60–80 MB took 78–92 µs to make and
// subscribe an observer, against 26–43 µs grown by an eighth. On that build this test saw
// 210 grows for 19.4 MiB.
import { test } from 'node:test';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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
    seen();
    const observer = new QueryObserver(client, { queryKey: ['user', i, { include: 'posts' }], queryFn: () => null });
    unsubscribes.push(observer.subscribe(() => {}));
    seen();
  }
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

// `memoryStats()` read after every call of a loop that fills the cache: the loop is hot, so
// Node 20's V8 (11.3) inlines the call into wasm into the optimized loop. When that call
// made its result object in wasm, V8 aborted the process now and then ("unreachable code"
// in its deoptimizer, SIGTRAP): in 13 of 30 runs of this script on that build. Each run is
// a process of its own (the crash takes the process with it), six at once.
test('memoryStats() called in a hot loop that grows the cache never takes the process down (Node 20)', async () => {
  const script = `
    const { QueryClient, QueryObserver, memoryStats } = require(${JSON.stringify(fileURLToPath(new URL('../../pkg/nodejs/stackquery.js', import.meta.url)))});
    const client = new QueryClient({ maxEntries: 100000, staleTime: Infinity });
    let bytes = 0;
    const unsubscribes = [];
    for (let i = 0; i < 20000; i++) {
      client.setQueryData(['user', i, { include: 'posts' }], { id: i, name: 'user ' + i, tags: ['a', 'b'] });
      bytes = Math.max(bytes, memoryStats().memoryBytes);
      const observer = new QueryObserver(client, { queryKey: ['user', i, { include: 'posts' }], queryFn: () => null });
      unsubscribes.push(observer.subscribe(() => {}));
      bytes = Math.max(bytes, memoryStats().memoryBytes);
    }
    for (const unsubscribe of unsubscribes) unsubscribe();
    console.log('done', client.getQueryCache().getAll().length, bytes);
  `;
  const runs = await Promise.all(Array.from({ length: 6 }, () => new Promise((resolve) => {
    execFile(process.execPath, ['-e', script], { timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error?.code ?? 0, signal: error?.signal ?? null, stdout, stderr }));
  })));
  for (const { code, signal, stdout, stderr } of runs) {
    assert.equal(signal, null, `the process was killed by ${signal}: ${stderr.split('\n').slice(0, 6).join(' | ')}`);
    assert.equal(code, 0, stderr);
    const [word, queries, bytes] = stdout.trim().split(' ');
    assert.equal(word, 'done');
    assert.equal(+queries, 20_000);
    assert.ok(+bytes > 4 * MiB, `memoryBytes ${bytes}: the cache grew the memory`);
  }
});
