// The host matrix, Parcel 2: apps/vanilla built the way Parcel's docs start a web app —
// parcel as the only dev dependency, no .parcelrc and no config, `parcel build index.html`
// (its `<script type="module" src="./src/main.js">` is the entry). Then in Chromium: the
// API's answer renders, and after a reload with the API down it renders from IndexedDB.
//
// For scale, the same query with @tanstack/query-core alone (apps/tanstack-vanilla, no
// persistence) is built the same way from a folder beside it (`parcel build
// tanstack/index.html --dist-dir dist-tanstack`: Parcel's default dist/ is the project's).
// Both sizes (the JS files the built index.html loads) are reported as
// `size: <host> build|tanstack <N> B gzip`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appsDir, checkBuilds, freshProject, installedVersion, sh } from './support.mjs';

/** `parcel build <entry>` in `app`: the dist folder and the JS files its index.html loads. */
async function parcel(t, app, label, entry, distDir = 'dist') {
  const { stdout, stderr } = await sh(t, app, 'parcel', ['build', entry, ...(distDir === 'dist' ? [] : ['--dist-dir', distDir])]);
  for (const line of `${stdout}\n${stderr}`.split('\n').filter((l) => /⚠|warn/i.test(l))) t.diagnostic(`${label}: ${line.trim()}`);
  const dist = join(app, distDir);
  const files = readdirSync(dist, { recursive: true }).map(String).sort();
  t.diagnostic(`${label}: ${distDir}/ ${files.join(', ')}`);
  assert.deepEqual(files.filter((f) => !/\.(html|js|map)$/.test(f)), [], `${label}: ${distDir}/ holds the page and its scripts (no .wasm or other asset to serve)`);
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]*\ssrc="?\/?([^"\s>]+)"?/g)].map((m) => m[1]);
  assert.ok(scripts.length > 0, `${label}: the built index.html loads a script`);
  return { dist, scripts: scripts.map((s) => join(dist, s)) };
}

test('Parcel 2 with no configuration builds apps/vanilla', { timeout: 600_000 }, async (t) => {
  await t.test('parcel build index.html', { timeout: 300_000 }, async (t) => {
    const app = await freshProject(t, 'parcel', {
      devDependencies: { parcel: '^2' },
      dependencies: { '@tanstack/query-core': '^5' },
      scripts: { build: 'parcel build index.html' },
      copy: 'vanilla',
    });
    cpSync(join(appsDir, 'tanstack-vanilla'), join(app, 'tanstack'), { recursive: true });
    const host = `parcel ${installedVersion(app, 'parcel')}`;

    const built = await parcel(t, app, host, 'index.html');
    const tanstack = await parcel(t, app, `${host} (tanstack)`, 'tanstack/index.html', 'dist-tanstack');
    await checkBuilds(t, host, {
      dist: built.dist, scripts: built.scripts, tanstackDist: tanstack.dist, tanstackScripts: tanstack.scripts,
      tanstackVersion: installedVersion(app, '@tanstack/query-core'),
    });
  });
});
