// The L2 envelopes of a write batch, made here for the engine (src/bindings/persister.rs)
// in one call: each query's data goes through `JSON.stringify` and into its envelope
// without its text being copied into wasm and back (10,000 writes: the encoding took
// 27–57 ms that way). The text is exactly what the engine's encoder writes
// (src/core/persist/envelope.rs `encode`), which the quick read (stored_envelope.js) and
// the engine's exact reader both read:
// `{"v":1,"key":<hash>,"buster":<string>,"updatedAt":<int>,"invalidated":<bool>,
// "expiresAt":<int>[,"rev":<int>],"data":<data>}`.

import { utf8Length } from './utf8_length.js';

// The largest time written, as the engine bounds it: 18 digits, the most a reader takes.
const MAX_TIME = '999999999999999999';

/** A time as the engine writes it: whole ms (half away from zero), NaN as 0, bounded. */
function int(t) {
  if (t !== t) return '0';
  const r = t < 0 ? -Math.round(-t) : Math.round(t);
  // No double lies between 999,999,999,999,999,872 and 10^18: every r below prints as
  // at most 18 digits.
  if (r >= 1e18) return MAX_TIME;
  if (r <= -1e18) return `-${MAX_TIME}`;
  // Every digit of the integer, as the engine writes it (String() rounds past 2^53).
  return Number.isSafeInteger(r) ? (r === 0 ? '0' : String(r)) : BigInt(r).toString(); // -0 is 0
}

/**
 * The envelope of each `datas[i]`, stored for the query whose hash is `hashes[i]`, written
 * under `middle` (the client's `,"buster":<JSON string>,"updatedAt":`), with four numbers
 * an entry in `numbers`: updatedAt, expiresAt, rev (0: none), invalidated (1 or 0).
 * Answers `[values, bytes]`: `values[i]` the envelope, or the error that keeps it out of
 * L2; `bytes[i]` its UTF-8 size (exact when `measure`, else only where it may be near
 * `maxBytes`), -1 where its data cannot be stored as JSON (`values[i]` what
 * `JSON.stringify` threw, or a TypeError), -2 where it is over `maxBytes` (a RangeError).
 */
export function envelopes(hashes, datas, numbers, middle, maxBytes, measure) {
  const n = datas.length;
  const values = new Array(n);
  const bytes = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let value;
    try {
      const json = JSON.stringify(datas[i]);
      if (typeof json !== 'string') {
        values[i] = new TypeError(`stackquery: the data of ${hashes[i]} cannot be stored as JSON`);
        bytes[i] = -1;
        continue;
      }
      const o = 4 * i;
      const rev = numbers[o + 2];
      value = '{"v":1,"key":' + hashes[i] + middle + int(numbers[o]) +
        (numbers[o + 3] ? ',"invalidated":true,"expiresAt":' : ',"invalidated":false,"expiresAt":') +
        int(numbers[o + 1]) + (rev > 0 ? ',"rev":' + rev : '') + ',"data":' + json + '}';
    } catch (error) {
      // What JSON.stringify threw (a BigInt, a cycle, a toJSON), or a text past the
      // longest string the host makes: nothing may throw through the engine.
      values[i] = error;
      bytes[i] = -1;
      continue;
    }
    // A UTF-16 unit is one to three bytes of UTF-8: counted only where that decides.
    const size = measure || value.length * 3 > maxBytes ? utf8Length(value) : value.length;
    if (size > maxBytes) {
      values[i] = new RangeError(
        `stackquery: the L2 entry of ${hashes[i]} would be ${size} bytes, over maxEntryBytes (${maxBytes}); it stays in L1 only`,
      );
      bytes[i] = -2;
      continue;
    }
    values[i] = value;
    bytes[i] = size;
  }
  return [values, bytes];
}
