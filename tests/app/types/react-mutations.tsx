// Compiled by tests/app/react-types.test.mjs with tsc --strict --jsx react-jsx: the types of
// stackquery/react's mutation and state hooks and of the provider's restore, as an app
// writes them.
import { Component, type ReactNode } from 'react';
import { QueryClient } from 'stackquery';
import {
  QueryClientProvider,
  useIsFetching,
  useIsMutating,
  useIsRestoring,
  useMutation,
  useMutationState,
  type MutationState,
  type UseMutationOptions,
  type UseMutationResult,
} from 'stackquery/react';

interface Todo { id: number; title: string }
class HttpError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}
const client = new QueryClient({ staleTime: 60_000, defaultOptions: { mutations: { retry: 1 } } });
client.setMutationDefaults(['todos', 'add'], { mutationFn: async (title: string) => ({ id: 1, title }) });

function AddTodo() {
  const add = useMutation<Todo, HttpError, string, { previous: Todo[] | undefined }>({
    mutationKey: ['todos', 'add'],
    mutationFn: async (title) => ({ id: 2, title }),
    onMutate: async () => ({ previous: client.getQueryData<Todo[]>(['todos']) }),
    onError: (error, title, context) => {
      const status: number = error.status;
      const previous: Todo[] | undefined = context?.previous;
      void status; void previous; void title;
    },
    throwOnError: (error) => error.status >= 500,
    scope: { id: 'todos' },
    meta: { feature: 'todos' },
    gcTime: 10_000,
    networkMode: 'offlineFirst',
    retry: (failureCount, error) => failureCount < 2 && error.status !== 400,
    retryDelay: (failureCount) => failureCount * 100,
  });
  // Narrowed by its flags.
  if (add.isSuccess) {
    const saved: Todo = add.data;
    const title: string = add.variables;
    void saved; void title;
  }
  if (add.isError) {
    const status: number = add.error.status;
    void status;
  }
  if (add.status === 'idle') {
    const nothing: undefined = add.data;
    void nothing;
  }
  const paused: boolean = add.isPaused;
  const submittedAt: number = add.submittedAt;
  const failures: number = add.failureCount;
  void paused; void submittedAt; void failures;
  return (
    <button
      onClick={() => {
        add.mutate('milk', {
          onSuccess: (todo, title, context) => console.log(todo.id, title.length, context?.previous),
          onError: (error) => console.log(error.status),
          onSettled: (todo, error) => console.log(todo?.title, error?.status),
        });
        void add.mutateAsync('eggs').then((todo: Todo) => todo.title);
        add.reset();
      }}
    >
      add
    </button>
  );
}

// Inferred from mutationFn; mutationFn may come from the defaults (a boolean throwOnError).
function Inferred() {
  const m = useMutation({ mutationFn: async (n: number) => String(n), throwOnError: true });
  const text: string | undefined = m.data;
  m.mutate(1);
  // @ts-expect-error the variables are numbers
  m.mutate('1');
  const fromDefaults: UseMutationResult<Todo, Error, string> = useMutation<Todo, Error, string>({ mutationKey: ['todos', 'add'] });
  const options: UseMutationOptions<void, Error, void> = { mutationFn: async () => {} };
  const noVariables = useMutation(options);
  noVariables.mutate();
  return <p>{text}{fromDefaults.status}</p>;
}

function Activity() {
  const fetching: number = useIsFetching();
  const todosFetching: number = useIsFetching({ queryKey: ['todos'], type: 'active' });
  const mutating: number = useIsMutating({ mutationKey: ['todos'], predicate: (m) => m.state.isPending });
  const states: MutationState<unknown, unknown, unknown, unknown>[] = useMutationState();
  // The optimistic list: the titles being added.
  const titles: string[] = useMutationState({
    filters: { mutationKey: ['todos', 'add'], status: 'pending' },
    select: (mutation) => mutation.state.variables as string,
  });
  const ids: number[] = useMutationState({ select: (mutation) => mutation.mutationId }, client);
  // @ts-expect-error filters are MutationFilters
  useIsMutating({ queryKey: ['todos'] });
  return <p>{fetching + todosFetching + mutating + states.length + titles.length + ids.length}</p>;
}

function Splash() {
  const restoring: boolean = useIsRestoring();
  return <p>{restoring ? 'restoring…' : 'ready'}</p>;
}

class Boundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  render() {
    return this.state.failed ? <p>failed</p> : this.props.children;
  }
}

export function App() {
  return (
    <QueryClientProvider client={client} restore={[['todos'], ['user', { id: 1 }]] as const} fallback={<Splash />}>
      <Boundary>
        <AddTodo />
        <Inferred />
        <Activity />
      </Boundary>
    </QueryClientProvider>
  );
}

export function Plain() {
  // restore and fallback are optional; fallback is any node.
  return (
    <>
      <QueryClientProvider client={client}><Activity /></QueryClientProvider>
      <QueryClientProvider client={client} restore={[]} fallback="loading"><Activity /></QueryClientProvider>
    </>
  );
}
