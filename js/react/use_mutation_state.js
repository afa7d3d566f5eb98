// `useMutationState({ filters, select })` and `useIsMutating(filters?)`: reads of the
// client's MutationCache, re-read on each of its events. useMutationState's array keeps
// its identity (and each item that stayed deep-equal keeps its own) while the answer is
// equal, so the component re-renders only when it changes; useIsMutating is a number.
import { useCallback, useRef, useSyncExternalStore } from 'react';
import { useQueryClient } from './context.js';
import { replaceEqualDeep } from './replace_equal_deep.js';
import { describe } from './describe.js';

function checkOptions(options) {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`useMutationState: options must be { filters, select }, got ${describe(options)}`);
  }
  if (options.select !== undefined && typeof options.select !== 'function') {
    throw new TypeError(`useMutationState: select must be a function (mutation) => value, got ${describe(options.select)}`);
  }
}

/**
 * The mutations of the client matching `filters`, in the order made, each as
 * `select(mutation)` (default: its state).
 */
export function useMutationState(options, queryClient) {
  checkOptions(options);
  const client = useQueryClient(queryClient);
  const cache = client.getMutationCache();
  const latest = useRef(options);
  latest.current = options;
  // The last answer, the options and the cache version it was read for.
  const memo = useRef({ result: undefined, options: undefined, version: -1, cache: undefined });
  const version = useRef(0);
  const subscribe = useCallback(
    (onStoreChange) => cache.subscribe(() => {
      version.current++;
      onStoreChange();
    }),
    [cache],
  );
  const getSnapshot = () => {
    const m = memo.current;
    if (m.options === latest.current && m.version === version.current && m.cache === cache) return m.result;
    const o = latest.current;
    const select = o?.select;
    const read = cache.findAll(o?.filters).map((mutation) => (select ? select(mutation) : mutation.state));
    memo.current = { result: replaceEqualDeep(m.result, read), options: o, version: version.current, cache };
    return memo.current.result;
  };
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}

/** The number of running mutations matching `filters` (every mutation without them). */
export function useIsMutating(filters, queryClient) {
  const client = useQueryClient(queryClient);
  const cache = client.getMutationCache();
  const latest = useRef(filters);
  latest.current = filters;
  const subscribe = useCallback((onStoreChange) => cache.subscribe(() => onStoreChange()), [cache]);
  const getSnapshot = () => {
    const f = latest.current;
    if (f !== undefined && f !== null && typeof f !== 'object') {
      throw new TypeError(`useIsMutating: filters must be an object { mutationKey, exact, predicate }, got ${describe(f)}`);
    }
    return cache.findAll({ ...f, status: 'pending' }).length;
  };
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}
