// The storage protocol's calls on a client's L2 object (src/bindings/storage/object.rs):
// `get(key)`, `set(key, value, ttlSeconds)`, `delete(key)`, and where the object has them
// `getMany`, `setMany`, `deleteMany`, `keys(prefix)` and `deletePrefix(prefix, signal)`,
// and the built-in IndexedDB store's `__` methods. The object is user code, so it is
// called here: the engine makes one call per storage operation and awaits the promise it
// gets, bounded here by `storageTimeout` (`storageBounded`). Methods are looked up at
// each call (one whose lookup throws counts as missing); what a method returns becomes a
// native promise (settle.js), and none of these functions throws: a throw, a missing
// method or a malformed answer is a rejection.

import { settle } from './settle.js';

function methodOf(object, name) {
  try {
    const f = object[name];
    return typeof f === 'function' ? f : undefined;
  } catch {
    return undefined;
  }
}

/** Calls `f` on the object: what it returns as a native promise (a throw rejects). */
function invoke(object, f, args) {
  try {
    return settle(f.apply(object, args));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Calls the object's method `name` now; a missing one throws, naming it, as a throw of it does. */
function callNow(object, name, args) {
  const f = methodOf(object, name);
  if (f === undefined) throw new Error(`the storage object has no ${name} method`);
  return settle(f.apply(object, args));
}

/** `callNow`, a throw as a rejection. */
function call(object, name, args) {
  try {
    return callNow(object, name, args);
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * The calls `issue` makes (into the array it is given), all at once. The first that throws
 * ends it: the rest are not made, and it rejects with that error (those made before settle
 * unheard).
 */
function allAtOnce(issue) {
  const calls = [];
  try {
    issue(calls);
  } catch (e) {
    for (const made of calls) made.catch(nothing);
    return Promise.reject(e);
  }
  return Promise.all(calls);
}

export function storageGet(object, key) {
  return call(object, 'get', [key]);
}

/** One `getMany(keys)` call where the object has it, else one `get` per key, all at once. */
export function storageGetMany(object, keys) {
  const getMany = methodOf(object, 'getMany');
  const read = getMany !== undefined
    ? invoke(object, getMany, [keys])
    : allAtOnce((calls) => { for (const key of keys) calls.push(callNow(object, 'get', [key])); });
  return read.then((values) => {
    if (Array.isArray(values)) return plainCopy(values, 'getMany(keys)', keys.length);
    throw new TypeError('storage getMany(keys) must return an array with one value per key');
  });
}

// The most items a storage's listing may hold (what a client may cache, 2^24): a longer
// one, or a sparse array claiming billions, is a storage failure, not minutes of reading.
const MAX_LISTED = 1 << 24;

/**
 * The elements of a storage's array in an array of our own, read here: a getter or proxy
 * trap of the storage's that throws rejects the storage call (a storage failure), where
 * the engine reading the storage's array itself would have had the throw escape from
 * inside it and leave the keys it was reading unsettled for good. Its `length` is read
 * once (a proxy may answer each read differently), and must be `expected` when given.
 */
export function plainCopy(array, what, expected) {
  const length = array.length;
  if (expected === undefined ? !(length <= MAX_LISTED) : length !== expected) {
    throw new TypeError(expected === undefined
      ? `storage ${what} must return an array of at most ${MAX_LISTED} items, got one of ${String(length)}`
      : `storage ${what} must return an array with one value per key`);
  }
  const copy = new Array(length);
  for (let i = 0; i < length; i++) copy[i] = array[i];
  return copy;
}

/**
 * `{ key, value, ttl }` for each `i` with `values[i]` set (`undefined`: a delete, skipped);
 * `ttl` is `ttls[i]` seconds, or `undefined` where that is not finite (no expiry).
 */
function putEntries(keys, values, ttls) {
  const entries = [];
  for (let i = 0; i < keys.length; i++) {
    const value = values[i];
    if (value === undefined) continue;
    entries.push({ key: keys[i], value, ttl: ttlOf(ttls[i]) });
  }
  return entries;
}

const ttlOf = (seconds) => (Number.isFinite(seconds) ? seconds : undefined);

/**
 * A batch: `keys[i]` set to `values[i]` for `ttls[i]` seconds (not finite: no expiry), or
 * deleted where `values[i]` is undefined. The built-in IndexedDB store takes it in one call
 * (`__writeBatch`: one transaction, the newest version `at`, `rev` counted in namespace
 * `prefix`'s greatest); otherwise one `setMany` and one `deleteMany` where the object has
 * them, and one `set` or `delete` per op where it does not, all at once (a call that
 * throws ends the batch there: see `allAtOnce`).
 */
export function storageWrite(object, keys, values, ttlsView, prefix, at, rev) {
  // A copy: the engine's numbers come as a view of wasm memory, which a storage method
  // that calls the client may grow (a grown memory leaves the view empty).
  const ttls = ttlsView.slice();
  const writeBatch = methodOf(object, '__writeBatch');
  if (writeBatch !== undefined) return invoke(object, writeBatch, [keys, values, prefix, at, rev]).then(nothing);
  const setMany = methodOf(object, 'setMany');
  const deleteMany = methodOf(object, 'deleteMany');
  const entries = setMany === undefined ? [] : putEntries(keys, values, ttls);
  return allAtOnce((calls) => {
    const deleted = [];
    for (let i = 0; i < keys.length; i++) {
      const value = values[i];
      if (value !== undefined) {
        if (setMany === undefined) calls.push(callNow(object, 'set', [keys[i], value, ttlOf(ttls[i])]));
      } else if (deleteMany !== undefined) {
        deleted.push(keys[i]);
      } else {
        calls.push(callNow(object, 'delete', [keys[i]]));
      }
    }
    if (entries.length > 0) calls.push(settle(setMany.apply(object, [entries])));
    if (deleted.length > 0) calls.push(settle(deleteMany.apply(object, [deleted])));
  }).then(nothing);
}

function nothing() {
  return undefined;
}

/** Keys starting with `prefix` (strings only); `undefined` when the object cannot list them. */
export function storageKeys(object, prefix) {
  if (methodOf(object, 'keys') === undefined) return Promise.resolve(undefined);
  return call(object, 'keys', [prefix]).then((list) => {
    if (!Array.isArray(list)) throw new TypeError('storage keys(prefix) must return an array of strings');
    return plainCopy(list, 'keys(prefix)').filter((key) => typeof key === 'string' && key.startsWith(prefix));
  });
}

/**
 * Deletes every key starting with `prefix`: one `deletePrefix(prefix, signal)` call where
 * the object has it (`signal` aborts when the client stops waiting), else its keys listed,
 * then deleted in one batch.
 */
export function storageDeletePrefix(object, prefix, signal) {
  const deletePrefix = methodOf(object, 'deletePrefix');
  if (deletePrefix !== undefined) return invoke(object, deletePrefix, [prefix, signal]).then(nothing);
  return storageKeys(object, prefix).then((keys) => {
    if (keys === undefined) {
      throw new Error('the storage object has no keys(prefix) method, so its entries cannot be listed and removed');
    }
    return storageWrite(object, keys, new Array(keys.length), []);
  });
}

/**
 * Every entry whose key starts with `prefix`, as `[keys, values]` in the same order (the
 * bulk restore): IndexedDB reads both in one transaction (`__entries`), the others list
 * their keys, then read them in one batch. `undefined` when the storage cannot list keys;
 * a key listed that does not start with `prefix` is left out.
 */
export function storageEntries(object, prefix) {
  const entries = methodOf(object, '__entries');
  if (entries !== undefined) {
    return invoke(object, entries, [prefix]).then((pair) => {
      if (!Array.isArray(pair) || !Array.isArray(pair[0]) || !Array.isArray(pair[1])) {
        throw new TypeError('storage __entries(prefix) must return [keys, values]');
      }
      return under(prefix, pair[0], pair[1]);
    });
  }
  return storageKeys(object, prefix).then((keys) => (keys === undefined ? undefined : storageGetMany(object, keys).then((values) => [keys, values])));
}

/** The keys starting with `prefix` (strings only), and their values (copies: see `plainCopy`). */
function under(prefix, listedKeys, listedValues) {
  const keys = plainCopy(listedKeys, '__entries(prefix)');
  const values = plainCopy(listedValues, '__entries(prefix)', keys.length);
  if (keys.every((key) => typeof key === 'string' && key.startsWith(prefix))) return [keys, values];
  const kept = [[], []];
  keys.forEach((key, i) => {
    if (typeof key !== 'string' || !key.startsWith(prefix)) return;
    kept[0].push(key);
    kept[1].push(values[i]);
  });
  return kept;
}

/**
 * `storageWrite`, each op applied only where it does not lose to what is stored
 * (`__writeInOrder`, four numbers per op in `orders`), where the storage can.
 */
export function storageWriteInOrder(object, keys, values, ttls, orders, prefix, buster, now) {
  const writeInOrder = methodOf(object, '__writeInOrder');
  if (writeInOrder === undefined) return storageWrite(object, keys, values, ttls);
  return invoke(object, writeInOrder, [keys, values, Float64Array.from(orders), prefix, buster, now]).then(nothing);
}

/**
 * Deletes namespace `prefix`'s entries (those under `entriesPrefix`) for a clear made at
 * `at`; where the storage can (`__clearInOrder`), data written before `at` is refused
 * afterwards.
 */
export function storageClearInOrder(object, prefix, at, entriesPrefix, signal) {
  const clearInOrder = methodOf(object, '__clearInOrder');
  if (clearInOrder === undefined) return storageDeletePrefix(object, entriesPrefix, signal);
  return invoke(object, clearInOrder, [prefix, at]).then(nothing);
}

/**
 * What a closing page still has to write, where the storage orders its writes
 * (`__writeAtUnload`): a clear made at `clearedAt` (undefined: none), then the batch.
 */
export function storageWriteAtUnload(object, prefix, clearedAt, keys, values, at, rev) {
  const writeAtUnload = methodOf(object, '__writeAtUnload');
  if (writeAtUnload === undefined) return Promise.resolve(undefined);
  return invoke(object, writeAtUnload, [prefix, clearedAt, keys, values, at, rev]).then(nothing);
}

/** Longest delay `setTimeout` honours; longer ones fire at once in browsers. */
const MAX_DELAY_MS = 2_147_483_647;
/** The errors `storageBounded` made: a call given up on, which may still settle. */
const givenUp = new WeakSet();

/**
 * `call`, or a TimeoutError once it has taken `ms` (`storageTimeout`; not finite: no
 * limit), naming `operation` and `shownMs` (the whole `storageTimeout`, for a call that had
 * only what was left of it). `controller`, where given, is aborted then: a call that takes
 * a signal hears that the client gave up on it (a JS promise cannot be cancelled).
 */
export function storageBounded(call, ms, operation, controller, shownMs = ms) {
  if (!Number.isFinite(ms)) return call;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new Error(`stackquery: storage ${operation} took longer than storageTimeout (${Math.trunc(shownMs)} ms)`);
      error.name = 'TimeoutError';
      givenUp.add(error);
      controller?.abort();
      reject(error);
    }, Math.min(ms, MAX_DELAY_MS));
    call.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); },
    );
  });
}

/** Whether `error` is `storageBounded`'s: its call was given up on, not failed. */
export function isStorageTimeout(error) {
  return givenUp.has(error);
}

/**
 * Each key's value, read one `get` after another; `null` where a read failed. Stops
 * once `signal` aborts.
 */
export async function storageGetEach(object, keys, signal) {
  const values = [];
  for (const key of keys) {
    if (signal?.aborted) break;
    values.push(await call(object, 'get', [key]).catch(() => null));
  }
  return values;
}
