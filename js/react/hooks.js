// stackquery/react's hooks and components (React 18+, a peer dependency), bundled by
// scripts/bundle-entries.mjs into the package's react/hooks.js (ES module, marked
// 'use client' for React Server Components) and react/hooks.cjs, React left external.
// index.js re-exports them beside stackquery's own exports.
//
// - context.js          `QueryClientProvider`, `useQueryClient`
// - observer_options.js the options a hook hands its observer, and when they changed
// - select.js           `select` run in render
// - is_restoring.js    `useIsRestoring`
// - use_query.js        `useQuery`
// - use_mutation.js     `useMutation`

export { QueryClientProvider, useQueryClient } from './context.js';
export { useIsRestoring } from './is_restoring.js';
export { useQuery } from './use_query.js';
export { useMutation } from './use_mutation.js';
