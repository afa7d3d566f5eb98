// The package's `onlineManager` and `focusManager` (TanStack's singletons): whether the
// network is up and the page visible, their listeners and their event sources. One
// reading per module instance, shared by every client. The engine (src/bindings/managers.rs)
// calls `engineManagers.isOnline` / `.isFocused` to decide whether a fetch may run,
// `.clientMade` when a client is made (the first installs the page's sources), and
// hears of every change through `__managersChanged(trigger)`: paused fetches look again,
// and observed queries refetch by `refetchOnWindowFocus` / `refetchOnReconnect`. The
// face's mutations (face/mutation.js) read the same and wait for `nextReadingChange()`.
//
// In a page the sources are `visibilitychange` and the `online`/`offline` events; workers,
// Node, Deno and workerd have none, so there the page counts as focused and the network as
// up unless the app says otherwise (`setFocused`, `setOnline`, or its own source through
// `setEventListener`). Listeners hear a change before the clients react to it; a throwing
// listener stops none of the others.
//
// The engine's glue imports this file as a snippet; the build points that import here, so
// the face and the engine share one instance.
import { __managersChanged as engineChanged } from 'stackquery:engine';
import { describe } from './face/describe.js';
import { engineUsable } from './face/engine_ready.js';

// What a change means to the clients (src/bindings/managers.rs `Trigger`).
const NOTHING = 0;
const WINDOW_FOCUS = 1;
const RECONNECT = 2;

let offline = false;
/** Set by the app; undefined: the page's `document.visibilityState` decides. */
let focusOverride;
/** The default sources were installed, or the app chose its own. */
let sourcesChosen = false;
let onlineCleanup;
let focusCleanup;
const onlineListeners = new Set();
const focusListeners = new Set();

function pageVisible() {
  try {
    const document = globalThis.document;
    if (typeof document !== 'object' || document === null) return true;
    return document.visibilityState !== 'hidden';
  } catch {
    return true; // a hostile getter: as where there is no page
  }
}

const focused = () => focusOverride ?? pageVisible();

/** The engine hears of a change (before it has loaded there is no client to tell), and the face's paused mutations look again. */
function changed(trigger) {
  if (engineUsable()) engineChanged(trigger);
  wakeReadingWaiters();
}

// The face's paused mutations (face/mutation.js), each waiting for the next change.
let readingWaiters = [];

/** A promise of the next change of either reading, or of `wakeReadingWaiters()`. */
export function nextReadingChange() {
  return new Promise((resolve) => readingWaiters.push(resolve));
}

/** Whatever waits for a change looks again now (`resumePausedMutations()`, a disposal). */
export function wakeReadingWaiters() {
  const waiting = readingWaiters;
  readingWaiters = [];
  for (const resolve of waiting) resolve();
}

/** Whether the network is up, for the engine. */
export const engineIsOnline = () => !offline;

/** Whether the page is focused, for the engine (never throws). */
export const engineIsFocused = focused;

/** A client was made: the first one in a page installs the default event sources. */
export function engineClientMade() {
  if (!sourcesChosen) {
    sourcesChosen = true;
    installPageSources();
  }
}

/** What the engine calls, as one object (one import of this module in its glue). */
export const engineManagers = { isOnline: engineIsOnline, isFocused: engineIsFocused, clientMade: engineClientMade };

function tell(listeners, reading) {
  for (const { listener } of [...listeners]) {
    try {
      listener(reading);
    } catch {
      // a throwing listener stops none of the others
    }
  }
}

function setOnline(online) {
  const was = !offline;
  offline = !online;
  if (was !== online) {
    tell(onlineListeners, online);
    changed(online ? RECONNECT : NOTHING);
  }
}

/** The page's visibility changed: look again, keeping any override the app set. */
function visibilityChanged() {
  const now = focused();
  tell(focusListeners, now);
  changed(now ? WINDOW_FOCUS : NOTHING);
}

function setFocused(override) {
  const before = focused();
  const overridden = focusOverride;
  focusOverride = override;
  const now = focused();
  // As TanStack's: listeners hear every change of what the app set.
  if (overridden !== override) tell(focusListeners, now);
  if (before !== now || override === undefined) changed(now ? WINDOW_FOCUS : NOTHING);
}

