// Writes hash_key.json and partial_match.json: what @tanstack/query-core itself says
// for a set of query keys, so the Rust hasher and matcher can be checked byte-for-byte.
// Values are tagged so that -0, undefined and property order survive JSON:
//   {"u":0} undefined  {"z":0} null  {"b":bool}  {"n":"<f64 bits, hex>"}  {"s":str}
//   {"a":[...]} array  {"o":[[name, value], ...]} object in insertion order
// Run: npm run vectors
import { writeFileSync } from 'node:fs';
import { hashKey, partialMatchKey } from '@tanstack/query-core';

const bits = (n) => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, n);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
};
const tag = (v) => {
  if (v === undefined) return { u: 0 };
  if (v === null) return { z: 0 };
  if (typeof v === 'boolean') return { b: v };
  if (typeof v === 'number') return { n: bits(v) };
  if (typeof v === 'string') return { s: v };
  if (Array.isArray(v)) return { a: v.map(tag) };
  return { o: Object.keys(v).map((k) => [k, tag(v[k])]) };
};

const keys = [
  [], ['todos'], ['todos', 1], ['todos', 1.5], ['n', -0], ['n', 0], ['n', 1e21], ['n', 1e20],
  ['n', 123456789012345680000], ['n', 1e-7], ['n', 0.000001], ['n', -1.25e-7], ['n', 0.1 + 0.2],
  ['n', Number.MAX_VALUE], ['n', Number.MIN_VALUE], ['n', Number.MAX_SAFE_INTEGER], ['n', -42],
  ['n', NaN], ['n', Infinity], ['n', -Infinity], ['n', 2 ** 53 + 2], ['n', 1 / 3], ['n', 5e-7], ['n', 1.5e300],
  [null], [true, false], [undefined], ['x', undefined, 'y'], [{}], [[]], [[[]]],
  ['todos', { page: 2, done: true }], ['todos', { done: true, page: 2 }],
  ['user', 7, { include: 'posts' }], [{ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } }],
  [{ gone: undefined, kept: 1 }], [{ 'é': 1, e: 2, E: 3, _: 4, '10': 5, '9': 6, '': 7 }],
  ['unicode ✓ 日本語 😀'], ['quote " backslash \\ slash /'], ['control \n \t \r \b \f \u0001 \u001f'],
  ['\u2028\u2029'], [{ '𝒳': 1, 'ｚ': 2, '\uffff': 3 }], [['nested', ['deep', ['deeper', { k: [1, 2, 3] }]]]],
  [{ __proto__x: 1, constructor: 'c', toString: 't' }], ['mixed', 1, 'two', null, true, [3], { four: 4 }],
  [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
];
writeFileSync(new URL('./hash_key.json', import.meta.url),
  JSON.stringify(keys.map((key) => ({ key: tag(key), hash: hashKey(key) })), null, 1) + '\n');

const pairs = [
  [['todos', 1], ['todos']], [['todos', { done: true, page: 1 }], ['todos', { done: true }]],
  [['todos', { done: true }], ['todos', { done: false }]], [['todos'], ['todos', 1]], [['todo'], ['todos']],
  [['a', [1, 2, 3]], ['a', [1, 2]]], [['a', [1, 2]], ['a', [2]]], [['a', { x: { y: 1, z: 2 } }], ['a', { x: { y: 1 } }]],
  [['a'], []], [['a', { k: 1 }], ['a', {}]], [['a', {}], ['a', { k: undefined }]], [['a', 1], ['a', '1']],
  [['a', null], ['a', null]], [['a', NaN], ['a', NaN]], [['a', { k: 1 }], ['a', { k: 1, j: 2 }]],
];
writeFileSync(new URL('./partial_match.json', import.meta.url),
  JSON.stringify(pairs.map(([q, f]) => ({ query: tag(q), filter: tag(f), matches: partialMatchKey(q, f) })), null, 1) + '\n');
console.log(`wrote ${keys.length} hash vectors and ${pairs.length} match vectors`);
