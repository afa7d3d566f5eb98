// Compiled by scripts/test.sh with tsc --strict: the package types accept what a user writes.
import { QueryClient, QueryObserver, IndexedDbStorage, MemoryStorage, RemoteStorage, onlineManager, focusManager, memoryStats, type StorageBackend } from '../../pkg-template/index';
import { skipToken, isServer, isCancelledError, CancelledError, OnlineManager, FocusManager } from '../../pkg-template/index';
import { keepPreviousData, hashKey, partialMatchKey, replaceEqualDeep, noop, MutationObserver } from '../../pkg-template/index';
const map = new Map<string, string>();
const storage: StorageBackend = { get: (k) => map.get(k), set: (k, v) => void map.set(k, v), delete: (k) => void map.delete(k) };
const c = new QueryClient({ storage, staleTime: 'static', onStorageError: (e, op, key) => console.log(e, op, key) });
new QueryClient({ storage: new IndexedDbStorage({ dbName: 'x' }) });
new QueryClient({ storage: new MemoryStorage() });
async function f() {
  const todos: { id: number }[] = await c.fetchQuery({ queryKey: ['todos', 1] as const, queryFn: async ({ queryKey, signal }) => { signal.aborted; return [{ id: queryKey[1] }]; } });
  await c.fetchQuery({ queryKey: ['todo-count'], queryFn: async ({ client }) => client.getQueryData<{ id: number }[]>(['todos', 1])?.length ?? 0 });
  c.setQueryData<{ id: number }[]>(['todos', 1], (old) => [...(old ?? []), { id: 2 }]);
  await c.invalidateQueries({ queryKey: ['todos'], refetchType: 'all' });
  await c.flush();
  return todos;
}
f();
const observer = c.watch<{ id: number }[]>({ queryKey: ['todos', 1], queryFn: async () => [{ id: 1 }], enabled: true });
const off: () => void = observer.subscribe((r) => { if (r.isSuccess) console.log(r.data?.[0].id); });
off();
new QueryObserver(c, { queryKey: ['x'] }).destroy();
new QueryClient({ storage: new RemoteStorage({ url: 'https://example.upstash.io', token: 't' }), runtime: 'edge' });
const save = c.mutation<{ id: number }, Error, { title: string }, { previous: unknown }>({
  mutationFn: async ({ title }) => ({ id: title.length }),
  onMutate: async () => ({ previous: c.getQueryData(['todos']) }),
  onError: (_e, _v, ctx) => c.setQueryData(['todos'], ctx?.previous),
  scope: { id: 'todos' },
});
save.mutate({ title: 'x' }).then((d) => d.id);
const n: number = c.isMutating();
c.watch<{ id: number }[]>({ queryKey: ['todos'], select: (all) => all.filter((t) => t.id > 1), placeholderData: (prev) => prev ?? [] });
c.watch({ queryKey: ['poll'], refetchInterval: 5_000 }).destroy();
onlineManager.setOnline(!onlineManager.isOnline());
focusManager.setEventListener((setFocused) => { setFocused(true); return () => setFocused(undefined); });
const focused: boolean = focusManager.isFocused();
const heap: number = memoryStats().heapBytes;
new QueryClient({ storage: new IndexedDbStorage(), crossTab: false, networkMode: 'offlineFirst', refetchOnWindowFocus: 'always' });
c.watch<{ id: number }>({ queryKey: ['s'], structuralSharing: (old, next) => old ?? next, refetchOnReconnect: false, networkMode: 'always' });
// `stackquery/web`: the same API plus the initialisers, typed (not wasm-bindgen's `any`).
import init, { QueryClient as WebClient } from '../../pkg-template/web';
init().then(() => new WebClient({ staleTime: 1 }).getQueryData(['x']));
// TanStack's defaults.
const d = new QueryClient({ defaultOptions: { queries: { staleTime: 60_000, retry: 1 }, mutations: { retry: 2 } } });
d.setQueryDefaults(['todos'], { queryFn: async () => [], staleTime: 5_000 });
const todoStale: unknown = d.getQueryDefaults(['todos', 1]).staleTime;
d.setMutationDefaults(['add'], { mutationFn: async (n: number) => n + 1 });
// The durable outbox: persisted runs, resumed after a reload or restart.
d.setMutationDefaults(['orders'], { persist: true, scope: { id: 'cart' } });
const placeOrder = d.mutation({ mutationKey: ['orders', 'place'], persist: true, mutationFn: async (order: { item: string }) => order.item });
void placeOrder.mutate({ item: 'tea' });
const resumed: Promise<void> = d.resumePausedMutations();
void resumed;
new QueryClient({ defaultOptions: { mutations: { persist: true } } });
// @ts-expect-error persist is a boolean
d.mutation({ mutationKey: ['x'], persist: 'yes' });
d.mutation<number, Error, number>({ mutationKey: ['add'] }).mutate(1);
const defaulted: true = d.defaultQueryOptions({ queryKey: ['todos'] })._defaulted;
d.setDefaultOptions({ ...d.getDefaultOptions(), queries: { gcTime: 1_000 } });
// Infinite queries.
import { InfiniteQueryObserver, type InfiniteData } from '../../pkg-template/index';
type Page = { items: string[]; next?: number };
async function pages(): Promise<number> {
  const data: InfiniteData<Page, number> = await c.fetchInfiniteQuery({
    queryKey: ['feed'] as const,
    queryFn: async ({ pageParam, direction, signal, queryKey }): Promise<Page> => {
      signal.aborted;
      const key: readonly ['feed'] = queryKey;
      return { items: [`${key[0]} ${pageParam} ${direction === 'backward' ? '<' : '>'}`], next: pageParam + 1 };
    },
    initialPageParam: 0,
    getNextPageParam: (lastPage, allPages, lastPageParam, allPageParams) => (allPages.length < 5 ? lastPage.next ?? lastPageParam + allPageParams.length : undefined),
    getPreviousPageParam: (_first, _all, firstPageParam) => (firstPageParam > 0 ? firstPageParam - 1 : null),
    maxPages: 10,
    pages: 2,
  });
  await c.prefetchInfiniteQuery({ queryKey: ['feed'], queryFn: async ({ pageParam }: { pageParam: string }) => pageParam, initialPageParam: 'a', getNextPageParam: () => undefined });
  const again = await c.ensureInfiniteQueryData({ queryKey: ['feed'], queryFn: async () => 1, initialPageParam: 0, getNextPageParam: (last: number) => last + 1, revalidateIfStale: true });
  const firstNumber: number = again.pages[0];
  return data.pageParams[0] + data.pages.length + firstNumber;
}
pages();
const feed = new InfiniteQueryObserver(c, {
  queryKey: ['feed'],
  queryFn: async ({ pageParam }: { pageParam: number }): Promise<Page> => ({ items: [String(pageParam)] }),
  initialPageParam: 0,
  getNextPageParam: (lastPage: Page) => lastPage.next,
  select: (data) => data.pages.flatMap((p) => p.items),
  staleTime: 1_000,
});
const stopFeed: () => void = feed.subscribe((r) => {
  const items: string[] | undefined = r.data;
  if (r.hasNextPage && !r.isFetchingNextPage && !r.isFetchNextPageError) r.fetchNextPage({ cancelRefetch: false });
  console.log(items, r.hasPreviousPage, r.isFetchingPreviousPage, r.isFetchPreviousPageError);
});
feed.fetchPreviousPage({ throwOnError: true }).then((r) => r.isSuccess);
feed.refetch().then((r) => r.data?.length);
stopFeed();
feed.destroy();
// TanStack's QueryCache, MutationCache and hydration.
import { QueryCache, MutationCache, Query, dehydrate, hydrate, type DehydratedState, type QueryCacheNotifyEvent } from '../../pkg-template/index';
const withCaches = new QueryClient({
  queryCache: new QueryCache({ onError: (error, query) => console.log(error, query.queryHash), onSettled: (data, error) => console.log(data, error) }),
  mutationCache: new MutationCache({ onSuccess: (data, variables, context, mutation) => console.log(data, variables, context, mutation.mutationId) }),
});
const offCache: () => void = withCaches.getQueryCache().subscribe((event: QueryCacheNotifyEvent) => {
  if (event.type === 'updated' && event.action.type === 'success') console.log(event.action.data, event.query.state.dataUpdatedAt);
});
offCache();
const found: Query<{ id: number }[]> | undefined = withCaches.getQueryCache().find<{ id: number }[]>({ queryKey: ['todos'] });
found?.state.data?.map((t) => t.id);
found?.setData((old) => old ?? [], { updatedAt: 1 });
withCaches.getQueryCache().findAll({ predicate: (q) => q.isStale() && q.getObserversCount() === 0 }).forEach((q) => q.invalidate());
withCaches.setQueryData(['todos'], [], { updatedAt: Date.now() - 1_000 });
const saving = withCaches.getMutationCache().find<number, Error, string>({ mutationKey: ['save'], status: 'pending' });
saving?.state.variables?.toUpperCase();
withCaches.getMutationCache().subscribe((e) => { if (e.type === 'updated') console.log(e.action.type, e.mutation.options.mutationKey); });
withCaches.mutation({ mutationFn: async (n: number) => n, gcTime: 60_000, meta: { label: 'n' } });
// TanStack's last argument of every step: { client, meta, mutationKey }.
const withContext = withCaches.mutation({
  mutationKey: ['save'],
  mutationFn: async (n: number, { client, meta }) => { await client.invalidateQueries({ queryKey: ['todos'] }); return String(meta?.label ?? n); },
  onMutate: (n, { mutationKey }) => ({ n, key: mutationKey }),
  onSuccess: (data: string, n, onMutateResult, { client }) => client.setQueryData(['saved'], data + (onMutateResult?.n ?? n)),
  onSettled: (data, error, n, onMutateResult, context) => context.meta,
});
withContext.mutate(1, { onError: (error, n, onMutateResult, { mutationKey }) => mutationKey?.length });
const dehydrated: DehydratedState = dehydrate(withCaches, { shouldDehydrateQuery: (q) => q.state.status !== 'error' });
hydrate(new QueryClient(), JSON.parse(JSON.stringify(dehydrated)), { defaultOptions: { queries: { gcTime: Infinity } } });
hydrate(new QueryClient(), undefined);

