// How the ES module entries (web.js, l1.js) load the engine: its glue and its .wasm are
// in the entry's one file (scripts/bundle-entries.mjs picks which engine). The engine is instantiated
// synchronously while the module loads, so `new QueryClient()` works on the line after the
// import — no `init()` to call, no top-level await (which esbuild's default iife output,
// `require()` of ES modules and CommonJS test runners refuse), nothing for a bundler to
// configure. Chromium compiles modules up to 8 MB synchronously since version 114 (it
// refused over 4 KB on a page's main thread before); where a host still refuses, the
// engine is instantiated asynchronously instead, `await init()` (the default export)
// waits for it, and a client made before then throws an Error that says so.
// `init` and `initSync` otherwise return the engine at once: they stay for code written
// for the versions that had to call one first.
import glueInit, { initSync as glueInitSync } from 'stackquery:engine';
import * as wasmData from 'stackquery:wasm-data';
import { inlineWasmBytes, inlineWasmBytesAsync } from './inline_wasm.js';
import { assertEngineReady, engineLoading } from '../face/engine_ready.js';

let loading = null; // the engine's promise, only where the synchronous compile was refused

function instantiate() {
  let bytes;
  let module;
  try {
    // Two synchronous compiles, either of which such a host refuses: the .wasm's decoder
    // (inline_wasm.js), then the .wasm.
    bytes = inlineWasmBytes(wasmData);
    module = new WebAssembly.Module(bytes);
  } catch (refused) {
    if (!(refused instanceof RangeError)) throw refused;
    loading = (bytes ? Promise.resolve(bytes) : inlineWasmBytesAsync(wasmData)).then((b) => glueInit({ module_or_path: b }));
    loading.catch(() => {}); // reported by init() and by the next client made
    engineLoading(loading);
    return;
  }
  glueInitSync({ module });
}
instantiate();

/** The engine's exports: at once, or once an asynchronous instantiation has finished. */
export default function init() {
  return loading ?? glueInit();
}

/** The engine's exports; throws while the engine is still loading. */
export function initSync() {
  assertEngineReady();
  return glueInitSync();
}
