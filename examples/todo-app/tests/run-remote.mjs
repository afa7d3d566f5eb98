// Runs tests/remote.rs in headless Chromium against a real Redis behind the Upstash REST
// protocol: starts the repository's test store, builds the suite with its URL and token,
// stops the store, exits with cargo's status. `node examples/todo-app/tests/run-remote.mjs`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startRemoteStore } from '../../../tests/servers/remote-store.mjs';

const store = await startRemoteStore();
const cargo = spawn(
  'cargo',
  ['test', '--target', 'wasm32-unknown-unknown', '--features', 'remote-store-tests', '--test', 'remote'],
  {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: 'inherit',
    env: {
      ...process.env,
      STACKQUERY_REMOTE_URL: store.url,
      STACKQUERY_REMOTE_TOKEN: store.token,
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER: 'wasm-bindgen-test-runner',
    },
  },
);
const code = await new Promise((resolve) => cargo.on('exit', (c) => resolve(c ?? 1)));
await store.close();
process.exit(code);
