// `require('stackquery/l1')`: the build without L2 (l1.js) as CommonJS, instantiated
// synchronously as the module loads (node_engine.js).
export { default } from './node_engine.js';
export * from '../face/api.js';
