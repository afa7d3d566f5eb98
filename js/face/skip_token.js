// TanStack's `skipToken`: `queryFn: skipToken` says "this query cannot run now" (a typed
// way to disable it). An observer with it is disabled and has no queryFn; a fetch call
// with it rejects when it would have to run the queryFn (TanStack's "Missing queryFn"),
// and answers cached data as any call does.

export const skipToken = Symbol('stackquery.skipToken');

/** Observer options for the engine: with `skipToken`, no queryFn and disabled. */
export function observerOptionsWithoutSkipToken(options) {
  if (options === null || typeof options !== 'object' || options.queryFn !== skipToken) return options;
  const { queryFn: _skipped, ...rest } = options;
  return { ...rest, enabled: false };
}

/** Whether a fetch call's options say `queryFn: skipToken`. */
export function skipsQueryFn(options) {
  return options !== null && typeof options === 'object' && options.queryFn === skipToken;
}
