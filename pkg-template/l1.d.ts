// Types of `stackquery/l1`, the build without L2: the package's API without the built-in
// stores, and a client that refuses `storage` (a TypeError). The engine is ready when the
// import resolves (no `init()`: the entry is new and had no earlier form to keep one for).
export * from './api.js';
