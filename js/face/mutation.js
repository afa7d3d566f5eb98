// `Mutation` (`client.mutation(options)`, made through the client's MutationCache): runs
// `mutationFn` with TanStack's lifecycle. Every step of a mutation is a call of user code
// (`mutationFn`, `onMutate`, `onSuccess`, `onError`, `onSettled`, `retry`, `retryDelay`,
// listeners) and none reads or changes the query cache, so mutations live in the face; the
// engine keeps the cache. (Until this file the engine ran them: 21 KB of its .wasm.)
//
// `mutate(variables)`: `onMutate(variables)` first (its value is the context, e.g. a
// snapshot for rollback), then `mutationFn(variables)` with its own retry loop (`retry`
// defaults to 0), then `onSuccess(data, variables, context)` and `onSettled(data, null,
// variables, context)`. If any of those throws, the mutation fails: `onError(error,
// variables, context)` and `onSettled(undefined, error, …)` run and the promise rejects.
// Each of them, and `mutationFn`, also gets TanStack's last argument, `{ client, meta,
// mutationKey }` (a new object per run). Callbacks run outside the retry loop, so a
// throwing callback never re-runs `mutationFn`; it counts one failure, as TanStack's
// error step does.
// Mutations sharing `scope.id` run one at a time, in the order submitted. A run whose turn
// comes after the client was disposed rejects without running anything; one already
// running goes to its end. Offline (under `networkMode: 'online'`, the default)
// `mutationFn` waits with `isPaused: true` and runs when the network returns, or when
// `client.resumePausedMutations()` asks (`resumePausedMutations` below); a retry also
// waits while the page is hidden. `mutate(variables, { onSuccess, onError, onSettled })`
// adds callbacks for one call, run after the mutation's own, not awaited; `isMutating()`
// counts a run from the `mutate()` call until it settled.

import { mutationState } from '../result_objects.js';
import { askRetry, askRetryDelay } from '../query_option_calls.js';
import { engineIsFocused, engineIsOnline, nextReadingChange, wakeReadingWaiters } from '../managers.js';
import { describe } from './describe.js';
import { nested } from './nesting.js';

const IDLE = 0;
const PENDING = 1;
const SUCCESS = 2;
const ERROR = 3;
const NETWORK_MODES = ['online', 'offlineFirst', 'always'];
const MAX_TIMEOUT = 2 ** 31 - 1;

/** What each client's mutations share: the count, the scopes' queues, the paused runs. */
class ClientMutations {
  running = 0;
  disposed = false;
  scopes = new Map(); // scope id → tickets, the running one first
  turns = new Map(); // ticket → resolve of a run waiting for its scope
  nextTicket = 0;
  paused = new Set(); // { paused, settled } of runs that have paused at least once
}
const clients = new WeakMap();
const of = (client) => {
  let c = clients.get(client);
  if (c === undefined) clients.set(client, (c = new ClientMutations()));
  return c;
};

/** How many `mutate()` runs of `client` have not settled (`client.isMutating()`). */
export const runningMutations = (client) => clients.get(client)?.running ?? 0;

/**
 * The client was disposed: runs waiting for their scope's turn or for the network go on
 * now, find it disposed and reject; runs whose turn comes later run nothing.
 */
export function disposeMutations(client) {
  const shared = of(client);
  shared.disposed = true;
  const turns = [...shared.turns.values()];
  shared.turns.clear();
  for (const resolve of turns) resolve();
  wakeReadingWaiters();
}

/**
 * `client.resumePausedMutations()`'s part for mutations: online, the paused runs look
 * again now; resolves when those paused at the call have run their `mutationFn`.
 */
export function resumePausedMutations(client) {
  if (!engineIsOnline()) return Promise.resolve();
  const waiting = [...(clients.get(client)?.paused ?? [])].filter((p) => p.paused).map((p) => p.settled);
  wakeReadingWaiters();
  return Promise.all(waiting).then(() => undefined);
}

/** What a MutationCache passes to make a Mutation (a user's `new Mutation()` is refused). */
export const MAKE = Symbol('stackquery.makeMutation');

