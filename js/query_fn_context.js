// A query function's one call (`runQueryFn`), made here and not by the engine, with the
// object it is handed: TanStack's QueryFunctionContext,
// `{ client, queryKey, signal, meta }`. `signal` is a getter, as TanStack's: reading it
// marks the fetch's signal consumed, and when the last observer of a query leaves while
// it fetches, a fetch whose signal was consumed is cancelled (its signal aborts, the query
// goes back to its state before the fetch) where any other only stops retrying
// (`signalConsumed`, asked by the engine's observer). The face's own query functions
// (infinite queries) take the signal with `rawSignal`, which marks nothing: only the
// user's query function reading it counts.
// Imported by the engine's glue; the build bundles it once per entry.

const consumed = new WeakSet();
// Taken now: the engine asks `signalConsumed` while it holds its cache, where no user code
// (a patched WeakSet method) may run.
const { add, has, delete: forget } = WeakSet.prototype;
const deref = typeof WeakRef === 'function' ? WeakRef.prototype.deref : undefined;
// Each context's signal, for the face's own query functions (not a property: a spread or a
// log of the context shows TanStack's four fields only).
const raw = new WeakMap();

/**
 * The context of one attempt; `clientRef` is a WeakRef of the face client (or undefined).
 * As TanStack's, an attempt starts unmarked: only its own reading of `signal` counts.
 * `client` is a getter too: a running fetch holds the context, and must not hold the
 * client (a dropped client is collected).
 */
function queryFnContext(clientRef, queryKey, signal, meta) {
  if (signal !== undefined) forget.call(consumed, signal);
  const context = {
    get client() {
      return clientRef === undefined ? undefined : deref.call(clientRef);
    },
    queryKey,
    meta,
    get signal() {
      if (signal !== undefined) add.call(consumed, signal);
      return signal;
    },
  };
  raw.set(context, signal);
  return context;
}

/**
 * One attempt of a fetch: `queryFn` called with its context (see `queryFnContext`). What
 * it returns or throws goes back to the engine as it is: the engine, which calls this with
 * no borrow of its cache held, catches a throw as the attempt's failure.
 */
function runQueryFn(queryFn, clientRef, queryKey, signal, meta) {
  return queryFn(queryFnContext(clientRef, queryKey, signal, meta));
}

/** Whether a query function read `signal` from a context holding it. */
const signalConsumed = (signal) => has.call(consumed, signal);

/** The signal of an engine's context, not marked consumed. */
const rawSignal = (context) => (raw.has(context) ? raw.get(context) : context.signal);

export { runQueryFn, signalConsumed, rawSignal };
