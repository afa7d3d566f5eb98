// The host matrix, Bun (the `bun` npm package, whose binary comes from its optional
// dependency for this platform), in one fresh project:
//   - the bundler: `bun build ./src/main.js --target browser --outdir dist`, nothing else
//     (an engine shipped as a .wasm import failed here with `Import "__wbindgen_start" will
//     always be undefined`), the user's dist/index.html loading the output as a module;
//     in Chromium the API's answer renders, and after a reload with the API down it renders
//     from IndexedDB. For scale, apps/tanstack-vanilla (@tanstack/query-core alone, no
//     persistence) is built the same way beside it: `size: <host> build|tanstack <N> B gzip`;
//   - the runtime: `bun import.js` (`import { QueryClient } from 'stackquery'`) and
//     `bun require.cjs` (`require('stackquery')`), apps/server-script: a query from a local
//     HTTP API, the same query again (from the cache: the API answers once), getQueryData.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkScriptOutput, serverScript } from './server-script.mjs';
import { appSource, checkBuilds, freshProject, greetingApi, installedVersion, serveApp, sh, userPage } from './support.mjs';

/** `bun build ./src/main.js --target browser --outdir dist` in `cwd`: dist/ holds index.html and main.js. */
async function bunBuild(t, cwd, bin, label) {
  const { stdout, stderr } = await sh(t, cwd, bin, ['build', './src/main.js', '--target', 'browser', '--outdir', 'dist']);
  for (const w of `${stdout}\n${stderr}`.split('\n').filter((l) => /warn/i.test(l))) t.diagnostic(`${label}: ${w.trim()}`);
  const files = readdirSync(join(cwd, 'dist'), { recursive: true }).map(String).sort();
  assert.deepEqual(files, ['index.html', 'main.js'], `${label}: dist/ holds index.html and main.js (no .wasm or other asset to serve)`);
  return join(cwd, 'dist');
}

test('Bun with no configuration: bun build for the browser, and the Bun runtime', { timeout: 600_000 }, async (t) => {
  const app = await freshProject(t, 'bun', {
    devDependencies: { bun: 'latest' },
    dependencies: { '@tanstack/query-core': '^5' },
    files: {
      'src/main.js': appSource('vanilla'),
      'dist/index.html': userPage('stackquery'),
      'tanstack/src/main.js': appSource('tanstack-vanilla'),
      'tanstack/dist/index.html': userPage('tanstack'),
      'import.js': serverScript('import.js'),
      'require.cjs': serverScript('require.cjs'),
    },
  });
  const version = (await sh(t, app, 'bun', ['--version'])).stdout.trim();
  assert.equal(version, installedVersion(app, 'bun'), 'the bun binary is the npm package\'s');

  await t.test(`bun ${version} build --target browser`, { timeout: 60_000 }, async (t) => {
    const dist = await bunBuild(t, app, 'bun', 'bun build');
    const tanstackDist = await bunBuild(t, join(app, 'tanstack'), '../node_modules/.bin/bun', 'bun build (tanstack)');
    await checkBuilds(t, 'bun', { dist, tanstackDist, tanstackVersion: installedVersion(app, '@tanstack/query-core') });
  });

  for (const script of ['import.js', 'require.cjs']) {
    await t.test(`bun ${version} runtime: bun ${script}`, { timeout: 30_000 }, async (t) => {
      const api = greetingApi();
      const { base } = await serveApp(t, app, api);
      const { stdout } = await sh(t, app, 'bun', [script, `${base}/api/greeting`], { timeout: 20_000 });
      const entry = checkScriptOutput(stdout, api, app, { entry: script === 'import.js' ? 'web/stackquery.js' : 'nodejs/stackquery.js' });
      t.diagnostic(`bun ${script}: 'stackquery' → ${entry}`);
    });
  }
});
