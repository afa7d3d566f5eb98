// L2 over the app's own Redis connection: a node-redis client (`createClient()` from
// 'redis', v4 and later) or an ioredis client (`new Redis()` from 'ioredis'), on Node,
// Bun or Deno servers.
//
//   import { createClient } from 'redis';
//   import { QueryClient } from 'stackquery';
//   import { redisStorage } from 'stackquery/adapters/redis';
//
//   const redis = await createClient({ url: process.env.REDIS_URL }).connect();
//   const client = new QueryClient({ storage: redisStorage(redis) });
//
// This file owns the translation of the storage protocol into Redis commands:
//   get → GET, set → SET … PX (the TTL in ms, rounded up, at least 1), delete → DEL,
//   getMany → one MGET, setMany / deleteMany → one pipeline (one round trip, no MULTI),
//   keys(prefix) → SCAN with MATCH (never KEYS, which blocks the server), the prefix's
//   glob characters escaped so that it matches literally.
// Nothing is imported from 'redis' or 'ioredis': the app passes its client, connected,
// and keeps owning it (connect, quit, errors). Which library it comes from is told by
// its methods. Errors are the client's own, passed on as they are; this file never puts
// the client (its URL, its password) into a message.

/** SCAN's COUNT hint when none is given: keys looked at per SCAN call. */
const DEFAULT_SCAN_COUNT = 1000;
/** Keys per DEL command inside a deleteMany pipeline. */
const DEL_CHUNK = 512;

/**
 * @typedef {object} NodeRedisMultiLike
 * A node-redis `multi()` chain (the commands queue; `execAsPipeline` sends them without MULTI).
 * @property {(key: string, value: string, options?: { PX: number }) => unknown} set
 * @property {(keys: string[]) => unknown} del
 * @property {() => Promise<unknown[]>} exec
 * @property {() => Promise<unknown[]>} [execAsPipeline]
 */

/**
 * @typedef {object} NodeRedisClientLike
 * The part of a node-redis client (`createClient()`, v4 and later) this adapter uses.
 * @property {(key: string) => Promise<unknown>} get
 * @property {(key: string, value: string, options?: { PX: number }) => Promise<unknown>} set
 * @property {(keys: string | string[]) => Promise<number>} del
 * @property {(keys: string[]) => Promise<unknown[]>} mGet
 * @property {() => NodeRedisMultiLike} multi
 * @property {(cursor: string, options: { MATCH: string, COUNT: number }) => Promise<{ cursor: string | number, keys: unknown[] }>} [scan]
 * @property {(options: { MATCH: string, COUNT: number }) => AsyncIterable<unknown>} [scanIterator]
 */

/**
 * @typedef {object} IoRedisPipelineLike
 * An ioredis `pipeline()` (or `multi()`) chain.
 * @property {(key: string, value: string, ...args: Array<string | number>) => unknown} set
 * @property {(...keys: string[]) => unknown} del
 * @property {() => Promise<Array<[Error | null, unknown]> | null>} exec
 */

/**
 * @typedef {object} IoRedisClientLike
 * The part of an ioredis client (`new Redis()`) this adapter uses.
 * @property {(key: string) => Promise<unknown>} get
 * @property {(key: string, value: string, ...args: Array<string | number>) => Promise<unknown>} set
 * @property {(...keys: string[]) => Promise<number>} del
 * @property {(...keys: string[]) => Promise<unknown[]>} mget
 * @property {(cursor: string, ...args: Array<string | number>) => Promise<[string, unknown[]]>} scan
 * @property {() => IoRedisPipelineLike} [pipeline]
 * @property {() => IoRedisPipelineLike} [multi]
 */

/**
 * @typedef {object} Dialect
 * One library's spelling of the commands this adapter sends.
 * @property {(key: string, value: string, px: number | undefined) => Promise<unknown>} set
 * @property {(keys: string[]) => Promise<unknown[]>} mget
 * @property {(pattern: string, count: number) => AsyncIterable<unknown[]>} scan pages of keys
 * @property {(fill: (queue: { set(key: string, value: string, px: number | undefined): void, del(keys: string[]): void }) => void) => Promise<void>} pipeline
 */

