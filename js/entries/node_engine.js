// How the CommonJS entries (node.cjs.js, l1.cjs.js) load the engine: its glue and its
// inlined .wasm (scripts/bundle-entries.mjs picks which engine), instantiated
// synchronously as the module loads.
import { initSync } from 'stackquery:engine';
import * as wasmData from 'stackquery:wasm-data';
import { inlineWasmBytes } from './inline_wasm.js';

initSync({ module: new WebAssembly.Module(inlineWasmBytes(wasmData)) });

/** `stackquery/web`'s `init`, kept for earlier code: the engine is already there. */
export default async function init() {
  return initSync();
}
