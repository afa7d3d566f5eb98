// `useSuspenseQueries`: useQueries whose queries suspend until each has data (all of
// them at once: one promise for every query without data).
import { useQueriesOf } from './use_queries.js';

/** useQueries that suspends until every query has data. */
export function useSuspenseQueries(options, queryClient) {
  return useQueriesOf(options, queryClient, true);
}
