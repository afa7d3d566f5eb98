import type { StorageBackend } from '../index.js';

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
  get(key: string): Promise<string | null>;
  /** `ttl` in seconds, clamped to KV's minimum `expirationTtl` of 60 and rounded up. */
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
