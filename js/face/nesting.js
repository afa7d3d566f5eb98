// Bounded nesting for the face's own entry points (mutation.js, setQueryData's updater, an
// observer's select and placeholderData: client.js, presentation.js), as the engine's
// (src/bindings/reentry.rs) bounds calls into wasm: a listener that calls `reset()`, whose
// notification calls its listener again, and so on, is refused with a RangeError at
// MAX_NESTING calls deep instead of running until the stack is exhausted. Once a call was
// refused, every call nested in that chain is refused too until its outermost call
// returns (code that retries on error cannot turn the limit into exponential work); the
// next microtask, which runs with nothing on the stack, puts the counters back.

/** The engine's limit (reentry.rs `MAX_NESTING`). */
const MAX_NESTING = 16;
let depth = 0;
let limit = MAX_NESTING;
let resetQueued = false;

function reset() {
  depth = 0;
  limit = MAX_NESTING;
  resetQueued = false;
}

/** `run()`, counted as a call into stackquery named `method`; refused when nested too deep. */
export function nested(method, run) {
  enterNested(method);
  try {
    return run();
  } finally {
    leaveNested();
  }
}

/**
 * Counts a call into stackquery named `method` (refused when nested too deep), for a hot
 * path that makes no closure: `leaveNested()` must follow in a `finally`.
 */
export function enterNested(method) {
  if (depth > 0) {
    if (!resetQueued) {
      queueMicrotask(reset); // marked queued only once it is (the stack may run out just here)
      resetQueued = true;
    }
    if (depth >= limit) {
      const first = limit !== 0;
      limit = 0;
      const why = first ? 'calls into stackquery were already nested' : 'it is nested in a chain of calls that already went past';
      throw new RangeError(`stackquery: ${method} was refused: ${why} ${MAX_NESTING} deep, each made from a listener, select, updater, structuralSharing, getter or other callback of the one before (a cycle that would otherwise exhaust the stack)`);
    }
  }
  depth++;
}

/** The end of a call counted by `enterNested`. */
export function leaveNested() {
  depth = Math.max(0, depth - 1);
  if (depth === 0) limit = MAX_NESTING;
}
