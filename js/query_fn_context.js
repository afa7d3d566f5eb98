// The object the engine hands a query function: TanStack's QueryFunctionContext,
// `{ client, queryKey, signal, meta }`. `signal` is a getter, as TanStack's: reading it
// marks the fetch's signal consumed, and when the last observer of a query leaves while
// it fetches, a fetch whose signal was consumed is cancelled (its signal aborts, the query
// goes back to its state before the fetch) where any other only stops retrying
// (`signalConsumed`, asked by the engine's observer). The face's own query functions
// (infinite queries) take the signal with `rawSignal`, which marks nothing: only the
// user's query function reading it counts.
// Imported by the engine's glue; the build bundles it once per entry.

const consumed = new WeakSet();
// Taken now: the engine calls in while it holds its cache, where no user code may run.
const { add, has } = WeakSet.prototype;
const deref = typeof WeakRef === 'function' ? WeakRef.prototype.deref : undefined;
const RAW = Symbol('stackquery.rawSignal');

/** The context of one attempt; `clientRef` is a WeakRef of the face client (or undefined). */
function queryFnContext(clientRef, queryKey, signal, meta) {
  return {
    client: clientRef === undefined ? undefined : deref.call(clientRef),
    queryKey,
    meta,
    get signal() {
      if (signal !== undefined) add.call(consumed, signal);
      return signal;
    },
    [RAW]: signal,
  };
}

/** Whether a query function read `signal` from a context holding it. */
const signalConsumed = (signal) => has.call(consumed, signal);

/** The signal of an engine's context, not marked consumed. */
const rawSignal = (context) => (RAW in context ? context[RAW] : context.signal);

export { queryFnContext, signalConsumed, rawSignal };
