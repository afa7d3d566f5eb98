// TanStack v5's function-valued query options, resolved in the face: `enabled`, `staleTime`,
// `refetchInterval`, `refetchOnWindowFocus`, `refetchOnReconnect` and `refetchOnMount` may
// each be a function of the query (its `Query` handle, query.js), where the engine takes
// values only. Options with no function in them pass through untouched
// (`hasOptionFunctions` is the one check).
//
// - `enabled(query)`: `false` disables, anything else enables (TanStack's `resolveEnabled`).
// - `staleTime(query)`: ms, `Infinity` or `'static'`; `undefined` is the default.
// - `refetchInterval(query)`: ms > 0 polls, anything else does not (TanStack's `?? false`).
// - `refetchOnWindowFocus(query)` / `refetchOnReconnect(query)`: `'always'`, `false`, else
//   "when stale", asked at the event itself (TanStack's `shouldFetchOn`).
// - `refetchOnMount(query)`: the same three answers, asked before the first listener mounts
//   the observer (the engine decides the mount's fetch with the answer).
//
// A call (`fetchQuery`, `prefetchQuery`, `ensureQueryData`) resolves its `staleTime` once,
// against the query, built first when it is not cached yet (`resolveCallStaleTime`).
//
// An observer (`ObserverOptionFunctions`) resolves its options when it is made or given new
// ones (the query built first if needed, as TanStack's observer builds it), before its first
// listener mounts it, and after each change its listeners hear (in a microtask, out of the
// engine's notification): a changed `enabled` or `staleTime` goes to the engine observer as
// `setOptions` (and a changed `refetchOnMount` before a mount). The engine never sees the
// other three as functions: a function `refetchInterval` is polled from here (restarted after
// each change, as TanStack does; not while the page is hidden unless
// `refetchIntervalInBackground`), and a function `refetchOnWindowFocus` /
// `refetchOnReconnect` is `false` to the engine and asked here when `focusManager` /
// `onlineManager` tell of the event.
//
// A throwing function: where the user's own call resolves it (the observer's constructor and
// `setOptions`, `fetchQuery` & co) the error is thrown to that call, before anything changes,
// as TanStack throws it there; a `staleTime` function returning what no staleTime is is a
// TypeError there. Resolved again later (after a change, at an event) a throw counts as the
// option's default (`enabled` true, the client's `staleTime`, no polling, refetch when stale)
// and never reaches the engine, the cache or other listeners.

import * as engine from 'stackquery:engine';
import { describe } from './describe.js';
import { focusManager, onlineManager } from '../managers.js';
import { mirrors } from './mirror.js';

const NAMES = ['enabled', 'staleTime', 'refetchInterval', 'refetchOnWindowFocus', 'refetchOnReconnect', 'refetchOnMount'];
// Longest delay `setInterval` honours; longer ones fire at once.
const MAX_DELAY = 2 ** 31 - 1;
const noop = () => {};

/** Whether any option `NAMES` lists is a function (false for what is not an options object). */
export function hasOptionFunctions(options) {
  if (typeof options !== 'object' || options === null) return false;
  try {
    for (const name of NAMES) if (typeof options[name] === 'function') return true;
  } catch {
    // a throwing getter: the engine reads the options again and reports it
  }
  return false;
}

/** The function-valued options of `options`, read once; undefined when there is none. */
function functionsOf(options) {
  if (!hasOptionFunctions(options)) return undefined;
  const functions = {};
  for (const name of NAMES) {
    const value = options[name];
    functions[name] = typeof value === 'function' ? value : undefined;
  }
  return functions;
}

/**
 * The `Query` handle of `options.queryKey`, the query built first when the cache does not
 * hold it (as TanStack's `QueryCache.build`): a disabled engine observer of those options
 * mounts it and leaves, which applies them to the query and fetches nothing. Throws the
 * engine's TypeError for options it refuses.
 */
