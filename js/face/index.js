// stackquery's JavaScript face: the package's classes as JS sees them, in front of the
// wasm engine (the engine decides; the face converts, calls user code and answers what
// it can without crossing into wasm). `stackquery:engine` is the wasm-bindgen glue of
// the target being built; the build (scripts/bundle-face.mjs) points it at the file.
//
// - client.js   `QueryClient`: fresh hits from the mirror
// - observer.js `QueryObserver`: the current result kept while it holds
// - mirror.js   what the engine answered, valid while its epoch stands
// - hit_options.js which options a hit may answer with

export * from 'stackquery:engine';
export { QueryClient } from './client.js';
export { QueryObserver } from './observer.js';
