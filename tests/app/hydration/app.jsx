// stackquery/react's HydrationBoundary under React's development build and <StrictMode>
// (double render, double effects), bundled by esbuild and run in Chromium by
// tests/app/react-hydration.test.mjs. A second QueryClient stands in for the server: it
// fetches and `dehydrate`s, and what crosses the wire is its JSON (or, for a pending query, the
// state with its promise, as React Server Components stream it). Each scenario reports
// { name, ok, detail }.
import { Component, Suspense } from 'react';
import { QueryClient } from 'stackquery/web';
import { HydrationBoundary, defaultShouldDehydrateQuery, dehydrate, useQuery, useSuspenseQuery } from 'stackquery/react';
import { sleep, waitFor, assert, mountUnder, runScenarios } from '../hooks/page.jsx';


/** The browser's client, as TanStack's recipe makes it (staleTime above zero). */
const browserClient = () => new QueryClient({ retry: 0, defaultOptions: { queries: { staleTime: 60_000 } } });
/** The "server": a client of its own. */
const serverClient = () => new QueryClient({ retry: 0 });
/** What a JSON transport carries. */
const overJson = (state) => JSON.parse(JSON.stringify(state));
/** Pending queries dehydrated too, with their promise (TanStack's streaming recipe). */
const withPending = { shouldDehydrateQuery: (q) => defaultShouldDehydrateQuery(q) || q.state.status === 'pending' };

const mount = (element, client, rootOptions) => mountUnder(element, { client }, rootOptions);

/** A user component: useQuery of ['user', id], what each render saw, and its fetches. */
function userProbe(id) {
  const probe = { renders: [], fetches: 0 };
  probe.User = function User() {
    const q = useQuery({ queryKey: ['user', id], queryFn: async () => { probe.fetches += 1; return { name: 'from the browser' }; } });
    probe.renders.push(q.isSuccess ? q.data.name : q.status);
    return <p>{q.isSuccess ? q.data.name : q.status}</p>;
  };
  return probe;
}

class Catch extends Component {
  state = { error: undefined };
  static getDerivedStateFromError(error) {
    return { error };
  }
  render() {
    return this.state.error ? <p>{`${this.state.error.name}: ${this.state.error.message}`}</p> : this.props.children;
  }
}

