// The soak (SOAK_OPS, default the full 1,000,000; about 40 s): mixed operations with GC
// on, in headless Chromium. After gc() the JS heap is back within 10% of its level after
// warm-up (leaked callbacks or data would keep it up), and so are the bytes the Rust side
// holds (`memoryStats().heapBytes`, counted by the allocator: leaked queries, closures or
// tasks would keep them up). Wasm memory itself can grow but never shrink (WebAssembly
// has no way to give pages back), so its size is only checked for a plateau: under 24 MB.
// By hand: node www/bench/run.mjs 'soak.html?ops=1000000'
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPage } from '../../www/bench/run.mjs';

const OPS = Number(process.env.SOAK_OPS ?? 1_000_000);

test(`soak: ${OPS} operations leave no growth behind`, async () => {
  const r = await runPage(`soak.html?ops=${OPS}`);
  console.log(JSON.stringify(r));
  assert.ok(r.heap_ratio <= 1.1, `JS heap: ${r.baseline_heap_mb} MB after warm-up, ${r.end_heap_mb} MB at the end`);
  assert.ok(r.rust_ratio <= 1.1, `Rust heap: ${r.baseline_rust_kb} KB after warm-up, ${r.end_rust_kb} KB at the end`);
  assert.ok(r.end_wasm_mb <= 24, `wasm memory: ${r.baseline_wasm_mb} MB after warm-up, ${r.wasm_half_mb} MB half-way, ${r.end_wasm_mb} MB at the end`);
});
