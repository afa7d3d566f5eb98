// The face's `QueryObserver`: the engine's observer, whose current result is kept in JS
// while it still holds, so reading it (what a render does, many times) does not cross
// into wasm. A kept result holds while the client's epoch stands (nothing in the cache
// changed), until the instant its data turns stale by itself under this observer's own
// staleTime (the engine says when), and until this observer is changed through its own
// methods. The engine computes every result of the query's state; the face lays `select`
// and `placeholderData` over it (presentation.js) and keeps the last one, never one
// computed while the engine could not read its cache, nor one read from inside a call
// into the engine, nor one whose `select` changed the cache.
//
// Function-valued options (`enabled: (query) => …`, `staleTime`, `refetchInterval`,
// `refetchOnWindowFocus`, `refetchOnReconnect`, `refetchOnMount`) are resolved by
// option_functions.js (the query built first, as TanStack's observer builds it): the
// engine observer gets their values, and every listener is wrapped so that each change it
// hears has them resolved again.

import * as engine from 'stackquery:engine';
import { mirrors, u32 } from './mirror.js';
import { withQueryDefaults } from './defaults.js';
import { warnUnknownOptions } from './option_names.js';
import { resolveObserverOptions, ObserverOptionFunctions } from './option_functions.js';
import { observerOptionsWithoutSkipToken } from './skip_token.js';
import { assertSameEngine } from './same_engine.js';
import { Presentation, checkSelect, shownBy } from './presentation.js';
import { describe } from './describe.js';
import { freeOnce } from './freed.js';
import { enterNested, leaveNested, nested } from './nesting.js';
import { resultWithRefetch } from '../result_objects.js';

/**
 * A new observer's options, defaulted and checked, and its function options resolved
 * against the query (built first; throws what they throw). Counted (nesting.js): the
 * options' getters and functions are user code, and one that makes another observer, and
 * so on, is refused at the bound instead of running until the stack runs out (which, run
 * out inside wasm, would break the engine). Any such cycle passes through here: every
 * getter is read, and every function called, here first. A function of its own, not a
 * `try` in the constructor: one around `super()` made mounting about 6% slower.
 */
function prepared(client, options) {
  enterNested('new QueryObserver');
  try {
    assertSameEngine(client, 'QueryObserver');
    const defaulted = observerOptionsWithoutSkipToken(withQueryDefaults(client, options));
    warnUnknownOptions(defaulted, 'query');
    checkSelect(defaulted, 'QueryObserver');
    return { defaulted, resolved: resolveObserverOptions(client, defaulted) };
  } finally {
    leaveNested();
  }
}

/**
 * A result's `refetch`: its observer's. Made apart from any method, so that its scope
 * holds the observer only.
 */
function refetchOf(observer) {
  return (options) => observer.refetch(options);
}

export class QueryObserver extends engine.QueryObserver {
  // Its name in messages and in `constructor.name`, which minified code would change.
  static name = 'QueryObserver';
  #client;
  #mirror;
  #result;
  #epoch = -1;
  #until = 0;
  #epochAt = -1; // the mirror's u32 index of the client's epoch (-1: no mirror, nothing kept)
  #depthAt = -1; // and of its call depth
  #subscriptions = new Set(); // { listener, heard } per subscribe; the engine holds #hear while any
  #functions; // ObserverOptionFunctions, once an option was a function
  #notifyOn; // `notifyOnChangeProps`: the result properties whose change a listener hears
  #refetchFn; // the results' `refetch` (TanStack's), made once asked for
  #engineResult; // the engine's last result, and
  #withRefetchResult; // it as shown: with #refetchFn (the same object while the engine's is)
  #options; // what the presentation reads of the options (presentation.js `shownBy`)
  #hearing; // #hear bound, what the engine holds while there are subscribers
  #presentation; // made once select or placeholderData is given (a plain observer never needs one)
  #told; // the result the subscribers were last told

  constructor(client, options) {
    const { defaulted, resolved } = prepared(client, options);
    super(client, resolved === undefined ? defaulted : resolved.engineOptions); // the engine checks both and throws what it refuses
    this.#client = client;
    this.#options = shownBy(defaulted);
    this.#presentationFor(this.#options);
    this.#mirror = mirrors.get(client);
    if (this.#mirror !== undefined) {
      this.#epochAt = this.#mirror.epochAt;
      this.#depthAt = this.#mirror.depthAt;
    }
    this.#notifyOn = defaulted?.notifyOnChangeProps;
    if (resolved !== undefined) this.#optionFunctions().use(resolved);
  }

