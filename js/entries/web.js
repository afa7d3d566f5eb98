// The package's ES module entry for browsers, bundlers, Node (`import`), Deno and Bun: the
// face, the engine's glue and the engine's .wasm in one file, the engine instantiated as
// the module loads (web_engine.js).
export { default, initSync } from './web_engine.js';
export * from '../face/index.js';
