// The face's `MutationCache`: the mutations a client made (`client.mutation(options)`),
// TanStack's `client.getMutationCache()`, or `new QueryClient({ mutationCache: new
// MutationCache({ onMutate, onSuccess, onError, onSettled }) })`. Each mutation is the
// face's `Mutation` (mutation.js), made here with its callbacks wrapped so that the cache's global ones
// run first, as in TanStack: `onMutate(variables, mutation)` (its value is not the context),
// `onSuccess(data, variables, context, mutation)`, `onError(error, variables, context,
// mutation)`, `onSettled(data, error, variables, context, mutation)`, each with TanStack's
// `{ client, meta, mutationKey }` last and awaited before the mutation's own. A global callback that throws on the way to success fails the
// mutation (as its own would); on the way to failure it is ignored and the mutation's own
// still runs.
//
// Listeners get `added` (made, or running again after it was removed), `updated` (with the
// action: `pending`, `failed`, `success`, `error`, or `reset`, which TanStack does not
// have) and `removed`, synchronously, as in TanStack. A mutation is removed `gcTime` after it
// settled (default 5 minutes; `gcTime` in its options) once nobody is subscribed to it, so
// the list stays bounded; `mutate()` on a removed mutation adds it again. Each mutation gets
// `mutationId`, `options` (as given, with the defaults under them) and `meta`.
//
// Where it differs from TanStack: TanStack's `useMutation` builds a new Mutation for each
// `mutate()`, so its cache holds one entry per run; here the entry is the object
// `client.mutation()` returned, reused by each of its runs (its `state` is the latest run's).
// Paused mutations (offline, or waiting for their scope) go on when they may
// (`client.resumePausedMutations()`, the network coming back, their scope's turn). A mutation with
// `persist: true` and a `mutationKey` records each run in the client's outbox
// (persisted_mutation.js, mutation_outbox.js). Its `subscribe` is counted (a subscribed
// mutation is never removed) and its `free()` takes it out of the cache first.

import { Mutation, MAKE } from './mutation.js';
import { partialMatchKey } from './defaults.js';
import { describe } from './describe.js';
import { checkCacheConfig } from './cache_config.js';
import { nested } from './nesting.js';
import { outboxParts } from './outbox_link.js';
import { persistedRuns } from './persisted_mutation.js';

const BIND = Symbol('stackquery.bindMutationCache');

/** Makes `cache` the MutationCache of `client` (once; a cache belongs to one client). */
export function bindMutationCache(cache, client) {
  cache[BIND](client);
  return cache;
}

/** Whether `cache` already belongs to a client. */
export function isMutationCacheBound(cache) {
  return cache[BIND]() !== undefined;
}

const CALLBACKS = {
  onMutate: '(variables, mutation) => unknown',
  onSuccess: '(data, variables, context, mutation) => unknown',
  onError: '(error, variables, context, mutation) => unknown',
  onSettled: '(data, error, variables, context, mutation) => unknown',
};
const STATUSES = new Set(['idle', 'pending', 'success', 'error']);
const DEFAULT_GC_TIME = 300_000; // TanStack's five minutes
const MAX_TIMEOUT = 2 ** 31 - 1; // longer timers fire at once: longer means never

const weakly = typeof WeakRef === 'function' ? (v) => new WeakRef(v) : (v) => ({ deref: () => v });
const mutationSubscribe = Mutation.prototype.subscribe;

export class MutationCache {
  #config;
  #client;
  #mutations = []; // in the order added
  #records = new WeakMap(); // mutation → { timer, observers, last, unsubscribe, gcTime }
  #listeners = new Set();
  #nextId = 0;

  constructor(config) {
    this.#config = nested('new MutationCache', () => checkCacheConfig(config, CALLBACKS, 'MutationCache')); // getters: counted
  }

  /** The callbacks given to the constructor. */
  get config() {
    return this.#config;
  }

