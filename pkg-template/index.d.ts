// Types of the stackquery package (every host build exports the same API).

export type QueryKey = ReadonlyArray<unknown>;

/** Milliseconds; `Infinity` means never. */
export type Millis = number;

export type QueryStatus = 'pending' | 'success' | 'error';
export type FetchStatus = 'fetching' | 'paused' | 'idle';

export interface QueryState<TData = unknown, TError = unknown> {
  status: QueryStatus;
  fetchStatus: FetchStatus;
  data: TData | undefined;
  error: TError | null;
  dataUpdatedAt: number;
  errorUpdatedAt: number;
  failureCount: number;
  failureReason: TError | null;
  isInvalidated: boolean;
  dataUpdateCount: number;
  errorUpdateCount: number;
}

export interface QueryFunctionContext<TKey extends QueryKey = QueryKey> {
  queryKey: TKey;
  signal: AbortSignal;
  meta: Record<string, unknown> | undefined;
}

export type RetryValue<TError = unknown> = boolean | number | ((failureCount: number, error: TError) => boolean);
export type RetryDelayValue<TError = unknown> = number | ((failureCount: number, error: TError) => number);

export interface QueryOptions<TData = unknown, TError = unknown, TKey extends QueryKey = QueryKey> {
  queryKey: TKey;
  queryFn?: (context: QueryFunctionContext<TKey>) => TData | Promise<TData>;
  /** How long data stays fresh: ms, `Infinity` (until invalidated) or `'static'` (forever). */
  staleTime?: Millis | 'static';
  /** How long an unobserved query stays in L1. */
  gcTime?: Millis;
  retry?: RetryValue<TError>;
  retryDelay?: RetryDelayValue<TError>;
  initialData?: TData | (() => TData | undefined);
  meta?: Record<string, unknown>;
}

export interface QueryClientOptions {
  staleTime?: Millis | 'static';
  gcTime?: Millis;
  retry?: RetryValue;
  retryDelay?: RetryDelayValue;
  /** Upper bound of queries in L1 (least recently used go first; observed and fetching ones never). */
  maxEntries?: number;
}

export interface QueryView {
  queryKey: QueryKey;
  queryHash: string;
  state: QueryState;
  meta: Record<string, unknown> | undefined;
}

export interface QueryFilters {
  /** Matches by prefix: `['todos']` matches `['todos', 1]`. */
  queryKey?: QueryKey;
  exact?: boolean;
  type?: 'all' | 'active' | 'inactive';
  stale?: boolean;
  fetchStatus?: FetchStatus;
  predicate?: (query: QueryView) => boolean;
}

export type RefetchType = 'active' | 'inactive' | 'all' | 'none';

export interface InvalidateQueryFilters extends QueryFilters {
  refetchType?: RefetchType;
}

export type Updater<TData> = TData | ((old: TData | undefined) => TData | undefined);

export declare class QueryClient {
  constructor(options?: QueryClientOptions);
  fetchQuery<TData = unknown, TError = unknown, TKey extends QueryKey = QueryKey>(
    options: QueryOptions<TData, TError, TKey>,
  ): Promise<TData>;
  prefetchQuery<TData = unknown, TError = unknown, TKey extends QueryKey = QueryKey>(
    options: QueryOptions<TData, TError, TKey>,
  ): Promise<void>;
  ensureQueryData<TData = unknown, TError = unknown, TKey extends QueryKey = QueryKey>(
    options: QueryOptions<TData, TError, TKey>,
  ): Promise<TData>;
  getQueryData<TData = unknown>(queryKey: QueryKey): TData | undefined;
  getQueryState<TData = unknown, TError = unknown>(queryKey: QueryKey): QueryState<TData, TError> | undefined;
  setQueryData<TData = unknown>(queryKey: QueryKey, updater: Updater<TData>): TData | undefined;
  getQueriesData<TData = unknown>(filters?: QueryFilters): Array<[QueryKey, TData | undefined]>;
  setQueriesData<TData = unknown>(filters: QueryFilters, updater: Updater<TData>): Array<[QueryKey, TData | undefined]>;
  invalidateQueries(filters?: InvalidateQueryFilters, options?: { refetchType?: RefetchType }): Promise<void>;
  refetchQueries(filters?: QueryFilters): Promise<void>;
  cancelQueries(filters?: QueryFilters): Promise<void>;
  removeQueries(filters?: QueryFilters): void;
  resetQueries(filters?: QueryFilters): Promise<void>;
  isFetching(filters?: QueryFilters): number;
  clear(): Promise<void>;
  dispose(): void;
  /** Number of queries in L1. */
  readonly size: number;
  free(): void;
}
