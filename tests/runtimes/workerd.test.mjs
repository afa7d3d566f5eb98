// The built package (pkg/) in Cloudflare's workerd, started through miniflare's API:
// a module worker imports stackquery the way a Workers bundle does (the "workerd"
// export: pkg/workerd/index.js, which instantiates the precompiled .wasm module) and
// keeps its L2 in Workers KV through pkg/adapters/workers-kv.js. A second, fresh
// workerd on the same KV persistence directory must answer from KV without calling
// the upstream again. `stackquery/l1` (the build without L2, pkg/l1/workerd/) must load there
// too, and answer a second request from the isolate's memory. Run after
// scripts/build-package.sh: node --test tests/runtimes/
import { test } from 'node:test';

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Miniflare } from 'miniflare';
import { startUpstream } from '../servers/upstream.mjs';

const pkg = resolve(import.meta.dirname, '../../pkg');
const QUERY_KEY = ['upstream', 'greeting'];

// The user's worker, as if it sat in an app folder next to the package's files
// (`../workerd/index.js` is what `import 'stackquery'` resolves to under the "workerd" condition).
const WORKER = `
import { QueryClient } from '../workerd/index.js';
import { workersKvStorage } from '../adapters/workers-kv.js';

export default {
  async fetch(request, env, ctx) {
    const client = new QueryClient({ storage: workersKvStorage(env.CACHE), staleTime: 60_000 });
    try {
      const data = await client.fetchQuery({
        queryKey: ${JSON.stringify(QUERY_KEY)},
        queryFn: async ({ signal }) => {
          const response = await fetch(env.UPSTREAM, { signal });
          if (!response.ok) throw new Error('upstream answered ' + response.status);
          return response.json();
        },
      });
      const runtime = client.runtime;
      ctx.waitUntil(client.flush().finally(() => client.dispose()));
      return Response.json({ data, runtime });
    } catch (error) {
      client.dispose();
      return Response.json({ error: String(error && error.stack || error) }, { status: 500 });
    }
  },
};
`;

/**
 * workerd running `worker` (its source) beside the package's Workers entry in `entryDir`
 * (one bundled module: face, glue, key hashing; and the .wasm it imports, as wrangler would
 * upload them), plus `modules`; `options` go to Miniflare as they are.
 */
function startWorker(upstreamUrl, { worker = WORKER, entryDir = 'workerd', modules = [], ...options } = {}) {
  return new Miniflare({
    host: '127.0.0.1',
    cf: false,
    compatibilityDate: '2026-04-01',
    modulesRoot: pkg,
    modules: [
      { type: 'ESModule', path: join(pkg, 'app/worker.js'), contents: worker },
      { type: 'ESModule', path: join(pkg, entryDir, 'index.js') },
      { type: 'CompiledWasm', path: join(pkg, entryDir, 'stackquery_bg.wasm') },
      ...modules,
    ],
    bindings: { UPSTREAM: upstreamUrl },
    ...options,
  });
}

/** The KV worker's own options: the adapter module and the CACHE namespace, kept in `kvPersist`. */
const withKv = (kvPersist) => ({
  modules: [{ type: 'ESModule', path: join(pkg, 'adapters/workers-kv.js') }],
  kvNamespaces: ['CACHE'],
  kvPersist,
});

/** Polls KV until `key` is there: the write runs in `ctx.waitUntil`, after the response. */
async function waitForKv(mf, key, timeoutMs = 10_000) {
  const kv = await mf.getKVNamespace('CACHE');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await kv.get(key);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`KV entry ${key} not written within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('workerd: a fresh worker answers from Workers KV after a restart', { timeout: 60_000 }, async (t) => {
  const upstream = await startUpstream();
  const kvPersist = mkdtempSync(join(tmpdir(), 'stackquery-kv-'));
  /** @type {Miniflare | undefined} */
  let mf;
  t.after(async () => {
    try {
      await mf?.dispose(); // rejects again if the options were bad (e.g. pkg/ not built)
    } finally {
      upstream.server.closeAllConnections();
      await new Promise((closed) => upstream.server.close(closed));
      rmSync(kvPersist, { recursive: true, force: true });
    }
  });
  const l2Key = `stackquery:${JSON.stringify(QUERY_KEY)}`;

  // Request 1: nothing cached, the worker calls the upstream and writes KV in waitUntil.
  mf = startWorker(upstream.url, withKv(kvPersist));
  const first = await mf.dispatchFetch('http://localhost/');
  const firstBody = await first.json();
  assert.equal(first.status, 200, JSON.stringify(firstBody));
  assert.deepEqual(firstBody, { data: { greeting: 'hello from upstream', hit: 1 }, runtime: 'edge' }, 'workerd is detected as the edge');
  assert.equal(upstream.hits, 1);

  const stored = JSON.parse(await waitForKv(mf, l2Key));
  assert.deepEqual(stored.data, firstBody.data);
  const kv = await mf.getKVNamespace('CACHE');
  const listed = await kv.list({ prefix: 'stackquery:' });
  assert.deepEqual(listed.keys.map((k) => k.name), [l2Key]);
  assert.ok(listed.keys[0].expiration > Date.now() / 1000 + 59, 'the entry carries a KV expiration (TTL ≥ 60 s)');
  await mf.dispose();
  mf = undefined;

  // Request 2: a new workerd process, empty L1, same KV store.
  mf = startWorker(upstream.url, withKv(kvPersist));
  const second = await mf.dispatchFetch('http://localhost/');
  const secondBody = await second.json();
  assert.equal(second.status, 200, JSON.stringify(secondBody));
  assert.deepEqual(secondBody, firstBody);
  assert.equal(upstream.hits, 1, 'answered from KV, not from the upstream');
  assert.notEqual(await (await mf.getKVNamespace('CACHE')).get(l2Key), null);
});

// A worker on `stackquery/l1` (what `import 'stackquery/l1'` resolves to under "workerd"): one
// client per isolate, its cache in memory only.
const L1_WORKER = `
import { QueryClient } from '../l1/workerd/index.js';

const client = new QueryClient({ staleTime: 60_000 });

export default {
  async fetch(request, env) {
    try {
      const data = await client.fetchQuery({
        queryKey: ${JSON.stringify(QUERY_KEY)},
        queryFn: async ({ signal }) => (await fetch(env.UPSTREAM, { signal })).json(),
      });
      let refused = '';
      try { new QueryClient({ storage: { get() {}, set() {}, delete() {} } }); } catch (e) { refused = e.constructor.name; }
      return Response.json({ data, runtime: client.runtime, refused });
    } catch (error) {
      return Response.json({ error: String(error && error.stack || error) }, { status: 500 });
    }
  },
};
`;

test('workerd: stackquery/l1 loads its precompiled .wasm and answers from the isolate\'s memory', { timeout: 60_000 }, async (t) => {
  const upstream = await startUpstream();
  const mf = startWorker(upstream.url, { worker: L1_WORKER, entryDir: 'l1/workerd' });
  t.after(async () => {
    try {
      await mf.dispose();
    } finally {
      upstream.server.closeAllConnections();
      await new Promise((closed) => upstream.server.close(closed));
    }
  });
  const bodies = [];
  for (let i = 0; i < 2; i++) {
    const response = await mf.dispatchFetch('http://localhost/');
    bodies.push(await response.json());
    assert.equal(response.status, 200, JSON.stringify(bodies[i]));
  }
  const expected = { data: { greeting: 'hello from upstream', hit: 1 }, runtime: 'edge', refused: 'TypeError' };
  assert.deepEqual(bodies, [expected, expected]);
  assert.equal(upstream.hits, 1, 'the second request was answered from L1');
});