const disposedError = () => new Error('stackquery: this QueryClient has been disposed');

function callback(options, name, signature) {
  const f = options[name];
  if (f !== undefined && typeof f !== 'function') {
    throw new TypeError(`stackquery: ${name} must be a function ${signature}, got ${describe(f)}`);
  }
  return f;
}

/** `onSuccess`, `onError` and `onSettled` of an options object already checked to be one. */
const outcomeCallbacks = (o) => ({
  onSuccess: callback(o, 'onSuccess', '(data, variables, context, { client, meta, mutationKey }) => void'),
  onError: callback(o, 'onError', '(error, variables, context, { client, meta, mutationKey }) => void'),
  onSettled: callback(o, 'onSettled', '(data, error, variables, context, { client, meta, mutationKey }) => void'),
});

const isObject = (v) => (typeof v === 'object' && v !== null) || false;

/** `retry`: false for none, true or Infinity for always, a count, or a function. */
function readRetry(value) {
  if (value === undefined) return 0;
  if (typeof value === 'boolean') return value ? Infinity : 0;
  if (typeof value === 'number') {
    if (Number.isNaN(value) || value < 0) throw new RangeError(`stackquery: retry must be a count of retries ≥ 0, got ${value}`);
    return Math.floor(value);
  }
  if (typeof value === 'function') return value;
  throw new TypeError(`stackquery: retry must be a number, a boolean or a function (failureCount, error) => boolean, got ${describe(value)}`);
}

/** `retryDelay`: milliseconds or a function; undefined for TanStack's default. */
function readRetryDelay(value) {
  if (value === undefined || typeof value === 'function') return value;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new RangeError('stackquery: retryDelay must be a number of milliseconds, got NaN');
    if (value < 0) throw new RangeError('stackquery: retryDelay must not be negative');
    if (value === Infinity) throw new RangeError('stackquery: retryDelay must be finite');
    return value;
  }
  throw new TypeError(`stackquery: retryDelay must be a number of milliseconds or a function (failureCount, error) => number, got ${describe(value)}`);
}

/** TanStack's default delay before retry number `failures + 1`: doubling from 1 s, at most 30 s. */
const defaultDelay = (failures) => Math.min(1000 * 2 ** failures, 30_000);

/**
 * The delay before another attempt after `failures` failed ones (the last with `error`), or
 * -1 to give up. As TanStack's retryer, the delay is asked before whether to retry, on every
 * failure (the last one too).
 */
function afterFailure(retry, retryDelay, failures, error) {
  const ms = typeof retryDelay === 'function' ? askRetryDelay(retryDelay, failures, error) : retryDelay;
  const again = typeof retry === 'function' ? askRetry(retry, failures, error) : failures < retry;
  if (!again) return -1;
  // A delay function that returns garbage must not stall or spin the retry loop.
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : defaultDelay(failures);
}

/** Whether attempt `attempt` (0 first) may start now (as the engine's fetches: `may_attempt`). */
function mayAttempt(mode, attempt) {
  const network = mode === 'always' || (mode === 'offlineFirst' && attempt === 0) || engineIsOnline();
  return network && (attempt === 0 || engineIsFocused());
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, MAX_TIMEOUT)));

/** Calls `f` with `args` and awaits what it returns (a throw is a rejection). */
const call = async (f, ...args) => f(...args);

/** Calls `f` with `args`, not waiting for it: a throw is dropped, a rejected promise handled. */
function fire(f, ...args) {
  try {
    const ret = f(...args);
    if (ret instanceof Promise) ret.catch(() => {});
  } catch {
    // the caller's own, changing no outcome
  }
}

export class Mutation {
  #client;
  #shared;
  #options;
  #state = runState(IDLE, undefined, 0);
  #run = 0;
  #listeners = new Set();

