import type { StorageBackend } from '../index.js';

/** A prepared statement, as `node:sqlite`, `bun:sqlite` and `better-sqlite3` all have it (positional parameters). */
export interface SqliteStatementLike {
  /** The first row, or `undefined` (node:sqlite, better-sqlite3) / `null` (bun:sqlite). */
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}

/**
 * The part of a synchronous SQLite database that `sqliteStorage` uses: `DatabaseSync`
 * (node:sqlite), `Database` (bun:sqlite) or a `better-sqlite3` database.
 */
export interface SqliteDatabaseLike {
  exec(sql: string): unknown;
  prepare(sql: string): SqliteStatementLike;
  /** better-sqlite3 and bun:sqlite: whether a transaction is open. */
  readonly inTransaction?: boolean;
  /** node:sqlite: whether a transaction is open. */
  readonly isTransaction?: boolean;
}

export interface SqliteStorageOptions {
  /**
   * The table's name, created if missing: a plain SQL identifier (letters, digits and `_`,
   * not starting with a digit or `sqlite_`). Default `'stackquery'`.
   */
  table?: string;
}

/** Synchronous, as the drivers are. */
export interface SqliteStorage extends StorageBackend {
  /** The stored value, or `null` (missing, or expired: the row is deleted). */
  get(key: string): string | null;
  /** `ttl` in seconds (fractions allowed); `undefined` or not finite: no expiry. */
  set(key: string, value: string, ttl?: number): void;
  delete(key: string): void;
  /** Every unexpired key starting with `prefix` (a range over the primary key). */
  keys(prefix: string): string[];
  /** The values of `keys`, in their order, `null` for a miss: one snapshot. */
  getMany(keys: string[]): Array<string | null>;
  /** One transaction: every entry is written, or none. */
  setMany(entries: Array<{ key: string; value: string; ttl?: number }>): void;
  /** One transaction: every key is deleted, or none. */
  deleteMany(keys: string[]): void;
  /** Deletes every expired row of the table; returns how many. */
  prune(): number;
}

/**
 * L2 in a table of a SQLite database the app opens:
 * `new QueryClient({ storage: sqliteStorage(new DatabaseSync('cache.sqlite3')) })`.
 * Throws a `TypeError` for a `database` that is not one, or a bad `table`.
 */
export declare function sqliteStorage(database: SqliteDatabaseLike, options?: SqliteStorageOptions): SqliteStorage;

/** The smallest string above every string starting with `prefix` (UTF-8 byte order), or `null` if none. */
export declare function prefixSuccessor(prefix: string): string | null;
