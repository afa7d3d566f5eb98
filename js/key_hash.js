// Query-key hashing in JavaScript, for the common keys: one string crosses into wasm instead
// of a walk over the key across the boundary, one call per element. The text is TanStack's
// `hashKey` (JSON with sorted object keys). Anything this does not handle for certain
// (undefined, non-finite numbers, lone surrogates, index-like property names, non-plain
// objects, deep or cyclic nesting) returns undefined, and the Rust reader decides: it gives
// the same hash, or the TypeError that names the offending part.
// Loaded by the wasm-bindgen glue (scripts/build-package.sh makes a CommonJS copy for Node).

const OBJECT_PROTO = Object.prototype;
const DATE_PROTO = Date.prototype;
const { getTime, toISOString } = DATE_PROTO;

/**
 * What a Date of a key stands for: its ISO string, or null when it is invalid (as
 * `JSON.stringify` writes it); undefined when `v` is no Date (of this realm). Throws for an
 * object that only inherits from `Date.prototype`.
 */
function dateKeyPart(v) {
  if (Object.getPrototypeOf(v) !== DATE_PROTO) return undefined;
  return Number.isFinite(getTime.call(v)) ? toISOString.call(v) : null;
}
const INDEX_LIKE = /^(?:0|[1-9][0-9]*)$/;
const MAX_DEPTH = 64;
const MAX_ITEMS = 1024;

function part(v, depth) {
  switch (typeof v) {
    case 'string':
      return v.isWellFormed() ? JSON.stringify(v) : undefined;
    case 'number':
      return Number.isFinite(v) ? String(v) : undefined; // String(-0) is '0'
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (depth >= MAX_DEPTH) return undefined;
      if (Array.isArray(v)) return list(v, depth + 1);
      const proto = Object.getPrototypeOf(v);
      if (proto === DATE_PROTO) {
        const date = dateKeyPart(v);
        return date === null ? 'null' : JSON.stringify(date);
      }
      if (proto !== OBJECT_PROTO && proto !== null) return undefined;
      const keys = Object.keys(v).sort();
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i];
        if (INDEX_LIKE.test(k) || !k.isWellFormed()) return undefined;
        const p = part(v[k], depth + 1);
        if (p === undefined) return undefined;
        out += (i ? ',' : '') + JSON.stringify(k) + ':' + p;
      }
      return out + '}';
    }
    default:
      return undefined;
  }
}

function list(a, depth) {
  if (a.length > MAX_ITEMS) return undefined; // a huge or sparse array: the Rust reader bounds it
  let out = '[';
  for (let i = 0; i < a.length; i++) {
    const p = part(a[i], depth);
    if (p === undefined) return undefined;
    out += (i ? ',' : '') + p;
  }
  return out + ']';
}

/** The hash of a query key, or undefined when the Rust reader must look at it. */
function fastKeyHash(key) {
  try {
    return Array.isArray(key) ? list(key, 1) : undefined;
  } catch {
    return undefined; // a throwing getter or proxy: the Rust reader reports it
  }
}

export { fastKeyHash, dateKeyPart };
