import type { StorageBackend } from '../index.js';

export interface FileStorage extends StorageBackend {
  /** The directory's absolute path. */
  readonly directory: string;
  /** The stored value, or `null` (missing, or expired: the file is removed). */
  get(key: string): Promise<string | null>;
  /** Atomic (a temporary file renamed over the entry's). `ttl` in seconds; `undefined` or not finite: no expiry. */
  set(key: string, value: string, ttl?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every stored key starting with `prefix`, from the directory listing (temporary files are skipped). */
  keys(prefix: string): Promise<string[]>;
  /** The values of `keys`, in their order, `null` for a miss. */
  getMany(keys: string[]): Promise<Array<string | null>>;
  /** Writes the entries concurrently, each atomically. */
  setMany(entries: Array<{ key: string; value: string; ttl?: number }>): Promise<void>;
  deleteMany(keys: string[]): Promise<void>;
  /** Removes expired entries' files and temporary files older than ten minutes; resolves with how many. */
  prune(): Promise<number>;
}

/**
 * L2 on disk, one file per key under `directory` (created on the first write):
 * `new QueryClient({ storage: fileStorage('.cache/stackquery') })`. Node, Deno and Bun only.
 * Throws a `TypeError` for a `directory` that is not a non-empty path or a `file:` URL.
 */
export declare function fileStorage(directory: string | URL, options?: Record<string, never>): FileStorage;

/** The file name (no directory) that `fileStorage` keeps `key` under. */
export declare function fileNameOf(key: string): string;