  [BIND](client) {
    if (client === undefined || this.#client === client) return this.#client;
    if (this.#client !== undefined) throw new TypeError('mutationCache: this MutationCache already belongs to another QueryClient');
    this.#client = client;
  }

  /** A new mutation of `client` (what `client.mutation(options)` does), added to the cache. */
  build(client, options) {
    if (client !== this.#client) throw new TypeError('mutationCache.build: client must be the QueryClient this MutationCache belongs to');
    const defaulted = client.defaultMutationOptions(options);
    // Not an options object: the Mutation's TypeError says so.
    if (typeof defaulted !== 'object' || defaulted === null) return new Mutation(client, defaulted, MAKE);
    const gcTime = readGcTime(defaulted.gcTime);
    // `persist: true` (persisted_mutation.js): each run recorded in the client's outbox.
    const persisted = persistedRuns(options, defaulted, outboxParts()?.outboxOf(client));
    // The callbacks must reach the mutation only weakly (a run in progress holds them),
    // or it could never be collected (nor its client). They are made where `mutation` is
    // not in scope (closures share their scope). While it runs it is in the cache.
    const handle = { ref: undefined }; // set once the mutation exists, before any callback runs
    let given = wrapCallbacks(defaulted, this.#config, handle, (m) => this.#running(m));
    if (persisted !== undefined) given = { ...given, mutationFn: persisted.wrapMutationFn(given.mutationFn) };
    const mutation = new Mutation(client, given, MAKE); // which checks the options
    handle.ref = weakly(mutation);
    this.#adopt(mutation, defaulted, gcTime);
    persisted?.attach(mutation);
    return mutation;
  }

  /** Gives a new mutation its TanStack fields and puts it in the cache. */
  #adopt(mutation, options, gcTime) {
    const free = mutation.free;
    Object.defineProperties(mutation, {
      mutationId: { value: ++this.#nextId, enumerable: true },
      options: { value: options, enumerable: true },
      meta: { value: options.meta, enumerable: true },
      subscribe: { value: (listener) => this.#subscribeTo(mutation, listener), configurable: true },
      free: { value: () => { this.remove(mutation); free.call(mutation); }, configurable: true },
    });
    this.#records.set(mutation, { timer: undefined, observers: 0, last: undefined, unsubscribe: undefined, gcTime });
    this.#add(mutation);
  }

  getAll() {
    return this.#mutations.slice();
  }

  /** The first mutation matching `filters` (`exact` defaults to true, as in TanStack). */
  find(filters) {
    const match = matcher(filters, 'mutationCache.find', true);
    return this.#mutations.find(match);
  }

  /** Every mutation matching `filters`: `mutationKey` (partial match unless `exact`), `status`, `predicate`. */
  findAll(filters) {
    const match = matcher(filters, 'mutationCache.findAll', false);
    return this.#mutations.filter(match);
  }

  /** Takes a mutation out of the cache (a run in progress goes on). */
  remove(mutation) {
    const record = this.#records.get(mutation);
    if (record === undefined || !this.#mutations.includes(mutation)) return;
    clearTimeout(record.timer);
    record.timer = undefined;
    this.#mutations = this.#mutations.filter((m) => m !== mutation);
    // Unwatched once out of the cache (the mutation holds the watcher, which holds the
    // cache); a mutation that runs again is watched again.
    record.unsubscribe?.();
    record.unsubscribe = undefined;
    this.#notify({ type: 'removed', mutation });
  }

  clear() {
    for (const mutation of this.#mutations.slice()) this.remove(mutation);
  }

  /** `listener({ type, mutation, action? })` on each change; returns `unsubscribe`. */
  subscribe(listener) {
    if (typeof listener !== 'function') {
      throw new TypeError(`mutationCache.subscribe needs a listener function (event) => void, got ${describe(listener)}`);
    }
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  hasListeners() {
    return this.#listeners.size > 0;
  }

  /** Puts `mutation` in the cache and watches its state. */
  #add(mutation) {
    const record = this.#records.get(mutation);
    this.#mutations.push(mutation);
    record.last = undefined;
    record.unsubscribe = mutationSubscribe.call(mutation, (state) => this.#changed(mutation, state));
    if (record.last === undefined) this.#changed(mutation, mutation.state); // no call at subscribe
    this.#notify({ type: 'added', mutation });
    this.#scheduleGc(mutation);
  }

  /** A run begins (its `onMutate`): a mutation removed meanwhile is back in the cache. */
  #running(mutation) {
    const record = mutation === undefined ? undefined : this.#records.get(mutation);
    if (record === undefined || record.unsubscribe !== undefined) return;
    this.#add(mutation);
    const state = mutation.state;
    this.#notify({ type: 'updated', mutation, action: { type: 'pending', variables: state.variables } });
  }

  /** The mutation told of a new state: the event it implies, and the collection timer. */
  #changed(mutation, state) {
    const record = this.#records.get(mutation);
    const last = record.last;
    record.last = { status: state.status, failureCount: state.failureCount, context: state.context, isPaused: state.isPaused };
    if (last === undefined) return; // the state when watching began: no change
    let action;
    if (state.status !== last.status) {
      action = state.status === 'idle' ? { type: 'reset' } : { type: state.status };
      if (state.status === 'success') action.data = state.data;
      if (state.status === 'error') action.error = state.error;
      if (state.status === 'pending') action.variables = state.variables;
    } else if (state.status === 'pending' && state.failureCount > last.failureCount) {
      action = { type: 'failed', failureCount: state.failureCount, error: state.failureReason };
    } else if (state.status === 'pending' && state.context !== last.context) {
      action = { type: 'pending', variables: state.variables, context: state.context };
    } else if (state.status === 'pending' && state.isPaused !== last.isPaused) {
      // Offline, or waiting for its scope: TanStack's `pause` / `continue`.
      action = { type: state.isPaused ? 'pause' : 'continue' };
    } else {
      return;
    }
    if (state.status === 'pending') clearTimeout(record.timer);
    else this.#scheduleGc(mutation);
    this.#notify({ type: 'updated', mutation, action });
  }

  /** `mutation.subscribe`: the Mutation's, counted (a watched mutation is never collected). */
  #subscribeTo(mutation, listener) {
    const record = this.#records.get(mutation);
    const unsubscribe = mutationSubscribe.call(mutation, listener); // throws for a non-function
    record.observers++;
    clearTimeout(record.timer);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      unsubscribe();
      record.observers--;
      this.#scheduleGc(mutation);
    };
  }

  /** Arms the removal of a settled (or idle), unwatched mutation `gcTime` from now. */
  #scheduleGc(mutation) {
    const record = this.#records.get(mutation);
    clearTimeout(record.timer);
    record.timer = undefined;
    if (record.unsubscribe === undefined || record.observers > 0 || record.last?.status === 'pending') return;
    if (record.gcTime > MAX_TIMEOUT) return;
    record.timer = setTimeout(() => this.#collect(mutation), record.gcTime);
    unrefTimer(record.timer);
  }

  #collect(mutation) {
    const record = this.#records.get(mutation);
    record.timer = undefined;
    if (record.observers > 0 || record.last?.status === 'pending') return;
    this.remove(mutation);
  }

  #notify(event) {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // a listener's exception is its own: the cache and the other listeners go on
      }
    }
  }
}

