// `stackquery/l1` for Cloudflare Workers (the "workerd" condition of `./l1`): the build
// without L2 (l1.js) on its precompiled .wasm (workerd_engine.js), for a worker whose
// cache lives in its isolate's memory only.
import './workerd_engine.js';

export * from '../face/api.js';
