// `InfiniteQueryObserver`: TanStack's observer of an infinite query. It is the face's
// `QueryObserver` of a query made by infinite_query.js, plus `fetchNextPage()` and
// `fetchPreviousPage()` and what its results add: `hasNextPage` / `hasPreviousPage` (from
// `getNextPageParam` / `getPreviousPageParam` on the query's data) and
// `isFetchingNextPage`, `isFetchingPreviousPage`, `isFetchNextPageError`,
// `isFetchPreviousPageError` (from the direction of the query's fetch, fetch_direction.js).
// Each result is the engine's result with these added, kept while the engine's result, the
// direction and the options are the same, so an unchanged result is the same object.

import { QueryObserver } from './observer.js';
import { readInfiniteOptions, hasNextPage, hasPreviousPage } from './infinite_query.js';
import { describe } from './describe.js';
import { shallowEqual } from './presentation.js';
import { assertSameEngine } from './same_engine.js';
import { fetchDirections } from './fetch_direction.js';

export class InfiniteQueryObserver extends QueryObserver {
  // Its name in messages and in `constructor.name`, which minified code would change.
  static name = 'InfiniteQueryObserver';
  #client;
  #directions;
  #queryKey;
  #hash;
  #pageOptions;
  #select;
  #version = 0; // bumped by setOptions: results made before are not reused
  #kept; // { base, direction, version, result }
  #subscriptions = new Set(); // { listener, delivered }
  #unwatch;
  #next = (options) => this.fetchNextPage(options);
  #previous = (options) => this.fetchPreviousPage(options);

  constructor(client, options) {
    assertSameEngine(client, 'InfiniteQueryObserver');
    const infinite = readInfiniteOptions(client, options, 'InfiniteQueryObserver');
    super(client, infinite.options); // the engine checks the rest and throws what it refuses
    this.#client = client;
    this.#directions = fetchDirections(client);
    this.#use(infinite);
  }

  getCurrentResult() {
    return this.#withPages(super.getCurrentResult());
  }