export function queryOf(client, options) {
  const found = findQuery(client, options.queryKey);
  if (found !== undefined) return found;
  const builder = new engine.QueryObserver(client, buildOptions(options));
  try {
    builder.__listen(noop);
    builder.__unlisten();
  } finally {
    builder.free();
  }
  return client.getQueryCache().find({ queryKey: options.queryKey, exact: true });
}

/** The cached query of `queryKey`, or undefined (also when it cannot be read now). */
function findQuery(client, queryKey) {
  try {
    return client.getQueryCache().find({ queryKey, exact: true });
  } catch {
    return undefined;
  }
}

/** Options that build the query and nothing else: no function where the engine takes a value. */
function buildOptions(options) {
  const out = { ...options, enabled: false };
  for (const name of NAMES) if (typeof out[name] === 'function') delete out[name];
  return out;
}

/** `fn(query)`; a throw is thrown when `strict`, else it gives `fallback`. */
function call(fn, query, strict, fallback) {
  if (strict) return fn(query);
  try {
    return fn(query);
  } catch {
    return fallback;
  }
}

function resolveEnabled(fn, query, strict) {
  return call(fn, query, strict, true) !== false;
}

/** The staleTime `fn` gives (undefined: the default); one no staleTime is throws when `strict`. */
function resolveStaleTime(fn, query, strict) {
  const value = call(fn, query, strict, undefined);
  if (value === undefined || value === 'static' || (typeof value === 'number' && value >= 0)) return value;
  if (strict) {
    const got = typeof value === 'number' ? String(value) : describe(value);
    throw new TypeError(`staleTime: the function returned ${got}; it must return a number of milliseconds (≥ 0), Infinity or 'static'`);
  }
  return undefined;
}

/** The polling period `fn` gives, or false for none. */
function resolveInterval(fn, query, strict) {
  const value = call(fn, query, strict, false);
  return typeof value === 'number' && value > 0 && value <= MAX_DELAY ? value : false;
}

/** `'always'`, `false` or `true` ("when stale"), as TanStack reads a refetchOn… answer. */
function resolveRefetchOn(fn, query, strict) {
  const value = call(fn, query, strict, true);
  return value === 'always' || value === false ? value : true;
}

/** What the function-valued options the engine takes give for `query` now (undefined where not a function). */
function resolveValues(functions, query, strict) {
  return {
    enabled: functions.enabled && resolveEnabled(functions.enabled, query, strict),
    staleTime: functions.staleTime && resolveStaleTime(functions.staleTime, query, strict),
    refetchInterval: functions.refetchInterval && resolveInterval(functions.refetchInterval, query, strict),
    refetchOnMount: functions.refetchOnMount && resolveRefetchOn(functions.refetchOnMount, query, strict),
  };
}

/** `options` as the engine takes them: each function replaced by its value (or dropped for the default). */
function engineOptionsOf(options, functions, values) {
  const out = { ...options };
  if (functions.enabled) out.enabled = values.enabled;
  if (functions.staleTime) {
    if (values.staleTime === undefined) delete out.staleTime;
    else out.staleTime = values.staleTime;
  }
  if (functions.refetchInterval) delete out.refetchInterval; // polled by the observer here
  if (functions.refetchOnWindowFocus) out.refetchOnWindowFocus = false; // asked here at the event
  if (functions.refetchOnReconnect) out.refetchOnReconnect = false;
  if (functions.refetchOnMount) out.refetchOnMount = values.refetchOnMount;
  return out;
}

/**
 * A query call's options with a function `staleTime` resolved against the query (built
 * first if needed), as TanStack's `fetchQuery` resolves it once; `options` itself when its
 * staleTime is no function. Throws what the function throws, unless `strict` is false
 * (the default staleTime then).
 */
export function resolveCallStaleTime(client, options, strict = true) {
  let fn;
  try {
    fn = options?.staleTime;
  } catch {
    return options; // a throwing getter: the engine reads it again and reports it
  }
  if (typeof fn !== 'function') return options;
  const value = resolveStaleTime(fn, queryOf(client, options), strict);
  const out = { ...options };
  if (value === undefined) delete out.staleTime;
  else out.staleTime = value;
  return out;
}

