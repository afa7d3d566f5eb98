// Types of stackquery/react's query hooks.
import type { ReactElement, ReactNode } from 'react';
import type {
  DataTag,
  FetchInfiniteQueryOptions,
  FetchNextPageOptions,
  FetchPreviousPageOptions,
  InfiniteData,
  InfiniteQueryObserverOptions,
  InfiniteQueryObserverResult,
  Query,
  QueryFunctionContext,
  QueryKey,
  QueryObserverOptions,
  QueryObserverResult,
  RefetchOptions,
  SkipToken,
} from '../index.js';
import type { QueryClientLike } from './provider.js';

/**
 * Whether a hook throws its error to the nearest error boundary: always (`true`), or as a
 * function of the error and the cached query decides. Only when no fetch runs, and not
 * right after the error reset boundary's `reset()`.
 */
export type ThrowOnError<TQueryFnData = unknown, TError = unknown, TKey extends QueryKey = QueryKey> =
  | boolean
  | ((error: TError, query: Query<TQueryFnData, TError, TKey>) => boolean);

/**
 * The result properties whose change re-renders the component; by default the ones it
 * read (tracked), `'all'` for every change.
 */
export type NotifyOnChangeProps<TResult> = Array<keyof TResult> | 'all' | (() => Array<keyof TResult> | 'all');

/** The options only a hook takes (beside the observer's). */
interface HookOptions<TQueryFnData, TError, TKey extends QueryKey, TResult> {
  throwOnError?: ThrowOnError<TQueryFnData, TError, TKey>;
  notifyOnChangeProps?: NotifyOnChangeProps<TResult>;
  /** `false`: the hook does not subscribe (no fetch on mount, no re-render on change). */
  subscribed?: boolean;
}

export type UseQueryResult<TData = unknown, TError = unknown> = QueryObserverResult<TData, TError> & {
  /** Fetches now (even when disabled); resolves with the result afterwards. */
  refetch: (options?: RefetchOptions) => Promise<QueryObserverResult<TData, TError>>;
};

/**
 * `useQuery` options: the observer's options, with `select` free to change the type
 * (`TQueryFnData` is what `queryFn` returns and the cache holds, `TData` what the component gets).
 */
export interface UseQueryOptions<
  TQueryFnData = unknown,
  TError = unknown,
  TData = TQueryFnData,
  TKey extends QueryKey = QueryKey,
> extends Omit<QueryObserverOptions<TQueryFnData, TError, TKey>, 'select' | 'notifyOnChangeProps'>,
    HookOptions<TQueryFnData, TError, TKey, UseQueryResult<TData, TError>> {
  /** Runs in render, memoized on the data object and on the function (keep it stable for big data). */
  select?: (data: TQueryFnData) => TData;
}

/**
 * Observes one query: hydrates a cold key from L2, fetches when there is no data or stale
 * data, re-renders when a result property the component read changes, stops observing on
 * unmount.
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

// --- suspense ---------------------------------------------------------------------------

/** A suspense query: always enabled, no placeholder, a queryFn that always runs. */
export interface UseSuspenseQueryOptions<
  TQueryFnData = unknown,
  TError = unknown,
  TData = TQueryFnData,
  TKey extends QueryKey = QueryKey,
> extends Omit<UseQueryOptions<TQueryFnData, TError, TData, TKey>, 'queryFn' | 'enabled' | 'throwOnError' | 'placeholderData'> {
  queryFn?: (context: QueryFunctionContext<TKey>) => TQueryFnData | Promise<TQueryFnData>;
}

/** A result as a suspense hook returns it: it rendered, so it has data. */
export type Suspended<TResult, TData> = Omit<TResult, 'data' | 'status' | 'isPending' | 'isPlaceholderData'> & {
  data: TData;
  status: 'success' | 'error';
  isPending: false;
  isPlaceholderData: false;
};

/** A suspense hook's result: it rendered, so it has data. */
export type UseSuspenseQueryResult<TData = unknown, TError = unknown> = Suspended<UseQueryResult<TData, TError>, TData>;

/** useQuery that suspends (throws its fetch's promise) until the query has data. */
export declare function useSuspenseQuery<
  TQueryFnData = unknown,
  TError = unknown,
  TData = TQueryFnData,
  TKey extends QueryKey = QueryKey,
