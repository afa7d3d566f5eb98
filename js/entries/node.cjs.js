// The package's CommonJS entry (`require('stackquery')` and `require('stackquery/web')` in
// Node and Bun, and what test runners that load CommonJS get, jsdom included): the same
// face, glue and inlined .wasm as the ES module entry (web.js), instantiated synchronously
// as the module loads.
import { initSync } from 'stackquery:engine';
import * as wasmData from 'stackquery:wasm-data';
import { inlineWasmBytes } from './inline_wasm.js';

initSync({ module: new WebAssembly.Module(inlineWasmBytes(wasmData)) });

/** `stackquery/web`'s `init`, kept for earlier code: the engine is already there. */
export default async function init() {
  return initSync();
}

export * from '../face/index.js';
