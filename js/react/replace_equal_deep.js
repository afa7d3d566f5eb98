// Structural sharing for what `combine` returns (TanStack's replaceEqualDeep): a new value
// deeply equal to the previous one is the previous one, and equal subtrees keep their
// identity, so a combined result stays the same object while nothing in it changed.

function isPlain(value) {
  if (Array.isArray(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

/** `next`, with each part deeply equal to the same part of `previous` replaced by it. */
export function replaceEqualDeep(previous, next, depth = 0) {
  if (previous === next) return previous;
  if (depth > 500 || !isPlain(previous) || !isPlain(next) || Array.isArray(previous) !== Array.isArray(next)) return next;
  const array = Array.isArray(next);
  const keys = array ? next.map((_, i) => i) : Object.keys(next);
  const previousSize = array ? previous.length : Object.keys(previous).length;
  const out = array ? [] : {};
  let equal = keys.length === previousSize;
  for (const key of keys) {
    const inPrevious = array ? key < previous.length : Object.prototype.hasOwnProperty.call(previous, key);
    const value = inPrevious ? replaceEqualDeep(previous[key], next[key], depth + 1) : next[key];
    out[key] = value;
    if (!inPrevious || !Object.is(value, previous[key])) equal = false;
  }
  return equal ? previous : out;
}
