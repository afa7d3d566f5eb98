// Cloudflare Workers (workerd) entry of stackquery, picked through the "workerd" export
// condition by wrangler, miniflare and other Workers bundlers. Workers cannot compile
// WebAssembly from bytes at run time; a `.wasm` import is a precompiled
// `WebAssembly.Module`, instantiated here synchronously when the module loads.
import * as glue from '../web/stackquery.js';
import wasm from '../web/stackquery_bg.wasm';

glue.initSync({ module: wasm });

export * from '../web/stackquery.js';

// Own bindings for the main classes, so a bundler that trusts package.json "sideEffects"
// cannot link an import straight through to ../web/stackquery.js and drop this module
// (and with it the initSync call above).
export const QueryClient = glue.QueryClient;
export const QueryObserver = glue.QueryObserver;
export const MemoryStorage = glue.MemoryStorage;
export const IndexedDbStorage = glue.IndexedDbStorage;
export const RemoteStorage = glue.RemoteStorage;
export const Mutation = glue.Mutation;
