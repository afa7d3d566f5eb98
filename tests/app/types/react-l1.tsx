// Compiled by tests/app/react-types.test.mjs: `stackquery/l1` and `stackquery/l1/react`
// (the build without L2) are typed as the package's API without the built-in stores.
import { QueryClient, dehydrate } from 'stackquery/l1';
import { QueryClientProvider, useQuery, useMutation, HydrationBoundary } from 'stackquery/l1/react';
// @ts-expect-error: the build without L2 has no stores
import { IndexedDbStorage } from 'stackquery/l1';

const client = new QueryClient({ staleTime: 1_000, maxEntries: 500 });

function Todos() {
  const q = useQuery({ queryKey: ['todos'], queryFn: async () => [{ id: 1, title: 'a' }] });
  const titles: string[] | undefined = q.data?.map((t) => t.title);
  const save = useMutation({ mutationFn: async (title: string) => ({ id: 2, title }) });
  return <p onClick={() => save.mutate('b')}>{titles?.join(', ')} {save.data?.id}</p>;
}

export const App = () => (
  <QueryClientProvider client={client}>
    <HydrationBoundary state={dehydrate(client)}>
      <Todos />
    </HydrationBoundary>
  </QueryClientProvider>
);
export const unused = IndexedDbStorage;
