// Types of the stackquery package's API, without the built-in L2 stores (stores.d.ts):
// what `stackquery/l1` exports; index.d.ts adds the stores.

export type QueryKey = ReadonlyArray<unknown>;

/** Milliseconds; `Infinity` means never. */
export type Millis = number;

export type QueryStatus = 'pending' | 'success' | 'error';
export type FetchStatus = 'fetching' | 'paused' | 'idle';

/** A query's state (`getQueryState`, `query.state`, `dehydrate`), with TanStack's field names. */
export interface QueryState<TData = unknown, TError = unknown> {
  status: QueryStatus;
  fetchStatus: FetchStatus;
  data: TData | undefined;
  error: TError | null;
  dataUpdatedAt: number;
  errorUpdatedAt: number;
  fetchFailureCount: number;
  fetchFailureReason: TError | null;
  /** Always `null` (TanStack's `fetchMeta` of `fetchNextPage`-style fetches). */
  fetchMeta: null;
  isInvalidated: boolean;
  dataUpdateCount: number;
  errorUpdateCount: number;
}

export interface QueryFunctionContext<TKey extends QueryKey = QueryKey> {
  /** The client running the query (read while it is alive: a running fetch does not keep a dropped client). */
  client: QueryClient;
  queryKey: TKey;
  /**
   * Aborts when the fetch is cancelled. Reading it tells the client the query function can
   * stop: when the query's last observer leaves, the fetch is then cancelled (not only kept
   * from retrying), as TanStack's.
   */
  signal: AbortSignal;
  meta: Record<string, unknown> | undefined;
}

export type RetryValue<TError = unknown> = boolean | number | ((failureCount: number, error: TError) => boolean);
export type RetryDelayValue<TError = unknown> = number | ((failureCount: number, error: TError) => number);

export interface QueryOptions<TData = unknown, TError = unknown, TKey extends QueryKey = QueryKey> {
  queryKey: TKey;
  /** `skipToken`: the query cannot run now (an observer is disabled; a fetch call rejects when it would run it). */
  queryFn?: ((context: QueryFunctionContext<TKey>) => TData | Promise<TData>) | SkipToken;
  /**
   * How long data stays fresh: ms, `Infinity` (until invalidated) or `'static'` (forever).
   * Or a function of the query giving one (`undefined`: the default), as in TanStack: a call
   * asks it once, an observer again after each change it reports.
   */
  staleTime?: Millis | 'static' | ((query: Query<TData, TError, TKey>) => Millis | 'static' | undefined);
  /** How long an unobserved query stays in L1. */
  gcTime?: Millis;
  retry?: RetryValue<TError>;
  retryDelay?: RetryDelayValue<TError>;
  initialData?: TData | (() => TData | undefined);
  /** When `initialData` was current (default: when the query is made), so it is stale or fresh by that. */
  initialDataUpdatedAt?: number | (() => number | undefined);
  meta?: Record<string, unknown>;
  /** Write this query to L2 (default: true when the client has `storage`). */
  persist?: boolean;
  /**
   * When fetches wait for the network (`fetchStatus: 'paused'`, see `onlineManager`):
   * `'online'` (default) before every attempt, `'offlineFirst'` only before retries,
   * `'always'` never. Retries also wait while the page is hidden.
   */
  networkMode?: NetworkMode;
  /**
   * New data deeply equal to the old keeps the old references (default `true`), so `===`
   * sees unchanged subtrees as unchanged. `false` stores new data as it is; a function
   * decides itself.
   */
  structuralSharing?: boolean | ((oldData: TData | undefined, newData: TData) => TData);
}

export type NetworkMode = 'online' | 'offlineFirst' | 'always';

/** `true`: refetch when stale; `'always'`: even when fresh; `false`: never. */
export type RefetchOnEvent = boolean | 'always';

/**
 * The L2 protocol. Values are opaque JSON strings written by stackquery; `ttl` is a
 * clean-up hint in seconds (expiry is also checked on read). Methods may return
 * promises or plain values. The optional batch methods are used when present;
 * `keys(prefix)` lets `clear()` remove a namespace by prefix and lets a full store be
 * trimmed. Without it the client keeps an index of what it wrote under
 * `${keyPrefix}:#index`, so `clear()` still removes every entry.
 */
export interface StorageBackend {
  get(key: string): Promise<string | null | undefined> | string | null | undefined;
  set(key: string, value: string, ttl?: number): Promise<void> | void;
  delete(key: string): Promise<void> | void;
  /** The values of `keys`, in their order (`null` or `undefined` for a miss): the cold keys of one turn are read with one call. */
  getMany?(keys: string[]): Promise<Array<string | null | undefined>> | Array<string | null | undefined>;
  setMany?(entries: Array<{ key: string; value: string; ttl?: number }>): Promise<void> | void;
  deleteMany?(keys: string[]): Promise<void> | void;
  keys?(prefix: string): Promise<string[]> | string[];
  /**
   * Deletes every key starting with `prefix` (`clear()` of the client's namespace). Without
   * it, `clear()` lists the namespace with `keys(prefix)` and deletes what it lists. `signal`
   * aborts when the client stops waiting (`storageTimeout`): a long walk may stop there and
   * go on from where it was at the next call.
   */
  deletePrefix?(prefix: string, signal?: AbortSignal): Promise<void> | void;
  /**
   * The largest entry (UTF-8 bytes of the stored string) this store takes. When the client's
   * own `maxEntryBytes` is not given, it is the lower of this and the default (4 MiB): a larger
   * entry is never sent, is reported through `onStorageError`, and its older stored version is
   * deleted. The Deno KV and Workers KV adapters declare their hosts' limits.
   */
  maxEntryBytes?: number;
}

export type StorageOperation = 'get' | 'set' | 'delete' | 'clear' | 'serialize';

/** TanStack's client-wide defaults, under every call's own options. */
export interface DefaultOptions<TError = unknown> {
  queries?: Partial<Omit<QueryObserverOptions<unknown, TError>, 'queryKey'>>;
  mutations?: Partial<MutationOptions<unknown, TError, any, any>>;
  /** Defaults of `dehydrate(client, options)`. */
  dehydrate?: DehydrateOptions;
  /** Defaults of `hydrate(client, state, { defaultOptions })`. */
  hydrate?: HydrateOptions['defaultOptions'];
}

