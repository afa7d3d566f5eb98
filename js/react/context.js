// The QueryClient of a React tree: `QueryClientProvider` puts it in context and
// `useQueryClient` reads it. The client comes from the provider: the hooks call its methods,
// so a client of `stackquery` or `stackquery/web` works the same (HydrationBoundary and the
// infinite hooks, which import from `stackquery`, need one of that same copy).
//
// Restore before render: `<QueryClientProvider client={c} restore={[['todos'], …]}
// fallback={…}>` reads those keys from the client's L2 into L1 (client.restoreQueries)
// before its children first render, showing `fallback` (default nothing) meanwhile, with
// useIsRestoring() true inside. A restored fresh key then renders its data in the first
// render of its useQuery: no pending frame, no request. The read is made once per client
// and list of keys (a re-render, StrictMode's double render or a remount reuse it); a
// client without storage answers at once; a storage failure renders the children all the
// same (the queries fetch as they would have).
//
// A tree the server rendered (Next.js, any hydrateRoot) is hydrated as the server rendered
// it: the server has no storage to read, so there `restore` reads nothing and the children
// render; in the browser the hydration must match that HTML, so it renders the children too,
// with no fallback and no restore (the queries read their stored entries as they mount,
// as any useQuery does). Only a tree the browser renders itself restores before rendering.
import { createContext, createElement, useContext, useEffect, useState } from 'react';
import { IsRestoringContext } from './is_restoring.js';
import { useServerSnapshot } from './server_render.js';
import { hashOf } from './observer_options.js';
import { describe } from './describe.js';

const QueryClientContext = createContext(undefined);

// client → Map(hash of the keys → { done, restored, error, promise })
const restores = new WeakMap();

function checkRestore(restore) {
  if (restore === undefined) return;
  if (!Array.isArray(restore) || restore.some((key) => !Array.isArray(key))) {
    throw new TypeError(`QueryClientProvider: restore must be an array of query keys, e.g. restore={[['todos'], ['user', 1]]}, got ${describe(restore)}`);
  }
}

/** The restore of `keys` for `client`: started on first ask, then the same one. */
function restoreOf(client, keys) {
  let byKeys = restores.get(client);
  if (byKeys === undefined) restores.set(client, (byKeys = new Map()));
  const hash = hashOf(keys);
  let entry = byKeys.get(hash);
  if (entry !== undefined) return entry;
  entry = { done: false, restored: 0, error: undefined, promise: undefined };
  byKeys.set(hash, entry);
  const finish = (restored, error) => {
    entry.done = true;
    entry.restored = restored;
    entry.error = error;
  };
  let started;
  try {
    // Every key already in L1 (a remount, a client-side navigation): nothing to wait for.
    const inL1 = keys.every((key) => client.getQueryData(key) !== undefined);
    started = inL1 || typeof client.restoreQueries !== 'function' ? undefined : client.restoreQueries(keys);
  } catch (error) {
    started = Promise.reject(error);
  }
  if (started === undefined || typeof started?.then !== 'function') {
    finish(typeof started === 'number' ? started : 0, undefined); // nothing to wait for
    entry.promise = Promise.resolve();
  } else {
    // A failing storage: the children render all the same, from L1 and the network.
    entry.promise = Promise.resolve(started).then((n) => finish(n, undefined), (error) => finish(0, error));
  }
  return entry;
}

/**
 * Makes `client` the QueryClient of every hook below it. With `restore` (query keys), the
 * children render once those keys were read from L2 into L1, `fallback` meanwhile.
 */
export function QueryClientProvider({ client, children, restore, fallback = null }) {
  if (client == null || typeof client.watch !== 'function') {
    throw new TypeError('QueryClientProvider needs a client: <QueryClientProvider client={new QueryClient()}>');
  }
  checkRestore(restore);
  // Rendered on the server, or hydrating what it rendered, at this provider's first render:
  // then it never restores (see the file's head).
  const serverRender = useServerSnapshot();
  const [serverRendered] = useState(serverRender);
  // Started in render (not an effect) so that the L2 read overlaps React's first commit;
  // it has no other side effect and is made once per client and keys.
  const entry = restore === undefined || restore.length === 0 || serverRendered ? undefined : restoreOf(client, restore);
  const restoring = entry !== undefined && !entry.done;
  const [, setSettled] = useState(null);
  // Rendered the fallback: render again once the read settled (perhaps already, between
  // the render and this effect).
  useEffect(() => {
    if (!restoring) return;
    let live = true;
    entry.promise.then(() => {
      if (live) setSettled(entry);
    });
    return () => {
      live = false;
    };
  }, [entry, restoring]);
  return createElement(
    QueryClientContext.Provider,
    { value: client },
    createElement(IsRestoringContext.Provider, { value: restoring }, restoring ? fallback : children),
  );
}

/** The QueryClient given (if any), else the one of the nearest QueryClientProvider. */
export function useQueryClient(queryClient) {
  const fromContext = useContext(QueryClientContext);
  const client = queryClient ?? fromContext;
  if (client == null) {
    throw new Error('No QueryClient: wrap the tree in <QueryClientProvider client={queryClient}>');
  }
  return client;
}
