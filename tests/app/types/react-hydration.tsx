// Compiled by tests/app/react-types.test.mjs: HydrationBoundary as TanStack's app-router
// recipe uses it (a server component's dehydrated state, a client component below).
import { Suspense } from 'react';
import {
  HydrationBoundary,
  QueryClient,
  defaultShouldDehydrateQuery,
  dehydrate,
  useSuspenseQuery,
  type DehydratedState,
  type HydrationBoundaryProps,
} from 'stackquery/react';

const client = new QueryClient({
  defaultOptions: {
    queries: { staleTime: 60_000 },
    dehydrate: { shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === 'pending' },
  },
});

function Greeting() {
  const { data } = useSuspenseQuery({ queryKey: ['greeting'], queryFn: async () => ({ message: 'hi' }) });
  const message: string = data.message;
  return <p>{message}</p>;
}

export async function Page() {
  await client.prefetchQuery({ queryKey: ['greeting'], queryFn: async () => ({ message: 'hi' }) });
  const state: DehydratedState = dehydrate(client);
  return (
    <HydrationBoundary state={state} options={{ defaultOptions: { queries: { gcTime: 10_000 }, deserializeData: (d) => d } }}>
      <Suspense fallback={<p>loading</p>}>
        <Greeting />
      </Suspense>
    </HydrationBoundary>
  );
}

export const Empty = () => <HydrationBoundary state={null} queryClient={client} />;
export const props: HydrationBoundaryProps = { state: undefined, children: <Greeting /> };

// @ts-expect-error state is a dehydrated state, not a string
export const Wrong = () => <HydrationBoundary state="x" />;
// @ts-expect-error state is required (null or undefined to hydrate nothing)
export const Missing = () => <HydrationBoundary />;