export interface QueryClientOptions {
  /**
   * Defaults of every query and mutation call, as in TanStack (`{ queries, mutations }`).
   * `queries`' `staleTime`, `gcTime`, `retry`, `retryDelay`, `refetchOnWindowFocus` and
   * `refetchOnReconnect` also become the client's own (what the options of the same name
   * here set), unless given here too.
   */
  defaultOptions?: DefaultOptions;
  /** The client's QueryCache (`getQueryCache()`), e.g. with global `onError` / `onSuccess` / `onSettled`. */
  queryCache?: QueryCache;
  /** The client's MutationCache (`getMutationCache()`), e.g. with global mutation callbacks. */
  mutationCache?: MutationCache;
  staleTime?: Millis | 'static';
  gcTime?: Millis;
  retry?: RetryValue;
  retryDelay?: RetryDelayValue;
  /** Upper bound of queries in L1 (least recently used go first; observed and fetching ones never). */
  maxEntries?: number;
  /** L2: a built-in backend or any object implementing the storage protocol. Omit for L1 only. */
  storage?: StorageBackend;
  /** L2 namespace: keys are `${keyPrefix}:${queryHash}`. Default `'stackquery'`. */
  keyPrefix?: string;
  /** App/schema version: L2 entries written under another buster are ignored and deleted. */
  buster?: string;
  /** L2 entries older than this are ignored and deleted. Default one day. */
  persistMaxAge?: Millis;
  /** A storage call slower than this counts as failed. Default 3000. */
  storageTimeout?: Millis;
  /**
   * Largest L2 entry, in bytes of its stored string. Larger data stays in L1 only; a larger
   * stored entry is a miss that is deleted without being parsed. Default 4 MiB (4194304);
   * `Infinity` for no bound.
   */
  maxEntryBytes?: number;
  /**
   * Most bytes this client's namespace may hold in L2 (the stored strings). Past it, after each
   * write, the least recently used entries (written or read longest ago) are deleted from L2;
   * they stay in L1. Default: no limit (the storage's own quota applies).
   */
  persistMaxBytes?: number;
  /**
   * Where the client runs. `'auto'` (default) detects a browser, a server (Node, Deno) or the
   * edge (Cloudflare Workers). `'edge'` arms no timer: expired queries go on the next call.
   */
  runtime?: 'auto' | 'browser' | 'server' | 'edge';
  /** Called once per storage outage (and for each corrupt entry found); default: one console warning. */
  onStorageError?: (error: unknown, operation: StorageOperation, key: string) => void;
  /**
   * Cross-tab sync through `BroadcastChannel`: changes (fetch results, `setQueryData`,
   * invalidation, removal, `clear()`) reach the L1 of other tabs on the same storage and
   * `keyPrefix`. Default: on with `IndexedDbStorage`, off otherwise.
   */
  crossTab?: boolean;
  /** Default `networkMode` of queries. */
  networkMode?: NetworkMode;
  /** Default `refetchOnWindowFocus` of observers (default `true`). */
  refetchOnWindowFocus?: RefetchOnEvent;
  /** Default `refetchOnReconnect` of observers (default `true`). */
  refetchOnReconnect?: RefetchOnEvent;
}

/** What a filters' `predicate` gets: the query, as the client's `QueryCache` holds it. */
export type QueryView = Query;

export interface QueryFilters {
  /** Matches by prefix: `['todos']` matches `['todos', 1]`. */
  queryKey?: QueryKey;
  exact?: boolean;
  type?: 'all' | 'active' | 'inactive';
  stale?: boolean;
  fetchStatus?: FetchStatus;
  /** Runs over each query the other filters kept (TanStack's: it gets the `Query`). */
  predicate?: (query: Query) => boolean;
}

export type RefetchType = 'active' | 'inactive' | 'all' | 'none';

export interface InvalidateQueryFilters extends QueryFilters {
  refetchType?: RefetchType;
}

export type Updater<TData> = TData | ((old: TData | undefined) => TData | undefined);

/** The keys under which `queryOptions` tags a query key with its data and error types (types only). */
export declare const dataTagSymbol: unique symbol;
export declare const dataTagErrorSymbol: unique symbol;
/**
 * `TType` (a query key) tagged with the data and error types of its query, as `queryOptions`
 * returns it (TanStack's): `getQueryData`, `setQueryData` and `getQueryState` infer the data
 * type from a tagged key. A type already tagged is returned as it is.
 */
export type DataTag<TType, TValue, TError = unknown> = TType extends { [dataTagSymbol]: any }
  ? TType
  : TType & { [dataTagSymbol]: TValue; [dataTagErrorSymbol]: TError };
/** The data type a key was tagged with, else `TFallback`. */
export type InferDataFromTag<TFallback, TKey> = TKey extends { [dataTagSymbol]: infer TTagged }
  ? (unknown extends TTagged ? TFallback : TTagged)
  : TFallback;
/** `T`, in a position where it is not inferred from (TypeScript's `NoInfer`, for every version). */
type NotInferred<T> = [T][T extends any ? 0 : never];

