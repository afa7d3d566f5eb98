// Whether the tree is waiting for its provider's restore from L2 (TanStack's
// `useIsRestoring`): false unless a provider with `restore` is still reading.
import { createContext, useContext } from 'react';

export const IsRestoringContext = createContext(false);

/** True while the nearest QueryClientProvider's `restore` is being read from L2. */
export function useIsRestoring() {
  return useContext(IsRestoringContext);
}
