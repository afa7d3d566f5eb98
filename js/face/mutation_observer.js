// TanStack's `MutationObserver`: a view of the latest run of a mutation, what framework
// bindings and vanilla code hold. Each `mutate()` makes a new mutation of the client
// (`client.mutation(options)`, the defaults under the observer's options), so the
// client's MutationCache holds one entry per run, as TanStack's; the observer shows the
// latest. A result is the mutation's state with `mutate` and `reset`, the same object
// while nothing in it changed. The callbacks given to `mutate(variables, { onSuccess,
// onError, onSettled })` run, after the mutation's own, only for the latest call and only
// while someone is subscribed (TanStack's rule), and before the listeners hear the outcome,
// as TanStack's observer tells them; the promise `mutate` returns settles either way.

import { nested } from './nesting.js';
import { mutationState } from '../result_objects.js';
import { hashKey } from './utilities.js';
import { describe } from './describe.js';

const IDLE = mutationState(0, undefined, null, undefined, undefined, 0, null, 0, false);
const FIELDS = Object.keys(IDLE);

export class MutationObserver {
  #client;
  #options;
  #current; // the mutation of the latest run (undefined: idle)
  #stopWatching; // unsubscribes from #current
  #result;
  #listeners = new Set();

  constructor(client, options) {
    this.#client = client;
    this.mutate = this.mutate.bind(this);
    this.reset = this.reset.bind(this);
    this.setOptions(options);
    this.#result = this.#resultOf(IDLE);
  }

  /** The options with the client's defaults under them (TanStack's `options`). */
  get options() {
    return this.#options;
  }

  /** New options for the next run; a new `mutationKey` goes back to idle (TanStack's). */
  setOptions(options) {
    nested('MutationObserver.setOptions', () => this.#setOptions(options)); // getters are user code: counted
  }

  #setOptions(options) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`stackquery: MutationObserver options must be an object, got ${describe(options)}`);
    }
    const before = this.#options;
    this.#options = this.#client.defaultMutationOptions(options);
    const key = this.#options.mutationKey;
    if (before?.mutationKey !== undefined && key !== undefined && hashKey(before.mutationKey) !== hashKey(key)) this.reset();
  }

  /** Calls `listener(result)` on each change of the result; returns `unsubscribe()`. */
  subscribe(listener) {
    if (typeof listener !== 'function') {
      throw new TypeError(`stackquery: subscribe needs a listener function (result) => void, got ${describe(listener)}`);
    }
    const entry = { listener };
    this.#listeners.add(entry);
    this.#watch();
    return () => {
      this.#listeners.delete(entry);
      if (this.#listeners.size === 0) this.#unwatch();
    };
  }

  hasListeners() {
    return this.#listeners.size > 0;
  }

  getCurrentResult() {
    // Unwatched, the latest run may have moved on: its state is read now.
    if (this.#stopWatching === undefined) this.#update(false);
    return this.#result;
  }

  /**
   * Runs a new mutation with `variables`; resolves with its data or rejects with its error.
   * `options`: `{ onSuccess, onError, onSettled }` for this call.
   */
  mutate(variables, options) {
    if (options !== undefined && options !== null && typeof options !== 'object') {
      return Promise.reject(new TypeError(`stackquery: mutate options ({ onSuccess, onError, onSettled }) must be an object, got ${describe(options)}`));
    }
    let mutation;
    try {
      mutation = this.#client.mutation(this.#options);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#unwatch();
    this.#current = mutation;
    // Watched from before the run starts: its first change (pending) is told by the run.
    if (this.#listeners.size > 0) this.#stopWatching = this.#watchOf(mutation);
    return mutation.mutate(variables, this.#perCall(mutation, options ?? {}));
  }

  /** Back to idle: the latest run is no longer shown (it goes on). */
  reset() {
    this.#unwatch();
    this.#current = undefined;
    this.#update(true);
  }

  /**
   * This call's callbacks, each run only while `mutation` is the latest and someone listens;
   * the last of them (`onSettled`, always passed) tells the listeners the outcome.
   */
  #perCall(mutation, options) {
    const latest = () => this.#current === mutation && this.#listeners.size > 0;
    const call = (name, args) => {
      const f = options[name];
      return typeof f === 'function' && latest() ? f(...args) : undefined;
    };
    return {
      onSuccess: (...args) => call('onSuccess', args),
      onError: (...args) => call('onError', args),
      onSettled: (...args) => {
        try {
          return call('onSettled', args);
        } finally {
          if (this.#current === mutation) this.#update(true);
        }
      },
    };
  }

  #watch() {
    if (this.#current !== undefined && this.#stopWatching === undefined) {
      this.#stopWatching = this.#watchOf(this.#current);
    }
    this.#update(true); // what changed while nobody watched
  }

  /** Hears `mutation`'s changes; an outcome is told by the run's `onSettled` (#perCall). */
  #watchOf(mutation) {
    return mutation.subscribe((state) => {
      if (this.#current === mutation && (state.isPending || state.isIdle)) this.#update(true);
    });
  }

  #unwatch() {
    this.#stopWatching?.();
    this.#stopWatching = undefined;
  }

  /** The result made anew from the latest run's state when it changed; `tell`: listeners hear it. */
  #update(tell) {
    const state = this.#current === undefined ? IDLE : this.#current.state;
    const last = this.#result;
    if (last !== undefined && FIELDS.every((name) => Object.is(last[name], state[name]))) return;
    this.#result = this.#resultOf(state);
    if (!tell) return;
    for (const { listener } of [...this.#listeners]) {
      try {
        listener(this.#result);
      } catch {
        // a throwing listener stops none of the others
      }
    }
  }

  #resultOf(state) {
    return { ...state, mutate: this.mutate, reset: this.reset };
  }
}