export interface QueryObserverOptions<TData = unknown, TError = unknown, TKey extends QueryKey = QueryKey>
  extends QueryOptions<TData, TError, TKey> {
  /**
   * A disabled observer never fetches by itself and does not make its query active. A
   * function of the query is asked again after each change the observer reports.
   */
  enabled?: boolean | ((query: Query<TData, TError, TKey>) => boolean);
  /** Derives what the observer shows; memoized on the data object; a throw is an error result. */
  select?: (data: TData) => TData;
  /**
   * Refetch every this many ms while subscribed (a failed poll does not stop it); `false` for
   * none. A function of the query is asked again after each change (`refetchInterval: (query)
   * => query.state.data?.done ? false : 1000` polls until done).
   */
  refetchInterval?: number | false | ((query: Query<TData, TError, TKey>) => number | false | undefined);
  /**
   * Shown while the query is pending with no data (`isPlaceholderData`); never cached or
   * persisted. A function gets the data and the `Query` this observer last showed data of.
   */
  placeholderData?: TData | ((previousData: TData | undefined, previousQuery: Query | undefined) => TData | undefined);
  /** Refetch when the page becomes visible again (default `true`: when stale); a function is asked then. */
  refetchOnWindowFocus?: RefetchOnEvent | ((query: Query<TData, TError, TKey>) => RefetchOnEvent);
  /** Refetch when the network comes back (default `true`: when stale); a function is asked then. */
  refetchOnReconnect?: RefetchOnEvent | ((query: Query<TData, TError, TKey>) => RefetchOnEvent);
  /**
   * With data, the first subscriber refetches it when stale (`true`, default), always
   * (`'always'`) or never (`false`); a function of the query is asked at that mount.
   */
  refetchOnMount?: RefetchOnEvent | ((query: Query<TData, TError, TKey>) => RefetchOnEvent);
  /** A query in error with no data is fetched again when an observer mounts (default `true`). */
  retryOnMount?: boolean;
  /** `refetchInterval` polls while the page is hidden too (default `false`). */
  refetchIntervalInBackground?: boolean;
  /** The result properties whose change the listeners hear (an array, or a function giving one); `'all'` or none: every change. */
  notifyOnChangeProps?: Array<keyof QueryObserverResult<TData, TError>> | 'all' | (() => Array<keyof QueryObserverResult<TData, TError>> | 'all');
}

/** The state as an observer reports it: the fetch's failures as `failureCount` / `failureReason`, and TanStack's flags. */
export interface QueryObserverResult<TData = unknown, TError = unknown>
  extends Omit<QueryState<TData, TError>, 'fetchFailureCount' | 'fetchFailureReason' | 'fetchMeta' | 'isInvalidated' | 'dataUpdateCount'> {
  failureCount: number;
  failureReason: TError | null;
  isPending: boolean;
  isSuccess: boolean;
  isError: boolean;
  isFetching: boolean;
  isPaused: boolean;
  isLoading: boolean;
  /** Deprecated in TanStack v5: `isLoading`. */
  isInitialLoading: boolean;
  isRefetching: boolean;
  isStale: boolean;
  isPlaceholderData: boolean;
  isFetched: boolean;
  /** Data or an error came since the observer was made (or given another key). */
  isFetchedAfterMount: boolean;
  isLoadingError: boolean;
  isRefetchError: boolean;
  isEnabled: boolean;
  /** The observer's `refetch`. */
  refetch: (options?: RefetchOptions) => Promise<QueryObserverResult<TData, TError>>;
}

export declare class QueryObserver<TData = unknown, TError = unknown, TKey extends QueryKey = QueryKey> {
  constructor(client: QueryClient, options: QueryObserverOptions<TData, TError, TKey>);
  /** `listener(result)` on each change from now on (the current result is `getCurrentResult()`); the first subscriber mounts the query. Returns `unsubscribe`. */
  subscribe(listener: (result: QueryObserverResult<TData, TError>) => void): () => void;
  getCurrentResult(): QueryObserverResult<TData, TError>;
  refetch(options?: RefetchOptions): Promise<QueryObserverResult<TData, TError>>;
  setOptions(options: QueryObserverOptions<TData, TError, TKey>): void;
  destroy(): void;
  /** Releases its wasm memory now (as the end of a `using` block does): any later call on it throws a TypeError; calling it again does nothing. */
  free(): void;
}

/** The data of an infinite query: its pages and the pageParam each was fetched with, in order. */
export interface InfiniteData<TData, TPageParam = unknown> {
  pages: TData[];
  pageParams: TPageParam[];
}

/** `'backward'`: a page fetched by `fetchPreviousPage`; `'forward'`: any other. */
export type FetchDirection = 'forward' | 'backward';

export interface InfiniteQueryFunctionContext<TKey extends QueryKey = QueryKey, TPageParam = unknown>
  extends QueryFunctionContext<TKey> {
  pageParam: TPageParam;
  direction: FetchDirection;
}

/** The next page's param, or `undefined`/`null` when there is none (`hasNextPage: false`). */
export type GetNextPageParamFunction<TPageParam, TQueryFnData = unknown> = (
  lastPage: TQueryFnData,
  allPages: TQueryFnData[],
  lastPageParam: TPageParam,
  allPageParams: TPageParam[],
) => TPageParam | undefined | null;

/** The previous page's param, or `undefined`/`null` when there is none (`hasPreviousPage: false`). */
export type GetPreviousPageParamFunction<TPageParam, TQueryFnData = unknown> = (
  firstPage: TQueryFnData,
  allPages: TQueryFnData[],
  firstPageParam: TPageParam,
  allPageParams: TPageParam[],
) => TPageParam | undefined | null;

/** What makes a query infinite: how pages are fetched and how their params follow each other. */
export interface InfinitePageOptions<TQueryFnData = unknown, TKey extends QueryKey = QueryKey, TPageParam = unknown> {
  /** Fetches one page (required, here or in the defaults, unless the query already has one). */
  queryFn?: (context: InfiniteQueryFunctionContext<TKey, TPageParam>) => TQueryFnData | Promise<TQueryFnData>;
  /** The pageParam of the first page. */
  initialPageParam: TPageParam;
  getNextPageParam: GetNextPageParamFunction<TPageParam, TQueryFnData>;
  getPreviousPageParam?: GetPreviousPageParamFunction<TPageParam, TQueryFnData>;
  /** Most pages kept: a new page drops one from the other end. `0` or absent: no limit. */
  maxPages?: number;
}

export interface FetchInfiniteQueryOptions<TQueryFnData = unknown, TError = unknown, TKey extends QueryKey = QueryKey, TPageParam = unknown>
  extends Omit<QueryOptions<InfiniteData<TQueryFnData, TPageParam>, TError, TKey>, 'queryFn'>,
    InfinitePageOptions<TQueryFnData, TKey, TPageParam> {
  /** How many pages a fetch of the query fetches (default: as many as it holds, at least one). */
  pages?: number;
}

