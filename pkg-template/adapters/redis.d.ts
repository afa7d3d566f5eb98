import type { StorageBackend } from '../index.js';

/** The part of a node-redis `multi()` chain that `redisStorage` uses. */
export interface NodeRedisMultiLike {
  set(key: string, value: string, options?: { PX: number }): unknown;
  del(keys: string[]): unknown;
  exec(): Promise<unknown[]>;
  /** Sends the queued commands in one round trip without MULTI/EXEC (node-redis v4 and later). */
  execAsPipeline?(): Promise<unknown[]>;
}

/** The part of a node-redis client (`createClient()` from 'redis', v4 and later) that `redisStorage` uses. */
export interface NodeRedisClientLike {
  get(key: string): Promise<unknown>;
  set(key: string, value: string, options?: { PX: number }): Promise<unknown>;
  del(keys: string | string[]): Promise<unknown>;
  mGet(keys: string[]): Promise<unknown[]>;
  multi(): NodeRedisMultiLike;
  /** v4 answers a numeric cursor, v5 and later a string. One of `scan` and `scanIterator` is needed. */
  scan?(cursor: string, options: { MATCH: string; COUNT: number }): Promise<{ cursor: string | number; keys: unknown[] }>;
  scanIterator?(options: { MATCH: string; COUNT: number }): AsyncIterable<unknown>;
}

/** The part of an ioredis `pipeline()` / `multi()` chain that `redisStorage` uses. */
export interface IoRedisPipelineLike {
  set(key: string, value: string): unknown;
  set(key: string, value: string, px: 'PX', milliseconds: number): unknown;
  del(...keys: string[]): unknown;
  exec(): Promise<Array<[Error | null, unknown]> | null>;
}

/** The part of an ioredis client (`new Redis()` from 'ioredis') that `redisStorage` uses. */
export interface IoRedisClientLike {
  get(key: string): Promise<unknown>;
  set(key: string, value: string): Promise<unknown>;
  set(key: string, value: string, px: 'PX', milliseconds: number): Promise<unknown>;
  del(...keys: string[]): Promise<unknown>;
  mget(...keys: string[]): Promise<unknown[]>;
  scan(cursor: string, match: 'MATCH', pattern: string, count: 'COUNT', hint: number): Promise<[cursor: string, keys: unknown[]]>;
  /** One of `pipeline` and `multi` is needed; `pipeline` is used when present. */
  pipeline?(): IoRedisPipelineLike;
  multi?(): IoRedisPipelineLike;
}

export interface RedisStorageOptions {
  /** SCAN's COUNT hint for `keys(prefix)` (keys looked at per call). Default 1000. */
  scanCount?: number;
}

export interface RedisStorage extends StorageBackend {
  /** GET. */
  get(key: string): Promise<string | null>;
  /** SET, with PX when `ttl` (seconds, fractions allowed) is finite: the ms rounded up, at least 1. */
  set(key: string, value: string, ttl?: number): Promise<void>;
  /** DEL. */
  delete(key: string): Promise<void>;
  /** Every key starting with `prefix`, by SCAN with MATCH (glob characters of `prefix` escaped), never KEYS. */
  keys(prefix: string): Promise<string[]>;
  /** One MGET: the values in the order of `keys`, `null` for a miss. */
  getMany(keys: string[]): Promise<Array<string | null>>;
  /** Every SET in one pipeline (one round trip). */
  setMany(entries: Array<{ key: string; value: string; ttl?: number }>): Promise<void>;
  /** DELs in one pipeline (one round trip). */
  deleteMany(keys: string[]): Promise<void>;
}

/**
 * L2 over the app's own connected Redis client, node-redis or ioredis (told apart by its
 * methods): `new QueryClient({ storage: redisStorage(await createClient().connect()) })`.
 * Throws a `TypeError` when `client` is neither.
 */
export declare function redisStorage(client: NodeRedisClientLike | IoRedisClientLike, options?: RedisStorageOptions): RedisStorage;
