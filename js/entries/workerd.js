// The package's entry for Cloudflare Workers (the "workerd" export condition, which
// wrangler, miniflare and other Workers bundlers pick). Workers cannot compile
// WebAssembly from bytes at run time: the .wasm beside this file is imported as a
// precompiled `WebAssembly.Module` and instantiated synchronously when the module loads.
import { initSync } from 'stackquery:engine';
import wasm from './stackquery_bg.wasm';

initSync({ module: wasm });

export * from '../face/index.js';