export interface EnsureInfiniteQueryDataOptions<TQueryFnData = unknown, TError = unknown, TKey extends QueryKey = QueryKey, TPageParam = unknown>
  extends FetchInfiniteQueryOptions<TQueryFnData, TError, TKey, TPageParam> {
  /** Answer stale data at once and refetch it in the background. */
  revalidateIfStale?: boolean;
}

export interface InfiniteQueryObserverOptions<
  TQueryFnData = unknown,
  TError = unknown,
  TData = InfiniteData<TQueryFnData>,
  TKey extends QueryKey = QueryKey,
  TPageParam = unknown,
> extends Omit<QueryObserverOptions<InfiniteData<TQueryFnData, TPageParam>, TError, TKey>, 'queryFn' | 'select'>,
    InfinitePageOptions<TQueryFnData, TKey, TPageParam> {
  /** Derives what the results show from the pages; memoized on the data object. */
  select?: (data: InfiniteData<TQueryFnData, TPageParam>) => TData;
}

export interface FetchNextPageOptions {
  /** Default `true`: a running refetch of a query that has data is replaced; `false` joins it. */
  cancelRefetch?: boolean;
  /** Reject with the fetch's error (by default the promise resolves with the error result). */
  throwOnError?: boolean;
}
export type FetchPreviousPageOptions = FetchNextPageOptions;

export interface InfiniteQueryObserverResult<TData = unknown, TError = unknown> extends QueryObserverResult<TData, TError> {
  fetchNextPage(options?: FetchNextPageOptions): Promise<InfiniteQueryObserverResult<TData, TError>>;
  fetchPreviousPage(options?: FetchPreviousPageOptions): Promise<InfiniteQueryObserverResult<TData, TError>>;
  /** `getNextPageParam` gives a param for the query's pages. */
  hasNextPage: boolean;
  /** `getPreviousPageParam` gives a param for the query's pages. */
  hasPreviousPage: boolean;
  isFetchingNextPage: boolean;
  isFetchingPreviousPage: boolean;
  /** The query failed fetching the next page (its pages are kept; not an `isRefetchError`). */
  isFetchNextPageError: boolean;
  isFetchPreviousPageError: boolean;
}

/** A `QueryObserver` of an infinite query (`{ pages, pageParams }`), fetching a page more at either end. */
export declare class InfiniteQueryObserver<
  TQueryFnData = unknown,
  TError = unknown,
  TData = InfiniteData<TQueryFnData>,
  TKey extends QueryKey = QueryKey,
  TPageParam = unknown,
> {
  constructor(client: QueryClient, options: InfiniteQueryObserverOptions<TQueryFnData, TError, TData, TKey, TPageParam>);
  subscribe(listener: (result: InfiniteQueryObserverResult<TData, TError>) => void): () => void;
  getCurrentResult(): InfiniteQueryObserverResult<TData, TError>;
  /** Fetches every page again, each next param from `getNextPageParam`. */
  refetch(options?: FetchNextPageOptions): Promise<InfiniteQueryObserverResult<TData, TError>>;
  fetchNextPage(options?: FetchNextPageOptions): Promise<InfiniteQueryObserverResult<TData, TError>>;
  fetchPreviousPage(options?: FetchPreviousPageOptions): Promise<InfiniteQueryObserverResult<TData, TError>>;
  setOptions(options: InfiniteQueryObserverOptions<TQueryFnData, TError, TData, TKey, TPageParam>): void;
  destroy(): void;
  /** Releases its wasm memory now (as the end of a `using` block does): any later call on it throws a TypeError; calling it again does nothing. */
  free(): void;
}

/** The last argument of `mutationFn` and of every mutation callback (TanStack's `MutationFunctionContext`): a new object per run. */
export interface MutationFunctionContext {
  client: QueryClient;
  meta: Record<string, unknown> | undefined;
  mutationKey: QueryKey | undefined;
}

export interface MutationOptions<TData = unknown, TError = unknown, TVariables = void, TContext = unknown> {
  /** Here or in the defaults (`defaultOptions.mutations`, `setMutationDefaults`); without one, `mutate()` rejects. */
  mutationFn?: (variables: TVariables, context: MutationFunctionContext) => TData | Promise<TData>;
  /** Picks the `setMutationDefaults` that apply. */
  mutationKey?: QueryKey;
  /** Runs first; its value is the context handed to the other callbacks (e.g. a snapshot for rollback). */
  onMutate?: (variables: TVariables, context: MutationFunctionContext) => TContext | Promise<TContext>;
  onSuccess?: (data: TData, variables: TVariables, onMutateResult: TContext | undefined, context: MutationFunctionContext) => unknown;
  onError?: (error: TError, variables: TVariables, onMutateResult: TContext | undefined, context: MutationFunctionContext) => unknown;
  onSettled?: (data: TData | undefined, error: TError | null, variables: TVariables, onMutateResult: TContext | undefined, context: MutationFunctionContext) => unknown;
  /** Default 0. */
  retry?: RetryValue<TError>;
  retryDelay?: RetryDelayValue<TError>;
  /** Mutations sharing a scope id run one at a time, in the order submitted. */
  scope?: { id: string };
  /** Offline under `'online'` (default), `mutationFn` waits with `isPaused: true` until the network returns. */
  networkMode?: NetworkMode;
  /** How long the MutationCache keeps it once settled and unsubscribed (default 5 minutes). */
  gcTime?: Millis;
  meta?: Record<string, unknown>;
  /**
   * The durable outbox: each run is written to the client's `storage` (under
   * `${keyPrefix}:~outbox:…`) before `mutationFn` runs and deleted once it settled, so a run
   * cut short by a reload or a restart runs again at `resumePausedMutations()` (or when the
   * network comes back) with the `mutationFn` registered for its key through
   * `setMutationDefaults`. Needs a `mutationKey` (a TypeError without one) and JSON
   * variables (others: one warning, not persisted). From `defaultOptions.mutations` it
   * applies to mutations with a key. Default `false`.
   */
  persist?: boolean;
}

