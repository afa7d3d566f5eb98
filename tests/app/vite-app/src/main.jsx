// A small React app over stackquery, built by Vite from the packed npm package
// (tests/app/vite-react.test.mjs). L2 in IndexedDB; the list reloads from it instantly.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, IndexedDbStorage } from 'stackquery';
import { QueryClientProvider, useMutation, useQuery, useQueryClient } from 'stackquery/react';

const queryClient = new QueryClient({
  storage: new IndexedDbStorage({ dbName: 'vite-react-app' }),
  retry: 0,
});
window.stackqueryClient = queryClient; // the test awaits flush() before reloading

async function json(url, init) {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  return response.json();
}

function Todos() {
  const client = useQueryClient();
  const [title, setTitle] = useState('');
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
          add.mutate(title);
          setTitle('');
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
    </main>
  );
}

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <Todos />
    </QueryClientProvider>
  </StrictMode>,
);
