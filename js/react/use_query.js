// `useQuery`: one QueryObserver per component and query key (client.watch), read through
// useSyncExternalStore. The observer's getCurrentResult() returns the same object until
// the query's state changes, so it is the snapshot as is. setOptions() runs only when a
// value option (staleTime, enabled, …) really changes. Options given as functions of the
// query are the observer's to resolve; `enabled` is also resolved here, in render, so its
// answer counts as a value and a disabled query is not shown as loading. `select` runs
// here, in render (select.js), so an inline select cannot make the observer emit a new
// result on every render.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { useQueryClient } from './context.js';
import { enabledOf, hashOf, observerOptions, signature } from './observer_options.js';
import { applySelect, runSelect, withSelection } from './select.js';

function checkOptions(options, hook) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${hook} needs an options object ({ queryKey, queryFn, … })`);
  }
}

/**
 * Subscribes the component to one query: fetches it when it has no data or stale data
 * (after hydrating a cold key from L2), re-renders on each change, stops observing on
 * unmount. Returns the observer's result plus `refetch`.
 */
export function useQuery(options, queryClient) {
  checkOptions(options, 'useQuery');
  const client = useQueryClient(queryClient);
  const latest = useRef(options);
  latest.current = options;
  const keyHash = hashOf(options.queryKey);

  // The last real data shown, handed to a placeholderData function across key changes
  // (`placeholderData: (previous) => previous` keeps the old page while the next loads).
  const lastData = useRef(undefined);

  // One observer per component and query key. Creating it has no side effect: the query
  // is mounted (hydrated, fetched) by the first subscribe, after the commit. A new key
  // gets a new observer in the same render, so the first frame of a new key already
  // shows that key's cached data (or its pending state), never the previous key's.
  const created = useMemo(
    () => ({ observer: client.watch(observerOptions(options, latest, lastData)), sig: undefined }),
    [client, keyHash],
  );
  const observer = created.observer;
  // Read once the observer made the query: an `enabled` function is asked of it.
  const enabled = enabledOf(client, options);
  const sig = typeof options.enabled === 'function' ? `${signature(options)}\u0000enabled: ${enabled}` : signature(options);
  created.sig ??= sig;

  // Other value options changed (staleTime, enabled, refetchInterval, …): reconfigure.
  const applied = useRef(created);
  useLayoutEffect(() => {
    if (applied.current.observer !== observer) applied.current = created;
    if (applied.current.sig !== sig) {
      applied.current = { observer, sig };
      observer.setOptions(observerOptions(latest.current, latest, lastData));
    }
  }, [observer, sig]);

  useEffect(() => () => observer.destroy(), [observer]);

  const subscribe = useCallback(
    (onStoreChange) => observer.subscribe(() => onStoreChange()),
    [observer],
  );
  const getSnapshot = useCallback(() => observer.getCurrentResult(), [observer]);
  const observed = useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
  if (observed.data !== undefined && !observed.isPlaceholderData) lastData.current = observed.data;

  // Until its first fetch starts (before the subscribe, and while a cold key is read
  // from L2) an enabled query with a queryFn is about to fetch: show it as fetching, as
  // TanStack does, so `if (isLoading) return …` guards the render that has no data yet.
  const waiting = observed.fetchStatus === 'idle' && (observed.status === 'pending' || observed.isPlaceholderData);
  if (!waiting) created.started = true;
  const loading = waiting && !created.started && enabled && typeof options.queryFn === 'function';
  const raw = useMemo(
    () => (loading ? { ...observed, fetchStatus: 'fetching', isFetching: true, isLoading: observed.status === 'pending' } : observed),
    [observed, loading],
  );

  const select = options.select;
  const refetch = useCallback(
    () => observer.refetch().then((result) => applySelect(result, latest.current.select)),
    [observer],
  );

  // select runs here, memoized on the data object and the select function.
  const selected = useRef(null);
  let selection = null;
  if (typeof select === 'function' && raw.data !== undefined) {
    const last = selected.current;
    if (last !== null && last.input === raw.data && last.select === select) {
      selection = last;
    } else {
      selection = { input: raw.data, select, ...runSelect(select, raw.data) };
      selected.current = selection;
    }
  }

  // The returned object keeps its identity while the result, the selection and refetch do.
  const memo = useRef(null);
  const m = memo.current;
  if (m === null || m.raw !== raw || m.selection !== selection || m.refetch !== refetch) {
    memo.current = { raw, selection, refetch, result: { ...withSelection(raw, selection), refetch } };
  }
  return memo.current.result;
}

