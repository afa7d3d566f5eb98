// Shared by bun.test.mjs and runtimes.test.mjs: apps/server-script run by a server runtime
// against the greeting API, and what its output must show.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appsDir } from './support.mjs';

/** apps/server-script's import.js or require.cjs, as text. */
export const serverScript = (name) => readFileSync(join(appsDir, 'server-script', name), 'utf8');

/**
 * Checks the JSON line the script printed (its last line of `stdout`): both fetchQuery
 * calls and getQueryData gave the API's answer, the API was called once, and the client
 * runs in `runtime` mode; and 'stackquery' resolved to `entry` (a path in the installed
 * package: the exports map's choice for this runtime and module system). Returns it.
 */
export function checkScriptOutput(stdout, api, app, { runtime = 'server', entry: expectedEntry } = {}) {
  const line = stdout.trim().split('\n').at(-1);
  let result;
  try {
    result = JSON.parse(line);
  } catch {
    assert.fail(`the script printed no JSON line:\n${stdout}`);
  }
  const greeting = { message: 'hello from the API', served: 1 };
  assert.deepEqual(result.first, greeting, 'fetchQuery resolves with the API\'s answer');
  assert.deepEqual(result.again, greeting, 'the second fetchQuery resolves from the cache');
  assert.deepEqual(result.cached, greeting, 'getQueryData reads the cached answer');
  assert.equal(result.runtime, runtime, 'the client\'s runtime mode');
  assert.equal(api.served, 1, 'the API was called once');
  const entry = relative(join(app, 'node_modules/stackquery'), result.entry.startsWith('file:') ? fileURLToPath(result.entry) : result.entry);
  assert.equal(entry, expectedEntry, '\'stackquery\' resolved to the entry the exports map names for this runtime');
  return entry;
}
