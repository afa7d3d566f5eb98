// What an observer shows of its query, as TanStack v5's `QueryObserver` shows it: `select`
// and `placeholderData` laid over the query's state (js/face/presentation.js). Each case
// was run against @tanstack/query-core 5 with the same script and gave the same results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient, QueryObserver } from '../../pkg/nodejs/stackquery.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const never = () => new Promise(() => {});
const shown = (r) => ({
  status: r.status, data: r.data, error: r.error, isSuccess: r.isSuccess, isError: r.isError,
  isRefetchError: r.isRefetchError, isLoadingError: r.isLoadingError, isPlaceholderData: r.isPlaceholderData,
});

test('a select that throws is an error result that keeps the data it selected last; the next good selection clears it', () => {
  const client = new QueryClient();
  const boom = new Error('select failed');
  client.setQueryData(['n'], 1);
  const observer = new QueryObserver(client, { queryKey: ['n'], select: (n) => { if (n > 1) throw boom; return n * 10; } });
  const heard = [];
  const off = observer.subscribe((r) => heard.push(r.status));
  assert.deepEqual(shown(observer.getCurrentResult()), {
    status: 'success', data: 10, error: null, isSuccess: true, isError: false, isRefetchError: false, isLoadingError: false, isPlaceholderData: false,
  });
  client.setQueryData(['n'], 2);
  const failed = observer.getCurrentResult();
  assert.deepEqual(shown(failed), {
    status: 'error', data: 10, error: boom, isSuccess: false, isError: true, isRefetchError: true, isLoadingError: false, isPlaceholderData: false,
  }, 'the last selection stays, as a refetch error');
  assert.equal(observer.getCurrentResult(), failed, 'the same result while nothing changed');
  client.setQueryData(['n'], 3);
  assert.equal(observer.getCurrentResult().data, 10, 'still the last good selection');
  client.setQueryData(['n'], 0);
  assert.deepEqual(shown(observer.getCurrentResult()), {
    status: 'success', data: 0, error: null, isSuccess: true, isError: false, isRefetchError: false, isLoadingError: false, isPlaceholderData: false,
  });
  assert.deepEqual(heard, ['error', 'error', 'success'], 'listeners hear each change, shown as the result is');
  off();

  client.setQueryData(['m'], 5);
  const unselected = new QueryObserver(client, { queryKey: ['m'], select: () => { throw boom; } });
  assert.deepEqual(shown(unselected.getCurrentResult()), {
    status: 'error', data: undefined, error: boom, isSuccess: false, isError: true, isRefetchError: false, isLoadingError: true, isPlaceholderData: false,
  }, 'nothing selected yet: a loading error with no data');
  client.dispose();
});

test('placeholderData gets (previousData, previousQuery) of the query last shown with data, across a key change', async () => {
  const client = new QueryClient();
  const calls = [];
  const placeholderData = (previousData, previousQuery) => {
    calls.push({ previousData, key: previousQuery?.queryKey, queryData: previousQuery?.state.data });
    return previousData;
  };
  const observer = new QueryObserver(client, { queryKey: ['page', 1], queryFn: async () => ['p1'], placeholderData });
  const off = observer.subscribe(() => {});
  assert.equal(observer.getCurrentResult().isPlaceholderData, false, 'nothing to keep yet: no placeholder');
  await sleep(5);
  assert.deepEqual(observer.getCurrentResult().data, ['p1']);
  observer.setOptions({ queryKey: ['page', 2], queryFn: never, placeholderData });
  const result = observer.getCurrentResult();
  assert.deepEqual(shown(result), {
    status: 'success', data: ['p1'], error: null, isSuccess: true, isError: false, isRefetchError: false, isLoadingError: false, isPlaceholderData: true,
  });
  assert.equal(result.fetchStatus, 'fetching');
  assert.deepEqual(calls.at(-1), { previousData: ['p1'], key: ['page', 1], queryData: ['p1'] }, 'page 1 and its query');
  assert.equal(calls[0].previousData, undefined);
  assert.equal(calls[0].key, undefined, 'no query was shown with data before the first');
  off();
  client.dispose();
});

