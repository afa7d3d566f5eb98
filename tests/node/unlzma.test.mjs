// The package's entries carry the engine's .wasm LZMA-packed and unpack it as they load,
// with a decoder that is a wasm module of its own (unlzma/, driven by
// js/entries/unlzma.js). Tested here as shipped: the decoder module the build made
// (target/unlzma/unlzma.wasm), on what `xz` writes. Decoding must be exact, and a damaged
// stream must end in an Error named for the decoder: never a hang, never a trap that
// escapes, never bytes of another length.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { unlzma } from '../../js/entries/unlzma.js';
import { rng } from '../support/rng.mjs';

const decoderFile = new URL('../../target/unlzma/unlzma.wasm', import.meta.url);
const decoder = () => {
  assert.ok(existsSync(decoderFile), 'the decoder is built (bash scripts/build-package.sh)');
  return readFileSync(decoderFile);
};
const xz = (data, options) => execFileSync('xz', ['--format=raw', '--stdout', `--lzma1=${options}`], { input: data, maxBuffer: 1 << 26 });
const props = (lc, lp, pb) => (pb * 5 + lp) * 9 + lc;

const random = rng(1127);
const mixed = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i % 7 === 0 ? (random() * 256) | 0 : 97 + (i % 26))));
const inputs = {
  empty: Buffer.alloc(0),
  'one byte': Buffer.from('a'),
  'random bytes': Buffer.from(Array.from({ length: 70_000 }, () => (random() * 256) | 0)),
  'repetitive text (long matches)': Buffer.from('stale-while-revalidate '.repeat(20_000)),
  'mixed (matches, repeated distances, literals after matches)': mixed,
};

test('unlzma: decodes what xz writes, whatever the preset and properties', () => {
  const bytes = decoder();
  for (const [name, data] of Object.entries(inputs)) {
    for (const [lc, lp, pb] of [[4, 0, 0], [3, 0, 2], [0, 4, 4], [1, 1, 1]]) {
      for (const preset of ['0', '9e']) {
        const packed = xz(data, `preset=${preset},lc=${lc},lp=${lp},pb=${pb}`);
        const out = unlzma(bytes, packed, data.length, props(lc, lp, pb));
        assert.ok(Buffer.from(out).equals(data), `${name}, preset ${preset}, lc ${lc} lp ${lp} pb ${pb}`);
      }
    }
  }
});

test("unlzma: the package's own .wasm round-trips, as the build packs it", () => {
  const wasmFile = new URL('../../pkg/workerd/stackquery_bg.wasm', import.meta.url);
  assert.ok(existsSync(wasmFile), 'pkg/ is built (bash scripts/build-package.sh)');
  const wasm = readFileSync(wasmFile);
  const packed = xz(wasm, 'preset=9e,lc=4,lp=0,pb=0,nice=273,dict=1MiB');
  assert.ok(packed.length < wasm.length * 0.4, `packed to ${packed.length} of ${wasm.length} B`);
  const out = unlzma(decoder(), packed, wasm.length, props(4, 0, 0));
  assert.ok(Buffer.from(out).equals(wasm));
  assert.ok(WebAssembly.validate(out));
});

test('unlzma: a damaged, cut or mis-sized stream ends in an Error, not a hang or a trap', () => {
  const bytes = decoder();
  const data = mixed.subarray(0, 30_000);
  const packed = xz(data, 'preset=9e,lc=4,lp=0,pb=0');
  const named = (e) => e instanceof Error && /^unlzma: /.test(e.message);
  const flip = rng(20261127);
  let refused = 0;
  for (let i = 0; i < 300; i++) {
    const damaged = Buffer.from(packed);
    for (let k = 0; k < 1 + (i % 4); k++) damaged[(flip() * damaged.length) | 0] ^= 1 << ((flip() * 8) | 0);
    try {
      const out = unlzma(bytes, damaged, data.length, 4);
      assert.equal(out.length, data.length);
    } catch (e) {
      assert.ok(named(e), `a named unlzma error, got ${e}`);
      refused++;
    }
  }
  // Raw LZMA has no checksum; the end marker that must follow the expected bytes catches most damage.
  assert.ok(refused > 250, `${refused} of 300 damaged streams refused`);
  for (const cut of [0, 1, 5, 6, packed.length >> 1, packed.length - 1]) {
    assert.throws(() => unlzma(bytes, packed.subarray(0, cut), data.length, 4), /^Error: unlzma: /, `cut at ${cut}`);
  }
  assert.throws(() => unlzma(bytes, packed, data.length - 1, 4), /unlzma: longer than expected/);
  assert.throws(() => unlzma(bytes, packed, data.length + 1, 4), /unlzma: shorter than expected/);
  assert.throws(() => unlzma(bytes, packed, data.length, props(5, 0, 0)), /unlzma: bad properties/);
});
