// TanStack's `dehydrate` and `hydrate`: a client's cache as plain data, `{ queries:
// [{ queryKey, queryHash, state, dehydratedAt, meta?, promise? }], mutations: [] }`, and back
// into another client (server rendering: dehydrate on the server, JSON into the page,
// hydrate in the browser, no second fetch).
//
// `dehydrate(client, { shouldDehydrateQuery, shouldDehydrateMutation, serializeData,
// shouldRedactErrors, dehydratedAt })`: by default the queries with `status: 'success'`, and
// the paused mutations, as TanStack (offline, or waiting for their scope). A pending query let
// through while it fetches carries `promise`, its fetch's outcome (an error redacted unless
// `shouldRedactErrors(error)` is false), for transports that stream promises.
//
// `hydrate(client, dehydratedState, { defaultOptions: { queries, deserializeData } })`
// writes each query's data with its own `dataUpdatedAt` (`setQueryData(key, data, {
// updatedAt })`), only into a query that is new or holds older data: newer data is never
// overwritten. A new query gets its options as a query call would (`defaultOptions.queries`
// under the client's defaults, its `meta`), and no fetch. A pending query with a `promise`,
// new to the client, is fetched with that promise as its first `queryFn` result (a later
// refetch needs a `queryFn` from an observer or the defaults). Hydrated data is persisted to
// L2 like any `setQueryData`.
//
// Where it differs from TanStack: only data is restored (an `error` query that had data
// comes back as `success` with it; one without data, and a pending one without a promise,
// are not created); an existing query with older data is not refetched from a `promise`;
// `mutations` are not restored (the engine's mutations cannot be given a state); a key whose
// L2 entry was not read yet counts as new (the hydrated data then wins over L2's).

import { nested } from './nesting.js';
import * as engine from 'stackquery:engine';
import { describe } from './describe.js';
import { resolveCallStaleTime } from './option_functions.js';
import { assertSameEngine } from './same_engine.js';

const engineEnsureQueryData = engine.QueryClient.prototype.ensureQueryData;
const noop = () => {};

/** TanStack's default: queries that hold their data. */
export function defaultShouldDehydrateQuery(query) {
  return query.state.status === 'success';
}

/** TanStack's default: paused mutations (offline, or waiting for their scope). */
export function defaultShouldDehydrateMutation(mutation) {
  return mutation.state.isPaused;
}

export function dehydrate(client, options = {}) {
  return nested('dehydrate', () => dehydrateNow(client, options)); // its callbacks are user code: counted
}

function dehydrateNow(client, options) {
  assertClient(client, 'dehydrate');
  assertObject(options, 'dehydrate: options', '{ shouldDehydrateQuery, shouldDehydrateMutation, serializeData, shouldRedactErrors, dehydratedAt }');
  const defaults = client.getDefaultOptions()?.dehydrate ?? {};
  const option = (name, fallback, signature) => {
    const fn = options[name] ?? defaults[name] ?? fallback;
    if (fn !== undefined && typeof fn !== 'function') throw new TypeError(`dehydrate: ${name} must be a function ${signature}, got ${describe(fn)}`);
    return fn;
  };
  const shouldDehydrateQuery = option('shouldDehydrateQuery', defaultShouldDehydrateQuery, '(query) => boolean');
  const shouldDehydrateMutation = option('shouldDehydrateMutation', defaultShouldDehydrateMutation, '(mutation) => boolean');
  const serializeData = option('serializeData', undefined, '(data) => data');
  const shouldRedactErrors = option('shouldRedactErrors', undefined, '(error) => boolean');
  const dehydratedAt = options.dehydratedAt ?? defaults.dehydratedAt ?? Date.now();
  if (typeof dehydratedAt !== 'number' || !Number.isFinite(dehydratedAt)) {
    throw new TypeError(`dehydrate: dehydratedAt must be a time in milliseconds, got ${describe(dehydratedAt)}`);
  }

  const mutations = [];
  for (const mutation of client.getMutationCache().getAll()) {
    if (!shouldDehydrateMutation(mutation)) continue;
    const { mutationKey, scope, meta } = mutation.options;
    mutations.push({ mutationKey, state: mutation.state, ...(scope && { scope }), ...(meta && { meta }) });
  }
  const queries = [];
  for (const query of client.getQueryCache().getAll()) {
    if (!shouldDehydrateQuery(query)) continue;
    const state = { ...query.state };
    if (serializeData !== undefined && state.data !== undefined) state.data = serializeData(state.data);
    const dehydrated = { dehydratedAt, state, queryKey: query.queryKey, queryHash: query.queryHash };
    const promise = state.status === 'pending' ? pendingPromise(query, serializeData, shouldRedactErrors) : undefined;
    if (promise !== undefined) dehydrated.promise = promise;
    if (query.meta) dehydrated.meta = query.meta;
    queries.push(dehydrated);
  }
  return { mutations, queries };
}