// TanStack parity of the calls both have (issue 14).
{
  const client = new QueryClient();
  const n: Promise<number> = client.query({ queryKey: ['n'], queryFn: async () => 'abc', select: (s: string) => s.length });
  void n;
  void client.ensureQueryData({ queryKey: ['n'], queryFn: async () => 1, revalidateIfStale: true });
  void client.refetchQueries({ queryKey: ['n'] }, { cancelRefetch: false, throwOnError: true });
  void client.invalidateQueries({ queryKey: ['n'] }, { cancelRefetch: true });
  void client.resumePausedMutations();
  const m = client.mutation<string, Error, number>({ mutationFn: async (v) => String(v), networkMode: 'offlineFirst' });
  void m.mutate(1, { onSuccess: (data: string, vars: number) => void [data, vars], onSettled: (d, e) => void [d, e] });
  const observer = client.watch({ queryKey: ['n'], queryFn: async () => 1 });
  void observer.refetch({ throwOnError: true });
}

// Options as functions of the query (TanStack v5's): enabled, staleTime, refetchInterval,
// refetchOnWindowFocus / refetchOnReconnect.
{
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: (query) => (query.state.isInvalidated ? 0 : 1_000) } } });
  type Job = { done: boolean; ttl: number };
  const job = new QueryObserver(client, {
    queryKey: ['job', 1],
    queryFn: async (): Promise<Job> => ({ done: false, ttl: 5_000 }),
    enabled: (query) => query.state.data?.done !== true,
    staleTime: (query) => query.state.data?.ttl ?? 0,
    refetchInterval: (query) => (query.state.data?.done ? false : 1_000),
    refetchOnWindowFocus: (query) => (query.queryKey[1] === 1 ? 'always' : false),
    refetchOnReconnect: (query) => query.state.status !== 'error',
    refetchOnMount: (query) => (query.state.dataUpdatedAt < Date.now() - 60_000 ? 'always' : true),
  });
  job.setOptions({ queryKey: ['job', 2], enabled: true, staleTime: 'static' });
  void client.fetchQuery({ queryKey: ['job', 3], queryFn: async (): Promise<Job> => ({ done: true, ttl: 0 }), staleTime: (query) => query.state.data?.ttl ?? 'static' });
  void client.prefetchQuery({ queryKey: ['job', 3], staleTime: (query: Query<unknown>) => (query.state.dataUpdatedAt > 0 ? Infinity : 0) });
  const pages = new InfiniteQueryObserver(client, {
    queryKey: ['job-pages'],
    queryFn: async ({ pageParam }: { pageParam: number }) => pageParam,
    initialPageParam: 0,
    getNextPageParam: (last: number) => last + 1,
    enabled: (query) => query.state.data === undefined || query.state.data.pages.length < 3,
  });
  pages.destroy();
  // @ts-expect-error enabled gives a boolean
  new QueryObserver(client, { queryKey: ['x'], enabled: (query: Query) => query.queryHash });
}
{
  const client = new QueryClient();
  const maybeId: number | undefined = undefined as number | undefined;
  const observer = client.watch({
    queryKey: ['user', maybeId],
    queryFn: maybeId === undefined ? skipToken : async () => ({ id: maybeId }),
    notifyOnChangeProps: ['data', 'error'],
    refetchOnMount: 'always',
    retryOnMount: false,
  });
  void observer;
  const isCancelled: boolean = isCancelledError(new CancelledError());
  void isCancelled;
  const manager = new OnlineManager();
  const stop: () => void = manager.subscribe((online: boolean) => void online);
  stop();
  new FocusManager().setFocused(undefined);
}

