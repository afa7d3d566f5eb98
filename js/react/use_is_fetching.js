// `useIsFetching(filters?)`: how many queries of the client match `filters` and are
// fetching (client.isFetching), re-read on each event of the client's QueryCache; the
// component re-renders only when the number changes.
import { useCallback, useRef, useSyncExternalStore } from 'react';
import { useQueryClient } from './context.js';

/** The number of fetching queries matching `filters` (every query without them). */
export function useIsFetching(filters, queryClient) {
  const client = useQueryClient(queryClient);
  const latest = useRef(filters);
  latest.current = filters;
  const cache = client.getQueryCache();
  const subscribe = useCallback((onStoreChange) => cache.subscribe(() => onStoreChange()), [cache]);
  const getSnapshot = () => client.isFetching(latest.current);
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}
