import type { StorageBackend } from '../index.js';

/** Deno KV's largest value (65,536), in bytes as Deno serializes it. */
export declare const DENO_KV_MAX_VALUE_BYTES: number;
/** Deno KV's largest key (2,048), in bytes. */
export declare const DENO_KV_MAX_KEY_BYTES: number;

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
  /** The host's value limit (64 KiB): the client never sends a larger entry (it stays in L1). */
  maxEntryBytes: number;
  get(key: string): Promise<string | null>;
  /** `ttl` in seconds, stored as `expireIn` (ms). A key over Deno KV's 2 KiB is not stored. */
  set(key: string, value: string, ttl?: number): Promise<void>;
  delete(key: string): Promise<void>;
  keys(prefix: string): Promise<string[]>;
}

/**
 * L2 over Deno KV: `new QueryClient({ storage: denoKvStorage(await Deno.openKv()) })`.
 * Entries live under `[...namespace, key]`.
 */
export declare function denoKvStorage(kv: DenoKvLike, options?: DenoKvStorageOptions): DenoKvStorage;
