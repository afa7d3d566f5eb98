// stackquery/react: React bindings (React 18+, a peer dependency).
//
// Plain ES module, no build step. It imports nothing from stackquery itself: the client
// comes from <QueryClientProvider client={…}>, so the same hooks work whichever entry
// (`stackquery`, `stackquery/web`) created it.
//
// useQuery: one QueryObserver per component and query key (client.watch), read through
// useSyncExternalStore. The observer's getCurrentResult() returns the same object until
// the query's state changes, so it is the snapshot as is. Function options (queryFn,
// retry, placeholderData, …) are handed to the observer as stable wrappers that call the
// latest render's function, so inline arrow functions do not reconfigure the observer on
// every render; setOptions() runs only when a value option (staleTime, enabled, …)
// really changes. Options given as functions of the query (`enabled: (query) => …`,
// `staleTime`, `refetchInterval`, …) are the observer's to resolve; `enabled` is also
// resolved here, in render, so that its answer counts as a value (it may read this
// render's props) and a disabled query is not shown as loading. `select` runs here, in render,
// memoized on the data object and the select function, so an inline select cannot make
// the observer emit a new result on every render (it would re-render forever).
import {
  createContext,
  createElement,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useSyncExternalStore,
} from 'react';

const QueryClientContext = createContext(undefined);

/** Makes `client` the QueryClient of every hook below it. */
export function QueryClientProvider({ client, children }) {
  if (client == null || typeof client.watch !== 'function') {
    throw new TypeError('QueryClientProvider needs a client: <QueryClientProvider client={new QueryClient()}>');
  }
  return createElement(QueryClientContext.Provider, { value: client }, children);
}

/** The QueryClient given (if any), else the one of the nearest QueryClientProvider. */
export function useQueryClient(queryClient) {
  const fromContext = useContext(QueryClientContext);
  const client = queryClient ?? fromContext;
  if (client == null) {
    throw new Error('No QueryClient: wrap the tree in <QueryClientProvider client={queryClient}>');
  }
  return client;
}

