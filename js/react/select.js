// `select` run in render: memoized on the data object and the function by the hook,
// a throwing select turned into an error result that keeps the last selection (TanStack's).

/**
 * The result with a selection applied: its data, or an error result when select threw,
 * with the last selection made before (`selection.last`) as its data.
 */
export function withSelection(result, selection) {
  if (selection === null) return result;
  if (!('error' in selection)) return { ...result, data: selection.data };
  const data = selection.last;
  return {
    ...result,
    data,
    status: 'error',
    error: selection.error,
    isError: true,
    isSuccess: false,
    isPlaceholderData: false,
    isLoadingError: data === undefined,
    isRefetchError: data !== undefined,
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

