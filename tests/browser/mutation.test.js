// Mutations (client.mutation) as a user sees them, in headless Chromium.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}
function eq(actual, expected, message) {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${message}: expected ${e}, got ${a}`);
}

export async function lifecycleCallbacksGetTheContext(make) {
  const client = make({});
  const calls = [];
  const m = client.mutation({
    mutationFn: async (vars) => { calls.push(['mutationFn', vars]); await sleep(5); return { saved: vars.title }; },
    onMutate: (vars) => { calls.push(['onMutate', vars]); return { snapshot: 'ctx' }; },
    onSuccess: (data, vars, ctx) => calls.push(['onSuccess', data, vars, ctx]),
    onError: () => calls.push(['onError']),
    onSettled: (data, error, vars, ctx) => calls.push(['onSettled', data, error, vars, ctx]),
  });
  const states = [];
  m.subscribe((s) => states.push(s.status));
  const p = m.mutate({ title: 'milk' });
  await sleep(1);
  eq(client.isMutating(), 1, 'isMutating while running');
  eq(await p, { saved: 'milk' }, 'mutate resolves with the data');
  eq(client.isMutating(), 0, 'and back to 0');
  eq(calls, [
    ['onMutate', { title: 'milk' }],
    ['mutationFn', { title: 'milk' }],
    ['onSuccess', { saved: 'milk' }, { title: 'milk' }, { snapshot: 'ctx' }],
    ['onSettled', { saved: 'milk' }, null, { title: 'milk' }, { snapshot: 'ctx' }],
  ], 'the order, and onMutate\'s value as the context');
  eq(states, ['idle', 'pending', 'pending', 'success'], 'listeners: current state, pending, context set, success');
  const s = m.state;
  eq([s.status, s.data, s.variables, s.context, s.isSuccess], ['success', { saved: 'milk' }, { title: 'milk' }, { snapshot: 'ctx' }, true], 'state');
  assert(s.submittedAt > 0, 'submittedAt');
  m.reset();
  eq([m.state.status, m.state.data, states.at(-1)], ['idle', undefined, 'idle'], 'reset goes back to idle and notifies');
}

export async function optimisticUpdateRollsBackOnError(make) {
  // TanStack's documented pattern.
  const client = make({ staleTime: Infinity });
  client.setQueryData(['todos'], [{ id: 1, title: 'a' }]);
  const failure = new Error('server said no');
  const m = client.mutation({
    mutationFn: async () => { await sleep(5); throw failure; },
    onMutate: async (newTodo) => {
      await client.cancelQueries({ queryKey: ['todos'] });
      const previous = client.getQueryData(['todos']);
      client.setQueryData(['todos'], (old) => [...old, newTodo]);
      return { previous };
    },
    onError: (err, newTodo, ctx) => client.setQueryData(['todos'], ctx.previous),
    onSettled: () => client.invalidateQueries({ queryKey: ['todos'] }),
  });
  const p = m.mutate({ id: 2, title: 'b' });
  await sleep(1);
  eq(client.getQueryData(['todos']).length, 2, 'the optimistic update shows at once');
  let caught;
  try { await p; } catch (e) { caught = e; }
  assert(caught === failure, 'mutate rejects with the user error itself');
  eq(client.getQueryData(['todos']), [{ id: 1, title: 'a' }], 'rolled back from the context');
  eq(client.getQueryState(['todos']).isInvalidated, true, 'onSettled ran');
  eq([m.state.status, m.state.error === failure, m.state.failureCount], ['error', true, 1], 'error state');
}

export async function aThrowingCallbackNeverRerunsMutationFn(make) {
  const client = make({});
  let runs = 0;
  const boom = new Error('onSuccess exploded');
  const m = client.mutation({ mutationFn: async () => { runs++; return 'ok'; }, retry: 3, retryDelay: 1, onSuccess: () => { throw boom; } });
  let caught;
  try { await m.mutate(1); } catch (e) { caught = e; }
  eq(runs, 1, 'mutationFn ran once');
  assert(caught === boom, 'the callback error is the mutation error');
  eq(m.state.status, 'error', 'the mutation failed');
  const settled = [];
  const m2 = client.mutation({ mutationFn: async () => { runs++; throw new Error('x'); }, onError: () => { throw new Error('onError exploded'); }, onSettled: (d, e) => settled.push(e.message) });
  await m2.mutate(1).catch(() => {});
  eq(runs, 2, 'a throwing onError does not re-run it either');
  eq(settled, ['x'], 'and onSettled still runs with the original error');
}

export async function retryDefaultsToZero(make) {
  const client = make({ retry: 5 }); // query retries do not apply to mutations
  let runs = 0;
  await client.mutation({ mutationFn: async () => { runs++; throw new Error('no'); } }).mutate().catch(() => {});
  eq(runs, 1, 'no retry by default');
  runs = 0;
  const m = client.mutation({ mutationFn: async () => { runs++; if (runs < 3) throw new Error('flaky'); return 'done'; }, retry: 2, retryDelay: 1 });
  eq(await m.mutate(), 'done', 'retry: 2 recovers on the third attempt');
  eq(runs, 3, 'three attempts');
}

export async function aScopeRunsOneAtATime(make) {
  const client = make({});
  let running = 0, most = 0;
  const order = [];
  const fn = async (v) => {
    running++;
    most = Math.max(most, running);
    order.push(`start ${v}`);
    await sleep(10);
    order.push(`end ${v}`);
    running--;
    return v;
  };
  const m = client.mutation({ mutationFn: fn, scope: { id: 'todos' } });
  const other = client.mutation({ mutationFn: fn, scope: { id: 'other' } });
  const results = await Promise.all([m.mutate(1), m.mutate(2), other.mutate('x'), m.mutate(3)]);
  eq(results, [1, 2, 'x', 3], 'every mutation resolves with its own data');
  eq(order.filter((s) => !s.includes('x')), ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3'], 'one scope: one at a time, in order');
  eq(most, 2, 'another scope ran alongside');
}

export async function mutationMisuseIsATypeError(make) {
  const client = make({});
  for (const [opts, fragment] of [[{}, 'mutationFn'], [{ mutationFn: 1 }, 'mutationFn'], [{ mutationFn() {}, onSuccess: 'x' }, 'onSuccess'], [{ mutationFn() {}, scope: 'todos' }, 'scope'], [null, 'mutation options']]) {
    try {
      client.mutation(opts);
      throw new Error(`expected a TypeError naming ${fragment}`);
    } catch (e) {
      assert(e instanceof TypeError && e.message.includes(fragment), `${fragment}: ${e}`);
    }
  }
}
