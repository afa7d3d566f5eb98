// TanStack's infinite queries, as the face makes them: an infinite query is an ordinary
// query of the engine whose data is `{ pages, pageParams }` and whose queryFn is the
// wrapper made here (TanStack's `infiniteQueryBehavior`). Each fetch of it reads the
// query's current pages from the cache and, by the direction the fetch was started in
// (fetch_direction.js), fetches one more page at the end (`'forward'`) or at the start
// (`'backward'`), or fetches every page again in order from the first stored pageParam,
// each next param derived anew by `getNextPageParam` (a refetch; `pages` of
// `fetchInfiniteQuery` says how many). The engine runs, retries, dedupes, caches and
// persists it like any query. Also here: the options' checks and the calls
// `fetchInfiniteQuery` / `prefetchInfiniteQuery` / `ensureInfiniteQueryData` hand on.

import { nested } from './nesting.js';
import { withQueryDefaults } from './defaults.js';
import { fetchDirections, directionKey } from './fetch_direction.js';
import { describe } from './describe.js';
import { rawSignal, takesRawSignal } from '../query_fn_context.js';

// The run of each fetch, by the `signal` the engine gives all its attempts: a retry goes
// on with the same direction and the same starting pages, and a refetch of every page
// resumes at the page that failed (as TanStack's does). The wrapper takes the signal
// without marking it consumed: only the page queryFn reading it does (query_fn_context.js).
const runs = new WeakMap();

const EMPTY = Object.freeze({ pages: Object.freeze([]), pageParams: Object.freeze([]) });

/**
 * A query call's options as the engine takes them for an infinite query: the defaults
 * under them and the infinite queryFn in place of the page queryFn. Throws a TypeError or
 * RangeError naming the option the engine would not check (the infinite ones).
 */
export function infiniteQueryOptions(client, options, method) {
  return readInfiniteOptions(client, options, method).options;
}

