// The QueryClient of a React tree: `QueryClientProvider` puts it in context and
// `useQueryClient` reads it. stackquery/react imports nothing from stackquery itself: the
// client comes from the provider, so the hooks work whichever entry created it.
import { createContext, createElement, useContext } from 'react';

const QueryClientContext = createContext(undefined);

/** Makes `client` the QueryClient of every hook below it. */
export function QueryClientProvider({ client, children }) {
  if (client == null || typeof client.watch !== 'function') {
    throw new TypeError('QueryClientProvider needs a client: <QueryClientProvider client={new QueryClient()}>');
  }
  return createElement(QueryClientContext.Provider, { value: client }, children);
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

