// `select` run in render: memoized on the data object and the function by the hook,
// a throwing select turned into an error result.

/** The result with a selection applied: its data, or an error result when select threw. */
export function withSelection(result, selection) {
  if (selection === null) return result;
  if (!('error' in selection)) return { ...result, data: selection.data };
  return {
    ...result,
    data: undefined,
    status: 'error',
    error: selection.error,
    isError: true,
    isSuccess: false,
    isPlaceholderData: false,
    isLoadingError: true,
    isRefetchError: false,
  };
}

/** `{ data }` from `select(data)`, or `{ error }` when it throws. */
export function runSelect(select, data) {
  try {
    return { data: select(data) };
  } catch (error) {
    return { error };
  }
}

export function applySelect(result, select) {
  if (typeof select !== 'function' || result.data === undefined) return result;
  return withSelection(result, runSelect(select, result.data));
}

