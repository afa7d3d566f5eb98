// The matrix's server-side script, ES module: a query from the API whose URL is the first
// argument, the same query again (answered by the cache: staleTime), then getQueryData.
// Prints one JSON line: what it got, the client's runtime mode, and the file
// 'stackquery' resolved to.
import { QueryClient } from 'stackquery';

const url = process.argv[2];
const client = new QueryClient({ staleTime: 60_000 });
const queryKey = ['greeting'];

const greeting = async () => {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return r.json();
};

const first = await client.fetchQuery({ queryKey, queryFn: greeting });
const again = await client.fetchQuery({ queryKey, queryFn: greeting });
const entry = import.meta.resolve('stackquery');
console.log(JSON.stringify({ first, again, cached: client.getQueryData(queryKey), runtime: client.runtime, entry }));
