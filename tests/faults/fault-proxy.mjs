// A misbehaving HTTP proxy in front of a real Upstash-Redis-REST store
// (tests/servers/remote-store.mjs), for the storage fault matrix.
//
// Every request is classified by the Redis commands it carries: a single command
// (`POST /`) by its name (GET, SCAN, …), a pipeline (`POST /pipeline`) by each of its
// commands (SET, DEL, …). A mode can be set per command kind; a request is faulted when
// any command it carries has a mode other than 'ok'. Modes:
//   ok        forwarded as is
//   reset     the connection is destroyed without an answer (fetch rejects)
//   http500   answered `500 Internal Server Error` (text body), not forwarded
//   hang      never answered (the socket is kept open until heal/close)
//   garbage   forwarded, then the reply body is cut short: not JSON
//   shape     forwarded, then the reply is valid JSON of the wrong shape:
//             `{"result":{"not":"a string"}}` for a single command (for an MGET, one
//             such value per key), `{"result":"OK"}` (not an array) for a pipeline
//   short     not forwarded: a pipeline is answered with an empty array (fewer replies
//             than commands: nothing says the commands ran)
//   late      the first such request is held (the mode then goes back to 'ok'); on
//             releaseLate() it is forwarded after all, and answered if its client still
//             listens: a request stuck in the network that reaches the store late
//   oom       not forwarded: the store's out-of-memory error, as Redis words it
//             (single command: HTTP 400 `{"error":…}`; pipeline: HTTP 200, one
//             `{"error":…}` per command)
//
// As a module: `const proxy = await startFaultProxy({ upstream, port })` →
//   { url, setModes({ GET: 'hang', … }), heal(), releaseLate(), stats, close() }.
// As a program: `node tests/faults/fault-proxy.mjs PORT UPSTREAM_URL` prints "ready", and
//   takes `POST /__faults/modes` (JSON object of kind → mode), `POST /__faults/heal`,
//   `POST /__faults/release-late`, `GET /__faults/stats`.
import { createServer } from 'node:http';

export const MODES = ['ok', 'reset', 'http500', 'hang', 'late', 'garbage', 'shape', 'short', 'oom'];
export const OOM_MESSAGE = "OOM command not allowed when used memory > 'maxmemory'.";

const readBody = (req) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

/** The command kinds a request carries, upper-cased (['GET'], ['SET', 'DEL'], …). */
export function commandKinds(path, body) {
  let parsed;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const commands = path === '/pipeline' ? parsed : [parsed];
  return [...new Set(commands.filter(Array.isArray).map((c) => String(c[0]).toUpperCase()))];
}

export async function startFaultProxy({ upstream, port = 0, host = '127.0.0.1' }) {
  const modes = {};
  const held = new Set(); // hung responses
  const late = []; // held requests to forward on releaseLate()
  const stats = { forwarded: 0, faulted: {} };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const body = await readBody(req).catch(() => '');
    if (url.pathname.startsWith('/__faults/')) return control(url.pathname, req.method, body, res);
    const kinds = commandKinds(url.pathname, body);
    const mode = kinds.map((k) => modes[k] || 'ok').find((m) => m !== 'ok') || 'ok';
    if (mode !== 'ok') {
      const tag = `${kinds.join('+')}:${mode}`;
      stats.faulted[tag] = (stats.faulted[tag] || 0) + 1;
    }
    switch (mode) {
      case 'reset':
        return req.socket.destroy();
      case 'http500':
        return res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      case 'hang':
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      case 'late':
        for (const k of kinds) if (modes[k] === 'late') delete modes[k];
        late.push({ path: url.pathname, method: req.method, authorization: req.headers.authorization, body, res });
        return;
      case 'oom': {
        if (url.pathname === '/pipeline') {
          const n = JSON.parse(body).length;
          return json(res, 200, Array.from({ length: n }, () => ({ error: OOM_MESSAGE })));
        }
        return json(res, 400, { error: OOM_MESSAGE });
      }
      case 'short':
        return json(res, 200, []);
    }
    let reply, text;
    try {
      ({ reply, text } = await forward(url.pathname, req.method, req.headers.authorization, body));
    } catch (e) {
      return res.writeHead(502, { 'content-type': 'text/plain' }).end(`upstream unreachable: ${e.message}`);
    }
    switch (mode) {
      case 'garbage':
        return res.writeHead(200, { 'content-type': 'application/json' }).end(text.slice(0, Math.max(1, text.length >> 1)) + '\u0000');
      case 'shape': {
        if (url.pathname === '/pipeline') return json(res, 200, { result: 'OK' });
        // A batched read (MGET): one value of the wrong shape per key, as a GET gets one.
        const parts = JSON.parse(body);
        const many = String(parts[0]).toUpperCase() === 'MGET';
        return json(res, 200, { result: many ? parts.slice(1).map(() => ({ not: 'a string' })) : { not: 'a string' } });
      }
      default:
        return res.writeHead(reply.status, { 'content-type': reply.headers.get('content-type') || 'application/json' }).end(text);
    }
  });

  async function forward(path, method, authorization, body) {
    const reply = await fetch(upstream + path, {
      method,
      headers: { authorization: authorization || '', 'content-type': 'application/json' },
      body: method === 'POST' ? body : undefined,
    });
    stats.forwarded += 1;
    return { reply, text: await reply.text() };
  }

  /** Forwards the requests held by 'late', in the order they came; answers them if still listened to. */
  async function releaseLate() {
    const requests = late.splice(0);
    for (const r of requests) {
      try {
        const { reply, text } = await forward(r.path, r.method, r.authorization, r.body);
        if (!r.res.destroyed && !r.res.writableEnded) r.res.writeHead(reply.status, { 'content-type': 'application/json' }).end(text);
      } catch {
        r.res.socket?.destroy();
      }
    }
    return { completed: requests.length };
  }

  function json(res, status, value) {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  }

  function setModes(next) {
    for (const [kind, mode] of Object.entries(next)) {
      if (!MODES.includes(mode)) throw new Error(`fault-proxy: unknown mode ${mode}`);
      modes[kind.toUpperCase()] = mode;
    }
  }

  /** Back to forwarding everything; hung requests are dropped (their sockets closed).
   *  Requests held by 'late' stay held until releaseLate(). */
  function heal() {
    for (const k of Object.keys(modes)) delete modes[k];
    for (const res of held) res.socket?.destroy();
    held.clear();
  }

  function control(path, method, body, res) {
    try {
      if (path === '/__faults/modes' && method === 'POST') setModes(JSON.parse(body || '{}'));
      else if (path === '/__faults/heal' && method === 'POST') heal();
      else if (path === '/__faults/release-late' && method === 'POST') return releaseLate().then((r) => json(res, 200, r));
      else if (path !== '/__faults/stats') return json(res, 404, { error: 'unknown control path' });
      return json(res, 200, { modes, held: held.size, ...stats });
    } catch (e) {
      return json(res, 400, { error: e.message });
    }
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    url: `http://${host}:${server.address().port}`,
    setModes,
    heal,
    releaseLate,
    stats,
    modes,
    async close() {
      heal();
      for (const r of late.splice(0)) r.res.socket?.destroy();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [port, upstream] = process.argv.slice(2);
  const proxy = await startFaultProxy({ upstream, port: Number(port) });
  const shutdown = async () => {
    await proxy.close();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  console.log(`ready ${proxy.url} → ${upstream}`);
}