// TanStack's hashKey: JSON with the keys of plain objects sorted. Used only to tell
// whether options changed between renders.
function isPlainObject(value) {
  if (Object.prototype.toString.call(value) !== '[object Object]') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

function stableJson(value) {
  return JSON.stringify(value, (_, v) =>
    isPlainObject(v)
      ? Object.keys(v).sort().reduce((out, k) => {
          out[k] = v[k];
          return out;
        }, {})
      : v,
  );
}

/** The key's hash (a key that is not JSON makes client.watch throw a TypeError naming it). */
function hashOf(queryKey) {
  try {
    return stableJson(queryKey);
  } catch {
    return '\u0000not JSON';
  }
}

// Options that may be a value or a function: passed as a wrapper either way.
const VALUE_OR_FUNCTION = new Set(['placeholderData', 'initialData']);

/**
 * A string that changes when an option the observer reads by value (other than the key)
 * changes. Function options count only as "a function": their wrapper calls the latest.
 */
function signature(options) {
  const parts = [];
  for (const name of Object.keys(options).sort()) {
    const value = options[name];
    if (name === 'queryKey' || name === 'select') continue; // a new key is a new observer; select runs here
    if (VALUE_OR_FUNCTION.has(name)) parts.push([name, value === undefined ? 'u' : 'set']);
    else if (typeof value === 'function') parts.push([name, 'f']);
    else parts.push([name, value === Infinity ? 'Infinity' : value === undefined ? 'u' : value]);
  }
  try {
    return stableJson(parts);
  } catch {
    // An option that is not JSON (a BigInt or a cycle in `meta`): compared by name only.
    return `\u0000not JSON ${Object.keys(options).sort().join()}`;
  }
}

/**
 * The options handed to the observer. Every function option (queryFn, retry, retryDelay,
 * structuralSharing, …) becomes a wrapper calling the latest render's function;
 * placeholderData and initialData become functions reading the latest value.
 */
function observerOptions(options, latest, lastData) {
  const out = {};
  for (const [name, value] of Object.entries(options)) {
    if (name === 'select') continue;
    if (typeof value === 'function' && !VALUE_OR_FUNCTION.has(name)) {
      out[name] = (...args) => {
        const f = latest.current[name];
        return typeof f === 'function' ? f(...args) : f;
      };
    } else {
      out[name] = value;
    }
  }
  if (options.placeholderData !== undefined) {
    out.placeholderData = (previousData) => {
      const p = latest.current.placeholderData;
      return typeof p === 'function' ? p(previousData ?? lastData.current) : p;
    };
  }
  if (options.initialData !== undefined) {
    out.initialData = () => {
      const d = latest.current.initialData;
      return typeof d === 'function' ? d() : d;
    };
  }
  return out;
}

/** Whether the query is enabled: `enabled`, or what it says of the query when a function. */
function enabledOf(client, options) {
  const enabled = options.enabled;
  if (typeof enabled !== 'function') return enabled !== false;
  try {
    return enabled(client.getQueryCache().find({ queryKey: options.queryKey, exact: true })) !== false;
  } catch {
    return true; // the observer's rule for a throwing option function: the default
  }
}

function checkOptions(options, hook) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${hook} needs an options object ({ queryKey, queryFn, … })`);
  }
}

/** The result with a selection applied: its data, or an error result when select threw. */
function withSelection(result, selection) {
  if (selection === null) return result;
  if (!('error' in selection)) return { ...result, data: selection.data };
  return {
    ...result,
    data: undefined,
    status: 'error',
    error: selection.error,
    isError: true,
    isSuccess: false,
    isPlaceholderData: false,
    isLoadingError: true,
    isRefetchError: false,
  };
}

/** `{ data }` from `select(data)`, or `{ error }` when it throws. */
function runSelect(select, data) {
  try {
    return { data: select(data) };
  } catch (error) {
    return { error };
  }
}

function applySelect(result, select) {
  if (typeof select !== 'function' || result.data === undefined) return result;
  return withSelection(result, runSelect(select, result.data));
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

function mutationSignature(options) {
  const kind = (v) => (typeof v === 'function' ? 'f' : v === undefined ? 'u' : String(v));
  return `${options.scope?.id ?? ''}\u0000${kind(options.retry)}\u0000${kind(options.retryDelay)}`;
}

/** The mutation's options: every callback calls the latest render's. */
function mutationOptions(options, latest) {
  const out = {
    mutationFn: (variables) => latest.current.mutationFn(variables),
  };
  for (const name of ['onMutate', 'onSuccess', 'onError', 'onSettled']) {
    if (typeof options[name] === 'function') {
      out[name] = (...args) => {
        const f = latest.current[name];
        return typeof f === 'function' ? f(...args) : undefined;
      };
    }
  }
  for (const name of ['retry', 'retryDelay']) {
    const value = options[name];
    if (typeof value === 'function') {
      out[name] = (failureCount, error) => latest.current[name](failureCount, error);
    } else if (value !== undefined) {
      out[name] = value;
    }
  }
  if (options.scope !== undefined) out.scope = options.scope;
  return out;
}

const noop = () => {};

/**
 * A mutation for this component: `mutate(variables, { onSuccess, onError, onSettled })`
 * (errors are caught: read them from `error`), `mutateAsync(variables)` (a promise),
 * `reset()`, and the mutation's state, re-rendered on each change.
 */
export function useMutation(options, queryClient) {
  if (options === null || typeof options !== 'object' || typeof options.mutationFn !== 'function') {
    throw new TypeError('useMutation needs options with a mutationFn: useMutation({ mutationFn: (variables) => … })');
  }
  const client = useQueryClient(queryClient);
  const latest = useRef(options);
  latest.current = options;
  const sig = mutationSignature(options);

  // The mutation's `state` getter builds a new object on each read, so the store keeps
  // the last state its subscription delivered.
  const store = useMemo(() => {
    const mutation = client.mutation(mutationOptions(options, latest));
    const s = {
      mutation,
      state: mutation.state,
      subscribe: (onStoreChange) =>
        mutation.subscribe((state) => {
          s.state = state;
          onStoreChange();
        }),
      getSnapshot: () => s.state,
    };
    return s;
  }, [client, sig]);

  const state = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);

  const calls = useRef(0);
  const mutateAsync = useCallback(
    (variables, callOptions) => {
      const call = ++calls.current;
      const isLatest = () => call === calls.current;
      return store.mutation.mutate(variables).then(
        async (data) => {
          if (callOptions && isLatest()) {
            const context = store.mutation.state.context;
            await callOptions.onSuccess?.(data, variables, context);
            await callOptions.onSettled?.(data, null, variables, context);
          }
          return data;
        },
        async (error) => {
          if (callOptions && isLatest()) {
            const context = store.mutation.state.context;
            await callOptions.onError?.(error, variables, context);
            await callOptions.onSettled?.(undefined, error, variables, context);
          }
          throw error;
        },
      );
    },
    [store],
  );
  const mutate = useCallback((variables, callOptions) => {
    mutateAsync(variables, callOptions).catch(noop);
  }, [mutateAsync]);
  const reset = useCallback(() => store.mutation.reset(), [store]);

  return useMemo(() => ({ ...state, mutate, mutateAsync, reset }), [state, mutate, mutateAsync, reset]);
}