/** @param {unknown} f */
const isFunction = (f) => typeof f === 'function';

/**
 * `prefix` as a SCAN MATCH pattern that matches it literally, followed by `*`.
 * @param {string} prefix
 */
function matchPrefix(prefix) {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
}

/**
 * A TTL in seconds as SET's PX (ms, rounded up, at least 1); `undefined` for no expiry.
 * @param {number | null | undefined} ttl
 */
function pxOf(ttl) {
  if (typeof ttl !== 'number' || !Number.isFinite(ttl)) return undefined;
  return Math.max(1, Math.ceil(ttl * 1000));
}

/**
 * A reply as the protocol's `string | null` (a Buffer reply becomes its UTF-8 text).
 * @param {unknown} reply
 */
function textOf(reply) {
  if (reply === null || reply === undefined) return null;
  return typeof reply === 'string' ? reply : String(reply);
}

/**
 * Throws the first error among a pipeline's replies.
 * @param {unknown[]} replies
 */
function throwFirstError(replies) {
  for (const reply of replies) if (reply instanceof Error) throw reply;
}

/**
 * @param {unknown} client
 * @returns {client is NodeRedisClientLike}
 */
function isNodeRedis(client) {
  const c = /** @type {Record<string, unknown>} */ (client);
  return isFunction(c.get) && isFunction(c.set) && isFunction(c.del) && isFunction(c.mGet) &&
    isFunction(c.multi) && (isFunction(c.scan) || isFunction(c.scanIterator));
}

/**
 * @param {unknown} client
 * @returns {client is IoRedisClientLike}
 */
function isIoRedis(client) {
  const c = /** @type {Record<string, unknown>} */ (client);
  return isFunction(c.get) && isFunction(c.set) && isFunction(c.del) && isFunction(c.mget) &&
    isFunction(c.scan) && (isFunction(c.pipeline) || isFunction(c.multi));
}

/**
 * @param {NodeRedisClientLike} client
 * @returns {Dialect}
 */
function nodeRedisDialect(client) {
  return {
    set: (key, value, px) => (px === undefined ? client.set(key, value) : client.set(key, value, { PX: px })),
    mget: (keys) => client.mGet(keys),
    async *scan(pattern, count) {
      if (isFunction(client.scan)) {
        // v4 answers numeric cursors, v5 and later strings; both are sent back as text.
        let cursor = '0';
        do {
          const page = await client.scan(cursor, { MATCH: pattern, COUNT: count });
          cursor = String(page.cursor);
          yield page.keys;
        } while (cursor !== '0');
        return;
      }
      // scanIterator yields one key at a time in v4 and pages of keys in v5 and later.
      for await (const item of /** @type {NonNullable<NodeRedisClientLike['scanIterator']>} */ (client.scanIterator)
        .call(client, { MATCH: pattern, COUNT: count })) {
        yield Array.isArray(item) ? item : [item];
      }
    },
    async pipeline(fill) {
      const multi = client.multi();
      fill({
        set: (key, value, px) => void (px === undefined ? multi.set(key, value) : multi.set(key, value, { PX: px })),
        del: (keys) => void multi.del(keys),
      });
      const replies = isFunction(multi.execAsPipeline) ? await multi.execAsPipeline() : await multi.exec();
      throwFirstError(replies ?? []);
    },
  };
}

/**
 * @param {IoRedisClientLike} client
 * @returns {Dialect}
 */
function ioRedisDialect(client) {
  return {
    set: (key, value, px) => (px === undefined ? client.set(key, value) : client.set(key, value, 'PX', px)),
    mget: (keys) => client.mget(...keys),
    async *scan(pattern, count) {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', count);
        cursor = String(next);
        yield keys;
      } while (cursor !== '0');
    },
    async pipeline(fill) {
      const queue = isFunction(client.pipeline)
        ? /** @type {NonNullable<IoRedisClientLike['pipeline']>} */ (client.pipeline).call(client)
        : /** @type {NonNullable<IoRedisClientLike['multi']>} */ (client.multi).call(client);
      fill({
        set: (key, value, px) => void (px === undefined ? queue.set(key, value) : queue.set(key, value, 'PX', px)),
        del: (keys) => void queue.del(...keys),
      });
      const results = await queue.exec();
      throwFirstError((results ?? []).map(([error]) => error));
    },
  };
}