const scenarios = {
  async 'queries new to the cache are hydrated in render: the first render shows the data, no fetch'() {
    const server = serverClient();
    await server.prefetchQuery({ queryKey: ['user', 1], queryFn: async () => ({ name: 'Ada' }) });
    const state = overJson(dehydrate(server));
    const client = browserClient();
    const probe = userProbe(1);
    const m = mount(<HydrationBoundary state={state}><probe.User /></HydrationBoundary>, client);
    assert(probe.renders[0] === 'Ada', `first render: ${probe.renders[0]}`);
    await sleep(300);
    assert(m.container.textContent === 'Ada', m.container.textContent);
    assert(probe.fetches === 0, `${probe.fetches} fetches`);
    assert(client.getQueryState(['user', 1]).dataUpdatedAt === state.queries[0].state.dataUpdatedAt, 'the server\'s dataUpdatedAt kept');
    m.unmount();
    return `renders: ${probe.renders.join(', ')}; 0 fetches`;
  },

  async 'queries the cache holds: hydrated after the render commits, only with newer data'() {
    const client = browserClient();
    const now = Date.now();
    client.setQueryData(['user', 2], { name: 'old' }, { updatedAt: now - 10_000 });
    client.setQueryData(['user', 3], { name: 'mine' }, { updatedAt: now });
    const server = serverClient();
    server.setQueryData(['user', 2], { name: 'newer' }, { updatedAt: now });
    server.setQueryData(['user', 3], { name: 'older' }, { updatedAt: now - 10_000 });
    const state = overJson(dehydrate(server));
    const two = userProbe(2);
    const three = userProbe(3);
    const m = mount(<HydrationBoundary state={state}><two.User /><three.User /></HydrationBoundary>, client);
    assert(two.renders[0] === 'old', `the render showed ${two.renders[0]}: hydrated during render`);
    await waitFor('the newer data', () => m.container.textContent === 'newermine');
    await sleep(200);
    assert(m.container.textContent === 'newermine', m.container.textContent);
    assert(!three.renders.includes('older'), `older data shown: ${three.renders}`);
    assert(two.fetches + three.fetches === 0, 'fetched');
    m.unmount();
    return `['user', 2] renders: ${two.renders.join(', ')}; ['user', 3]: ${three.renders.join(', ')}`;
  },

  async 'a pending query\'s promise: useSuspenseQuery suspends on it, its queryFn never runs'() {
    const server = serverClient();
    let answer;
    server.prefetchQuery({ queryKey: ['user', 4], queryFn: () => new Promise((r) => { answer = r; }) });
    await waitFor('the server fetch', () => answer);
    const state = dehydrate(server, withPending);
    assert(typeof state.queries[0]?.promise?.then === 'function', 'dehydrate gave no promise');
    const client = browserClient();
    let fetches = 0;
    function User() {
      const { data } = useSuspenseQuery({ queryKey: ['user', 4], queryFn: async () => { fetches += 1; return { name: 'from the browser' }; } });
      return <p>{data.name}</p>;
    }
    const m = mount(<HydrationBoundary state={state}><Suspense fallback={<p>waiting</p>}><User /></Suspense></HydrationBoundary>, client);
    await sleep(100);
    assert(m.container.textContent === 'waiting', m.container.textContent);
    answer({ name: 'Grace' });
    await waitFor('the streamed data', () => m.container.textContent === 'Grace');
    await sleep(200);
    assert(m.container.textContent === 'Grace' && fetches === 0, `${m.container.textContent}, ${fetches} fetches`);
    m.unmount();
    return 'waiting, then Grace; 0 fetches';
  },

  async 'a promise already settled (a React thenable): the data in the first render, no fallback'() {
    const server = serverClient();
    server.prefetchQuery({ queryKey: ['user', 5], queryFn: () => new Promise(() => {}) });
    const pending = dehydrate(server, withPending).queries[0];
    // What React's RSC client hands over once the promise's chunk arrived: `then` answers at once.
    const value = { name: 'Linus' };
    const thenable = { status: 'fulfilled', value, then(onFulfilled) { onFulfilled?.(value); } };
    const state = { mutations: [], queries: [{ ...overJson(pending), promise: thenable }] };
    const client = browserClient();
    let fallbacks = 0;
    function Fallback() {
      fallbacks += 1;
      return <p>waiting</p>;
    }
    const seen = [];
    function User() {
      const { data } = useSuspenseQuery({ queryKey: ['user', 5], queryFn: async () => ({ name: 'from the browser' }) });
      seen.push(data.name);
      return <p>{data.name}</p>;
    }
    const m = mount(<HydrationBoundary state={state}><Suspense fallback={<Fallback />}><User /></Suspense></HydrationBoundary>, client);
    assert(m.container.textContent === 'Linus' && fallbacks === 0, `${m.container.textContent}, ${fallbacks} fallback renders`);
    assert(seen.every((n) => n === 'Linus'), seen.join());
    m.unmount();
    return `rendered ${seen.length}× Linus, no fallback`;
  },

  async 'a query the cache holds, with a newer fetch streamed: its data once the promise resolves'() {
    const client = browserClient();
    client.setQueryData(['user', 6], { name: 'old' }, { updatedAt: Date.now() - 10_000 });
    const server = serverClient();
    let answer;
    server.prefetchQuery({ queryKey: ['user', 6], queryFn: () => new Promise((r) => { answer = r; }) });
    await waitFor('the server fetch', () => answer);
    const state = dehydrate(server, withPending);
    const probe = userProbe(6);
    const m = mount(<HydrationBoundary state={state}><probe.User /></HydrationBoundary>, client);
    await sleep(100);
    assert(m.container.textContent === 'old', m.container.textContent);
    answer({ name: 'fresh' });
    await waitFor('the streamed data', () => m.container.textContent === 'fresh');
    assert(probe.fetches === 0, `${probe.fetches} fetches`);
    m.unmount();
    return `renders: ${probe.renders.join(', ')}`;
  },

  async 'queryClient prop: hydrates that client, not the provider\'s'() {
    const server = serverClient();
    server.setQueryData(['user', 7], { name: 'Barbara' });
    const state = overJson(dehydrate(server));
    const provided = browserClient();
    const given = browserClient();
    const m = mount(<HydrationBoundary state={state} queryClient={given}><p>child</p></HydrationBoundary>, provided);
    assert(m.container.textContent === 'child', m.container.textContent);
    assert(given.getQueryData(['user', 7])?.name === 'Barbara', 'the given client was not hydrated');
    assert(provided.getQueryData(['user', 7]) === undefined, 'the provider\'s client was hydrated');
    m.unmount();
    return 'hydrated the given client';
  },

  async 'state null or undefined renders the children; bad props are TypeErrors naming them'() {
    const client = browserClient();
    for (const state of [null, undefined]) {
      const m = mount(<HydrationBoundary state={state}><p>child</p></HydrationBoundary>, client);
      assert(m.container.textContent === 'child', m.container.textContent);
      m.unmount();
    }
    const fake = { getQueryCache() {}, getMutationCache() {}, getQueryState() {} };
    const cases = [
      [{ state: 'x' }, /^TypeError: HydrationBoundary: state must be a dehydrated state .*, got a string "x"$/],
      [{ state: { queries: {} } }, /^TypeError: HydrationBoundary: state\.queries must be an array, got an object$/],
      [{ state: null, options: 5 }, /^TypeError: HydrationBoundary: options must be an object .*, got a number 5$/],
      [{ state: { queries: [{ queryKey: 'k', state: {} }] } }, /^TypeError: hydrate: dehydratedState\.queries\[0\]\.queryKey must be an array/],
      [{ state: null, queryClient: fake }, /^TypeError: HydrationBoundary: the QueryClient must come from the entry these hooks import .* from another copy or entry$/],
    ];
    const messages = [];
    for (const [props, pattern] of cases) {
      const m = mount(<Catch><HydrationBoundary {...props}><p>child</p></HydrationBoundary></Catch>, client, { onCaughtError: () => {} });
      assert(pattern.test(m.container.textContent), `${JSON.stringify(props)}: ${m.container.textContent}`);
      messages.push(m.container.textContent);
      m.unmount();
    }
    return messages.join(' | ');
  },
};

runScenarios(scenarios);
