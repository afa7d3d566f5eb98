// The package's entry for Cloudflare Workers (the "workerd" export condition, which
// wrangler, miniflare and other Workers bundlers pick): the face, and the engine's
// precompiled .wasm beside it (workerd_engine.js).
import './workerd_engine.js';

export * from '../face/index.js';
