// Types of stackquery/react: React 18+ bindings for a stackquery QueryClient, beside
// everything stackquery exports (a TanStack app changes only its import line).
export * from '../index.js';
export * from './provider.js';
export * from './queries.js';
export * from './mutations.js';
export * from './hydration.js';
