// L2 in a SQLite file, over the app's own synchronous SQLite handle, on Node, Bun or Deno
// servers and CLIs: `node:sqlite`'s `DatabaseSync` (Node 22.5 and later, Deno 2),
// `bun:sqlite`'s `Database`, or a `better-sqlite3` `Database`.
//
//   import { DatabaseSync } from 'node:sqlite';
//   import { QueryClient } from 'stackquery';
//   import { sqliteStorage } from 'stackquery/adapters/sqlite';
//
//   const db = new DatabaseSync('cache.sqlite3');
//   const client = new QueryClient({ storage: sqliteStorage(db) });
//
// This file owns the translation of the storage protocol into SQL on one table
// (`CREATE TABLE IF NOT EXISTS <table> (key TEXT PRIMARY KEY, value TEXT NOT NULL,
// expires_at INTEGER)`, created when the adapter is made; `expires_at` in ms since the
// epoch, NULL for no expiry):
//   get → one SELECT (an expired row reads as null and is deleted), set → INSERT … ON
//   CONFLICT DO UPDATE, delete → DELETE, getMany → one `IN (…)` SELECT per 500 keys,
//   setMany / deleteMany → one transaction (BEGIN IMMEDIATE … COMMIT; ROLLBACK and the
//   error rethrown when a statement fails: nothing of a failed batch is written),
//   keys(prefix) → a range `key >= prefix AND key < successor(prefix)` on the primary
//   key (no LIKE: `%` and `_` in a prefix are plain characters); prune() → one DELETE of
//   the expired rows (reads skip them anyway).
// Nothing is imported: the app passes its handle, opened, and keeps owning it (its file,
// its pragmas, its busy timeout, closing it). The three libraries have the same `exec`
// and `prepare(sql)` with `.get/.all/.run(...params)`, and positional `?` parameters;
// the only difference used here, a miss, is `undefined` in two and `null` in Bun.
// Every method answers synchronously (the protocol allows plain values); errors are the
// library's own, passed on as they are.

/** Keys per `IN (…)` list of getMany (under SQLite's default limit of bound parameters). */
const IN_CHUNK = 500;

/**
 * @typedef {object} SqliteStatementLike
 * A prepared statement of `node:sqlite`, `bun:sqlite` or `better-sqlite3`.
 * @property {(...params: unknown[]) => unknown} get the first row, `undefined` or `null` when none
 * @property {(...params: unknown[]) => unknown[]} all every row
 * @property {(...params: unknown[]) => unknown} run
 */

/**
 * @typedef {object} SqliteDatabaseLike
 * The part of a synchronous SQLite handle this adapter uses.
 * @property {(sql: string) => unknown} exec
 * @property {(sql: string) => SqliteStatementLike} prepare
 */

/** @param {unknown} f */
const isFunction = (f) => typeof f === 'function';

/**
 * The expiry time (ms since the epoch, rounded up) of a TTL in seconds; `null` for no expiry.
 * @param {number | null | undefined} ttl
 */
function expiresAtOf(ttl) {
  if (typeof ttl !== 'number' || !Number.isFinite(ttl)) return null;
  return Math.ceil(Date.now() + ttl * 1000);
}

/**
 * The smallest string greater than every string that starts with `prefix`, in SQLite's
 * BINARY order (UTF-8 bytes, which is code point order): `prefix` with its last code
 * point increased (surrogates skipped); `null` when there is none (`''`, or only U+10FFFF).
 * @param {string} prefix
 */
export function prefixSuccessor(prefix) {
  const points = Array.from(prefix, (c) => /** @type {number} */ (c.codePointAt(0)));
  while (points.length > 0) {
    const last = /** @type {number} */ (points.pop());
    if (last < 0x10ffff) {
      points.push(last + 1 === 0xd800 ? 0xe000 : last + 1);
      return String.fromCodePoint(...points);
    }
  }
  return null;
}

