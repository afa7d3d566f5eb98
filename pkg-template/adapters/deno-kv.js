// L2 over Deno KV (`Deno.openKv()`, local SQLite or Deno Deploy).
//
//   import { QueryClient } from 'stackquery';
//   import { denoKvStorage } from 'stackquery/adapters/deno-kv';
//
//   const kv = await Deno.openKv();
//   const client = new QueryClient({ storage: denoKvStorage(kv) });
//
// Entries are stored under `[...namespace, key]` with `key` being stackquery's own
// `${keyPrefix}:${queryHash}` string, so one KV database can hold several clients.
//
// Limits: Deno KV values are at most 64 KiB (keys at most 2 KiB). A larger entry
// fails the write; the client reports it through `onStorageError` and carries on with
// the data in L1, so an oversized query simply is not persisted.

/**
 * @typedef {ReadonlyArray<string | number | bigint | boolean | symbol | Uint8Array>} DenoKvKey
 */

/**
 * @typedef {object} DenoKvLike
 * The part of a `Deno.Kv` this adapter uses.
 * @property {(key: DenoKvKey) => Promise<{ value: unknown }>} get
 * @property {(key: DenoKvKey, value: unknown, options?: { expireIn?: number }) => Promise<unknown>} set
 * @property {(key: DenoKvKey) => Promise<void>} delete
 * @property {(selector: { prefix: DenoKvKey }) => AsyncIterable<{ key: DenoKvKey }>} list
 */

/**
 * A stackquery storage backend (`get`, `set`, `delete`, `keys`) over a `Deno.Kv`.
 *
 * @param {DenoKvLike} kv an open `Deno.Kv`
 * @param {{ namespace?: DenoKvKey }} [options] key parts put before each entry's key (default `['stackquery']`)
 * @returns {{
 *   get(key: string): Promise<string | null>,
 *   set(key: string, value: string, ttl?: number): Promise<void>,
 *   delete(key: string): Promise<void>,
 *   keys(prefix: string): Promise<string[]>,
 * }}
 */
export function denoKvStorage(kv, { namespace = ['stackquery'] } = {}) {
  if (kv == null || typeof kv.get !== 'function' || typeof kv.set !== 'function') {
    throw new TypeError('denoKvStorage(kv): `kv` must be an open Deno.Kv (await Deno.openKv())');
  }
  if (!Array.isArray(namespace)) {
    throw new TypeError('denoKvStorage(kv, { namespace }): `namespace` must be an array of key parts');
  }
  const ns = [...namespace];
  /** @param {string} key */
  const kvKey = (key) => [...ns, key];
  return {
    /** @param {string} key */
    async get(key) {
      const entry = await kv.get(kvKey(key));
      return typeof entry.value === 'string' ? entry.value : null;
    },
    /**
     * @param {string} key
     * @param {string} value
     * @param {number} [ttl] seconds
     */
    async set(key, value, ttl) {
      if (ttl === undefined || ttl === null || !Number.isFinite(ttl)) {
        await kv.set(kvKey(key), value);
      } else {
        await kv.set(kvKey(key), value, { expireIn: Math.max(1, Math.ceil(ttl * 1000)) });
      }
    },
    /** @param {string} key */
    async delete(key) {
      await kv.delete(kvKey(key));
    },
    /**
     * Every stored key (under this namespace) that starts with `prefix`.
     * @param {string} prefix
     */
    async keys(prefix) {
      /** @type {string[]} */
      const names = [];
      for await (const entry of kv.list({ prefix: ns })) {
        if (entry.key.length !== ns.length + 1) continue;
        const last = entry.key[ns.length];
        if (typeof last === 'string' && last.startsWith(prefix)) names.push(last);
      }
      return names;
    },
  };
}