  subscribe(listener) {
    if (typeof listener !== 'function') return super.subscribe(listener); // the face observer's TypeError
    const subscription = { listener, delivered: undefined };
    this.#subscriptions.add(subscription);
    this.#watch();
    let unsubscribe;
    try {
      unsubscribe = super.subscribe((result) => this.#deliver(subscription, this.#withPages(result)));
    } catch (error) {
      this.#forget(subscription);
      throw error;
    }
    return () => {
      this.#forget(subscription);
      return unsubscribe();
    };
  }

  setOptions(options) {
    const infinite = readInfiniteOptions(this.#client, options, 'InfiniteQueryObserver.setOptions');
    // Taken before the engine's listeners hear of the new options (from inside setOptions).
    const before = [this.#queryKey, this.#hash, this.#pageOptions, this.#select];
    this.#use(infinite);
    try {
      super.setOptions(infinite.options);
    } catch (error) {
      [this.#queryKey, this.#hash, this.#pageOptions, this.#select] = before;
      this.#version++;
      this.#rewatch();
      throw error;
    }
  }

  /** Fetches every page again (TanStack's `refetch`); `{ cancelRefetch, throwOnError }`. */
  refetch(options) {
    return this.#fetch(null, options, 'refetch');
  }

  /** Fetches the page after the last one; `{ cancelRefetch, throwOnError }`. */
  fetchNextPage(options) {
    return this.#fetch('forward', options, 'fetchNextPage');
  }

  /** Fetches the page before the first one; `{ cancelRefetch, throwOnError }`. */
  fetchPreviousPage(options) {
    return this.#fetch('backward', options, 'fetchPreviousPage');
  }

  destroy() {
    this.#subscriptions.clear();
    this.#stopWatching();
    return super.destroy();
  }

  free() {
    this.#subscriptions.clear();
    this.#stopWatching();
    super.free();
  }

  /**
   * Starts a fetch in `direction` (or joins the running one, as the engine decides) and
   * resolves with the result once it settled. The direction is requested only when the
   * engine will start a new run: nothing runs, or `cancelRefetch` (default true) replaces
   * the running fetch of a query that holds data; otherwise the call joins the running
   * fetch and takes its direction, as in TanStack.
   */
  #fetch(direction, options, method) {
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new TypeError(`${method} options must be an object { cancelRefetch, throwOnError }, got ${describe(options)}`);
    }
    const cancelRefetch = options?.cancelRefetch === undefined ? true : Boolean(options.cancelRefetch);
    const throwOnError = Boolean(options?.throwOnError);
    const state = this.#client.getQueryState(this.#queryKey);
    const newRun = state === undefined || state.fetchStatus === 'idle' || (cancelRefetch && state.data !== undefined);
    const hash = this.#hash;
    const token = newRun ? this.#directions.request(hash, direction) : undefined;
    let started;
    try {
      started = super.refetch({ cancelRefetch, throwOnError });
    } catch (error) {
      if (token !== undefined) this.#directions.revert(hash, token, true);
      throw error;
    }
    // A run replacing a running fetch may leave the engine's result as it was.
    if (token !== undefined) this.#directions.changed(hash);
    // A request no run took (the fetch was joined, or cancelled before it began) is dropped.
    const untaken = () => {
      if (token !== undefined && !token.taken) this.#directions.revert(hash, token, true);
    };
    return started.then(
      () => {
        untaken();
        return this.getCurrentResult();
      },
      (error) => {
        untaken();
        throw error;
      },
    );
  }

  /** The engine's result with the infinite fields added; the same object while nothing changed. */
  #withPages(base) {
    const direction = this.#directions.direction(this.#hash);
    const kept = this.#kept;
    if (kept !== undefined && kept.base === base && kept.direction === direction && kept.version === this.#version) {
      return kept.result;
    }
    // The query's own data: `select` shapes what the result shows, placeholders are no data.
    const data = base.isPlaceholderData ? undefined : this.#select ? this.#client.getQueryData(this.#queryKey) : base.data;
    const isFetchingNextPage = base.isFetching && direction === 'forward';
    const isFetchingPreviousPage = base.isFetching && direction === 'backward';
    const isFetchNextPageError = base.isError && direction === 'forward';
    const isFetchPreviousPageError = base.isError && direction === 'backward';
    const result = {
      ...base,
      fetchNextPage: this.#next,
      fetchPreviousPage: this.#previous,
      hasNextPage: hasNextPage(this.#pageOptions, data),
      hasPreviousPage: hasPreviousPage(this.#pageOptions, data),
      isFetchingNextPage,
      isFetchingPreviousPage,
      isFetchNextPageError,
      isFetchPreviousPageError,
      isRefetching: base.isRefetching && !isFetchingNextPage && !isFetchingPreviousPage,
      isRefetchError: base.isRefetchError && !isFetchNextPageError && !isFetchPreviousPageError,
    };
    // As TanStack's: equal field by field to the last result, it is that one (new options
    // that change nothing shown keep the result).
    const same = kept !== undefined && shallowEqual(result, kept.result) ? kept.result : result;
    this.#kept = { base, direction, version: this.#version, result: same };
    return same;
  }

  #deliver(subscription, result) {
    if (subscription.delivered === result || !this.#subscriptions.has(subscription)) return;
    subscription.delivered = result;
    subscription.listener(result);
  }

  /** The direction shown changed with no change the engine reports: listeners hear it here. */
  #directionChanged() {
    if (this.#subscriptions.size === 0) return;
    const result = this.getCurrentResult();
    for (const subscription of [...this.#subscriptions]) {
      try {
        this.#deliver(subscription, result);
      } catch {
        // a throwing listener must not stop the others (as the engine's)
      }
    }
  }

  #use({ options, pageOptions, hash }) {
    this.#queryKey = options.queryKey;
    this.#pageOptions = pageOptions;
    this.#select = options.select !== undefined;
    this.#version++;
    if (hash !== this.#hash) {
      this.#hash = hash;
      this.#rewatch();
    }
  }

  #watch() {
    this.#unwatch ??= this.#directions.watch(this.#hash, () => this.#directionChanged());
  }

  #rewatch() {
    if (this.#unwatch === undefined) return;
    this.#stopWatching();
    this.#watch();
  }

  #stopWatching() {
    this.#unwatch?.();
    this.#unwatch = undefined;
  }

  #forget(subscription) {
    this.#subscriptions.delete(subscription);
    if (this.#subscriptions.size === 0) this.#stopWatching();
  }
}
