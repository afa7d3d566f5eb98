// TanStack's query and mutation defaults, kept by the face: the client's `defaultOptions`
// ({ queries, mutations }) and defaults per key (`setQueryDefaults` / `setMutationDefaults`),
// merged under a call's own options before the call reaches the mirror or the engine — as
// TanStack's `defaultQueryOptions` merges them: the client's defaults, then every key
// default whose key is a partial match of the call's key, in the order they were first
// set, then the call's own options.
import { fastKeyHash } from '../key_hash.js';

// Query defaults the engine also takes as the client's own (`new QueryClient({ staleTime })`),
// so that queries the engine makes without a call (setQueryData, L2) keep them too.
const ENGINE_QUERY_DEFAULTS = ['staleTime', 'gcTime', 'retry', 'retryDelay', 'refetchOnWindowFocus', 'refetchOnReconnect'];
const FUNCTIONS_OF_QUERY = new Set(['staleTime', 'refetchOnWindowFocus', 'refetchOnReconnect']);

/** The engine's client options: `options`, with `defaultOptions.queries` under them. */
export function engineClientOptions(options) {
  const queries = options?.defaultOptions?.queries;
  if (queries === undefined || queries === null) return options;
  if (typeof queries !== 'object') throw new TypeError('defaultOptions.queries must be an object of query options');
  const merged = {};
  for (const name of ENGINE_QUERY_DEFAULTS) {
    const value = queries[name];
    // A function of the query (`staleTime: (query) => …`) is resolved per call and observer
    // (option_functions.js), never the client's own. (retry and retryDelay functions are values.)
    if (value !== undefined && !(typeof value === 'function' && FUNCTIONS_OF_QUERY.has(name))) merged[name] = value;
  }
  return { ...merged, ...options };
}

/** Each face client's defaults, for its observers. */
export const clientDefaults = new WeakMap();

/** A query call's options with `client`'s defaults under them; unchanged when it has none. */
export function withQueryDefaults(client, options) {
  const defaults = clientDefaults.get(client);
  return defaults === undefined ? options : defaults.applyToQuery(options);
}

export class Defaults {
  #options;
  #queries = new Map(); // key hash → { key, options }, in the order first set
  #mutations = new Map();

  constructor(options) {
    this.set(options ?? {});
  }

  get() {
    return this.#options;
  }

  set(options) {
    if (typeof options !== 'object' || options === null) throw new TypeError('defaultOptions must be an object: { queries, mutations }');
    this.#options = options;
  }

  /** A query call's options as the call uses them: unchanged (the hot path) when there are
   * no query defaults, else with the defaults under them. */
  applyToQuery(options) {
    return this.#queries.size === 0 && !this.#options.queries ? options : this.queryOptions(options);
  }

  setQuery(key, options) {
    this.#queries.set(hashOf(key, 'setQueryDefaults'), { key, options: options ?? {} });
  }

  query(key) {
    return collect(this.#queries, key);
  }

  setMutation(key, options) {
    this.#mutations.set(hashOf(key, 'setMutationDefaults'), { key, options: options ?? {} });
  }

  mutation(key) {
    return collect(this.#mutations, key);
  }

  /** A query call's options with the defaults under them (TanStack's `defaultQueryOptions`). */
  queryOptions(options) {
    // Not an options object: the engine's TypeError says so, untouched by defaults.
    if (typeof options !== 'object' || options === null || options._defaulted) return options;
    const key = options.queryKey;
    return { ...this.#options.queries, ...(key === undefined ? undefined : this.query(key)), ...options, _defaulted: true };
  }

  /** A mutation's options with the defaults under them (TanStack's `defaultMutationOptions`). */
  mutationOptions(options) {
    if (typeof options !== 'object' || options === null || options._defaulted) return options;
    const key = options.mutationKey;
    return { ...this.#options.mutations, ...(key === undefined ? undefined : this.mutation(key)), ...options, _defaulted: true };
  }
}

function hashOf(key, method) {
  const hash = Array.isArray(key) ? fastKeyHash(key) : undefined;
  if (hash === undefined) throw new TypeError(`${method}: the key must be an array of JSON values`);
  return hash;
}

function collect(defaults, key) {
  const merged = {};
  for (const entry of defaults.values()) {
    if (partialMatchKey(key, entry.key)) Object.assign(merged, entry.options);
  }
  return merged;
}

/**
 * Whether `key` matches `partial` as TanStack's `partialMatchKey` decides: equal values, or
 * objects (arrays too) where every property of `partial` matches the same property of
 * `key` — so `['todos']` matches `['todos', 1]` and `[{ a: 1 }]` matches `[{ a: 1, b: 2 }]`.
 * Walked with a stack of its own, not by recursion.
 */
export function partialMatchKey(key, partial) {
  const stack = [[key, partial]];
  while (stack.length > 0) {
    const [a, b] = stack.pop();
    if (a === b) continue;
    if (typeof a !== typeof b || !a || !b || typeof a !== 'object') return false;
    for (const name of Object.keys(b)) stack.push([a[name], b[name]]);
  }
  return true;
}
