// The durable mutation outbox (issue 16): one record in the client's storage for each run of
// a persisted mutation (`persist: true` with a `mutationKey`, persisted_mutation.js), written
// before its mutationFn runs and deleted once the run settled, so that a run cut short by a
// reload, a crash or a restart can be run again (outbox_replay.js). This file owns the
// records: their storage keys and format, writing, reading and deleting them, the index a
// storage without `keys(prefix)` needs, and which records this JS realm is running now.
//
// Storage keys, beside the client's query entries but outside their range (`${keyPrefix}:[…`,
// src/core/persist/namespace.rs), so query reads, the engine's clear() and quota trimming
// never see them:
//   `${keyPrefix}:~outbox:${id}`  a record: JSON { v: 1, id, mutationKey, variables, scope,
//                                  submittedAt, seq, owner } (`scope`: the scope id, if any;
//                                  `owner`: the realm running it, outbox_owners.js)
//   `${keyPrefix}:~outbox#index`  for a storage without keys(prefix): JSON { v: 1, ids }, the
//                                  ids of records written, brought up to date before a
//                                  record is written and after one is deleted
// An id is `${submittedAt in base 36}-${12 random [0-9a-z]}`: never a `[`, so no other
// keyPrefix's entries (`app:~outbox:[…` of keyPrefix `app:~outbox`) pass for a record.
//
// The storage is the client's `storage` option as given: a built-in storage class (their
// get/set/delete/keys protocol methods) or the user's object. Every call is bounded by
// `storageTimeout`; a failure never fails a mutation: it runs without its record, and the
// failure is reported through `onStorageError(error, operation, key)` or, without one, a
// console warning that names the operation and the error's name only (a message may hold a
// URL or a token). Records have no TTL: they go when acknowledged or with `client.clear()`.

import { owner, ownerLockHeld, randomId } from './outbox_owners.js';
import { describe } from './describe.js';
import { warnOnce } from './warn_once.js';
import { plainCopy, storageBounded } from '../storage_calls.js';

const VERSION = 1;
const ID = /^[0-9a-z]+-[0-9a-z]+$/;
const DEFAULT_TIMEOUT = 3_000; // the engine's storageTimeout default
// What the engine rejects a run with when its client was disposed first (errors.rs):
// the run did not happen, so its record stays for a later resume.
const DISPOSED = 'stackquery: this QueryClient has been disposed';
const noop = () => {};

/** Each client's outbox (clients with `storage`). */
const outboxes = new WeakMap();

/** The outbox of `client`, if it has storage. */
export function outboxOf(client) {
  return outboxes.get(client);
}

// What the clients of this realm share per storage object and keyPrefix: the ids of records
// being run here (a resume skips them), those acknowledged whose delete failed (never run
// again here), and the turn of index updates (one at a time, so none is lost).
const realm = new WeakMap(); // storage → Map(keyPrefix → { running, acknowledged, indexTurn })
function sharedOf(storage, keyPrefix) {
  let byPrefix = realm.get(storage);
  if (byPrefix === undefined) realm.set(storage, (byPrefix = new Map()));
  let shared = byPrefix.get(keyPrefix);
  if (shared === undefined) {
    shared = { running: new Set(), acknowledged: new Set(), indexTurn: Promise.resolve() };
    byPrefix.set(keyPrefix, shared);
  }
  return shared;
}

let seq = 0; // orders the records this realm writes in one millisecond

export class MutationOutbox {
  #storage;
  #keyPrefix;
  #timeout;
  #onError;
  #shared;
  #landing = new Set(); // writes of records under way (clear() waits for them)
  #deleting = new Set(); // deletes of acknowledged records under way (flush() waits for them)
  #closed = false;
  #failing = false; // a failure was reported and nothing worked since

  /** `options`: the client's `keyPrefix`, `storageTimeout` and `onStorageError`, as the engine accepted them. */
  constructor(client, storage, options) {
    this.#storage = storage;
    this.#keyPrefix = typeof options?.keyPrefix === 'string' ? options.keyPrefix : 'stackquery';
    const timeout = options?.storageTimeout;
    this.#timeout = typeof timeout === 'number' && timeout > 0 ? timeout : DEFAULT_TIMEOUT;
    this.#onError = typeof options?.onStorageError === 'function' ? options.onStorageError : undefined;
    this.#shared = sharedOf(storage, this.#keyPrefix);
    outboxes.set(client, this);
  }

