// Which mutations are persisted, and how each run of one goes through the client's outbox
// (mutation_outbox.js). A mutation is persisted when its options, with the defaults under
// them, say `persist: true` and it has a `mutationKey` (the key a later session finds its
// mutationFn under, through setMutationDefaults) and the client has `storage`.
// `persist: true` in a mutation's own options without a mutationKey is a TypeError; from
// `defaultOptions.mutations` it applies only to mutations with a key.
//
// `mutate()` submits the run's record (its write starts at once, so runs waiting for their
// scope are recorded in the order submitted) and then runs the engine's mutate; the
// mutationFn waits until the records of the runs submitted before it were written (or
// failed, or storageTimeout passed: a storage failure never stops a mutation). The record
// goes once the run settled (MutationOutbox.follow).

import { warnOnce } from './warn_once.js';
import { describe } from './describe.js';

/**
 * The persistence of a mutation made with `own` options (`defaulted`: with the defaults
 * under them) on a client whose outbox is `outbox`: a `PersistedRuns`, or undefined when it
 * is not persisted. Throws the TypeError of a `persist` option it cannot act on.
 */
export function persistedRuns(own, defaulted, outbox) {
  const persist = defaulted.persist;
  if (persist === undefined || persist === false) return undefined;
  if (persist !== true) throw new TypeError(`persist must be a boolean, got ${describe(persist)}`);
  const mutationKey = defaulted.mutationKey;
  if (!Array.isArray(mutationKey)) {
    if (own?.persist === true) {
      throw new TypeError('persist: true needs a mutationKey: a persisted mutation is run again after a reload or restart with the mutationFn registered for its key through setMutationDefaults');
    }
    return undefined; // `defaultOptions.mutations.persist`: mutations with a key only
  }
  if (outbox === undefined) {
    warnOnce('outbox-no-storage', 'stackquery: persist: true on a mutation of a client without storage: it runs without a durable record (give the QueryClient a storage option; stackquery/l1 has none)');
    return undefined;
  }
  const scope = defaulted.scope?.id;
  return new PersistedRuns(outbox, mutationKey, typeof scope === 'string' ? scope : undefined, defaulted.mutationFn);
}

export class PersistedRuns {
  #outbox;
  #mutationKey;
  #scope;
  #mutationFn;
  // The `written` promises of runs submitted and not yet written: a mutationFn waits for them.
  #writes = new Set();

  constructor(outbox, mutationKey, scope, mutationFn) {
    this.#outbox = outbox;
    this.#mutationKey = mutationKey;
    this.#scope = scope;
    this.#mutationFn = mutationFn;
  }

  /**
   * `mutationFn`, run once the records submitted before the call were written. Holds no
   * reference to the mutation (the engine keeps it as a root).
   */
  wrapMutationFn(mutationFn) {
    if (typeof mutationFn !== 'function') return mutationFn; // the engine's error says what is wrong
    const writes = this.#writes;
    return (...args) => (writes.size === 0 ? mutationFn(...args) : Promise.all([...writes]).then(() => mutationFn(...args)));
  }

  /** Gives `mutation` its persisted `mutate` (the engine's `mutate`, recorded). */
  attach(mutation) {
    const engineMutate = mutation.mutate;
    Object.defineProperty(mutation, 'mutate', {
      value: (variables, options) => this.#mutate(mutation, engineMutate, variables, options),
      configurable: true,
      writable: true,
    });
  }

  #mutate(mutation, engineMutate, variables, options) {
    // Without a mutationFn the engine rejects the run at once: nothing to record.
    const entry = typeof this.#mutationFn === 'function' ? this.#outbox.submit(this.#mutationKey, variables, this.#scope) : undefined;
    if (entry === undefined) return engineMutate.call(mutation, variables, options);
    const { written } = entry;
    this.#writes.add(written);
    written.then(() => this.#writes.delete(written));
    let run;
    try {
      run = engineMutate.call(mutation, variables, options);
    } catch (error) {
      this.#outbox.acknowledge(entry); // refused before it began: no run to resume
      throw error;
    }
    return this.#outbox.follow(entry, run);
  }
}
