// Query filters with a `predicate`: user code, so the face applies it. The predicate gets
// the query as TanStack's does, a `Query` of the client's `QueryCache` (query.js: its key,
// hash, state, meta, `isStale()`, `isActive()`, …); the engine then acts on each query it
// kept through a filter naming just that query. Filters without a predicate go to the
// engine as they are (it matches them itself, in one call).

import { splitFilters } from './query_cache.js';

/**
 * One filter per query `filters` matches (an exact key, the other fields kept), when it
 * has a predicate; undefined when it has none. A predicate that is not a function is a
 * TypeError naming `method` (the QueryCache's check).
 */
export function perQueryFilters(client, filters, method) {
  if (filters === null || typeof filters !== 'object' || filters.predicate === undefined) return undefined;
  const [rest] = splitFilters(filters, method);
  const matched = client.getQueryCache().findAll(filters);
  const out = new Array(matched.length);
  for (let i = 0; i < matched.length; i++) out[i] = { ...rest, queryKey: matched[i].queryKey, exact: true };
  return out;
}

/** Resolves with undefined once all of `promises` have, or rejects with the first rejection (as one engine call does). */
export function whenAll(promises) {
  return Promise.all(promises).then(() => undefined);
}