/** `infiniteQueryOptions`, with the page options as read (`pageOptions`) and the key's direction hash. */
export function readInfiniteOptions(client, options, method) {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${method} needs an options object { queryKey, queryFn, initialPageParam, getNextPageParam }, got ${describe(options)}`);
  }
  const defaulted = withQueryDefaults(client, options);
  const pageOptions = readPageOptions(defaulted, method);
  const hash = directionKey(defaulted.queryKey);
  // No queryFn here or in the defaults: the query's own (an earlier call's) runs, or the
  // engine says the call needs one.
  const engineOptions = pageOptions.queryFn === undefined ? defaulted : { ...defaulted, queryFn: infiniteQueryFn(client, hash, pageOptions) };
  return { options: engineOptions, pageOptions, hash };
}

/** The infinite options of a call, checked; read once, as TanStack reads them per fetch. */
function readPageOptions(options, method) {
  const { queryFn, initialPageParam, getNextPageParam, getPreviousPageParam, maxPages, pages } = options;
  if (queryFn !== undefined && typeof queryFn !== 'function') {
    throw new TypeError(`queryFn must be a function ({ queryKey, signal, pageParam, direction, meta }) => page, got ${describe(queryFn)}`);
  }
  if (initialPageParam === undefined && !('initialPageParam' in options)) {
    throw new TypeError(`${method} needs initialPageParam: the pageParam of the first page`);
  }
  if (typeof getNextPageParam !== 'function') {
    throw new TypeError(`getNextPageParam must be a function (lastPage, allPages, lastPageParam, allPageParams) => the next pageParam, or undefined or null for none; got ${describe(getNextPageParam)}`);
  }
  if (getPreviousPageParam !== undefined && typeof getPreviousPageParam !== 'function') {
    throw new TypeError(`getPreviousPageParam must be a function (firstPage, allPages, firstPageParam, allPageParams) => the previous pageParam, or undefined or null for none; got ${describe(getPreviousPageParam)}`);
  }
  return {
    queryFn,
    initialPageParam,
    getNextPageParam,
    getPreviousPageParam,
    maxPages: readCount(maxPages, 'maxPages', 0, true),
    pages: readCount(pages, 'pages', 1, false),
  };
}

/** A whole number ≥ `least` (`Infinity` where `unbounded` allows it), or undefined. */
function readCount(value, option, least, unbounded) {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new TypeError(`${option} must be a number of pages, got ${describe(value)}`);
  if (value === Infinity && unbounded) return value;
  if (!Number.isInteger(value) || value < least) {
    throw new RangeError(`${option} must be a whole number of pages, at least ${least}${unbounded ? ' (0 or Infinity: no limit)' : ''}; got ${value}`);
  }
  return value;
}

/** The queryFn the engine runs for an infinite query: TanStack's `infiniteQueryBehavior`. */
function infiniteQueryFn(client, hash, pageOptions) {
  const directions = fetchDirections(client);
  // The engine keeps this function with the query: it must not hold the client (which would
  // then never be collected), but finds it in the context; only where there is no WeakRef
  // (the context then has no client) is it held.
  const held = typeof WeakRef === 'function' ? undefined : client;
  return takesRawSignal(async function infiniteQueryFn(context) {
    const signal = rawSignal(context);
    let run = signal === undefined ? undefined : runs.get(signal);
    if (run === undefined) {
      const token = directions.take(hash);
      const owner = context.client ?? held;
      run = { token, old: asInfiniteData(owner?.getQueryData(context.queryKey)) ?? EMPTY, result: EMPTY, fetched: 0 };
      if (signal !== undefined) {
        runs.set(signal, run);
        // Cancelled (the engine reverts the query, and notifies its observers after this).
        signal.addEventListener('abort', () => directions.revert(hash, token, false), { once: true });
      }
    }
    const data = await fetchPages(run, pageOptions, context, signal);
    directions.settled(hash, run.token);
    return data;
  });
}

async function fetchPages(run, options, context, signal) {
  const { queryKey, meta } = context;
  const page = async (data, pageParam, backward) => {
    if (signal?.aborted) throw signal.reason; // cancelled: no further page is asked for
    if (pageParam == null && data.pages.length > 0) return data; // no such page
    const direction = backward ? 'backward' : 'forward';
    // TanStack's page context; its signal marks the engine's consumed when read.
    const value = await options.queryFn({
      get client() {
        return context.client; // not held while the fetch runs
      },
      queryKey,
      pageParam,
      direction,
      meta,
      get signal() {
        return context.signal;
      },
    });
    const add = backward ? addToStart : addToEnd;
    return { pages: add(data.pages, value, options.maxPages), pageParams: add(data.pageParams, pageParam, options.maxPages) };
  };
  const { direction } = run.token;
  if (direction !== null && run.old.pages.length > 0) {
    const backward = direction === 'backward';
    const pageParam = backward ? previousPageParam(options, run.old) : nextPageParam(options, run.old);
    return page(run.old, pageParam, backward);
  }
  // Every page again, from the first stored pageParam (a first fetch: the initial one).
  const count = options.pages ?? run.old.pages.length;
  do {
    const pageParam = run.fetched === 0 ? (run.old.pageParams[0] ?? options.initialPageParam) : nextPageParam(options, run.result);
    if (run.fetched > 0 && pageParam == null) break;
    run.result = await page(run.result, pageParam, false);
    run.fetched++;
  } while (run.fetched < count);
  return run.result;
}

function addToEnd(items, item, max) {
  const added = [...items, item];
  return max && added.length > max ? added.slice(1) : added;
}

function addToStart(items, item, max) {
  const added = [item, ...items];
  return max && added.length > max ? added.slice(0, -1) : added;
}

/** `data` when it has the shape of infinite data, else undefined. */
function asInfiniteData(data) {
  if (typeof data !== 'object' || data === null) return undefined;
  const { pages, pageParams } = data;
  return Array.isArray(pages) && Array.isArray(pageParams) ? { pages, pageParams } : undefined;
}

function nextPageParam(options, { pages, pageParams }) {
  const last = pages.length - 1;
  return last < 0 ? undefined : nested('getNextPageParam', () => options.getNextPageParam(pages[last], pages, pageParams[last], pageParams));
}

function previousPageParam(options, { pages, pageParams }) {
  if (pages.length === 0 || options.getPreviousPageParam === undefined) return undefined;
  return nested('getPreviousPageParam', () => options.getPreviousPageParam(pages[0], pages, pageParams[0], pageParams));
}

/** Whether `getNextPageParam` gives a next page for the query's data. */
export function hasNextPage(options, data) {
  const infinite = asInfiniteData(data);
  return infinite !== undefined && nextPageParam(options, infinite) != null;
}

/** Whether `getPreviousPageParam` gives a previous page for the query's data. */
export function hasPreviousPage(options, data) {
  const infinite = asInfiniteData(data);
  return infinite !== undefined && previousPageParam(options, infinite) != null;
}