/**
 * A stackquery storage backend over a connected node-redis or ioredis client: the
 * protocol's `get`, `set`, `delete`, `keys` and the batch methods `getMany`, `setMany`,
 * `deleteMany`.
 *
 * @param {NodeRedisClientLike | IoRedisClientLike} client a connected client (the app keeps owning it)
 * @param {{ scanCount?: number }} [options] `scanCount`: SCAN's COUNT hint for `keys(prefix)` (default 1000)
 * @returns {{
 *   get(key: string): Promise<string | null>,
 *   set(key: string, value: string, ttl?: number): Promise<void>,
 *   delete(key: string): Promise<void>,
 *   keys(prefix: string): Promise<string[]>,
 *   getMany(keys: string[]): Promise<Array<string | null>>,
 *   setMany(entries: Array<{ key: string, value: string, ttl?: number }>): Promise<void>,
 *   deleteMany(keys: string[]): Promise<void>,
 * }}
 */
export function redisStorage(client, options = {}) {
  if (client === null || (typeof client !== 'object' && typeof client !== 'function')) {
    throw new TypeError(
      `redisStorage(client): \`client\` must be a node-redis client (createClient() from 'redis') or an ioredis client (new Redis() from 'ioredis'), not ${client === null ? 'null' : typeof client}`,
    );
  }
  /** @type {Dialect} */
  let dialect;
  if (isNodeRedis(client)) dialect = nodeRedisDialect(client);
  else if (isIoRedis(client)) dialect = ioRedisDialect(client);
  else {
    throw new TypeError(
      "redisStorage(client): `client` must be a node-redis client (createClient() from 'redis', with get, set, del, mGet, multi and scan) or an ioredis client (new Redis() from 'ioredis', with get, set, del, mget, scan and pipeline); this object is neither",
    );
  }
  const { scanCount = DEFAULT_SCAN_COUNT } = options ?? {};
  if (!Number.isInteger(scanCount) || scanCount < 1) {
    throw new TypeError('redisStorage(client, { scanCount }): `scanCount` must be a positive integer');
  }
  const redis = /** @type {NodeRedisClientLike & IoRedisClientLike} */ (client);

  return {
    /** @param {string} key */
    async get(key) {
      return textOf(await redis.get(key));
    },
    /**
     * @param {string} key
     * @param {string} value
     * @param {number} [ttl] seconds (fractions allowed); missing or not finite: no expiry
     */
    async set(key, value, ttl) {
      await dialect.set(key, value, pxOf(ttl));
    },
    /** @param {string} key */
    async delete(key) {
      await redis.del(key);
    },
    /**
     * Every key that starts with `prefix`, by SCAN (each key once).
     * @param {string} prefix
     */
    async keys(prefix) {
      /** @type {Set<string>} */
      const found = new Set(); // SCAN may return a key more than once
      for await (const page of dialect.scan(matchPrefix(prefix), scanCount)) {
        for (const key of page) found.add(/** @type {string} */ (textOf(key)));
      }
      return [...found];
    },
    /**
     * The values of `keys` in their order (`null` for a miss), by one MGET.
     * @param {string[]} keys
     */
    async getMany(keys) {
      if (keys.length === 0) return [];
      const replies = await dialect.mget(keys);
      return keys.map((_, i) => textOf(replies[i]));
    },
    /**
     * Every entry's SET, in one pipeline (one round trip).
     * @param {Array<{ key: string, value: string, ttl?: number }>} entries
     */
    async setMany(entries) {
      if (entries.length === 0) return;
      await dialect.pipeline((queue) => {
        for (const { key, value, ttl } of entries) queue.set(key, value, pxOf(ttl));
      });
    },
    /**
     * Deletes `keys` by DELs of up to 512 keys each, in one pipeline (one round trip).
     * @param {string[]} keys
     */
    async deleteMany(keys) {
      if (keys.length === 0) return;
      await dialect.pipeline((queue) => {
        for (let i = 0; i < keys.length; i += DEL_CHUNK) queue.del(keys.slice(i, i + DEL_CHUNK));
      });
    },
  };
}
