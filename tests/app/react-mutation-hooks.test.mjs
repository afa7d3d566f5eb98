// stackquery/react's mutation and state hooks (useMutation, useIsMutating, useIsFetching,
// useMutationState) and the provider's restore-before-render in Chromium under React's
// development build and <StrictMode>: the scenarios of tests/app/hooks/mutation_hooks.jsx
// (run by tests/app/hooks/in_chromium.mjs), each one subtest; and that the API saw every
// request the page made. Needs pkg/ built (or $STACKQUERY_PKG).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { itemApi, reportScenarios, scenariosInChromium } from './hooks/in_chromium.mjs';

let served = 0; // requests the API answered
const run = await scenariosInChromium({
  app: join(import.meta.dirname, 'hooks/mutation_hooks.jsx'),
  port: 38606,
  title: 'mutation hooks',
  api: itemApi(() => { served += 1; }),
  after: (page) => page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/')).length),
});
reportScenarios('react mutation hooks', run);

test('react mutation hooks: the API saw every request the page made', () => {
  assert.equal(served, run.after);
});
