// `memoryStats()`: the bytes stackquery's Rust side holds now (`heapBytes`, the
// allocator's count) and the size of the wasm memory (`memoryBytes`; it never shrinks).
//
// The object is made here, not in wasm: Node 20's V8 (11.3) inlines a call into wasm
// that returns one value into the optimized JS calling it, and aborts the whole process
// ("unreachable code" in its deoptimizer) when that call made a JS object and the caller
// is deoptimized meanwhile. Called from a hot loop while the cache grew, `memoryStats()`
// did that in about one run in three. The engine now returns a plain number.

import { __heapBytes, __memory } from 'stackquery:engine';

export function memoryStats() {
  return { heapBytes: __heapBytes(), memoryBytes: __memory().buffer.byteLength };
}
