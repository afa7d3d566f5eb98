// The JS fast path of key hashing (js/key_hash.js): whenever it gives a hash, the hash is
// byte for byte what TanStack's own `hashKey` gives (the Rust reader, which handles the
// rest, is checked against the same function by tests/tanstack_vectors.rs). Random keys
// with a fixed seed (KEY_SEED to change), hostile parts included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashKey } from '@tanstack/query-core';
import { fastKeyHash } from '../../js/key_hash.js';

const SEED = Number(process.env.KEY_SEED ?? 20261125);

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('fast key hashes equal TanStack hashKey', () => {
  const r = rng(SEED);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const strings = ['', 'todos', 'é', '𝄞', '\u2028', 'quote"', 'back\\slash', '\n\t', '\ud800', '0', '10', '2', 'a b', '__proto__', 'constructor'];
  const numbers = [0, -0, 1, -1, 1.5, 0.1, 1e21, 1e-7, 123456789012345680000, 2 ** 53, 2 ** 53 + 2, NaN, Infinity, -Infinity, 5e-324, Number.MAX_VALUE];
  function value(depth) {
    const k = r();
    if (depth > 3 || k < 0.35) return pick(strings);
    if (k < 0.6) return pick(numbers);
    if (k < 0.65) return pick([true, false, null, undefined]);
    if (k < 0.82) return Array.from({ length: Math.floor(r() * 4) }, () => value(depth + 1));
    if (k < 0.97) {
      const o = {};
      for (let i = Math.floor(r() * 4); i > 0; i--) o[pick(strings)] = value(depth + 1);
      return o;
    }
    return pick([new Date(0), Object.create({ inherited: 1 }), () => 1, Symbol('s')]);
  }
  let fast = 0;
  const N = 20_000;
  for (let i = 0; i < N; i++) {
    const key = Array.from({ length: 1 + Math.floor(r() * 4) }, () => value(1));
    const h = fastKeyHash(key);
    if (h === undefined) continue;
    fast += 1;
    assert.equal(h, hashKey(key), `key #${i} (seed ${SEED})`);
  }
  console.log(`# ${fast} of ${N} random keys took the fast path`);
  assert.ok(fast > N / 4, 'the fast path covers common keys');
  // A Date is what TanStack's hash (JSON.stringify) writes for it: its ISO string, null when invalid.
  for (const key of [['user', 7, { include: 'posts' }], ['todos', { done: false, page: 2 }], [1, [2, [3]]],
    ['events', { from: new Date(0), to: new Date(Date.UTC(2026, 10, 29, 12)) }], ['d', new Date(NaN)]]) {
    assert.equal(fastKeyHash(key), hashKey(key));
  }
  for (const key of [['f', () => 1], ['p', Object.create(Date.prototype)], ['u', undefined], ['n', NaN], ['s', '\udc00'], ['i', { 1: 'x' }], 'not an array']) {
    assert.equal(fastKeyHash(key), undefined, `left to the Rust reader: ${Array.isArray(key) ? key[0] : key}`);
  }
});
