// A storage object over a Map, as a user would write one: `get`, `set`, `delete` and a
// `keys(prefix)` listing (so bulk restores list the namespace). `map` is exposed for the
// test to plant or inspect stored strings.
export function mapStorage(entries = []) {
  const map = new Map(entries);
  return {
    map,
    async get(k) { return map.get(k) ?? null; },
    async set(k, v) { map.set(k, v); },
    async delete(k) { map.delete(k); },
    async keys(prefix) { return [...map.keys()].filter((k) => k.startsWith(prefix)); },
  };
}
