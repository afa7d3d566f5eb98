// The package's ES module entry for browsers, bundlers, Node (`import`), Deno and Bun: the
// face, the engine's glue and the engine's .wasm in one file. The engine is instantiated
// synchronously while the module loads, so `new QueryClient()` works on the line after the
// import — no `init()` to call, no top-level await (which esbuild's default iife output,
// `require()` of ES modules and CommonJS test runners refuse), nothing for a bundler to
// configure. Chromium compiles modules of any size synchronously since version 114 (it
// refused over 4 KB on the main thread before); where a host still refuses, the engine is
// instantiated asynchronously instead and `await init()` (the default export) waits for it.
// `init` and `initSync` otherwise return at once: they stay for code written for the
// versions that had to call one first.
import init, { initSync } from 'stackquery:engine';
import { wasmText, wasmSize } from 'stackquery:wasm-data';
import { inlineWasmBytes } from './inline_wasm.js';

const bytes = inlineWasmBytes(wasmText, wasmSize);
let module;
try {
  module = new WebAssembly.Module(bytes);
} catch (refused) {
  if (!(refused instanceof RangeError)) throw refused;
  init({ module_or_path: bytes });
}
if (module) initSync({ module });

export * from '../face/index.js';
export { default } from 'stackquery:engine';
