// The package's CommonJS entry (`require('stackquery')` and `require('stackquery/web')` in
// Node and Bun, and what test runners that load CommonJS get, jsdom included): the same
// face, glue and inlined .wasm as the ES module entry (web.js), instantiated synchronously
// as the module loads (node_engine.js).
export { default } from './node_engine.js';
export * from '../face/index.js';
