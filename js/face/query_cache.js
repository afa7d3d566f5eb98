// The face's `QueryCache`: TanStack's view of a client's queries (`client.getQueryCache()`,
// or `new QueryClient({ queryCache: new QueryCache({ onError, onSuccess, onSettled }) })`).
// The engine holds the queries; this reads them (`__queryViews`) and keeps one `Query`
// handle per hash (query.js), so `find` gives the same object while the query lives.
//
// Events and the global callbacks. While the cache has listeners or callbacks, the engine
// calls its watch (`__watch`) each time the client's cache may change; the watch only
// schedules a look, in a microtask. The look reads the queries the engine's journal says
// may have changed since the last look (every query, the first time or when the journal
// overflowed), none when it lists none (a read such as getQueryData moves nothing), and
// compares each with the last look: a new hash is `added`, a hash gone is `removed`, a changed state is `updated`
// with the action the change implies (`fetch`, `success`, `error`, `failed`, `pause`,
// `continue`, `invalidate`, else `setState`), a changed observer count is `observerAdded` /
// `observerRemoved`. A fetch that ended in `success` or `error` calls `onSuccess(data,
// query)` / `onError(error, query)`, then `onSettled(data, error, query)` (not for a
// cancelled fetch), after that query's events. With no listener and no callback the engine
// calls nothing and nothing is read: clients without them pay nothing.
//
// Where the timing differs from TanStack: TanStack calls cache listeners synchronously,
// inside the change (its notifyManager batches only observers' notifications, which it
// defers with setTimeout 0), and its onSuccess/onError inside the fetch. Here every event
// and callback comes in the microtask after the change, grouped per look: the events of one
// look go query by query (cache order, then removals), not interleaved as they happened;
// changes undone before the look (a query added and removed in one synchronous block) are
// not seen; the `observer` of observer events is not known. A fetch always starts and ends
// in different looks, so each fetch gives its `fetch` and its outcome. Listener and callback
// exceptions are swallowed (as the engine does with observer listeners): they never break
// the cache or the other listeners.

import { mirrors } from './mirror.js';
import { Query, MAKE_QUERY, SET_VIEW, OUTCOME, CLIENT, EPOCH_MOVED, REFRESH, cancelledError } from './query.js';
import { describe } from './describe.js';
import { checkCacheConfig } from './cache_config.js';
import { nested } from './nesting.js';

const BIND = Symbol('stackquery.bindQueryCache');
const WAKE = Symbol('stackquery.wake');

/** Makes `cache` the QueryCache of `client` (once; a cache belongs to one client). */
export function bindQueryCache(cache, client) {
  cache[BIND](client);
  return cache;
}

/** Whether `cache` already belongs to a client. */
export function isQueryCacheBound(cache) {
  return cache[BIND]() !== undefined;
}

const CALLBACKS = {
  onError: '(error, query) => void',
  onSuccess: '(data, query) => void',
  onSettled: '(data, error, query) => void',
};

// The state a query starts from, against which a new one is compared.
const BLANK = {
  status: 'pending', fetchStatus: 'idle', data: undefined, error: null, dataUpdatedAt: 0,
  errorUpdatedAt: 0, fetchFailureCount: 0, isInvalidated: false, dataUpdateCount: 0, errorUpdateCount: 0,
};
const COMPARED = ['status', 'fetchStatus', 'data', 'error', 'dataUpdatedAt', 'errorUpdatedAt', 'fetchFailureCount', 'isInvalidated', 'dataUpdateCount', 'errorUpdateCount'];

// The engine holds the watch: it must not reach the cache (and so the client), or
// neither could ever be collected.
const weakly = typeof WeakRef === 'function' ? (v) => new WeakRef(v) : (v) => ({ deref: () => v });
const watchOf = (ref) => () => ref.deref()?.[WAKE]();

export class QueryCache {
  #config;
  #client;
  #mirror;
  #handles = new Map(); // hash → Query
  #pruneAt = 64;
  #listeners = new Set();
  #watching = false;
  #watch;
  #seen = null; // hash → { view, fetchSince }, as the last look saw it (null: take a baseline)
  #scheduled = false;
  #reading = false; // our own read: the epoch it moves is no change to look at

  constructor(config) {
    this.#config = nested('new QueryCache', () => checkCacheConfig(config, CALLBACKS, 'QueryCache')); // getters: counted
  }

  /** The callbacks given to the constructor. */
  get config() {
    return this.#config;
  }

