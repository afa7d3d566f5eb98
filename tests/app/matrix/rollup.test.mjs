// The host matrix, Rollup 4: apps/vanilla built with the least a Rollup user writes to use
// an npm package — a rollup.config.mjs with input, output dir + format es, and
// @rollup/plugin-node-resolve's nodeResolve() with no options (an engine shipped as a .wasm
// import failed there with "Unexpected character '\0'": Rollup parsed the binary as
// JavaScript). Also `nodeResolve({ browser: true })`, which browser apps often use. The
// index.html in dist/ is the user's, loading main.js as a module. Then in Chromium: the
// API's answer renders, and after a reload with the API down it renders from IndexedDB.
//
// For scale, the same query with @tanstack/query-core alone (apps/tanstack-vanilla, no
// persistence) is built with the same config in a folder beside it, plus the one plugin it
// needs that stackquery doesn't: @rollup/plugin-replace for query-core's
// `process.env.NODE_ENV` (without it the page throws "process is not defined"). Rollup's default
// output is not minified (neither is the tanstack build), so its sizes are bigger than a
// minifying host's. Reported as `size: <host> build|tanstack <N> B gzip`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { appSource, checkBuilds, freshProject, installedVersion, sh, userPage } from './support.mjs';

const config = (options = '') => `import { nodeResolve } from '@rollup/plugin-node-resolve';

export default {
  input: 'src/main.js',
  output: { dir: 'dist', format: 'es' },
  plugins: [nodeResolve(${options})],
};
`;

const tanstackConfig = (options = '') => `import { nodeResolve } from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';

export default {
  input: 'src/main.js',
  output: { dir: 'dist', format: 'es' },
  plugins: [nodeResolve(${options}), replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } })],
};
`;

/** `rollup -c` in `cwd`: the JS files it wrote to dist/ (nothing else but the user's page). */
async function rollup(t, cwd, bin, label) {
  const { stderr } = await sh(t, cwd, bin, ['-c']);
  for (const line of stderr.split('\n').filter((l) => /^\(!\)/.test(l))) t.diagnostic(`${label}: ${line}`);
  const files = readdirSync(join(cwd, 'dist'), { recursive: true }).map(String).sort();
  assert.deepEqual(files, ['index.html', 'main.js'], `${label}: dist/ holds index.html and main.js (no .wasm or other asset to serve)`);
  return join(cwd, 'dist');
}

/** One fresh project per resolve option: the app and its tanstack/ twin, built and opened. */
async function buildAndCheck(t, label, options) {
  const app = await freshProject(t, label.replace(/\W+/g, '-'), {
    devDependencies: { rollup: '^4', '@rollup/plugin-node-resolve': '^16', '@rollup/plugin-replace': '^6' },
    dependencies: { '@tanstack/query-core': '^5' },
    scripts: { build: 'rollup -c' },
    files: {
      'rollup.config.mjs': config(options),
      'dist/index.html': userPage('stackquery'),
      'tanstack/rollup.config.mjs': tanstackConfig(options),
      'tanstack/src/main.js': appSource('tanstack-vanilla'),
      'tanstack/dist/index.html': userPage('tanstack'),
    },
    copy: 'vanilla',
  });
  const host = `rollup ${installedVersion(app, 'rollup')}${options ? ` nodeResolve(${options})` : ''}`;

  const dist = await rollup(t, app, 'rollup', host);
  const tanstackDist = await rollup(t, join(app, 'tanstack'), '../node_modules/.bin/rollup', `${host} (tanstack)`);
  await checkBuilds(t, host, { dist, tanstackDist, tanstackVersion: installedVersion(app, '@tanstack/query-core') });
}

test('Rollup 4 with only @rollup/plugin-node-resolve builds apps/vanilla', { timeout: 600_000 }, async (t) => {
  await t.test('rollup 4 + nodeResolve()', { timeout: 300_000 }, (t) => buildAndCheck(t, 'rollup 4', ''));
  await t.test('rollup 4 + nodeResolve({ browser: true })', { timeout: 300_000 }, (t) =>
    buildAndCheck(t, 'rollup 4 browser', '{ browser: true }'));
});
