// Types of stackquery/react's mutation hooks.
import type { MutateOptions, MutationOptions, MutationState } from '../index.js';
import type { QueryClientLike } from './provider.js';

export type UseMutationOptions<TData = unknown, TError = unknown, TVariables = void, TContext = unknown> =
  MutationOptions<TData, TError, TVariables, TContext>;

export type UseMutationResult<TData = unknown, TError = unknown, TVariables = void, TContext = unknown> =
  MutationState<TData, TError, TVariables, TContext> & {
    /** Runs the mutation; a failure is not thrown (read `error`/`isError`, or use `onError`). */
    mutate: (variables: TVariables, options?: MutateOptions<TData, TError, TVariables, TContext>) => void;
    /** Runs the mutation; resolves with its data or rejects with its error. */
    mutateAsync: (
      variables: TVariables,
      options?: MutateOptions<TData, TError, TVariables, TContext>,
    ) => Promise<TData>;
    /** Back to idle. */
    reset: () => void;
  };

/** A mutation for this component, its state re-rendered on each change. */
export declare function useMutation<TData = unknown, TError = unknown, TVariables = void, TContext = unknown>(
  options: UseMutationOptions<TData, TError, TVariables, TContext>,
  queryClient?: QueryClientLike,
): UseMutationResult<TData, TError, TVariables, TContext>;
