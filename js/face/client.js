// The face's `QueryClient`: the engine's client plus a mirror (mirror.js) that answers
// fresh hits — `getQueryData`, and `fetchQuery` / `prefetchQuery` / `ensureQueryData`
// when the cache already holds what they would return — without a call into wasm.
// Everything else, and every miss, is the engine's: it decides what is stale,
// collected, fetched and written to L2.

import * as engine from 'stackquery:engine';
import { fastKeyHash } from '../key_hash.js';
import { readHitOptions, hitOptions, isStale } from './hit_options.js';
import { Mirror, HAS_DATA, HYDRATED, INVALIDATED, EXISTS, BUSY } from './mirror.js';
import { assertEngineReady } from './engine_ready.js';
import { Defaults, clientDefaults, engineClientOptions } from './defaults.js';
import { QueryObserver } from './observer.js';
import { QueryCache, bindQueryCache } from './query_cache.js';
import { MutationCache, bindMutationCache } from './mutation_cache.js';
import { disposeMutations, resumePausedMutations, runningMutations } from './mutation.js';
import { takeCacheOptions } from './cache_options.js';
import { infiniteQueryOptions } from './infinite_query.js';
import { warnUnknownOptions } from './option_names.js';
import { skipsQueryFn } from './skip_token.js';
import { resolveCallStaleTime } from './option_functions.js';
import { describe } from './describe.js';
import { outboxParts } from './outbox_link.js';
import { onlineManager } from '../managers.js';
import { enterNested, leaveNested, nested } from './nesting.js';
import { freeOnce } from './freed.js';
import { perQueryFilters, whenAll } from './predicate_filters.js';

const MISS = Symbol('miss');
// `#hit`'s freshness rule for ensureQueryData: fresh data only with `revalidateIfStale`.
const REVALIDATE_IF_STALE = 2;
const DEFAULT_GC_TIME = 300_000; // TanStack's five minutes, as the engine's
const CACHED = HAS_DATA | HYDRATED;

// Reading a key or options can run user code (getters, proxies). A call made from
// there goes straight to the engine, whose re-entry guard bounds the nesting and
// names the call it refuses: the face never recurses on its own.
let busy = 0;

export class QueryClient extends engine.QueryClient {
  // Its name in messages and in `constructor.name`, which minified code would change.
  static name = 'QueryClient';
  #mirror;
  #staleTime;
  #gcTime;
  // On the edge the engine collects due queries at the end of each fetch call (no
  // timers): fetches always go to it there.
  #fetchHits;
  #defaults;
  #queryCache; // made when first asked for, unless given
  #mutationCache;
  // With `storage`: the records of persisted mutations (mutation_outbox.js), run again at
  // resumePausedMutations() and when the network comes back (outbox_replay.js); both
  // reached through outbox_link.js, as a build without L2 has neither.
  #outbox;
  #stopReplayOnReconnect;

