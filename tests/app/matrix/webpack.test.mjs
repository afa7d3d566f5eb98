// The host matrix, webpack 5: apps/vanilla built the way webpack's "Getting Started" guide
// starts a project — a package.json with no "type" (as the guide shows it; npm 11's
// `npm init -y` writes "type": "commonjs", and then webpack parses src/index.js as
// CommonJS and refuses its `import`, with or without stackquery), webpack + webpack-cli,
// the entry in src/index.js, a dist/index.html the user writes loading main.js, and
// `webpack` with no webpack.config.js (mode production, ./src/index.js → dist/main.js).
// Then in Chromium: the API's answer renders, and after a reload with the API down it
// renders from IndexedDB.
//
// Two versions: 5.99.x (before webpack turned on experiments.asyncWebAssembly by itself —
// an engine shipped as a .wasm import failed there with "You need to enable
// experiments.asyncWebAssembly") and the latest 5.x. For scale, the same query with
// @tanstack/query-core alone (apps/tanstack-vanilla, no persistence) is built the same way
// in a folder beside it; both sizes are reported as `size: <host> build|tanstack <N> B gzip`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { appSource, checkBuilds, freshProject, installedVersion, sh, userPage } from './support.mjs';

/**
 * `webpack` in `cwd` (the app, or its tanstack/ folder) with its defaults: dist/ holds the
 * user's index.html and what webpack wrote. Webpack's warnings go to the diagnostics, but
 * for the one every config-less build gets ("The 'mode' option has not been set").
 */
async function webpack(t, cwd, bin, label) {
  const { stdout, stderr } = await sh(t, cwd, bin, []);
  const warnings = `${stdout}\n${stderr}`.split(/\n\s*\n/).filter((b) => /^WARNING/.test(b.trim()) && !/'mode' option has not been set/.test(b));
  for (const w of warnings) t.diagnostic(`${label}: ${w.trim().replace(/\s*\n\s*/g, ' / ')}`);
  const files = readdirSync(join(cwd, 'dist'), { recursive: true }).map(String).sort();
  assert.deepEqual(files.filter((f) => !/^main\.js\.LICENSE\.txt$/.test(f)), ['index.html', 'main.js'],
    `${label}: dist/ holds index.html and main.js (no .wasm or other asset to serve)`);
  return join(cwd, 'dist');
}

async function buildAndCheck(t, label, devDependencies) {
  const app = await freshProject(t, label.replace(/\W+/g, '-'), {
    type: null,
    devDependencies,
    dependencies: { '@tanstack/query-core': '^5' },
    scripts: { build: 'webpack' },
    files: {
      'src/index.js': appSource('vanilla'),
      'dist/index.html': userPage('stackquery', { module: false }),
      'tanstack/src/index.js': appSource('tanstack-vanilla'),
      'tanstack/dist/index.html': userPage('tanstack', { module: false }),
    },
  });
  const host = `webpack ${installedVersion(app, 'webpack')}`;

  const dist = await webpack(t, app, 'webpack', host);
  const tanstackDist = await webpack(t, join(app, 'tanstack'), '../node_modules/.bin/webpack', `${host} (tanstack)`);
  await checkBuilds(t, host, { dist, tanstackDist, tanstackVersion: installedVersion(app, '@tanstack/query-core') });
}

test('webpack 5 with no configuration builds apps/vanilla', { timeout: 600_000 }, async (t) => {
  await t.test('webpack 5.99.x + webpack-cli 6 (before automatic asyncWebAssembly)', { timeout: 300_000 }, (t) =>
    buildAndCheck(t, 'webpack 5.99', { webpack: '~5.99.0', 'webpack-cli': '^6.0.0' }));
  await t.test('webpack latest 5.x + webpack-cli latest', { timeout: 300_000 }, (t) =>
    buildAndCheck(t, 'webpack 5', { webpack: '^5', 'webpack-cli': 'latest' }));
});
