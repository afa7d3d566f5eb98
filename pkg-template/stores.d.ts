// Types of the built-in L2 stores, which every entry but `stackquery/l1` exports.
import type { StorageBackend } from './api.js';

/** L2 in IndexedDB (pages and workers). One transaction per batch of writes. */
export declare class IndexedDbStorage implements StorageBackend {
  constructor(options?: { dbName?: string; storeName?: string });
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttl?: number): Promise<void>;
  delete(key: string): Promise<void>;
  keys(prefix?: string): Promise<string[]>;
  /** The values of `keys`, in their order, read in one transaction. */
  getMany(keys: string[]): Promise<Array<string | null | undefined>>;
  deletePrefix(prefix: string): Promise<void>;
  free(): void;
}

/** L2 in memory (tests, hosts without persistent storage); honours TTLs. */
export declare class MemoryStorage implements StorageBackend {
  constructor();
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttl?: number): Promise<void>;
  delete(key: string): Promise<void>;
  keys(prefix?: string): Promise<string[]>;
  readonly size: number;
  getMany(keys: string[]): Promise<Array<string | null>>;
  setMany(entries: Array<{ key: string; value: string; ttl?: number }>): Promise<void>;
  deleteMany(keys: string[]): Promise<void>;
  deletePrefix(prefix: string, signal?: AbortSignal): Promise<void>;
  free(): void;
}

/** L2 in a remote store over `fetch`: the Upstash Redis REST protocol (Upstash, Vercel KV). */
export declare class RemoteStorage implements StorageBackend {
  /**
   * `url`: the REST endpoint (no user name or password in it); `token`: sent as
   * `Authorization: Bearer`, never shown in an error. `timeoutMs`: each request, its body
   * included, is aborted after this (default 10000). `maxReplyBytes`: a longer reply is
   * abandoned unread (default 16 MiB).
   */
  constructor(options: { url: string; token: string; timeoutMs?: number; maxReplyBytes?: number });
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttl?: number): Promise<void>;
  delete(key: string): Promise<void>;
  keys(prefix?: string): Promise<string[]>;
  getMany(keys: string[]): Promise<Array<string | null>>;
  setMany(entries: Array<{ key: string; value: string; ttl?: number }>): Promise<void>;
  deleteMany(keys: string[]): Promise<void>;
  deletePrefix(prefix: string, signal?: AbortSignal): Promise<void>;
  free(): void;
}
