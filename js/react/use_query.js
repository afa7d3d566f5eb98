// `useQuery`: one query observed by the component (use_base_query.js), its result
// re-rendered for the properties the component reads.
import { useBaseQuery } from './use_base_query.js';

/**
 * Subscribes the component to one query: fetches it when it has no data or stale data
 * (after hydrating a cold key from L2), re-renders when what it read changes, stops
 * observing on unmount. Returns the observer's result plus `refetch`.
 */
export function useQuery(options, queryClient) {
  return useBaseQuery(options, queryClient, { hook: 'useQuery', infinite: false, suspense: false });
}
