// The one hook under useQuery, useInfiniteQuery and the suspense hooks (TanStack's
// useBaseQuery): one observer per component and query key (client.watch, or an
// InfiniteQueryObserver), read through useSyncExternalStore. The observer's
// getCurrentResult() returns the same object until the query's state changes, so it is
// the snapshot as is. setOptions() runs only when a value option (staleTime, enabled, …)
// really changes; function options are wrappers calling the latest render's function
// (observer_options.js). `enabled` is also resolved here, in render, so its answer counts
// as a value and a disabled query is not shown as loading. What the component is shown —
// select, the about-to-fetch state — is query_view.js's; when it re-renders, track.js's.
//
// In order, each render: the suspense rules (suspense.js), throwOnError's retry guard
// (throw_on_error.js), the observer, the subscription (none while the provider restores,
// useIsRestoring, nor with `subscribed: false`), then a suspense hook without data throws
// its fetch's promise, and an error to throw is thrown to the error boundary.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { useQueryClient } from './context.js';
import { useIsRestoring } from './is_restoring.js';
import { useQueryErrorResetBoundary } from './error_reset_boundary.js';
import { enabledOf, hashOf, observerOptions, signature } from './observer_options.js';
import { QueryView } from './query_view.js';
import { shouldNotify } from './track.js';
import { checkThrowOnError, hasError, mayThrow, preventsRetry } from './throw_on_error.js';
import { findQuery, restoreWait, suspendOn, suspenseOptions } from './suspense.js';
import { watchInfinite } from './infinite_observer.js';
import { describe } from './describe.js';
import { isServer } from './server_render.js';

/** useLayoutEffect in the browser; useEffect on the server, where React warns about the other. */
export const useClientLayoutEffect = isServer ? useEffect : useLayoutEffect;
export const noop = () => {};

export function checkOptions(options, hook) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${hook} needs an options object ({ queryKey, queryFn, … }), got ${describe(options)}`);
  }
}

/** A new observer of `client`: a QueryObserver, or an InfiniteQueryObserver. */
export function makeObserver(client, options, infinite) {
  return infinite ? watchInfinite(client, options) : client.watch(options);
}

/** The signature telling when to call setOptions (an `enabled` function's answer counts). */
export function signatureOf(options, enabled) {
  return typeof options.enabled === 'function' ? `${signature(options)}\u0000enabled: ${enabled}` : signature(options);
}

/**
 * A hook's options once the hook's rules apply: a suspense hook's (suspense.js), and
 * `retryOnMount: false` while an error would be thrown and the boundary was not reset.
 */
export function hookOptions(client, input, hook, suspense, boundary) {
  checkOptions(input, hook);
  const options = suspense ? suspenseOptions(client, withHookDefaults(client, input), hook) : withHookDefaults(client, input);
  checkThrowOnError(options.throwOnError, hook);
  if (options.throwOnError === undefined && !suspense) return options;
  const query = findQuery(client, options.queryKey);
  return preventsRetry(options.throwOnError, suspense, query, boundary) ? { ...options, retryOnMount: false } : options;
}

// What the hook itself decides from (TanStack's useBaseQuery reads them from
// `client.defaultQueryOptions(options)`): given by the call, else by `defaultOptions.queries`
// or `setQueryDefaults`.
const DECIDED_HERE = ['enabled', 'queryFn', 'throwOnError', 'notifyOnChangeProps', 'retryOnMount'];

/** `input` with the client's defaults of DECIDED_HERE under it (input itself when none apply). */
function withHookDefaults(client, input) {
  let defaulted;
  try {
    defaulted = client.defaultQueryOptions(input);
  } catch {
    return input; // a key the engine refuses: the observer's TypeError names it
  }
  let out = input;
  for (const name of DECIDED_HERE) {
    if (input[name] === undefined && defaulted?.[name] !== undefined) {
      if (out === input) out = { ...input };
      out[name] = defaulted[name];
    }
  }
  return out;
}

/** `mode`: `{ hook, infinite, suspense }`. */
export function useBaseQuery(input, queryClient, mode) {
  checkOptions(input, mode.hook);
  const client = useQueryClient(queryClient);
  const isRestoring = useIsRestoring();
  const boundary = useQueryErrorResetBoundary();
  const options = hookOptions(client, input, mode.hook, mode.suspense, boundary);
  const keyHash = hashOf(options.queryKey);

  // One observer per component and query key. Creating it has no side effect: the query
  // is mounted (hydrated, fetched) by the first subscribe, after the commit. A new key
  // gets a new observer in the same render, so the first frame of a new key already
  // shows that key's cached data (or its pending state), never the previous key's.
  // The last real data shown, kept across keys: `placeholderData: (previous) => previous`.
  const lastData = useRef(undefined);
  const created = useMemo(() => {
    const latest = { current: options };
    const observer = makeObserver(client, observerOptions(options, latest, lastData), mode.infinite);
    const view = new QueryView(observer, mode.infinite);
    view.latest = latest;
    view.lastData = lastData;
    return { observer, view, sig: undefined };
  }, [client, keyHash]);
  const { observer, view } = created;
  view.latest.current = options;
  // Read once the observer made the query: an `enabled` function is asked of it.
  const enabled = mode.suspense || enabledOf(client, options);
  const sig = signatureOf(options, enabled);
  created.sig ??= sig;

  // Other value options changed (staleTime, enabled, refetchInterval, …): reconfigure.
  const applied = useRef(created);
  useClientLayoutEffect(() => {
    if (applied.current.observer !== observer) applied.current = created;
    if (applied.current.sig !== sig) {
      applied.current = { observer, sig };
      observer.setOptions(observerOptions(view.latest.current, view.latest, view.lastData));
    }
  }, [observer, sig]);
  useEffect(() => () => observer.destroy(), [observer]);
  // Mounted: the reset (if any) was used.
  useEffect(() => boundary.clearReset(), [boundary]);

  const listening = !isRestoring && options.subscribed !== false;
  const subscribe = useCallback(
    (onStoreChange) => {
      if (!listening) return noop;
      return observer.subscribe((result) => {
        const options = view.latest.current;
        const throwing = mayThrow(options.throwOnError);
        if (shouldNotify(view.shown, view.present(result), options.notifyOnChangeProps, view.tracker, throwing)) onStoreChange();
      });
    },
    [observer, listening],
  );
  const getSnapshot = useCallback(() => observer.getCurrentResult(), [observer]);
  const raw = useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
  view.ctx = { enabled, isRestoring };
  const result = view.present(raw);
  view.shown = result;

  if (mode.suspense && result.isPending) {
    throw isRestoring
      ? restoreWait(client, options.queryKey)
      : suspendOn(client, observerOptions(options, view.latest, view.lastData), mode.infinite, boundary);
  }
  if (result.isError && hasError(result, boundary, options.throwOnError, findQuery(client, options.queryKey), mode.suspense)) {
    throw result.error;
  }
  return options.notifyOnChangeProps === undefined ? view.tracker.track(result) : result;
}
