// A real remote store for tests: Debian's redis-server behind the Upstash Redis REST
// protocol (@humanwhocodes/upstash-redis-server), with CORS so pages can call it, on
// 127.0.0.1 only. Counts requests per path and can be stopped and restarted (to test
// an outage).
//
// As a module: `const store = await startRemoteStore({ port })` → { url, token, stats,
//   stop(), start(), close(), command([...]) }.
// As a program (for the browser suite): `node tests/servers/remote-store.mjs PORT CONTROL_PORT`
//   serves the store on PORT and a control API on CONTROL_PORT: POST /stop, POST /start,
//   GET /stats, POST /reset; prints "ready" when both listen; exits on SIGTERM/SIGINT.
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { serve } from '@hono/node-server';
import { createApp } from '@humanwhocodes/upstash-redis-server';
import { Redis } from 'ioredis';
import { freePort, startRedisServer } from '../support/redis-server.mjs';

// createApp keeps its Redis client to itself; note every client that connects so that
// close() can disconnect it (otherwise it retries forever and the process never exits).
const redisClients = new Set();
const connect = Redis.prototype.connect;
Redis.prototype.connect = function (...args) {
  redisClients.add(this);
  return connect.apply(this, args);
};

export const TOKEN = 'stackquery-test-token';

export async function startRemoteStore({ port = 0 } = {}) {
  const redis = await startRedisServer();
  const upstash = createApp({ token: TOKEN, redisUrl: `redis://127.0.0.1:${redis.port}` });
  const stats = { requests: {}, total: 0 };
  const app = new Hono();
  app.use('*', cors({ origin: '*', allowHeaders: ['Authorization', 'Content-Type'], allowMethods: ['POST', 'OPTIONS'] }));
  app.use('*', async (c, next) => {
    if (c.req.method === 'POST') {
      const path = new URL(c.req.url).pathname;
      stats.requests[path] = (stats.requests[path] || 0) + 1;
      stats.total += 1;
    }
    await next();
  });
  app.route('/', upstash);
  const listenPort = port || (await freePort());
  let server = null;
  const store = {
    url: `http://127.0.0.1:${listenPort}`,
    token: TOKEN,
    stats,
    async start() {
      if (server) return;
      await new Promise((resolve) => {
        server = serve({ fetch: app.fetch, port: listenPort, hostname: '127.0.0.1' }, resolve);
      });
    },
    async stop() {
      if (!server) return;
      const s = server;
      server = null;
      s.closeAllConnections?.();
      await new Promise((resolve) => s.close(resolve));
    },
    /** One command straight to the REST API (to check what the store holds). */
    async command(parts) {
      const r = await fetch(store.url, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(parts) });
      return (await r.json()).result;
    },
    resetStats() {
      for (const k of Object.keys(stats.requests)) delete stats.requests[k];
      stats.total = 0;
    },
    async close() {
      await store.stop();
      for (const client of redisClients) client.disconnect();
      redisClients.clear();
      await redis.stop();
    },
  };
  await store.start();
  return store;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [port, controlPort] = process.argv.slice(2).map(Number);
  const store = await startRemoteStore({ port });
  const control = new Hono();
  control.use('*', cors({ origin: '*' }));
  control.post('/stop', async (c) => { await store.stop(); return c.json({ ok: true }); });
  control.post('/start', async (c) => { await store.start(); return c.json({ ok: true }); });
  control.post('/reset', (c) => { store.resetStats(); return c.json({ ok: true }); });
  control.get('/stats', (c) => c.json(store.stats));
  const controlServer = serve({ fetch: control.fetch, port: controlPort, hostname: '127.0.0.1' });
  const shutdown = async () => {
    controlServer.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  console.log(`ready ${store.url} control http://127.0.0.1:${controlPort}`);
}
