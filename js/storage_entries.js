// The entries a storage object's `setMany` gets (src/bindings/storage/object.rs), made here
// for a whole write batch in one call: one object literal each, where wasm made each with
// four calls and decoded its key and value one by one (10,000 writes: about 40 ms).

/**
 * `{ key, value, ttl }` for each `i` with `values[i]` set (`undefined`: a delete, skipped);
 * `ttl` is `ttls[i]` seconds, or `undefined` where that is not finite (no expiry).
 */
export function putEntries(keys, values, ttls) {
  const entries = [];
  for (let i = 0; i < keys.length; i++) {
    const value = values[i];
    if (value === undefined) continue;
    const ttl = ttls[i];
    entries.push({ key: keys[i], value, ttl: Number.isFinite(ttl) ? ttl : undefined });
  }
  return entries;
}
