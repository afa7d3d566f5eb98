// The suspense hooks' rules (TanStack's suspense.ts): a suspense query is always enabled,
// has no placeholderData, throws its error to the error boundary when it has no data, and
// keeps its data fresh and cached at least a second (ensureSuspenseTimers), so that the
// render after the suspension does not fetch again. A hook with no data throws the
// promise of the fetch that brings it (the running one when the query is already fetching
// — a query hydrated with a pending promise — else a fetch it starts), which settles
// without rejecting; React renders again when it settled. On the server (React's streaming
// SSR) this is the same: the fetch goes through the client and the render waits for it.
import { describe } from './describe.js';
import { hashOf } from './observer_options.js';

const MIN_SUSPENSE_TIME = 1000;
const noop = () => {};

/** TanStack's `defaultThrowOnError` of the suspense hooks: throw when there is no data. */
export function defaultThrowOnError(_error, query) {
  return query?.state.data === undefined;
}

function clamp(staleTime) {
  if (staleTime === 'static') return staleTime;
  return Math.max(typeof staleTime === 'number' ? staleTime : MIN_SUSPENSE_TIME, MIN_SUSPENSE_TIME);
}

/** A suspense hook's options: enabled, no placeholder, its throwOnError, the timers' minimum. */
export function suspenseOptions(client, options, hook) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${hook} needs an options object ({ queryKey, queryFn, … }), got ${describe(options)}`);
  }
  if (typeof options.queryFn === 'symbol') {
    throw new TypeError(`${hook}: queryFn cannot be skipToken (a suspense query always runs)`);
  }
  const timers = { queryKey: options.queryKey };
  if (options.staleTime !== undefined) timers.staleTime = options.staleTime;
  if (options.gcTime !== undefined) timers.gcTime = options.gcTime;
  const defaulted = client.defaultQueryOptions(timers);
  const given = defaulted.staleTime;
  const staleTime = typeof given === 'function' ? (query) => clamp(given(query)) : clamp(given);
  const out = { ...options, enabled: true, placeholderData: undefined, throwOnError: defaultThrowOnError, staleTime };
  if (typeof defaulted.gcTime === 'number') out.gcTime = Math.max(defaulted.gcTime, MIN_SUSPENSE_TIME);
  return out;
}

/** The cached query of `queryKey`, or undefined. */
export function findQuery(client, queryKey) {
  try {
    return client.getQueryCache().find({ queryKey, exact: true });
  } catch {
    return undefined;
  }
}

/**
 * The promise a suspended hook throws: the running fetch's outcome when the query is
 * fetching (one hydrated with a pending promise), else a fetch with the observer's
 * options. Never rejects: a failure clears the reset boundary, and the next render shows
 * (or throws) the error.
 */
export function suspendOn(client, observerOptions, infinite, boundary) {
  const query = findQuery(client, observerOptions.queryKey);
  let fetched;
  try {
    if (query !== undefined && query.state.fetchStatus !== 'idle') fetched = settled(client, observerOptions.queryKey);
    else fetched = infinite ? client.fetchInfiniteQuery(observerOptions) : client.fetchQuery(observerOptions);
  } catch (error) {
    fetched = Promise.reject(error);
  }
  return fetched.then(noop, () => boundary.clearReset());
}

/** Resolves once the running fetch of `queryKey` ended (heard by a disabled observer). */
function settled(client, queryKey) {
  return new Promise((resolve) => {
    const observer = client.watch({ queryKey, enabled: false });
    let off;
    let over = false;
    const done = () => {
      if (over) return;
      over = true;
      off?.();
      observer.destroy();
      resolve();
    };
    off = observer.subscribe((result) => {
      if (result.fetchStatus === 'idle') done();
    });
    if (observer.getCurrentResult().fetchStatus === 'idle') done();
  });
}

/**
 * While the provider restores, a suspense hook with no data fetches nothing: it waits for
 * the restore (the query's data arriving, or the next look a moment later).
 */
export function restoreWait(client, queryKey) {
  return new Promise((resolve) => {
    let unsubscribe = noop;
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, 50);
    try {
      unsubscribe = client.getQueryCache().subscribe((event) => {
        if (event?.query?.state?.data !== undefined && hashOf(event.query.queryKey) === hashOf(queryKey)) done();
      });
    } catch {
      // no cache events: the timer alone
    }
  });
}
