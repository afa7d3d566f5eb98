// `useMutation`: TanStack's mutation observer for one component. Each `mutate()` builds a
// new mutation of the client (client.mutation: the defaults of `defaultOptions.mutations`
// and `setMutationDefaults` under the hook's options), so the client's MutationCache holds
// one entry per run, as TanStack's does (useMutationState, useIsMutating see each). The
// component shows the latest run; the callbacks given to `mutate(variables, { onSuccess,
// onError, onSettled })` run after the mutation's own, only for the latest call and only
// while the component is mounted. The mutation's options call the latest render's
// functions. `throwOnError` (a boolean, or a function of the error) throws the error in
// render, to the nearest error boundary.
import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { useQueryClient } from './context.js';
import { hashOf } from './observer_options.js';
import { describe } from './describe.js';

const IDLE = Object.freeze({
  status: 'idle',
  data: undefined,
  error: null,
  variables: undefined,
  context: undefined,
  failureCount: 0,
  failureReason: null,
  submittedAt: 0,
  isIdle: true,
  isPending: false,
  isSuccess: false,
  isError: false,
  isPaused: false,
});
const FIELDS = Object.keys(IDLE);

const FUNCTIONS = ['mutationFn', 'onMutate', 'onSuccess', 'onError', 'onSettled'];
const NETWORK_MODES = new Set(['online', 'always', 'offlineFirst']);

/** The hook's options checked in render: a TypeError naming the option it refuses. */
function checkOptions(options) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`useMutation needs an options object ({ mutationFn, … }), got ${describe(options)}`);
  }
  for (const name of FUNCTIONS) {
    const f = options[name];
    if (f !== undefined && typeof f !== 'function') throw new TypeError(`useMutation: ${name} must be a function, got ${describe(f)}`);
  }
  const { mutationKey, scope, retry, retryDelay, gcTime, networkMode, throwOnError, meta } = options;
  if (mutationKey !== undefined && !Array.isArray(mutationKey)) throw new TypeError(`useMutation: mutationKey must be an array, got ${describe(mutationKey)}`);
  if (scope !== undefined && (scope === null || typeof scope !== 'object' || typeof scope.id !== 'string')) {
    throw new TypeError(`useMutation: scope must be { id: string }, got ${describe(scope)}`);
  }
  if (retry !== undefined && !['boolean', 'number', 'function'].includes(typeof retry)) {
    throw new TypeError(`useMutation: retry must be a boolean, a number or a function (failureCount, error) => boolean, got ${describe(retry)}`);
  }
  if (retryDelay !== undefined && !['number', 'function'].includes(typeof retryDelay)) {
    throw new TypeError(`useMutation: retryDelay must be a number or a function (failureCount, error) => ms, got ${describe(retryDelay)}`);
  }
  if (gcTime !== undefined && (typeof gcTime !== 'number' || Number.isNaN(gcTime) || gcTime < 0)) {
    throw new TypeError(`useMutation: gcTime must be a number of milliseconds (≥ 0) or Infinity, got ${describe(gcTime)}`);
  }
  if (networkMode !== undefined && !NETWORK_MODES.has(networkMode)) {
    throw new TypeError(`useMutation: networkMode must be 'online', 'always' or 'offlineFirst', got ${describe(networkMode)}`);
  }
  if (throwOnError !== undefined && typeof throwOnError !== 'boolean' && typeof throwOnError !== 'function') {
    throw new TypeError(`useMutation: throwOnError must be a boolean or a function (error) => boolean, got ${describe(throwOnError)}`);
  }
  if (meta !== undefined && (meta === null || typeof meta !== 'object')) throw new TypeError(`useMutation: meta must be an object, got ${describe(meta)}`);
}

/**
 * The options of a new run's mutation: the hook's latest, each function a wrapper calling
 * the latest render's (the one given at `mutate()` if a later render dropped it). Options
 * left undefined are left out, so the client's defaults apply.
 */
function buildOptions(options, latest) {
  const out = {};
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (typeof value === 'function') {
      out[name] = (...args) => {
        const f = latest.current[name];
        return (typeof f === 'function' ? f : value)(...args);
      };
    } else {
      out[name] = value;
    }
  }
  return out;
}

function sameState(a, b) {
  for (const name of FIELDS) if (!Object.is(a[name], b[name])) return false;
  return true;
}

