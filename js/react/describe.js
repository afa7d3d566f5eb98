// How a value is named in the hooks' TypeErrors.

/** `null`, `a string "…"`, `a number 3`, `an object`, … */
export function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  if (type === 'string') return `a string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (type === 'number' || type === 'boolean' || type === 'bigint') return `${type === 'number' ? 'a number' : type === 'bigint' ? 'a bigint' : 'a boolean'} ${String(value)}`;
  if (type === 'undefined') return 'undefined';
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}
