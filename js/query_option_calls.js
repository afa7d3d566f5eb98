// The query options that may be user functions and that the engine asks while it builds a
// query or after an attempt failed: `retry`, `retryDelay`, `initialData` and
// `initialDataUpdatedAt`. They are called here, in JavaScript, so that no user function is
// called from wasm; the engine calls these with no borrow of its cache held. A mutation's
// retries (js/face/mutation.js) ask `retry` and `retryDelay` through the same two.
// Imported by the engine's glue and the face; the build bundles it once per entry.

/** `retry(failureCount, error)`: whether to try again. A throw counts as no. */
export function askRetry(retry, failureCount, error) {
  try {
    return !!retry(failureCount, error);
  } catch {
    return false;
  }
}

/**
 * `retryDelay(failureCount, error)`: milliseconds to wait. NaN (the engine's default delay)
 * for a throw or an answer that is not a number.
 */
export function askRetryDelay(retryDelay, failureCount, error) {
  try {
    const ms = retryDelay(failureCount, error);
    return typeof ms === 'number' ? ms : NaN;
  } catch {
    return NaN;
  }
}

/**
 * `initialData` or `initialDataUpdatedAt` as given: a value, or what a function gives. What
 * the function throws goes to the call that builds the query.
 */
export function givenValue(given) {
  return typeof given === 'function' ? given() : given;
}
