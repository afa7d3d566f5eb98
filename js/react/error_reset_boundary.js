// `QueryErrorResetBoundary` / `useQueryErrorResetBoundary` (TanStack's): the reset state an
// error boundary shares with the query hooks below it. `reset()` (called from the error
// boundary's reset) lets the next render of the errored query retry it instead of throwing
// its error again; the hooks `clearReset()` once they mounted, or when a suspended fetch
// failed again. Without a boundary, hooks use one value shared by the whole page.
import { createContext, createElement, useContext, useState } from 'react';

function createValue() {
  let isReset = false;
  return {
    clearReset: () => {
      isReset = false;
    },
    reset: () => {
      isReset = true;
    },
    isReset: () => isReset,
  };
}

const ResetContext = createContext(createValue());

/** `{ reset, clearReset, isReset }` of the nearest QueryErrorResetBoundary (else the page's). */
export function useQueryErrorResetBoundary() {
  return useContext(ResetContext);
}

/** A reset state of its own for the hooks below; `children` may be a function of it. */
export function QueryErrorResetBoundary({ children }) {
  const [value] = useState(createValue);
  return createElement(ResetContext.Provider, { value }, typeof children === 'function' ? children(value) : children);
}
