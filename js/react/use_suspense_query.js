// `useSuspenseQuery` / `useSuspenseInfiniteQuery`: the query hooks that suspend (throw
// their fetch's promise) until the query has data, so `data` is always defined; errors
// without data go to the error boundary. Rules in suspense.js.
import { useBaseQuery } from './use_base_query.js';

/** useQuery that suspends until there is data. */
export function useSuspenseQuery(options, queryClient) {
  return useBaseQuery(options, queryClient, { hook: 'useSuspenseQuery', infinite: false, suspense: true });
}

/** useInfiniteQuery that suspends until the first page is there. */
export function useSuspenseInfiniteQuery(options, queryClient) {
  return useBaseQuery(options, queryClient, { hook: 'useSuspenseInfiniteQuery', infinite: true, suspense: true });
}
