// The face's `QueryObserver`: the engine's observer, whose current result is kept in JS
// while it still holds, so reading it (what a render does, many times) does not cross
// into wasm. A kept result holds while the client's epoch stands (nothing in the cache
// changed), until the instant its data turns stale by itself under the query's own
// staleTime (the engine's rule), and until this observer is changed through its own
// methods. The engine computes every result; the face only keeps the last one, and
// never one computed while the engine could not read its cache, nor one read from
// inside a call into the engine.

import * as engine from 'stackquery:engine';
import { fastKeyHash } from '../key_hash.js';
import { mirrors, freshUntil } from './mirror.js';
import { withQueryDefaults } from './defaults.js';
import { warnUnknownOptions } from './option_names.js';

export class QueryObserver extends engine.QueryObserver {
  #client;
  #mirror;
  #hash;
  #result;
  #epoch = -1;
  #until = 0;

  constructor(client, options) {
    const defaulted = withQueryDefaults(client, options);
    warnUnknownOptions(defaulted, 'query');
    super(client, defaulted); // the engine checks both and throws what it refuses
    this.#client = client;
    this.#mirror = mirrors.get(client);
    this.#hash = fastKeyHash(defaulted.queryKey);
  }

  getCurrentResult() {
    const mirror = this.#mirror;
    const until = this.#until;
    if (
      this.#result !== undefined && mirror.live && mirror.epoch() === this.#epoch &&
      (until === Infinity || Date.now() < until) && !mirror.inEngine()
    ) {
      return this.#result;
    }
    this.#result = undefined;
    if (mirror === undefined || !mirror.live) return super.getCurrentResult();
    const refusals = mirror.refusals();
    const result = super.getCurrentResult();
    if (this.#hash === undefined || !mirror.live || mirror.inEngine() || mirror.refusals() !== refusals) {
      return result;
    }
    const epoch = mirror.epoch(); // after the call: the result is of the cache as it is now
    const query = mirror.get(this.#hash);
    if (mirror.epoch() !== epoch) return result;
    this.#result = result;
    this.#epoch = epoch;
    this.#until = result.isStale || !(query.flags & 1) ? Infinity : freshUntil(query.updatedAt, query.staleTime);
    return result;
  }

  subscribe(listener) {
    this.#result = undefined;
    const unsubscribe = super.subscribe(listener);
    return () => {
      this.#result = undefined;
      return unsubscribe();
    };
  }

  setOptions(options) {
    this.#result = undefined;
    const defaulted = withQueryDefaults(this.#client, options);
    warnUnknownOptions(defaulted, 'query');
    super.setOptions(defaulted);
    this.#hash = fastKeyHash(defaulted.queryKey);
  }

  refetch(options) {
    this.#result = undefined;
    return super.refetch(options);
  }

  destroy() {
    this.#result = undefined;
    return super.destroy();
  }

  free() {
    this.#result = undefined;
    this.#mirror = undefined;
    super.free();
  }
}
if (Symbol.dispose) QueryObserver.prototype[Symbol.dispose] = QueryObserver.prototype.free;
