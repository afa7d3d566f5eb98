// What a fetch cancelled back to the data it had (`cancelQueries`, its last observer
// leaving) gives its callers, as TanStack's does: the callers that joined it are rejected
// with a CancelledError, but the call that started it resolves with that data (with no
// data to go back to, it is rejected too). The engine rejects them all with one error,
// made here with the data it went back to; the starter's promise reads it from there.
// Imported by the engine's glue; the build bundles it once per entry.

const restored = new WeakMap();

/** A CancelledError carrying `data`, what the fetch went back to. */
function revertedCancel(data) {
  const error = new Error('stackquery: the query was cancelled');
  error.name = 'CancelledError';
  error.revert = true;
  restored.set(error, data);
  return error;
}

const answerOf = (error) => (restored.has(error) ? restored.get(error) : Promise.reject(error));

/** The promise of the call that started a fetch whose promise is `shared`. */
const starterOf = (shared) => shared.then(undefined, answerOf);

export { revertedCancel, starterOf };
