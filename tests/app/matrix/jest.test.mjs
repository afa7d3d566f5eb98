// The host matrix, Jest: the test runner most React apps use, in its browser environment
// (jest-environment-jsdom, `"testEnvironment": "jsdom"` as its docs set it up) and with its
// defaults otherwise — CommonJS, no transform of node_modules. apps/jest/greeting.spec.js
// requires 'stackquery' and 'stackquery/react' (their CommonJS entries), caches a query,
// and renders a useQuery component with react-dom in jsdom.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshProject, installedVersion, sh } from './support.mjs';

test('Jest with jsdom and no transform of node_modules runs a stackquery + React test', { timeout: 600_000 }, async (t) => {
  const app = await freshProject(t, 'jest', {
    type: null,
    dependencies: { react: '^19', 'react-dom': '^19' },
    devDependencies: { jest: '^30', 'jest-environment-jsdom': '^30' },
    scripts: { test: 'jest' },
    fields: { jest: { testEnvironment: 'jsdom' } },
    copy: 'jest',
  });
  const { stdout, stderr } = await sh(t, app, 'jest', ['--ci'], { timeout: 120_000 });
  const output = `${stdout}\n${stderr}`;
  assert.match(output, /Tests:\s+3 passed, 3 total/, output);
  t.diagnostic(`jest ${installedVersion(app, 'jest')} (jsdom): 3 tests passed`);
});
