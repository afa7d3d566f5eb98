'use client';
// The matrix's React app in Next.js: useQuery from `stackquery/react`, the QueryClient made
// once per mount in useState (also during the server render, where there is no IndexedDB
// and no fetch: the page is prerendered showing "loading"), L2 in IndexedDB in the browser.
import { useEffect, useState } from 'react';
import { IndexedDbStorage, QueryClient } from 'stackquery';
import { QueryClientProvider, useQuery, useQueryClient } from 'stackquery/react';

async function greeting() {
  const r = await fetch('/api/greeting');
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return r.json();
}

function makeClient() {
  const storage = typeof indexedDB === 'undefined' ? undefined : new IndexedDbStorage({ dbName: 'matrix' });
  return new QueryClient({ storage, retry: 0 });
}

function Greeting() {
  const client = useQueryClient();
  const query = useQuery({ queryKey: ['greeting'], queryFn: greeting, staleTime: 60_000 });
  useEffect(() => {
    // The test reloads once the answer reached IndexedDB.
    if (query.isSuccess) client.flush().then(() => { window.__stackqueryFlushed = true; });
  }, [client, query.isSuccess]);
  if (query.isSuccess) return <p id="out">stackquery: {query.data.message}</p>;
  if (query.isError) return <p id="out">error: {query.error.message}</p>;
  return <p id="out">loading</p>;
}

export default function GreetingApp() {
  const [client] = useState(makeClient);
  return (
    // restore: what the README's React example does. The server has no storage and renders
    // the children; the browser's hydration must render them too (not the fallback).
    <QueryClientProvider client={client} restore={[['greeting']]}>
      <Greeting />
    </QueryClientProvider>
  );
}