  [BIND](client) {
    if (client === undefined || this.#client === client) return this.#client;
    if (this.#client !== undefined) throw new TypeError('queryCache: this QueryCache already belongs to another QueryClient');
    this.#client = client;
    this.#mirror = mirrors.get(client);
    this.#update();
  }

  /** The client, or a TypeError naming `method` when the cache has none yet. */
  [CLIENT](method) {
    if (this.#client === undefined) {
      throw new TypeError(`${method}: this QueryCache belongs to no QueryClient yet (give it as new QueryClient({ queryCache }))`);
    }
    return this.#client;
  }

  /** The first query matching `filters` (`exact` defaults to true, as in TanStack), or undefined. */
  find(filters) {
    const [engineFilters, predicate] = splitFilters(filters, 'queryCache.find');
    if (engineFilters?.queryKey !== undefined && engineFilters.exact === undefined) engineFilters.exact = true;
    return this.#matching(engineFilters, predicate, true, 'queryCache.find')[0];
  }

  /** Every query matching `filters` (`queryKey` by prefix unless `exact`), in the cache's order. */
  findAll(filters) {
    const [engineFilters, predicate] = splitFilters(filters, 'queryCache.findAll');
    return this.#matching(engineFilters, predicate, false, 'queryCache.findAll');
  }

  getAll() {
    return this.#matching(undefined, undefined, false, 'queryCache.getAll');
  }

  /** The query of a hash (TanStack's `hashKey` of its key), or undefined. */
  get(queryHash) {
    if (typeof queryHash !== 'string') throw new TypeError(`queryCache.get needs a query hash (a string), got ${describe(queryHash)}`);
    let queryKey;
    try {
      queryKey = JSON.parse(queryHash); // a hash is the key's canonical JSON
    } catch {
      return undefined;
    }
    if (!Array.isArray(queryKey)) return undefined;
    const query = this.#matching({ queryKey, exact: true }, undefined, true, 'queryCache.get')[0];
    return query?.queryHash === queryHash ? query : undefined;
  }

  /** Removes one query from the cache (`removeQueries` on its key). */
  remove(query) {
    if (!(query instanceof Query)) throw new TypeError(`queryCache.remove needs a Query of this cache, got ${describe(query)}`);
    this[CLIENT]('queryCache.remove').removeQueries({ queryKey: query.queryKey, exact: true });
  }

  /** Removes every query (`removeQueries()`: their fetches are cancelled, their L2 entries deleted). */
  clear() {
    this[CLIENT]('queryCache.clear').removeQueries();
  }

  /** `listener({ type, query, action? })` after each change; returns `unsubscribe`. */
  subscribe(listener) {
    if (typeof listener !== 'function') {
      throw new TypeError(`queryCache.subscribe needs a listener function (event) => void, got ${describe(listener)}`);
    }
    this.#listeners.add(listener);
    this.#update();
    return () => {
      this.#listeners.delete(listener);
      this.#update();
    };
  }

  hasListeners() {
    return this.#listeners.size > 0;
  }

  /** Whether the client's cache may have changed since `epoch` (handles read again then). */
  [EPOCH_MOVED](epoch) {
    const mirror = this.#mirror;
    return mirror !== undefined && mirror.live && mirror.epoch() !== epoch;
  }

  /** Reads `query`'s view again; false when it is no longer in the cache (it keeps the last). */
  [REFRESH](query) {
    let read;
    try {
      read = this.#read({ queryKey: query.queryKey, exact: true }, 'query');
    } catch {
      return false; // disposed, or the cache is busy: the last view stands
    }
    const view = read.views[0];
    if (view === undefined) return false;
    query[SET_VIEW](view, read.epoch);
    return true;
  }

  /**
   * `{ promise, cancel }`: the outcome of the fetch `query` runs (or starts next), read from
   * this cache's events: its data, its error, a CancelledError if it is cancelled or removed.
   */
  [OUTCOME](query) {
    let off;
    const promise = new Promise((resolve, reject) => {
      off = this.subscribe((event) => {
        if (event.query.queryHash !== query.queryHash) return;
        const action = event.action;
        if (event.type === 'removed') reject(cancelledError());
        else if (event.type !== 'updated') return;
        else if (action.type === 'success' && !action.manual) resolve(action.data);
        else if (action.type === 'error') reject(action.error);
        else return;
        off();
      });
    });
    return { promise, cancel: () => off() };
  }

  /** Called by the engine (through the watch) when the cache may change: schedules a look. */
  [WAKE]() {
    if (this.#reading || this.#scheduled || !this.#watching) return;
    this.#scheduled = true;
    queueMicrotask(() => this.#look());
  }

  /** `[views, epoch]` of the matching queries; the epoch read after the call. */
  #read(filters, method) {
    const client = this[CLIENT](method);
    this.#reading = true;
    let views;
    try {
      views = client.__queryViews(filters);
    } finally {
      this.#reading = false;
    }
    return { views, epoch: this.#mirror.epoch() };
  }

  #handle(view, epoch) {
    let query = this.#handles.get(view.queryHash);
    if (query === undefined) {
      query = new Query(MAKE_QUERY, this, view, epoch);
      this.#handles.set(view.queryHash, query);
    } else {
      query[SET_VIEW](view, epoch);
    }
    return query;
  }

  #matching(engineFilters, predicate, first, method) {
    const { views, epoch } = this.#read(engineFilters, method);
    const out = [];
    // A predicate is user code that may call back into the client (with itself, say): its
    // calls count as nested ones (nesting.js), refused at the bound instead of running until
    // the stack gives out inside the engine's next call.
    const keep = predicate === undefined ? undefined : (query) => nested(method, () => predicate(query));
    for (const view of views) {
      const query = this.#handle(view, epoch);
      if (keep === undefined || keep(query)) {
        out.push(query);
        if (first) break;
      }
    }
    if (!this.#watching) {
      // Handles of queries gone unseen: forgotten when a read lists every query, and
      // looked for once the map outgrows twice what the cache held at the last sweep.
      if (everything(engineFilters)) this.#sweep(views);
      else if (this.#handles.size > this.#pruneAt) this.#sweep(this.#read(undefined, method).views);
    }
    return out;
  }

  #sweep(views) {
    if (this.#handles.size > views.length) {
      const live = new Set();
      for (const view of views) live.add(view.queryHash);
      for (const hash of this.#handles.keys()) if (!live.has(hash)) this.#handles.delete(hash);
    }
    this.#pruneAt = Math.max(64, 2 * views.length);
  }

  /** Watches the engine while there is someone to tell; stops when there is none. */
  #update() {
    const config = this.#config;
    const wanted = this.#client !== undefined && this.#mirror !== undefined && this.#mirror.live &&
      (this.#listeners.size > 0 || Object.keys(CALLBACKS).some((name) => typeof config[name] === 'function'));
    if (wanted === this.#watching) return;
    this.#watching = wanted;
    if (wanted) {
      this.#seen = this.#baseline();
      this.#watch ??= watchOf(weakly(this));
      try {
        this.#client.__watch(this.#watch);
      } catch {
        this.#watching = false;
      }
    } else {
      this.#seen = null;
      try {
        this.#client.__watch(undefined);
      } catch {
        // freed: nothing is watched any more
      }
    }
  }

  /** The cache as it is now, the reference of the first look (null if unreadable now). */
  #baseline() {
    try {
      const { views, epoch } = this.#read(undefined, 'queryCache.subscribe');
      const seen = new Map();
      const now = Date.now();
      for (const view of views) {
        seen.set(view.queryHash, { view, fetchSince: now });
        this.#handle(view, epoch);
      }
      return seen;
    } catch {
      return null;
    }
  }

  #look() {
    this.#scheduled = false;
    if (!this.#watching) return;
    const mirror = this.#mirror;
    const before = this.#seen;
    let views, gone, epoch;
    try {
      // Only what the engine's journal lists, when it can list it and a baseline stands.
      const changed = before === null ? null : this.#readChanged();
      if (changed === null) {
        ({ views, epoch } = this.#read(undefined, 'queryCache'));
      } else {
        ({ views, gone } = changed);
        epoch = mirror.epoch();
      }
    } catch {
      if (mirror.live) return; // unreadable now: the next change looks again
      views = []; // disposed: every query is gone
      gone = undefined;
      epoch = -1;
    }
    const next = gone === undefined ? new Map() : before;
    const batch = [];
    const now = Date.now();
    for (const view of views) {
      const query = this.#handle(view, epoch);
      next.set(view.queryHash, before === null ? { view, fetchSince: now } : changesOf(before.get(view.queryHash), view, query, batch, now));
    }
    if (before !== null) {
      const removed = gone === undefined ? [...before.keys()].filter((hash) => !next.has(hash)) : gone.filter((hash) => before.has(hash));
      for (const hash of removed) {
        const query = this.#handles.get(hash) ?? new Query(MAKE_QUERY, this, before.get(hash).view, epoch);
        this.#handles.delete(hash);
        next.delete(hash);
        batch.push({ type: 'removed', query });
      }
    }
    this.#seen = next;
    if (!mirror.live) this.#update(); // disposed: stop watching
    this.#deliver(batch);
  }

  /** `{ views, gone }` of the queries changed since the last look, or null: look at all. */
  #readChanged() {
    const client = this[CLIENT]('queryCache');
    this.#reading = true;
    try {
      return client.__changedQueryViews();
    } finally {
      this.#reading = false;
    }
  }

  #deliver(batch) {
    const config = this.#config;
    for (const item of batch) {
      if (item.callback === undefined) {
        for (const listener of this.#listeners) {
          try {
            listener(item);
          } catch {
            // a listener's exception is its own: the cache and the other listeners go on
          }
        }
        continue;
      }
      const fn = config[item.callback];
      if (typeof fn !== 'function') continue;
      try {
        fn(...item.args);
      } catch {
        // as above
      }
    }
  }
}

/** `filters` without `predicate` (which the face applies to handles), and the predicate. */
export function splitFilters(filters, method) {
  if (filters === undefined || filters === null) return [undefined, undefined];
  if (typeof filters !== 'object') return [filters, undefined]; // the engine's TypeError names it
  const { predicate, ...engineFilters } = filters;
  if (predicate !== undefined && typeof predicate !== 'function') {
    throw new TypeError(`${method}: filters.predicate must be a function (query) => boolean, got ${describe(predicate)}`);
  }
  return [engineFilters, predicate];
}

/** Whether filters (the predicate aside) let every query through. */
function everything(f) {
  return f === undefined || (f.queryKey === undefined && (f.type === undefined || f.type === 'all') &&
    f.stale === undefined && f.fetchStatus === undefined);
}

/**
 * The events (and global callbacks) that take a query from `last` (what the last look saw;
 * undefined when it is new) to `view`, pushed to `out` in the order TanStack gives them.
 * Returns what this look saw: `{ view, fetchSince }`, the instant a look first saw the
 * fetch now running. A fetch ends after that look (its end needs a later microtask than
 * its start), so data it brings has a `dataUpdatedAt` no earlier; older data that arrives
 * during a fetch was restored (L2 read while the query showed `fetching`), not fetched.
 */
function changesOf(last, view, query, out, now) {
  const b = last === undefined ? BLANK : last.view.state;
  const a = view.state;
  if (last === undefined) out.push({ type: 'added', query });
  const observers = view.observers - (last === undefined ? 0 : last.view.observers);
  for (let i = 0; i < observers; i++) out.push({ type: 'observerAdded', query });

  const updated = (action) => out.push({ type: 'updated', query, action });
  let outcome;
  const wasFetching = b.fetchStatus !== 'idle';
  const fetching = a.fetchStatus !== 'idle';
  const errorMoved = a.errorUpdateCount > b.errorUpdateCount;
  let dataMoved = a.dataUpdateCount > b.dataUpdateCount;
  const count = out.length;
  if (wasFetching && dataMoved && a.dataUpdatedAt < last.fetchSince) {
    updated({ type: 'setState', state: a }); // restored from L2, not this fetch's data
    dataMoved = false;
  }
  if (wasFetching && !fetching) {
    // The fetch running at the last look ended.
    if (errorMoved) outcome = 'error';
    else if (dataMoved) outcome = 'success';
    else if (out.length === count) updated({ type: 'error', error: cancelledError() }); // cancelled: the state went back
  } else if (wasFetching && fetching && errorMoved) {
    outcome = 'error'; // it failed, and another fetch began
  } else if (wasFetching && fetching) {
    if (dataMoved) updated({ type: 'success', data: a.data, manual: true }); // setQueryData meanwhile
    if (a.fetchStatus !== b.fetchStatus) updated({ type: a.fetchStatus === 'paused' ? 'pause' : 'continue' });
    if (a.fetchFailureCount > b.fetchFailureCount) updated({ type: 'failed', failureCount: a.fetchFailureCount, error: a.fetchFailureReason });
  } else {
    if (dataMoved) updated({ type: 'success', data: a.data, manual: true });
    if (errorMoved) updated({ type: 'error', error: a.error });
  }
  if (outcome === 'success') updated({ type: 'success', data: a.data });
  if (outcome === 'error') updated({ type: 'error', error: a.error });
  const fetchBegan = fetching && (!wasFetching || outcome !== undefined);
  if (fetchBegan) updated({ type: 'fetch' });
  // An error invalidates by itself (TanStack's error step): no `invalidate` of its own then.
  if (a.isInvalidated && !b.isInvalidated && !errorMoved) updated({ type: 'invalidate' });
  if (out.length === count && last !== undefined && COMPARED.some((name) => a[name] !== b[name])) {
    updated({ type: 'setState', state: a });
  }

  for (let i = 0; i < -observers; i++) out.push({ type: 'observerRemoved', query });
  if (outcome === 'success') {
    out.push({ callback: 'onSuccess', args: [a.data, query] });
    out.push({ callback: 'onSettled', args: [a.data, null, query] });
  } else if (outcome === 'error') {
    out.push({ callback: 'onError', args: [a.error, query] });
    out.push({ callback: 'onSettled', args: [a.data, a.error, query] });
  }
  return { view, fetchSince: !fetching ? undefined : fetchBegan ? now : last.fetchSince };
}
