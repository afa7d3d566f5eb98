// Compiled by scripts/test.sh with tsc --strict: the package types accept what a user writes.
import { QueryClient, QueryObserver, IndexedDbStorage, MemoryStorage, RemoteStorage, onlineManager, focusManager, memoryStats, type StorageBackend } from '../../pkg-template/index';
const map = new Map<string, string>();
const storage: StorageBackend = { get: (k) => map.get(k), set: (k, v) => void map.set(k, v), delete: (k) => void map.delete(k) };
const c = new QueryClient({ storage, staleTime: 'static', onStorageError: (e, op, key) => console.log(e, op, key) });
new QueryClient({ storage: new IndexedDbStorage({ dbName: 'x' }) });
new QueryClient({ storage: new MemoryStorage() });
async function f() {
  const todos: { id: number }[] = await c.fetchQuery({ queryKey: ['todos', 1] as const, queryFn: async ({ queryKey, signal }) => { signal.aborted; return [{ id: queryKey[1] }]; } });
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
d.mutation<number, Error, number>({ mutationKey: ['add'] }).mutate(1);
const defaulted: true = d.defaultQueryOptions({ queryKey: ['todos'] })._defaulted;
d.setDefaultOptions({ ...d.getDefaultOptions(), queries: { gcTime: 1_000 } });
