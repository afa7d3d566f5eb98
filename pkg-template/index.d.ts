// Types of the stackquery package (every host build exports the same API; `stackquery/l1`
// exports it without the stores: l1.d.ts).
export * from './api.js';
export * from './stores.js';
