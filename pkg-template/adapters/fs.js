// L2 on disk: one file per key under a directory, for Node, Deno and Bun servers and CLIs.
//
//   import { QueryClient } from 'stackquery';
//   import { fileStorage } from 'stackquery/adapters/fs';
//
//   const client = new QueryClient({ storage: fileStorage('.cache/stackquery') });
//
// This file owns the directory's layout and its file format. Node-only (node:fs,
// node:path, node:crypto): the package's browser entry never reaches it.
//
// - A file's name comes from its key: `k-` and the key's UTF-8 bytes in lowercase hex
//   (keys of up to 120 bytes), else `h-` and the SHA-256 of the key in hex. Hex keeps
//   names distinct on case-insensitive file systems and within 255 bytes.
// - A file holds a one-line JSON header `{"key", "expires", "bytes"}` then the value.
//   The header's key is checked on read (a hashed name never answers for another key)
//   and is where `keys` finds a hashed file's key; `bytes` catches a truncated file.
// - Writes are atomic: the file is written under a temporary name in the same
//   directory (`.tmp-…`), then renamed over the entry's name, so a reader sees the old
//   file or the new one, never part of one. Temporary files left by a crash are no key;
//   `prune()` removes them.
// - Expiry is checked on read: an expired entry reads as null and its file is removed
//   (`expires` is in epoch ms).
import { Buffer } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Keys of at most this many UTF-8 bytes are named by their hex (`k-` + 240 characters). */
const MAX_DIRECT_KEY_BYTES = 120;
/** Files written or deleted at once by `setMany` / `deleteMany` (bounded: no EMFILE). */
const CONCURRENCY = 32;
/** Bytes read from a hashed file to find its header, at first. */
const HEADER_CHUNK = 4096;
/** A temporary file older than this is a crash's leftover that `prune()` removes. */
const STALE_TEMP_MS = 10 * 60 * 1000;

const DIRECT = /^k-((?:[0-9a-f]{2})*)$/;
const HASHED = /^h-[0-9a-f]{64}$/;
const TEMP_PREFIX = '.tmp-';

/**
 * @typedef {object} FileStorage
 * @property {string} directory the directory's absolute path
 * @property {(key: string) => Promise<string | null>} get
 * @property {(key: string, value: string, ttl?: number) => Promise<void>} set
 * @property {(key: string) => Promise<void>} delete
 * @property {(prefix: string) => Promise<string[]>} keys
 * @property {(keys: string[]) => Promise<Array<string | null>>} getMany
 * @property {(entries: Array<{ key: string, value: string, ttl?: number }>) => Promise<void>} setMany
 * @property {(keys: string[]) => Promise<void>} deleteMany
 * @property {() => Promise<number>} prune
 */

/**
 * The file name of `key` (no directory).
 * @param {string} key
 */
