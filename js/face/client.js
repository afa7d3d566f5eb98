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

const MISS = Symbol('miss');
const DEFAULT_GC_TIME = 300_000; // TanStack's five minutes, as the engine's
const CACHED = HAS_DATA | HYDRATED;

// Reading a key or options can run user code (getters, proxies). A call made from
// there goes straight to the engine, whose re-entry guard bounds the nesting and
// names the call it refuses: the face never recurses on its own.
let busy = 0;

export class QueryClient extends engine.QueryClient {
  #mirror;
  #staleTime;
  #gcTime;
  // On the edge the engine collects due queries at the end of each fetch call (no
  // timers): fetches always go to it there.
  #fetchHits;
  #defaults;

  constructor(options) {
    assertEngineReady();
    const given = engineClientOptions(options) ?? {};
    super(given); // the engine checks the options and throws what it refuses
    this.#defaults = new Defaults(given.defaultOptions);
    clientDefaults.set(this, this.#defaults);
    this.#staleTime = given.staleTime ?? 0;
    this.#gcTime = given.gcTime ?? DEFAULT_GC_TIME;
    this.#mirror = new Mirror(this, this.#staleTime, given.maxEntries ?? 1000);
    this.#fetchHits = this.runtime !== 'edge';
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
    this.#defaults.setQuery(queryKey, options);
  }

  getQueryDefaults(queryKey) {
    return this.#defaults.query(queryKey);
  }

  setMutationDefaults(mutationKey, options) {
    this.#defaults.setMutation(mutationKey, options);
  }

  getMutationDefaults(mutationKey) {
    return this.#defaults.mutation(mutationKey);
  }

  /** A query call's options with the client's and the key's defaults under them. */
  defaultQueryOptions(options) {
    return this.#defaults.queryOptions(options);
  }

  /** A mutation's options with the client's and the key's defaults under them. */
  defaultMutationOptions(options) {
    return this.#defaults.mutationOptions(options);
  }

  mutation(options) {
    return super.mutation(this.#defaults.mutationOptions(options));
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

  fetchQuery(options) {
    options = this.#defaults.applyToQuery(options);
    const data = this.#hit(options, true);
    return data === MISS ? super.fetchQuery(options) : Promise.resolve(data);
  }

  prefetchQuery(options) {
    options = this.#defaults.applyToQuery(options);
    return this.#hit(options, true) === MISS ? super.prefetchQuery(options) : Promise.resolve();
  }

  ensureQueryData(options) {
    options = this.#defaults.applyToQuery(options);
    const data = this.#hit(options, false);
    return data === MISS ? super.ensureQueryData(options) : Promise.resolve(data);
  }

  dispose() {
    this.#mirror.close();
    return super.dispose();
  }

  free() {
    // Pending touches reach the cache, which observers may keep alive.
    if (this.#mirror.live) this.#mirror.close();
    super.free();
  }

  /** The data a call answers from L1 now, or MISS when the engine must decide. */
  #hit(options, fresh) {
    if (busy || !this.#mirror.live || !this.#fetchHits || this.#mirror.inEngine()) return MISS;
    busy++;
    try {
      if (!readHitOptions(options, this.#staleTime, this.#gcTime)) return MISS;
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
if (Symbol.dispose) QueryClient.prototype[Symbol.dispose] = QueryClient.prototype.free;
