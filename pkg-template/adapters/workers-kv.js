// L2 over a Cloudflare Workers KV namespace binding.
//
//   import { QueryClient } from 'stackquery';
//   import { workersKvStorage } from 'stackquery/adapters/workers-kv';
//
//   export default {
//     async fetch(request, env, ctx) {
//       const client = new QueryClient({ storage: workersKvStorage(env.CACHE) });
//       const data = await client.fetchQuery({ queryKey: ['todos'], queryFn });
//       ctx.waitUntil(client.flush()); // let the KV write finish after the response
//       return Response.json(data);
//     },
//   };
//
// KV is eventually consistent (a write can take up to about a minute to be seen in
// other locations) and rejects an `expirationTtl` below 60 seconds, so TTLs are
// clamped to at least 60 s. That only delays clean-up: stackquery checks an entry's
// age from the value itself on every read.

//
// Limits: a KV key is at most 512 bytes, a value at most 25 MiB. The adapter declares
// the value limit (`maxEntryBytes`; the client's default of 4 MiB is lower anyway), and
// a key over 512 bytes is never sent: such a query (a very long query key) is kept in
// L1 only — `get` answers null and `set`/`delete` do nothing — rather than failing
// every write batch it is part of.

/** KV's smallest accepted `expirationTtl`, in seconds. */
const KV_MIN_TTL_SECONDS = 60;

/** KV's largest key, in UTF-8 bytes. */
export const KV_MAX_KEY_BYTES = 512;

/** KV's largest value, in bytes. */
export const KV_MAX_VALUE_BYTES = 25 * 1024 * 1024;

const encoder = new TextEncoder();

/** @param {string} key */
const fits = (key) => key.length * 3 <= KV_MAX_KEY_BYTES || encoder.encode(key).length <= KV_MAX_KEY_BYTES;

/**
 * @typedef {object} KvNamespaceLike
 * The part of a Workers `KVNamespace` binding this adapter uses.
 * @property {(key: string) => Promise<string | null>} get
 * @property {(key: string, value: string, options?: { expirationTtl?: number }) => Promise<void>} put
 * @property {(key: string) => Promise<void>} delete
 * @property {(options: { prefix?: string, cursor?: string }) => Promise<{ keys: Array<{ name: string }>, list_complete: boolean, cursor?: string }>} list
 */

/**
 * A stackquery storage backend (`get`, `set`, `delete`, `keys`) over a Workers KV namespace.
 *
 * @param {KvNamespaceLike} namespace the KV binding, e.g. `env.CACHE`
 * @param {object} [options] reserved for future options
 * @returns {{
 *   maxEntryBytes: number,
 *   get(key: string): Promise<string | null>,
 *   set(key: string, value: string, ttl?: number): Promise<void>,
 *   delete(key: string): Promise<void>,
 *   keys(prefix: string): Promise<string[]>,
 * }}
 */
export function workersKvStorage(namespace, options = {}) {
  if (namespace == null || typeof namespace.get !== 'function' || typeof namespace.put !== 'function') {
    throw new TypeError('workersKvStorage(namespace): `namespace` must be a Workers KV binding (env.MY_KV)');
  }
  void options;
  return {
    /** The largest value KV takes: the client never sends a larger entry. */
    maxEntryBytes: KV_MAX_VALUE_BYTES,
    /** @param {string} key */
    async get(key) {
      if (!fits(key)) return null;
      const value = await namespace.get(key);
      return value ?? null;
    },
    /**
     * @param {string} key
     * @param {string} value
     * @param {number} [ttl] seconds; clamped to KV's minimum of 60 and rounded up
     */
    async set(key, value, ttl) {
      if (!fits(key)) return;
      if (ttl === undefined || ttl === null || !Number.isFinite(ttl)) {
        await namespace.put(key, value);
        return;
      }
      const expirationTtl = Math.max(KV_MIN_TTL_SECONDS, Math.ceil(ttl));
      await namespace.put(key, value, { expirationTtl });
    },
    /** @param {string} key */
    async delete(key) {
      if (!fits(key)) return;
      await namespace.delete(key);
    },
    /**
     * Every key that starts with `prefix` (follows `list()` cursors until `list_complete`).
     * @param {string} prefix
     */
    async keys(prefix) {
      /** @type {string[]} */
      const names = [];
      /** @type {string | undefined} */
      let cursor;
      for (;;) {
        const page = await namespace.list(cursor === undefined ? { prefix } : { prefix, cursor });
        for (const entry of page.keys) names.push(entry.name);
        if (page.list_complete || !page.cursor) break;
        cursor = page.cursor;
      }
      return names;
    },
  };
}
