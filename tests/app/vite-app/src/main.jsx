// A small React app over stackquery, built by Vite from the packed npm package
// (tests/app/vite-react.test.mjs). L2 in IndexedDB; the provider restores the page's keys
// from it before the first render, so after a reload the list, the profile and the user
// count (a suspense query) are on screen in the first frame (the fresh ones with no
// request). A feed pages with useInfiniteQuery. `?mode=plain` leaves
// restore out (cold keys read from L2 on first use); `?mode=tanstack` renders the profile
// with @tanstack/react-query instead (no persistence), for the comparison.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, IndexedDbStorage } from 'stackquery';
import {
  QueryClientProvider,
  useIsFetching,
  useIsRestoring,
  useMutation,
  useQuery,
  useQueryClient,
} from 'stackquery/react';
import { fetchJson as json, makeProfile } from './profile.jsx';
import { Feed, StatsCard } from './more.jsx';

const mode = new URLSearchParams(location.search).get('mode') ?? 'restore';

const queryClient = new QueryClient({
  storage: new IndexedDbStorage({ dbName: 'vite-react-app' }),
  retry: 0,
});
window.stackqueryClient = queryClient; // the test awaits flush() before reloading

const Profile = makeProfile(useQuery);

function Todos() {
  const client = useQueryClient();
  const [title, setTitle] = useState('');
  const [notice, setNotice] = useState('');
  const fetching = useIsFetching({ queryKey: ['todos'] });
  const todos = useQuery({
    queryKey: ['todos'],
    queryFn: ({ signal }) => json('/api/todos', { signal }),
  });
  const count = useQuery({
    queryKey: ['todos'],
    queryFn: ({ signal }) => json('/api/todos', { signal }),
    select: (data) => data.items.length,
  });
  const add = useMutation({
    mutationKey: ['todos', 'add'],
    mutationFn: (newTitle) =>
      json('/api/todos', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: newTitle }),
      }),
    onMutate: async (newTitle) => {
      await client.cancelQueries({ queryKey: ['todos'] });
      const previous = client.getQueryData(['todos']);
      client.setQueryData(['todos'], (old) => ({
        ...old,
        items: [...old.items, { id: 'optimistic', title: newTitle }],
      }));
      return { previous };
    },
    onError: (_error, _newTitle, context) => client.setQueryData(['todos'], context.previous),
    onSettled: () => client.invalidateQueries({ queryKey: ['todos'] }),
  });

  return (
    <main>
      <h1>Todos</h1>
      <p id="status">
        {todos.status} / {todos.fetchStatus}
      </p>
      <p id="fetching">{fetching} fetching</p>
      {todos.isPending ? (
        <p id="loading">Loading…</p>
      ) : todos.isError ? (
        <p id="error">{String(todos.error)}</p>
      ) : (
        <>
          <p id="rev">rev {todos.data.rev}</p>
          <p id="count">{count.data} todos</p>
          <ul id="list">
            {todos.data.items.map((t) => (
              <li key={t.id} data-id={t.id}>
                {t.title}
              </li>
            ))}
          </ul>
        </>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setNotice('');
          // This call's callbacks: the field is cleared once the API saved the title.
          add.mutate(title, {
            onSuccess: (saved) => {
              setTitle('');
              setNotice(`saved ${saved.title}`);
            },
            onError: (_error, failed) => setNotice(`not saved: ${failed}`),
          });
        }}
      >
        <input id="title" value={title} onChange={(e) => setTitle(e.target.value)} />
        <button id="add" disabled={todos.isPending}>
          Add
        </button>
      </form>
      <p id="mutation">
        {add.status}
        {add.isError ? `: ${add.error.message}` : ''}
      </p>
      <p id="notice">{notice}</p>
    </main>
  );
}

function Splash() {
  return <p id="splash">{useIsRestoring() ? 'restoring…' : ''}</p>;
}

const root = createRoot(document.getElementById('root'));
if (mode === 'tanstack') {
  import('./tanstack.jsx').then(({ renderTanstack }) => renderTanstack(root));
} else {
  root.render(
    <StrictMode>
      <QueryClientProvider
        client={queryClient}
        restore={mode === 'restore' ? [['todos'], ['profile'], ['stats']] : undefined}
        fallback={<Splash />}
      >
        <Profile />
        <StatsCard />
        <Todos />
        <Feed />
      </QueryClientProvider>
    </StrictMode>,
  );
}
