// The package's entries carry the engine's .wasm as deflate-compressed text and inflate it
// as they load (js/entries/inflate.js). Decoding must be exact for anything zlib writes,
// and a damaged stream must end in an Error: never a hang, never bytes written past the
// expected size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { inflateRaw } from '../../js/entries/inflate.js';
import { rng } from '../support/rng.mjs';

const random = rng(1126);
const inputs = {
  empty: Buffer.alloc(0),
  'one byte': Buffer.from('a'),
  'random bytes (stored blocks)': Buffer.from(Array.from({ length: 100_000 }, () => (random() * 256) | 0)),
  'repetitive text (long back-references)': Buffer.from('stale-while-revalidate '.repeat(20_000)),
  'mixed (dynamic codes)': Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i % 7 === 0 ? (random() * 256) | 0 : 97 + (i % 26)))),
};

test('inflate: every zlib level decodes to the original bytes', () => {
  for (const [name, data] of Object.entries(inputs)) {
    for (const level of [0, 1, 6, 9]) {
      for (const strategy of [0, 2, 4]) { // default, Huffman only, fixed codes only
        const packed = deflateRawSync(data, { level, strategy });
        assert.ok(Buffer.from(inflateRaw(packed, data.length)).equals(data), `${name}, level ${level}, strategy ${strategy}`);
      }
    }
  }
});

test('inflate: the package\'s own .wasm round-trips', async () => {
  const { readFileSync, existsSync } = await import('node:fs');
  const wasm = new URL('../../pkg/workerd/stackquery_bg.wasm', import.meta.url);
  assert.ok(existsSync(wasm), 'pkg/ is built (bash scripts/build-package.sh)');
  const bytes = readFileSync(wasm);
  const out = inflateRaw(deflateRawSync(bytes, { level: 9 }), bytes.length);
  assert.ok(Buffer.from(out).equals(bytes));
  assert.ok(WebAssembly.validate(out));
});

test('inflate: damaged, truncated or mis-sized input ends in an Error, not a hang', () => {
  const data = inputs['mixed (dynamic codes)'].subarray(0, 30_000);
  const packed = deflateRawSync(data, { level: 9 });
  const flip = rng(20261126);
  let errors = 0;
  let intact = 0;
  for (let i = 0; i < 300; i++) {
    const damaged = Buffer.from(packed);
    for (let k = 0; k < 1 + (i % 4); k++) damaged[(flip() * damaged.length) | 0] ^= 1 << ((flip() * 8) | 0);
    try {
      const out = inflateRaw(damaged, data.length);
      assert.equal(out.length, data.length); // decoded without complaint: still exactly the size asked for
      intact++;
    } catch (e) {
      assert.ok(e instanceof Error && /^inflate: /.test(e.message), `a named inflate error, got ${e}`);
      errors++;
    }
  }
  // Raw deflate has no checksum: a flipped literal bit decodes to other bytes of the same
  // length (npm's tarball hash guards the package's own data); what matters is the above.
  assert.ok(errors > 0 && intact + errors === 300, `${errors} of 300 damaged streams refused`);
  for (const cut of [0, 1, 10, packed.length >> 1, packed.length - 1]) {
    assert.throws(() => inflateRaw(packed.subarray(0, cut), data.length), /^Error: inflate: /, `cut at ${cut}`);
  }
  assert.throws(() => inflateRaw(packed, data.length - 1), /inflate: /, 'longer than expected');
  assert.throws(() => inflateRaw(packed, data.length + 1), /inflate: /, 'shorter than expected');
});
