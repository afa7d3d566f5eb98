// The matrix's plain app: what a user writes first. One query through the package's main
// entry, L2 in IndexedDB; `#out` shows the API's answer, and after a reload with the API
// down, the same answer from IndexedDB (staleTime keeps it fresh: no request).
import { QueryClient, IndexedDbStorage } from 'stackquery';

const client = new QueryClient({ storage: new IndexedDbStorage({ dbName: 'matrix' }), retry: 0 });
const out = document.getElementById('out');

const greeting = () => fetch('/api/greeting').then((r) => {
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return r.json();
});

client.fetchQuery({ queryKey: ['greeting'], queryFn: greeting, staleTime: 60_000 })
  .then((data) => {
    out.textContent = `stackquery: ${data.message}`;
    return client.flush();
  })
  .then(() => { window.__stackqueryFlushed = true; }, (e) => { out.textContent = `error: ${e.message}`; });
