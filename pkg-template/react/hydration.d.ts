// Types of stackquery/react's HydrationBoundary: a dehydrated state (from `dehydrate`, e.g. in
// a server component) hydrated into the tree's QueryClient.
import type { ReactElement, ReactNode } from 'react';
import type { DehydratedState, HydrateOptions } from '../index.js';
import type { QueryClientLike } from './provider.js';

export interface HydrationBoundaryProps {
  /** What `dehydrate` returned; `null` or `undefined` hydrates nothing. */
  state: DehydratedState | null | undefined;
  /** `hydrate`'s options: `defaultOptions.queries` of the queries it creates, `deserializeData`. */
  options?: HydrateOptions;
  children?: ReactNode;
  /** The client to hydrate into, instead of the nearest `QueryClientProvider`'s. */
  queryClient?: QueryClientLike;
}

/**
 * Hydrates `state` into the QueryClient: queries new to the cache during render (the children's
 * first render shows their data), queries it holds only when the dehydrated data is newer, after
 * the render commits. A pending query's streamed `promise` becomes that query's fetch.
 */
export declare function HydrationBoundary(props: HydrationBoundaryProps): ReactElement;
