// Raw deflate (RFC 1951) decoding, synchronous, for the engine's inlined .wasm
// (inline_wasm.js). Synchronous because the entry modules instantiate the engine while
// they load, without a top-level await: a top-level await would make the package
// unusable from esbuild's default iife output, from `require()` and from CommonJS test
// runners. Hosts' own `DecompressionStream` is asynchronous only.
//
// Huffman codes are decoded through one lookup table per code (indexed by the next
// `bits` input bits, least significant first; entry = symbol << 4 | code length). It runs
// once per page, mostly before the JIT has optimized it, so the loop over the compressed
// data is a small function of its own, on local variables, with no calls: V8 compiles
// such a loop early and keeps it compiled. The input is the package's own data, built by
// scripts/bundle-entries.mjs; a damaged stream ends in an Error, never in a loop or a write
// outside the output.

const LENGTH_BASE = new Uint16Array([3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]);
const LENGTH_EXTRA = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]);
const DISTANCE_BASE = new Uint16Array([1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]);
const DISTANCE_EXTRA = new Uint8Array([0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]);
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

const truncated = () => new Error('inflate: truncated input');

/** The decoding table of the canonical Huffman code with these code lengths. */
function huffmanTable(lengths) {
  let bits = 1;
  const count = new Uint16Array(16);
  for (let s = 0; s < lengths.length; s++) {
    count[lengths[s]]++;
    if (lengths[s] > bits) bits = lengths[s];
  }
  count[0] = 0;
  // More codes of some length than the lengths before it leave room for: not a prefix
  // code (an incomplete code is fine: its unused patterns stay 0 and fail when read).
  for (let l = 1, left = 1; l < 16; l++) {
    left = (left << 1) - count[l];
    if (left < 0) throw new Error('inflate: over-subscribed code');
  }
  const next = new Uint16Array(16);
  for (let l = 1, code = 0; l < 16; l++) {
    code = (code + count[l - 1]) << 1;
    next[l] = code;
  }
  const table = new Uint16Array(1 << bits); // symbol < 288, so symbol << 4 | length < 2^13
  for (let s = 0; s < lengths.length; s++) {
    const l = lengths[s];
    if (l === 0) continue;
    let code = next[l]++;
    let reversed = 0;
    for (let i = 0; i < l; i++) {
      reversed = (reversed << 1) | (code & 1);
      code >>= 1;
    }
    for (let i = reversed; i < table.length; i += 1 << l) table[i] = (s << 4) | l;
  }
  return { table, mask: (1 << bits) - 1, bits };
}

/** The reader: input bytes, the next one's index, and the bits read but not consumed. */
function reader(input) {
  return { input, pos: 0, buf: 0, count: 0 };
}

function readBits(r, n) {
  if (r.count < n) fill(r, n);
  const v = r.buf & ((1 << n) - 1);
  r.buf >>>= n;
  r.count -= n;
  return v;
}

function readSymbol(r, code) {
  if (r.count < code.bits) fill(r, code.bits);
  const entry = code.table[r.buf & code.mask];
  const l = entry & 15;
  if (l === 0) throw new Error('inflate: invalid code');
  r.buf >>>= l;
  r.count -= l;
  return entry >> 4;
}

/** At least `n` bits in the buffer; past the end of the input, zeros (a last code may
 * end in the final byte's padding), but not for long. */
function fill(r, n) {
  while (r.count < n) {
    r.buf |= (r.pos < r.input.length ? r.input[r.pos] : 0) << r.count;
    if (++r.pos > r.input.length + 4) throw truncated();
    r.count += 8;
  }
}

let fixed; // the fixed codes of block type 1, built on first use

function fixedCodes() {
  if (!fixed) {
    const l = new Uint8Array(288).fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
    fixed = [huffmanTable(l), huffmanTable(new Uint8Array(32).fill(5))]; // 30 and 31 are codes, not distances
  }
  return fixed;
}

/** A dynamic block's header: its literal/length and distance codes. */
function dynamicCodes(r) {
  const nLiterals = readBits(r, 5) + 257;
  const nDistances = readBits(r, 5) + 1;
  const nCodeLengths = readBits(r, 4) + 4;
  const codeLengthLengths = new Uint8Array(19);
  for (let i = 0; i < nCodeLengths; i++) codeLengthLengths[CODE_LENGTH_ORDER[i]] = readBits(r, 3);
  const codeLengths = huffmanTable(codeLengthLengths);
  const lengths = new Uint8Array(nLiterals + nDistances);
  for (let i = 0; i < lengths.length;) {
    const s = readSymbol(r, codeLengths);
    if (s < 16) {
      lengths[i++] = s;
      continue;
    }
    const repeat = s === 16 ? 3 + readBits(r, 2) : s === 17 ? 3 + readBits(r, 3) : 11 + readBits(r, 7);
    if (i + repeat > lengths.length || (s === 16 && i === 0)) throw new Error('inflate: bad code lengths');
    lengths.fill(s === 16 ? lengths[i - 1] : 0, i, i + repeat);
    i += repeat;
  }
  return [huffmanTable(lengths.subarray(0, nLiterals)), huffmanTable(lengths.subarray(nLiterals))];
}