export interface MutationState<TData = unknown, TError = unknown, TVariables = void, TContext = unknown> {
  status: 'idle' | 'pending' | 'success' | 'error';
  data: TData | undefined;
  error: TError | null;
  variables: TVariables | undefined;
  context: TContext | undefined;
  failureCount: number;
  failureReason: TError | null;
  submittedAt: number;
  isIdle: boolean;
  isPending: boolean;
  isSuccess: boolean;
  isError: boolean;
  isPaused: boolean;
}

export declare class Mutation<TData = unknown, TError = unknown, TVariables = void, TContext = unknown> {
  /** Its number in the client's MutationCache, in the order made. */
  readonly mutationId: number;
  /** Its options, with the defaults under them. */
  readonly options: MutationOptions<TData, TError, TVariables, TContext>;
  readonly meta: Record<string, unknown> | undefined;
  /** Runs it; `options`' callbacks run after the mutation's own, for this call only. */
  mutate(variables: TVariables, options?: MutateOptions<TData, TError, TVariables, TContext>): Promise<TData>;
  readonly state: MutationState<TData, TError, TVariables, TContext>;
  subscribe(listener: (state: MutationState<TData, TError, TVariables, TContext>) => void): () => void;
  reset(): void;
  free(): void;
}

export interface MutationObserverResult<TData = unknown, TError = unknown, TVariables = void, TContext = unknown>
  extends MutationState<TData, TError, TVariables, TContext> {
  mutate(variables: TVariables, options?: MutateOptions<TData, TError, TVariables, TContext>): Promise<TData>;
  reset(): void;
}

/** TanStack's: the latest run of a mutation; each `mutate()` makes a new mutation of the client. */
export declare class MutationObserver<TData = unknown, TError = unknown, TVariables = void, TContext = unknown> {
  constructor(client: QueryClient, options: MutationOptions<TData, TError, TVariables, TContext>);
  readonly options: MutationOptions<TData, TError, TVariables, TContext>;
  setOptions(options: MutationOptions<TData, TError, TVariables, TContext>): void;
  subscribe(listener: (result: MutationObserverResult<TData, TError, TVariables, TContext>) => void): () => void;
  hasListeners(): boolean;
  getCurrentResult(): MutationObserverResult<TData, TError, TVariables, TContext>;
  /** Rejects with the mutation's error; `options`' callbacks run for the latest call while subscribed. */
  mutate(variables: TVariables, options?: MutateOptions<TData, TError, TVariables, TContext>): Promise<TData>;
  reset(): void;
}

