// stackquery/react's HydrationBoundary in Chromium under React's development build and
// <StrictMode>: the scenarios of tests/app/hydration/app.jsx (run by
// tests/app/hooks/in_chromium.mjs), each one subtest. Needs pkg/ built (or $STACKQUERY_PKG).
// (Next.js's server components streaming into it: matrix/next.test.mjs.)
import { join } from 'node:path';
import { itemApi, reportScenarios, scenariosInChromium } from './hooks/in_chromium.mjs';

const run = await scenariosInChromium({
  app: join(import.meta.dirname, 'hydration/app.jsx'),
  port: 38611,
  title: 'hydration',
  timeout: 60_000,
  api: itemApi(),
});
reportScenarios('HydrationBoundary', run);