/**
 * An observer's options resolved for the engine: `{ options, functions, values, engineOptions }`,
 * or undefined when no option is a function (the engine takes `options` as they are).
 * Throws what an option function throws (the observer is then not made, or not changed).
 */
export function resolveObserverOptions(client, options) {
  const functions = functionsOf(options);
  // Not a client (the engine's TypeError says so), or no key (the engine names it).
  if (functions === undefined || typeof client?.getQueryCache !== 'function') return undefined;
  const values = resolveValues(functions, queryOf(client, options), true);
  return { options, functions, values, engineOptions: engineOptionsOf(options, functions, values) };
}

/** Whether a query in `state` is stale under `staleTime` now (the engine's rule, staleness.rs). */
function isStaleBy(state, staleTime) {
  if (state.data === undefined) return true;
  if (staleTime === 'static') return false;
  if (state.isInvalidated) return true;
  if (staleTime === Infinity) return false;
  return Date.now() >= state.dataUpdatedAt + staleTime;
}

/**
 * The function-valued options of one observer, kept resolved while it lives. `hooks` are
 * the observer's: `apply(engineOptions)` (the engine observer's `setOptions`) and
 * `refetch(fetchOptions)`. The observer tells it of what it resolved (`use`), of its first
 * listener and its last (`mount` / `unmount`) and of each change its listeners hear
 * (`changed`).
 */
