// Compiled by tests/app/react-types.test.mjs with tsc --strict --jsx react-jsx and a plain
// lib (es2020, dom): the stackquery/react types accept what a user writes and infer what a
// user expects.
import { useState } from 'react';
import { QueryClient } from 'stackquery';
import {
  QueryClientProvider,
  useMutation,
  useQuery,
  useQueryClient,
  type UseQueryResult,
} from 'stackquery/react';

interface Todo { id: number; title: string }
const client = new QueryClient({ staleTime: 60_000 });

function Todos() {
  const todos = useQuery({
    queryKey: ['todos', { done: false }] as const,
    queryFn: async ({ queryKey, signal }): Promise<Todo[]> => {
      const [, filter] = queryKey;
      const r = await fetch(`/api/todos?done=${filter.done}`, { signal });
      return r.json();
    },
  });
  const first: Todo | undefined = todos.data?.[0];
  const titles = useQuery({
    queryKey: ['todos'],
    queryFn: async () => [{ id: 1, title: 'a' }] as Todo[],
    select: (all) => all.map((t) => t.title),
    placeholderData: (previous) => previous ?? [],
  });
  const names: string[] | undefined = titles.data;
  const typed: UseQueryResult<Todo, Error> = useQuery<Todo, Error>({
    queryKey: ['todo', 1],
    queryFn: () => ({ id: 1, title: 'x' }),
    enabled: first !== undefined,
    refetchInterval: false,
  });
  const message: string | undefined = typed.error?.message;
  // Options as functions of the query, its data typed.
  const polled = useQuery({
    queryKey: ['job'],
    queryFn: async () => ({ done: false, ttl: 1_000 }),
    enabled: (query) => query.state.data?.done !== true,
    staleTime: (query) => query.state.data?.ttl ?? 0,
    refetchInterval: (query) => (query.state.data?.done ? false : 1_000),
  });
  const done: boolean | undefined = polled.data?.done;
  void typed.refetch().then((r) => r.data?.title);

  const queryClient = useQueryClient();
  const add = useMutation({
    mutationFn: async (todo: { title: string }) => ({ id: 2, title: todo.title }),
    onMutate: async (todo) => {
      await queryClient.cancelQueries({ queryKey: ['todos'] });
      const previous = queryClient.getQueryData<Todo[]>(['todos']);
      queryClient.setQueryData<Todo[]>(['todos'], (old) => [...(old ?? []), { id: -1, ...todo }]);
      return { previous };
    },
    onError: (_error, _todo, context) => queryClient.setQueryData(['todos'], context?.previous),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['todos'] }),
  });
  const created: Todo | undefined = add.data;
  const ctx: { previous: Todo[] | undefined } | undefined = add.context;
  const noVars = useMutation({ mutationFn: async () => 1 });
  noVars.mutate();
  // Nothing is `any`: wrong uses are errors.
  // @ts-expect-error data is Todo[] | undefined
  const wrong: number = todos.data;
  // @ts-expect-error the variables are { title: string }
  add.mutate({ name: 'x' });
  // @ts-expect-error select gets the queryFn's data
  useQuery({ queryKey: ['n'], queryFn: async () => 1, select: (n: string) => n });
  void wrong;
  const [title] = useState('milk');
  return (
    <div>
      {first?.title} {names?.join(',')} {message} {created?.id} {ctx ? 'ctx' : ''}
      <button disabled={add.isPending} onClick={() => add.mutate({ title }, { onSuccess: (d) => console.log(d.id) })}>add</button>
      <button onClick={() => add.mutateAsync({ title }).then((d) => d.title)}>add async</button>
      <button onClick={() => add.reset()}>reset</button>
    </div>
  );
}

export function App() {
  return (
    <QueryClientProvider client={client}>
      <Todos />
    </QueryClientProvider>
  );
}