  getCurrentResult() {
    // The kept result, while it holds: two loads from wasm memory and a few field reads.
    const result = this.#result;
    if (
      result !== undefined && u32[this.#epochAt] === this.#epoch && u32[this.#depthAt] === 0 &&
      (this.#until === Infinity || Date.now() < this.#until) && this.#mirror.live
    ) {
      return result;
    }
    return this.#currentFromEngine();
  }

  /** The engine's current result, kept when it may be (see the file's head). */
  #currentFromEngine() {
    return this.#keep(() => super.getCurrentResult());
  }

  /**
   * The result of the engine call `current` (one that ends giving the current result and
   * writing until when it holds), shown, and kept when it may be.
   */
  #keep(current) {
    const mirror = this.#mirror;
    this.#result = undefined;
    if (mirror === undefined || !mirror.live) return this.#show(current());
    const refusals = mirror.refusals();
    const state = current();
    const epoch = mirror.epoch(); // after the call: the result is of the cache as it is now
    const until = mirror.freshUntil(); // written by that call
    const result = this.#show(state); // user code: select, placeholderData
    if (!mirror.live || mirror.inEngine() || mirror.refusals() !== refusals || mirror.epoch() !== epoch) {
      return result;
    }
    this.#result = result;
    this.#epoch = epoch;
    this.#until = until;
    return result;
  }

