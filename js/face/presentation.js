// What an observer shows of its query: TanStack's `select` and `placeholderData` laid over
// the engine's result. Both are user code that the engine has no need to see, so the face
// runs them: when a result is read, after the engine's call has returned; when a listener
// is told of a change, inside the engine's call to it (as any listener). The engine's
// result holds the query's own state; a presented result is a copy of it with the shown
// data and the flags that follow from it, and the engine's result itself when neither
// option applies.
//
// As TanStack's `createResult`:
// - `placeholderData` (a value, or `(previousData, previousQuery) => value`, where
//   `previousQuery` is the last query this observer showed data of) is shown while the
//   query is pending with no data, as a success with `isPlaceholderData`; a placeholder
//   shown last time is kept while the option is the same;
// - `select` runs once per data and function (memoized on both), its output structurally
//   shared with the data shown last (`structuralSharing`);
// - a `select` that throws gives an error result that keeps the last data it selected.
// Unlike TanStack's, a `placeholderData` function that throws shows no placeholder (its error
// would otherwise reach a render, or be lost in a listener's call).
// Their calls count as nested calls (nesting.js): a `select` reading its own observer's
// result, and so on, is refused at the bound instead of exhausting the stack.

import { replaceEqualDeep } from '../replace_equal_deep.js';
import { describe } from './describe.js';
import { nested } from './nesting.js';

/** A TypeError naming `select` when it is given and is not a function (`method` says where). */
export function checkSelect(options, method) {
  const select = options?.select;
  if (select !== undefined && typeof select !== 'function') {
    throw new TypeError(`${method}: select must be a function (data) => selected, got ${describe(select)}`);
  }
}

/**
 * What a presentation reads of an observer's options, taken when they are given (a copy:
 * an options object changed in place and given again is new options). `structuralSharing`
 * is read from them when a selection or placeholder is made, as the engine reads it last of
 * a query's options: a getter of it that throws comes after the engine's checks.
 */
export function shownBy(options) {
  if (options === null || typeof options !== 'object') return { given: undefined };
  const { queryKey, select, placeholderData } = options;
  return { queryKey, select, placeholderData, given: options };
}

/** Whether two results have the same fields with the same values (`Object.is`). */
export function shallowEqual(a, b) {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (!Object.is(a[k], b[k]) || !Object.hasOwn(b, k)) return false;
  return true;
}

/** TanStack's `replaceData`: `data` sharing what it can with `prevData`, by `structuralSharing`. */
function replaceData(prevData, data, structuralSharing) {
  if (typeof structuralSharing === 'function') return structuralSharing(prevData, data);
  return structuralSharing === false ? data : replaceEqualDeep(prevData, data);
}

export class Presentation {
  #from; // the engine's result presented last,
  #options; // with these options,
  #shown; // as this
  #selectFn;
  #selectResult;
  #selectError = null;
  #queryOf; // (queryKey) => the client's Query of that key, or undefined
  #dataKey; // the key of the query this observer last showed data of,
  #data; // and that data

  /** `queryOf(queryKey)`: the client's `Query` of a key (`placeholderData`'s second argument). */
  constructor(queryOf) {
    this.#queryOf = queryOf;
  }

  /**
   * `result` (the engine's) as an observer with `options` shows it; the same object for the
   * same result and options.
   */
  show(result, options) {
    if (result === null || typeof result !== 'object') return result;
    if (result === this.#from && options === this.#options) return this.#shown;
    // Kept only once made: select and placeholderData may make (and show) another result
    // while this one is being made, and this one must not pass for that one after.
    let shown = options.select === undefined && options.placeholderData === undefined
      ? this.#present(result, options)
      : nested('QueryObserver.getCurrentResult', () => this.#present(result, options));
    // As TanStack's: a result equal field by field to the last one shown is that one (new
    // options with an inline `select` change nothing a listener sees).
    if (this.#shown !== undefined && shallowEqual(shown, this.#shown)) shown = this.#shown;
    this.#from = result;
    this.#options = options;
    this.#shown = shown;
    return shown;
  }

  #present(result, options) {
    const prev = this.#shown;
    const prevOptions = this.#options;
    const prevData = this.#from?.data;
    if (result.data !== undefined) this.sawData(options.queryKey, result.data);
    const { select, placeholderData } = options;
    if (select === undefined && placeholderData === undefined) {
      this.#selectError = null;
      return result;
    }
    const sharing = options.given.structuralSharing;
    let { status, data, error, errorUpdatedAt } = result;
    let isPlaceholderData = false;
    let skipSelect = false;
    if (placeholderData !== undefined && data === undefined && status === 'pending') {
      let placeholder;
      if (prev?.isPlaceholderData && placeholderData === prevOptions?.placeholderData) {
        placeholder = prev.data;
        skipSelect = true;
      } else {
        try {
          placeholder = typeof placeholderData === 'function' ? this.#placeholderOf(placeholderData) : placeholderData;
          if (placeholder !== undefined) placeholder = replaceData(prev?.data, placeholder, sharing);
        } catch {
          placeholder = undefined; // a throwing placeholderData shows no placeholder
        }
      }
      if (placeholder !== undefined) {
        status = 'success';
        data = placeholder;
        isPlaceholderData = true;
      }
    }
    if (typeof select === 'function' && data !== undefined && !skipSelect) {
      if (prev !== undefined && data === prevData && select === this.#selectFn) {
        data = this.#selectResult;
      } else {
        try {
          this.#selectFn = select;
          data = replaceData(prev?.data, select(data), sharing);
          this.#selectResult = data;
          this.#selectError = null;
        } catch (selectError) {
          this.#selectError = selectError;
        }
      }
    } else if (data === undefined) {
      this.#selectError = null;
    }
    if (this.#selectError !== null) {
      error = this.#selectError;
      data = this.#selectResult;
      errorUpdatedAt = Date.now();
      status = 'error';
      isPlaceholderData = false;
    }
    if (data === result.data && status === result.status && error === result.error && !isPlaceholderData) {
      return result;
    }
    const pending = status === 'pending';
    const isError = status === 'error';
    const fetching = result.isFetching;
    const hasData = data !== undefined;
    return {
      ...result,
      status,
      data,
      error,
      errorUpdatedAt,
      isPending: pending,
      isSuccess: status === 'success',
      isError,
      isLoading: pending && fetching,
      isInitialLoading: pending && fetching,
      isRefetching: fetching && !pending,
      isPlaceholderData,
      isLoadingError: isError && !hasData,
      isRefetchError: isError && hasData,
    };
  }

  /** The query of `queryKey` holds `data`: when defined, it is the last query seen with data. */
  sawData(queryKey, data) {
    if (data === undefined) return;
    this.#dataKey = queryKey;
    this.#data = data;
  }

  /** TanStack's `placeholderData(previousData, previousQuery)`: of the query last shown with data. */
  #placeholderOf(placeholderData) {
    if (this.#dataKey === undefined) return placeholderData(undefined, undefined);
    const query = this.#queryOf(this.#dataKey);
    return placeholderData(query === undefined ? this.#data : query.state.data, query);
  }
}
