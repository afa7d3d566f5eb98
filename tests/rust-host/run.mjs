// The Rust face's host in headless Chromium (IndexedDB, and RemoteStorage against the
// repository's real Redis behind the Upstash REST protocol plus a hanging server and a
// misbehaving one, all on 127.0.0.1 with CORS) and in Node: `node tests/rust-host/run.mjs`.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { startRemoteStore } from '../servers/remote-store.mjs';

const store = await startRemoteStore();
const cors = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type',
  'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
};
const listen = (handler) =>
  new Promise((resolve) => {
    const s = createServer(handler);
    s.listen(0, '127.0.0.1', () => resolve([s, `http://127.0.0.1:${s.address().port}`]));
  });
const [hang, hangUrl] = await listen(() => {}); // never answers, not even the preflight
const [junk, junkUrl] = await listen((req, res) => {
  if (req.method === 'OPTIONS') { res.writeHead(204, cors); res.end(); return; }
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const auth = req.headers.authorization || '';
    const token = auth.replace(/^Bearer /, '');
    const mode = req.url.split('/')[1];
    const send = (status, text) => { res.writeHead(status, { ...cors, 'Content-Type': 'application/json' }); res.end(text); };
    const echo = `bad ${auth} / ${token.toUpperCase()} / ${Buffer.from(auth).toString('base64')} / ${encodeURIComponent(token)} / ${'x'.repeat(185)}${token}`;
    switch (mode) {
      case 'notjson': return send(200, 'hello');
      case 'echo500': return send(500, JSON.stringify({ error: echo }));
      case 'echo400text': return send(400, echo);
      case 'echo200': return send(200, JSON.stringify({ error: echo }));
      case 'shortmget': return send(200, JSON.stringify({ result: [null] }));
      case 'scanloop': return send(200, JSON.stringify({ result: ['7', ['k1']] }));
      case 'scannumeric': {
        const cmd = JSON.parse(body);
        return send(200, JSON.stringify({ result: cmd[1] === '0' ? [12, ['a1', 'zz']] : [0, ['a2', 'a1']] }));
      }
      case 'pipeshort': return send(200, JSON.stringify([{ result: 'OK' }]));
      case 'pipeerror': return send(200, JSON.stringify([{ result: 'OK' }, { error: 'ERR nope' }]));
      case 'slowbody': {
        res.writeHead(200, { ...cors, 'Content-Type': 'application/json' });
        res.write('{"result":'); // and never finishes
        return;
      }
      default: return send(404, 'not here');
    }
  });
});
const [stats, statsUrl] = await listen((req, res) => {
  if (req.method === 'OPTIONS') { res.writeHead(204, cors); res.end(); return; }
  if (req.url === '/reset') store.resetStats();
  res.writeHead(200, { ...cors, 'Content-Type': 'application/json' });
  res.end(JSON.stringify(store.stats));
});

const cargo = spawn('cargo', ['test', '--target', 'wasm32-unknown-unknown', '--features', 'remote', ...process.argv.slice(2)], {
  cwd: fileURLToPath(new URL('.', import.meta.url)),
  stdio: 'inherit',
  env: {
    ...process.env,
    REMOTE_URL: store.url,
    REMOTE_TOKEN: store.token,
    HANG_URL: hangUrl,
    JUNK_URL: junkUrl,
    STATS_URL: statsUrl,
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER: 'wasm-bindgen-test-runner',
  },
});
const code = await new Promise((resolve) => cargo.on('exit', (c) => resolve(c ?? 1)));
hang.closeAllConnections?.(); hang.close(); junk.closeAllConnections?.(); junk.close(); stats.close();
await store.close();
process.exit(code);
