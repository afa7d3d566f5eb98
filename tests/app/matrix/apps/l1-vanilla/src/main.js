// apps/vanilla's query on `stackquery/l1`, the build without L2: a client that keeps its
// cache in memory only (no storage, so nothing survives a reload). `#out` shows
// `stackquery l1: <message>`, then the same data again from L1 on a second read.
import { QueryClient } from 'stackquery/l1';

const client = new QueryClient({ defaultOptions: { queries: { retry: 0 } } });
const out = document.getElementById('out');

const greeting = () => fetch('/api/greeting').then((r) => {
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return r.json();
});

client.fetchQuery({ queryKey: ['greeting'], queryFn: greeting, staleTime: 60_000 })
  .then(() => client.fetchQuery({ queryKey: ['greeting'], queryFn: () => Promise.reject(new Error('fetched twice')), staleTime: 60_000 }))
  .then((data) => { out.textContent = `stackquery l1: ${data.message}`; }, (e) => { out.textContent = `error: ${e.message}`; });
