// Short names for the JS functions the engine's .wasm imports from its glue. wasm-bindgen
// names each `__wbg_<name>_<16 hex digits of hash>` (104 of them today); the name is written
// twice, in the .wasm's import section and as a key of the glue's import object, and its
// hash packs to nothing smaller. Renamed `a`, `b`, … in both: about 3 KB less in the entry
// after gzip. Used by scripts/bundle-entries.mjs.

/** The import module of the glue's own functions (wasm-bindgen's `--target web` glue). */
const GLUE_MODULE = './stackquery_bg.js';

function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, at];
  }
}

function leb(value) {
  const out = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

function shortName(n) {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let name = '';
  do {
    name = letters[n % 52] + name;
    n = Math.floor(n / 52);
  } while (n > 0);
  return name;
}

/** The end of an import's description (its kind byte at `at`). */
function skipImportDescription(bytes, at) {
  const kind = bytes[at++];
  const limits = (i) => {
    const flags = bytes[i++];
    [, i] = readLeb(bytes, i);
    if (flags & 1) [, i] = readLeb(bytes, i);
    return i;
  };
  if (kind === 0) return readLeb(bytes, at)[1]; // function: type index
  if (kind === 1) return limits(at + 1); // table: reference type, limits
  if (kind === 2) return limits(at); // memory
  if (kind === 3) return at + 2; // global: value type, mutability
  throw new Error(`short_import_names: an import of kind ${kind}`);
}

/**
 * `wasm` (bytes) with the glue module's import names shortened, and the renaming
 * (`Map` old → new) for the glue's source.
 */
export function shortenImportNames(wasm) {
  const utf8 = new TextDecoder();
  const encoder = new TextEncoder();
  const renamed = new Map();
  const parts = [wasm.subarray(0, 8)];
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, start] = readLeb(wasm, at + 1);
    let body = wasm.subarray(start, start + size);
    if (id === 2) {
      const [count, first] = readLeb(body, 0);
      const section = [...leb(count)];
      let i = first;
      for (let n = 0; n < count; n++) {
        const [moduleLength, m] = readLeb(body, i);
        const module = body.subarray(m, m + moduleLength);
        const [fieldLength, f] = readLeb(body, m + moduleLength);
        const field = utf8.decode(body.subarray(f, f + fieldLength));
        const descriptionEnd = skipImportDescription(body, f + fieldLength);
        let name = field;
        if (utf8.decode(module) === GLUE_MODULE) {
          if (!renamed.has(field)) renamed.set(field, shortName(renamed.size));
          name = renamed.get(field);
        }
        const nameBytes = encoder.encode(name);
        section.push(...leb(moduleLength), ...module, ...leb(nameBytes.length), ...nameBytes, ...body.subarray(f + fieldLength, descriptionEnd));
        i = descriptionEnd;
      }
      body = Uint8Array.from(section);
    }
    parts.push(Uint8Array.from([id, ...leb(body.length)]), body);
    at = start + size;
  }
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  parts.reduce((offset, part) => (out.set(part, offset), offset + part.length), 0);
  return { wasm: out, renamed };
}

/** The glue's `source` with the import object's keys renamed as the .wasm's imports were. */
export function renameInGlue(source, renamed) {
  let result = source;
  for (const [from, to] of renamed) {
    const key = new RegExp(`\\b${from}\\b`, 'g');
    const found = result.match(key)?.length ?? 0;
    if (found !== 1) throw new Error(`short_import_names: the glue names ${from} ${found} times, not once`);
    result = result.replace(key, to);
  }
  return result;
}
