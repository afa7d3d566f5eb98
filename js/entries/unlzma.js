// Unpacks the engine's .wasm, which the build packs with raw LZMA (`xz --format=raw
// --lzma1`: 98 KB where deflate takes 122 KB, and that is most of what a page downloads).
// No host decodes LZMA natively, so the package carries a decoder of its own, itself a
// small wasm module (unlzma/, about 6 KB) that runs at once, synchronously: the entry
// modules instantiate the engine while they load (see inline_wasm.js).

const PAGE = 65_536;
/** unlzma/src/lib.rs: PROBABILITIES × 2 bytes, rounded up. */
const PROBABILITY_BYTES = 32_768;
/**
 * Bytes decoded per call. A wasm call runs to its end in the code it started in, and V8
 * first runs a module's functions in its baseline compiler: the first slices pay for that,
 * the rest run in the optimized code compiled meanwhile.
 */
const SLICE = 4_096;
const REFUSALS = ['', 'bad properties', 'truncated input', 'corrupt input', 'longer than expected', 'shorter than expected'];

const fail = (what) => new Error(`unlzma: ${what}`);

/**
 * Decodes `packed` (a raw LZMA1 stream with the properties byte `props`) to exactly
 * `size` bytes, with the decoder module `decoder` (its bytes); a damaged stream is an Error.
 * The decoder is compiled synchronously: a host that refuses that throws a RangeError, and
 * `unlzmaAsync` is for it.
 */
export function unlzma(decoder, packed, size, props) {
  return decodeWith(new WebAssembly.Instance(new WebAssembly.Module(decoder)), packed, size, props);
}

/** `unlzma`, the decoder compiled asynchronously. */
export async function unlzmaAsync(decoder, packed, size, props) {
  const { instance } = await WebAssembly.instantiate(decoder);
  return decodeWith(instance, packed, size, props);
}

function decodeWith({ exports }, packed, size, props) {
  const memory = exports.memory;
  // Past the module's own memory (its stack and statics): the models, the input, the output.
  const probs = memory.buffer.byteLength;
  const input = probs + PROBABILITY_BYTES;
  const out = input + packed.length;
  memory.grow(Math.ceil((out + size - probs) / PAGE));
  new Uint8Array(memory.buffer, input, packed.length).set(packed);
  let status;
  try {
    status = exports.unlzma_start(probs, input, packed.length, out, size, props);
    for (let until = SLICE; status === 0; until += SLICE) {
      status = exports.unlzma_run(until);
      if (until >= size) break;
    }
    if (status === 0) status = exports.unlzma_finish();
  } catch {
    status = 3; // a trap: the decoder met what no stream it wrote holds
  }
  if (status !== 0) throw fail(REFUSALS[status] ?? 'corrupt input');
  return new Uint8Array(memory.buffer, out, size);
}
