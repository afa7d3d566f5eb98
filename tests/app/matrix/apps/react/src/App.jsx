// The matrix's React app: the same query through `stackquery/react`'s useQuery, L2 in
// IndexedDB. Rendered by main.jsx (client) or by a framework's server render.
import { QueryClient, IndexedDbStorage } from 'stackquery';
import { QueryClientProvider, useQuery } from 'stackquery/react';

async function greeting() {
  const r = await fetch('/api/greeting');
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return r.json();
}

function Greeting() {
  const query = useQuery({ queryKey: ['greeting'], queryFn: greeting, staleTime: 60_000 });
  if (query.isSuccess) return <p id="out">stackquery: {query.data.message}</p>;
  if (query.isError) return <p id="out">error: {query.error.message}</p>;
  return <p id="out">loading</p>;
}

export function makeClient() {
  const storage = typeof indexedDB === 'undefined' ? undefined : new IndexedDbStorage({ dbName: 'matrix' });
  const client = new QueryClient({ storage, retry: 0 });
  if (typeof window !== 'undefined') {
    // The test reloads once everything reached IndexedDB.
    client.watch({ queryKey: ['greeting'], queryFn: greeting, staleTime: 60_000 }).subscribe((r) => {
      if (r.isSuccess) client.flush().then(() => { window.__stackqueryFlushed = true; });
    });
  }
  return client;
}

export default function App({ client }) {
  return (
    <QueryClientProvider client={client}>
      <Greeting />
    </QueryClientProvider>
  );
}
