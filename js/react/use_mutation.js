// `useMutation`: a mutation per component (client.mutation) whose callbacks call the
// latest render's, its state read through useSyncExternalStore.
import { useCallback, useMemo, useRef, useSyncExternalStore } from 'react';
import { useQueryClient } from './context.js';

function mutationSignature(options) {
  const kind = (v) => (typeof v === 'function' ? 'f' : v === undefined ? 'u' : String(v));
  return `${options.scope?.id ?? ''}\u0000${kind(options.retry)}\u0000${kind(options.retryDelay)}`;
}

/** The mutation's options: every callback calls the latest render's. */
function mutationOptions(options, latest) {
  const out = {
    mutationFn: (variables) => latest.current.mutationFn(variables),
  };
  for (const name of ['onMutate', 'onSuccess', 'onError', 'onSettled']) {
    if (typeof options[name] === 'function') {
      out[name] = (...args) => {
        const f = latest.current[name];
        return typeof f === 'function' ? f(...args) : undefined;
      };
    }
  }
  for (const name of ['retry', 'retryDelay']) {
    const value = options[name];
    if (typeof value === 'function') {
      out[name] = (failureCount, error) => latest.current[name](failureCount, error);
    } else if (value !== undefined) {
      out[name] = value;
    }
  }
  if (options.scope !== undefined) out.scope = options.scope;
  return out;
}

const noop = () => {};

/**
 * A mutation for this component: `mutate(variables, { onSuccess, onError, onSettled })`
 * (errors are caught: read them from `error`), `mutateAsync(variables)` (a promise),
 * `reset()`, and the mutation's state, re-rendered on each change.
 */
export function useMutation(options, queryClient) {
  if (options === null || typeof options !== 'object' || typeof options.mutationFn !== 'function') {
    throw new TypeError('useMutation needs options with a mutationFn: useMutation({ mutationFn: (variables) => … })');
  }
  const client = useQueryClient(queryClient);
  const latest = useRef(options);
  latest.current = options;
  const sig = mutationSignature(options);

  // The mutation's `state` getter builds a new object on each read, so the store keeps
  // the last state its subscription delivered.
  const store = useMemo(() => {
    const mutation = client.mutation(mutationOptions(options, latest));
    const s = {
      mutation,
      state: mutation.state,
      subscribe: (onStoreChange) =>
        mutation.subscribe((state) => {
          s.state = state;
          onStoreChange();
        }),
      getSnapshot: () => s.state,
    };
    return s;
  }, [client, sig]);

  const state = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);

  const calls = useRef(0);
  const mutateAsync = useCallback(
    (variables, callOptions) => {
      const call = ++calls.current;
      const isLatest = () => call === calls.current;
      return store.mutation.mutate(variables).then(
        async (data) => {
          if (callOptions && isLatest()) {
            const context = store.mutation.state.context;
            await callOptions.onSuccess?.(data, variables, context);
            await callOptions.onSettled?.(data, null, variables, context);
          }
          return data;
        },
        async (error) => {
          if (callOptions && isLatest()) {
            const context = store.mutation.state.context;
            await callOptions.onError?.(error, variables, context);
            await callOptions.onSettled?.(undefined, error, variables, context);
          }
          throw error;
        },
      );
    },
    [store],
  );
  const mutate = useCallback((variables, callOptions) => {
    mutateAsync(variables, callOptions).catch(noop);
  }, [mutateAsync]);
  const reset = useCallback(() => store.mutation.reset(), [store]);

  return useMemo(() => ({ ...state, mutate, mutateAsync, reset }), [state, mutate, mutateAsync, reset]);
}