/**
 * `value` when it is a string, else a TypeError naming `what`.
 * @param {unknown} value
 * @param {string} what
 */
function text(value, what) {
  if (typeof value !== 'string') throw new TypeError(`sqliteStorage: ${what} must be a string, not ${value === null ? 'null' : typeof value}`);
  return value;
}

/**
 * A stackquery storage backend in one table of a synchronous SQLite database: the
 * protocol's `get`, `set`, `delete`, `keys` and the batch methods `getMany`, `setMany`,
 * `deleteMany`, all answering synchronously.
 *
 * @param {SqliteDatabaseLike} database an open `node:sqlite` DatabaseSync, `bun:sqlite` Database or `better-sqlite3` Database (the app keeps owning it)
 * @param {{ table?: string }} [options] `table`: the table's name, an SQL identifier (default 'stackquery'), created if missing
 * @returns {{
 *   get(key: string): string | null,
 *   set(key: string, value: string, ttl?: number): void,
 *   delete(key: string): void,
 *   keys(prefix: string): string[],
 *   getMany(keys: string[]): Array<string | null>,
 *   setMany(entries: Array<{ key: string, value: string, ttl?: number }>): void,
 *   deleteMany(keys: string[]): void,
 *   prune(): number,
 * }}
 */
export function sqliteStorage(database, options = {}) {
  const db = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (database));
  if (db === null || (typeof db !== 'object' && typeof db !== 'function') || !isFunction(db.prepare) || !isFunction(db.exec)) {
    throw new TypeError(
      "sqliteStorage(database): `database` must be an open synchronous SQLite handle with exec and prepare (new DatabaseSync() from 'node:sqlite', new Database() from 'bun:sqlite' or 'better-sqlite3')" +
        (db === null || (typeof db !== 'object' && typeof db !== 'function') ? `, not ${db === null ? 'null' : typeof db}` : '; this object has no prepare or exec method'),
    );
  }
  const { table = 'stackquery' } = options ?? {};
  if (typeof table !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(table) || /^sqlite_/i.test(table)) {
    throw new TypeError('sqliteStorage(database, { table }): `table` must be a plain SQL identifier (letters, digits and _, not starting with a digit or sqlite_)');
  }
  database.exec(`CREATE TABLE IF NOT EXISTS "${table}" (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER)`);
  const t = `"${table}"`;
  const select = database.prepare(`SELECT value, expires_at FROM ${t} WHERE key = ?`);
  const upsert = database.prepare(
    `INSERT INTO ${t} (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
  );
  const remove = database.prepare(`DELETE FROM ${t} WHERE key = ?`);
  // Only a row still expired: another process may have written the key since it was read.
  const removeExpired = database.prepare(`DELETE FROM ${t} WHERE key = ? AND expires_at <= ?`);
  const listFrom = database.prepare(`SELECT key FROM ${t} WHERE key >= ? AND (expires_at IS NULL OR expires_at > ?)`);
  const listRange = database.prepare(`SELECT key FROM ${t} WHERE key >= ? AND key < ? AND (expires_at IS NULL OR expires_at > ?)`);
  /** @type {Map<number, SqliteStatementLike>} `IN (…)` SELECTs by their number of keys */
  const selectIn = new Map();

  const pruneAll = database.prepare(`DELETE FROM ${t} WHERE expires_at <= ?`);

  /** Whether the app has a transaction open on the handle (better-sqlite3, bun:sqlite: `inTransaction`; node:sqlite: `isTransaction`). */
  const inTransaction = () => db.inTransaction === true || db.isTransaction === true;

  /**
   * Runs `body` in one transaction: COMMIT when it returns, ROLLBACK (and the error
   * rethrown) when it throws. Inside a transaction the app has open, a SAVEPOINT
   * instead (BEGIN would fail): the batch then commits or rolls back with the app's.
   * @param {() => void} body
   */
  function transaction(body) {
    const nested = inTransaction();
    database.exec(nested ? 'SAVEPOINT stackquery_batch' : 'BEGIN IMMEDIATE');
    try {
      body();
      database.exec(nested ? 'RELEASE stackquery_batch' : 'COMMIT');
    } catch (error) {
      try {
        database.exec(nested ? 'ROLLBACK TO stackquery_batch; RELEASE stackquery_batch' : 'ROLLBACK');
      } catch {
        // SQLite may already have rolled back (e.g. SQLITE_FULL); the first error is the one that counts
      }
      throw error;
    }
  }

  /**
   * A row's value, or `null` (after deleting it) when it has expired.
   * @param {string} key
   * @param {{ value: string, expires_at: number | bigint | null } | null | undefined} row
   * @param {number} now
   */
  function live(key, row, now) {
    if (row === null || row === undefined) return null;
    if (row.expires_at !== null && Number(row.expires_at) <= now) {
      removeExpired.run(key, now);
      return null;
    }
    return row.value;
  }

  return {
    /** @param {string} key */
    get(key) {
      const row = /** @type {{ value: string, expires_at: number | null } | undefined} */ (select.get(text(key, 'a key')));
      return live(key, row, Date.now());
    },
    /**
     * @param {string} key
     * @param {string} value
     * @param {number} [ttl] seconds (fractions allowed); missing or not finite: no expiry
     */
    set(key, value, ttl) {
      upsert.run(text(key, 'a key'), text(value, 'a value'), expiresAtOf(ttl));
    },
    /** @param {string} key */
    delete(key) {
      remove.run(text(key, 'a key'));
    },
    /**
     * Every unexpired key that starts with `prefix`, by a range on the primary key.
     * @param {string} prefix
     */
    keys(prefix) {
      const end = prefixSuccessor(text(prefix, 'a prefix'));
      const rows = /** @type {Array<{ key: string }>} */ (
        end === null ? listFrom.all(prefix, Date.now()) : listRange.all(prefix, end, Date.now())
      );
      return rows.map((row) => row.key);
    },
    /**
     * The values of `keys` in their order (`null` for a miss), by one SELECT per 500 keys.
     * @param {string[]} keys
     */
    getMany(keys) {
      const now = Date.now();
      /** @type {Map<string, { value: string, expires_at: number | null }>} */
      const rows = new Map();
      for (let i = 0; i < keys.length; i += IN_CHUNK) {
        const chunk = keys.slice(i, i + IN_CHUNK).map((key) => text(key, 'a key'));
        let statement = selectIn.get(chunk.length);
        if (!statement) {
          statement = database.prepare(`SELECT key, value, expires_at FROM ${t} WHERE key IN (${chunk.map(() => '?').join(', ')})`);
          selectIn.set(chunk.length, statement);
        }
        for (const row of /** @type {Array<{ key: string, value: string, expires_at: number | null }>} */ (statement.all(...chunk))) {
          rows.set(row.key, row);
        }
      }
      return keys.map((key) => live(key, rows.get(key), now));
    },
    /**
     * Every entry's upsert, in one transaction: all of them are written, or none.
     * @param {Array<{ key: string, value: string, ttl?: number }>} entries
     */
    setMany(entries) {
      if (entries.length === 0) return;
      transaction(() => {
        for (const { key, value, ttl } of entries) upsert.run(text(key, 'a key'), text(value, 'a value'), expiresAtOf(ttl));
      });
    },
    /**
     * Deletes `keys` in one transaction.
     * @param {string[]} keys
     */
    deleteMany(keys) {
      if (keys.length === 0) return;
      transaction(() => {
        for (const key of keys) remove.run(text(key, 'a key'));
      });
    },
    /** Deletes every expired row of the table (reads only skip them); returns how many. */
    prune() {
      const result = /** @type {{ changes?: number | bigint } | undefined} */ (pruneAll.run(Date.now()));
      return Number(result?.changes ?? 0);
    },
  };
}