>(
  options: UseSuspenseQueryOptions<TQueryFnData, TError, TData, TKey>,
  queryClient?: QueryClientLike,
): UseSuspenseQueryResult<TData, TError>;

// --- infinite ---------------------------------------------------------------------------

export type UseInfiniteQueryResult<TData = unknown, TError = unknown> = InfiniteQueryObserverResult<TData, TError> & {
  /** Fetches every page again; resolves with the result afterwards. */
  refetch: (options?: RefetchOptions) => Promise<InfiniteQueryObserverResult<TData, TError>>;
};

export interface UseInfiniteQueryOptions<
  TQueryFnData = unknown,
  TError = unknown,
  TData = InfiniteData<TQueryFnData, unknown>,
  TKey extends QueryKey = QueryKey,
  TPageParam = unknown,
> extends Omit<InfiniteQueryObserverOptions<TQueryFnData, TError, TData, TKey, TPageParam>, 'notifyOnChangeProps'>,
    HookOptions<InfiniteData<TQueryFnData, TPageParam>, TError, TKey, UseInfiniteQueryResult<TData, TError>> {}

/** Observes an infinite query: its pages, `fetchNextPage` / `fetchPreviousPage`, `hasNextPage`, … */
export declare function useInfiniteQuery<
  TQueryFnData = unknown,
  TError = unknown,
  TData = InfiniteData<TQueryFnData>,
  TKey extends QueryKey = QueryKey,
  TPageParam = unknown,
>(
  options: UseInfiniteQueryOptions<TQueryFnData, TError, TData, TKey, TPageParam>,
  queryClient?: QueryClientLike,
): UseInfiniteQueryResult<TData, TError>;

export interface UseSuspenseInfiniteQueryOptions<
  TQueryFnData = unknown,
  TError = unknown,
  TData = InfiniteData<TQueryFnData, unknown>,
  TKey extends QueryKey = QueryKey,
  TPageParam = unknown,
> extends Omit<UseInfiniteQueryOptions<TQueryFnData, TError, TData, TKey, TPageParam>, 'enabled' | 'throwOnError' | 'placeholderData'> {}

export type UseSuspenseInfiniteQueryResult<TData = unknown, TError = unknown> = Suspended<UseInfiniteQueryResult<TData, TError>, TData>;

/** useInfiniteQuery that suspends until the first page is there. */
export declare function useSuspenseInfiniteQuery<
  TQueryFnData = unknown,
  TError = unknown,
  TData = InfiniteData<TQueryFnData>,
  TKey extends QueryKey = QueryKey,
  TPageParam = unknown,
>(
  options: UseSuspenseInfiniteQueryOptions<TQueryFnData, TError, TData, TKey, TPageParam>,
  queryClient?: QueryClientLike,
): UseSuspenseInfiniteQueryResult<TData, TError>;

// --- useQueries -------------------------------------------------------------------------

type QueryFnOf<TQueryFnData, TKey extends QueryKey> = (context: QueryFunctionContext<TKey>) => TQueryFnData | Promise<TQueryFnData>;

/** The options of one query of useQueries, typed from what was written for it. */
export type QueriesQueryOptions<T> =
  T extends {
    queryFn?: QueryFnOf<infer TQueryFnData, infer TKey extends QueryKey> | SkipToken;
    select?: (data: never) => infer TData;
  }
    ? UseQueryOptions<TQueryFnData, unknown, unknown extends TData ? TQueryFnData : TData, TKey>
    : UseQueryOptions;

/** The result of one query of useQueries. */
export type QueriesQueryResult<T> =
  T extends {
    queryFn?: QueryFnOf<infer TQueryFnData, QueryKey> | SkipToken;
    select?: (data: never) => infer TData;
  }
    ? UseQueryResult<unknown extends TData ? TQueryFnData : TData>
    : UseQueryResult;

export type QueriesOptions<T extends readonly unknown[]> = { [K in keyof T]: QueriesQueryOptions<T[K]> };
export type QueriesResults<T extends readonly unknown[]> = { -readonly [K in keyof T]: QueriesQueryResult<T[K]> };

/**
 * Observes several queries (their number may change between renders): a tuple of results
 * (each typed by its own queryFn and select; annotate a select's parameter here),
 * or what `combine` makes of them (run when a result or the function changed, structurally
 * shared so it keeps its identity while deeply equal).
 */
