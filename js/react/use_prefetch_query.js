// `usePrefetchQuery` / `usePrefetchInfiniteQuery` (TanStack's): start a query's fetch in
// render, when the cache has nothing for its key yet, so that a component below (often
// behind a Suspense boundary) finds it running or done instead of starting it only once
// it renders. No subscription, no result, nothing on re-render once the query exists.
import { useQueryClient } from './context.js';
import { HOOK_ONLY } from './observer_options.js';
import { checkOptions } from './use_base_query.js';

const noop = () => {};

function fetchOptions(options) {
  const out = {};
  for (const [name, value] of Object.entries(options)) if (!HOOK_ONLY.has(name)) out[name] = value;
  return out;
}

function prefetch(options, queryClient, hook, infinite) {
  checkOptions(options, hook);
  const client = useQueryClient(queryClient);
  if (client.getQueryState(options.queryKey) !== undefined) return;
  const started = infinite ? client.prefetchInfiniteQuery(fetchOptions(options)) : client.prefetchQuery(fetchOptions(options));
  started.catch(noop);
}

/** Fetches the query now, in render, unless the cache already has it. */
export function usePrefetchQuery(options, queryClient) {
  prefetch(options, queryClient, 'usePrefetchQuery', false);
}

/** Fetches the infinite query's first page now, in render, unless the cache already has it. */
export function usePrefetchInfiniteQuery(options, queryClient) {
  prefetch(options, queryClient, 'usePrefetchInfiniteQuery', true);
}
