// Short names for what the engine's .wasm and its glue call each other by. Used by
// scripts/bundle-entries.mjs.
// - Imports: wasm-bindgen names each JS function the .wasm imports from its glue
//   `__wbg_<name>_<16 hex digits of hash>` (104 of them today); the name is written twice,
//   in the .wasm's import section and as a key of the glue's import object, and its hash
//   packs to nothing smaller. Renamed `a`, `b`, … in both: about 3 KB less in the entry
//   after gzip.
// - Import modules: `./stackquery_bg.js`, written before each of those 104 names, and the
//   snippets'; renamed too, in the import section and as keys of the glue's import object.
// - Exported functions: the glue reaches each as `wasm.<name>` (`queryclient_setQueryData`,
//   `__wbindgen_malloc`, closures' `…invoke__h<16 hex>`: 65 names, 1.6 KB); renamed `a`,
//   `b`, … in the export section and in every `wasm.<name>`. The memory and the table keep
//   their names: `init()` returns the exports, and `memory` is read by apps measuring
//   the engine (the benchmark and the soak test do).

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
  throw new Error(`short_wasm_names: an import of kind ${kind}`);
}

/** A section's body rebuilt: `count` entries, each `(body, at) => [bytes, next]`. */
function rewriteVector(body, rewrite) {
  const [count, first] = readLeb(body, 0);
  const section = [...leb(count)];
  let i = first;
  for (let n = 0; n < count; n++) {
    const [bytes, next] = rewrite(body, i);
    section.push(...bytes);
    i = next;
  }
  return Uint8Array.from(section);
}

/**
 * `wasm` (bytes) with its import modules, the glue module's import names and every
 * export name shortened, and the renamings (`Map`s old → new: `modules`, `imports`,
 * `exports`) for the glue's source.
 */
export function shortenWasmNames(wasm) {
  const utf8 = new TextDecoder();
  const encoder = new TextEncoder();
  const modules = new Map();
  const imports = new Map();
  const exports = new Map();
  const name = (body, at) => {
    const [length, start] = readLeb(body, at);
    return [utf8.decode(body.subarray(start, start + length)), start + length];
  };
  const named = (text) => {
    const bytes = encoder.encode(text);
    return [...leb(bytes.length), ...bytes];
  };
  const parts = [wasm.subarray(0, 8)];
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, start] = readLeb(wasm, at + 1);
    let body = wasm.subarray(start, start + size);
    if (id === 2) {
      body = rewriteVector(body, (b, i) => {
        const [module, m] = name(b, i);
        const [field, f] = name(b, m);
        const descriptionEnd = skipImportDescription(b, f);
        let renamed = field;
        if (module === GLUE_MODULE) {
          if (!imports.has(field)) imports.set(field, shortName(imports.size));
          renamed = imports.get(field);
        }
        if (!modules.has(module)) modules.set(module, shortName(modules.size));
        return [[...named(modules.get(module)), ...named(renamed), ...b.subarray(f, descriptionEnd)], descriptionEnd];
      });
    } else if (id === 7) {
      body = rewriteVector(body, (b, i) => {
        const [field, f] = name(b, i);
        const [, end] = readLeb(b, f + 1); // kind, then index
        if (b[f] !== 0) return [b.subarray(i, end), end]; // not a function: keeps its name
        exports.set(field, shortName(exports.size));
        return [[...named(exports.get(field)), ...b.subarray(f, end)], end];
      });
    }
    parts.push(Uint8Array.from([id, ...leb(body.length)]), body);
    at = start + size;
  }
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  parts.reduce((offset, part) => (out.set(part, offset), offset + part.length), 0);
  return { wasm: out, modules, imports, exports };
}

const literal = (name) => name.replace(/\$/g, '\\$');

/**
 * The glue's `source` with the import object's keys and its `wasm.<export>` uses renamed
 * as the .wasm's were, and the import object's module keys. An import the glue does not
 * name exactly once, or a module it does not name, stops the build.
 * The glue (wasm-bindgen's) reaches the exports only as `wasm.<name>`; the package's
 * tests load every entry, so a use of another form would fail them.
 */
export function renameInGlue(source, { modules, imports, exports }) {
  let result = source;
  for (const [from, to] of modules) {
    // Once per module, or once per function the .wasm imports from it directly, with no
    // shim in the glue (wasm-bindgen writes an `import * as` and a key for each).
    const key = `${JSON.stringify(from)}:`;
    if (result.split(key).length < 2) throw new Error(`short_wasm_names: the glue's imports do not have ${key}`);
    result = result.replaceAll(key, () => `${JSON.stringify(to)}:`);
  }
  // Those keys name one module each time (each an `import * as` of the same file): the
  // first is kept, so the import object has no duplicate key for a bundler to warn of.
  const keys = new Set();
  result = result.replace(/^[ \t]*("[^"\n]*"): import\d+,\n/gm, (line, key) => {
    if (keys.has(key)) return '';
    keys.add(key);
    return line;
  });
  for (const [from, to] of imports) {
    const key = new RegExp(`\\b${literal(from)}\\b`, 'g');
    const found = result.match(key)?.length ?? 0;
    if (found !== 1) throw new Error(`short_wasm_names: the glue names ${from} ${found} times, not once`);
    result = result.replace(key, to);
  }
  // One pass, so that a new name is never taken for an old one.
  return result.replace(/\bwasm\.([\w$]+)/g, (use, from) => (exports.has(from) ? `wasm.${exports.get(from)}` : use));
}
