// stackquery/react's query hooks under React's development build and <StrictMode> (double
// render, double effects), bundled by esbuild and run in Chromium by
// tests/app/react-query-hooks.test.mjs. Each scenario reports { name, ok, detail }; each
// fails when the behaviour it names is wrong (render counts, fetch counts at the server,
// what the error boundary caught, what the Suspense boundary showed).
import { Component, StrictMode, Suspense, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import { QueryClient, dehydrate, hydrate } from 'stackquery/web';
import {
  QueryClientProvider, QueryErrorResetBoundary, infiniteQueryOptions, queryOptions, useInfiniteQuery,
  usePrefetchInfiniteQuery, usePrefetchQuery, useQueries, useQuery, useSuspenseInfiniteQuery,
  useSuspenseQueries, useSuspenseQuery,
} from 'stackquery/react';
import { sleep, waitFor, assert, mountUnder, runScenarios } from './page.jsx';

const api = (path, delay = 30) => fetch(`/api/${path}?delay=${delay}`).then((r) => r.json());
const served = (path) => fetch(`/api/count?path=${encodeURIComponent(`/api/${path}`)}`).then((r) => r.json()).then((b) => b.count);

let client;
let caught = []; // errors React reports as caught by an error boundary
const mount = (element, on = client) => mountUnder(element, { client: on }, { onCaughtError: (error) => caught.push(error) });

class Boundary extends Component {
  state = { error: null };
  static getDerivedStateFromError(error) {
    return { error };
  }
  render() {
    if (this.state.error) {
      const retry = () => {
        this.props.onReset?.();
        this.setState({ error: null });
      };
      this.props.expose?.(retry);
      return <p className="caught">{`caught ${this.state.error.message}`}</p>;
    }
    return this.props.children;
  }
}

const scenarios = {
  async 'enabled, queryFn and throwOnError given by the client defaults count, as given to the hook'() {
    const c = new QueryClient({ retry: 0 });
    c.setQueryDefaults(['off'], { enabled: false });
    c.setQueryDefaults(['by-default'], { queryFn: ({ queryKey }) => api(`item/${queryKey[1]}`) });
    c.setQueryDefaults(['throws'], { throwOnError: true, retry: false });
    const seen = { off: [], byDefault: [] };
    function Off() {
      const q = useQuery({ queryKey: ['off'], queryFn: () => api('item/1') });
      seen.off.push(`${q.isLoading}/${q.fetchStatus}`);
      return null;
    }
    function ByDefault() {
      const q = useQuery({ queryKey: ['by-default', 5] });
      seen.byDefault.push(q.isSuccess ? `data ${q.data.id}` : `${q.isLoading}/${q.fetchStatus}`);
      return null;
    }
    function Throws() {
      useQuery({ queryKey: ['throws'], queryFn: async () => { throw new Error('to the boundary'); } });
      return <p>no error yet</p>;
    }
    class Boundary extends Component {
      state = { error: null };
      static getDerivedStateFromError(error) { return { error }; }
      render() { return this.state.error ? <p className="caught">{this.state.error.message}</p> : this.props.children; }
    }
    const m = mount(<><Off /><ByDefault /><Boundary><Throws /></Boundary></>, c);
    await waitFor('the default queryFn\'s data', () => seen.byDefault.at(-1) === 'data 5');
    await waitFor('the error boundary', () => m.container.querySelector('.caught')?.textContent === 'to the boundary');
    await sleep(50);
    m.unmount();
    assert(seen.off.every((s) => s === 'false/idle'), `disabled by the defaults, shown as ${[...new Set(seen.off)]}`);
    assert(seen.byDefault[0] === 'true/fetching', `the default queryFn's first render: ${seen.byDefault[0]}`);
    c.dispose();
    return `disabled: ${[...new Set(seen.off)]}; default queryFn: ${seen.byDefault[0]} → ${seen.byDefault.at(-1)}; throwOnError: caught`;
  },

  async 'tracked results: a component re-renders only for the properties it read; notifyOnChangeProps given is honoured'() {
    const renders = { data: 0, fetching: 0, listed: 0, all: 0 };
    let n = 0;
    const options = { queryKey: ['tracked'], queryFn: async () => { n += 1; await sleep(20); return { id: 1 }; } };
    function DataOnly() {
      renders.data += 1;
      const { data } = useQuery(options);
      return <p>{data ? `id ${data.id}` : '…'}</p>;
    }
    function WithFetching() {
      renders.fetching += 1;
      const q = useQuery(options);
      return <p>{`${q.data?.id ?? '…'} ${q.isFetching ? 'fetching' : 'idle'}`}</p>;
    }
    function Listed() {
      renders.listed += 1;
      const q = useQuery({ ...options, notifyOnChangeProps: ['data'] });
      return <p>{`${q.data?.id ?? '…'} ${q.isFetching}`}</p>;
    }
    function All() {
      renders.all += 1;
      const q = useQuery({ ...options, notifyOnChangeProps: 'all' });
      return <p>{q.data?.id ?? '…'}</p>;
    }
    const m = mount(<><DataOnly /><WithFetching /><Listed /><All /></>);
    await waitFor('data', () => m.container.textContent === 'id 11 idle1 false1');
    await sleep(100);
    const before = { ...renders };
    for (let i = 0; i < 3; i++) {
      await client.refetchQueries({ queryKey: ['tracked'] });
      await sleep(30);
    }
    await sleep(100);
    m.unmount();
    const grew = (k) => renders[k] - before[k];
    assert(n === 4, `${n} fetches`);
    assert(grew('data') === 0, `reading data only, refetches of equal data re-rendered it ${grew('data')} times`);
    assert(grew('listed') === 0, `notifyOnChangeProps ['data'] re-rendered ${grew('listed')} times`);
    assert(grew('fetching') >= 6, `reading isFetching: only ${grew('fetching')} renders for 3 refetches`);
    assert(grew('all') >= 6, `notifyOnChangeProps 'all': only ${grew('all')} renders for 3 refetches`);
    return `renders after 3 refetches: data-only +${grew('data')}, isFetching +${grew('fetching')}, ['data'] +${grew('listed')}, 'all' +${grew('all')}`;
  },

  async 'throwOnError: true throws to the error boundary; a function deciding false shows the error; no data needed for it'() {
    caught = [];
    let calls = 0;
    const failing = () => { calls += 1; return Promise.reject(new Error('boom')); };
    function Thrower() {
      const q = useQuery({ queryKey: ['throw-true'], queryFn: failing, throwOnError: true });
      return <p>{q.status}</p>;
    }
    function Decider() {
      const q = useQuery({ queryKey: ['throw-fn'], queryFn: failing, throwOnError: (error, query) => error.message !== 'boom' || query.queryKey[0] !== 'throw-fn' });
      return <p>{q.isError ? `shown ${q.error.message}` : q.status}</p>;
    }
    const a = mount(<Boundary><Thrower /></Boundary>);
    const b = mount(<Boundary><Decider /></Boundary>);
    await waitFor('caught', () => a.container.textContent === 'caught boom');
    await waitFor('shown', () => b.container.textContent === 'shown boom');
    a.unmount();
    b.unmount();
    assert(caught.length >= 1 && caught.every((e) => e.message === 'boom'), `caught: ${caught.map((e) => e.message)}`);
    // throwOnError with the error not thrown: a hook with data keeps it by the function's rule.
    client.setQueryData(['throw-data'], 'old');
    await client.invalidateQueries({ queryKey: ['throw-data'], refetchType: 'none' });
    function WithData() {
      const q = useQuery({ queryKey: ['throw-data'], queryFn: failing, throwOnError: (error, query) => query.state.data === undefined });
      return <p>{q.isError ? `error, data ${q.data}` : `${q.status} ${q.data}`}</p>;
    }
    const c = mount(<Boundary><WithData /></Boundary>);
    await waitFor('refetch error', () => c.container.textContent === 'error, data old');
    c.unmount();
    return `caught ${caught.length}× by the boundary (StrictMode), ${calls} failing fetches`;
  },

  async 'QueryErrorResetBoundary: no retry on remount until reset(); reset() makes the next render retry'() {
    caught = [];
    let calls = 0;
    let fail = true;
    const queryFn = async () => { calls += 1; await sleep(10); if (fail) throw new Error(`fail ${calls}`); return 'fine'; };
    function Q() {
      const q = useQuery({ queryKey: ['reset-me'], queryFn, throwOnError: true });
      return <p>{q.isPending ? 'loading' : q.data}</p>;
    }
    let retry;
    let remount;
    function App() {
      const [k, setK] = useState(0);
      remount = () => setK((x) => x + 1);
      return (
        <QueryErrorResetBoundary>
          {({ reset }) => <Boundary key={k} onReset={reset} expose={(r) => { retry = r; }}><Q /></Boundary>}
        </QueryErrorResetBoundary>
      );
    }
    const m = mount(<App />);
    await waitFor('caught', () => m.container.textContent === 'caught fail 1');
    // A new boundary without reset(): the errored query is not retried on mount, thrown again.
    flushSync(() => remount());
    await sleep(150);
    assert(calls === 1, `remount without reset fetched: ${calls} calls`);
    assert(m.container.textContent === 'caught fail 1', m.container.textContent);
    fail = false;
    flushSync(() => retry());
    await waitFor('fine', () => m.container.textContent === 'fine');
    m.unmount();
    assert(calls === 2, `${calls} calls`);
    return `fail 1 → caught; remount: still caught, no fetch; reset → retried once → fine`;
  },

  async 'useSuspenseQuery: the fallback, then data always defined; one fetch; its staleTime minimum spares the mount refetch'() {
    const shown = [];
    let fetches = 0;
    function S() {
      const { data } = useSuspenseQuery({ queryKey: ['suspended'], queryFn: () => { fetches += 1; return api('item/11', 80); }, staleTime: 0 });
      shown.push(data.id);
      return <p>{`item ${data.id}`}</p>;
    }
    const m = mount(<Suspense fallback={<p>waiting</p>}><S /></Suspense>);
    assert(m.container.textContent === 'waiting', `first frame: ${m.container.textContent}`);
    await waitFor('item 11', () => m.container.textContent === 'item 11');
    await sleep(200);
    m.unmount();
    assert(shown.every((id) => id === 11), `rendered ${shown}`);
    assert(fetches === 1, `${fetches} fetches (staleTime 0 must count as at least a second)`);
    return `waiting → item 11; ${fetches} fetch`;
  },

  async 'useSuspenseQuery: an error without data goes to the error boundary; reset retries by suspending again'() {
    caught = [];
    let calls = 0;
    let fail = true;
    function S() {
      const { data } = useSuspenseQuery({ queryKey: ['suspense-error'], queryFn: async () => { calls += 1; await sleep(20); if (fail) throw new Error('nope'); return 'ok'; } });
      return <p>{data}</p>;
    }
    let retry;
    const m = mount(
      <QueryErrorResetBoundary>
        {({ reset }) => <Boundary onReset={reset} expose={(r) => { retry = r; }}><Suspense fallback={<p>waiting</p>}><S /></Suspense></Boundary>}
      </QueryErrorResetBoundary>,
    );
    await waitFor('caught', () => m.container.textContent === 'caught nope');
    fail = false;
    flushSync(() => retry());
    assert(m.container.textContent === 'waiting', `after reset: ${m.container.textContent}`);
    await waitFor('ok', () => m.container.textContent === 'ok');
    m.unmount();
    assert(calls === 2, `${calls} calls`);
    return 'caught nope → reset → waiting → ok';
  },

  async 'useSuspenseQuery on a query hydrated with a pending promise suspends on it: no second request'() {
    const server = new QueryClient({ retry: 0 });
    server.prefetchQuery({ queryKey: ['streamed'], queryFn: () => api('item/21', 300) });
    const state = dehydrate(server, { shouldDehydrateQuery: () => true });
    assert(state.queries.length === 1 && typeof state.queries[0].promise?.then === 'function', 'dehydrate gave no pending promise');
    const browser = new QueryClient({ retry: 0 });
    hydrate(browser, state);
    let calls = 0;
    function S() {
      const { data } = useSuspenseQuery({ queryKey: ['streamed'], queryFn: () => { calls += 1; return api('item/21', 0); } });
      return <p>{`item ${data.id}`}</p>;
    }
    const m = mount(<Suspense fallback={<p>streaming</p>}><S /></Suspense>, browser);
    assert(m.container.textContent === 'streaming', m.container.textContent);
    await waitFor('item 21', () => m.container.textContent === 'item 21');
    await sleep(100);
    m.unmount();
    const requests = await served('item/21');
    server.dispose();
    browser.dispose();
    assert(calls === 0, `the hook's queryFn ran ${calls} times`);
    assert(requests === 1, `${requests} requests reached the server`);
    return `streaming → item 21; ${requests} request at the server`;
  },

  async 'useQueries: a tuple of results; combine runs on change only and its result keeps its identity'() {
    let renders = 0;
    let combines = 0;
    const combinedSeen = new Set();
    let results;
    function Q() {
      renders += 1;
      const [ids, setIds] = useState([31, 32]);
      Q.set = setIds;
      const combined = useQueries({
        queries: ids.map((id) => ({ queryKey: ['many', id], queryFn: () => api(`item/${id}`) })),
        combine: (rs) => { combines += 1; return { ids: rs.map((r) => r.data?.id ?? null), pending: rs.some((r) => r.isPending) }; },
      });
      combinedSeen.add(combined);
      const plain = useQueries({ queries: ids.map((id) => ({ queryKey: ['many', id], queryFn: () => api(`item/${id}`) })) });
      results = plain;
      return <p>{combined.pending ? 'pending' : combined.ids.join(',')}</p>;
    }
    const m = mount(<Q />);
    await waitFor('31,32', () => m.container.textContent === '31,32');
    await sleep(100);
    const settled = { renders, identities: combinedSeen.size };
    await client.refetchQueries({ queryKey: ['many'] }); // same data again
    await sleep(100);
    assert(combinedSeen.size === settled.identities, `combined result changed identity on equal data: ${combinedSeen.size} vs ${settled.identities}`);
    assert(results.length === 2 && results[0].data.id === 31 && results[1].data.id === 32, 'plain results');
    flushSync(() => Q.set([31, 32, 33]));
    await waitFor('31,32,33', () => m.container.textContent === '31,32,33');
    m.unmount();
    assert(results.length === 3, `${results.length} results`);
    return `${renders} renders, ${combines} combine calls, ${combinedSeen.size} combined identities`;
  },

  async 'useInfiniteQuery: pages forward and backward, hasNextPage, isFetchingNextPage, select in render'() {
    const states = new Set();
    let q;
    function Pages() {
      q = useInfiniteQuery({
        queryKey: ['pages'],
        queryFn: ({ pageParam }) => api(`page/${pageParam}`, 40),
        initialPageParam: 1,
        getNextPageParam: (last) => (last.page < 3 ? last.page + 1 : undefined),
        getPreviousPageParam: (first) => (first.page > 0 ? first.page - 1 : undefined),
        select: (data) => data.pages.map((p) => p.page),
      });
      if (q.isFetchingNextPage) states.add('next');
      if (q.isFetchingPreviousPage) states.add('previous');
      return <p>{q.data ? `${q.data.join(',')} ${q.hasNextPage ? 'more' : 'end'} ${q.hasPreviousPage ? 'before' : 'first'}` : 'loading'}</p>;
    }
    const m = mount(<Pages />);
    await waitFor('page 1', () => m.container.textContent === '1 more before');
    await q.fetchNextPage();
    const last = await q.fetchNextPage();
    await waitFor('pages 1-3', () => m.container.textContent === '1,2,3 end before');
    assert(JSON.stringify(last.data) === '[1,2,3]', `fetchNextPage resolved with ${JSON.stringify(last.data)}`);
    await q.fetchPreviousPage();
    await waitFor('pages 0-3', () => m.container.textContent === '0,1,2,3 end first');
    m.unmount();
    assert(states.has('next') && states.has('previous'), `states seen: ${[...states]}`);
    return m.container.textContent || '0,1,2,3 end first';
  },

  async 'useSuspenseInfiniteQuery and useSuspenseQueries: fallback, then every result has data'() {
    function P() {
      const { data } = useSuspenseInfiniteQuery({ queryKey: ['s-pages'], queryFn: ({ pageParam }) => api(`page/${pageParam}`), initialPageParam: 7, getNextPageParam: () => undefined });
      return <span>{`page ${data.pages[0].page} `}</span>;
    }
    function Many() {
      const [a, b] = useSuspenseQueries({ queries: [41, 42].map((id) => ({ queryKey: ['s-many', id], queryFn: () => api(`item/${id}`, 60) })) });
      return <span>{`${a.data.id}+${b.data.id}`}</span>;
    }
    const m = mount(<Suspense fallback={<p>waiting</p>}><P /><Many /></Suspense>);
    assert(m.container.textContent === 'waiting', m.container.textContent);
    await waitFor('both', () => m.container.textContent === 'page 7 41+42');
    m.unmount();
    return 'waiting → page 7 41+42';
  },

  async 'usePrefetchQuery / usePrefetchInfiniteQuery start the fetch in render'() {
    const seen = [];
    function Parent() {
      usePrefetchQuery({ queryKey: ['pre'], queryFn: () => api('item/51', 100) });
      usePrefetchInfiniteQuery({ queryKey: ['pre-pages'], queryFn: ({ pageParam }) => api(`page/${pageParam}`, 100), initialPageParam: 4, getNextPageParam: () => undefined });
      seen.push(`${client.getQueryState(['pre'])?.fetchStatus} ${client.getQueryState(['pre-pages'])?.fetchStatus}`);
      return <Suspense fallback={<p>waiting</p>}><Child /></Suspense>;
    }
    function Child() {
      const { data } = useSuspenseQuery({ queryKey: ['pre'], queryFn: () => api('item/51', 100) });
      return <p>{`item ${data.id}`}</p>;
    }
    const m = mount(<Parent />);
    assert(seen[0] === 'fetching fetching', `in the first render: ${seen[0]}`);
    await waitFor('item 51', () => m.container.textContent === 'item 51');
    m.unmount();
    const requests = await served('item/51');
    assert(requests === 1, `${requests} requests`);
    assert(client.getQueryData(['pre-pages'])?.pages[0].page === 4, 'the infinite prefetch stored no page');
    return `first render: ${seen[0]}; ${requests} request`;
  },

  async 'queryOptions / infiniteQueryOptions return their options'() {
    const o = { queryKey: ['opt'], queryFn: () => 1 };
    const i = { queryKey: ['opt-i'], queryFn: () => 1, initialPageParam: 0, getNextPageParam: () => undefined };
    assert(queryOptions(o) === o && infiniteQueryOptions(i) === i, 'not the same objects');
    return 'identity';
  },

  async 'while the provider restores, a query hook in its fallback neither fetches nor shows fetching'() {
    const stored = new Map();
    let release;
    const gate = new Promise((r) => { release = r; });
    const slow = {
      get: async (key) => { await gate; return stored.get(key) ?? null; },
      set: (key, value) => { stored.set(key, value); },
      delete: (key) => { stored.delete(key); },
    };
    const restoring = new QueryClient({ storage: slow, retry: 0 });
    let calls = 0;
    const states = [];
    function Probe() {
      const q = useQuery({ queryKey: ['probe'], queryFn: () => { calls += 1; return 1; } });
      states.push(q.fetchStatus);
      return <p>{`restoring ${q.fetchStatus}`}</p>;
    }
    const container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    flushSync(() => root.render(
      <StrictMode><QueryClientProvider client={restoring} restore={[['restored']]} fallback={<Probe />}><p>ready</p></QueryClientProvider></StrictMode>,
    ));
    await sleep(200);
    const during = container.textContent;
    release();
    await waitFor('ready', () => container.textContent === 'ready');
    flushSync(() => root.unmount());
    container.remove();
    restoring.dispose();
    assert(during === 'restoring idle', `during the restore: ${during}`);
    assert(calls === 0, `${calls} fetches while restoring`);
    assert(states.every((s) => s === 'idle'), `states: ${states}`);
    return `${during}; no fetch`;
  },

  async 'bad options: a clear TypeError naming the option'() {
    const messages = [];
    function Bad({ make }) {
      try { make(); } catch (e) { messages.push(`${e.constructor.name}: ${e.message}`); }
      return null;
    }
    const m = mount(<>
      <Bad make={() => useQuery({ queryKey: ['bad'], queryFn: () => 1, throwOnError: 'yes' })} />
      <Bad make={() => useQueries({ queries: 'no' })} />
      <Bad make={() => useSuspenseQuery(null)} />
    </>);
    m.unmount();
    assert(messages.some((s) => /^TypeError: useQuery: throwOnError must be/.test(s)), messages.join(' | '));
    assert(messages.some((s) => /^TypeError: useQueries needs \{ queries/.test(s)), messages.join(' | '));
    assert(messages.some((s) => /^TypeError: useSuspenseQuery needs an options object/.test(s)), messages.join(' | '));
    return [...new Set(messages)].join(' | ');
  },
};

runScenarios(scenarios, { setup: () => { client = new QueryClient({ retry: 0 }); } });
