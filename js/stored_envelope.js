// The quick read of stored entries, for the engine (src/bindings/stored_envelope.rs): an
// envelope in exactly the form the engine writes it (src/core/persist/envelope.rs:
// `{"v":1,"key":<hash>,"buster":<string>,"updatedAt":<int>,"invalidated":<bool>,
// "expiresAt":<int>[,"rev":<int>],"data":<data>}`, fields in that order, no whitespace) is
// checked and parsed here, so its text never has to be copied into wasm.
//
// Anything else is left to the engine's exact reader: another field order, whitespace, a
// negative time, a field after `data`, an entry that may be over maxEntryBytes, a revision
// out of range, a key or data nested deeper than the engine reads. So whatever this
// accepts, the exact reader accepts too, with the same fields, key and data.

import { utf8Length } from './utf8_length.js';

const HEAD = '{"v":1,"key":';
const MAX_REV = 2 ** 53 - 1;
// The envelope object is level 1 of the engine's 256 (envelope.rs MAX_DEPTH).
const MAX_DEPTH = 255;
// Where the data of the envelope `readEnvelope` read starts.
let at = 0;

/**
 * Reads the entries `picked` of `values` (stored strings), each stored for the query whose
 * hash is its `keys` string from UTF-16 offset `skip` on, written under `middle` (the
 * client's `,"buster":<JSON string>,"updatedAt":`), at most `maxUnits` long to be read here.
 * Answers an array: the data of each picked entry read here (`undefined`: read it the exact
 * way), then its query key. `out` gets five numbers an entry: updatedAt, invalidated (1 or
 * 0), expiresAt, rev, its UTF-8 bytes (when `countBytes`).
 */
export function readStoredEnvelopes(values, keys, picked, skip, middle, maxUnits, countBytes, out) {
  const n = picked.length;
  const read = new Array(2 * n);
  for (let j = 0; j < n; j++) {
    const raw = values[picked[j]];
    const key = keys[picked[j]];
    if (typeof raw !== 'string' || typeof key !== 'string' || raw.length > maxUnits) continue;
    const queryKey = readEnvelope(raw, skip === 0 ? key : key.slice(skip), middle, out, 5 * j);
    if (queryKey === undefined || !nestsWithin(raw, at, raw.length - 1)) continue;
    try {
      // Parsed whole up to the closing brace: a field after the data fails here.
      read[j] = JSON.parse(raw.slice(at, -1));
    } catch {
      continue;
    }
    read[n + j] = queryKey;
    if (countBytes) out[5 * j + 4] = utf8Length(raw);
  }
  return read;
}

/**
 * The query key of `raw` when it is an envelope as the engine writes it of `hash` under
 * `middle` (its numbers put in `out` from `o`, `at` left where its data starts);
 * `undefined` otherwise.
 */
function readEnvelope(raw, hash, middle, out, o) {
  if (raw.charCodeAt(raw.length - 1) !== 0x7d || hash.charCodeAt(0) !== 0x5b || !raw.startsWith(HEAD)
    || !raw.startsWith(hash, HEAD.length)) return undefined;
  const fields = fieldsAfter(middle);
  fields.lastIndex = HEAD.length + hash.length;
  const found = fields.exec(raw);
  if (found === null) return undefined;
  const rev = found[4] === undefined ? 0 : Number(found[4]);
  if (rev > MAX_REV) return undefined;
  // The key must be JSON the exact reader takes: an array, nested no deeper than it reads.
  let queryKey;
  try {
    queryKey = JSON.parse(hash);
  } catch {
    return undefined;
  }
  if (!nestsWithin(hash, 0, hash.length)) return undefined;
  out[o] = Number(found[1]);
  out[o + 1] = found[2] === 'true' ? 1 : 0;
  out[o + 2] = Number(found[3]);
  out[o + 3] = rev;
  out[o + 4] = 0;
  at = fields.lastIndex;
  return queryKey;
}

// The fields after the key as the engine writes them: `middle`, then integers of at most 18
// digits with no leading zero (a revision at most 16), up to the data. Made once per
// `middle` (a client's buster).
let fieldsMiddle;
let fields;
function fieldsAfter(middle) {
  if (middle !== fieldsMiddle) {
    const literal = middle.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
    fields = new RegExp(`${literal}(0|[1-9]\\d{0,17}),"invalidated":(true|false),"expiresAt":(0|[1-9]\\d{0,17})(?:,"rev":(0|[1-9]\\d{0,15}))?,"data":`, 'y');
    fieldsMiddle = middle;
  }
  return fields;
}

/** Whether the JSON text `text[from..to]` nests at most MAX_DEPTH levels. */
function nestsWithin(text, from, to) {
  // Nesting deeper needs two characters a level.
  if (to - from <= 2 * MAX_DEPTH) return true;
  let depth = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: nothing in it nests (`\"` does not end it).
      for (i++; i < to; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) return false;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return true;
}
