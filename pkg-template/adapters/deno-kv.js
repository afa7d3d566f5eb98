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
// Limits: Deno KV values are at most 64 KiB, keys at most 2 KiB. The adapter declares
// the value limit (`maxEntryBytes`), so the client never sends a larger entry: it reports
// it through `onStorageError`, deletes the older stored version, and keeps the query in
// L1 only. (Deno counts a string holding characters beyond Latin-1 at two bytes each; such
// an entry under `maxEntryBytes` in UTF-8 but over 64 KiB as Deno stores it is not stored
// either, and its older version is deleted.) A key over 2 KiB is never sent: `get`
// answers null and `set`/`delete` do nothing, so a very long query key stays in L1.

/** Deno KV's largest value, in bytes as Deno serializes it. */
export const DENO_KV_MAX_VALUE_BYTES = 65_536;

/** Deno KV's largest key, in bytes. */
export const DENO_KV_MAX_KEY_BYTES = 2_048;

/** Room for Deno's own framing of a string value. */
const VALUE_OVERHEAD = 16;

const encoder = new TextEncoder();

/**
 * How many bytes Deno stores `value` in (V8 serialization: one byte per character when all
 * are Latin-1, else two).
 * @param {string} value
 */
const storedBytes = (value) => (/[^\u0000-\u00ff]/.test(value) ? 2 : 1) * value.length + VALUE_OVERHEAD;

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
 *   maxEntryBytes: number,
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
  // The namespace's parts and the key, with room for Deno's framing of each part.
  const nsBytes = ns.reduce((n, part) => n + 8 + (typeof part === 'string' ? encoder.encode(part).length : 16), 0);
  /** @param {string} key */
  const fits = (key) => nsBytes + 8 + encoder.encode(key).length <= DENO_KV_MAX_KEY_BYTES;
  return {
    /** The largest entry (UTF-8 bytes) the client sends; larger ones stay in L1. */
    maxEntryBytes: DENO_KV_MAX_VALUE_BYTES - VALUE_OVERHEAD,
    /** @param {string} key */
    async get(key) {
      if (!fits(key)) return null;
      const entry = await kv.get(kvKey(key));
      return typeof entry.value === 'string' ? entry.value : null;
    },
    /**
     * @param {string} key
     * @param {string} value
     * @param {number} [ttl] seconds
     */
    async set(key, value, ttl) {
      if (!fits(key)) return;
      if (storedBytes(value) > DENO_KV_MAX_VALUE_BYTES) {
        // Would fail the write (and, failing, its whole batch): drop the older version.
        await kv.delete(kvKey(key));
        return;
      }
      if (ttl === undefined || ttl === null || !Number.isFinite(ttl)) {
        await kv.set(kvKey(key), value);
      } else {
        await kv.set(kvKey(key), value, { expireIn: Math.max(1, Math.ceil(ttl * 1000)) });
      }
    },
    /** @param {string} key */
    async delete(key) {
      if (!fits(key)) return;
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
