// The host matrix, esbuild: apps/vanilla bundled with the flags every esbuild user passes
// and nothing else — `esbuild src/main.js --bundle --outfile=dist/main.js` (esbuild's
// default format for the browser: an iife, which refuses a top-level await) and the same
// with `--format=esm` — no loader, plugin or other option. (An engine shipped as a .wasm
// import failed here with `No loader is configured for ".wasm" files`.) The user's
// index.html beside the output loads it (a classic script for the iife, a module script
// for ESM). Then in Chromium: the API's answer renders, and after a reload with the API
// down it renders from IndexedDB.
//
// For scale, the same query with @tanstack/query-core alone (apps/tanstack-vanilla, no
// persistence) is bundled with the same command in a folder beside it; both sizes are
// reported as `size: <host> build|tanstack <N> B gzip`. So is the query on `stackquery/l1`,
// the build without L2 (apps/l1-vanilla): it must render, and its size is `size: <host> l1`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { appSource, checkBuilds, checkInChromium, freshProject, greetingApi, gzipBytes, installedVersion, serveApp, sh, userPage } from './support.mjs';

const FORMATS = [
  { name: 'iife', label: 'default format (iife)', flags: [], out: 'dist' },
  { name: 'esm', label: '--format=esm', flags: ['--format=esm'], out: 'dist-esm' },
];

/**
 * `esbuild src/main.js --bundle [flags] --outfile=<out>/main.js` in `cwd`: `out` holds the
 * user's index.html and main.js only. esbuild's warnings go to the diagnostics.
 */
async function esbuild(t, cwd, bin, flags, out, label) {
  const { stderr } = await sh(t, cwd, bin, ['src/main.js', '--bundle', ...flags, `--outfile=${out}/main.js`]);
  for (const w of stderr.split(/\n\s*\n/).filter((b) => /\[WARNING\]/.test(b))) t.diagnostic(`${label}: ${w.trim().replace(/\s*\n\s*/g, ' / ')}`);
  const files = readdirSync(join(cwd, out), { recursive: true }).map(String).sort();
  assert.deepEqual(files, ['index.html', 'main.js'], `${label}: ${out}/ holds index.html and main.js (no .wasm or other asset to serve)`);
  return join(cwd, out);
}

test('esbuild with no configuration bundles apps/vanilla', { timeout: 600_000 }, async (t) => {
  const files = {
    'src/main.js': appSource('vanilla'),
    'tanstack/src/main.js': appSource('tanstack-vanilla'),
    'l1/src/main.js': appSource('l1-vanilla'),
  };
  for (const f of FORMATS) {
    files[`${f.out}/index.html`] = userPage('stackquery', { module: f.name === 'esm' });
    files[`tanstack/${f.out}/index.html`] = userPage('tanstack', { module: f.name === 'esm' });
    files[`l1/${f.out}/index.html`] = userPage('stackquery/l1', { module: f.name === 'esm' });
  }
  const app = await freshProject(t, 'esbuild', {
    devDependencies: { esbuild: 'latest' },
    dependencies: { '@tanstack/query-core': '^5' },
    files,
  });
  const version = installedVersion(app, 'esbuild');

  for (const f of FORMATS) {
    await t.test(`esbuild ${version} --bundle, ${f.label}`, { timeout: 60_000 }, async (t) => {
      const host = `esbuild ${f.name}`;
      const dist = await esbuild(t, app, 'esbuild', f.flags, f.out, host);
      const tanstackDist = await esbuild(t, join(app, 'tanstack'), '../node_modules/.bin/esbuild', f.flags, f.out, `${host} (tanstack)`);
      await checkBuilds(t, host, { dist, tanstackDist, tanstackVersion: installedVersion(app, '@tanstack/query-core') });
      const l1Dist = await esbuild(t, join(app, 'l1'), '../node_modules/.bin/esbuild', f.flags, f.out, `${host} (l1)`);
      t.diagnostic(`size: ${host} l1 ${gzipBytes([join(l1Dist, 'main.js')])} B gzip (stackquery/l1)`);
      const served = await serveApp(t, l1Dist, greetingApi());
      await checkInChromium(t, `${served.base}/`, { expected: 'stackquery l1: hello from the API' });
    });
  }
});
