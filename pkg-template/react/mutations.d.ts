// Types of stackquery/react's mutation and state hooks.
import type {
  MutateOptions,
  Mutation,
  MutationFilters,
  MutationOptions,
  MutationState,
  QueryFilters,
} from '../index.js';
import type { QueryClientLike } from './provider.js';

/**
 * `useMutation` options: the mutation's options (each `mutate()` runs a new mutation of the
 * client with them, the client's `defaultOptions.mutations` and `setMutationDefaults` under
 * them) plus `throwOnError`.
 */
export interface UseMutationOptions<TData = unknown, TError = unknown, TVariables = void, TContext = unknown>
  extends MutationOptions<TData, TError, TVariables, TContext> {
  /** Throw a failed run's error in render, to the nearest error boundary: always, or when the function says so. */
  throwOnError?: boolean | ((error: TError) => boolean);
}

/** Runs the mutation; a failure is not thrown (read `error`/`isError`, or use `onError`). */
export type UseMutateFunction<TData = unknown, TError = unknown, TVariables = void, TContext = unknown> = (
  variables: TVariables,
  options?: MutateOptions<TData, TError, TVariables, TContext>,
) => void;

/** Runs the mutation; resolves with its data or rejects with its error. */
export type UseMutateAsyncFunction<TData = unknown, TError = unknown, TVariables = void, TContext = unknown> = (
  variables: TVariables,
  options?: MutateOptions<TData, TError, TVariables, TContext>,
) => Promise<TData>;

type MutationStatusFields<TData, TError, TVariables> =
  | { status: 'idle'; isIdle: true; isPending: false; isSuccess: false; isError: false; data: undefined; error: null; variables: undefined }
  | { status: 'pending'; isIdle: false; isPending: true; isSuccess: false; isError: false; data: undefined; error: null; variables: TVariables }
  | { status: 'error'; isIdle: false; isPending: false; isSuccess: false; isError: true; data: undefined; error: TError; variables: TVariables }
  | { status: 'success'; isIdle: false; isPending: false; isSuccess: true; isError: false; data: TData; error: null; variables: TVariables };

/**
 * The latest run's state (narrowed by `status` or its flags: `isSuccess` makes `data` a
 * `TData`, `isError` makes `error` a `TError`) and the functions to run it again.
 */
export type UseMutationResult<TData = unknown, TError = unknown, TVariables = void, TContext = unknown> =
  Omit<MutationState<TData, TError, TVariables, TContext>, 'status' | 'isIdle' | 'isPending' | 'isSuccess' | 'isError' | 'data' | 'error' | 'variables'> &
  MutationStatusFields<TData, TError, TVariables> & {
    /**
     * Runs the mutation. `options`' callbacks run after the mutation's own, only for the
     * latest call and only while the component is mounted.
     */
    mutate: UseMutateFunction<TData, TError, TVariables, TContext>;
    /** Runs the mutation; resolves with its data or rejects with its error. */
    mutateAsync: UseMutateAsyncFunction<TData, TError, TVariables, TContext>;
    /** Back to idle (a run still going is no longer shown). */
    reset: () => void;
  };

/** A mutation for this component, its latest run's state re-rendered on each change. */
export declare function useMutation<TData = unknown, TError = unknown, TVariables = void, TContext = unknown>(
  options: UseMutationOptions<TData, TError, TVariables, TContext>,
  queryClient?: QueryClientLike,
): UseMutationResult<TData, TError, TVariables, TContext>;

/** How many queries matching `filters` (every query without them) are fetching; re-renders when it changes. */
export declare function useIsFetching(filters?: QueryFilters, queryClient?: QueryClientLike): number;

/** How many mutations matching `filters` (every mutation without them) are running; re-renders when it changes. */
export declare function useIsMutating(filters?: MutationFilters, queryClient?: QueryClientLike): number;

export interface MutationStateOptions<TResult = MutationState> {
  /** Which mutations of the client's MutationCache (default: all of them). */
  filters?: MutationFilters;
  /** What to give of each (default: its `state`). */
  select?: (mutation: Mutation<unknown, unknown, unknown, unknown>) => TResult;
}

/**
 * The matching mutations, in the order they ran, each as `select(mutation)` (default: its
 * state). The array keeps its identity while its content stays deep-equal.
 */
export declare function useMutationState<TResult = MutationState<unknown, unknown, unknown, unknown>>(
  options?: MutationStateOptions<TResult>,
  queryClient?: QueryClientLike,
): TResult[];
