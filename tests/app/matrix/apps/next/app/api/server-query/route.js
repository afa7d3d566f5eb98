// stackquery on the server: a QueryClient in a route handler. The second fetchQuery is
// answered from the cache (fresh for a minute), so the service sees one request.
import { QueryClient } from 'stackquery';

async function greeting() {
  const r = await fetch(`${process.env.GREETING_API}/api/greeting`, { cache: 'no-store' });
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return r.json();
}

export async function GET() {
  const client = new QueryClient({ retry: 0 });
  const first = await client.fetchQuery({ queryKey: ['greeting'], queryFn: greeting, staleTime: 60_000 });
  const second = await client.fetchQuery({ queryKey: ['greeting'], queryFn: greeting, staleTime: 60_000 });
  return Response.json({ first, second, cached: client.getQueryData(['greeting']) });
}