/** One block's compressed data into `out` from `at`; returns the new end of the output. */
function inflateCodes(r, literals, distances, out, at) {
  const input = r.input, inputEnd = input.length, size = out.length;
  const litTable = literals.table, litMask = literals.mask, litBits = literals.bits;
  const distTable = distances.table, distMask = distances.mask, distBits = distances.bits;
  let pos = r.pos, buf = r.buf, count = r.count;
  for (;;) {
    // Refills keep buf under 2^29 (a small integer to V8, never a boxed number): at least
    // 22 bits for a literal/length code (15) and its extra bits (5), again 22 for the
    // distance code (15), then 13 for the distance's extra bits.
    while (count < 22) {
      buf |= (pos < inputEnd ? input[pos] : 0) << count;
      pos++;
      count += 8;
    }
    if (pos > inputEnd + 4) throw truncated();
    let entry = litTable[buf & litMask];
    let l = entry & 15;
    if (l === 0) throw new Error('inflate: invalid code');
    buf >>>= l;
    count -= l;
    const symbol = entry >> 4;
    if (symbol < 256) {
      if (at >= size) throw new Error('inflate: output longer than expected');
      out[at++] = symbol;
      continue;
    }
    if (symbol === 256) break;
    const li = symbol - 257;
    if (li >= 29) throw new Error('inflate: bad length code');
    const lengthExtra = LENGTH_EXTRA[li];
    const len = LENGTH_BASE[li] + (buf & ((1 << lengthExtra) - 1));
    buf >>>= lengthExtra;
    count -= lengthExtra;
    while (count < 22) {
      buf |= (pos < inputEnd ? input[pos] : 0) << count;
      pos++;
      count += 8;
    }
    entry = distTable[buf & distMask];
    l = entry & 15;
    if (l === 0) throw new Error('inflate: invalid code');
    buf >>>= l;
    count -= l;
    const di = entry >> 4;
    if (di >= 30) throw new Error('inflate: bad distance code');
    const distanceExtra = DISTANCE_EXTRA[di];
    while (count < distanceExtra) {
      buf |= (pos < inputEnd ? input[pos] : 0) << count;
      pos++;
      count += 8;
    }
    const distance = DISTANCE_BASE[di] + (buf & ((1 << distanceExtra) - 1));
    buf >>>= distanceExtra;
    count -= distanceExtra;
    if (distance > at || at + len > size) throw new Error('inflate: bad back-reference');
    for (const end = at + len; at < end; at++) out[at] = out[at - distance];
  }
  r.pos = pos;
  r.buf = buf;
  r.count = count;
  return at;
}

/** The `size` bytes that raw deflate `input` decodes to. */
export function inflateRaw(input, size) {
  const out = new Uint8Array(size);
  const r = reader(input);
  let at = 0;
  let last = 0;
  while (!last) {
    last = readBits(r, 1);
    const type = readBits(r, 2);
    if (type === 0) { // stored: byte-aligned length, its complement, the bytes
      r.pos -= r.count >> 3; // whole bytes read ahead go back
      r.buf = 0;
      r.count = 0;
      if (r.pos + 4 > input.length) throw truncated();
      const len = input[r.pos] | (input[r.pos + 1] << 8);
      if ((input[r.pos + 2] | (input[r.pos + 3] << 8)) !== (~len & 0xffff)) throw new Error('inflate: bad stored block');
      r.pos += 4;
      if (r.pos + len > input.length || at + len > size) throw new Error('inflate: bad stored block');
      out.set(input.subarray(r.pos, r.pos + len), at);
      at += len;
      r.pos += len;
    } else if (type === 1) {
      const [literals, distances] = fixedCodes();
      at = inflateCodes(r, literals, distances, out, at);
    } else if (type === 2) {
      const [literals, distances] = dynamicCodes(r);
      at = inflateCodes(r, literals, distances, out, at);
    } else {
      throw new Error('inflate: invalid block type');
    }
  }
  if (at !== size) throw new Error('inflate: output shorter than expected');
  if (r.pos - (r.count >> 3) > input.length) throw truncated(); // ended in the zero padding
  return out;
}
