// stackquery's JavaScript face: the package's classes as JS sees them, in front of the
// wasm engine (the engine decides; the face converts, calls user code and answers what
// it can without crossing into wasm). `stackquery:engine` is the engine's wasm-bindgen
// glue; the build (scripts/bundle-entries.mjs) points it at the file and bundles the face
// into each entry of js/entries/.
//
// - client.js   `QueryClient`: fresh hits from the mirror
// - observer.js `QueryObserver`: the current result kept while it holds
// - mirror.js   what the engine answered, valid while its epoch stands
// - hit_options.js which options a hit may answer with
// - option_functions.js options given as functions of the query (`enabled: (query) => …`)
// - defaults.js `defaultOptions` and defaults per key, merged under each call's options
// - engine_ready.js whether the engine is there yet (entries that load it asynchronously)
// - infinite_query.js infinite queries: the queryFn fetching pages, the client calls' options
// - infinite_observer.js `InfiniteQueryObserver`: fetchNextPage/fetchPreviousPage, hasNextPage…
// - fetch_direction.js which way each infinite query's fetch goes (TanStack's fetchMeta)
// - query_cache.js `QueryCache`: find/findAll, events and global callbacks (a watch on the engine)
// - query.js    `Query`: the handle of one cached query
// - mutation_cache.js `MutationCache`: the mutations a client made, events, global callbacks
// - mutation.js `Mutation`: one mutation's lifecycle, retries, scopes and pauses
// - mutation_observer.js `MutationObserver`: the latest run of a mutation, a new one per mutate()
// - persisted_mutation.js which mutations are persisted (`persist: true`); their runs recorded
// - mutation_outbox.js the records of persisted runs in the client's storage
// - outbox_replay.js running those records again (resumePausedMutations, reconnect)
// - outbox_owners.js which realm owns a record; across tabs, whether it is still alive
// - outbox_link.js how the face reaches the outbox (linked in by index.js; not in stackquery/l1)
// - warn_once.js one console warning per cause
// - same_engine.js refusing a client of another entry or copy (observers, hydrate)
// - cache_options.js the client options `queryCache` and `mutationCache`
// - cache_config.js the global callbacks a QueryCache or MutationCache is made with
// - hydration.js `dehydrate` / `hydrate`
// - describe.js how a value is named in a TypeError
// - option_names.js the option names each call takes; one warning for any other
// - managers.js `OnlineManager` / `FocusManager` classes for instances of one's own
//   (the package's `onlineManager` / `focusManager` are js/managers.js, shared with the engine)
// - cancelled_error.js `CancelledError` / `isCancelledError`
// - skip_token.js `skipToken`: a query that cannot run now
// - data_tag.js `dataTagSymbol`, `dataTagErrorSymbol`: the type tags of `queryOptions`' keys
// - is_server.js `isServer`: whether this is a server (no `window`, or Deno)
// - memory_stats.js `memoryStats()`: the engine's heap and the wasm memory's size
// - utilities.js `keepPreviousData`, `hashKey`, `partialMatchKey`, `replaceEqualDeep`, `noop`
// - storage/    the built-in L2 stores: `IndexedDbStorage`, `RemoteStorage`, `MemoryStorage`
//
// This file is the API without those stores (what `stackquery/l1`, the entry whose engine
// has no L2, exports); index.js adds them.

export * from 'stackquery:engine';
export { QueryClient } from './client.js';
export { QueryObserver } from './observer.js';
export { InfiniteQueryObserver } from './infinite_observer.js';
export { QueryCache } from './query_cache.js';
export { Query } from './query.js';
export { MutationCache } from './mutation_cache.js';
export { Mutation } from './mutation.js';
export { MutationObserver } from './mutation_observer.js';
export { OnlineManager, FocusManager } from './managers.js';
export { onlineManager, focusManager } from '../managers.js';
export { CancelledError, isCancelledError } from './cancelled_error.js';
export { skipToken } from './skip_token.js';
export { dataTagSymbol, dataTagErrorSymbol } from './data_tag.js';
export { isServer } from './is_server.js';
export { memoryStats } from './memory_stats.js';
export { keepPreviousData, hashKey, partialMatchKey, replaceEqualDeep, noop } from './utilities.js';
export { dehydrate, hydrate, defaultShouldDehydrateQuery, defaultShouldDehydrateMutation } from './hydration.js';
