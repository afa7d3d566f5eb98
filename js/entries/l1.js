// `stackquery/l1`, the ES module entry of the build without L2: the engine built with
// the `l1_only` feature (no persister, storage calls, restores or cross-tab channel in its
// .wasm: src/bindings/l2_build.rs) and the face without the built-in stores (api.js), for
// clients that keep their cache in memory only. Loaded as web.js loads the full engine.
export { default, initSync } from './web_engine.js';
export * from '../face/api.js';
