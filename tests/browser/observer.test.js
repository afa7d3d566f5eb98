// QueryObserver (client.watch) as a user sees it, in headless Chromium.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}
function eq(actual, expected, message) {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${message}: expected ${e}, got ${a}`);
}
function counter(value = (n) => ({ n })) {
  const fn = async () => {
    fn.calls += 1;
    await sleep(5);
    return value(fn.calls);
  };
  fn.calls = 0;
  return fn;
}

export async function subscribeGivesTheCurrentResultThenEachChange(make) {
  const client = make({});
  const queryFn = counter();
  const observer = client.watch({ queryKey: ['todos'], queryFn });
  const seen = [];
  const unsubscribe = observer.subscribe((r) => seen.push([r.status, r.fetchStatus, r.isLoading, r.isSuccess, r.data && r.data.n]));
  eq(seen[0], ['pending', 'idle', false, false, undefined], 'the current result at once');
  await sleep(30);
  eq(queryFn.calls, 1, 'mounting fetched');
  eq(seen.slice(1), [['pending', 'fetching', true, false, undefined], ['success', 'idle', false, true, 1]], 'then each change');
  const r = observer.getCurrentResult();
  assert(r === observer.getCurrentResult(), 'an unchanged result is the same object');
  eq([r.isPending, r.isFetched, r.isStale, r.isPlaceholderData, r.isRefetching], [false, true, true, false, false], 'derived flags');
  unsubscribe();
}

export async function listenersHearOnlyRealChanges(make) {
  const client = make({ staleTime: Infinity });
  const data = { v: 1 };
  client.setQueryData(['k'], data);
  const observer = client.watch({ queryKey: ['k'], queryFn: async () => ({ v: 'net' }) });
  let calls = 0;
  const unsubscribe = observer.subscribe(() => calls++);
  eq(calls, 1, 'initial call; fresh data means no fetch');
  client.setQueryData(['other'], 1);
  client.invalidateQueries({ queryKey: ['other'] });
  eq(calls, 1, 'changes to other queries are not heard');
  client.setQueryData(['k'], { v: 2 });
  eq(calls, 2, 'new data is heard');
  unsubscribe();
  client.setQueryData(['k'], { v: 3 });
  eq(calls, 2, 'nothing after unsubscribe');
}

export async function invalidateRefetchesOnlyActiveQueries(make) {
  const client = make({ staleTime: Infinity });
  const watched = counter(), unwatched = counter(), disabled = counter();
  await client.fetchQuery({ queryKey: ['todos', 'unwatched'], queryFn: unwatched });
  const a = client.watch({ queryKey: ['todos', 'watched'], queryFn: watched });
  const offA = a.subscribe(() => {});
  client.setQueryData(['todos', 'disabled'], { n: 0 });
  const b = client.watch({ queryKey: ['todos', 'disabled'], queryFn: disabled, enabled: false });
  const offB = b.subscribe(() => {});
  await sleep(20);
  eq([watched.calls, unwatched.calls, disabled.calls], [1, 1, 0], 'before');
  await client.invalidateQueries({ queryKey: ['todos'] });
  eq([watched.calls, unwatched.calls, disabled.calls], [2, 1, 0], 'only the active (observed, enabled) query refetched');
  eq(a.getCurrentResult().data.n, 2, 'the observer sees the refetch');
  eq(client.getQueryState(['todos', 'unwatched']).isInvalidated, true, 'the inactive one is only marked');
  eq(client.getQueriesData({ queryKey: ['todos'], type: 'active' }).length, 1, "type: 'active'");
  eq(client.getQueriesData({ queryKey: ['todos'], type: 'inactive' }).length, 2, "type: 'inactive' includes the disabled one");
  offA();
  offB();
}

export async function enabledIsHonouredAndChangeable(make) {
  const client = make({});
  const queryFn = counter();
  const observer = client.watch({ queryKey: ['lazy'], queryFn, enabled: false });
  const off = observer.subscribe(() => {});
  await sleep(20);
  eq(queryFn.calls, 0, 'disabled: no fetch on mount');
  observer.setOptions({ queryKey: ['lazy'], queryFn, enabled: true });
  await sleep(20);
  eq(queryFn.calls, 1, 'enabling fetches');
  eq(observer.getCurrentResult().data.n, 1, 'with the data');
  observer.setOptions({ queryKey: ['lazy', 2], queryFn, enabled: true });
  await sleep(20);
  eq([queryFn.calls, observer.getCurrentResult().data.key], [2, undefined], 'a new key fetches that query');
  const r = await observer.refetch();
  eq([queryFn.calls, r.data.n], [3, 3], 'refetch() resolves with the new result');
  off();
}

export async function theLastUnsubscribeStartsTheGcClock(make) {
  const client = make({ gcTime: 30 });
  const observer = client.watch({ queryKey: ['gc'], queryFn: async () => 'v' });
  const off1 = observer.subscribe(() => {});
  const off2 = observer.subscribe(() => {});
  await sleep(100);
  eq(client.getQueryData(['gc']), 'v', 'observed queries are not collected');
  off1();
  await sleep(100);
  eq(client.getQueryData(['gc']), 'v', 'one listener is left');
  off2();
  await sleep(100);
  eq(client.getQueryData(['gc']), undefined, 'collected after the last unsubscribe');
  // re-subscribing after everyone left works again
  const seen = [];
  const off3 = observer.subscribe((r) => seen.push(r.status));
  await sleep(30);
  eq(seen.at(-1), 'success', 'a new subscription fetches again');
  off3();
  observer.destroy();
}

export async function anObserverOnAColdKeyUsesFreshL2Data(make, lib) {
  const dbName = `sq-observer-${Date.now()}-${Math.random()}`;
  const writer = make({ storage: lib.IndexedDbStorage({ dbName }) });
  writer.setQueryData(['profile'], { name: 'Ada' });
  await writer.flush();
  const client = make({ storage: lib.IndexedDbStorage({ dbName }), staleTime: 60_000 });
  const queryFn = counter();
  const observer = client.watch({ queryKey: ['profile'], queryFn });
  const seen = [];
  const off = observer.subscribe((r) => seen.push(r.data));
  await sleep(50);
  eq(seen.at(-1), { name: 'Ada' }, 'the observer shows L2 data');
  eq(queryFn.calls, 0, 'without a network call');
  off();
}

export async function removedUnderAnObserverTheQueryComesBack(make) {
  const client = make({});
  const observer = client.watch({ queryKey: ['x'], queryFn: async () => 'v' });
  const seen = [];
  const off = observer.subscribe((r) => seen.push(r.status));
  await sleep(20);
  client.removeQueries({ queryKey: ['x'] });
  eq(seen.at(-1), 'pending', 'the observer hears the removal');
  eq(client.getQueriesData({ type: 'active' }).length, 1, 'and the query it watches is still there, active');
  off();
}

export async function observerMisuseIsATypeError(make) {
  const client = make({});
  const observer = client.watch({ queryKey: ['m'], queryFn: async () => 1 });
  for (const [fn, fragment] of [
    [() => observer.subscribe('not a function'), 'listener'],
    [() => client.watch({ queryKey: ['m'], enabled: 'yes' }), 'enabled'],
    [() => client.watch({ queryKey: 'm' }), 'queryKey'],
  ]) {
    try {
      fn();
      throw new Error(`expected a TypeError naming ${fragment}`);
    } catch (e) {
      assert(e instanceof TypeError && e.message.includes(fragment), `${fragment}: ${e}`);
    }
  }
  let other = 0;
  const off1 = observer.subscribe(() => { throw new Error('a listener that throws'); });
  const off2 = observer.subscribe(() => other++);
  client.setQueryData(['m'], 2);
  assert(other >= 2, 'a throwing listener does not stop the others');
  off1();
  off2();
}
