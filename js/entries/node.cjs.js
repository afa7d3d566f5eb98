// The package's CommonJS entry (`require('stackquery')` in Node and Bun): the same face,
// glue and inlined .wasm as the ES module entry (web.js), instantiated synchronously as
// the module loads.
import { initSync } from 'stackquery:engine';
import { wasmText, wasmSize } from 'stackquery:wasm-data';
import { inlineWasmBytes } from './inline_wasm.js';

initSync({ module: new WebAssembly.Module(inlineWasmBytes(wasmText, wasmSize)) });

export * from '../face/index.js';
