// Runs tests/remote.rs in headless Chromium against a real Redis behind the Upstash REST
// protocol: starts the repository's test store, builds the suite with its URL and token,
// stops the store, exits with cargo's status. `node examples/todo-app/tests/run-remote.mjs`.
//
// Around it, the JS package (pkg/, built by scripts/build-package.sh) shares entries with the
// Rust face through that Redis: before, it writes a query the Rust suite must read without
// fetching; after, it must read the query the Rust suite wrote, without fetching either.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { startRemoteStore } from '../../../tests/servers/remote-store.mjs';

const pkg = new URL('../../../pkg/nodejs/stackquery.js', import.meta.url);
const { QueryClient, RemoteStorage } = await import(pkg.href);
const store = await startRemoteStore();
const jsClient = () =>
  new QueryClient({ storage: new RemoteStorage({ url: store.url, token: store.token }), keyPrefix: 'shared' });

const fromJs = jsClient();
fromJs.setQueryData(['user', 42, { tab: 'profile', page: 1.5 }], { id: 42, name: 'from JS', tags: ['a', 'é'] });
await fromJs.flush();
fromJs.dispose();

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
let code = await new Promise((resolve) => cargo.on('exit', (c) => resolve(c ?? 1)));

if (code === 0) {
  const reader = jsClient();
  const fromRust = await reader
    .fetchQuery({
      queryKey: ['from-rust', 7, { z: 1, a: [true, null] }],
      queryFn: () => { throw new Error('not in Redis: the JS package fetched it'); },
      staleTime: Infinity,
      retry: false,
    })
    .catch((e) => e);
  reader.dispose();
  const expected = { id: 7, name: 'from Rust', tags: [] };
  if (isDeepStrictEqual(fromRust, expected)) {
    console.log('the JS package read the entry the Rust face wrote, without fetching: ok');
  } else {
    console.error('the JS package did not read the Rust face\'s entry:', fromRust);
    code = 1;
  }
}
await store.close();
process.exit(code);
