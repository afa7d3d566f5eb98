// Structural sharing: TanStack's `replaceEqualDeep`, and what the cache stores by the
// `structuralSharing` option (`shareData`, which src/bindings/structural.rs imports; the
// build bundles it with the glue). Walking the user's data here rather than from wasm costs
// no boundary crossing per property, and a `structuralSharing` function is called here.
//
// New data that equals the old keeps the old references, so `===` checks (React's memo,
// `select` memoization, observers' change detection) see "unchanged" for every subtree
// that did not change. Over plain arrays (no holes, no extra properties) and plain objects
// (prototype `Object.prototype` or `null`) only: anything else (class instances, dates,
// maps) is taken from the new data as it is. A cycle, a depth past 256 or more than
// 100,000 objects compared stop the walk there (new data is used), and a throwing getter
// or proxy makes the whole result the new data: this function never throws into the engine.

const MAX_DEPTH = 256;
const MAX_NODES = 100_000;

const isObject = (v) => typeof v === 'object' && v !== null;

function isPlainObject(v) {
  if (!isObject(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype;
}

/** The length of a plain array (as many own keys as its length), or -1. */
function plainArrayLength(v) {
  if (!Array.isArray(v)) return -1;
  const n = v.length;
  return Object.keys(v).length === n ? n : -1;
}

/**
 * What the cache stores when `next` replaces `prev` (undefined: the query has no data yet)
 * under the `structuralSharing` option: `true` or absent, `replaceEqualDeep`; `false`, `next`;
 * a function `(oldData, newData) => data`, what it gives, asked for a query's first data
 * too, as TanStack's. What the function throws goes to the engine, which fails the write.
 */
export function shareData(setting, prev, next) {
  if (typeof setting === 'function') return setting(prev, next);
  if (prev === undefined || setting === false) return next;
  return replaceEqualDeep(prev, next);
}

/** `next`, every subtree deeply equal to the one at the same place in `prev` replaced by it. */
export function replaceEqualDeep(prev, next) {
  const ancestors = [];
  let budget = MAX_NODES;
  const walk = (a, b) => {
    if (a === b) return a;
    if (ancestors.length >= MAX_DEPTH || budget === 0 || ancestors.includes(a)) return b;
    budget--;
    const aLength = plainArrayLength(a);
    const bLength = plainArrayLength(b);
    let keys;
    let size = aLength;
    if (aLength >= 0 && bLength >= 0) {
      keys = null;
    } else if (aLength < 0 && bLength < 0 && isPlainObject(a) && isPlainObject(b)) {
      keys = Object.keys(b);
      size = Object.keys(a).length;
      if (keys.includes('__proto__')) return b; // a copy could not hold it by assignment
    } else {
      return b;
    }
    const count = keys ? keys.length : bLength;
    const copy = keys ? {} : new Array(count);
    let equal = 0;
    ancestors.push(a);
    for (let i = 0; i < count; i++) {
      const key = keys ? keys[i] : i;
      const value = b[key];
      let member = value;
      if (keys ? Object.hasOwn(a, key) : i < aLength) {
        const old = a[key];
        if (old !== value && isObject(old) && isObject(value)) member = walk(old, value);
        if (member === old) equal++;
      }
      copy[key] = member;
    }
    ancestors.pop();
    return size === count && equal === size ? a : copy;
  };
  try {
    return walk(prev, next);
  } catch {
    return next; // user code (a getter, a proxy trap) threw
  }
}
