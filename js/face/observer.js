// The face's `QueryObserver`: the engine's observer, whose current result is kept in JS
// while it still holds, so reading it (what a render does, many times) does not cross
// into wasm. A kept result holds while the client's epoch stands (nothing in the cache
// changed), until the instant its data turns stale by itself, and until this observer
// is changed through its own methods. The engine computes every result; the face only
// keeps the last one it was given.

import * as engine from 'stackquery:engine';
import { mirrors, freshUntil } from './mirror.js';

export class QueryObserver extends engine.QueryObserver {
  #mirror;
  #staleTime;
  #result;
  #epoch = -1;
  #until = 0;

  constructor(client, options) {
    super(client, options); // the engine checks both and throws what it refuses
    this.#mirror = mirrors.get(client);
    this.#staleTime = options.staleTime ?? this.#mirror?.staleTime;
  }

  getCurrentResult() {
    const mirror = this.#mirror;
    if (this.#result !== undefined && mirror.epoch() === this.#epoch && Date.now() < this.#until) {
      return this.#result;
    }
    const result = super.getCurrentResult();
    if (mirror !== undefined) {
      this.#result = result;
      this.#epoch = mirror.epoch(); // after the call: the result is of the cache as it is now
      this.#until = result.isStale ? Infinity : freshUntil(result.dataUpdatedAt, this.#staleTime);
    }
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
    super.setOptions(options);
    this.#staleTime = options.staleTime ?? this.#mirror?.staleTime;
  }

  refetch() {
    this.#result = undefined;
    return super.refetch();
  }

  destroy() {
    this.#result = undefined;
    return super.destroy();
  }
}
