'use client';
import { useState } from 'react';
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';

async function greeting() {
  const r = await fetch('/api/greeting');
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return r.json();
}

function Greeting() {
  const query = useQuery({ queryKey: ['greeting'], queryFn: greeting, staleTime: 60_000 });
  if (query.isSuccess) return <p id="out">tanstack: {query.data.message}</p>;
  if (query.isError) return <p id="out">error: {query.error.message}</p>;
  return <p id="out">loading</p>;
}

export default function TanstackGreeting() {
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: 0 } } }));
  return (
    <QueryClientProvider client={client}>
      <Greeting />
    </QueryClientProvider>
  );
}
