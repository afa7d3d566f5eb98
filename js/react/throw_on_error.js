// `throwOnError`: when a query hook throws its error to the nearest error boundary
// (TanStack's errorBoundaryUtils): the result is an error, no fetch runs, the reset
// boundary was not just reset, and `throwOnError` says so (`true`, or `(error, query) =>
// boolean` with the cached `Query`) — or a suspense hook has no data to show. While it
// would throw, an errored query is not retried on mount (`retryOnMount: false`) until the
// boundary is reset.
import { describe } from './describe.js';

/** Whether `throwOnError` may throw at all (anything but absent or `false`): the error then re-renders. */
export function mayThrow(throwOnError) {
  return throwOnError !== undefined && throwOnError !== false;
}

/** What `throwOnError` says of `error` (a function is asked with the query's handle). */
export function shouldThrowError(throwOnError, error, query) {
  if (typeof throwOnError === 'function') return Boolean(throwOnError(error, query));
  return Boolean(throwOnError);
}

/** A TypeError for a `throwOnError` that is neither a boolean nor a function. */
export function checkThrowOnError(throwOnError, hook) {
  if (throwOnError !== undefined && typeof throwOnError !== 'boolean' && typeof throwOnError !== 'function') {
    throw new TypeError(`${hook}: throwOnError must be a boolean or a function (error, query) => boolean, got ${describe(throwOnError)}`);
  }
}

/** Whether an errored query must not be retried on mount: its error would be thrown, and no reset came. */
export function preventsRetry(throwOnError, suspense, query, boundary) {
  const error = query?.state.error;
  const throwing = error != null && typeof throwOnError === 'function' ? shouldThrowError(throwOnError, error, query) : Boolean(throwOnError);
  return (suspense || throwing) && !boundary.isReset();
}

/** Whether the hook throws `result.error` now. */
export function hasError(result, boundary, throwOnError, query, suspense) {
  return (
    result.isError && !boundary.isReset() && !result.isFetching && query !== undefined &&
    ((suspense && result.data === undefined) || shouldThrowError(throwOnError, result.error, query))
  );
}
