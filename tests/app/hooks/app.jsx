// The hooks of stackquery/react under React's development build and <StrictMode>
// (double render, double effects), bundled by esbuild and run in Chromium by
// tests/app/react-hooks.test.mjs. Each scenario reports { name, ok, detail }.
import { StrictMode, useLayoutEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import { QueryClient } from 'stackquery/web';
import { QueryClientProvider, useMutation, useQuery, useQueryClient } from 'stackquery/react';
import { sleep, waitFor, assert, mountUnder, runScenarios } from './page.jsx';

const api = (path, delay = 30) => fetch(`/api/${path}?delay=${delay}`).then((r) => r.json());

let client;
const mount = (element) => mountUnder(element, { client });
let setter; // a state setter a scenario drives from outside

const scenarios = {
  async 'getCurrentResult returns the same object until the state changes'() {
    const o = client.watch({ queryKey: ['ident'], queryFn: () => api('item/7') });
    const a = o.getCurrentResult();
    assert(a === o.getCurrentResult(), 'before subscribe: a new object per call');
    const off = o.subscribe(() => {});
    await waitFor('data', () => o.getCurrentResult().isSuccess);
    const b = o.getCurrentResult();
    assert(b === o.getCurrentResult(), 'with data: a new object per call');
    client.setQueryData(['ident'], { id: 8 });
    const c = o.getCurrentResult();
    assert(c !== b && c.data.id === 8, 'a change gives a new object');
    assert(c === o.getCurrentResult(), 'after a change: a new object per call');
    off();
    o.destroy();
    return 'stable';
  },

  async 'inline options (arrow queryFn, select, retry, structuralSharing; object key/meta/placeholder) do not re-render in a loop'() {
    let renders = 0;
    let fetches = 0;
    function Inline() {
      renders += 1;
      const q = useQuery({
        queryKey: ['inline', { page: 1, sort: 'asc' }],
        queryFn: () => { fetches += 1; return api('item/1'); },
        select: (d) => ({ ...d, label: `#${d.id}` }),
        placeholderData: { id: 0 },
        meta: { tags: ['a', 'b'] },
        retry: (n) => n < 1,
        structuralSharing: (old, next) => next,
        staleTime: 60_000,
      });
      return <p className="inline">{q.isPlaceholderData ? 'placeholder' : q.data.label}</p>;
    }
    const m = mount(<Inline />);
    await waitFor('data', () => m.container.textContent === '#1');
    await sleep(300);
    const settled = renders;
    await sleep(500);
    m.unmount();
    assert(renders === settled, `still rendering: ${settled} then ${renders}`);
    assert(renders <= 12, `${renders} renders`);
    assert(fetches === 1, `${fetches} fetches`);
    return `${renders} renders (StrictMode doubles them), ${fetches} fetch`;
  },

  async 'StrictMode double mount: one fetch, isLoading from the first render, inactive after unmount'() {
    let fetches = 0;
    const states = [];
    function Strict() {
      const q = useQuery({ queryKey: ['strict'], queryFn: () => { fetches += 1; return api('item/2'); } });
      states.push(`${q.status}/${q.fetchStatus}${q.isLoading ? ' (isLoading)' : ''}`);
      if (q.isLoading) return <p>loading</p>;
      return <p>{`item ${q.data.id}`}</p>; // TanStack's pattern: no data means isLoading
    }
    const m = mount(<Strict />);
    await waitFor('data', () => m.container.textContent === 'item 2');
    const active = client.getQueriesData({ queryKey: ['strict'], type: 'active' }).length;
    m.unmount();
    await sleep(0);
    const after = client.getQueriesData({ queryKey: ['strict'], type: 'active' }).length;
    const inactive = client.getQueriesData({ queryKey: ['strict'], type: 'inactive' }).length;
    assert(fetches === 1, `${fetches} fetches`);
    assert(active === 1, `active while mounted: ${active}`);
    assert(after === 0 && inactive === 1, `after unmount: ${after} active, ${inactive} inactive`);
    return `fetched once; active 1 → 0; results: ${[...new Set(states)].join(' → ')}`;
  },

  async 'a cold key read from a slow L2 counts as loading, then the L2 data shows without a fetch'() {
    const stored = new Map();
    const slow = {
      get: async (key) => { await sleep(200); return stored.get(key) ?? null; },
      set: (key, value) => { stored.set(key, value); },
      delete: (key) => { stored.delete(key); },
    };
    const writer = new QueryClient({ storage: slow });
    writer.setQueryData(['slow'], { id: 42 });
    await writer.flush();
    writer.dispose();
    const reader = new QueryClient({ storage: slow, staleTime: 60_000 });
    let fetches = 0;
    const states = [];
    function Slow() {
      const q = useQuery({ queryKey: ['slow'], queryFn: () => { fetches += 1; return api('item/1'); } }, reader);
      states.push(`${q.status}/${q.fetchStatus}${q.isLoading ? ' (isLoading)' : ''}`);
      return <p>{q.isLoading ? 'loading' : `item ${q.data.id}`}</p>;
    }
    const m = mount(<Slow />);
    await waitFor('item 42', () => m.container.textContent === 'item 42');
    await sleep(100);
    m.unmount();
    reader.dispose();
    assert(fetches === 0, `${fetches} fetches`);
    assert(!states.includes('pending/idle'), `states: ${states.join()}`);
    return [...new Set(states)].join(' → ');
  },

  async 'a new key shows its own data from its first frame; placeholderData (prev) => prev keeps the old one'() {
    const frames = [];
    function Item() {
      const [id, setId] = useState(1);
      setter = setId;
      const q = useQuery({
        queryKey: ['item', id],
        queryFn: () => api(`item/${id}`, 150),
        placeholderData: (previous) => previous,
      });
      useLayoutEffect(() => { frames.push([id, q.data?.id ?? null, q.isPlaceholderData]); });
      return <p>{q.data ? `item ${q.data.id}` : q.status}</p>;
    }
    client.setQueryData(['item', 20], { id: 20 });
    const m = mount(<Item />);
    await waitFor('item 1', () => m.container.textContent === 'item 1');
    flushSync(() => setter(20)); // cached
    assert(m.container.textContent === 'item 20', `cached key: ${m.container.textContent}`);
    flushSync(() => setter(30)); // cold: the previous data as placeholder, then its own
    assert(m.container.textContent === 'item 20', `cold key while loading: ${m.container.textContent}`);
    await waitFor('item 30', () => m.container.textContent === 'item 30');
    m.unmount();
    const wrong = frames.filter(([id, dataId, placeholder]) => dataId !== null && dataId !== id && !placeholder);
    assert(wrong.length === 0, `frames with another key's data: ${JSON.stringify(wrong)}`);
    assert(frames.some(([id, dataId, p]) => id === 30 && dataId === 20 && p), 'no placeholder frame for key 30');
    return `${frames.length} frames, none showing another key's data as its own`;
  },

  async 'enabled: false waits; switching it on fetches; first render of a cold key'() {
    let fetches = 0;
    const first = [];
    function Gate() {
      const [enabled, setEnabled] = useState(false);
      setter = setEnabled;
      const q = useQuery({ queryKey: ['gated'], queryFn: () => { fetches += 1; return api('item/3'); }, enabled });
      if (first.length < 1) first.push(`${q.status}/${q.fetchStatus}`);
      return <p>{q.isSuccess ? `item ${q.data.id}` : `${q.status} ${q.fetchStatus}`}</p>;
    }
    const m = mount(<Gate />);
    await sleep(200);
    assert(fetches === 0 && m.container.textContent === 'pending idle', `disabled: ${fetches} fetches, ${m.container.textContent}`);
    flushSync(() => setter(true));
    await waitFor('item 3', () => m.container.textContent === 'item 3');
    m.unmount();
    assert(fetches === 1, `${fetches} fetches`);
    return `first render ${first[0]}; fetched once when enabled`;
  },

  async 'options as functions of the query: enabled (of the query, of a prop), refetchInterval'() {
    let fetches = 0;
    let polls = 0;
    const states = [];
    function Fn() {
      const [open, setOpen] = useState(false);
      setter = setOpen;
      // Enabled by the query's own data (never: it has none) — not shown as loading.
      const never = useQuery({ queryKey: ['fn-never'], queryFn: () => { fetches += 1; return api('item/1'); }, enabled: (query) => query.state.data !== undefined });
      // Enabled by a prop the function reads: switching it on fetches.
      const gated = useQuery({ queryKey: ['fn-gated'], queryFn: () => { fetches += 1; return api('item/2'); }, enabled: () => open });
      // Polls until the data says stop.
      const polled = useQuery({ queryKey: ['fn-poll'], queryFn: async () => ++polls, refetchInterval: (query) => ((query.state.data ?? 0) < 3 ? 20 : false) });
      states.push(never.isLoading ? 'loading' : never.fetchStatus);
      return <p>{`${never.fetchStatus} ${gated.isSuccess ? `item ${gated.data.id}` : gated.fetchStatus} ${polled.data ?? '-'}`}</p>;
    }
    const m = mount(<Fn />);
    await waitFor('three polls', () => m.container.textContent.endsWith(' 3'));
    await sleep(150);
    assert(polls === 3, `${polls} polls`);
    assert(fetches === 0 && m.container.textContent === 'idle idle 3', `disabled: ${fetches} fetches, ${m.container.textContent}`);
    assert(!states.includes('loading') && !states.includes('fetching'), `a disabled query shown as loading: ${states.join()}`);
    flushSync(() => setter(true));
    await waitFor('item 2', () => m.container.textContent === 'idle item 2 3');
    m.unmount();
    assert(fetches === 1, `${fetches} fetches`);
    return `polled ${polls} times; fetched once when the prop enabled it`;
  },

  async 'select: memoized on the data, re-run for a new function, a throw is an error result keeping the last selection'() {
    let calls = 0;
    function Sel() {
      const [factor, setFactor] = useState(2);
      setter = setFactor;
      const q = useQuery({
        queryKey: ['sel'],
        queryFn: () => api('item/5'),
        select: (d) => { calls += 1; if (factor === 0) throw new Error('no zero'); return d.id * factor; },
      });
      return <p>{q.isError ? `error ${q.error.message}, still ${q.data}` : q.isSuccess ? `value ${q.data}` : q.status}</p>;
    }
    const m = mount(<Sel />);
    await waitFor('value 10', () => m.container.textContent === 'value 10');
    flushSync(() => setter(3));
    assert(m.container.textContent === 'value 15', m.container.textContent);
    flushSync(() => setter(0));
    // TanStack's: the error result keeps the last selection as its data.
    assert(m.container.textContent === 'error no zero, still 15', m.container.textContent);
    flushSync(() => setter(1));
    assert(m.container.textContent === 'value 5', m.container.textContent);
    m.unmount();
    return `${calls} select calls`;
  },

  async 'refetch() fetches again and resolves with the new result'() {
    let n = 0;
    let refetch;
    function R() {
      const q = useQuery({ queryKey: ['counter'], queryFn: async () => ({ n: ++n }), staleTime: Infinity });
      refetch = q.refetch;
      return <p>{q.isSuccess ? `n ${q.data.n}` : q.status}</p>;
    }
    const m = mount(<R />);
    await waitFor('n 1', () => m.container.textContent === 'n 1');
    const result = await refetch();
    assert(result.data.n === 2, `refetch resolved with ${JSON.stringify(result.data)}`);
    await waitFor('n 2', () => m.container.textContent === 'n 2');
    m.unmount();
    return 'n 1 → n 2';
  },

  async 'useMutation: pending → success/error, per-call callbacks, mutateAsync, reset'() {
    const seen = [];
    let hook;
    function M() {
      hook = useMutation({
        mutationFn: async (v) => { await sleep(50); if (v < 0) throw new Error('negative'); return v * 2; },
        onMutate: (v) => ({ v }),
      });
      seen.push(hook.status);
      return <p>{hook.status} {String(hook.data ?? '')} {hook.error?.message ?? ''}</p>;
    }
    const m = mount(<M />);
    const calls = [];
    hook.mutate(4, { onSuccess: (d, v, ctx) => calls.push(['success', d, v, ctx.v]), onSettled: (d) => calls.push(['settled', d]) });
    await waitFor('success', () => m.container.textContent.startsWith('success 8'));
    assert(JSON.stringify(calls) === '[["success",8,4,4],["settled",8]]', JSON.stringify(calls));
    let rejected;
    await hook.mutateAsync(-1).catch((e) => { rejected = e.message; });
    assert(rejected === 'negative', `mutateAsync: ${rejected}`);
    await waitFor('error', () => m.container.textContent.startsWith('error'));
    assert(hook.context.v === -1, 'context in state');
    hook.mutate(-2); // no unhandled rejection
    await waitFor('error', () => hook.variables === -2 && hook.isError);
    flushSync(() => hook.reset());
    assert(m.container.textContent.trim() === 'idle', m.container.textContent);
    m.unmount();
    assert(seen.includes('pending'), `states: ${seen.join()}`);
    return [...new Set(seen)].join(' → ');
  },

  async 'useQueryClient outside a provider throws a clear error'() {
    let message;
    function Lost() {
      try { useQueryClient(); } catch (e) { message = e.message; }
      return null;
    }
    const container = document.createElement('div');
    const root = createRoot(container);
    flushSync(() => root.render(<Lost />));
    root.unmount();
    assert(/QueryClientProvider/.test(message), message);
    return message;
  },
};

runScenarios(scenarios, { setup: () => { client = new QueryClient({ retry: 0 }); } });
