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

// The fetches (their AbortControllers) whose signal a query function read.
const consumed = new WeakSet();
// Taken now: the engine asks `signalConsumed` while it holds its cache, where no user code
// (a patched WeakSet method) may run.
const { add, has, delete: forget } = WeakSet.prototype;
const deref = typeof WeakRef === 'function' ? WeakRef.prototype.deref : undefined;
// Each context's fetch, for the face's own query functions (`takesRawSignal`; not a
// property: a spread or a log of the context shows TanStack's four fields only). Kept only
// for them: a WeakMap entry per attempt was a tenth of a fetch's cost.
const raw = new WeakMap();
const rawTakers = new WeakSet();

/**
 * The context of one attempt; `clientRef` is a WeakRef of the face client (or undefined),
 * `controller` the fetch's AbortController, whose signal is taken only when read (as
 * TanStack's: making it is most of an attempt's cost in Node). As TanStack's, an attempt
 * starts unmarked: only its own reading of `signal` counts. `client` is a getter too: a
 * running fetch holds the context, and must not hold the client (a dropped client is
 * collected).
 */
function queryFnContext(clientRef, queryKey, controller, meta) {
  if (controller !== undefined) forget.call(consumed, controller);
  const context = {
    get client() {
      return clientRef === undefined ? undefined : deref.call(clientRef);
    },
    queryKey,
    meta,
    get signal() {
      if (controller === undefined) return undefined;
      add.call(consumed, controller);
      return controller.signal;
    },
  };
  return context;
}

/**
 * One attempt of a fetch: `queryFn` called with its context (see `queryFnContext`). What
 * it returns or throws goes back to the engine as it is: the engine, which calls this with
 * no borrow of its cache held, catches a throw as the attempt's failure.
 */
function runQueryFn(queryFn, clientRef, queryKey, controller, meta) {
  const context = queryFnContext(clientRef, queryKey, controller, meta);
  if (has.call(rawTakers, queryFn)) raw.set(context, controller);
  return queryFn(context);
}

/** Marks `queryFn`, one of the face's own, as reading its context's signal with `rawSignal`. */
function takesRawSignal(queryFn) {
  add.call(rawTakers, queryFn);
  return queryFn;
}

/** Whether a query function read `signal` from a context of the fetch of `controller`. */
const signalConsumed = (controller) => has.call(consumed, controller);

/** The signal of a context given to a `takesRawSignal` query function, not marked consumed. */
function rawSignal(context) {
  if (!raw.has(context)) return context.signal;
  const controller = raw.get(context);
  return controller === undefined ? undefined : controller.signal;
}

export { runQueryFn, signalConsumed, takesRawSignal, rawSignal };
