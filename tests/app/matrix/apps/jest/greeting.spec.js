// What a React developer's Jest test looks like (CommonJS, jsdom, no transform of
// node_modules): stackquery and stackquery/react required as they are. Named .spec.js: Jest
// runs it, node's test runner (which runs this repository's tests) does not.
const { act, createElement: h } = require('react');
const { createRoot } = require('react-dom/client');
const { QueryClient, MemoryStorage } = require('stackquery');
const { QueryClientProvider, useQuery } = require('stackquery/react');

globalThis.IS_REACT_ACT_ENVIRONMENT = true;

function Greeting() {
  const query = useQuery({ queryKey: ['greeting'], queryFn: async () => ({ message: 'hello from jest' }) });
  return h('p', { id: 'out' }, query.isSuccess ? `stackquery: ${query.data.message}` : 'loading');
}

test('the package resolves to its CommonJS entries', () => {
  expect(require.resolve('stackquery')).toMatch(/node_modules\/stackquery\/nodejs\/stackquery\.js$/);
  expect(require.resolve('stackquery/react')).toMatch(/node_modules\/stackquery\/react\/index\.cjs$/);
});

test('a client caches in jsdom', async () => {
  const client = new QueryClient({ storage: new MemoryStorage() });
  const data = await client.fetchQuery({ queryKey: ['a'], queryFn: async () => ({ n: 1 }) });
  expect(data).toEqual({ n: 1 });
  expect(client.getQueryData(['a'])).toBe(data);
  expect(client.runtime).toBe('browser');
});

test('useQuery renders its data', async () => {
  const client = new QueryClient({ retry: 0 });
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  await act(async () => root.render(h(QueryClientProvider, { client }, h(Greeting))));
  for (let i = 0; i < 100 && container.textContent !== 'stackquery: hello from jest'; i++) {
    await act(() => new Promise((r) => setTimeout(r, 10)));
  }
  expect(container.textContent).toBe('stackquery: hello from jest');
  await act(async () => root.unmount());
});
