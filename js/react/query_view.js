// What one query hook shows of its observer's results (useQuery, useInfiniteQuery, the
// suspense hooks, each query of useQueries): the observer's result as is, except that
//
// - an enabled query with a queryFn that is about to fetch (before its first fetch
//   starts: before the subscribe, while a cold key is read from L2, or an errored query
//   without data that mounting retries) is shown as fetching, as TanStack's optimistic
//   result does, so `if (isLoading) return …` guards the render that has no data yet;
// - while the provider restores (useIsRestoring), nothing is shown as fetching;
// - `select` runs here, in render (select.js), memoized on the data object and the
//   function, so an inline select cannot make the observer emit a new result each render;
// - `refetch` (and an infinite query's `fetchNextPage` / `fetchPreviousPage`) resolve with
//   the result as shown (select applied).
//
// The result keeps its identity while the observer's result, the selection and the mode
// do, and the view remembers the last one shown, which a change is compared with
// (track.js) to tell whether the component re-renders.
import { applySelect, runSelect, withSelection } from './select.js';
import { Tracker } from './track.js';

const PLAIN = 0;
const LOADING = 1;
const RESTORING = 2;

export class QueryView {
  /** The options of the latest render (the observer's function options call through it). */
  latest = { current: undefined };
  /** The last real data shown: `placeholderData: (previous) => previous` across keys. */
  lastData = { current: undefined };
  /** `{ enabled, isRestoring }` of the latest render. */
  ctx = { enabled: true, isRestoring: false };
  /** The last result the component was shown (no Proxy). */
  shown = undefined;
  tracker = new Tracker();
  #started = false;
  #derived = null;
  #selected = null;
  #memo = null;
  #extras;

  /** `observer`: its refetch (and page fetches) are wrapped to resolve with what is shown. */
  constructor(observer, infinite) {
    const shownOf = (result) => applySelect(result, this.latest.current.select);
    this.#extras = { refetch: (options) => observer.refetch(options).then(shownOf) };
    if (infinite) {
      this.#extras.fetchNextPage = (options) => observer.fetchNextPage(options).then(shownOf);
      this.#extras.fetchPreviousPage = (options) => observer.fetchPreviousPage(options).then(shownOf);
    }
  }

  /** The result the component is shown for the observer's `raw` result. */
  present(raw) {
    const options = this.latest.current;
    const { enabled, isRestoring } = this.ctx;
    if (raw.data !== undefined && !raw.isPlaceholderData) this.lastData.current = raw.data;
    // An errored query without data is fetched again when mounted (unless retryOnMount: false).
    const retried = raw.status === 'error' && raw.data === undefined && options.retryOnMount !== false;
    const waiting = raw.fetchStatus === 'idle' && (raw.status === 'pending' || raw.isPlaceholderData || retried);
    if (!waiting) this.#started = true;
    let mode = PLAIN;
    if (isRestoring) mode = raw.fetchStatus === 'idle' ? PLAIN : RESTORING;
    else if (waiting && !this.#started && enabled && typeof options.queryFn === 'function') mode = LOADING;
    const derived = this.#derive(raw, mode);

    const select = options.select;
    let selection = null;
    if (typeof select === 'function' && derived.data !== undefined) {
      const last = this.#selected;
      if (last !== null && last.input === derived.data && last.select === select) selection = last;
      else {
        // A select that throws keeps the last selection it made (TanStack's).
        const made = runSelect(select, derived.data);
        if ('error' in made && last !== null) made.last = 'error' in last ? last.last : last.data;
        this.#selected = selection = { input: derived.data, select, ...made };
      }
    }
    const m = this.#memo;
    if (m === null || m.derived !== derived || m.selection !== selection) {
      this.#memo = { derived, selection, result: { ...withSelection(derived, selection), ...this.#extras } };
    }
    return this.#memo.result;
  }

  #derive(raw, mode) {
    const d = this.#derived;
    if (d !== null && d.raw === raw && d.mode === mode) return d.out;
    let out = raw;
    if (mode === LOADING) {
      const pending = raw.data === undefined;
      out = {
        ...raw,
        fetchStatus: 'fetching',
        isFetching: true,
        isLoading: pending,
        ...(pending && { status: 'pending', isPending: true, isError: false, isSuccess: false, isLoadingError: false, isRefetchError: false }),
      };
    } else if (mode === RESTORING) {
      out = { ...raw, fetchStatus: 'idle', isFetching: false, isLoading: false, isRefetching: false };
    }
    this.#derived = { raw, mode, out };
    return out;
  }
}
