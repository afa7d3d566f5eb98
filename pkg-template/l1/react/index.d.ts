// Types of stackquery/l1/react: stackquery/react's hooks on `stackquery/l1`, the build
// without L2, beside everything stackquery/l1 exports.
export * from '../../l1.js';
export * from '../../react/provider.js';
export * from '../../react/queries.js';
export * from '../../react/mutations.js';
export * from '../../react/hydration.js';
