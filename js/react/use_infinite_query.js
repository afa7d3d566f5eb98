// `useInfiniteQuery`: useQuery over an InfiniteQueryObserver — the pages of one query,
// `fetchNextPage` / `fetchPreviousPage`, `hasNextPage`, `isFetchingNextPage`, … `select`
// runs in render on `{ pages, pageParams }`.
import { useBaseQuery } from './use_base_query.js';

/** Observes an infinite query: its pages, and fetching one more at either end. */
export function useInfiniteQuery(options, queryClient) {
  return useBaseQuery(options, queryClient, { hook: 'useInfiniteQuery', infinite: true, suspense: false });
}
