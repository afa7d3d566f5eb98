// Structural sharing (TanStack's replaceEqualDeep) as a user sees it through setQueryData
// and fetchQuery on the built package: equal subtrees keep their old references, only
// plain arrays and plain objects are merged, and hostile data (cycles, absurd depth, graphs
// whose paths multiply, throwing getters, `__proto__` keys) never hangs, throws or crashes
// the engine: new data is then stored as it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient } from '../../pkg/nodejs/stackquery.js';

/** What the cache holds after `next` is written over `prev`. */
function written(prev, next) {
  const client = new QueryClient();
  client.setQueryData(['k'], prev);
  client.setQueryData(['k'], next);
  const stored = client.getQueryData(['k']);
  client.dispose();
  return stored;
}

test('equal data keeps the old reference; a changed leaf keeps every unchanged subtree', async () => {
  const prev = { user: { name: 'Ada', tags: ['a', 'b'] }, list: [{ id: 1 }, { id: 2 }], n: 1 };
  assert.equal(written(prev, structuredClone(prev)), prev, 'deeply equal: the old object itself');
  const next = structuredClone(prev);
  next.list[1].id = 3;
  const stored = written(prev, next);
  assert.notEqual(stored, prev);
  assert.equal(stored.user, prev.user, 'unchanged subtree: the old reference');
  assert.equal(stored.list[0], prev.list[0]);
  assert.notEqual(stored.list, prev.list);
  assert.deepEqual(stored, next, 'and the values are the new ones');
  // Through fetchQuery too, with structuralSharing: false storing new data as it is.
  const client = new QueryClient();
  const first = await client.fetchQuery({ queryKey: ['f'], queryFn: async () => structuredClone(prev) });
  const again = await client.fetchQuery({ queryKey: ['f'], staleTime: 0, queryFn: async () => structuredClone(prev) });
  assert.equal(again, first);
  const off = await client.fetchQuery({ queryKey: ['f'], staleTime: 0, structuralSharing: false, queryFn: async () => structuredClone(prev) });
  assert.notEqual(off, first);
  client.dispose();
});

test('only plain arrays and plain objects are merged; keys added or removed make a new object', () => {
  const date = new Date(0);
  class Point { constructor(x) { this.x = x; } }
  const prev = { d: date, p: new Point(1), m: new Map([[1, 2]]), o: { a: 1 }, arr: [1, 2] };
  const next = { d: new Date(0), p: new Point(1), m: new Map([[1, 2]]), o: { a: 1 }, arr: [1, 2] };
  const stored = written(prev, next);
  assert.equal(stored.d, next.d, 'a Date is taken from the new data');
  assert.equal(stored.p, next.p, 'a class instance too');
  assert.equal(stored.m, next.m, 'and a Map');
  assert.equal(stored.o, prev.o, 'plain objects are merged');
  assert.equal(stored.arr, prev.arr, 'plain arrays too');
  const holes = [1, , 3]; // eslint-disable-line no-sparse-arrays
  assert.equal(written([1, undefined, 3], holes), holes, 'an array with holes is not plain: new data');
  const fewer = written({ a: { x: 1 }, b: 2 }, { a: { x: 1 } });
  assert.deepEqual(Object.keys(fewer), ['a']);
  const more = written({ a: { x: 1 } }, { a: { x: 1 }, b: 2 });
  assert.deepEqual(more, { a: { x: 1 }, b: 2 });
  assert.equal(written([{ x: 1 }], [{ x: 1 }, { y: 2 }])[0].x, 1);
  const nullProto = Object.assign(Object.create(null), { a: { x: 1 } });
  const nullNext = Object.assign(Object.create(null), { a: { x: 1 } });
  assert.equal(written(nullProto, nullNext), nullProto, 'a null-prototype object is plain');
});

test('hostile data is stored as given, without a hang, a throw or a broken engine', () => {
  // Cycles in both.
  const a = { name: 'a' }; a.self = a;
  const b = { name: 'a' }; b.self = b;
  const cyclic = written(a, b);
  assert.equal(cyclic.name, 'a');
  // Deeper than any stack: 100,000 levels.
  const deep = (n) => { let v = { leaf: true }; for (let i = 0; i < n; i++) v = { c: v }; return v; };
  const deepNext = deep(100_000);
  const stored = written(deep(100_000), deepNext);
  assert.ok(stored === deepNext || stored.c !== undefined, 'a value comes back');
  // A DAG whose paths multiply: 2^40 paths over 41 objects.
  const dag = () => { let v = { end: 1 }; for (let i = 0; i < 40; i++) v = { l: v, r: v }; return v; };
  const started = Date.now();
  written(dag(), dag());
  assert.ok(Date.now() - started < 5_000, 'bounded work');
  // A throwing getter in the new data: the new data is stored as it is.
  const trap = { ok: { x: 1 } };
  Object.defineProperty(trap, 'boom', { enumerable: true, get() { throw new Error('getter'); } });
  assert.equal(written({ ok: { x: 1 }, boom: 1 }, trap), trap);
  // A revoked proxy.
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  assert.equal(written({ p: {} }, { p: proxy }).p, proxy);
  // An own __proto__ key (JSON.parse makes one): the new object as it is.
  const withProto = JSON.parse('{"__proto__": {"x": 1}, "y": {"z": 1}}');
  assert.equal(written(JSON.parse('{"__proto__": {"x": 1}, "y": {"z": 1}}'), withProto), withProto);
  // The engine still works.
  const client = new QueryClient();
  client.setQueryData(['after'], 1);
  assert.equal(client.getQueryData(['after']), 1);
  client.dispose();
});

test('a structuralSharing function is asked for the first data too, with undefined, and the cache holds what it gives', async () => {
  const client = new QueryClient();
  const calls = [];
  const structuralSharing = (old, next) => {
    calls.push([old, next]);
    return { ...next, sharedBy: calls.length };
  };
  await client.fetchQuery({ queryKey: ['f'], queryFn: async () => ({ v: 1 }), structuralSharing });
  assert.deepEqual(calls, [[undefined, { v: 1 }]], 'the first fetch asks it with no old data');
  assert.deepEqual(client.getQueryData(['f']), { v: 1, sharedBy: 1 });
  await client.fetchQuery({ queryKey: ['f'], queryFn: async () => ({ v: 2 }), structuralSharing, staleTime: 0 });
  assert.deepEqual(calls[1], [{ v: 1, sharedBy: 1 }, { v: 2 }], 'then the data it gave before');
  assert.deepEqual(client.getQueryData(['f']), { v: 2, sharedBy: 2 });

  // A query that exists with no data yet (an observer made it): setQueryData asks it too.
  client.watch({ queryKey: ['t'], enabled: false, structuralSharing });
  client.setQueryData(['t'], { w: 1 });
  assert.deepEqual(calls.at(-1), [undefined, { w: 1 }]);
  assert.deepEqual(client.getQueryData(['t']), { w: 1, sharedBy: 3 });
  client.dispose();
});
