// Types of stackquery/react: React 18+ bindings for a stackquery QueryClient, beside
// everything stackquery exports (a TanStack app changes only its import line).
export * from '../index.js';
import type { ReactElement, ReactNode } from 'react';
import type {
  MutationOptions,
  MutationState,
  QueryClient,
  QueryKey,
  QueryObserverOptions,
  QueryObserverResult,
} from '../index.js';

/**
 * A client from `stackquery`, or from `stackquery/web` (whose generated types give `runtime`
 * as a plain string).
 */
export type QueryClientLike = Omit<QueryClient, 'runtime'> & { readonly runtime: string };

export interface QueryClientProviderProps {
  client: QueryClientLike;
  children?: ReactNode;
}

/** Makes `client` the QueryClient of every hook below it. */
export declare function QueryClientProvider(props: QueryClientProviderProps): ReactElement;

/** The QueryClient given, else the one of the nearest `QueryClientProvider` (throws when none). */
export declare function useQueryClient(queryClient?: QueryClientLike): QueryClient;

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

export type UseMutationOptions<TData = unknown, TError = unknown, TVariables = void, TContext = unknown> =
  MutationOptions<TData, TError, TVariables, TContext>;

/** Callbacks for one `mutate` call; they run after the mutation's own, for the latest call only. */
export interface MutateOptions<TData = unknown, TError = unknown, TVariables = void, TContext = unknown> {
  onSuccess?: (data: TData, variables: TVariables, context: TContext | undefined) => unknown;
  onError?: (error: TError, variables: TVariables, context: TContext | undefined) => unknown;
  onSettled?: (
    data: TData | undefined,
    error: TError | null,
    variables: TVariables,
    context: TContext | undefined,
  ) => unknown;
}

export type UseMutationResult<TData = unknown, TError = unknown, TVariables = void, TContext = unknown> =
  MutationState<TData, TError, TVariables, TContext> & {
    /** Runs the mutation; a failure is not thrown (read `error`/`isError`, or use `onError`). */
    mutate: (variables: TVariables, options?: MutateOptions<TData, TError, TVariables, TContext>) => void;
    /** Runs the mutation; resolves with its data or rejects with its error. */
    mutateAsync: (
      variables: TVariables,
      options?: MutateOptions<TData, TError, TVariables, TContext>,
    ) => Promise<TData>;
    /** Back to idle. */
    reset: () => void;
  };

/** A mutation for this component, its state re-rendered on each change. */
export declare function useMutation<TData = unknown, TError = unknown, TVariables = void, TContext = unknown>(
  options: UseMutationOptions<TData, TError, TVariables, TContext>,
  queryClient?: QueryClientLike,
): UseMutationResult<TData, TError, TVariables, TContext>;