/** `addEventListener` on the global object, where this is a page (workers have no focus). */
function installPageSources() {
  const g = globalThis;
  if (typeof g.document !== 'object' || g.document === null || typeof g.addEventListener !== 'function') return;
  const online = () => setOnline(true);
  const offlineEvent = () => setOnline(false);
  g.addEventListener('visibilitychange', visibilityChanged);
  g.addEventListener('online', online);
  g.addEventListener('offline', offlineEvent);
  focusCleanup = () => g.removeEventListener('visibilitychange', visibilityChanged);
  onlineCleanup = () => {
    g.removeEventListener('online', online);
    g.removeEventListener('offline', offlineEvent);
  };
}

/** `setup(setter)` as the event source, in place of the current one (cleaned up first). */
function replaceSource(label, setup, setter, which) {
  if (typeof setup !== 'function') {
    throw new TypeError(`stackquery: ${label}.setEventListener needs a function (setter) => cleanup, got ${describe(setup)}`);
  }
  engineClientMade(); // the defaults, installed now so that they can be removed below
  const old = which === 'online' ? onlineCleanup : focusCleanup;
  if (which === 'online') onlineCleanup = undefined;
  else focusCleanup = undefined;
  if (typeof old === 'function') old();
  const cleanup = setup(setter);
  if (typeof cleanup === 'function') {
    if (which === 'online') onlineCleanup = cleanup;
    else focusCleanup = cleanup;
  }
}

function subscribe(label, listeners, listener) {
  if (typeof listener !== 'function') {
    throw new TypeError(`stackquery: ${label}.subscribe needs a listener function, got ${describe(listener)}`);
  }
  const entry = { listener }; // the same function twice is two subscriptions
  listeners.add(entry);
  return () => {
    listeners.delete(entry);
  };
}

function expectBoolean(value, what) {
  if (typeof value !== 'boolean') throw new TypeError(`stackquery: ${what} needs a boolean, got ${describe(value)}`);
  return value;
}

/** `onlineManager.isOnline()`, `.setOnline(online)`, `.setEventListener(setup)`, `.subscribe(listener)`. */
export const onlineManager = {
  isOnline: engineIsOnline,
  /**
   * The network went down (fetches pause) or came back (they go on, and observed queries
   * refetch by `refetchOnReconnect`).
   */
  setOnline(online) {
    setOnline(expectBoolean(online, 'onlineManager.setOnline'));
  },
  /** Replaces the event source: `setup(setOnline)` returns an optional cleanup. */
  setEventListener(setup) {
    replaceSource('onlineManager', setup, (online) => setOnline(typeof online === 'boolean' ? online : true), 'online');
  },
  /** `listener(online)` each time the network goes or comes back; returns the unsubscribe function. */
  subscribe(listener) {
    return subscribe('onlineManager', onlineListeners, listener);
  },
  hasListeners: () => onlineListeners.size > 0,
};

/** `focusManager.isFocused()`, `.setFocused(focused?)`, `.setEventListener(setup)`, `.subscribe(listener)`. */
export const focusManager = {
  isFocused: focused,
  /**
   * `true`/`false` overrides the page's visibility; `undefined` goes back to it. Becoming
   * focused refetches observed queries by `refetchOnWindowFocus`.
   */
  setFocused(override) {
    setFocused(override === undefined ? undefined : expectBoolean(override, 'focusManager.setFocused'));
  },
  /** Replaces the event source: `setup(setFocused)` returns an optional cleanup. */
  setEventListener(setup) {
    replaceSource('focusManager', setup, (override) => setFocused(typeof override === 'boolean' ? override : undefined), 'focus');
  },
  /** `listener(focused)` each time the page is shown or hidden (or `setFocused` changes it). */
  subscribe(listener) {
    return subscribe('focusManager', focusListeners, listener);
  },
  hasListeners: () => focusListeners.size > 0,
  /** Looks at the page's visibility again and tells listeners and clients (TanStack's `onFocus`). */
  onFocus: visibilityChanged,
};
