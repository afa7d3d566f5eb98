// TanStack's `getQueryClient()` recipe for the app router (advanced-ssr guide), imported from
// `stackquery/react`: a new QueryClient for each call on the server (each request, each
// server component tree), one for the whole page in the browser. Pending queries are
// dehydrated too, so a server component may prefetch without awaiting and stream the promise.
import { QueryClient, defaultShouldDehydrateQuery, isServer } from 'stackquery/react';

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Above zero, so that the browser does not refetch what the server just fetched.
        staleTime: 60 * 1000,
      },
      dehydrate: {
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === 'pending',
        // Next.js recognises its own errors (dynamic rendering) by their message.
        shouldRedactErrors: () => false,
      },
    },
  });
}

let browserQueryClient;

export function getQueryClient() {
  if (isServer) return makeQueryClient();
  if (!browserQueryClient) browserQueryClient = makeQueryClient();
  return browserQueryClient;
}
