import type { StorageBackend } from '../index.js';

/** A Deno KV key part. */
export type DenoKvKeyPart = string | number | bigint | boolean | symbol | Uint8Array;
export type DenoKvKey = readonly DenoKvKeyPart[];

/** The part of a `Deno.Kv` that `denoKvStorage` uses. */
export interface DenoKvLike {
  get(key: DenoKvKey): Promise<{ value: unknown }>;
  set(key: DenoKvKey, value: unknown, options?: { expireIn?: number }): Promise<unknown>;
  delete(key: DenoKvKey): Promise<void>;
  list(selector: { prefix: DenoKvKey }): AsyncIterable<{ key: DenoKvKey }>;
}

export interface DenoKvStorageOptions {
  /** Key parts put before each entry's key. Default `['stackquery']`. */
  namespace?: DenoKvKey;
}

export interface DenoKvStorage extends StorageBackend {
  get(key: string): Promise<string | null>;
  /** `ttl` in seconds, stored as `expireIn` (ms). Values above 64 KiB are rejected by Deno KV. */
  set(key: string, value: string, ttl?: number): Promise<void>;
  delete(key: string): Promise<void>;
  keys(prefix: string): Promise<string[]>;
}

/**
 * L2 over Deno KV: `new QueryClient({ storage: denoKvStorage(await Deno.openKv()) })`.
 * Entries live under `[...namespace, key]`.
 */
export declare function denoKvStorage(kv: DenoKvLike, options?: DenoKvStorageOptions): DenoKvStorage;
