// Compiled by tests/app/react-types.test.mjs: a client from `stackquery/web` (typed by the
// package's web.d.ts: the package API plus `init`) is accepted by the React bindings.
import init, { QueryClient } from 'stackquery/web';
import { QueryClientProvider, useQuery, useQueryClient } from 'stackquery/react';

await init();
const web = new QueryClient({ staleTime: 1_000 });

function Count() {
  const client = useQueryClient(web);
  const q = useQuery({ queryKey: ['n'], queryFn: async () => 1 }, web);
  const n: number | undefined = q.data;
  return <p>{n} {client.size}</p>;
}

export const App = () => <QueryClientProvider client={web}><Count /></QueryClientProvider>;
