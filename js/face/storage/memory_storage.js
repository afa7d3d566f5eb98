// `MemoryStorage`: L2 in a plain map, for hosts without persistent storage and for
// tests. It honours TTLs as a remote store would. It speaks the storage protocol
// (src/bindings/storage/object.rs) with the batched methods, so the client reads and
// writes a batch in one call.
import { bindMethods } from './bind_methods.js';

/** L2 in memory: `new MemoryStorage()`. */
export class MemoryStorage {
  /** Entries by key: `[value, expiresAt]` (ms since the epoch; undefined: never). */
  #entries = new Map();

  constructor() {
    const entries = this.#entries;
    /** How many entries it holds. */
    Object.defineProperty(this, 'size', { get: () => entries.size });
    bindMethods(this, ['get', 'set', 'delete', 'keys', 'getMany', 'setMany', 'deleteMany', 'deletePrefix', 'free']);
  }

  #now(key) {
    const entry = this.#entries.get(key);
    if (entry === undefined) return null;
    if (entry[1] !== undefined && Date.now() >= entry[1]) {
      this.#entries.delete(key);
      return null;
    }
    return entry[0];
  }

  #put(key, value, ttlSeconds) {
    this.#entries.set(String(key), [String(value), ttlSeconds == null ? undefined : Date.now() + ttlSeconds * 1000]);
  }

  get(key) {
    return Promise.resolve(this.#now(key));
  }

  set(key, value, ttlSeconds) {
    this.#put(key, value, ttlSeconds);
    return Promise.resolve();
  }

  delete(key) {
    this.#entries.delete(key);
    return Promise.resolve();
  }

  /** Keys starting with `prefix` (all keys without one). */
  keys(prefix) {
    prefix ??= '';
    return Promise.resolve([...this.#entries.keys()].filter((k) => k.startsWith(prefix)));
  }

  getMany(keys) {
    return Promise.resolve(keys.map((k) => this.#now(k)));
  }

  setMany(entries) {
    for (const { key, value, ttl } of entries) this.#put(key, value, ttl);
    return Promise.resolve();
  }

  deleteMany(keys) {
    for (const k of keys) this.#entries.delete(k);
    return Promise.resolve();
  }

  deletePrefix(prefix) {
    for (const k of [...this.#entries.keys()]) if (k.startsWith(prefix)) this.#entries.delete(k);
    return Promise.resolve();
  }

  /** Kept for code written for the wasm class: there is nothing to free. */
  free() {}
}