  /** Made by `client.mutation(options)` (its MutationCache passes `make`); a TypeError otherwise. */
  constructor(client, options, make) {
    if (make !== MAKE) throw new TypeError('stackquery: a Mutation is made by client.mutation(options)');
    const shared = of(client);
    if (shared.disposed) throw disposedError();
    if (!isObject(options) || typeof options === 'function') {
      throw new TypeError(`stackquery: mutation options must be an object, got ${describe(options)}`);
    }
    // Each option read once, in the engine's order (the first bad one is the one named).
    const mutationFn = callback(options, 'mutationFn', '(variables, { client, meta, mutationKey }) => data');
    const scopeOption = options.scope;
    let scope;
    if (scopeOption !== undefined) {
      if (!isObject(scopeOption)) throw new TypeError(`stackquery: scope (for example { id: 'todos' }) must be an object, got ${describe(scopeOption)}`);
      scope = scopeOption.id;
      if (typeof scope !== 'string') throw new TypeError('stackquery: scope must be { id: string }');
    }
    const onMutate = callback(options, 'onMutate', '(variables, { client, meta, mutationKey }) => context');
    const outcome = outcomeCallbacks(options);
    const retry = readRetry(options.retry);
    const retryDelay = readRetryDelay(options.retryDelay);
    const mode = options.networkMode;
    const networkMode = mode === undefined ? 'online' : mode;
    if (!NETWORK_MODES.includes(networkMode)) {
      throw new TypeError(`stackquery: networkMode must be 'online', 'offlineFirst' or 'always', got ${describe(networkMode)}`);
    }
    // For TanStack's last argument of every step; the cache read them already.
    const { meta, mutationKey } = options;
    this.#options = { mutationFn, onMutate, ...outcome, retry, retryDelay, scope, networkMode, meta, mutationKey };
    this.#client = client;
    this.#shared = shared;
  }

  /** The state: status, data, error, variables, context, failureCount, submittedAt, flags. */
  get state() {
    const s = this.#state;
    return mutationState(s.status, s.data, s.error, s.variables, s.context, s.failureCount, s.failureReason, s.submittedAt, s.isPaused);
  }

  // `mutate` and `reset` tell listeners at once, so a listener calling them again recurses:
  // they are counted by nesting.js. Reading `state` and subscribing run no user code.

  /**
   * Runs the mutation; resolves with `mutationFn`'s data or rejects with its error.
   * `options`: `{ onSuccess, onError, onSettled }` for this call, run after the mutation's own.
   */
  mutate(variables, options) {
    return nested('Mutation.mutate', () => this.#mutate(variables, options));
  }

  #mutate(variables, options) {
    let perCall = {};
    if (options !== undefined && options !== null) {
      if (!isObject(options)) throw new TypeError(`stackquery: mutate options ({ onSuccess, onError, onSettled }) must be an object, got ${describe(options)}`);
      perCall = outcomeCallbacks(options);
    }
    const shared = this.#shared;
    if (shared.disposed) return Promise.reject(disposedError());
    shared.running++;
    // As TanStack's: pending from the call itself, the variables there to show.
    const run = ++this.#run;
    this.#state = runState(PENDING, variables, Date.now());
    const turn = this.#enterScope();
    if (turn.waiting) this.#state.isPaused = true; // another of its scope runs
    this.#notify();
    return this.#runOnce(run, variables, perCall, turn);
  }

  /** Calls `listener(state)` on every change; returns `unsubscribe()`. */
  subscribe(listener) {
    if (typeof listener !== 'function') {
      throw new TypeError(`stackquery: subscribe needs a listener function (state) => void, got ${describe(listener)}`);
    }
    // As TanStack's: the listener hears changes, not the state at subscribe. The
    // unsubscribe function holds the listeners, not the mutation (nor its client).
    const entry = { listener };
    const listeners = this.#listeners;
    listeners.add(entry);
    return () => {
      listeners.delete(entry);
    };
  }

  /** Back to idle (a run still going no longer writes the state); tells listeners. */
  reset() {
    nested('Mutation.reset', () => this.#reset());
  }

  #reset() {
    this.#run++;
    this.#state = runState(IDLE, undefined, 0);
    this.#notify();
  }

