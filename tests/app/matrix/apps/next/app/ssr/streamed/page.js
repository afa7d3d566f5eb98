// TanStack's streaming pattern: the server component starts the prefetch without awaiting it,
// dehydrates the pending query (its promise travels in the RSC stream) and renders at once;
// the client component suspends on that promise under <Suspense>, so the page streams the
// fallback, then the data, and the browser never fetches it.
import { Suspense } from 'react';
import { connection } from 'next/server';
import { dehydrate, HydrationBoundary } from 'stackquery/react';
import { getQueryClient } from '../../get-query-client';
import { serverGreeting } from '../greeting';
import StreamedGreeting from './StreamedGreeting';

export default async function StreamedPage() {
  await connection();
  const queryClient = getQueryClient();
  queryClient.prefetchQuery({ queryKey: ['greeting', 'streamed'], queryFn: () => serverGreeting({ hold: true }) });
  return (
    <main>
      <h1>Streamed from the server</h1>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <Suspense fallback={<p id="out">streaming</p>}>
          <StreamedGreeting />
        </Suspense>
      </HydrationBoundary>
    </main>
  );
}
