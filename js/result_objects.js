// The plain objects the engine hands to user code about a query or a mutation: a query's
// state (`getQueryState`, `query.state`), an observer's result and a mutation's state.
// Made here, each from one object literal, rather than property by property from wasm:
// one call across the boundary instead of one a field, and objects whose fields V8 keeps
// in fixed slots (a property added by a keyed store past the twelfth turns an object into a
// dictionary, where every later read of `result.data` is a hash lookup). Every result of a
// kind has the same fields in the same order, so a component reading them stays on one
// fast path. The engine passes statuses as small numbers (src/bindings/js_state.rs).

const STATUS = ['pending', 'success', 'error'];
const FETCH_STATUS = ['idle', 'fetching', 'paused'];
const MUTATION_STATUS = ['idle', 'pending', 'success', 'error'];

/**
 * A query's state, with TanStack's field names (`kind` 0); or an observer's result: the
 * state plus TanStack's derived flags, less `isInvalidated` and `dataUpdateCount` (TanStack's
 * results have neither) (`kind` 1, plus 2 when stale, 4 when enabled, 8 when fetched after mount).
 */
export function queryObject(kind, status, fetchStatus, data, error, dataUpdatedAt, errorUpdatedAt, failureCount,
  failureReason, isInvalidated, dataUpdateCount, errorUpdateCount) {
  if (kind === 0) {
    return {
      status: STATUS[status],
      fetchStatus: FETCH_STATUS[fetchStatus],
      data,
      error,
      dataUpdatedAt,
      errorUpdatedAt,
      fetchFailureCount: failureCount,
      fetchFailureReason: failureReason,
      fetchMeta: null,
      isInvalidated,
      dataUpdateCount,
      errorUpdateCount,
    };
  }
  // The state's fields written out again, not spread from the object above: a result
  // made by spreading read its fields about twice as slowly (measured in Node 20).
  const pending = status === 0;
  const fetching = fetchStatus === 1;
  return {
    status: STATUS[status],
    fetchStatus: FETCH_STATUS[fetchStatus],
    data,
    error,
    dataUpdatedAt,
    errorUpdatedAt,
    failureCount,
    failureReason,
    errorUpdateCount,
    isPending: pending,
    isSuccess: status === 1,
    isError: status === 2,
    isFetching: fetching,
    isPaused: fetchStatus === 2,
    isLoading: pending && fetching,
    isInitialLoading: pending && fetching,
    isRefetching: fetching && !pending,
    isStale: (kind & 2) !== 0,
    isPlaceholderData: false,
    isFetched: dataUpdateCount + errorUpdateCount > 0,
    isFetchedAfterMount: (kind & 8) !== 0,
    isLoadingError: status === 2 && data === undefined,
    isRefetchError: status === 2 && data !== undefined,
    isEnabled: (kind & 4) !== 0,
    refetch: undefined, // what the engine keeps has none: see resultWithRefetch
  };
}

/**
 * An observer's result `r` (made above) as its user sees it: the same fields in the same
 * order, and its observer's `refetch`. A copy, not `r` itself: the engine keeps `r`, and
 * an `r` holding its observer would keep the observer (and its client) from ever being
 * collected. Written out, not spread: a spread object read its fields about twice as slowly.
 */
export function resultWithRefetch(r, refetch) {
  return {
    status: r.status,
    fetchStatus: r.fetchStatus,
    data: r.data,
    error: r.error,
    dataUpdatedAt: r.dataUpdatedAt,
    errorUpdatedAt: r.errorUpdatedAt,
    failureCount: r.failureCount,
    failureReason: r.failureReason,
    errorUpdateCount: r.errorUpdateCount,
    isPending: r.isPending,
    isSuccess: r.isSuccess,
    isError: r.isError,
    isFetching: r.isFetching,
    isPaused: r.isPaused,
    isLoading: r.isLoading,
    isInitialLoading: r.isInitialLoading,
    isRefetching: r.isRefetching,
    isStale: r.isStale,
    isPlaceholderData: r.isPlaceholderData,
    isFetched: r.isFetched,
    isFetchedAfterMount: r.isFetchedAfterMount,
    isLoadingError: r.isLoadingError,
    isRefetchError: r.isRefetchError,
    isEnabled: r.isEnabled,
    refetch,
  };
}

/** A mutation's state, with TanStack's field names and flags. */
export function mutationState(status, data, error, variables, context, failureCount, failureReason, submittedAt,
  isPaused) {
  return {
    status: MUTATION_STATUS[status],
    data,
    error,
    variables,
    context,
    failureCount,
    failureReason,
    submittedAt,
    isPaused,
    isIdle: status === 0,
    isPending: status === 1,
    isSuccess: status === 2,
    isError: status === 3,
  };
}
