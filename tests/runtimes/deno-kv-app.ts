// A Deno "server" that keeps stackquery's L2 in Deno KV, run (twice) by deno.test.mjs:
//   deno run --unstable-kv --allow-read=... --allow-write=... --allow-net=127.0.0.1 \
//     deno-kv-app.ts <kv file> <upstream url>
// Prints one JSON line: { data, storageErrors }.
import { QueryClient } from '../../pkg/web/stackquery.js';
import { denoKvStorage } from '../../pkg/adapters/deno-kv.js';

const [kvPath, upstreamUrl] = Deno.args;
if (!kvPath || !upstreamUrl) throw new Error('usage: deno-kv-app.ts <kv file> <upstream url>');

const kv = await Deno.openKv(kvPath);
const storageErrors: string[] = [];
const client = new QueryClient({
  storage: denoKvStorage(kv),
  staleTime: 60_000,
  onStorageError: (error: unknown, operation: string, key: string) => {
    storageErrors.push(`${operation} ${key}: ${error}`);
  },
});
try {
  const data = await client.fetchQuery({
    queryKey: ['upstream', 'greeting'],
    queryFn: async ({ signal }: { signal: AbortSignal }) => {
      const response = await fetch(upstreamUrl, { signal });
      if (!response.ok) throw new Error(`upstream answered ${response.status}`);
      return response.json();
    },
  });
  await client.flush();
  const stored: string[] = [];
  for await (const entry of kv.list({ prefix: ['stackquery'] })) stored.push(JSON.stringify(entry.key));
  console.log(JSON.stringify({ data, stored, storageErrors }));
} finally {
  client.dispose();
  kv.close();
}
