// The matrix's server-side script, CommonJS: import.js with `require`.
const { QueryClient } = require('stackquery');

const url = process.argv[2];
const client = new QueryClient({ staleTime: 60_000 });
const queryKey = ['greeting'];

const greeting = async () => {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return r.json();
};

async function main() {
  const first = await client.fetchQuery({ queryKey, queryFn: greeting });
  const again = await client.fetchQuery({ queryKey, queryFn: greeting });
  const entry = require.resolve('stackquery');
  console.log(JSON.stringify({ first, again, cached: client.getQueryData(queryKey), runtime: client.runtime, entry }));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
