// stackquery/react's hooks and components (React 18+, a peer dependency), bundled by
// scripts/bundle-entries.mjs into the package's react/hooks.js (ES module, marked
// 'use client' for React Server Components) and react/hooks.cjs, React left external.
// index.js re-exports them beside stackquery's own exports.
//
// - context.js          `QueryClientProvider`, `useQueryClient`
// - observer_options.js the options a hook hands its observer, and when they changed
// - select.js           `select` run in render
// - is_restoring.js    `useIsRestoring`
// - use_query.js        `useQuery`
// - use_base_query.js   the hook under useQuery, useInfiniteQuery and the suspense hooks
// - query_view.js       what a query hook shows of its observer's results
// - track.js            re-rendering for the result properties read (notifyOnChangeProps)
// - throw_on_error.js   `throwOnError`: when a hook throws to the error boundary
// - error_reset_boundary.js `QueryErrorResetBoundary`, `useQueryErrorResetBoundary`
// - suspense.js         the suspense hooks' rules: the promise thrown, timers' minimum
// - infinite_observer.js an InfiniteQueryObserver of a client (imports stackquery, external)
// - use_infinite_query.js `useInfiniteQuery`
// - use_suspense_query.js `useSuspenseQuery`, `useSuspenseInfiniteQuery`
// - use_queries.js      `useQueries`; replace_equal_deep.js its combined result's sharing
// - use_suspense_queries.js `useSuspenseQueries`
// - use_prefetch_query.js `usePrefetchQuery`, `usePrefetchInfiniteQuery`
// - query_options.js    `queryOptions`, `infiniteQueryOptions` (exported by index.js, not
//                       here: a server component may call them)
// - describe.js         how a value is named in a TypeError
// - use_mutation.js     `useMutation`
// - use_is_fetching.js  `useIsFetching`
// - use_mutation_state.js `useMutationState`, `useIsMutating`
// - hydration_boundary.js `HydrationBoundary` (imports `hydrate` from stackquery, external)

export { QueryClientProvider, useQueryClient } from './context.js';
export { useIsRestoring } from './is_restoring.js';
export { useQuery } from './use_query.js';
export { useInfiniteQuery } from './use_infinite_query.js';
export { useSuspenseQuery, useSuspenseInfiniteQuery } from './use_suspense_query.js';
export { useQueries } from './use_queries.js';
export { useSuspenseQueries } from './use_suspense_queries.js';
export { usePrefetchQuery, usePrefetchInfiniteQuery } from './use_prefetch_query.js';
export { QueryErrorResetBoundary, useQueryErrorResetBoundary } from './error_reset_boundary.js';
export { useMutation } from './use_mutation.js';
export { useIsFetching } from './use_is_fetching.js';
export { useMutationState, useIsMutating } from './use_mutation_state.js';
export { HydrationBoundary } from './hydration_boundary.js';
