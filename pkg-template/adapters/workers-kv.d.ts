import type { StorageBackend } from '../index.js';

/** KV's largest key (512), in UTF-8 bytes. */
export declare const KV_MAX_KEY_BYTES: number;
/** KV's largest value (25 MiB), in bytes. */
export declare const KV_MAX_VALUE_BYTES: number;

/** The part of a Cloudflare Workers `KVNamespace` binding that `workersKvStorage` uses. */
export interface KvNamespaceLike {
  get(key: string): Promise<string | null>;
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
  delete(key: string): Promise<void>;
  list(options?: { prefix?: string | null; cursor?: string | null }): Promise<{
    keys: ReadonlyArray<{ name: string }>;
    list_complete: boolean;
    cursor?: string;
  }>;
}

export interface WorkersKvStorage extends StorageBackend {
  /** The host's value limit (25 MiB): the client never sends a larger entry (it stays in L1). */
  maxEntryBytes: number;
  get(key: string): Promise<string | null>;
  /** `ttl` in seconds, clamped to KV's minimum `expirationTtl` of 60 and rounded up. A key over KV's 512 bytes is not stored. */
  set(key: string, value: string, ttl?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every key starting with `prefix` (follows `list()` cursors). */
  keys(prefix: string): Promise<string[]>;
}

/**
 * L2 over a Workers KV binding: `new QueryClient({ storage: workersKvStorage(env.CACHE) })`,
 * then `ctx.waitUntil(client.flush())` so writes finish after the response.
 */
export declare function workersKvStorage(namespace: KvNamespaceLike, options?: Record<string, never>): WorkersKvStorage;
