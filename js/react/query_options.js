// `queryOptions` / `infiniteQueryOptions` (TanStack's): the options given, unchanged — they
// exist for their types (a key, function and data type defined once and shared by
// useQuery, prefetchQuery, getQueryData, …).

/** `options`, typed for every call that takes query options. */
export function queryOptions(options) {
  return options;
}

/** `options`, typed for every call that takes infinite query options. */
export function infiniteQueryOptions(options) {
  return options;
}