/** The outcome of the fetch a pending query is running (none when it is not fetching). */
function pendingPromise(query, serializeData, shouldRedactErrors) {
  if (query.state.fetchStatus === 'idle') return undefined;
  const promise = query.fetch().then(
    (data) => (serializeData === undefined ? data : serializeData(data)),
    (error) => {
      if (shouldRedactErrors?.(error) === false) throw error;
      throw new Error('redacted');
    },
  );
  promise.catch(noop); // whoever streams it handles it; never an unhandled rejection here
  return promise;
}

export function hydrate(client, dehydratedState, options) {
  nested('hydrate', () => hydrateNow(client, dehydratedState, options)); // its callbacks and getters: counted
}

function hydrateNow(client, dehydratedState, options) {
  assertSameEngine(client, 'hydrate'); // it calls this engine's ensureQueryData on the client
  if (dehydratedState === undefined || dehydratedState === null) return;
  assertObject(dehydratedState, 'hydrate: dehydratedState', '{ queries, mutations } (what dehydrate returns)');
  if (options !== undefined) assertObject(options, 'hydrate: options', '{ defaultOptions }');
  const given = options?.defaultOptions ?? {};
  assertObject(given, 'hydrate: options.defaultOptions', '{ queries, deserializeData }');
  const clientDefaults = client.getDefaultOptions()?.hydrate ?? {};
  const deserializeData = given.deserializeData ?? clientDefaults.deserializeData;
  if (deserializeData !== undefined && typeof deserializeData !== 'function') {
    throw new TypeError(`hydrate: defaultOptions.deserializeData must be a function (data) => data, got ${describe(deserializeData)}`);
  }
  const queryDefaults = { ...clientDefaults.queries, ...given.queries };
  const { queries, mutations } = dehydratedState;
  if (queries !== undefined && !Array.isArray(queries)) {
    throw new TypeError(`hydrate: dehydratedState.queries must be an array, got ${describe(queries)}`);
  }
  if (mutations !== undefined && !Array.isArray(mutations)) {
    throw new TypeError(`hydrate: dehydratedState.mutations must be an array, got ${describe(mutations)}`);
  }
  const deserialize = (data) => (deserializeData === undefined || data === undefined ? data : deserializeData(data));
  queries?.forEach((dehydrated, i) => hydrateQuery(client, dehydrated, `hydrate: dehydratedState.queries[${i}]`, queryDefaults, deserialize));
}

function hydrateQuery(client, dehydrated, where, queryDefaults, deserialize) {
  assertObject(dehydrated, where, '{ queryKey, queryHash, state }');
  const { queryKey, state, meta, promise } = dehydrated;
  if (!Array.isArray(queryKey)) throw new TypeError(`${where}.queryKey must be an array, got ${describe(queryKey)}`);
  assertObject(state, `${where}.state`, '{ status, data, dataUpdatedAt, … }');
  const existing = client.getQueryState(queryKey);
  // A new query takes its options as a query call would: the defaults under them.
  const options = () => client.defaultQueryOptions({ ...queryDefaults, queryKey, ...(meta !== undefined && { meta }) });
  const data = deserialize(state.data);
  if (data !== undefined) {
    const updatedAt = state.dataUpdatedAt;
    if (typeof updatedAt !== 'number' || !Number.isFinite(updatedAt) || updatedAt < 0) {
      throw new TypeError(`${where}.state.dataUpdatedAt must be a time in milliseconds, got ${describe(updatedAt)}`);
    }
    if (existing !== undefined && updatedAt <= existing.dataUpdatedAt) return; // what it holds is as new
    client.setQueryData(queryKey, () => data, { updatedAt });
    // The query's options, as a query call stores them: the data is there, so no fetch.
    if (existing === undefined) engineEnsureQueryData.call(client, resolveCallStaleTime(client, options(), false)).catch(noop);
    if (state.isInvalidated) client.invalidateQueries({ queryKey, exact: true, refetchType: 'none' });
    return;
  }
  if (existing !== undefined || typeof promise?.then !== 'function') return;
  // A query dehydrated while it fetched: its first fetch is that fetch's outcome.
  const defaulted = options();
  const fallback = typeof defaulted.queryFn === 'function' ? defaulted.queryFn : undefined;
  let first;
  let resolved = false;
  const queryFn = (context) => {
    if (first === undefined) {
      first = Promise.resolve(promise).then(deserialize);
      first.then(() => { resolved = true; }, noop);
      return first;
    }
    if (fallback !== undefined) return fallback(context);
    if (!resolved) return first; // a retry of the failed promise fails alike
    return Promise.reject(new TypeError(`the query ${dehydrated.queryHash ?? JSON.stringify(queryKey)} was hydrated from a promise and has no queryFn to refetch with`));
  };
  client.prefetchQuery({ ...defaulted, queryFn });
}

function assertClient(client, method) {
  if (typeof client?.getQueryCache !== 'function' || typeof client.getMutationCache !== 'function') {
    throw new TypeError(`${method}: client must be a QueryClient, got ${describe(client)}`);
  }
}

function assertObject(value, what, shape) {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${what} must be an object ${shape}, got ${describe(value)}`);
}