/** One component's mutations: the run it shows, and its subscribers (React's). */
class MutationStore {
  constructor(client) {
    this.client = client;
    this.current = undefined; // the mutation of the latest run (undefined: idle)
    this.state = IDLE;
    this.listeners = new Set();
    this.off = undefined; // unsubscribes from `current`
    this.subscribe = this.subscribe.bind(this);
    this.getSnapshot = this.getSnapshot.bind(this);
  }

  subscribe(listener) {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.#watch();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.#unwatch();
    };
  }

  getSnapshot() {
    return this.state;
  }

  get mounted() {
    return this.listeners.size > 0;
  }

  /** Shows `mutation` (or idle): what the component renders from now on. */
  show(mutation) {
    this.#unwatch();
    this.current = mutation;
    if (this.mounted) this.#watch();
    this.#update();
  }

  #watch() {
    const mutation = this.current;
    if (mutation === undefined || this.off !== undefined) {
      this.#update();
      return;
    }
    this.off = mutation.subscribe((state) => {
      if (this.current === mutation) this.#update(state);
    });
    this.#update(); // what changed while nobody watched
  }

  #unwatch() {
    this.off?.();
    this.off = undefined;
  }

  #update(state = this.current === undefined ? IDLE : this.current.state) {
    if (sameState(this.state, state)) return;
    this.state = state; // the engine builds a new state object on each read
    for (const listener of [...this.listeners]) listener();
  }
}

const noop = () => {};

// A per-call callback's error changes no outcome; as in TanStack it is not swallowed
// either: it surfaces as an unhandled rejection.
const report = (error) => {
  void Promise.reject(error);
};
function callReporting(f, args) {
  try {
    const value = f(...args);
    return value !== null && typeof value?.then === 'function' ? Promise.resolve(value).catch(report) : value;
  } catch (error) {
    report(error);
    return undefined;
  }
}

/**
 * A mutation for this component: `mutate(variables, { onSuccess, onError, onSettled })`
 * (errors are caught: read them from `error`), `mutateAsync(variables, options)` (a
 * promise), `reset()`, and the latest run's state, re-rendered on each change.
 */
export function useMutation(options, queryClient) {
  checkOptions(options);
  const client = useQueryClient(queryClient);
  const latest = useRef(options);
  latest.current = options;

  const store = useMemo(() => new MutationStore(client), [client]);
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);

  // A new mutationKey shows idle again (TanStack's observer resets).
  const keyHash = options.mutationKey === undefined ? undefined : hashOf(options.mutationKey);
  const lastKey = useRef(keyHash);
  useEffect(() => {
    if (lastKey.current !== undefined && keyHash !== undefined && lastKey.current !== keyHash) store.show(undefined);
    lastKey.current = keyHash;
  }, [store, keyHash]);

  const mutateAsync = useCallback(
    (variables, callOptions) => {
      if (callOptions != null && typeof callOptions !== 'object') {
        return Promise.reject(new TypeError(`mutate: the second argument must be { onSuccess, onError, onSettled }, got ${describe(callOptions)}`));
      }
      let mutation;
      try {
        mutation = client.mutation(buildOptions(latest.current, latest));
      } catch (error) {
        return Promise.reject(error);
      }
      store.show(mutation);
      // This call's callbacks: run for the latest call only, while the component is mounted.
      let perCall;
      if (callOptions != null) {
        const mine = () => store.current === mutation && store.mounted;
        perCall = {};
        for (const name of ['onSuccess', 'onError', 'onSettled']) {
          const f = callOptions[name];
          if (f === undefined) continue;
          if (typeof f !== 'function') return Promise.reject(new TypeError(`mutate: ${name} must be a function, got ${describe(f)}`));
          perCall[name] = (...args) => (mine() ? callReporting(f, args) : undefined);
        }
      }
      try {
        return mutation.mutate(variables, perCall);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    [client, store],
  );
  const mutate = useCallback((variables, callOptions) => {
    mutateAsync(variables, callOptions).catch(noop);
  }, [mutateAsync]);
  const reset = useCallback(() => store.show(undefined), [store]);

  // throwOnError (the hook's, else the defaults'): the error goes to the error boundary.
  if (state.isError) {
    let throwOnError = options.throwOnError;
    if (throwOnError === undefined) {
      const defaulted = client.defaultMutationOptions({ mutationKey: options.mutationKey });
      throwOnError = defaulted.throwOnError;
    }
    if (typeof throwOnError === 'function' ? throwOnError(state.error) : throwOnError === true) throw state.error;
  }

  return useMemo(() => ({ ...state, mutate, mutateAsync, reset }), [state, mutate, mutateAsync, reset]);
}