export declare class QueryClient {
  constructor(options?: QueryClientOptions);
  fetchQuery<TData = unknown, TError = unknown, TKey extends QueryKey = QueryKey>(
    options: QueryOptions<TData, TError, TKey>,
  ): Promise<TData>;
  prefetchQuery<TData = unknown, TError = unknown, TKey extends QueryKey = QueryKey>(
    options: QueryOptions<TData, TError, TKey>,
  ): Promise<void>;
  /** Cached data however stale, else a fetch; `revalidateIfStale`: stale data now and a background refetch. */
  ensureQueryData<TData = unknown, TError = unknown, TKey extends QueryKey = QueryKey>(
    options: QueryOptions<TData, TError, TKey> & { revalidateIfStale?: boolean },
  ): Promise<TData>;
  /**
   * Reads queries from L2 into L1 without fetching: these keys (read together, in one storage
   * call), or with no argument every stored query of the client's namespace, or with
   * `{ queryKey }` those whose key starts with its elements (one pass: one IndexedDB
   * transaction; L1 filled in slices of at most 8 ms, up to `maxEntries`). Queries already
   * holding data in L1 are not read over. Resolves with how many got data; 0 with no storage or
   * when storage fails.
   */
  restoreQueries(queryKeys?: readonly QueryKey[] | { queryKey?: QueryKey }): Promise<number>;
  /** TanStack's `query()`: `fetchQuery`, then `select` on its data. */
  query<TQueryData = unknown, TError = unknown, TData = TQueryData, TKey extends QueryKey = QueryKey>(
    options: QueryOptions<TQueryData, TError, TKey> & { select?: (data: TQueryData) => TData },
  ): Promise<TData>;
  /** TanStack's `infiniteQuery()`: `fetchInfiniteQuery`, then `select`. */
  infiniteQuery<TQueryFnData = unknown, TError = unknown, TKey extends QueryKey = QueryKey, TPageParam = unknown, TData = InfiniteData<TQueryFnData, TPageParam>>(
    options: FetchInfiniteQueryOptions<TQueryFnData, TError, TKey, TPageParam> & { select?: (data: InfiniteData<TQueryFnData, TPageParam>) => TData },
  ): Promise<TData>;
  /** `fetchQuery` of an infinite query: `{ pages, pageParams }`; a refetch fetches every page again (`pages` of them). */
  fetchInfiniteQuery<TQueryFnData = unknown, TError = unknown, TData = TQueryFnData, TKey extends QueryKey = QueryKey, TPageParam = unknown>(
    options: FetchInfiniteQueryOptions<TQueryFnData, TError, TKey, TPageParam>,
  ): Promise<InfiniteData<TData, TPageParam>>;
  prefetchInfiniteQuery<TQueryFnData = unknown, TError = unknown, TKey extends QueryKey = QueryKey, TPageParam = unknown>(
    options: FetchInfiniteQueryOptions<TQueryFnData, TError, TKey, TPageParam>,
  ): Promise<void>;
  ensureInfiniteQueryData<TQueryFnData = unknown, TError = unknown, TData = TQueryFnData, TKey extends QueryKey = QueryKey, TPageParam = unknown>(
    options: EnsureInfiniteQueryDataOptions<TQueryFnData, TError, TKey, TPageParam>,
  ): Promise<InfiniteData<TData, TPageParam>>;
  watch<TData = unknown, TError = unknown, TKey extends QueryKey = QueryKey>(
    options: QueryObserverOptions<TData, TError, TKey>,
  ): QueryObserver<TData, TError, TKey>;
  /** The key's data; a key tagged by `queryOptions` gives its data type. */
  getQueryData<TData = unknown, TKey extends QueryKey = QueryKey, TInferred = InferDataFromTag<TData, TKey>>(
    queryKey: TKey,
  ): TInferred | undefined;
  getQueryState<TData = unknown, TError = unknown, TKey extends QueryKey = QueryKey, TInferred = InferDataFromTag<TData, TKey>>(
    queryKey: TKey,
  ): QueryState<TInferred, TError> | undefined;
  /** Sets the key's data; a key tagged by `queryOptions` types the updater's argument. */
  setQueryData<TData = unknown, TKey extends QueryKey = QueryKey, TInferred = InferDataFromTag<TData, TKey>>(
    queryKey: TKey,
    updater: Updater<NotInferred<TInferred>>,
    options?: SetDataOptions,
  ): NotInferred<TInferred> | undefined;
  getQueriesData<TData = unknown>(filters?: QueryFilters): Array<[QueryKey, TData | undefined]>;
  setQueriesData<TData = unknown>(filters: QueryFilters, updater: Updater<TData>, options?: SetDataOptions): Array<[QueryKey, TData | undefined]>;
  invalidateQueries(filters?: InvalidateQueryFilters, options?: RefetchOptions & { refetchType?: RefetchType }): Promise<void>;
  /** Refetches matches that are neither disabled nor observed as `'static'`. */
  refetchQueries(filters?: QueryFilters, options?: RefetchOptions): Promise<void>;
  /** The call that started a cancelled fetch resolves with the data the query went back to (rejects when there is none, or with `{ revert: false }`); other callers reject with a `CancelledError`. */
  cancelQueries(filters?: QueryFilters, options?: { revert?: boolean }): Promise<void>;
  removeQueries(filters?: QueryFilters): void;
  resetQueries(filters?: QueryFilters, options?: RefetchOptions): Promise<void>;
  /**
   * Online: paused mutations look again now, and the persisted mutations (`persist: true`) a
   * reload or restart cut short run again from the outbox, each once, in scope order, with the
   * `mutationFn` of `setMutationDefaults`; resolves when those runs settled. Offline: at once.
   */
  resumePausedMutations(): Promise<void>;
  isFetching(filters?: QueryFilters): number;
  /**
   * Log-out: empties L1 and this client's L2 namespace (every `${keyPrefix}:[…` entry, those
   * of earlier sessions included) and the outbox of persisted mutations. Resolves when storage holds none of them; rejects with
   * the storage's error if that failed (L1 is empty either way; L2 is tried again later).
   */
  clear(): Promise<void>;
  /** Resolves when every L2 write issued so far (the outbox's records too) has been tried (`ctx.waitUntil(client.flush())`). */
  flush(): Promise<void>;
  /** Storage calls made so far (reads, batch writes, clears). */
  readonly storageCalls: number;
  /** The runtime mode in use. */
  readonly runtime: 'browser' | 'server' | 'edge';
  mutation<TData = unknown, TError = unknown, TVariables = void, TContext = unknown>(
    options: MutationOptions<TData, TError, TVariables, TContext>,
  ): Mutation<TData, TError, TVariables, TContext>;
  getDefaultOptions(): DefaultOptions;
  /** Defaults of the calls made from now on. */
  setDefaultOptions(options: DefaultOptions): void;
  /** Defaults of every query whose key this key partially matches (`['todos']` → `['todos', 1]`); later ones win. */
  setQueryDefaults(queryKey: QueryKey, options: Partial<Omit<QueryObserverOptions<any, any>, 'queryKey'>>): void;
  /** The merged defaults of every `setQueryDefaults` key matching this key. */
  getQueryDefaults(queryKey: QueryKey): Partial<Omit<QueryObserverOptions<any, any>, 'queryKey'>>;
  setMutationDefaults(mutationKey: QueryKey, options: Partial<MutationOptions<any, any, any, any>>): void;
  getMutationDefaults(mutationKey: QueryKey): Partial<MutationOptions<any, any, any, any>>;
  /** The options as a call uses them: client defaults, then key defaults, then the options themselves. */
  defaultQueryOptions<T extends { queryKey: QueryKey }>(options: T): T & { _defaulted: true; queryHash: string };
  defaultMutationOptions<T extends Partial<MutationOptions<any, any, any, any>>>(options?: T): T & { _defaulted: true };
  /** How many mutations are running. */
  /** TanStack's; nothing to do here: a client hears the focus and online managers from its creation until `dispose()`. */
  mount(): void;
  unmount(): void;
  /** Running mutations (matching `filters`: `{ mutationKey, exact, predicate }`). */
  isMutating(filters?: MutationFilters): number;
  /** The queries of this client, their events and global callbacks (one per client). */
  getQueryCache(): QueryCache;
  /** The mutations this client made (one per client). */
  getMutationCache(): MutationCache;
  dispose(): void;
  /** Number of queries in L1. */
  readonly size: number;
  /** Releases its wasm memory now (as the end of a `using` block does): any later call on it throws a TypeError; calling it again does nothing. */
  free(): void;
}

/** The callbacks of one `mutate(variables, options)` call. */
export interface MutateOptions<TData = unknown, TError = unknown, TVariables = void, TContext = unknown> {
  onSuccess?: (data: TData, variables: TVariables, onMutateResult: TContext | undefined, context: MutationFunctionContext) => unknown;
  onError?: (error: TError, variables: TVariables, onMutateResult: TContext | undefined, context: MutationFunctionContext) => unknown;
  onSettled?: (data: TData | undefined, error: TError | null, variables: TVariables, onMutateResult: TContext | undefined, context: MutationFunctionContext) => unknown;
}

/** Options of the refetching calls (`refetchQueries`, `invalidateQueries`, `resetQueries`, `refetch`). */
export interface RefetchOptions {
  /** Replace a running fetch of a query with data by a new one (default `true`); `false` joins it. */
  cancelRefetch?: boolean;
  /** Reject with the first error instead of resolving. */
  throwOnError?: boolean;
}

