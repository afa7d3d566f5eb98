// The size baseline for the matrix: apps/vanilla's query with @tanstack/query-core alone —
// fetchQuery and render, no persistence. `#out` shows `tanstack: <message>`.
import { QueryClient } from '@tanstack/query-core';

const client = new QueryClient({ defaultOptions: { queries: { retry: 0 } } });
const out = document.getElementById('out');

const greeting = () => fetch('/api/greeting').then((r) => {
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return r.json();
});

client.fetchQuery({ queryKey: ['greeting'], queryFn: greeting, staleTime: 60_000 })
  .then((data) => { out.textContent = `tanstack: ${data.message}`; }, (e) => { out.textContent = `error: ${e.message}`; });
