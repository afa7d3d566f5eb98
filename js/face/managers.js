// TanStack's `OnlineManager` and `FocusManager` classes, for code that makes an instance of
// its own (`new OnlineManager()`): a reading, `subscribe(listener)`, and an event source set
// with `setEventListener(setup)`, installed when the first listener subscribes and removed
// with the last one. Such an instance stands alone, as in TanStack; what pauses fetches and
// refetches on focus is the package's `onlineManager` / `focusManager` (in
// js/managers.js, shared with the engine), which every client listens to.

import { describe } from './describe.js';

class Readings {
  #listeners = new Set();
  #setup;
  #cleanup;

  constructor(defaultSetup) {
    this.#setup = defaultSetup;
  }

  /** `listener(reading)` on each change; returns the unsubscribe function. */
  subscribe(listener) {
    if (typeof listener !== 'function') {
      throw new TypeError(`subscribe needs a listener function, got ${describe(listener)}`);
    }
    const entry = { listener }; // the same function twice is two subscriptions
    this.#listeners.add(entry);
    if (this.#cleanup === undefined) this.setEventListener(this.#setup);
    return () => {
      this.#listeners.delete(entry);
      if (this.#listeners.size === 0) {
        const cleanup = this.#cleanup;
        this.#cleanup = undefined;
        if (typeof cleanup === 'function') cleanup();
      }
    };
  }

  hasListeners() {
    return this.#listeners.size > 0;
  }

  /** A new event source: `setup(set)` returns an optional cleanup, called when replaced. */
  setEventListener(setup) {
    if (typeof setup !== 'function') {
      throw new TypeError(`setEventListener needs a function (setter) => cleanup, got ${describe(setup)}`);
    }
    this.#setup = setup;
    const cleanup = this.#cleanup;
    if (typeof cleanup === 'function') cleanup();
    this.#cleanup = setup((reading) => this.receive(reading)) ?? null;
  }

  tell(reading) {
    for (const { listener } of [...this.#listeners]) {
      try {
        listener(reading);
      } catch {
        // a throwing listener stops none of the others
      }
    }
  }
}

const hasWindow = () => typeof window !== 'undefined' && typeof window.addEventListener === 'function';

export class OnlineManager extends Readings {
  #online = true;

  constructor() {
    super((setOnline) => {
      if (!hasWindow()) return undefined;
      const online = () => setOnline(true);
      const offline = () => setOnline(false);
      window.addEventListener('online', online, false);
      window.addEventListener('offline', offline, false);
      return () => {
        window.removeEventListener('online', online);
        window.removeEventListener('offline', offline);
      };
    });
  }

  receive(online) {
    this.setOnline(online);
  }

  setOnline(online) {
    if (typeof online !== 'boolean') throw new TypeError(`setOnline needs a boolean, got ${describe(online)}`);
    if (online === this.#online) return;
    this.#online = online;
    this.tell(online);
  }

  isOnline() {
    return this.#online;
  }
}

export class FocusManager extends Readings {
  #focused; // undefined: the page's visibility decides

  constructor() {
    super((onFocus) => {
      if (!hasWindow()) return undefined;
      const listener = () => onFocus();
      window.addEventListener('visibilitychange', listener, false);
      return () => window.removeEventListener('visibilitychange', listener);
    });
  }

  /** From the event source: a boolean sets the reading; nothing means "look again". */
  receive(focused) {
    if (typeof focused === 'boolean') this.setFocused(focused);
    else this.onFocus();
  }

  /** `true`/`false` overrides the page's visibility; `undefined` goes back to it. */
  setFocused(focused) {
    if (focused !== undefined && typeof focused !== 'boolean') {
      throw new TypeError(`setFocused needs a boolean or undefined, got ${describe(focused)}`);
    }
    if (focused === this.#focused) return;
    this.#focused = focused;
    this.onFocus();
  }

  onFocus() {
    this.tell(this.isFocused());
  }

  isFocused() {
    if (typeof this.#focused === 'boolean') return this.#focused;
    return globalThis.document?.visibilityState !== 'hidden';
  }
}