  /** The engine's `result` as this observer shows it: its `refetch`, `select` and `placeholderData`. */
  #show(result) {
    const shown = this.#withRefetch(result);
    return this.#presentation === undefined ? shown : this.#presentation.show(shown, this.#options);
  }

  /** The presentation, made when `options` first give select or placeholderData. */
  #presentationFor(options) {
    if (this.#presentation === undefined && (options.select !== undefined || options.placeholderData !== undefined)) {
      this.#presentation = new Presentation((queryKey) => this.#client.getQueryCache().find({ queryKey, exact: true }));
    }
    return this.#presentation;
  }

  subscribe(listener) {
    this.#result = undefined;
    if (typeof listener !== 'function') {
      throw new TypeError(`stackquery: subscribe needs a listener function (result) => void, got ${describe(listener)}`);
    }
    // What this listener was last told (or saw): only needed to filter by notifyOnChangeProps.
    const subscription = { listener, heard: this.#notifyOn === undefined ? undefined : this.getCurrentResult() };
    const first = this.#subscriptions.size === 0;
    if (first) this.#functions?.refresh();
    this.#subscriptions.add(subscription);
    // A disposed client's engine refuses the subscribe (its TypeError), first or not.
    if (first || this.#mirror?.live === false) {
      try {
        // Mounts; what it gives is the current result, kept for the read that follows.
        this.#told = this.#keep(() => super.__listen((this.#hearing ??= this.#hear.bind(this))));
      } catch (error) {
        this.#subscriptions.delete(subscription);
        throw error;
      }
      this.#functions?.mount();
    }
    return () => {
      this.#result = undefined;
      if (this.#subscriptions.delete(subscription) && this.#subscriptions.size === 0) {
        this.#functions?.unmount();
        super.__unlisten();
      }
    };
  }

  /**
   * The engine's one listener while this observer has subscribers: each changed result,
   * shown once and told to every subscriber still there; one that throws does not stop the
   * others (what it throws is dropped). Bound once per observer (`#hearing`), on its first
   * mount, with `bind`: a closure made in `subscribe` would share that call's scope and so
   * keep its listener for as long as the engine holds it.
   */
  #hear(state) {
    this.#tell(this.#show(state));
  }

  /** Tells the subscribers `result` (see #hear). */
  #tell(result) {
    this.#told = result;
    try {
      for (const subscription of [...this.#subscriptions]) {
        if (!this.#subscriptions.has(subscription)) continue; // left while others heard
        const told = subscription.heard;
        subscription.heard = result;
        if (!changedFor(this.#notifyOn, told, result)) continue;
        try {
          subscription.listener(result);
        } catch {
          // dropped: a listener's error is its own
        }
      }
    } finally {
      this.#functions?.changed();
    }
  }

  setOptions(options) {
    enterNested('QueryObserver.setOptions'); // counted: see the constructor
    try {
      this.#setOptions(options);
    } finally {
      leaveNested();
    }
  }

  #setOptions(options) {
    this.#result = undefined;
    const defaulted = observerOptionsWithoutSkipToken(withQueryDefaults(this.#client, options));
    warnUnknownOptions(defaulted, 'query');
    checkSelect(defaulted, 'QueryObserver.setOptions');
    const resolved = resolveObserverOptions(this.#client, defaulted);
    // The new presentation already for what the listeners hear inside setOptions.
    const before = this.#options;
    const next = shownBy(defaulted);
    // TanStack's observer knows the last query it saw with data even if no result of it
    // was read: the query being left is that query when it holds data.
    if (next.placeholderData !== undefined) this.#presentationFor(next).sawData(before.queryKey, this.#client.getQueryData(before.queryKey));
    else this.#presentationFor(next);
    this.#options = next;
    const told = this.#told;
    try {
      super.setOptions(resolved === undefined ? defaulted : resolved.engineOptions);
    } catch (error) {
      this.#options = before;
      throw error;
    }
    this.#notifyOn = defaulted?.notifyOnChangeProps;
    if (resolved !== undefined) this.#optionFunctions().use(resolved);
    else this.#functions?.use(undefined);
    // The engine tells of a change of its result; one only of what is shown (a new
    // `select`, `placeholderData`) is told here. Options that change nothing shown tell
    // no one, as TanStack's (a binding that gives its options again at each render).
    // Counted as a nested call (nesting.js): a listener that gives new options each time
    // it hears is refused at the bound, not left to exhaust the stack.
    if (this.#subscriptions.size > 0 && this.#told === told) {
      const result = this.getCurrentResult();
      if (result !== told) nested('QueryObserver.setOptions', () => this.#tell(result));
    }
  }

  /** As TanStack's: resolves with the current result once the fetch settled. */
  refetch(options) {
    this.#result = undefined;
    return super.refetch(options).then((result) => {
      try {
        return this.getCurrentResult(); // a change after the fetch's own is in it
      } catch {
        return this.#show(result); // freed meanwhile: the fetch's own result
      }
    });
  }

  /** The engine's `result` with TanStack's `refetch`, this observer's (resultWithRefetch). */
  #withRefetch(result) {
    if (result === null || typeof result !== 'object') return result;
    if (result !== this.#engineResult) {
      this.#withRefetchResult = resultWithRefetch(result, (this.#refetchFn ??= refetchOf(this)));
      this.#engineResult = result;
    }
    return this.#withRefetchResult;
  }

  destroy() {
    this.#result = undefined;
    this.#subscriptions.clear();
    this.#functions?.unmount();
    return super.destroy();
  }

  free() {
    const mirror = this.#mirror;
    this.#result = undefined;
    this.#mirror = undefined;
    const subscribed = this.#subscriptions.size > 0;
    this.#subscriptions.clear();
    this.#functions?.unmount();
    this.#functions = undefined;
    const inEngine = mirror?.inEngine() ?? false;
    freeOnce(this, () => {
      if (subscribed) {
        // Unmounted first: the subscribers' unsubscribes can no longer reach the engine.
        try {
          super.__unlisten();
        } catch {
          // a call refused (nested too deep): the engine's dispose or the query's removal ends it
        }
      }
      super.free();
    }, inEngine);
  }

  // `using`'s end. Declared in the class, not set on its prototype after it: a bundler
  // then drops the class where nothing imports it.
  [Symbol.dispose]() {
    this.free();
  }

  /** The keeper of this observer's function options (made when one first is a function). */
  #optionFunctions() {
    if (this.#functions === undefined) {
      this.#functions = new ObserverOptionFunctions(this.#client, {
        apply: (engineOptions) => this.#setEngineOptions(engineOptions),
        refetch: (fetchOptions) => this.refetch(fetchOptions),
      });
      if (this.#subscriptions.size > 0) this.#functions.mount();
    }
    return this.#functions;
  }

  /** Options resolved anew: the engine observer takes them (the key is the same). */
  #setEngineOptions(engineOptions) {
    this.#result = undefined;
    super.setOptions(engineOptions);
  }
}

/**
 * Whether a listener hears `result` (TanStack's `notifyOnChangeProps`): always, unless the
 * option (an array of result properties, or a function giving one) names properties and
 * none of them changed since `told`; `'all'` or nothing: every change.
 */
function changedFor(notifyOn, told, result) {
  let props = notifyOn;
  if (typeof props === 'function') {
    try {
      props = props();
    } catch {
      return true; // a throwing option hides nothing
    }
  }
  if (!Array.isArray(props) || told === undefined) return true;
  for (let i = 0; i < props.length; i++) {
    if (!Object.is(told[props[i]], result[props[i]])) return true;
  }
  return false;
}
