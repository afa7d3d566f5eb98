// stackquery/react's mutation and state hooks (useMutation, useIsMutating, useIsFetching,
// useMutationState) and the provider's restore-before-render, under React's development
// build and <StrictMode>, bundled by esbuild and run in Chromium by
// tests/app/react-mutation-hooks.test.mjs. Each scenario reports { name, ok, detail }.
import { Component, StrictMode, useLayoutEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import { QueryClient } from 'stackquery/web';
import {
  QueryClientProvider, useIsFetching, useIsMutating, useIsRestoring, useMutation, useMutationState, useQuery,
} from 'stackquery/react';
import { sleep, waitFor, assert, mountUnder, runScenarios } from './page.jsx';

const json = (v) => JSON.stringify(v);
let requests = 0; // every request to the test's API
const api = (path, delay = 30) => {
  requests += 1;
  return fetch(`/api/${path}?delay=${delay}`).then((r) => r.json());
};

let client;
const mount = (element, { provider = {}, root: rootOptions } = {}) =>
  mountUnder(element, { ...provider, client: provider.client ?? client }, rootOptions);

/** Pushes `value` on each commit of the component (StrictMode runs a mount's effects twice). */
function useCommits(log, value) {
  useLayoutEffect(() => {
    log.push(value);
  });
}
/** The committed values without StrictMode's repeat of the mount, and whether any repeats. */
function changesOnly(log) {
  const values = log[0] === log[1] ? log.slice(1) : log.slice();
  const repeats = values.filter((v, i) => i > 0 && v === values[i - 1]).length;
  return { values, repeats };
}

/** L2 in a Map, its reads slowed to `readDelay` ms (the IndexedDB read a reload waits for). */
function slowStorage(readDelay) {
  const map = new Map();
  const s = {
    map,
    gets: 0,
    get: async (key) => { s.gets += 1; await sleep(readDelay); return map.get(key) ?? null; },
    set: async (key, value) => { map.set(key, value); },
    delete: async (key) => { map.delete(key); },
    keys: async (prefix = '') => [...map.keys()].filter((k) => k.startsWith(prefix)),
  };
  return s;
}

class Boundary extends Component {
  constructor(props) {
    super(props);
    this.state = { error: null };
  }
  static getDerivedStateFromError(error) {
    return { error };
  }
  render() {
    return this.state.error ? <p className="boundary">boundary: {this.state.error.message}</p> : this.props.children;
  }
}

const scenarios = {
  async 'useMutation: per-call callbacks run after the mutation\'s own, for the latest call only'() {
    const calls = [];
    let hook;
    function M() {
      hook = useMutation({
        mutationFn: async (v) => { await sleep(v === 1 ? 200 : 50); return v * 10; },
        onSuccess: (d) => calls.push(`own success ${d}`),
        onSettled: (d) => calls.push(`own settled ${d}`),
      });
      return <p>{hook.status} {String(hook.data ?? '')}</p>;
    }
    const m = mount(<M />);
    const first = hook.mutateAsync(1, { onSuccess: (d) => calls.push(`call 1 success ${d}`), onSettled: () => calls.push('call 1 settled') });
    hook.mutate(2, { onSuccess: (d, v) => calls.push(`call 2 success ${d} ${v}`), onSettled: () => calls.push('call 2 settled') });
    await waitFor('call 2 shown', () => m.container.textContent === 'success 20');
    assert(await first === 10, 'mutateAsync of the first call resolves with its data');
    await sleep(50);
    const expected = ['own success 20', 'own settled 20', 'call 2 success 20 2', 'call 2 settled', 'own success 10', 'own settled 10'];
    assert(json(calls) === json(expected), `callbacks: ${json(calls)}`);
    assert(m.container.textContent === 'success 20', `the older run replaced the latest: ${m.container.textContent}`);
    m.unmount();
    return calls.join(', ');
  },

  async 'useMutation: per-call callbacks do not run once the component unmounted; the mutation\'s own do'() {
    const calls = [];
    let hook;
    function M() {
      hook = useMutation({ mutationFn: async (v) => { await sleep(100); return v; }, onSuccess: () => calls.push('own') });
      return null;
    }
    const m = mount(<M />);
    const done = hook.mutateAsync(5, { onSuccess: () => calls.push('per-call'), onSettled: () => calls.push('per-call settled') });
    m.unmount();
    assert(await done === 5, 'mutateAsync resolves after unmount');
    assert(json(calls) === '["own"]', json(calls));
    return json(calls);
  },

  async 'useMutation: a per-call callback that throws changes no outcome and is not swallowed'() {
    const bug = new Error('callback bug');
    expectedRejections.add(bug);
    let hook;
    function M() {
      hook = useMutation({ mutationFn: async (v) => v });
      return <p>{hook.status}</p>;
    }
    const m = mount(<M />);
    const data = await hook.mutateAsync(7, { onSuccess: () => { throw bug; } });
    await waitFor('the unhandled rejection', () => !expectedRejections.has(bug), 2_000);
    m.unmount();
    assert(data === 7, `mutateAsync resolved with ${data}`);
    return 'resolved with its data; the callback\'s error surfaced as an unhandled rejection';
  },

  async 'useMutation: the latest render\'s callbacks run'() {
    const calls = [];
    let hook;
    let setTag;
    function M({ tag }) {
      hook = useMutation({ mutationFn: async (v) => { await sleep(100); return v; }, onSuccess: () => calls.push(`onSuccess of render ${tag}`) });
      return <p>{hook.status}</p>;
    }
    function Parent() {
      const [tag, s] = useState('a');
      setTag = s;
      return <M tag={tag} />;
    }
    const m = mount(<Parent />);
    hook.mutate(1);
    await waitFor('pending', () => m.container.textContent === 'pending');
    flushSync(() => setTag('b'));
    await waitFor('success', () => m.container.textContent === 'success');
    m.unmount();
    assert(json(calls) === '["onSuccess of render b"]', json(calls));
    return calls[0];
  },

  async 'useMutation: throwOnError (true, or a function of the error) throws to the error boundary'() {
    const caught = [];
    const rootOptions = { onCaughtError: (error) => caught.push(error.message) };
    let hook;
    function M({ throwOnError }) {
      hook = useMutation({ mutationFn: async (v) => { await sleep(20); throw new Error(`fail ${v}`); }, throwOnError });
      return <p className="m">{hook.status} {hook.error?.message ?? ''}</p>;
    }
    const a = mount(<Boundary><M throwOnError /></Boundary>, { root: rootOptions });
    hook.mutate(1);
    await waitFor('the boundary', () => a.container.textContent === 'boundary: fail 1');
    a.unmount();
    const b = mount(<Boundary><M throwOnError={(e) => e.message === 'fail 3'} /></Boundary>, { root: rootOptions });
    hook.mutate(2);
    await waitFor('the error in state', () => b.container.textContent === 'error fail 2');
    hook.mutate(3);
    await waitFor('the boundary', () => b.container.textContent === 'boundary: fail 3');
    b.unmount();
    const c = mount(<Boundary><M /></Boundary>, { root: rootOptions });
    hook.mutate(4);
    await waitFor('the error in state', () => c.container.textContent === 'error fail 4');
    c.unmount();
    assert(json(caught) === '["fail 1","fail 3"]', `caught: ${json(caught)}`);
    return `boundary caught ${json(caught)}; fail 2 and 4 stayed in state`;
  },

  async 'useMutation: defaults from setMutationDefaults / defaultOptions.mutations, a missing mutationFn rejects'() {
    const c = new QueryClient({ retry: 0, defaultOptions: { mutations: { throwOnError: false, meta: { from: 'client' } } } });
    c.setMutationDefaults(['double'], { mutationFn: async (v) => v * 2, retry: 1, retryDelay: 10 });
    let withDefaults;
    let without;
    function M() {
      withDefaults = useMutation({ mutationKey: ['double'] });
      without = useMutation({});
      return <p>{withDefaults.status} {String(withDefaults.data ?? '')} / {without.status}</p>;
    }
    const m = mount(<M />, { provider: { client: c } });
    withDefaults.mutate(21);
    await waitFor('the default mutationFn', () => m.container.textContent.startsWith('success 42'));
    const entry = c.getMutationCache().find({ mutationKey: ['double'] });
    assert(entry?.options.retry === 1 && entry.meta?.from === 'client', `defaults on the mutation: ${json({ retry: entry?.options.retry, meta: entry?.meta })}`);
    let thrown = null;
    try {
      without.mutate('x'); // must not throw synchronously
    } catch (e) {
      thrown = e;
    }
    assert(thrown === null, `mutate threw synchronously: ${thrown}`);
    let message;
    await without.mutateAsync('y').catch((e) => { message = e.message; });
    assert(/mutationFn/.test(message), `mutateAsync: ${message}`);
    await waitFor('error state', () => m.container.textContent.endsWith('/ error'));
    m.unmount();
    return message;
  },

  async 'useMutation: retry/retryDelay, failureCount, variables, submittedAt, mutationKey and meta in the MutationCache'() {
    let attempts = 0;
    let hook;
    const states = [];
    function M() {
      hook = useMutation({
        mutationKey: ['retrying'],
        meta: { tag: 'r' },
        mutationFn: async (v) => { attempts += 1; await sleep(20); if (attempts < 3) throw new Error(`try ${attempts}`); return `${v} ok`; },
        retry: (count) => count < 5,
        retryDelay: () => 30,
      });
      useCommits(states, `${hook.status}:${hook.failureCount}`);
      return <p>{hook.status} {String(hook.data ?? '')}</p>;
    }
    const before = Date.now();
    const m = mount(<M />);
    assert(hook.isIdle && hook.submittedAt === 0 && hook.variables === undefined && !hook.isPaused, 'idle state');
    hook.mutate('v');
    await waitFor('success', () => m.container.textContent === 'success v ok');
    assert(hook.variables === 'v' && hook.submittedAt >= before && hook.failureCount === 0, json(hook));
    assert(states.includes('pending:1') && states.includes('pending:2'), `failureCount shown: ${states.join()}`);
    const inCache = client.getMutationCache().findAll({ mutationKey: ['retrying'] });
    assert(inCache.length === 1 && inCache[0].meta.tag === 'r' && inCache[0].state.status === 'success', `cache: ${inCache.length}`);
    m.unmount();
    return `${attempts} attempts; ${[...new Set(states)].join(' → ')}`;
  },

  async 'useMutation: a shared scope runs one at a time, the second isPaused meanwhile'() {
    let a;
    let b;
    const order = [];
    function M() {
      a = useMutation({ scope: { id: 'one-at-a-time' }, mutationFn: async () => { order.push('a start'); await sleep(150); order.push('a end'); } });
      b = useMutation({ scope: { id: 'one-at-a-time' }, mutationFn: async () => { order.push('b start'); await sleep(10); order.push('b end'); } });
      return <p>{a.status}/{String(a.isPaused)} {b.status}/{String(b.isPaused)}</p>;
    }
    const m = mount(<M />);
    a.mutate();
    b.mutate();
    await waitFor('b paused', () => m.container.textContent === 'pending/false pending/true');
    await waitFor('both done', () => m.container.textContent === 'success/false success/false');
    m.unmount();
    assert(json(order) === '["a start","a end","b start","b end"]', json(order));
    return order.join(', ');
  },

  async 'useMutation: reset shows idle; a new mutationKey resets; each mutate is its own cache entry'() {
    let hook;
    let setKey;
    function M() {
      const [key, s] = useState('k1');
      setKey = s;
      hook = useMutation({ mutationKey: ['entries', key], mutationFn: async (v) => v });
      return <p>{hook.status}</p>;
    }
    const m = mount(<M />);
    await hook.mutateAsync(1);
    await hook.mutateAsync(2);
    await waitFor('success', () => m.container.textContent === 'success');
    const entries = client.getMutationCache().findAll({ mutationKey: ['entries'] });
    assert(entries.length === 2, `${entries.length} cache entries for two runs`);
    flushSync(() => hook.reset());
    assert(m.container.textContent === 'idle', `after reset: ${m.container.textContent}`);
    await hook.mutateAsync(3);
    await waitFor('success', () => m.container.textContent === 'success');
    flushSync(() => setKey('k2'));
    await waitFor('idle after key change', () => m.container.textContent === 'idle');
    m.unmount();
    return `${entries.length} entries; reset and a key change show idle`;
  },

  async 'useIsMutating counts running mutations (filters), re-rendering only when the count changes'() {
    const all = [];
    const keyed = [];
    function Counts() {
      const n = useIsMutating();
      const k = useIsMutating({ mutationKey: ['counted'] });
      useCommits(all, n);
      useCommits(keyed, k);
      return <p>{n} {k}</p>;
    }
    let x;
    let y;
    let z;
    function Runner() {
      x = useMutation({ mutationKey: ['counted', 1], mutationFn: () => sleep(100) });
      y = useMutation({ mutationKey: ['counted', 2], mutationFn: () => sleep(200) });
      z = useMutation({ mutationKey: ['other'], mutationFn: () => sleep(300) });
      return null;
    }
    const counts = mount(<Counts />);
    const runner = mount(<Runner />);
    x.mutate();
    y.mutate();
    z.mutate();
    await waitFor('3 2', () => counts.container.textContent === '3 2');
    await waitFor('0 0', () => counts.container.textContent === '0 0', 5_000);
    runner.unmount();
    counts.unmount();
    const a = changesOnly(all);
    const k = changesOnly(keyed);
    assert(json(a.values) === '[0,3,2,1,0]', `useIsMutating(): ${json(a.values)}`);
    const keyedChanges = k.values.filter((v, i) => i === 0 || v !== k.values[i - 1]);
    assert(json(keyedChanges) === '[0,2,1,0]', `useIsMutating(filters): ${json(k.values)}`);
    assert(a.repeats === 0, `a commit with an unchanged count: ${json(all)}`);
    return `all ${json(a.values)}, ['counted'] ${json(keyedChanges)} (commits ${all.length - 1})`;
  },

  async 'useIsFetching counts fetching queries (filters), re-rendering only when the count changes'() {
    const log = [];
    const keyed = [];
    function Count() {
      const n = useIsFetching();
      const k = useIsFetching({ queryKey: ['fetching', 'a'] });
      useCommits(log, n);
      useCommits(keyed, k);
      return <p>{n} {k}</p>;
    }
    function Q({ id, delay }) {
      const q = useQuery({ queryKey: ['fetching', id], queryFn: () => api(`item/${delay}`, delay), staleTime: 60_000 });
      return <span>{q.status}</span>;
    }
    const counter = mount(<Count />);
    await sleep(50);
    const queries = mount(<><Q id="a" delay={150} /><Q id="b" delay={400} /></>);
    await waitFor('2 1', () => counter.container.textContent === '2 1');
    await waitFor('1 0', () => counter.container.textContent === '1 0');
    await waitFor('0 0', () => counter.container.textContent === '0 0');
    queries.unmount();
    counter.unmount();
    const all = changesOnly(log);
    assert(json(all.values) === '[0,2,1,0]', `useIsFetching(): ${json(all.values)}`);
    assert(all.repeats === 0, `a commit with an unchanged count: ${json(log)}`);
    return `all ${json(all.values)}, ['fetching','a'] ${json(changesOnly(keyed).values)}`;
  },

  async 'useMutationState: select the pending variables (optimistic list); the array keeps its identity while equal'() {
    const arrays = [];
    function Pending() {
      const titles = useMutationState({
        filters: { mutationKey: ['todo-add'], status: 'pending' },
        select: (mutation) => mutation.state.variables,
      });
      useCommits(arrays, titles);
      return <ul>{titles.map((t) => <li key={t}>{t}</li>)}</ul>;
    }
    let add;
    let other;
    function Adder() {
      add = useMutation({ mutationKey: ['todo-add'], mutationFn: async (t) => { await sleep(t === 'milk' ? 150 : 300); return t; } });
      other = useMutation({ mutationKey: ['unrelated'], mutationFn: async () => { await sleep(20); } });
      return null;
    }
    const list = mount(<Pending />);
    const adder = mount(<Adder />);
    add.mutate('milk');
    const otherAdder = mount(<Adder />); // a second component: another add of its own
    add.mutate('eggs');
    await waitFor('both pending', () => list.container.textContent === 'milkeggs');
    const commits = arrays.length;
    const shown = arrays[arrays.length - 1];
    await other.mutateAsync(); // another key's run: not a change of this answer
    await sleep(30);
    assert(arrays.length === commits, `re-rendered for another key's mutation: ${arrays.length - commits} commits`);
    await waitFor('milk done', () => list.container.textContent === 'eggs');
    await waitFor('none pending', () => list.container.textContent === '');
    const all = cacheSize();
    otherAdder.unmount();
    adder.unmount();
    list.unmount();
    assert(shown !== undefined && json(shown) === '["milk","eggs"]', json(shown));
    for (let i = 1; i < arrays.length; i++) {
      if (arrays[i] !== arrays[i - 1]) assert(json(arrays[i]) !== json(arrays[i - 1]), `a new equal array at commit ${i}`);
    }
    return `${json(arrays.map((a) => a.length))} (commits), all states: ${all}`;
  },

  async 'bad input: a TypeError naming the option (useMutation, mutate, useMutationState, useIsMutating, restore)'() {
    const messages = [];
    function Probe({ use }) {
      try {
        use();
      } catch (e) {
        messages.push(`${e.constructor.name}: ${e.message}`);
      }
      return null;
    }
    const probes = [
      () => useMutation({ mutationFn: 'save' }),
      () => useMutation({ mutationFn: async () => {}, scope: 'todos' }),
      () => useMutation({ mutationFn: async () => {}, throwOnError: 'yes' }),
      () => useMutationState({ select: 1 }),
      () => useIsMutating('todos'),
    ];
    const m = mount(<>{probes.map((use, i) => <Probe key={i} use={use} />)}</>);
    m.unmount();
    let hook;
    function M() {
      hook = useMutation({ mutationFn: async (v) => v });
      return null;
    }
    const n = mount(<M />);
    let rejected;
    await hook.mutateAsync(1, { onSuccess: 'not a function' }).catch((e) => { rejected = `${e.constructor.name}: ${e.message}`; });
    n.unmount();
    const caught = [];
    const p = mount(<Boundary><p>child</p></Boundary>, { provider: { restore: 'todos' }, root: { onCaughtError: (e) => caught.push(`${e.constructor.name}: ${e.message}`), onUncaughtError: (e) => caught.push(`uncaught ${e.constructor.name}: ${e.message}`) } });
    p.unmount();
    const unique = [...new Set(messages)];
    for (const [i, name] of ['mutationFn', 'scope', 'throwOnError', 'select', 'filters'].entries()) {
      assert(unique[i]?.startsWith('TypeError') && unique[i].includes(name), `probe ${i}: ${unique[i]}`);
    }
    assert(rejected?.startsWith('TypeError') && rejected.includes('onSuccess'), `mutate: ${rejected}`);
    assert(caught.length > 0 && caught.every((c) => c.includes('TypeError: QueryClientProvider: restore')), `provider: ${json(caught)}`);
    return [...unique, rejected, ...caught].join(' | ');
  },

  async 'restore: children render after the keys were read from L2; the first render has the data; no request'() {
    const storage = slowStorage(120);
    const writer = new QueryClient({ storage, staleTime: 60_000, retry: 0 });
    await writer.fetchQuery({ queryKey: ['restored', 1], queryFn: () => api('item/1') });
    await writer.fetchQuery({ queryKey: ['restored', 2], queryFn: () => api('item/2') });
    await writer.flush();
    const before = requests;
    const reader = new QueryClient({ storage, staleTime: 60_000, retry: 0 }); // a reload: empty L1, same L2
    const firstRenders = [];
    const fallbackSaw = [];
    function Fallback() {
      fallbackSaw.push(useIsRestoring());
      return <p>restoring…</p>;
    }
    function Item({ id }) {
      const q = useQuery({ queryKey: ['restored', id], queryFn: () => api(`item/${id}`), staleTime: 60_000 });
      const [first] = useState(() => `${q.status}:${q.fetchStatus}:${q.data?.id}`);
      firstRenders.push(first);
      return <span>#{q.data?.id ?? '…'}</span>;
    }
    const t0 = performance.now();
    const m = mount(<><Item id={1} /><Item id={2} /></>, {
      provider: { client: reader, restore: [['restored', 1], ['restored', 2]], fallback: <Fallback /> },
    });
    const shownFirst = m.container.textContent;
    await waitFor('the restored items', () => m.container.textContent === '#1#2');
    const ms = Math.round(performance.now() - t0);
    await sleep(100);
    m.unmount();
    assert(shownFirst === 'restoring…', `first commit: ${shownFirst}`);
    assert(fallbackSaw.length > 0 && fallbackSaw.every((v) => v === true), `useIsRestoring in the fallback: ${json(fallbackSaw)}`);
    assert(firstRenders.every((f) => f === 'success:idle:1' || f === 'success:idle:2'), `first renders: ${json(firstRenders)}`);
    assert(requests === before, `${requests - before} requests after the restore`);
    return `fallback, then data in the first render (${ms} ms, L2 reads ${120} ms slow), 0 requests`;
  },

  async 'restore: without it, a cold key renders pending first (the L2 read), then the data, no request'() {
    const storage = slowStorage(120);
    const writer = new QueryClient({ storage, staleTime: 60_000, retry: 0 });
    await writer.fetchQuery({ queryKey: ['cold', 1], queryFn: () => api('item/1') });
    await writer.flush();
    const before = requests;
    const reader = new QueryClient({ storage, staleTime: 60_000, retry: 0 });
    const statuses = [];
    function Item() {
      const q = useQuery({ queryKey: ['cold', 1], queryFn: () => api('item/1'), staleTime: 60_000 });
      useCommits(statuses, q.status);
      return <span>#{q.data?.id ?? '…'}</span>;
    }
    const m = mount(<Item />, { provider: { client: reader } });
    await waitFor('the data', () => m.container.textContent === '#1');
    m.unmount();
    assert(statuses[0] === 'pending', `first commit ${statuses[0]}`);
    assert(requests === before, `${requests - before} requests`);
    return `commits ${json(changesOnly(statuses).values)} — the loading flash restore avoids`;
  },

  async 'restore: once per client and keys (re-render, StrictMode, remount)'() {
    const storage = slowStorage(50);
    const writer = new QueryClient({ storage, staleTime: 60_000, retry: 0 });
    await writer.fetchQuery({ queryKey: ['once'], queryFn: () => api('item/9') });
    await writer.flush();
    const reader = new QueryClient({ storage, staleTime: 60_000, retry: 0 });
    let calls = 0;
    const restoreQueries = reader.restoreQueries;
    assert(typeof restoreQueries === 'function', 'client.restoreQueries is missing (the engine has not got it yet)');
    reader.restoreQueries = (keys) => { calls += 1; return restoreQueries.call(reader, keys); };
    function Item() {
      const q = useQuery({ queryKey: ['once'], queryFn: () => api('item/9'), staleTime: 60_000 });
      return <span>#{q.data?.id}</span>;
    }
    let rerender;
    function Host() {
      const [n, setN] = useState(0);
      rerender = () => flushSync(() => setN(n + 1));
      return <QueryClientProvider client={reader} restore={[['once']]}><Item />{n}</QueryClientProvider>;
    }
    const container = document.createElement('div');
    const root = createRoot(container);
    flushSync(() => root.render(<StrictMode><Host /></StrictMode>));
    await waitFor('data', () => container.textContent === '#90');
    rerender();
    flushSync(() => root.render(<StrictMode><Host key="again" /></StrictMode>));
    const again = container.textContent;
    root.unmount();
    assert(calls === 1, `${calls} restoreQueries calls`);
    assert(again === '#90', `a remount with the same keys rendered ${again} at once`);
    return `${calls} call`;
  },

  async 'restore: a storage whose reads fail renders the children all the same'() {
    const failing = {
      get: async () => { throw new Error('storage blocked'); },
      set: async () => { throw new Error('storage blocked'); },
      delete: async () => {},
    };
    const errors = [];
    const c = new QueryClient({ storage: failing, staleTime: 60_000, retry: 0, onStorageError: (e) => errors.push(String(e)) });
    function Item() {
      const q = useQuery({ queryKey: ['blocked'], queryFn: () => api('item/3'), staleTime: 60_000 });
      return <span>{q.data ? `#${q.data.id}` : q.status}</span>;
    }
    const before = requests;
    const m = mount(<Item />, { provider: { client: c, restore: [['blocked']], fallback: <p>restoring…</p> } });
    await waitFor('the data from the API', () => m.container.textContent === '#3');
    m.unmount();
    assert(requests === before + 1, `${requests - before} requests`);
    return `rendered and fetched (storage errors reported: ${errors.length})`;
  },

  async 'restore: a client without storage renders the children; keys already in L1 render in the first commit'() {
    const c = new QueryClient({ retry: 0 });
    function Item({ id }) {
      const q = useQuery({ queryKey: ['plain', id], queryFn: () => api(`item/${id}`), staleTime: 60_000 });
      return <span>#{q.data?.id ?? q.status}</span>;
    }
    const before = requests;
    const a = mount(<Item id={4} />, { provider: { client: c, restore: [['plain', 4]], fallback: <p>restoring…</p> } });
    await waitFor('the data', () => a.container.textContent === '#4');
    a.unmount();
    assert(requests === before + 1, `${requests - before} requests`);
    c.setQueryData(['plain', 5], { id: 5 });
    const b = mount(<Item id={5} />, { provider: { client: c, restore: [['plain', 5]], fallback: <p>restoring…</p> } });
    const first = b.container.textContent;
    b.unmount();
    assert(first === '#5', `first commit with the key in L1: ${first}`);
    return 'no storage: rendered and fetched; in L1: no fallback frame';
  },
};

function cacheSize() {
  return client.getMutationCache().getAll().length;
}

const expectedRejections = new Set(); // errors a scenario expects to surface unhandled
runScenarios(scenarios, { setup: () => { client = new QueryClient({ retry: 0 }); }, expectedRejections });
