// The option names each kind of call takes, and the one console warning a name it does
// not take gets: a typo (`stalTime`) is named, with the option it most likely meant,
// instead of being dropped without a word; an option TanStack has and stackquery does
// not act on is named as such. Once per kind and name for the life of the page, and
// only on calls that reach the engine (a fresh hit never checks: its options were
// checked when the query was first fetched or observed).

const QUERY = [
  'queryKey', 'queryFn', 'staleTime', 'gcTime', 'retry', 'retryDelay', 'enabled', 'select',
  'placeholderData', 'initialData', 'refetchInterval', 'refetchOnWindowFocus', 'refetchOnReconnect',
  'meta', 'networkMode', 'structuralSharing', 'persist', 'revalidateIfStale',
  'initialPageParam', 'getNextPageParam', 'getPreviousPageParam', 'maxPages', 'pages',
  'refetchOnMount', 'retryOnMount', 'initialDataUpdatedAt', 'refetchIntervalInBackground',
  'notifyOnChangeProps', '_defaulted',
  'throwOnError', 'subscribed', // acted on by stackquery/react's hooks
];
const MUTATION = [
  'mutationFn', 'mutationKey', 'onMutate', 'onSuccess', 'onError', 'onSettled', 'retry',
  'retryDelay', 'scope', 'meta', 'gcTime', 'networkMode', '_defaulted', 'throwOnError',
  'persist', // stackquery's: the durable outbox (persisted_mutation.js)
];
const CLIENT = [
  'storage', 'staleTime', 'gcTime', 'retry', 'retryDelay', 'maxEntries', 'keyPrefix', 'buster',
  'persistMaxAge', 'persistMaxBytes', 'storageTimeout', 'maxEntryBytes', 'onStorageError', 'crossTab', 'runtime',
  'networkMode', 'refetchOnWindowFocus', 'refetchOnReconnect', 'defaultOptions', 'queryCache',
  'mutationCache',
];
// TanStack v5 options stackquery accepts without acting on them (yet).
const TANSTACK_ONLY = {
  query: [
    'queryHash', 'queryKeyHashFn', 'behavior', 'experimental_prefetchInRender', 'suspense',
    'persister', // TanStack's per-query persister: here every query persists to the client's `storage`
  ],
  mutation: [],
  client: [],
};

const KNOWN = { query: new Set(QUERY), mutation: new Set(MUTATION), client: new Set(CLIENT) };
const NAMES = { query: QUERY, mutation: MUTATION, client: CLIENT };
const IGNORED = {
  query: new Set(TANSTACK_ONLY.query),
  mutation: new Set(TANSTACK_ONLY.mutation),
  client: new Set(TANSTACK_ONLY.client),
};
const WHAT = { query: 'query option', mutation: 'mutation option', client: 'QueryClient option' };
const warned = new Set();

/**
 * Warns once for each name of `options` (own enumerable keys, not nested objects) that a
 * `kind` call ('query' | 'mutation' | 'client') does not take. Never throws: options that
 * cannot be read are the engine's to report.
 */
export function warnUnknownOptions(options, kind) {
  if (typeof options !== 'object' || options === null) return;
  let names;
  try {
    names = Object.keys(options);
  } catch {
    return; // a hostile proxy: the engine reports what it cannot read
  }
  const known = KNOWN[kind];
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (known.has(name)) continue;
    // The hash `defaultQueryOptions()` adds, given back with the options it made.
    if (name === 'queryHash' && options._defaulted === true) continue;
    if (isUndefined(options, name)) continue; // set to undefined: nothing to act on

    const id = `${kind}:${name}`;
    if (warned.has(id)) continue;
    warned.add(id);
    console.warn(message(name, kind));
  }
}

/** Whether `options[name]` reads `undefined` (a getter that throws reads as something). */
function isUndefined(options, name) {
  try {
    return options[name] === undefined;
  } catch {
    return false;
  }
}

function message(name, kind) {
  if (IGNORED[kind].has(name)) {
    return `stackquery: the ${WHAT[kind]} '${name}' is TanStack Query's, and stackquery does not act on it (see the README's differences from TanStack Query)`;
  }
  const near = nearest(name, NAMES[kind]);
  return `stackquery: unknown ${WHAT[kind]} '${name}' is ignored${near ? ` (did you mean '${near}'?)` : ''}`;
}

/** The known name closest to `name` by edit distance, when it is close (≤ 2, or case). */
function nearest(name, names) {
  const lower = name.toLowerCase();
  let best;
  let bestDistance = 3;
  for (const candidate of names) {
    if (candidate.startsWith('_')) continue;
    const d = candidate.toLowerCase() === lower ? 0 : distance(name, candidate, bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, or `limit` once it is at least that (short names only). */
function distance(a, b, limit) {
  if (Math.abs(a.length - b.length) >= limit || a.length > 64 || b.length > 64) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
      row.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin >= limit) return limit;
    previous = row;
  }
  return Math.min(previous[b.length], limit);
}
