// Types of stackquery/react's query hooks.
import type { QueryKey, QueryObserverOptions, QueryObserverResult } from '../index.js';
import type { QueryClientLike } from './provider.js';

/**
 * `useQuery` options: the observer's options, with `select` free to change the type
 * (`TQueryFnData` is what `queryFn` returns and the cache holds, `TData` what the component gets).
 */
export interface UseQueryOptions<
  TQueryFnData = unknown,
  TError = unknown,
  TData = TQueryFnData,
  TKey extends QueryKey = QueryKey,
> extends Omit<QueryObserverOptions<TQueryFnData, TError, TKey>, 'select'> {
  /** Runs in render, memoized on the data object and on the function (keep it stable for big data). */
  select?: (data: TQueryFnData) => TData;
}

export type UseQueryResult<TData = unknown, TError = unknown> = QueryObserverResult<TData, TError> & {
  /** Fetches now (even when disabled); resolves with the result afterwards. */
  refetch: () => Promise<QueryObserverResult<TData, TError>>;
};

/**
 * Observes one query: hydrates a cold key from L2, fetches when there is no data or stale
 * data, re-renders on each change and stops observing on unmount.
 */
export declare function useQuery<
  TQueryFnData = unknown,
  TError = unknown,
  TData = TQueryFnData,
  TKey extends QueryKey = QueryKey,
>(
  options: UseQueryOptions<TQueryFnData, TError, TData, TKey>,
  queryClient?: QueryClientLike,
): UseQueryResult<TData, TError>;

