// TanStack's small helpers that apps and bindings import from the package: the
// `placeholderData` that keeps the previous data, key hashing and partial matching as the
// cache does them, structural sharing, and a function that does nothing.

export { partialMatchKey } from './defaults.js';
export { replaceEqualDeep } from '../replace_equal_deep.js';

/** `placeholderData: keepPreviousData`: the data shown before, while the new key's loads. */
export function keepPreviousData(previousData) {
  return previousData;
}

/** Does nothing (TanStack's `noop`, a default callback). */
export function noop() {}

/**
 * A query key's hash, as TanStack's `hashKey` makes it: JSON with each plain object's keys
 * sorted (the cache's hash of every key it accepts).
 */
export function hashKey(queryKey) {
  return JSON.stringify(queryKey, (_, value) => (isPlainObject(value) ? sortedCopy(value) : value));
}

function isPlainObject(value) {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function sortedCopy(object) {
  const sorted = {};
  for (const key of Object.keys(object).sort()) sorted[key] = object[key];
  return sorted;
}
