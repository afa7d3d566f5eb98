// The client options `queryCache` and `mutationCache` (TanStack's `new QueryClient({
// queryCache: new QueryCache({ onError }) })`): taken out of the options before the engine
// reads them, and checked before the engine's client is made, so a refused cache leaves
// nothing behind. Options without them are handed on as they are (not copied: a getter on
// them runs where the engine reads it, as before).

import { QueryCache, isQueryCacheBound } from './query_cache.js';
import { MutationCache, isMutationCacheBound } from './mutation_cache.js';
import { describe } from './describe.js';

/** `{ options, queryCache, mutationCache }`: the engine's options and the caches given. */
export function takeCacheOptions(options) {
  if (typeof options !== 'object' || options === null) return { options };
  const { queryCache, mutationCache } = options;
  if (queryCache === undefined && mutationCache === undefined) return { options };
  if (queryCache !== undefined) {
    if (!(queryCache instanceof QueryCache)) {
      throw new TypeError(`queryCache must be a QueryCache (new QueryCache({ onError, onSuccess, onSettled })), got ${describe(queryCache)}`);
    }
    if (isQueryCacheBound(queryCache)) throw new TypeError('queryCache: this QueryCache already belongs to another QueryClient');
  }
  if (mutationCache !== undefined) {
    if (!(mutationCache instanceof MutationCache)) {
      throw new TypeError(`mutationCache must be a MutationCache (new MutationCache({ onMutate, onSuccess, onError, onSettled })), got ${describe(mutationCache)}`);
    }
    if (isMutationCacheBound(mutationCache)) throw new TypeError('mutationCache: this MutationCache already belongs to another QueryClient');
  }
  const rest = { ...options };
  delete rest.queryCache;
  delete rest.mutationCache;
  return { options: rest, queryCache, mutationCache };
}
