// How the Workers entries (workerd.js, l1.workerd.js) load the engine. Workers cannot
// compile WebAssembly from bytes at run time: the .wasm beside the entry is imported as a
// precompiled `WebAssembly.Module` and instantiated synchronously when the module loads.
import { initSync } from 'stackquery:engine';
import wasm from './stackquery_bg.wasm';

initSync({ module: wasm });