function readGcTime(gcTime) {
  if (gcTime === undefined) return DEFAULT_GC_TIME;
  if (typeof gcTime !== 'number' || Number.isNaN(gcTime)) {
    throw new TypeError(`gcTime must be a number of milliseconds or Infinity, got ${describe(gcTime)}`);
  }
  if (gcTime < 0) throw new RangeError('gcTime must not be negative');
  return gcTime;
}

// Timers of collection never keep a Node or Deno process alive.
function unrefTimer(timer) {
  if (typeof timer === 'object' && typeof timer?.unref === 'function') timer.unref();
  else if (typeof globalThis.Deno?.unrefTimer === 'function') globalThis.Deno.unrefTimer(timer);
}

/**
 * The options the Mutation gets: the mutation's callbacks, each wrapped so that the cache's
 * global one (read when it runs, as TanStack does) goes first. A callback that is not a
 * function is left as it is, for the Mutation's TypeError. `handle.ref` is a weak reference
 * to the mutation; `running(mutation)` is told when a run begins.
 */
function wrapCallbacks(options, config, handle, running) {
  const own = {};
  for (const name of Object.keys(CALLBACKS)) {
    own[name] = options[name];
    if (own[name] !== undefined && typeof own[name] !== 'function') return options;
  }
  const global = (name) => (typeof config[name] === 'function' ? config[name] : undefined);
  const mutationOf = () => handle.ref.deref();
  return {
    ...options,
    onMutate: async (variables, fnContext) => {
      running(mutationOf());
      await global('onMutate')?.(variables, mutationOf(), fnContext);
      return own.onMutate?.(variables, fnContext);
    },
    onSuccess: async (data, variables, context, fnContext) => {
      await global('onSuccess')?.(data, variables, context, mutationOf(), fnContext);
      return own.onSuccess?.(data, variables, context, fnContext);
    },
    onError: async (error, variables, context, fnContext) => {
      try {
        await global('onError')?.(error, variables, context, mutationOf(), fnContext);
      } catch {
        // the mutation already failed: its own onError runs all the same
      }
      return own.onError?.(error, variables, context, fnContext);
    },
    onSettled: async (data, error, variables, context, fnContext) => {
      if (error === null) {
        await global('onSettled')?.(data, error, variables, context, mutationOf(), fnContext);
      } else {
        try {
          await global('onSettled')?.(data, error, variables, context, mutationOf(), fnContext);
        } catch {
          // as onError's
        }
      }
      return own.onSettled?.(data, error, variables, context, fnContext);
    },
  };
}

/** TanStack's `matchMutation` for `filters`, checked; `exact` defaulting to `exactByDefault`. */
function matcher(filters, method, exactByDefault) {
  if (filters === undefined || filters === null) return () => true;
  if (typeof filters !== 'object') throw new TypeError(`${method} filters must be an object { mutationKey, exact, status, predicate }, got ${describe(filters)}`);
  const { mutationKey, status, predicate } = filters;
  const exact = filters.exact ?? exactByDefault;
  if (mutationKey !== undefined && !Array.isArray(mutationKey)) {
    throw new TypeError(`${method}: filters.mutationKey must be an array, got ${describe(mutationKey)}`);
  }
  if (status !== undefined && !STATUSES.has(status)) {
    throw new TypeError(`${method}: filters.status must be 'idle', 'pending', 'success' or 'error', got ${typeof status === 'string' ? `'${status}'` : describe(status)}`);
  }
  if (predicate !== undefined && typeof predicate !== 'function') {
    throw new TypeError(`${method}: filters.predicate must be a function (mutation) => boolean, got ${describe(predicate)}`);
  }
  return (mutation) => {
    if (mutationKey !== undefined) {
      const key = mutation.options.mutationKey;
      if (!Array.isArray(key)) return false;
      if (exact ? !(partialMatchKey(key, mutationKey) && partialMatchKey(mutationKey, key)) : !partialMatchKey(key, mutationKey)) return false;
    }
    if (status !== undefined && mutation.state.status !== status) return false;
    return predicate === undefined || Boolean(predicate(mutation));
  };
}