test('a placeholder is made once and kept while the query stays pending and the option is the same', async () => {
  const client = new QueryClient();
  let made = 0;
  let tries = 0;
  const observer = new QueryObserver(client, {
    queryKey: ['slow'], retry: 2, retryDelay: 1,
    queryFn: () => (++tries === 1 ? Promise.reject(new Error('first try')) : never()),
    placeholderData: () => { made++; return { placeholder: true }; },
    select: (d) => ({ ...d, selected: true }),
  });
  const heard = [];
  const off = observer.subscribe((r) => heard.push([r.fetchStatus, r.failureCount, r.isPlaceholderData, r.data]));
  const first = observer.getCurrentResult();
  await sleep(20);
  const later = observer.getCurrentResult();
  assert.equal(made, 1, 'placeholderData was called once');
  assert.deepEqual(later.data, { placeholder: true, selected: true }, 'select runs over the placeholder');
  assert.equal(later.data, first.data, 'the same placeholder object in every result');
  assert.equal(later.failureCount, 1);
  assert.ok(heard.length >= 1 && heard.every(([, , isPlaceholder]) => isPlaceholder), JSON.stringify(heard));
  off();
  client.dispose();
});

test('select and placeholderData change with setOptions, for the results the listeners hear inside it too', () => {
  const client = new QueryClient();
  client.setQueryData(['n'], 2);
  const observer = new QueryObserver(client, { queryKey: ['n'], select: (n) => n * 10 });
  const heard = [];
  const off = observer.subscribe((r) => heard.push(r.data));
  assert.equal(observer.getCurrentResult().data, 20);
  observer.setOptions({ queryKey: ['n'], select: (n) => n + 1 });
  assert.equal(observer.getCurrentResult().data, 3, 'the new select');
  observer.setOptions({ queryKey: ['other'], placeholderData: 'empty', select: (d) => `${d}!` });
  assert.deepEqual(heard.every((d) => d === 3 || d === 'empty!'), true, JSON.stringify(heard));
  assert.equal(observer.getCurrentResult().data, 'empty!');
  assert.throws(() => observer.setOptions({ queryKey: ['n'], select: 'no' }), { name: 'TypeError', message: /select must be a function/ });
  assert.equal(observer.getCurrentResult().data, 'empty!', 'a refused setOptions changes nothing');
  off();
  client.dispose();
});

test('placeholderData gets the data of the key being left even if no result of it was read (keepPreviousData)', () => {
  const client = new QueryClient();
  client.setQueryData(['page', 1], ['p1']);
  const observer = new QueryObserver(client, { queryKey: ['page', 1], placeholderData: (previous) => previous });
  observer.setOptions({ queryKey: ['page', 2], queryFn: never, placeholderData: (previous) => previous });
  const result = observer.getCurrentResult();
  assert.deepEqual([result.status, result.data, result.isPlaceholderData], ['success', ['p1'], true]);
  client.dispose();
});

test('an options object changed in place and given again is new options', () => {
  const client = new QueryClient();
  const options = { queryKey: ['slow'], queryFn: never, placeholderData: 'A' };
  const observer = new QueryObserver(client, options);
  assert.equal(observer.getCurrentResult().data, 'A');
  options.placeholderData = 'B';
  observer.setOptions(options);
  assert.equal(observer.getCurrentResult().data, 'B');
  options.select = (d) => `${d}!`;
  observer.setOptions(options);
  assert.equal(observer.getCurrentResult().data, 'B', 'the same placeholder is kept as it was shown (TanStack\'s)');
  options.placeholderData = 'C';
  observer.setOptions(options);
  assert.equal(observer.getCurrentResult().data, 'C!', 'a new one goes through select');
  client.dispose();
});
