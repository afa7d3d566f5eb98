// Compiled by tests/app/react-types.test.mjs with tsc --strict: the query hooks' types infer
// what a TanStack user expects — select changes the data type, a suspense hook's data is
// never undefined, useQueries infers a tuple and combine's result, infinite pages are typed
// by queryFn and initialPageParam. `@ts-expect-error` lines must stay errors.
import { Suspense } from 'react';
import {
  QueryClient,
  QueryErrorResetBoundary,
  infiniteQueryOptions,
  queryOptions,
  useInfiniteQuery,
  usePrefetchInfiniteQuery,
  usePrefetchQuery,
  useQueries,
  useQuery,
  useQueryErrorResetBoundary,
  useSuspenseInfiniteQuery,
  useSuspenseQueries,
  useSuspenseQuery,
  type InfiniteData,
  type UseQueryResult,
} from 'stackquery/react';

interface Todo { id: number; title: string }
interface Page { items: string[]; next: number | null }

const fetchTodo = async (id: number): Promise<Todo> => ({ id, title: `t${id}` });
const fetchPage = async (cursor: number): Promise<Page> => ({ items: [`${cursor}`], next: cursor < 3 ? cursor + 1 : null });

function Queries() {
  // throwOnError as a boolean or a function of the error and the query (its data typed).
  const a = useQuery({
    queryKey: ['todo', 1],
    queryFn: () => fetchTodo(1),
    throwOnError: (error, query) => query.state.data === undefined && error !== null,
    notifyOnChangeProps: ['data', 'isFetching'],
  });
  const maybe: Todo | undefined = a.data;
  // @ts-expect-error useQuery's data may be undefined
  const sure: Todo = a.data;
  // @ts-expect-error notifyOnChangeProps names result properties
  useQuery({ queryKey: ['x'], queryFn: () => 1, notifyOnChangeProps: ['nope'] });
  // @ts-expect-error throwOnError is a boolean or a function
  useQuery({ queryKey: ['x'], queryFn: () => 1, throwOnError: 'yes' });

  // Suspense: data is TData, never undefined; select changes it.
  const s = useSuspenseQuery({ queryKey: ['todo', 2], queryFn: () => fetchTodo(2) });
  const title: string = s.data.title;
  const selected = useSuspenseQuery({ queryKey: ['todo', 3], queryFn: () => fetchTodo(3), select: (t) => t.title.length });
  const length: number = selected.data;
  // @ts-expect-error a suspense query is always enabled
  useSuspenseQuery({ queryKey: ['todo', 4], queryFn: () => fetchTodo(4), enabled: false });

  // useQueries: a tuple, each element typed by its own queryFn and select.
  const [first, second] = useQueries({
    queries: [
      { queryKey: ['todo', 5], queryFn: () => fetchTodo(5) },
      { queryKey: ['count'], queryFn: async () => 3, select: (n: number) => `${n}` },
    ],
  });
  const firstData: Todo | undefined = first.data;
  const secondData: string | undefined = second.data;
  // @ts-expect-error the second query's data is a string
  const wrong: number | undefined = second.data;
  // An array of like queries, and combine's result type.
  const ids = [1, 2, 3];
  const combined = useQueries({
    queries: ids.map((id) => ({ queryKey: ['todo', id], queryFn: () => fetchTodo(id) })),
    combine: (results) => ({ titles: results.map((r) => r.data?.title), pending: results.some((r) => r.isPending) }),
  });
  const titles: Array<string | undefined> = combined.titles;
  const pending: boolean = combined.pending;
  const list: UseQueryResult<Todo>[] = useQueries({ queries: ids.map((id) => ({ queryKey: ['todo', id], queryFn: () => fetchTodo(id) })) });
  const [x, y] = useSuspenseQueries({
    queries: [
      { queryKey: ['todo', 6], queryFn: () => fetchTodo(6) },
      { queryKey: ['n'], queryFn: async () => 1 },
    ],
  });
  const xTitle: string = x.data.title;
  const yValue: number = y.data;

  // Infinite: pages typed by queryFn, pageParam by initialPageParam; select changes data.
  const pages = useInfiniteQuery({
    queryKey: ['pages'],
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: 0,
    getNextPageParam: (last) => last.next,
  });
  const all: InfiniteData<Page> | undefined = pages.data;
  void pages.fetchNextPage().then((r) => r.hasNextPage);
  const flat = useInfiniteQuery({
    queryKey: ['pages'],
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: 0,
    getNextPageParam: (last) => last.next,
    select: (data) => data.pages.flatMap((p) => p.items),
  });
  const items: string[] | undefined = flat.data;
  const suspended = useSuspenseInfiniteQuery({
    queryKey: ['pages'],
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: 0,
    getNextPageParam: (last) => last.next,
  });
  const firstPage: Page | undefined = suspended.data.pages[0];

  // Prefetch hooks and the options helpers.
  const todoOptions = queryOptions({ queryKey: ['todo', 7] as const, queryFn: () => fetchTodo(7) });
  usePrefetchQuery(todoOptions);
  const fromOptions = useQuery(todoOptions);
  const optionTitle: string | undefined = fromOptions.data?.title;
  const key: readonly ['todo', 7] = todoOptions.queryKey;
  // The key queryOptions returns is tagged with its data type (TanStack's DataTag): the
  // client's calls infer it, and an updater gets the data typed.
  const client = new QueryClient();
  const cached: Todo | undefined = client.getQueryData(todoOptions.queryKey);
  const written: Todo | undefined = client.setQueryData(todoOptions.queryKey, (old) => (old ? { ...old, title: old.title.toUpperCase() } : undefined));
  const stateData: Todo | undefined = client.getQueryState(todoOptions.queryKey)?.data;
  // @ts-expect-error a tagged key's data is a Todo, not a number
  client.setQueryData(todoOptions.queryKey, 5);
  const listOptions = queryOptions({ queryKey: ['todos'], queryFn: async () => [await fetchTodo(1)] });
  client.setQueryData(listOptions.queryKey, (old) => [...(old ?? []), { id: 2, title: 't2' }]);
  // An untagged key still takes the type argument.
  const untagged: Todo[] | undefined = client.getQueryData<Todo[]>(['todos']);
  const pageOptions = infiniteQueryOptions({
    queryKey: ['pages'],
    queryFn: ({ pageParam }: { pageParam: number }) => fetchPage(pageParam),
    initialPageParam: 0,
    getNextPageParam: (last: Page) => last.next,
  });
  usePrefetchInfiniteQuery({ queryKey: ['pages'], queryFn: ({ pageParam }) => fetchPage(pageParam), initialPageParam: 0, getNextPageParam: (last) => last.next });
  const fromPageOptions = useInfiniteQuery(pageOptions);
  const pageCount: number | undefined = fromPageOptions.data?.pages.length;

  const { reset, isReset } = useQueryErrorResetBoundary();
  const wasReset: boolean = isReset();
  void [maybe, sure, title, length, firstData, secondData, wrong, titles, pending, list, xTitle, yValue, all, items, firstPage, optionTitle, key, pageCount, wasReset, reset, cached, written, stateData, untagged];
  return null;
}

export function App() {
  return (
    <QueryErrorResetBoundary>
      {({ reset }) => (
        <Suspense fallback={<p onClick={reset}>loading</p>}>
          <Queries />
        </Suspense>
      )}
    </QueryErrorResetBoundary>
  );
}
