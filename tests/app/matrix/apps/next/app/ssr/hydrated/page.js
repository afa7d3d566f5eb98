// A server component that prefetches on a server-side QueryClient, awaits it, and hands the
// dehydrated cache to the client component below: its useQuery shows the data in the server
// HTML and in the browser, which does not fetch it again.
import { connection } from 'next/server';
import { dehydrate, HydrationBoundary } from 'stackquery/react';
import { getQueryClient } from '../../get-query-client';
import { serverGreeting } from '../greeting';
import HydratedGreeting from './HydratedGreeting';

export default async function HydratedPage() {
  await connection();
  const queryClient = getQueryClient();
  await queryClient.prefetchQuery({ queryKey: ['greeting', 'hydrated'], queryFn: () => serverGreeting() });
  return (
    <main>
      <h1>Prefetched on the server</h1>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <HydratedGreeting />
      </HydrationBoundary>
    </main>
  );
}
