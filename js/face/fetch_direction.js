// Which way each infinite query's fetch goes: TanStack's `fetchMeta.fetchMore.direction`,
// kept by the face per client and query hash, because the engine's queries carry no fetch
// meta. A direction is `'forward'` (fetchNextPage), `'backward'` (fetchPreviousPage) or
// `null` (a first fetch or a refetch of every page).
//
// An `InfiniteQueryObserver` *requests* a direction just before it starts a fetch; the
// infinite queryFn (infinite_query.js) *takes* it on the fetch's first attempt, so a fetch
// the engine starts by itself (mount, invalidation, refetchQueries, focus, an interval)
// takes none and goes with `null`. The direction stays shown while the fetch runs and
// after it failed (`isFetchNextPageError`), and is forgotten when it succeeds.
//
// Each request, and each direction taken, is a token `{ direction, previous, taken }`:
// identity says whose direction is shown, and `previous` is what a cancelled fetch
// reverts to.

import { fastKeyHash } from '../key_hash.js';

const registries = new WeakMap();

/** The registry of `client` (made on first use). */
export function fetchDirections(client) {
  let registry = registries.get(client);
  if (registry === undefined) {
    registry = new FetchDirections();
    registries.set(client, registry);
  }
  return registry;
}

/**
 * A query key's hash for this registry: the face's fast hash, else TanStack's `hashKey`
 * itself (JSON with sorted plain-object keys, the text the fast hash gives where it can)
 * for the keys that hash leaves to the engine; `undefined` when neither can (a cyclic key,
 * which the engine refuses anyway). Keys the engine holds as one query get one text.
 */
export function directionKey(queryKey) {
  const fast = fastKeyHash(queryKey);
  if (fast !== undefined) return fast;
  try {
    return JSON.stringify(queryKey, sortPlainObjects);
  } catch {
    return undefined;
  }
}

function sortPlainObjects(_, value) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const sorted = {};
  for (const name of Object.keys(value).sort()) sorted[name] = value[name];
  return sorted;
}

const NO_QUERY = Object.freeze({ direction: null, previous: null, taken: true });

class FetchDirections {
  // hash → { shown: token | null, pending: token | null, watchers: Set<() => void> }
  #queries = new Map();

  /** The direction shown for the query under `hash`. */
  direction(hash) {
    return this.#queries.get(hash)?.shown?.direction ?? null;
  }

  /**
   * A fetch of `hash` in `direction` is about to start: shown from now on, and waiting for
   * the fetch's queryFn to take it. Listeners hear of it with the fetch's start, or from
   * `changed(hash)`.
   */
  request(hash, direction) {
    if (hash === undefined) return { direction, previous: null, taken: false };
    const query = this.#entry(hash);
    const token = { direction, previous: query.shown, taken: false };
    // One step back is all a revert needs: no chain grows over failed fetches.
    if (query.shown !== null) query.shown.previous = null;
    query.pending = token;
    query.shown = token;
    return token;
  }

  /** A fetch's first attempt: the direction requested for it, or `null` for one nobody requested. */
  take(hash) {
    const query = hash === undefined ? undefined : this.#queries.get(hash);
    if (query === undefined) return NO_QUERY;
    const requested = query.pending;
    if (requested !== null) {
      query.pending = null;
      requested.taken = true;
      return requested;
    }
    if (this.direction(hash) === null) return { direction: null, previous: null, taken: true }; // nothing changes
    const token = { direction: null, previous: query.shown, taken: true };
    query.shown.previous = null;
    query.shown = token;
    this.changed(hash);
    return token;
  }

  /** The fetch of `token` succeeded: no direction to show any more. */
  settled(hash, token) {
    const query = this.#queries.get(hash);
    if (query === undefined || query.shown !== token) return;
    query.shown = null;
    this.#dropIfEmpty(hash, query);
  }

  /**
   * The fetch of `token` was cancelled, or never ran (joined another, or cancelled before its
   * first attempt): what was shown before it is shown again. `notify` tells the watchers
   * (not needed where the engine notifies anyway).
   */
  revert(hash, token, notify) {
    const query = this.#queries.get(hash);
    if (query === undefined) return;
    if (query.pending === token) query.pending = null;
    if (query.shown === token) {
      const before = this.direction(hash);
      query.shown = token.previous;
      if (notify && this.direction(hash) !== before) this.changed(hash);
    }
    this.#dropIfEmpty(hash, query);
  }

  /** Calls `watcher()` when the direction shown for `hash` changes; returns the unwatch function. */
  watch(hash, watcher) {
    if (hash === undefined) return () => {};
    const query = this.#entry(hash);
    query.watchers.add(watcher);
    return () => {
      query.watchers.delete(watcher);
      this.#dropIfEmpty(hash, query);
    };
  }

  /** Tells the watchers of `hash` (each may run user listeners; a throw stops no other). */
  changed(hash) {
    const query = this.#queries.get(hash);
    if (query === undefined) return;
    for (const watcher of [...query.watchers]) {
      try {
        watcher();
      } catch {
        // a listener's error is its own, as the engine treats listeners
      }
    }
  }

  #entry(hash) {
    let query = this.#queries.get(hash);
    if (query === undefined) {
      query = { shown: null, pending: null, watchers: new Set() };
      this.#queries.set(hash, query);
    }
    return query;
  }

  #dropIfEmpty(hash, query) {
    if (query.shown === null && query.pending === null && query.watchers.size === 0 && this.#queries.get(hash) === query) {
      this.#queries.delete(hash);
    }
  }
}
