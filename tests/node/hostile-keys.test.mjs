// Query keys that throw while they are read (a revoked proxy, a proxy whose traps throw, an
// index getter that throws), thousands of times in one process, through the built package:
// each call fails with the thrown error, and the instance keeps working afterwards. A throw that
// unwound through wasm instead of coming back as an error would leave the shadow stack pointer
// behind each time, until the instance broke.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryClient } from '../../pkg/nodejs/stackquery.js';

function hostileKeys() {
  const revoked = Proxy.revocable([], {});
  revoked.revoke();
  const trapThrows = (trap) => new Proxy([], { [trap]() { throw new Error(`${trap} trap`); } });
  const objectTrap = new Proxy({}, { ownKeys() { throw new Error('ownKeys trap'); } });
  const protoTrap = new Proxy({}, { getPrototypeOf() { throw new Error('getPrototypeOf trap'); } });
  const indexGetter = ['a'];
  Object.defineProperty(indexGetter, 1, { get() { throw new Error('index getter'); }, enumerable: true });
  return [
    ['revoked proxy', revoked.proxy],
    ['revoked proxy inside', ['a', revoked.proxy]],
    ['get trap', trapThrows('get')],
    ['ownKeys trap inside', ['a', objectTrap]],
    ['getPrototypeOf trap inside', ['a', protoTrap]],
    ['index getter', indexGetter],
  ];
}

test('keys that throw while read fail each call cleanly, 6,000 times, and the instance keeps working', async () => {
  const client = new QueryClient({ staleTime: 60_000 });
  const seen = new Set();
  for (let round = 0; round < 1000; round++) {
    for (const [name, key] of hostileKeys()) {
      let threw = false;
      try {
        client.getQueryData(key);
        client.setQueryData(key, 1);
      } catch (e) {
        threw = true;
        seen.add(`${name}: ${e && e.constructor && e.constructor.name}`);
      }
      assert.ok(threw, `${name}: reading the key throws`);
    }
  }
  assert.ok(seen.size >= 6, [...seen].join('\n'));
  // Still whole: this client and a new one work.
  assert.equal(await client.fetchQuery({ queryKey: ['ok'], queryFn: async () => 'fine' }), 'fine');
  const fresh = new QueryClient();
  fresh.setQueryData(['x', { y: [1, 2] }], 'v');
  assert.equal(fresh.getQueryData(['x', { y: [1, 2] }]), 'v');
  client.dispose();
  fresh.dispose();
});

test('a key claiming a huge length is a RangeError at once, not a long read that runs wasm out of memory', () => {
  const client = new QueryClient();
  const sparse = ['user'];
  sparse.length = 3e8;
  const liar = new Proxy([], { get: (t, p) => (p === 'length' ? 2 ** 32 - 1 : undefined) });
  const started = Date.now();
  assert.throws(() => client.getQueryData(sparse), RangeError);
  assert.throws(() => client.setQueryData(['a', liar], 1), RangeError);
  assert.ok(Date.now() - started < 2_000, `refused in ${Date.now() - started} ms`);
  client.setQueryData(['still', 'fine'], 1);
  assert.equal(client.getQueryData(['still', 'fine']), 1);
  client.dispose();
});