  get keyPrefix() {
    return this.#keyPrefix;
  }

  /** The client was disposed: no record is written from now on (those stored stay). */
  close() {
    this.#closed = true;
  }

  get closed() {
    return this.#closed;
  }

  /**
   * A new run of `mutationKey` with `variables` (scope id `scope`): its record, written from
   * now on. Returns `{ id, key, landed, written }` — `landed` settles with the storage's own
   * write, `written` resolves (never rejects; true when stored) once it landed, failed or
   * took longer than storageTimeout — or `undefined` when the run cannot be recorded
   * (variables that are not JSON, a disposed client): it runs all the same.
   */
  submit(mutationKey, variables, scope) {
    if (this.#closed) return undefined;
    const problem = jsonProblem(mutationKey, variables);
    if (problem !== undefined) {
      warnOnce(`outbox-json:${safeKey(mutationKey)}`, `stackquery: the mutation ${safeKey(mutationKey)} is not persisted: ${problem} (persist needs JSON: plain objects, arrays, strings, finite numbers, booleans, null); it runs without a durable record`);
      return undefined;
    }
    const submittedAt = Date.now();
    const id = `${submittedAt.toString(36)}-${randomId(12)}`;
    const record = { v: VERSION, id, mutationKey, variables, scope, submittedAt, seq: ++seq, owner: owner() };
    const text = JSON.stringify(record);
    const key = this.#recordKey(id);
    this.#shared.running.add(id); // before any await: a resume here never runs it
    const landed = (async () => {
      await ownerLockHeld(); // other tabs see this realm alive before its record exists
      if (!this.#listsKeys()) await this.#changeIndex((ids) => ids.add(id));
      await this.#call('set', key, text, undefined);
    })();
    this.#landing.add(landed);
    landed.then(() => this.#landing.delete(landed), () => this.#landing.delete(landed));
    const written = this.#bounded(landed, 'set').then(
      () => {
        this.#failing = false;
        return true;
      },
      (error) => {
        this.#failed(error, 'set', key, 'it runs without a durable record');
        return false;
      },
    );
    return { id, key, landed, written };
  }

  /** The entry of a record read back (for a resume): its write landed long ago. */
  entryOf(record) {
    return { id: record.id, key: this.#recordKey(record.id), landed: Promise.resolve(), written: Promise.resolve(true) };
  }

  /**
   * Follows the run `run` (a promise) of `entry`: once it settles the record is deleted —
   * success, or an error after its retries — unless the run never happened because the
   * client was disposed first: then it stays for a later resume. Returns a promise that
   * settles as `run` does, so that a rejection nobody handles is still reported as one.
   */
  follow(entry, run) {
    return run.then(
      (data) => {
        this.#settled(entry, undefined);
        return data;
      },
      (error) => {
        this.#settled(entry, error);
        throw error;
      },
    );
  }

  /** As `follow`, but resolves (never rejects) once the record was deleted or released. */
  settle(entry, run) {
    return run.then(
      () => this.#settled(entry, undefined),
      (error) => this.#settled(entry, error),
    );
  }

  /** A run ended with `error` (undefined: success): acknowledged, or released when it never ran. */
  #settled(entry, error) {
    if (this.#closed && error instanceof Error && error.message === DISPOSED) {
      this.release(entry);
      return undefined;
    }
    return this.acknowledge(entry);
  }

  /** Resolves when the records written and deleted here so far have been tried (at most storageTimeout). */
  flush() {
    return this.#bounded(Promise.allSettled([...this.#landing, ...this.#deleting]), 'flush').then(noop, noop);
  }

  /** The run of `entry` settled: its record is deleted (once its write landed). Resolves when done. */
  acknowledge(entry) {
    const { id, key, landed } = entry;
    const shared = this.#shared;
    shared.acknowledged.add(id); // never run again here, even if the delete fails
    const deleting = landed
      .catch(noop)
      .then(() => this.#bounded(this.#call('delete', key), 'delete'))
      .then(() => (this.#listsKeys() ? undefined : this.#changeIndex((ids) => ids.delete(id))))
      .then(
        () => {
          shared.acknowledged.delete(id);
          this.#failing = false;
        },
        (error) => this.#failed(error, 'delete', key, 'it is deleted at the next resume in this page or process'),
      )
      .finally(() => {
        shared.running.delete(id);
        this.#deleting.delete(deleting);
      });
    this.#deleting.add(deleting);
    return deleting;
  }

  /** The run of `entry` did not happen here: its record may be run again, here too. */
  release(entry) {
    this.#shared.running.delete(entry.id);
  }

  /**
   * Takes the record `id` for a run in this realm: false when it is being run here already
   * (or was acknowledged here). Synchronous, so two resumes never both take one record.
   */
  claim(id) {
    const shared = this.#shared;
    if (shared.running.has(id) || shared.acknowledged.has(id)) return false;
    shared.running.add(id);
    return true;
  }

  /** Gives up a record taken with `claim`. */
  unclaim(id) {
    this.#shared.running.delete(id);
  }

  /**
   * The stored records, oldest first (submittedAt, then the order written). Records
   * acknowledged here whose delete failed are deleted again, not listed. Rejects when
   * storage fails (reported first).
   */
  async records() {
    let ids;
    try {
      ids = await this.#ids();
    } catch (error) {
      this.#failed(error, 'get', this.#listsKeys() ? this.#recordKey('') : this.#indexKey(), 'nothing is resumed now');
      throw error;
    }
    const read = await Promise.all(ids.map(async (id) => {
      const key = this.#recordKey(id);
      if (this.#shared.acknowledged.has(id)) {
        if (!this.#shared.running.has(id)) void this.acknowledge(this.entryOf({ id }));
        return undefined;
      }
      let text;
      try {
        text = await this.#bounded(this.#call('get', key), 'get');
      } catch (error) {
        this.#failed(error, 'get', key, 'it is not resumed now');
        return undefined;
      }
      // Listed by the index but gone (acknowledged elsewhere, or its write never landed).
      if (text === null || text === undefined) {
        if (!this.#listsKeys() && !this.#shared.running.has(id)) void this.#changeIndex((set) => set.delete(id)).catch(noop);
        return undefined;
      }
      return parseRecord(text, id);
    }));
    return read.filter((r) => r !== undefined).sort(byAge);
  }

  /** Stores `record` again (another owner). Resolves true when stored. */
  async rewrite(record) {
    const key = this.#recordKey(record.id);
    try {
      await this.#bounded(this.#call('set', key, JSON.stringify(record), undefined), 'set');
      return true;
    } catch (error) {
      this.#failed(error, 'set', key, 'it is not resumed now');
      return false;
    }
  }

  /**
   * Log-out: deletes every record (and the index), those of earlier sessions too, once the
   * writes under way here landed (one landing afterwards would outlive the log-out).
   * Rejects with the storage's error when that failed.
   */
  async clear() {
    if (this.#landing.size > 0) {
      await this.#bounded(Promise.allSettled([...this.#landing]), 'clear').catch(noop);
    }
    const lists = this.#listsKeys();
    const ids = await this.#ids();
    const keys = ids.map((id) => this.#recordKey(id));
    if (!lists) keys.push(this.#indexKey());
    await Promise.all(keys.map((key) => this.#bounded(this.#call('delete', key), 'clear')));
  }

  #recordKey(id) {
    return `${this.#keyPrefix}:~outbox:${id}`;
  }

  #indexKey() {
    return `${this.#keyPrefix}:~outbox#index`;
  }

  #listsKeys() {
    return typeof this.#storage.keys === 'function';
  }

  /** The ids of the stored records: listed by the storage, or from the index. */
  async #ids() {
    if (!this.#listsKeys()) return [...(await this.#readIndex())];
    const prefix = this.#recordKey('');
    const keys = await this.#bounded(this.#call('keys', prefix), 'get');
    if (!Array.isArray(keys)) throw new TypeError(`storage keys(prefix) must return an array of strings, got ${describe(keys)}`);
    return plainCopy(keys, 'keys(prefix)') // its length read once and bounded
      .filter((k) => typeof k === 'string' && k.startsWith(prefix))
      .map((k) => k.slice(prefix.length))
      .filter((id) => ID.test(id));
  }

  async #readIndex() {
    const text = await this.#bounded(this.#call('get', this.#indexKey()), 'get');
    const ids = new Set();
    if (typeof text !== 'string') return ids;
    try {
      const index = JSON.parse(text);
      if (index?.v === VERSION && Array.isArray(index.ids)) {
        for (const id of index.ids) if (typeof id === 'string' && ID.test(id)) ids.add(id);
      }
    } catch {
      // garbage: an empty index
    }
    return ids;
  }

  /** Reads the index, applies `change(ids)` and writes it back, one update at a time in this realm. */
  #changeIndex(change) {
    const shared = this.#shared;
    const turn = shared.indexTurn.then(async () => {
      const ids = await this.#readIndex();
      change(ids);
      await this.#bounded(this.#call('set', this.#indexKey(), JSON.stringify({ v: VERSION, ids: [...ids] }), undefined), 'set');
    });
    shared.indexTurn = turn.catch(noop);
    return turn;
  }

  /** `storage[method](...args)` as a promise (a throw is a rejection). */
  #call(method, ...args) {
    try {
      return Promise.resolve(this.#storage[method](...args));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * `promise`, or a TimeoutError after storageTimeout, as the engine's storage calls are
   * bounded (its timer is not unref'd: a mutation waiting for its record keeps a process alive).
   */
  #bounded(promise, operation) {
    return storageBounded(promise, this.#timeout, `${operation} of a persisted mutation`);
  }

  /** Reports a storage failure: to onStorageError, else one console warning per outage. */
  #failed(error, operation, key, consequence) {
    if (this.#onError !== undefined) {
      try {
        this.#onError(error, operation, key);
      } catch {
        // the reporter's own failure changes nothing
      }
      return;
    }
    if (this.#failing) return;
    this.#failing = true;
    const name = typeof error?.name === 'string' ? error.name : typeof error;
    console.warn(`stackquery: storage ${operation} of a persisted mutation failed (${name}); ${consequence}`);
  }
}

/** Oldest first: submittedAt, then the order one realm wrote them, then id. */
function byAge(a, b) {
  return a.submittedAt - b.submittedAt || (a.seq ?? 0) - (b.seq ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A stored record, checked; `undefined` for anything else (another version, garbage). */
function parseRecord(text, id) {
  if (typeof text !== 'string') return undefined;
  let record;
  try {
    record = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof record !== 'object' || record === null || record.v !== VERSION || record.id !== id) return undefined;
  if (!Array.isArray(record.mutationKey) || typeof record.submittedAt !== 'number') return undefined;
  if (record.scope !== undefined && record.scope !== null && typeof record.scope !== 'string') return undefined;
  return record;
}

/** The mutation key as JSON text, for messages (it names no variables). */
function safeKey(mutationKey) {
  try {
    return JSON.stringify(mutationKey) ?? String(mutationKey);
  } catch {
    return '(a key that is not JSON)';
  }
}

const MAX_VALUES = 1_000_000;

/**
 * Why `mutationKey` or `variables` would not come back the same from JSON, or `undefined`
 * when they would: only plain objects, arrays, strings, finite numbers, booleans and null
 * (an `undefined` object property, and the variables themselves, may be absent).
 */
function jsonProblem(mutationKey, variables) {
  try {
    JSON.stringify([mutationKey, variables]); // cycles and BigInts throw here
  } catch {
    return 'its key or variables hold a cycle or a BigInt';
  }
  try {
    const stack = [[mutationKey, 'its key holds', false], [variables, 'its variables hold', true]];
    let count = 0;
    while (stack.length > 0) {
      if (++count > MAX_VALUES) return 'its variables are too large to check';
      const [v, where, mayBeAbsent] = stack.pop();
      if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
      if (v === undefined && mayBeAbsent) continue;
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) return `${where} ${v}`;
        continue;
      }
      if (typeof v !== 'object') return `${where} ${describe(v)}`;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) stack.push([v[i], where, false]);
        continue;
      }
      const proto = Object.getPrototypeOf(v);
      if ((proto !== Object.prototype && proto !== null) || typeof v.toJSON === 'function') {
        return `${where} a ${Object.prototype.toString.call(v).slice(8, -1)}`;
      }
      for (const name of Object.keys(v)) stack.push([v[name], where, true]);
    }
  } catch {
    return 'its variables cannot be read';
  }
  return undefined;
}
