// Debian's redis-server for tests: on a free port of 127.0.0.1, no persistence (`--save ''`,
// no AOF), its working files in a temp dir; `stop()` ends it and removes the dir.
// Used by tests/servers/remote-store.mjs (behind the REST protocol) and by the Redis
// adapter's tests over TCP.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port of 127.0.0.1 free right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts redis-server; resolves once it accepts connections: `{ port, proc, stop() }`. */
export async function startRedisServer() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'stackquery-redis-'));
  const proc = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start within 10 s')), 10_000);
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    proc.stdout.on('data', (chunk) => {
      if (String(chunk).includes('Ready to accept connections')) { clearTimeout(timer); resolve(); }
    });
  });
  return {
    port,
    proc,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((resolve) => proc.on('exit', resolve));
        proc.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
