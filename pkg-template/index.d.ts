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
  setMany?(entries: Array<{ key: string; value: string; ttl?: number }>): Promise<void> | void;
  deleteMany?(keys: string[]): Promise<void> | void;
  keys?(prefix: string): Promise<string[]> | string[];
}

export type StorageOperation = 'get' | 'set' | 'delete' | 'clear' | 'serialize';

/** TanStack's client-wide defaults, under every call's own options. */
export interface DefaultOptions<TError = unknown> {
  queries?: Partial<Omit<QueryObserverOptions<unknown, TError>, 'queryKey'>>;
  mutations?: Partial<MutationOptions<unknown, TError, any, any>>;
}

export interface QueryClientOptions {
  /**
   * Defaults of every query and mutation call, as in TanStack (`{ queries, mutations }`).
   * `queries`' `staleTime`, `gcTime`, `retry`, `retryDelay`, `refetchOnWindowFocus` and
   * `refetchOnReconnect` also become the client's own (what the options of the same name
   * here set), unless given here too.
   */
  defaultOptions?: DefaultOptions;
  staleTime?: Millis | 'static';
  gcTime?: Millis;
  retry?: RetryValue;
  retryDelay?: RetryDelayValue;
  /** Upper bound of queries in L1 (least recently used go first; observed and fetching ones never). */
  maxEntries?: number;
  /** L2: a built-in backend or any object implementing the storage protocol. Omit for L1 only. */
  storage?: StorageBackend | IndexedDbStorage | MemoryStorage | RemoteStorage;
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

export interface QueryObserverOptions<TData = unknown, TError = unknown, TKey extends QueryKey = QueryKey>
  extends QueryOptions<TData, TError, TKey> {
  /** A disabled observer never fetches by itself and does not make its query active. */
  enabled?: boolean;
  /** Derives what the observer shows; memoized on the data object; a throw is an error result. */
  select?: (data: TData) => TData;
  /** Refetch every this many ms while subscribed (a failed poll does not stop it); `false` for none. */
  refetchInterval?: number | false;
  /** Shown while the query has no data (`isPlaceholderData`); never cached or persisted. */
  placeholderData?: TData | ((previousData: TData | undefined) => TData | undefined);
  /** Refetch when the page becomes visible again (default `true`: when stale). */
  refetchOnWindowFocus?: RefetchOnEvent;
  /** Refetch when the network comes back (default `true`: when stale). */
  refetchOnReconnect?: RefetchOnEvent;
}

export interface QueryObserverResult<TData = unknown, TError = unknown> extends QueryState<TData, TError> {
  isPending: boolean;
  isSuccess: boolean;
  isError: boolean;
  isFetching: boolean;
  isPaused: boolean;
  isLoading: boolean;
  isRefetching: boolean;
  isStale: boolean;
  isPlaceholderData: boolean;
  isFetched: boolean;
  isLoadingError: boolean;
  isRefetchError: boolean;
}

export declare class QueryObserver<TData = unknown, TError = unknown, TKey extends QueryKey = QueryKey> {
  constructor(client: QueryClient, options: QueryObserverOptions<TData, TError, TKey>);
  /** Calls `listener` with the current result at once, then on each change. Returns `unsubscribe`. */
  subscribe(listener: (result: QueryObserverResult<TData, TError>) => void): () => void;
  getCurrentResult(): QueryObserverResult<TData, TError>;
  refetch(): Promise<QueryObserverResult<TData, TError>>;
  setOptions(options: QueryObserverOptions<TData, TError, TKey>): void;
  destroy(): void;
  free(): void;
}

export interface MutationOptions<TData = unknown, TError = unknown, TVariables = void, TContext = unknown> {
  /** Required, here or in the defaults (`defaultOptions.mutations`, `setMutationDefaults`). */
  mutationFn?: (variables: TVariables) => TData | Promise<TData>;
  /** Picks the `setMutationDefaults` that apply. */
  mutationKey?: QueryKey;
  /** Runs first; its value is the context handed to the other callbacks (e.g. a snapshot for rollback). */
  onMutate?: (variables: TVariables) => TContext | Promise<TContext>;
  onSuccess?: (data: TData, variables: TVariables, context: TContext | undefined) => unknown;
  onError?: (error: TError, variables: TVariables, context: TContext | undefined) => unknown;
  onSettled?: (data: TData | undefined, error: TError | null, variables: TVariables, context: TContext | undefined) => unknown;
  /** Default 0. */
  retry?: RetryValue<TError>;
  retryDelay?: RetryDelayValue<TError>;
  /** Mutations sharing a scope id run one at a time, in the order submitted. */
  scope?: { id: string };
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
  mutate(variables: TVariables): Promise<TData>;
  readonly state: MutationState<TData, TError, TVariables, TContext>;
  subscribe(listener: (state: MutationState<TData, TError, TVariables, TContext>) => void): () => void;
  reset(): void;
  free(): void;
}

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
  watch<TData = unknown, TError = unknown, TKey extends QueryKey = QueryKey>(
    options: QueryObserverOptions<TData, TError, TKey>,
  ): QueryObserver<TData, TError, TKey>;
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
  /**
   * Log-out: empties L1 and this client's L2 namespace (every `${keyPrefix}:[…` entry, those
   * of earlier sessions included). Resolves when storage holds none of them; rejects with
   * the storage's error if that failed (L1 is empty either way; L2 is tried again later).
   */
  clear(): Promise<void>;
  /** Resolves when every L2 write issued so far has been tried (`ctx.waitUntil(client.flush())`). */
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
  defaultQueryOptions<T extends { queryKey: QueryKey }>(options: T): T & { _defaulted: true };
  defaultMutationOptions<T extends Partial<MutationOptions<any, any, any, any>>>(options?: T): T & { _defaulted: true };
  /** How many mutations are running. */
  isMutating(): number;
  dispose(): void;
  /** Number of queries in L1. */
  readonly size: number;
  free(): void;
}

/** L2 in IndexedDB (pages and workers). One transaction per batch of writes. */
export declare class IndexedDbStorage implements StorageBackend {
  constructor(options?: { dbName?: string; storeName?: string });
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttl?: number): Promise<void>;
  delete(key: string): Promise<void>;
  keys(prefix?: string): Promise<string[]>;
  free(): void;
}

/** L2 in memory (tests, hosts without persistent storage); honours TTLs. */
export declare class MemoryStorage implements StorageBackend {
  constructor();
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttl?: number): Promise<void>;
  delete(key: string): Promise<void>;
  keys(prefix?: string): Promise<string[]>;
  readonly size: number;
  free(): void;
}

/** L2 in a remote store over `fetch`: the Upstash Redis REST protocol (Upstash, Vercel KV). */
export declare class RemoteStorage implements StorageBackend {
  /**
   * `url`: the REST endpoint (no user name or password in it); `token`: sent as
   * `Authorization: Bearer`, never shown in an error. `timeoutMs`: each request, its body
   * included, is aborted after this (default 10000). `maxReplyBytes`: a longer reply is
   * abandoned unread (default 16 MiB).
   */
  constructor(options: { url: string; token: string; timeoutMs?: number; maxReplyBytes?: number });
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttl?: number): Promise<void>;
  delete(key: string): Promise<void>;
  keys(prefix?: string): Promise<string[]>;
  free(): void;
}

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
};

/** What stackquery's Rust side holds now (`heapBytes`) and the wasm memory's size (`memoryBytes`; it never shrinks). */
export declare function memoryStats(): { heapBytes: number; memoryBytes: number };
