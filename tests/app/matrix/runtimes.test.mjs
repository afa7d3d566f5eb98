// The host matrix, server runtimes: a fresh project per runtime installing the packed
// package, no configuration beyond what the runtime's own docs start a project with.
//   - Node, ES module: a "type": "module" project, `import { QueryClient } from 'stackquery'`
//     (apps/server-script/import.js as main.js), `node main.js`;
//   - Node, CommonJS: a project with no "type", `require('stackquery')`
//     (apps/server-script/require.cjs as main.js), `node main.js`;
//   - Deno 2 (the repository's devDependency): `deno run -A main.js` in a project with a
//     package.json, where Deno resolves 'stackquery' from node_modules; and the same script
//     with the `npm:stackquery` specifier. With a package.json Deno reads npm packages from
//     node_modules only (it would say "Could not find a matching package … in the
//     node_modules directory" rather than download); its registry is also pointed at a
//     closed port, so neither run can reach the npm registry;
//   - Cloudflare Workers through wrangler (the `wrangler` npm package), importing
//     `stackquery` and, in a second project, `stackquery/l1` (the build without L2): a worker project
//     (wrangler.jsonc, `main: "src/index.js"`, a module-scope QueryClient as users write
//     it) under `wrangler dev` on 127.0.0.1, offline (no login; no metrics, no Request.cf
//     download); two requests, the second answered from the isolate's cache. Then
//     `wrangler deploy --dry-run` reports the upload size. (npm installs the newest 4.x
//     whose engines accept the running Node: on Node 20 that is 4.86.0, later ones need
//     Node ≥ 22.12.)
// Each script fetches a query from a local greeting API, fetches it again (answered by the
// cache: the API is called once) and reads it with getQueryData.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkScriptOutput, serverScript } from './server-script.mjs';
import { freePort, freshProject, greetingApi, installedVersion, serveApp, sh, startProcess } from './support.mjs';

const deno = resolve(import.meta.dirname, '../../../node_modules/.bin/deno');

/**
 * Runs `command args… <URL of the greeting API>` in `app` and checks the script's output.
 * (The API's server also serves the project's files; the scripts only call /api/greeting.)
 */
async function runScript(t, app, label, command, args, { env, entry: expected }) {
  const api = greetingApi();
  const { base } = await serveApp(t, app, api);
  const { stdout } = await sh(t, app, command, [...args, `${base}/api/greeting`], { timeout: 30_000, env });
  const entry = checkScriptOutput(stdout, api, app, { entry: expected });
  t.diagnostic(`${label}: 'stackquery' → ${entry}`);
}

// The user's worker: one QueryClient per isolate, at module scope, as TanStack's docs make one.
const WORKER = `import { QueryClient } from 'stackquery';

const client = new QueryClient({ staleTime: 60_000 });

export default {
  async fetch(request, env) {
    const queryKey = ['greeting'];
    const data = await client.fetchQuery({
      queryKey,
      queryFn: async () => {
        const r = await fetch(env.UPSTREAM);
        if (!r.ok) throw new Error(\`HTTP \${r.status}\`);
        return r.json();
      },
    });
    return Response.json({ data, cached: client.getQueryData(queryKey), runtime: client.runtime });
  },
};
`;

// wrangler, offline and quiet: no metrics, no update check (the banner's), no download of the
// Request.cf object from workers.cloudflare.com, its config and logs inside the project.
const wranglerEnv = (app) => ({
  CI: '1', WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true', CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  XDG_CONFIG_HOME: join(app, '.config'), NO_COLOR: '1',
});

