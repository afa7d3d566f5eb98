// Types of stackquery/react's provider: the QueryClient of a React tree.
import type { ReactElement, ReactNode } from 'react';
import type { QueryClient, QueryKey } from '../index.js';

/**
 * A client from `stackquery`, or from `stackquery/web` (whose generated types give `runtime`
 * as a plain string).
 */
export type QueryClientLike = Omit<QueryClient, 'runtime'> & { readonly runtime: string };

export interface QueryClientProviderProps {
  client: QueryClientLike;
  children?: ReactNode;
  /**
   * Query keys to read from the client's L2 (storage) into L1 before the children first
   * render (`client.restoreQueries`), so that their useQuery shows the restored data in its
   * first render: no loading frame, and no request for fresh data. Read once per client and
   * list of keys; a client without storage or a failing storage renders the children all
   * the same.
   */
  restore?: readonly QueryKey[];
  /** Rendered instead of the children while `restore` is read (default: nothing). */
  fallback?: ReactNode;
}

/** Makes `client` the QueryClient of every hook below it (after `restore`, when given). */
export declare function QueryClientProvider(props: QueryClientProviderProps): ReactElement;

/** The QueryClient given, else the one of the nearest `QueryClientProvider` (throws when none). */
export declare function useQueryClient(queryClient?: QueryClientLike): QueryClient;

/** Whether the provider's `restore` is still being read (true in its `fallback`; false when none was asked). */
export declare function useIsRestoring(): boolean;
