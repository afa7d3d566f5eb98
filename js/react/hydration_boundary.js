// `HydrationBoundary`: hydrates a dehydrated state (what `dehydrate` returns, e.g. from a
// server component) into the tree's QueryClient before its children read it.
//
// `<HydrationBoundary state={dehydrated} options={{ defaultOptions }} queryClient={client}>`:
// queries the cache does not hold yet are hydrated during render (so the children's first
// render, on the server as in the browser, shows their data); queries it already holds are
// hydrated only when the dehydrated data is newer, and then in an effect, after the render
// commits (a render, or an abandoned transition, never changes data under other components).
// `state` null or undefined hydrates nothing.
//
// A pending query dehydrated with its fetch's `promise` (React Server Components stream it):
// new to the cache, the core's `hydrate` fetches it with that promise as its first result;
// when the promise has already settled as a React thenable does (its `then` answers at once,
// as the promises a server component streams do once their chunk has arrived), its data is
// hydrated as is, so the first render shows it and suspends on nothing.
//
// Differs from TanStack: a `state` that is not an object (nor null/undefined) is a TypeError
// (TanStack ignores it); an existing query with older data is brought up to a dehydrated
// `promise` by hydrating that promise's data (`dataUpdatedAt` the dehydration's time) once it
// resolves, not by a fetch (the core's `hydrate` does not refetch existing queries); the
// client must come from the same copy of stackquery as stackquery/react (TypeError otherwise).
import { useEffect, useMemo, useRef } from 'react';
import { hydrate, QueryClient } from 'stackquery';
import { useQueryClient } from './context.js';
import { describe } from './describe.js';

const noop = () => {};

export function HydrationBoundary({ children, options, state, queryClient }) {
  const client = useQueryClient(queryClient);
  if (!(client instanceof QueryClient)) {
    throw new TypeError(`HydrationBoundary: the QueryClient must come from the entry these hooks import (stackquery for stackquery/react, stackquery/l1 for stackquery/l1/react), got ${describe(client)}${typeof client?.getQueryCache === 'function' ? ' from another copy or entry' : ''}`);
  }
  if (state !== undefined && state !== null && typeof state !== 'object') {
    throw new TypeError(`HydrationBoundary: state must be a dehydrated state { queries, mutations } (what dehydrate returns), null or undefined, got ${describe(state)}`);
  }
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(`HydrationBoundary: options must be an object { defaultOptions }, got ${describe(options)}`);
  }
  // The latest options, for the effect (they take no part in when to hydrate, as in TanStack).
  const optionsRef = useRef(options);
  useEffect(() => {
    optionsRef.current = options;
  });

  // Safe to run on every render: hydrating a query again is a no-op (never over newer data).
  const later = useMemo(() => {
    if (state === undefined || state === null) return undefined;
    const queries = state.queries ?? [];
    if (!Array.isArray(queries)) {
      throw new TypeError(`HydrationBoundary: state.queries must be an array, got ${describe(queries)}`);
    }
    const fresh = [];
    const newer = [];
    for (const given of queries) {
      const dehydrated = settled(given);
      const existing = Array.isArray(dehydrated?.queryKey) ? client.getQueryState(dehydrated.queryKey) : undefined;
      if (existing === undefined) fresh.push(dehydrated); // the core's hydrate checks its shape
      else if (isNewer(dehydrated, existing)) newer.push(dehydrated);
    }
    if (fresh.length > 0) hydrate(client, { queries: fresh, mutations: [] }, optionsRef.current);
    return newer.length > 0 ? newer : undefined;
  }, [client, state]);

  useEffect(() => {
    if (later === undefined) return;
    const now = [];
    for (const dehydrated of later) {
      if (dehydrated.state.data !== undefined || typeof dehydrated.promise?.then !== 'function') now.push(dehydrated);
      else {
        // Brought up to the promise's outcome once it has one (a failure hydrates nothing).
        Promise.resolve(dehydrated.promise).then(
          (data) => hydrate(client, { queries: [withData(dehydrated, data)], mutations: [] }, optionsRef.current),
          noop,
        );
      }
    }
    if (now.length > 0) hydrate(client, { queries: now, mutations: [] }, optionsRef.current);
  }, [client, later]);

  return children ?? null;
}

/** Whether the dehydrated query holds newer data than the cache's `existing` state. */
function isNewer(dehydrated, existing) {
  const state = dehydrated.state;
  if (typeof state !== 'object' || state === null) return false;
  if (state.dataUpdatedAt > existing.dataUpdatedAt) return true;
  // A fetch dehydrated after the data the cache holds, while the cache is not fetching itself.
  return typeof dehydrated.promise?.then === 'function' && existing.status !== 'pending'
    && existing.fetchStatus !== 'fetching' && typeof dehydrated.dehydratedAt === 'number'
    && dehydrated.dehydratedAt > existing.dataUpdatedAt;
}

/**
 * A pending dehydrated query whose promise has already settled with data, as a React thenable
 * tells synchronously: the query with that data (the promise dropped). Anything else as given.
 */
function settled(dehydrated) {
  const promise = dehydrated?.promise;
  if (typeof promise?.then !== 'function' || dehydrated.state?.data !== undefined) return dehydrated;
  let value;
  let fulfilled = false;
  try {
    promise.then((data) => { value = data; fulfilled = true; }, noop);
  } catch {
    return dehydrated;
  }
  return fulfilled && value !== undefined ? withData(dehydrated, value) : dehydrated;
}

/** The dehydrated query as a successful one holding `data`, fetched when it was dehydrated. */
function withData(dehydrated, data) {
  const { promise: _promise, ...rest } = dehydrated;
  const dataUpdatedAt = typeof dehydrated.dehydratedAt === 'number' ? dehydrated.dehydratedAt : Date.now();
  return { ...rest, state: { ...dehydrated.state, data, dataUpdatedAt, status: 'success', fetchStatus: 'idle', error: null } };
}