export function fileNameOf(key) {
  const bytes = Buffer.from(key, 'utf8');
  return bytes.length <= MAX_DIRECT_KEY_BYTES
    ? `k-${bytes.toString('hex')}`
    : `h-${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * A file's header and value, or null if it is not one this adapter wrote whole.
 * @param {Buffer} bytes the file's content
 * @returns {{ key: string, expires: number | null, value: string } | null}
 */
function parse(bytes) {
  const newline = bytes.indexOf(10);
  if (newline < 0) return null;
  const header = parseHeader(bytes.toString('utf8', 0, newline));
  if (header === null || bytes.length - newline - 1 !== header.bytes) return null;
  return { key: header.key, expires: header.expires, value: bytes.toString('utf8', newline + 1) };
}

/**
 * @param {string} line
 * @returns {{ key: string, expires: number | null, bytes: number } | null}
 */
function parseHeader(line) {
  let header;
  try {
    header = JSON.parse(line);
  } catch {
    return null;
  }
  if (header === null || typeof header !== 'object' || typeof header.key !== 'string' || typeof header.bytes !== 'number') return null;
  const expires = typeof header.expires === 'number' ? header.expires : null;
  return { key: header.key, expires, bytes: header.bytes };
}

/** @param {unknown} error */
const isMissing = (error) => /** @type {{ code?: unknown }} */ (error)?.code === 'ENOENT';

/**
 * Runs `task` on every item, at most `limit` at once; waits for all, then throws the
 * first error if any failed.
 * @template T
 * @param {T[]} items
 * @param {number} limit
 * @param {(item: T) => Promise<void>} task
 */
async function eachLimited(items, limit, task) {
  let next = 0;
  /** @type {unknown[]} */
  const errors = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await task(item);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
}

/**
 * A stackquery storage backend keeping each entry in its own file under `directory`
 * (created if missing, on the first write).
 *
 * @param {string | URL} directory a path, or a `file:` URL
 * @param {object} [options] reserved for future options
 * @returns {FileStorage}
 */
export function fileStorage(directory, options = {}) {
  if (directory instanceof URL) {
    if (directory.protocol !== 'file:') throw new TypeError('fileStorage(directory): a URL `directory` must be a file: URL');
    directory = decodeURIComponent(directory.pathname);
  }
  if (typeof directory !== 'string' || directory === '') {
    throw new TypeError('fileStorage(directory): `directory` must be a non-empty path string (or a file: URL)');
  }
  if (options === null || typeof options !== 'object') {
    throw new TypeError('fileStorage(directory, options): `options` must be an object');
  }
  const dir = resolve(directory);
  /** @param {string} key */
  const pathOf = (key) => join(dir, fileNameOf(key));

  /** @type {Promise<unknown> | null} */
  let made = null;
  const makeDirectory = () => (made ??= mkdir(dir, { recursive: true }).catch((error) => {
    made = null;
    throw error;
  }));

  /**
   * Reads `key`'s file: its value, or null (no file, another key's, truncated, or
   * expired: then removed).
   * @param {string} key
   * @returns {Promise<string | null>}
   */
  const read = async (key) => {
    const file = pathOf(key);
    let bytes;
    try {
      bytes = await readFile(file);
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    const entry = parse(bytes);
    if (entry === null || entry.key !== key) return null;
    if (entry.expires !== null && entry.expires <= Date.now()) {
      await rm(file, { force: true });
      return null;
    }
    return entry.value;
  };

  /**
   * Writes `key`'s file atomically: a temporary file, then a rename over the name.
   * @param {string} key
   * @param {string} value
   * @param {number | undefined} ttl seconds
   */
  const write = async (key, value, ttl) => {
    if (typeof key !== 'string' || typeof value !== 'string') {
      throw new TypeError('fileStorage: set(key, value) takes two strings');
    }
    const expires = typeof ttl === 'number' && Number.isFinite(ttl) ? Date.now() + ttl * 1000 : null;
    const text = `${JSON.stringify({ key, expires, bytes: Buffer.byteLength(value) })}\n${value}`;
    const temp = join(dir, `${TEMP_PREFIX}${randomBytes(12).toString('hex')}`);
    await makeDirectory();
    try {
      try {
        await writeFile(temp, text, { flag: 'wx' });
      } catch (error) {
        if (!isMissing(error)) throw error;
        made = null; // the directory was removed since: make it again, once
        await makeDirectory();
        await writeFile(temp, text, { flag: 'wx' });
      }
      await rename(temp, pathOf(key));
    } catch (error) {
      await rm(temp, { force: true }).catch(() => {});
      throw error;
    }
  };

  /** @param {string} key */
  const remove = async (key) => {
    await rm(pathOf(key), { force: true });
  };

  /**
   * The key a hashed file holds (its header's), or null.
   * @param {string} file
   */
  const headerKey = async (file) => {
    let handle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    try {
      let buffer = Buffer.alloc(HEADER_CHUNK);
      let filled = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
        if (bytesRead === 0) return null;
        const newline = buffer.indexOf(10, filled);
        filled += bytesRead;
        if (newline >= 0 && newline < filled) return parseHeader(buffer.toString('utf8', 0, newline))?.key ?? null;
        if (filled === buffer.length) buffer = Buffer.concat([buffer, Buffer.alloc(buffer.length)]);
      }
    } finally {
      await handle.close();
    }
  };

  /** The names in the directory (none if it does not exist yet). */
  const names = async () => {
    try {
      return await readdir(dir);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  };

  return {
    directory: dir,
    /**
     * The value stored under `key`, or null (missing, or expired: its file is removed).
     * @param {string} key
     */
    get(key) {
      return read(key);
    },
    /**
     * @param {string} key
     * @param {string} value
     * @param {number} [ttl] seconds (fractions allowed); none, or not finite: no expiry
     */
    set(key, value, ttl) {
      return write(key, value, ttl);
    },
    /** @param {string} key */
    delete(key) {
      return remove(key);
    },
    /**
     * Every stored key that starts with `prefix`, from the directory's file names (a
     * hashed file's key from its header). Temporary and foreign files are skipped.
     * @param {string} prefix
     */
    async keys(prefix) {
      /** @type {string[]} */
      const keys = [];
      /** @type {string[]} */
      const hashed = [];
      for (const name of await names()) {
        const direct = DIRECT.exec(name);
        if (direct) {
          const key = Buffer.from(direct[1], 'hex').toString('utf8');
          if (key.startsWith(prefix) && fileNameOf(key) === name) keys.push(key);
        } else if (HASHED.test(name)) {
          hashed.push(name);
        }
      }
      await eachLimited(hashed, CONCURRENCY, async (name) => {
        const key = await headerKey(join(dir, name));
        if (key !== null && key.startsWith(prefix) && fileNameOf(key) === name) keys.push(key);
      });
      return keys;
    },
    /**
     * The values of `keys`, in their order (null for a miss), read concurrently.
     * @param {string[]} keys
     */
    async getMany(keys) {
      /** @type {Array<string | null>} */
      const values = new Array(keys.length).fill(null);
      await eachLimited([...keys.keys()], CONCURRENCY, async (i) => {
        values[i] = await read(keys[i]);
      });
      return values;
    },
    /**
     * Writes every entry, concurrently (each file atomically; the last entry of a key
     * repeated in the list wins).
     * @param {Array<{ key: string, value: string, ttl?: number }>} entries
     */
    async setMany(entries) {
      const last = new Map(entries.map((entry) => [entry.key, entry]));
      await eachLimited([...last.values()], CONCURRENCY, ({ key, value, ttl }) => write(key, value, ttl));
    },
    /**
     * Deletes every key, concurrently.
     * @param {string[]} keys
     */
    async deleteMany(keys) {
      await eachLimited([...new Set(keys)], CONCURRENCY, remove);
    },
    /**
     * Removes every expired entry's file, and temporary files older than ten minutes (a
     * crash's leftovers). Returns how many files were removed.
     */
    async prune() {
      let removed = 0;
      const now = Date.now();
      await eachLimited(await names(), CONCURRENCY, async (name) => {
        const file = join(dir, name);
        try {
          if (name.startsWith(TEMP_PREFIX)) {
            if (now - (await stat(file)).mtimeMs > STALE_TEMP_MS) {
              await unlink(file);
              removed++;
            }
          } else if (DIRECT.test(name) || HASHED.test(name)) {
            const entry = parse(await readFile(file));
            if (entry !== null && entry.expires !== null && entry.expires <= now) {
              await unlink(file);
              removed++;
            }
          }
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
      });
      return removed;
    },
  };
}