export class ObserverOptionFunctions {
  #client;
  #hooks;
  #resolved; // the last `resolveObserverOptions` result the engine took, or undefined
  #mounted = false;
  #scheduled = false;
  #applying = false;
  #poll; // the interval polling a function refetchInterval
  #offFocus;
  #offOnline;
  #offClose; // while subscribed to a manager: the client's dispose unmounts this
  #refetchOnFocus = (focused) => {
    if (focused === true) this.#event('refetchOnWindowFocus');
  };
  #refetchOnReconnect = (online) => {
    if (online === true) this.#event('refetchOnReconnect');
  };

  constructor(client, hooks) {
    this.#client = client;
    this.#hooks = hooks;
  }

  /** The observer's new options, as the engine took them (undefined: none is a function now). */
  use(resolved) {
    this.#resolved = resolved;
    this.#arm();
  }

  /** The first listener came: polling and the event triggers start. */
  mount() {
    this.#mounted = true;
    this.#arm();
  }

  /** The last listener left (or the observer was destroyed): nothing runs any more. */
  unmount() {
    this.#mounted = false;
    this.#arm();
  }

  /**
   * Before the first listener mounts the observer: the options resolved against the query
   * as it is now (it may have changed since the observer was made, or been collected).
   */
  refresh() {
    const resolved = this.#resolved;
    if (resolved === undefined) return;
    let query;
    try {
      query = queryOf(this.#client, resolved.options);
    } catch {
      return; // disposed, say: the engine's subscribe reports it
    }
    if (query !== undefined) this.#update(query, true);
  }

  /** A listener heard a change: the options are resolved again once this notification is over. */
  changed() {
    if (this.#resolved === undefined || !this.#mounted || this.#applying || this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      if (this.#resolved === undefined || !this.#mounted) return;
      const query = findQuery(this.#client, this.#resolved.options.queryKey);
      if (query !== undefined) this.#update(query, false);
      this.#arm(); // TanStack restarts its interval after each change of the query
    });
  }

  /**
   * Resolves again against `query`; a changed `enabled` or `staleTime` goes to the engine,
   * and a changed `refetchOnMount` when `mounting` (it matters to the engine only then).
   */
  #update(query, mounting) {
    const resolved = this.#resolved;
    const last = resolved.values;
    const values = resolveValues(resolved.functions, query, false);
    if (!mounting) values.refetchOnMount = last.refetchOnMount; // asked again before the next mount
    if (values.refetchInterval !== last.refetchInterval) {
      this.#resolved = { ...resolved, values: { ...last, refetchInterval: values.refetchInterval } };
    }
    if (values.enabled === last.enabled && values.staleTime === last.staleTime && values.refetchOnMount === last.refetchOnMount) return;
    const engineOptions = engineOptionsOf(resolved.options, resolved.functions, values);
    // The engine's notifications of this setOptions are of our own making: not resolved again.
    this.#applying = true;
    try {
      this.#hooks.apply(engineOptions);
      this.#resolved = { ...resolved, values, engineOptions };
    } catch {
      // freed, disposed or refused: the engine keeps what it had
    } finally {
      this.#applying = false;
    }
  }

  /** Whether the observer is enabled as the engine now has it. */
  #enabled() {
    const { functions, values, engineOptions } = this.#resolved;
    return functions.enabled ? values.enabled : engineOptions.enabled !== false;
  }

  /** Starts or stops the polling and the event triggers, as the options and mount now say. */
  #arm() {
    const resolved = this.#resolved;
    const on = this.#mounted && resolved !== undefined;
    const ms = on && resolved.functions.refetchInterval && this.#enabled() ? resolved.values.refetchInterval : false;
    if (this.#poll !== undefined) clearInterval(this.#poll);
    this.#poll = ms === false ? undefined : setInterval(() => this.#tick(), ms);
    this.#offFocus = listen(on && resolved.functions.refetchOnWindowFocus, this.#offFocus, focusManager, this.#refetchOnFocus);
    this.#offOnline = listen(on && resolved.functions.refetchOnReconnect, this.#offOnline, onlineManager, this.#refetchOnReconnect);
    // The managers are global: a disposed client's observers must not stay subscribed.
    const holding = this.#poll !== undefined || this.#offFocus !== undefined || this.#offOnline !== undefined;
    if (holding && this.#offClose === undefined) {
      this.#offClose = mirrors.get(this.#client)?.onClose(() => {
        this.#offClose = undefined;
        this.unmount();
      });
    } else if (!holding && this.#offClose !== undefined) {
      const off = this.#offClose;
      this.#offClose = undefined;
      off();
    }
  }

  /**
   * The page was shown or the network came back: TanStack's `shouldFetchOn`, asked now —
   * enabled, not `'static'`, and the option says `'always'`, or anything but `false` while
   * the data is stale under this observer's staleTime.
   */
  #event(name) {
    const resolved = this.#resolved;
    if (!this.#mounted || resolved === undefined) return;
    const query = findQuery(this.#client, resolved.options.queryKey);
    if (query === undefined) return;
    const { functions, engineOptions } = resolved;
    if (!(functions.enabled ? resolveEnabled(functions.enabled, query, false) : engineOptions.enabled !== false)) return;
    const given = functions.staleTime ? resolveStaleTime(functions.staleTime, query, false) : engineOptions.staleTime;
    const staleTime = given ?? query.options.staleTime;
    if (staleTime === 'static') return;
    const value = call(functions[name], query, false, true);
    if (value === 'always' || (value !== false && isStaleBy(query.state, staleTime))) this.#refetch();
  }

  /** A poll: not while the page is hidden, unless `refetchIntervalInBackground` (TanStack's). */
  #tick() {
    if (this.#resolved?.engineOptions.refetchIntervalInBackground !== true && !isFocused()) return;
    this.#refetch();
  }

  /** A refetch that joins a running fetch (TanStack's `cancelRefetch: false` of polls and events). */
  #refetch() {
    try {
      this.#hooks.refetch({ cancelRefetch: false }).catch(noop);
    } catch {
      // freed or disposed: nothing polls a dead observer
      this.#mounted = false;
      this.#arm();
    }
  }
}

function isFocused() {
  try {
    return focusManager.isFocused();
  } catch {
    return true; // refused (nested too deep): counted as focused
  }
}

/** Subscribes `listener` to `manager` when `wanted` (once), else unsubscribes; the unsubscribe or undefined. */
function listen(wanted, off, manager, listener) {
  if (!wanted) {
    off?.();
    return undefined;
  }
  if (off !== undefined || typeof manager?.subscribe !== 'function') return off;
  try {
    return manager.subscribe(listener);
  } catch {
    return undefined; // refused (nested too deep): the next arm tries again
  }
}