export declare function useQueries<T extends readonly unknown[], TCombinedResult = QueriesResults<T>>(
  options: {
    queries: readonly [...{ [K in keyof T]: T[K] & QueriesQueryOptions<T[K]> }];
    combine?: (results: QueriesResults<T>) => TCombinedResult;
    subscribed?: boolean;
  },
  queryClient?: QueryClientLike,
): TCombinedResult;

export type SuspenseQueriesQueryOptions<T> =
  T extends {
    queryFn?: QueryFnOf<infer TQueryFnData, infer TKey extends QueryKey>;
    select?: (data: never) => infer TData;
  }
    ? UseSuspenseQueryOptions<TQueryFnData, unknown, unknown extends TData ? TQueryFnData : TData, TKey>
    : UseSuspenseQueryOptions;

export type SuspenseQueriesQueryResult<T> =
  T extends {
    queryFn?: QueryFnOf<infer TQueryFnData, QueryKey>;
    select?: (data: never) => infer TData;
  }
    ? UseSuspenseQueryResult<unknown extends TData ? TQueryFnData : TData>
    : UseSuspenseQueryResult;

export type SuspenseQueriesResults<T extends readonly unknown[]> = { -readonly [K in keyof T]: SuspenseQueriesQueryResult<T[K]> };

/** useQueries that suspends until every query has data. */
export declare function useSuspenseQueries<T extends readonly unknown[], TCombinedResult = SuspenseQueriesResults<T>>(
  options: {
    queries: readonly [...{ [K in keyof T]: T[K] & SuspenseQueriesQueryOptions<T[K]> }];
    combine?: (results: SuspenseQueriesResults<T>) => TCombinedResult;
  },
  queryClient?: QueryClientLike,
): TCombinedResult;

// --- prefetch, options helpers -----------------------------------------------------------

/** Starts the query's fetch in render, unless the cache already has the query. */
export declare function usePrefetchQuery<TQueryFnData = unknown, TError = unknown, TData = TQueryFnData, TKey extends QueryKey = QueryKey>(
  options: UseQueryOptions<TQueryFnData, TError, TData, TKey>,
  queryClient?: QueryClientLike,
): void;

/** Starts the infinite query's first fetch in render, unless the cache already has the query. */
export declare function usePrefetchInfiniteQuery<TQueryFnData = unknown, TError = unknown, TKey extends QueryKey = QueryKey, TPageParam = unknown>(
  options: FetchInfiniteQueryOptions<TQueryFnData, TError, TKey, TPageParam>,
  queryClient?: QueryClientLike,
): void;

/** The options given, typed once for useQuery, useSuspenseQuery, prefetchQuery, … */
export declare function queryOptions<TQueryFnData = unknown, TError = unknown, TData = TQueryFnData, TKey extends QueryKey = QueryKey>(
  options: UseQueryOptions<TQueryFnData, TError, TData, TKey>,
): UseQueryOptions<TQueryFnData, TError, TData, TKey> & { queryKey: DataTag<TKey, TQueryFnData, TError> };

/** The options given, typed once for useInfiniteQuery, prefetchInfiniteQuery, … */
export declare function infiniteQueryOptions<
  TQueryFnData = unknown,
  TError = unknown,
  TData = InfiniteData<TQueryFnData>,
  TKey extends QueryKey = QueryKey,
  TPageParam = unknown,
>(
  options: UseInfiniteQueryOptions<TQueryFnData, TError, TData, TKey, TPageParam>,
): UseInfiniteQueryOptions<TQueryFnData, TError, TData, TKey, TPageParam> & { queryKey: DataTag<TKey, InfiniteData<TQueryFnData, TPageParam>, TError> };

// --- error reset boundary ---------------------------------------------------------------

export interface QueryErrorResetBoundaryValue {
  /** The next render of an errored query retries it instead of throwing again. */
  reset: () => void;
  clearReset: () => void;
  isReset: () => boolean;
}

export interface QueryErrorResetBoundaryProps {
  children: ReactNode | ((value: QueryErrorResetBoundaryValue) => ReactNode);
}

/** A reset state of its own for the query hooks below (give `reset` to the error boundary's reset). */
export declare function QueryErrorResetBoundary(props: QueryErrorResetBoundaryProps): ReactElement;

/** The reset state of the nearest QueryErrorResetBoundary (else the page's). */
export declare function useQueryErrorResetBoundary(): QueryErrorResetBoundaryValue;

export type { FetchNextPageOptions, FetchPreviousPageOptions };
