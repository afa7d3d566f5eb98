// The face's `Query`: TanStack's handle on one cached query, as `client.getQueryCache()`
// gives it (`find`, `findAll`, `getAll`, cache events). One handle per query hash while the
// query lives, so `find` returns the same object each time. The engine holds the query;
// the handle holds the last view of it the engine gave (`__queryViews`: key, hash, state,
// meta, observer count, activity, staleness, staleTime, gcTime) and reads it again when the
// client's epoch has moved since (the cache may have changed). Its methods are the client's
// calls on exactly this key.
//
// Where it differs from TanStack's `Query`: `options` holds what the engine keeps of a query
// (its key, hash, meta, staleTime and gcTime), not every option a call gave; there is no
// `observers` array (only `getObserversCount()`) and no `setState`; `isStale()` is asked of
// the engine now (TanStack's rule: stale to an enabled observer by its own staleTime, or,
// unobserved, without data or invalidated), not of the observers' last results;
// `reset()` also refetches the query when it is active (the client's `resetQueries`);
// `fetch()` refetches with the options the query holds, while `fetch(options)` is
// `fetchQuery` with them (it fetches only when the data is stale).

/** Lets only the QueryCache make handles. */
export const MAKE_QUERY = Symbol('stackquery.makeQuery');
/** The handle's QueryCache-side hooks: its view, and setting a fresh one. */
export const VIEW = Symbol('stackquery.queryView');
export const SET_VIEW = Symbol('stackquery.setQueryView');
/** The QueryCache's `{ promise, cancel }` of the outcome of a query's next fetch. */
export const OUTCOME = Symbol('stackquery.fetchOutcome');
/** The QueryCache's client (a TypeError naming the call when it has none yet). */
export const CLIENT = Symbol('stackquery.queryCacheClient');
/** Whether the cache may have changed since an epoch; reading a handle's view again. */
export const EPOCH_MOVED = Symbol('stackquery.epochMoved');
export const REFRESH = Symbol('stackquery.refreshQuery');

const noop = () => {};

/** The error of a fetch that was cancelled (or whose query was removed). */
export function cancelledError() {
  const error = new Error('the fetch was cancelled');
  error.name = 'CancelledError';
  return error;
}

export class Query {
  /** The key, as the query holds it. */
  queryKey;
  /** TanStack's `hashKey` of the key. */
  queryHash;
  #cache; // the QueryCache, which reads views for this handle
  #view;
  #epoch;

  constructor(token, cache, view, epoch) {
    if (token !== MAKE_QUERY) {
      throw new TypeError('a Query cannot be made directly: client.getQueryCache().find({ queryKey }) gives the handle of a cached query');
    }
    this.#cache = cache;
    this.queryKey = view.queryKey;
    this.queryHash = view.queryHash;
    this.#view = view;
    this.#epoch = epoch;
  }

  /** The last view, read again when the cache may have changed since. */
  [VIEW](fresh) {
    if (fresh || this.#cache[EPOCH_MOVED](this.#epoch)) this.#cache[REFRESH](this);
    return this.#view;
  }

  [SET_VIEW](view, epoch) {
    this.#view = view;
    this.#epoch = epoch;
  }

  /** `{ status, fetchStatus, data, error, dataUpdatedAt, … }` now. */
  get state() {
    return this[VIEW]().state;
  }

  get meta() {
    return this[VIEW]().meta;
  }

  /** How long the query stays cached once unused, in ms. */
  get gcTime() {
    return this[VIEW]().gcTime;
  }

  /** What the engine keeps of the query's options. */
  get options() {
    const view = this[VIEW]();
    return { queryKey: this.queryKey, queryHash: this.queryHash, meta: view.meta, staleTime: view.staleTime, gcTime: view.gcTime };
  }

  getObserversCount() {
    return this[VIEW]().observers;
  }

  /** Whether an enabled observer watches it. */
  isActive() {
    return this[VIEW]().active;
  }

  /** Observed, but by disabled observers only. */
  isDisabled() {
    const view = this[VIEW]();
    return view.observers > 0 && !view.active;
  }

  /** TanStack's `isStale()`, asked of the engine now (read fresh: time can make an observed query's data stale). */
  isStale() {
    return this[VIEW](true).stale;
  }

  /**
   * Fetches now. Without options: joins the fetch running, else refetches with what the
   * query holds; resolves with the fetch's data or rejects with its error (a
   * `CancelledError` when it is cancelled or the query removed). With options:
   * `client.fetchQuery({ ...options, queryKey })`.
   */
  async fetch(options) {
    const client = this.#cache[CLIENT]('query.fetch');
    if (options !== undefined) return client.fetchQuery({ ...options, queryKey: this.queryKey });
    const cache = this.#cache;
    if (!cache[REFRESH](this)) throw new Error(`query.fetch: ${this.queryHash} is no longer in the cache`);
    const outcome = cache[OUTCOME](this); // listening before the fetch starts
    if (this.#view.state.fetchStatus === 'idle') {
      try {
        client.refetchQueries({ queryKey: this.queryKey, exact: true }, { cancelRefetch: false }).catch(noop);
      } catch (error) {
        outcome.cancel();
        throw error; // disposed, say
      }
      cache[REFRESH](this);
      if (this.#view.state.fetchStatus === 'idle') {
        outcome.cancel();
        throw new TypeError(`query.fetch could not start a fetch of ${this.queryHash}: it holds no queryFn, or is static or disabled (pass options with a queryFn)`);
      }
    }
    return outcome.promise;
  }

  /** `client.setQueryData(queryKey, data, { updatedAt })`. */
  setData(data, options) {
    return this.#cache[CLIENT]('query.setData').setQueryData(this.queryKey, data, options);
  }

  /** Cancels its running fetch (the state goes back to what it was); `{ revert: false }` as `cancelQueries`'. */
  cancel(options) {
    return this.#cache[CLIENT]('query.cancel').cancelQueries({ queryKey: this.queryKey, exact: true }, options);
  }

  /** Marks it stale (no refetch). */
  invalidate() {
    this.#cache[CLIENT]('query.invalidate').invalidateQueries({ queryKey: this.queryKey, exact: true, refetchType: 'none' });
  }

  /** Back to its initial state (`resetQueries` on this key: refetched when active). */
  reset() {
    this.#cache[CLIENT]('query.reset').resetQueries({ queryKey: this.queryKey, exact: true });
  }
}