  /**
   * Nothing to release (the engine's Mutation had wasm memory); kept for code written for
   * it. A mutation made by `client.mutation()` is taken out of its MutationCache.
   */
  free() {}

  // `using`'s end. Declared in the class, not set on its prototype after it: a bundler
  // then drops the class where nothing imports it.
  [Symbol.dispose]() {
    this.free();
  }

  /** The state of run `run` while it is the current one and pending, else undefined. */
  #current(run) {
    return this.#run === run && this.#state.status === PENDING ? this.#state : undefined;
  }

  #setPaused(run, paused) {
    const s = this.#current(run);
    if (s === undefined || s.isPaused === paused) return;
    s.isPaused = paused;
    this.#notify();
  }

  #notify() {
    if (this.#listeners.size === 0) return;
    const state = this.state;
    for (const { listener } of [...this.#listeners]) {
      try {
        listener(state);
      } catch {
        // a throwing listener stops none of the others
      }
    }
  }

  /** A ticket in its scope's queue; `waiting`: a promise of its turn when another runs. */
  #enterScope() {
    const shared = this.#shared;
    const ticket = ++shared.nextTicket;
    const scope = this.#options.scope;
    if (scope === undefined) return { ticket };
    const queue = shared.scopes.get(scope);
    if (queue === undefined) {
      shared.scopes.set(scope, [ticket]);
      return { ticket };
    }
    queue.push(ticket);
    return { ticket, waiting: new Promise((resolve) => shared.turns.set(ticket, resolve)) };
  }

  /** The run of `ticket` is over: the next one of its scope starts. */
  #leaveScope(ticket) {
    const shared = this.#shared;
    const scope = this.#options.scope;
    const queue = scope === undefined ? undefined : shared.scopes.get(scope);
    if (queue === undefined) return;
    const first = queue[0] === ticket;
    const at = queue.indexOf(ticket);
    if (at >= 0) queue.splice(at, 1);
    if (queue.length === 0) shared.scopes.delete(scope);
    else if (first) {
      const resolve = shared.turns.get(queue[0]);
      shared.turns.delete(queue[0]);
      resolve?.();
    }
  }

  /** One run: its turn, the lifecycle, then the callbacks of this `mutate` call. */
  async #runOnce(run, variables, perCall, turn) {
    const o = this.#options;
    const fnContext = { client: this.#client, meta: o.meta, mutationKey: o.mutationKey };
    let outcome;
    try {
      outcome = await this.#afterTurn(run, variables, turn, fnContext);
    } finally {
      this.#leaveScope(turn.ticket);
      // Settled: no longer counted by isMutating() when the caller's callbacks run.
      this.#shared.running = Math.max(0, this.#shared.running - 1);
    }
    const context = this.#state.context;
    // As TanStack's: called once the outcome stands, not awaited; what they throw or
    // reject with is the caller's own and changes no outcome.
    if (outcome.ok) {
      if (perCall.onSuccess) fire(perCall.onSuccess, outcome.data, variables, context, fnContext);
      if (perCall.onSettled) fire(perCall.onSettled, outcome.data, null, variables, context, fnContext);
      return outcome.data;
    }
    if (perCall.onError) fire(perCall.onError, outcome.error, variables, context, fnContext);
    if (perCall.onSettled) fire(perCall.onSettled, undefined, outcome.error, variables, context, fnContext);
    throw outcome.error;
  }

  /** Waits for the run's turn in its scope (paused meanwhile), then the lifecycle. */
  async #afterTurn(run, variables, turn, fnContext) {
    if (turn.waiting !== undefined) await turn.waiting;
    else await undefined; // the run starts a microtask after mutate(), as a promise job
    // A client disposed before this run's turn runs nothing more.
    if (this.#shared.disposed) {
      const error = disposedError();
      this.#fail(run, error, 0);
      return { ok: false, error };
    }
    if (turn.waiting !== undefined) this.#setPaused(run, false);
    return this.#lifecycle(run, variables, fnContext);
  }

  async #lifecycle(run, variables, fnContext) {
    const o = this.#options;
    let context;
    let failures; // of mutationFn's attempts, when it gave up
    try {
      if (o.onMutate) {
        context = await call(o.onMutate, variables, fnContext);
        const s = this.#current(run);
        if (s !== undefined) s.context = context;
        this.#notify();
      }
      let data;
      try {
        data = await this.#withRetries(run, variables, fnContext);
      } catch (failed) {
        failures = failed.failures;
        throw failed.error;
      }
      if (o.onSuccess) await call(o.onSuccess, data, variables, context, fnContext);
      if (o.onSettled) await call(o.onSettled, data, null, variables, context, fnContext);
      const s = this.#current(run);
      if (s !== undefined) {
        s.status = SUCCESS;
        s.data = data;
        s.isPaused = false;
        s.failureCount = 0;
        s.failureReason = null;
        this.#notify();
      }
      return { ok: true, data };
    } catch (error) {
      // Errors of these callbacks are not the mutation's: it already failed.
      if (o.onError) await call(o.onError, error, variables, context, fnContext).catch(() => {});
      if (o.onSettled) await call(o.onSettled, undefined, error, variables, context, fnContext).catch(() => {});
      // A callback that threw counts one failure more, as TanStack's error step does.
      this.#fail(run, error, failures ?? (this.#current(run)?.failureCount ?? 0) + 1);
      return { ok: false, error };
    }
  }

  #fail(run, error, failures) {
    const s = this.#current(run);
    if (s === undefined) return;
    s.status = ERROR;
    s.isPaused = false;
    s.failureReason = error;
    s.error = error;
    s.failureCount = failures;
    this.#notify();
  }

  /** `mutationFn` with retries; throws `{ error, failures }` when it gives up. */
  async #withRetries(run, variables, fnContext) {
    const o = this.#options;
    if (o.mutationFn === undefined) {
      throw { error: new TypeError("stackquery: mutate: no mutationFn found (give one in the mutation's options or through setMutationDefaults)"), failures: 1 };
    }
    let failures = 0;
    let paused; // registered with the client while it may resume
    try {
      for (;;) {
        if (!(await this.#untilMayAttempt(run, failures, (p) => (paused ??= p)))) {
          throw { error: disposedError(), failures };
        }
        if (paused !== undefined) paused.paused = false;
        let error;
        try {
          return await call(o.mutationFn, variables, fnContext);
        } catch (e) {
          error = e;
        }
        const ms = afterFailure(o.retry, o.retryDelay ?? defaultDelay(failures), failures, error);
        if (ms < 0) throw { error, failures: failures + 1 };
        failures++;
        const s = this.#current(run);
        if (s !== undefined) {
          s.failureCount = failures;
          s.failureReason = error;
        }
        this.#notify();
        await sleep(ms);
      }
    } finally {
      if (paused !== undefined) {
        this.#shared.paused.delete(paused);
        paused.resolve();
      }
    }
  }

  /**
   * Waits (paused, as TanStack's) while attempt `failures` may not run: offline under
   * `networkMode: 'online'`, or a retry while the page is hidden. False when the client
   * was disposed meanwhile: the run must not go on.
   */
  async #untilMayAttempt(run, failures, register) {
    for (;;) {
      if (this.#shared.disposed) return false;
      if (mayAttempt(this.#options.networkMode, failures)) break;
      const paused = register(newPausedRun());
      this.#shared.paused.add(paused);
      paused.paused = true;
      this.#setPaused(run, true);
      await nextReadingChange();
    }
    this.#setPaused(run, false);
    return true;
  }
}

/** The state at a run's start (or idle). */
function runState(status, variables, submittedAt) {
  return { status, data: undefined, error: null, variables, context: undefined, failureCount: 0, failureReason: null, submittedAt, isPaused: false };
}

/** A run that has paused: `settled` resolves when its `mutationFn` has settled. */
function newPausedRun() {
  let resolve;
  const settled = new Promise((r) => (resolve = r));
  return { paused: true, settled, resolve };
}
