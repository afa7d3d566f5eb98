// stackquery/react: stackquery's exports (QueryClient, dehydrate, …, resolved through the
// package's own exports map, so each host gets its engine) and the hooks, so that a
// TanStack app changes only its import line. Not marked 'use client': a server component
// may import QueryClient, dehydrate, queryOptions from here; the hooks' module is a client module.
export * from 'stackquery';
export * from './hooks.js';
export { queryOptions, infiniteQueryOptions } from './query_options.js';