// isServer: a boolean, as TanStack's (the app router's getQueryClient recipe asks it).
const onServer: boolean = isServer;
void onServer;

// L2 at scale: a byte limit, and restoring a whole namespace or a key prefix.
const bounded = new QueryClient({ storage: new MemoryStorage(), persistMaxBytes: 5_000_000 });
const restoredAll: Promise<number> = bounded.restoreQueries();
const restoredTodos: Promise<number> = bounded.restoreQueries({ queryKey: ['todos'] });
const restoredKeys: Promise<number> = bounded.restoreQueries([['todos'], ['user', 1]]);
void restoredAll; void restoredTodos; void restoredKeys;

// Predicates get the Query (TanStack's); placeholderData gets the previous query too.
const withPredicates = new QueryClient();
void withPredicates.invalidateQueries({ predicate: (query: Query) => query.isActive() && query.queryKey[0] === 'todos' });
const kept: number = withPredicates.isFetching({ predicate: (query) => query.state.status === 'success' && !query.isStale() });
void kept;
const paged = new QueryObserver<string[]>(withPredicates, {
  queryKey: ['page', 2],
  placeholderData: (previousData, previousQuery) => (previousQuery?.queryKey[0] === 'page' ? previousData : undefined),
});
void paged;

// TanStack's helpers, MutationObserver, mount()/unmount(), isMutating(filters), free().
const helpers = new QueryClient();
helpers.mount();
const previous = new QueryObserver<string[]>(helpers, { queryKey: ['page', 3], placeholderData: keepPreviousData });
void previous;
const hash: string = hashKey(['todos', { done: true }]);
const matches: boolean = partialMatchKey(['todos', 1], ['todos']);
const shared: { a: number[] } = replaceEqualDeep({ a: [1] }, { a: [1] });
noop();
void hash; void matches; void shared;
const byKey: number = helpers.isMutating({ mutationKey: ['todos'], exact: true });
void byKey;
const adder = new MutationObserver<number, Error, number>(helpers, { mutationKey: ['add'], mutationFn: async (n: number) => n + 1 });
const stopAdding: () => void = adder.subscribe((result) => void (result.isSuccess && result.data));
const added: Promise<number> = adder.mutate(1, { onSuccess: (data: number) => void data });
void added;
const current: number | undefined = adder.getCurrentResult().data;
void current;
adder.reset();
stopAdding();
const hashed: string = helpers.defaultQueryOptions({ queryKey: ['todos'] }).queryHash;
void hashed;
helpers.unmount();
helpers.free();
