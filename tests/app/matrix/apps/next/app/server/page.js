// A server component that awaits a query: rendered on each request.
import { connection } from 'next/server';
import { QueryClient } from 'stackquery';

export default async function ServerPage() {
  await connection();
  const data = await new QueryClient({ retry: 0 }).fetchQuery({
    queryKey: ['greeting'],
    queryFn: async () => {
      const r = await fetch(`${process.env.GREETING_API}/api/greeting`, { cache: 'no-store' });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return r.json();
    },
  });
  return <p id="server-out">{`stackquery on the server: ${data.message}`}</p>;
}
