// `useQueries({ queries, combine })` (and useSuspenseQueries): many queries in one hook,
// their number free to change between renders. One observer per query, matched to the
// previous render's by key hash (as TanStack's QueriesObserver), each presented as
// useQuery presents its own (query_view.js). The results array keeps its identity while
// every result does; `combine(results)` runs again only when the results or the function
// changed, and what it returns is structurally shared with its previous value, so the
// combined result stays the same object while it is deeply equal. The component
// re-renders when the combined result changes (with `combine`), else when a property it
// read of some result changed (track.js).
import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { useQueryClient } from './context.js';
import { useIsRestoring } from './is_restoring.js';
import { useQueryErrorResetBoundary } from './error_reset_boundary.js';
import { enabledOf, hashOf, observerOptions } from './observer_options.js';
import { QueryView } from './query_view.js';
import { shouldNotify } from './track.js';
import { hasError, mayThrow } from './throw_on_error.js';
import { findQuery, restoreWait, suspendOn } from './suspense.js';
import { hookOptions, makeObserver, noop, signatureOf, useClientLayoutEffect } from './use_base_query.js';
import { replaceEqualDeep } from './replace_equal_deep.js';
import { describe } from './describe.js';


function sameItems(a, b) {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function entryOf(client, options) {
  const latest = { current: options };
  const lastData = { current: undefined };
  const observer = makeObserver(client, observerOptions(options, latest, lastData), false);
  const view = new QueryView(observer, false);
  view.latest = latest;
  view.lastData = lastData;
  return { hash: hashOf(options.queryKey), observer, view, sig: undefined, applied: undefined };
}

/** The hook behind useQueries and useSuspenseQueries. */
export function useQueriesOf(input, queryClient, suspense) {
  const hook = suspense ? 'useSuspenseQueries' : 'useQueries';
  if (input === null || typeof input !== 'object' || !Array.isArray(input.queries)) {
    throw new TypeError(`${hook} needs { queries: [...options], combine? }, got ${describe(input?.queries ?? input)}`);
  }
  const { queries, combine } = input;
  if (combine !== undefined && typeof combine !== 'function') {
    throw new TypeError(`${hook}: combine must be a function (results) => combined, got ${describe(combine)}`);
  }
  const client = useQueryClient(queryClient);
  const isRestoring = useIsRestoring();
  const boundary = useQueryErrorResetBoundary();
  const list = queries.map((options, i) => hookOptions(client, options, `${hook}: queries[${i}]`, suspense, boundary));

  // The observers of this render, matched by hash to the last render's (a duplicate key
  // takes the next unused one).
  const holder = useRef(null);
  if (holder.current === null || holder.current.client !== client) holder.current = { client, entries: [], combined: undefined, shownCombined: undefined, combine };
  const h = holder.current;
  h.combine = combine;
  const pool = new Map();
  for (const entry of h.entries) {
    const same = pool.get(entry.hash);
    if (same) same.push(entry);
    else pool.set(entry.hash, [entry]);
  }
  const next = list.map((options) => pool.get(hashOf(options.queryKey))?.shift() ?? entryOf(client, options));
  const entries = sameItems(h.entries, next) ? h.entries : next;
  h.entries = entries;
  const enabled = list.map((options) => suspense || enabledOf(client, options));
  entries.forEach((entry, i) => {
    entry.view.latest.current = list[i];
    entry.sig = signatureOf(list[i], enabled[i]);
    entry.applied ??= entry.sig;
  });

  // Committed: observers no longer used are destroyed, changed options applied.
  const committed = useRef([]);
  useClientLayoutEffect(() => {
    for (const entry of committed.current) if (!entries.includes(entry)) entry.observer.destroy();
    committed.current = entries;
    for (const entry of entries) {
      if (entry.applied !== entry.sig) {
        entry.applied = entry.sig;
        entry.observer.setOptions(observerOptions(entry.view.latest.current, entry.view.latest, entry.view.lastData));
      }
    }
  });
  useEffect(() => () => {
    for (const entry of committed.current) entry.observer.destroy();
  }, []);
  useEffect(() => boundary.clearReset(), [boundary]);

  const listening = !isRestoring && input.subscribed !== false;
  const store = useMemo(() => {
    let raws;
    const getSnapshot = () => {
      const now = entries.map((entry) => entry.observer.getCurrentResult());
      if (!sameItems(raws, now)) raws = now;
      return raws;
    };
    // Whether the component re-renders for what the observers now hold.
    const changed = () => {
      const finals = entries.map((entry) => entry.view.present(entry.observer.getCurrentResult()));
      if (h.combine !== undefined) {
        const results = finals.map((result, i) => (entries[i].view.latest.current.notifyOnChangeProps === undefined ? entries[i].view.tracker.track(result) : result));
        let combined;
        try {
          combined = replaceEqualDeep(h.shownCombined, h.combine(results));
        } catch {
          return true; // the render throws it
        }
        return combined !== h.shownCombined;
      }
      return finals.some((result, i) => {
        const options = entries[i].view.latest.current;
        const throwing = mayThrow(options.throwOnError);
        return shouldNotify(entries[i].view.shown, result, options.notifyOnChangeProps, entries[i].view.tracker, throwing);
      });
    };
    const subscribe = (onStoreChange) => {
      if (!listening) return noop;
      const listener = () => {
        if (changed()) onStoreChange();
      };
      const offs = entries.map((entry) => entry.observer.subscribe(listener));
      return () => offs.forEach((off) => off());
    };
    return { getSnapshot, subscribe };
  }, [entries, listening]);
  const raws = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);

  const finals = entries.map((entry, i) => {
    entry.view.ctx = { enabled: enabled[i], isRestoring };
    const result = entry.view.present(raws[i]);
    entry.view.shown = result;
    return result;
  });

  if (suspense && finals.some((result) => result.isPending)) {
    throw Promise.all(
      finals.flatMap((result, i) => {
        if (!result.isPending) return [];
        const { view } = entries[i];
        const options = view.latest.current;
        return [isRestoring ? restoreWait(client, options.queryKey) : suspendOn(client, observerOptions(options, view.latest, view.lastData), false, boundary)];
      }),
    );
  }
  const failed = finals.find((result, i) => result.isError && hasError(result, boundary, list[i].throwOnError, findQuery(client, list[i].queryKey), suspense));
  if (failed !== undefined) throw failed.error;

  const tracked = finals.map((result, i) => (list[i].notifyOnChangeProps === undefined ? entries[i].view.tracker.track(result) : result));
  const memo = useRef(null);
  if (memo.current === null || !sameItems(memo.current.results, tracked)) memo.current = { results: tracked, combine: undefined, combined: undefined };
  const m = memo.current;
  if (combine === undefined) return m.results;
  if (m.combine !== combine) {
    m.combine = combine;
    m.combined = replaceEqualDeep(h.shownCombined, combine(m.results));
  }
  h.shownCombined = m.combined;
  return m.combined;
}

/** Observes several queries; the results as an array, or what `combine` makes of them. */
export function useQueries(options, queryClient) {
  return useQueriesOf(options, queryClient, false);
}