/** `setQueryData` / `setQueriesData` options. */
export interface SetDataOptions {
  /** The data's `dataUpdatedAt` (default: now). */
  updatedAt?: number;
}

/**
 * One cached query as the QueryCache shows it (`client.getQueryCache().find({ queryKey })`):
 * the same object while the query lives; `state` and the rest read what the cache holds now.
 */
export declare class Query<TData = unknown, TError = unknown, TKey extends QueryKey = QueryKey> {
  private constructor();
  readonly queryKey: TKey;
  readonly queryHash: string;
  readonly state: QueryState<TData, TError>;
  readonly meta: Record<string, unknown> | undefined;
  readonly gcTime: Millis;
  /** What the query keeps of its options. */
  readonly options: { queryKey: TKey; queryHash: string; meta: Record<string, unknown> | undefined; staleTime: Millis | 'static'; gcTime: Millis };
  getObserversCount(): number;
  /** An enabled observer watches it. */
  isActive(): boolean;
  /** Observed, by disabled observers only. */
  isDisabled(): boolean;
  isStale(): boolean;
  /** Joins its running fetch or refetches it (with options: `fetchQuery({ ...options, queryKey })`). */
  fetch(options?: Omit<QueryOptions<TData, TError, TKey>, 'queryKey'>): Promise<TData>;
  setData(data: Updater<TData>, options?: SetDataOptions): TData | undefined;
  cancel(options?: { revert?: boolean }): Promise<void>;
  /** Marks it stale (no refetch). */
  invalidate(): void;
  /** Back to its initial state (refetched when active). */
  reset(): void;
}

/** What changed in an `updated` event, inferred from the query's state before and after. */
export type QueryAction<TData = unknown, TError = unknown> =
  | { type: 'fetch' }
  | { type: 'success'; data: TData; manual?: boolean }
  | { type: 'error'; error: TError }
  | { type: 'failed'; failureCount: number; error: TError }
  | { type: 'pause' }
  | { type: 'continue' }
  | { type: 'invalidate' }
  | { type: 'setState'; state: QueryState<TData, TError> };

/** Delivered in the microtask after the change (TanStack: synchronously). */
export type QueryCacheNotifyEvent =
  | { type: 'added' | 'removed' | 'observerAdded' | 'observerRemoved'; query: Query }
  | { type: 'updated'; query: Query; action: QueryAction };

/** Called once per fetch outcome (not for a cancelled fetch), after the change. */
export interface QueryCacheConfig {
  onError?: (error: unknown, query: Query) => void;
  onSuccess?: (data: unknown, query: Query) => void;
  onSettled?: (data: unknown, error: unknown | null, query: Query) => void;
}

/** `QueryFilters` (whose `predicate` gets the `Query`, as everywhere). */
export interface QueryCacheFilters extends QueryFilters {}

/** A client's queries (`client.getQueryCache()`, or `new QueryClient({ queryCache })`). */
export declare class QueryCache {
  constructor(config?: QueryCacheConfig);
  readonly config: QueryCacheConfig;
  /** The first match; `exact` defaults to true. */
  find<TData = unknown, TError = unknown>(filters: QueryCacheFilters): Query<TData, TError> | undefined;
  findAll(filters?: QueryCacheFilters): Query[];
  getAll(): Query[];
  get<TData = unknown, TError = unknown>(queryHash: string): Query<TData, TError> | undefined;
  remove(query: Query): void;
  /** Removes every query (`removeQueries()`). */
  clear(): void;
  subscribe(listener: (event: QueryCacheNotifyEvent) => void): () => void;
  hasListeners(): boolean;
}

export type MutationAction<TData = unknown, TError = unknown, TVariables = unknown, TContext = unknown> =
  | { type: 'pending'; variables: TVariables; context?: TContext }
  | { type: 'success'; data: TData }
  | { type: 'error'; error: TError }
  | { type: 'failed'; failureCount: number; error: TError }
  | { type: 'reset' };

export type MutationCacheNotifyEvent =
  | { type: 'added' | 'removed'; mutation: Mutation<any, any, any, any> }
  | { type: 'updated'; mutation: Mutation<any, any, any, any>; action: MutationAction };

export interface MutationFilters {
  /** Partial match (`['todos']` matches `['todos', 'add']`) unless `exact`. */
  mutationKey?: QueryKey;
  exact?: boolean;
  status?: MutationState['status'];
  predicate?: (mutation: Mutation<any, any, any, any>) => boolean;
}

/** Run before the mutation's own callbacks, each awaited. */
export interface MutationCacheConfig {
  /** Its value is not the context. */
  onMutate?: (variables: unknown, mutation: Mutation<any, any, any, any>, context: MutationFunctionContext) => unknown;
  onSuccess?: (data: unknown, variables: unknown, onMutateResult: unknown, mutation: Mutation<any, any, any, any>, context: MutationFunctionContext) => unknown;
  onError?: (error: unknown, variables: unknown, onMutateResult: unknown, mutation: Mutation<any, any, any, any>, context: MutationFunctionContext) => unknown;
  onSettled?: (data: unknown, error: unknown | null, variables: unknown, onMutateResult: unknown, mutation: Mutation<any, any, any, any>, context: MutationFunctionContext) => unknown;
}

/** The mutations a client made (`client.getMutationCache()`, or `new QueryClient({ mutationCache })`). */
export declare class MutationCache {
  constructor(config?: MutationCacheConfig);
  readonly config: MutationCacheConfig;
  /** What `client.mutation(options)` does. */
  build<TData = unknown, TError = unknown, TVariables = void, TContext = unknown>(
    client: QueryClient,
    options: MutationOptions<TData, TError, TVariables, TContext>,
  ): Mutation<TData, TError, TVariables, TContext>;
  getAll(): Array<Mutation<any, any, any, any>>;
  /** The first match; `exact` defaults to true. */
  find<TData = unknown, TError = unknown, TVariables = any, TContext = unknown>(
    filters: MutationFilters,
  ): Mutation<TData, TError, TVariables, TContext> | undefined;
  findAll(filters?: MutationFilters): Array<Mutation<any, any, any, any>>;
  remove(mutation: Mutation<any, any, any, any>): void;
  clear(): void;
  subscribe(listener: (event: MutationCacheNotifyEvent) => void): () => void;
  hasListeners(): boolean;
}