test('stackquery in fresh projects on server runtimes, no configuration', { concurrency: true, timeout: 600_000 }, async (t) => {
  await Promise.all([
    t.test(`Node ${process.version}, ES module: import { QueryClient } from 'stackquery'`, async (t) => {
      const app = await freshProject(t, 'node-esm', { files: { 'main.js': serverScript('import.js') } });
      await runScript(t, app, 'node (ESM)', process.execPath, ['main.js'], { entry: 'web/stackquery.js' });
    }),

    t.test(`Node ${process.version}, CommonJS: require('stackquery') in a project with no "type"`, async (t) => {
      const app = await freshProject(t, 'node-cjs', { type: null, files: { 'main.js': serverScript('require.cjs') } });
      await runScript(t, app, 'node (CJS)', process.execPath, ['main.js'], { entry: 'nodejs/stackquery.js' });
    }),

    t.test('Deno 2: deno run -A main.js in a project with package.json', async (t) => {
      const app = await freshProject(t, 'deno', {
        files: {
          'main.js': serverScript('import.js'),
          'npm-specifier.js': serverScript('import.js').replaceAll("'stackquery'", "'npm:stackquery'"),
        },
      });
      const env = { DENO_DIR: join(app, '.deno'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1', NPM_CONFIG_REGISTRY: `http://127.0.0.1:${await freePort()}/` };
      const version = (await sh(t, app, deno, ['--version'], { env })).stdout.split('\n')[0];
      assert.match(version, /^deno 2\./);
      await t.test(`${version}: import … from 'stackquery' (node_modules)`, (t) =>
        runScript(t, app, 'deno main.js', deno, ['run', '-A', 'main.js'], { env, entry: 'web/stackquery.js' }));
      await t.test(`${version}: import … from 'npm:stackquery'`, (t) =>
        runScript(t, app, 'deno npm-specifier.js', deno, ['run', '-A', 'npm-specifier.js'], { env, entry: 'web/stackquery.js' }));
    }),

    ...[['stackquery', 'wrangler'], ['stackquery/l1', 'wrangler-l1']].map(([entry, name]) => t.test(`Cloudflare Workers: wrangler dev, import … from '${entry}'`, { timeout: 100_000 }, async (t) => {
      const app = await freshProject(t, name, {
        devDependencies: { wrangler: '^4' },
        scripts: { dev: 'wrangler dev', deploy: 'wrangler deploy' },
        files: { 'src/index.js': WORKER.replace("from 'stackquery'", `from '${entry}'`) },
      });
      const api = greetingApi();
      const { base: upstream } = await serveApp(t, app, api);
      writeFileSync(join(app, 'wrangler.jsonc'), `{
  "$schema": "node_modules/wrangler/config-schema.json",
  "name": "stackquery-worker",
  "main": "src/index.js",
  "compatibility_date": "2026-04-01",
  "vars": { "UPSTREAM": "${upstream}/api/greeting" }
}
`);
      const env = wranglerEnv(app);
      const host = `wrangler ${installedVersion(app, 'wrangler')} (${entry})`;
      const port = await freePort();
      const started = Date.now();
      const dev = await startProcess(t, app, 'wrangler',
        ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(await freePort())],
        /Ready on http/, { env });
      t.diagnostic(`${host} dev: ready in ${Date.now() - started} ms`);
      try {
        const get = async () => {
          const response = await fetch(`http://127.0.0.1:${port}/`);
          const body = await response.text();
          assert.equal(response.status, 200, `the worker answered ${response.status}:\n${body}\nwrangler dev output:\n${dev.output()}`);
          return JSON.parse(body);
        };
        const greeting = { message: 'hello from the API', served: 1 };
        assert.deepEqual(await get(), { data: greeting, cached: greeting, runtime: 'edge' }, 'the worker answers the API\'s data');
        assert.deepEqual(await get(), { data: greeting, cached: greeting, runtime: 'edge' }, 'the second request too');
        assert.equal(api.served, 1, 'the second request was answered from the isolate\'s cache');
        assert.doesNotMatch(dev.output(), /\berror\b|ENOTFOUND|EAI_AGAIN/i, 'wrangler dev logged no error and tried no network');
      } finally {
        await dev.stop();
        if (dev.child.exitCode === null && dev.child.signalCode === null) await once(dev.child, 'exit');
      }

      // What `wrangler deploy` would upload, without uploading.
      const { stdout, stderr } = await sh(t, app, 'wrangler', ['deploy', '--dry-run', '--outdir', 'dist'], { env, timeout: 60_000 });
      const upload = `${stdout}\n${stderr}`.match(/Total Upload: .*/)?.[0];
      assert.ok(upload, `wrangler deploy --dry-run reports the upload size:\n${stdout}\n${stderr}`);
      t.diagnostic(`${host} deploy --dry-run: ${upload} (${readdirSync(join(app, 'dist')).filter((f) => !f.endsWith('.map')).sort().join(', ')})`);
    })),
  ]);
});
