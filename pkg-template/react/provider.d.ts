// Types of stackquery/react's provider: the QueryClient of a React tree.
import type { ReactElement, ReactNode } from 'react';
import type { QueryClient } from '../index.js';

/**
 * A client from `stackquery`, or from `stackquery/web` (whose generated types give `runtime`
 * as a plain string).
 */
export type QueryClientLike = Omit<QueryClient, 'runtime'> & { readonly runtime: string };

export interface QueryClientProviderProps {
  client: QueryClientLike;
  children?: ReactNode;
}

/** Makes `client` the QueryClient of every hook below it. */
export declare function QueryClientProvider(props: QueryClientProviderProps): ReactElement;

/** The QueryClient given, else the one of the nearest `QueryClientProvider` (throws when none). */
export declare function useQueryClient(queryClient?: QueryClientLike): QueryClient;

/** Whether the tree is waiting for the provider's `restore` (false when none was asked). */
export declare function useIsRestoring(): boolean;
