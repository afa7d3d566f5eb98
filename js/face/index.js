// stackquery's JavaScript face: the package's classes as JS sees them, in front of the
// wasm engine (the engine decides; the face converts, calls user code and answers what
// it can without crossing into wasm). `stackquery:engine` is the engine's wasm-bindgen
// glue; the build (scripts/bundle-entries.mjs) points it at the file and bundles the face
// into each entry of js/entries/.
//
// - client.js   `QueryClient`: fresh hits from the mirror
// - observer.js `QueryObserver`: the current result kept while it holds
// - mirror.js   what the engine answered, valid while its epoch stands
// - hit_options.js which options a hit may answer with
// - defaults.js `defaultOptions` and defaults per key, merged under each call's options
// - engine_ready.js whether the engine is there yet (entries that load it asynchronously)

export * from 'stackquery:engine';
export { QueryClient } from './client.js';
export { QueryObserver } from './observer.js';
