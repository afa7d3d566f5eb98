// How the face names a value in its TypeErrors ("got a string", "got null"), in the
// style of the engine's (src/bindings/convert.rs `describe`). Reads no property of the
// value, so naming it runs no user code.

export function describe(value) {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'undefined': return 'undefined';
    case 'object': return isArray(value) ? 'an array' : 'an object';
    case 'function': return 'a function';
    case 'string': return 'a string';
    case 'number': return Number.isNaN(value) ? 'NaN' : 'a number';
    case 'boolean': return 'a boolean';
    case 'bigint': return 'a bigint';
    case 'symbol': return 'a symbol';
    default: return typeof value;
  }
}

function isArray(value) {
  try {
    return Array.isArray(value);
  } catch {
    return false; // a revoked proxy
  }
}
