// The package's entries carry the engine's .wasm as deflate-compressed text and inflate it
// as they load (js/entries/inflate.js). Decoding must be exact for anything zlib writes,
// and a damaged stream must end in an Error: never a hang, never bytes written past the
// expected size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createDeflateRaw, deflateRawSync } from 'node:zlib';
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
      inflateRaw(damaged, data.length);
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

/** Raw deflate bits, least significant first; Huffman codes go in most significant bit first. */
function bitWriter() {
  const bytes = [];
  let bit = 0;
  const put = (value, n) => {
    for (let i = 0; i < n; i++, bit++) {
      if ((bit & 7) === 0) bytes.push(0);
      bytes[bytes.length - 1] |= ((value >> i) & 1) << (bit & 7);
    }
  };
  const code = (value, n) => { for (let i = n - 1; i >= 0; i--) put((value >> i) & 1, 1); };
  return { put, code, bytes: () => Uint8Array.from(bytes) };
}

test('inflate: a stored block after compressed ones (a flushed stream) decodes', async () => {
  const parts = [Buffer.from('stale-while-revalidate '.repeat(500)), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) & 255))];
  const stream = createDeflateRaw({ level: 9 });
  const chunks = [];
  stream.on('data', (c) => chunks.push(c));
  stream.write(parts[0]);
  await new Promise((ok) => stream.flush(constants.Z_FULL_FLUSH, ok)); // ends in an empty stored block
  stream.write(parts[1]);
  const ended = new Promise((ok) => stream.on('end', ok));
  stream.end();
  await ended;
  const data = Buffer.concat(parts);
  assert.ok(Buffer.from(inflateRaw(Buffer.concat(chunks), data.length)).equals(data));
});

test('inflate: streams no encoder writes are refused by name', () => {
  // A stored block whose length's complement is wrong.
  assert.throws(() => inflateRaw(Uint8Array.from([0x01, 5, 0, 0, 0, ...Buffer.from('hello')]), 5), /inflate: bad stored block/);
  // A dynamic block whose code-length code gives 19 codes of length 1: not a prefix code.
  let w = bitWriter();
  w.put(1, 1); w.put(2, 2); w.put(0, 5); w.put(0, 5); w.put(15, 4);
  for (let i = 0; i < 19; i++) w.put(1, 3);
  assert.throws(() => inflateRaw(w.bytes(), 10), /inflate: over-subscribed code/);
  // A fixed block that starts with a back-reference: nothing to copy from yet.
  w = bitWriter();
  w.put(1, 1); w.put(1, 2);
  w.code(1, 7); // length symbol 257: 3 bytes
  w.code(0, 5); // distance symbol 0: 1 byte back
  w.code(0, 7); // end of block
  assert.throws(() => inflateRaw(w.bytes(), 3), /inflate: bad back-reference/);
  // Block type 3 does not exist.
  assert.throws(() => inflateRaw(Uint8Array.from([0x07]), 1), /inflate: invalid block type/);
  // Length symbol 286 and distance symbol 30 are not used by the format.
  w = bitWriter();
  w.put(1, 1); w.put(1, 2);
  w.code(0b11000110, 8); // literal/length 286 (fixed code 280-287: 8 bits from 11000000)
  assert.throws(() => inflateRaw(w.bytes(), 10), /inflate: bad length code/);
  w = bitWriter();
  w.put(1, 1); w.put(1, 2);
  w.code(0b00110000 + 65, 8); // the literal 'A'
  w.code(1, 7); // length 3
  w.code(30, 5); // distance symbol 30
  assert.throws(() => inflateRaw(w.bytes(), 4), /inflate: bad distance code/);
});