  constructor(options) {
    assertEngineReady();
    warnUnknownOptions(options, 'client');
    warnUnknownOptions(options?.defaultOptions?.queries, 'query');
    warnUnknownOptions(options?.defaultOptions?.mutations, 'mutation');
    const caches = takeCacheOptions(options); // checked before the engine's client is made
    const given = engineClientOptions(caches.options) ?? {};
    super(given); // the engine checks the options and throws what it refuses
    this.#defaults = new Defaults(given.defaultOptions);
    clientDefaults.set(this, this.#defaults);
    this.#staleTime = given.staleTime ?? 0;
    this.#gcTime = given.gcTime ?? DEFAULT_GC_TIME;
    this.#mirror = new Mirror(this, this.#staleTime, given.maxEntries ?? 1000);
    this.#fetchHits = this.runtime !== 'edge';
    if (caches.queryCache) this.#queryCache = bindQueryCache(caches.queryCache, this);
    if (caches.mutationCache) this.#mutationCache = bindMutationCache(caches.mutationCache, this);
    const storage = given.storage;
    const outbox = outboxParts(); // undefined only in a build without L2, whose engine refused storage above
    if (storage !== undefined && storage !== null && outbox !== undefined) {
      this.#outbox = new outbox.MutationOutbox(this, storage, given);
      this.#stopReplayOnReconnect = outbox.replayOnReconnect(this);
    }
  }

  /** `client.watch(options)`: a `QueryObserver` of this client. */
  watch(options) {
    return new QueryObserver(this, options);
  }

  getDefaultOptions() {
    return this.#defaults.get();
  }

  /** New `defaultOptions` for the calls made from now on. */
  setDefaultOptions(options) {
    this.#defaults.set(options);
  }

  setQueryDefaults(queryKey, options) {
    warnUnknownOptions(options, 'query');
    this.#defaults.setQuery(queryKey, options);
  }

  getQueryDefaults(queryKey) {
    return this.#defaults.query(queryKey);
  }

  setMutationDefaults(mutationKey, options) {
    warnUnknownOptions(options, 'mutation');
    this.#defaults.setMutation(mutationKey, options);
  }

  getMutationDefaults(mutationKey) {
    return this.#defaults.mutation(mutationKey);
  }

  /** A query call's options with the client's and the key's defaults under them. */
  defaultQueryOptions(options) {
    return nested('defaultQueryOptions', () => this.#defaultQueryOptions(options)); // getters are user code: counted
  }

  #defaultQueryOptions(options) {
    const defaulted = this.#defaults.queryOptions(options);
    // TanStack's carries the key's hash too (what `getQueryCache().get(hash)` takes).
    if (defaulted !== options && defaulted.queryHash === undefined) {
      const queryHash = fastKeyHash(defaulted.queryKey);
      if (queryHash !== undefined) defaulted.queryHash = queryHash;
    }
    return defaulted;
  }

  /** A mutation's options with the client's and the key's defaults under them. */
  defaultMutationOptions(options) {
    return this.#defaults.mutationOptions(options);
  }

  mutation(options) {
    return nested('mutation', () => {
      warnUnknownOptions(options, 'mutation');
      return this.getMutationCache().build(this, options); // the defaults, then the engine's Mutation
    });
  }

  /** TanStack's `getQueryCache()`: the queries of this client, their events (query_cache.js). */
  getQueryCache() {
    return (this.#queryCache ??= bindQueryCache(new QueryCache(), this));
  }

  /** TanStack's `getMutationCache()`: the mutations this client made (mutation_cache.js). */
  getMutationCache() {
    return (this.#mutationCache ??= bindMutationCache(new MutationCache(), this));
  }

  getQueryData(queryKey) {
    if (busy || !this.#mirror.live || this.#mirror.inEngine()) return super.getQueryData(queryKey);
    busy++;
    let entry, hash;
    try {
      hash = fastKeyHash(queryKey);
      entry = hash === undefined ? undefined : this.#mirror.get(hash);
    } finally {
      busy--;
    }
    if (entry === undefined || entry.flags & BUSY) return super.getQueryData(queryKey);
    if (entry.flags & EXISTS) this.#mirror.touch(entry);
    return entry.data;
  }

  /**
   * TanStack's `setQueryData`: `updater` is the data, or a function of the data there now
   * (run here, before the engine is entered); `undefined` changes nothing.
   */
  setQueryData(queryKey, updater, options) {
    if (typeof updater !== 'function') return super.setQueryData(queryKey, updater, options);
    // Counted as a nested call: an updater calling setQueryData with an updater, and so on,
    // is refused at the bound rather than run until the stack (and a wasm frame) gives out.
    const data = nested('setQueryData', () => updater(this.getQueryData(queryKey)));
    return data === undefined ? undefined : super.setQueryData(queryKey, data, options);
  }

  /** TanStack's `setQueriesData`: `setQueryData` on each matching query; `[queryKey, data]` pairs. */
  setQueriesData(filters, updater, options) {
    const each = perQueryFilters(this, filters, 'setQueriesData');
    const keys = each === undefined ? super.getQueriesData(filters, true).map(([queryKey]) => queryKey) : each.map((f) => f.queryKey);
    return keys.map((queryKey) => [queryKey, this.setQueryData(queryKey, updater, options)]);
  }

  // Filters with a predicate (predicate_filters.js): matched here, acted on per query.

  getQueriesData(filters) {
    const each = perQueryFilters(this, filters, 'getQueriesData');
    return each === undefined ? super.getQueriesData(filters) : each.flatMap((f) => super.getQueriesData(f));
  }

  /** TanStack's: how many queries match `filters` with `fetchStatus: 'fetching'`. */
  isFetching(filters) {
    if (filters?.predicate === undefined) return super.isFetching(filters);
    return perQueryFilters(this, { ...filters, fetchStatus: 'fetching' }, 'isFetching')?.length ?? super.isFetching(filters);
  }

  /** TanStack's: the matches invalidated, then `refetchQueries` over the same filters with `type: refetchType ?? type ?? 'active'`. */
  invalidateQueries(filters, options) {
    const each = perQueryFilters(this, filters, 'invalidateQueries');
    if (each === undefined) return super.invalidateQueries(filters, options);
    for (const f of each) super.invalidateQueries({ ...f, refetchType: 'none' });
    const { refetchType: given, ...rest } = filters;
    const refetchType = given ?? options?.refetchType;
    if (refetchType === 'none') return Promise.resolve();
    return this.refetchQueries({ ...rest, type: refetchType ?? rest.type ?? 'active' }, options);
  }

  refetchQueries(filters, options) {
    const each = perQueryFilters(this, filters, 'refetchQueries');
    return each === undefined ? super.refetchQueries(filters, options) : whenAll(each.map((f) => super.refetchQueries(f, options)));
  }

  cancelQueries(filters, options) {
    const each = perQueryFilters(this, filters, 'cancelQueries');
    return each === undefined ? super.cancelQueries(filters, options) : whenAll(each.map((f) => super.cancelQueries(f, options)));
  }

  resetQueries(filters, options) {
    const each = perQueryFilters(this, filters, 'resetQueries');
    return each === undefined ? super.resetQueries(filters, options) : whenAll(each.map((f) => super.resetQueries(f, options)));
  }

  removeQueries(filters) {
    const each = perQueryFilters(this, filters, 'removeQueries');
    if (each === undefined) return super.removeQueries(filters);
    for (const f of each) super.removeQueries(f);
  }

  // The fetch family is counted (nesting.js): its options' getters and staleTime function
  // are user code, run here before the engine's own count (`fetchQuery`, the hottest, with
  // no closure).
  fetchQuery(options) {
    enterNested('fetchQuery');
    try {
      return this.#fetchQuery(options);
    } finally {
      leaveNested();
    }
  }

  #fetchQuery(options) {
    options = this.#defaults.applyToQuery(options);
    const data = this.#hit(options, true);
    if (data !== MISS) return Promise.resolve(data);
    if (skipsQueryFn(options)) return missingQueryFn(options, 'fetchQuery');
    warnUnknownOptions(options, 'query');
    return super.fetchQuery(resolveCallStaleTime(this, options)); // a staleTime function: resolved against the query
  }

  prefetchQuery(options) {
    return nested('prefetchQuery', () => this.#prefetchQuery(options));
  }

  #prefetchQuery(options) {
    options = this.#defaults.applyToQuery(options);
    if (this.#hit(options, true) !== MISS) return Promise.resolve();
    if (skipsQueryFn(options)) return missingQueryFn(options, 'prefetchQuery');
    warnUnknownOptions(options, 'query');
    return super.prefetchQuery(resolveCallStaleTime(this, options)); // a staleTime function: resolved against the query
  }

  ensureQueryData(options) {
    return nested('ensureQueryData', () => this.#ensureQueryData(options));
  }

  #ensureQueryData(options) {
    options = this.#defaults.applyToQuery(options);
    // Stale data with `revalidateIfStale` needs the engine's background refetch.
    const data = this.#hit(options, REVALIDATE_IF_STALE);
    if (data !== MISS) return Promise.resolve(data);
    if (skipsQueryFn(options)) return missingQueryFn(options, 'ensureQueryData');
    warnUnknownOptions(options, 'query');
    return super.ensureQueryData(resolveCallStaleTime(this, options)); // a staleTime function: resolved against the query
  }

  /** TanStack's `query(options)`: `fetchQuery`, its data passed through `select` when given. */
  query(options) {
    const select = selectOf(options, 'query'); // checked before anything is fetched
    const fetched = this.fetchQuery(options);
    return select ? fetched.then(select) : fetched;
  }

  /** TanStack's `infiniteQuery(options)`: `fetchInfiniteQuery`, then `select`. */
  infiniteQuery(options) {
    const select = selectOf(options, 'infiniteQuery');
    const fetched = this.fetchInfiniteQuery(options);
    return select ? fetched.then(select) : fetched;
  }

  /** `fetchQuery` of an infinite query (infinite_query.js): resolves with `{ pages, pageParams }`. */
  fetchInfiniteQuery(options) {
    return this.fetchQuery(infiniteQueryOptions(this, options, 'fetchInfiniteQuery'));
  }

  prefetchInfiniteQuery(options) {
    return this.prefetchQuery(infiniteQueryOptions(this, options, 'prefetchInfiniteQuery'));
  }

  ensureInfiniteQueryData(options) {
    return this.ensureQueryData(infiniteQueryOptions(this, options, 'ensureInfiniteQueryData'));
  }

  /**
   * TanStack's: paused mutations go on now (the engine's), and, online, the persisted
   * mutations a reload or restart cut short run again from the outbox; resolves when both
   * settled.
   */
  resumePausedMutations() {
    super.__wakePaused(); // paused fetches look again (the engine's; throws once disposed)
    const resumed = resumePausedMutations(this);
    if (this.#outbox === undefined || !onlineManager.isOnline()) return resumed;
    return Promise.all([resumed, outboxParts().replayOutbox(this)]).then(() => undefined);
  }

  /**
   * How many `mutate()` runs have not settled (counted from the call); with `filters`
   * (`{ mutationKey, exact, predicate }`), those of the mutations matching them, as TanStack's.
   */
  isMutating(filters) {
    if (filters === undefined || filters === null) return runningMutations(this);
    if (typeof filters !== 'object') {
      throw new TypeError(`isMutating: filters must be an object { mutationKey, exact, predicate }, got ${describe(filters)}`);
    }
    return this.getMutationCache().findAll({ ...filters, status: 'pending' }).length;
  }

  /**
   * TanStack's `mount()` / `unmount()`, which a provider calls: here a client hears the
   * focus and online managers from its creation until `dispose()`, so both do nothing.
   */
  mount() {}

  unmount() {}

  /** Log-out: the engine's clear (L1 and the L2 entries) and the outbox's records. */
  clear() {
    const cleared = super.clear();
    if (this.#outbox === undefined) return cleared;
    // The engine's outcome first: its failure (reported by then) rejects at once; the
    // outbox's is heard once the engine's clear is done, never before that report.
    const outboxCleared = this.#outbox.clear();
    outboxCleared.catch(() => {}); // read below, once the engine's clear is done
    return cleared.then(() => outboxCleared);
  }

  /** The engine's flush, and the outbox's records written and deleted so far. */
  flush() {
    const flushed = super.flush();
    if (this.#outbox === undefined) return flushed;
    return Promise.all([flushed, this.#outbox.flush()]).then(() => undefined);
  }

  dispose() {
    this.#closeOutbox();
    this.#mirror.close();
    const disposed = super.dispose();
    // Mutations waiting for their turn or the network go on and find the client disposed.
    disposeMutations(this);
    // Its mutations leave the cache (their gc timers end): a disposed client keeps
    // nothing alive.
    this.#mutationCache?.clear();
    return disposed;
  }

  free() {
    // Pending touches reach the cache, which observers may keep alive.
    const inEngine = this.#mirror.inEngine();
    if (this.#mirror.live) this.#mirror.close();
    this.#closeOutbox();
    freeOnce(this, () => super.free(), inEngine);
  }

  // `using`'s end. Declared in the class, not set on its prototype after it: a bundler
  // then drops the class where nothing imports it.
  [Symbol.dispose]() {
    this.free();
  }

  /** No more records written or run by this client; those stored stay for another. */
  #closeOutbox() {
    this.#outbox?.close();
    this.#stopReplayOnReconnect?.();
    this.#stopReplayOnReconnect = undefined;
  }

  /** The data a call answers from L1 now, or MISS when the engine must decide.
   * `fresh`: only fresh data answers (true), any data (false), or REVALIDATE_IF_STALE. */
  #hit(options, fresh) {
    if (busy || !this.#mirror.live || !this.#fetchHits || this.#mirror.inEngine()) return MISS;
    busy++;
    try {
      if (!readHitOptions(options, this.#staleTime, this.#gcTime)) return MISS;
      if (fresh === REVALIDATE_IF_STALE) fresh = options.revalidateIfStale === true;
      const { staleTime, gcTime } = hitOptions;
      const hash = fastKeyHash(options.queryKey);
      if (hash === undefined) return MISS;
      const entry = this.#mirror.get(hash);
      if ((entry.flags & CACHED) !== CACHED || entry.flags & BUSY) return MISS;
      // A call that would change what the query keeps (its staleTime, a longer gcTime)
      // goes to the engine, which takes them. (Its other options — queryFn, retry, meta,
      // initialData… — a fresh hit does not store on the query, as in TanStack.)
      if (entry.staleTime !== (staleTime === 'static' ? -1 : staleTime)) return MISS;
      if (gcTime > entry.gcTime) return MISS;
      if (fresh && isStale(entry, staleTime, entry.flags & INVALIDATED)) return MISS;
      this.#mirror.touch(entry);
      return entry.data;
    } catch {
      return MISS; // a throwing getter: the engine reads the options again and reports it
    } finally {
      busy--;
    }
  }
}

/** A fetch call with `queryFn: skipToken` that would have to run it: TanStack's rejection. */
function missingQueryFn(options, method) {
  const prefetch = method === 'prefetchQuery';
  const error = new Error(`Missing queryFn: '${fastKeyHash(options.queryKey) ?? 'this key'}'`);
  return prefetch ? Promise.resolve() : Promise.reject(error);
}

/** The `select` of `options`, if it has one. */
function selectOf(options, method) {
  const select = options?.select;
  if (select !== undefined && typeof select !== 'function') {
    throw new TypeError(`${method}: select must be a function (data) => selected, got ${describe(select)}`);
  }
  return select;
}
