// Where a React render runs: `isServer` (no DOM: a server render, or a test without one),
// and `useServerSnapshot()`, true in a server render and in the browser's hydration of it
// (React then reads stores' server snapshots), false in every other browser render. What a
// hydration renders must be what the server rendered, so a component that would render
// otherwise in the browser (QueryClientProvider's `restore`) asks this first.
import { useSyncExternalStore } from 'react';

export const isServer = typeof window === 'undefined' || typeof document === 'undefined';

const unchanging = () => () => {};
const inBrowser = () => false;
const inServerRender = () => true;

/** True while rendering on the server or hydrating what it rendered (see the file's head). */
export function useServerSnapshot() {
  return useSyncExternalStore(unchanging, inBrowser, inServerRender);
}
