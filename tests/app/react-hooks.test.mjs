// stackquery/react's hooks in Chromium under React's development build and <StrictMode>:
// the scenarios of tests/app/hooks/app.jsx (run by tests/app/hooks/in_chromium.mjs), each one
// subtest. React's own warnings (console.error) fail the run. Needs pkg/ built (or
// $STACKQUERY_PKG).
import { join } from 'node:path';
import { itemApi, reportScenarios, scenariosInChromium } from './hooks/in_chromium.mjs';

const run = await scenariosInChromium({
  app: join(import.meta.dirname, 'hooks/app.jsx'),
  port: 38604,
  title: 'hooks',
  timeout: 60_000,
  api: itemApi(),
});
reportScenarios('react hooks', run);