export interface DehydratedQuery {
  queryKey: QueryKey;
  queryHash: string;
  state: QueryState;
  dehydratedAt: number;
  meta?: Record<string, unknown>;
  /** A pending query's fetch, for transports that carry promises. */
  promise?: Promise<unknown>;
}

export interface DehydratedMutation {
  mutationKey?: QueryKey;
  state: MutationState<unknown, unknown, unknown, unknown>;
  scope?: { id: string };
  meta?: Record<string, unknown>;
}

export interface DehydratedState {
  queries: DehydratedQuery[];
  mutations: DehydratedMutation[];
}

export interface DehydrateOptions {
  /** Default: `status === 'success'`. */
  shouldDehydrateQuery?: (query: Query) => boolean;
  /** Default: paused mutations (none pause here). */
  shouldDehydrateMutation?: (mutation: Mutation<any, any, any, any>) => boolean;
  serializeData?: (data: any) => any;
  /** A pending query's promise rejects with `Error('redacted')` unless this returns false. */
  shouldRedactErrors?: (error: unknown) => boolean;
  dehydratedAt?: number;
}

export interface HydrateOptions {
  defaultOptions?: {
    /** Options of the queries hydration creates, under the client's defaults. */
    queries?: Partial<Omit<QueryOptions<any, any>, 'queryKey'>>;
    deserializeData?: (data: any) => any;
  };
}

/** The client's cache as plain data (successful queries by default). */
export declare function dehydrate(client: QueryClient, options?: DehydrateOptions): DehydratedState;
/**
 * Writes each query's data with its own `dataUpdatedAt`, never over newer data; no fetch.
 * `undefined` or `null` does nothing; anything else not an object is a TypeError.
 */
export declare function hydrate(client: QueryClient, dehydratedState: unknown, options?: HydrateOptions): void;
export declare function defaultShouldDehydrateQuery(query: Query): boolean;
export declare function defaultShouldDehydrateMutation(mutation: Mutation<any, any, any, any>): boolean;

/**
 * Whether the network is up. In a page it follows the window's `online`/`offline` events;
 * elsewhere it is up unless the app says otherwise. While offline, fetches pause
 * (`fetchStatus: 'paused'`) and go on when it comes back; observed stale queries refetch.
 */
export declare const onlineManager: {
  isOnline(): boolean;
  setOnline(online: boolean): void;
  /** Replaces the event source; `setup` may return a cleanup function. */
  setEventListener(setup: (setOnline: (online: boolean) => void) => (() => void) | void): void;
  /** `listener(online)` on each change; returns the unsubscribe function. */
  subscribe(listener: (online: boolean) => void): () => void;
  hasListeners(): boolean;
};

/**
 * Whether the page is visible (`document.visibilityState`; always in workers and servers).
 * When it becomes visible, observed stale queries refetch; retries wait while it is hidden.
 */
export declare const focusManager: {
  isFocused(): boolean;
  /** `undefined` goes back to following the page. */
  setFocused(focused: boolean | undefined): void;
  setEventListener(setup: (setFocused: (focused?: boolean) => void) => (() => void) | void): void;
  /** `listener(focused)` each time the page is shown or hidden; returns the unsubscribe function. */
  subscribe(listener: (focused: boolean) => void): () => void;
  hasListeners(): boolean;
  /** Looks at the page's visibility again: listeners hear it, and focused clients refetch. */
  onFocus(): void;
};

/** True where there is no `window` (Node, workers, a server render) or in Deno, as TanStack's. */
export declare const isServer: boolean;
/** TanStack's `skipToken`: `queryFn: skipToken` says the query cannot run now. */
export declare const skipToken: unique symbol;
export type SkipToken = typeof skipToken;
/** `placeholderData: keepPreviousData`: the previous data stays shown while a new key loads. */
export declare function keepPreviousData<T>(previousData: T | undefined): T | undefined;
/** A query key's hash, as the cache makes it (TanStack's: JSON with object keys sorted). */
export declare function hashKey(queryKey: ReadonlyArray<unknown>): string;
/** Whether `partial` matches `key` as filters match keys (`['todos']` matches `['todos', 1]`). */
export declare function partialMatchKey(key: ReadonlyArray<unknown>, partial: ReadonlyArray<unknown>): boolean;
/** Structural sharing: `next`, with every part deep-equal to `prev`'s taken from `prev`. */
export declare function replaceEqualDeep<T>(prev: unknown, next: T): T;
/** Does nothing. */
export declare function noop(): void;

/** What a cancelled fetch rejects its waiters with (an `Error` named `'CancelledError'`). */
export declare class CancelledError extends Error {
  constructor(options?: { revert?: boolean; silent?: boolean });
  revert?: boolean;
  silent?: boolean;
}
export declare function isCancelledError(value: unknown): value is CancelledError;

/**
 * TanStack's `OnlineManager` class, for an instance of one's own: it stands alone (the
 * clients listen to `onlineManager`). Its event source is installed when the first
 * listener subscribes and removed with the last.
 */
export declare class OnlineManager {
  isOnline(): boolean;
  setOnline(online: boolean): void;
  setEventListener(setup: (setOnline: (online: boolean) => void) => (() => void) | void): void;
  subscribe(listener: (online: boolean) => void): () => void;
  hasListeners(): boolean;
}

/** TanStack's `FocusManager` class, for an instance of one's own (see `OnlineManager`). */
export declare class FocusManager {
  isFocused(): boolean;
  setFocused(focused: boolean | undefined): void;
  setEventListener(setup: (setFocused: (focused?: boolean) => void) => (() => void) | void): void;
  subscribe(listener: (focused: boolean) => void): () => void;
  hasListeners(): boolean;
}

/** What stackquery's Rust side holds now (`heapBytes`) and the wasm memory's size (`memoryBytes`; it never shrinks). */
export declare function memoryStats(): { heapBytes: number; memoryBytes: number };
