// `memoryStats()`: the bytes stackquery's Rust side holds now (`heapBytes`, the
// allocator's count) and the size of the wasm memory (`memoryBytes`; it never shrinks).
//
// The object is made here, not in wasm. Made in wasm, and so returned from a call into
// wasm with one result, which Node 20's V8 (11.3) inlines into the optimized JS calling
// it, it aborted the whole process ("unreachable code" in V8's deoptimizer) in about one
// run in three of a hot loop that fills the cache and reads `memoryStats()` after each
// call; made here, in none (tests/node/memory-growth.test.mjs). The engine returns a
// plain number.

import { __heapBytes, __memory } from 'stackquery:engine';

export function memoryStats() {
  return { heapBytes: __heapBytes(), memoryBytes: __memory().buffer.byteLength };
}
