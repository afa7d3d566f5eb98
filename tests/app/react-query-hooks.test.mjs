// stackquery/react's query hooks (useQuery's throwOnError and tracked results, the suspense
// hooks, useInfiniteQuery, useQueries, the prefetch hooks, QueryErrorResetBoundary) in
// Chromium under React's development build and <StrictMode>: the scenarios of
// tests/app/hooks/query_hooks.jsx (run by tests/app/hooks/in_chromium.mjs), each one subtest.
// The API counts requests per path, which the page reads (`/api/count?path=…`) to tell how
// many fetches reached the server. Needs pkg/ built (or $STACKQUERY_PKG).
import { join } from 'node:path';
import { delayOf, reportScenarios, scenariosInChromium } from './hooks/in_chromium.mjs';

const counts = new Map();
const run = await scenariosInChromium({
  app: join(import.meta.dirname, 'hooks/query_hooks.jsx'),
  port: 38605,
  title: 'query hooks',
  api: async (path, req, res) => {
    if (path === '/api/count') {
      const of = new URL(req.url, 'http://x').searchParams.get('path');
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: counts.get(of) ?? 0 }));
    }
    const item = path.match(/^\/api\/(item|page)\/(-?\d+)$/);
    if (!item) return false;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    await delayOf(req);
    const n = Number(item[2]);
    const body = item[1] === 'item' ? { id: n } : { page: n, items: [n * 10, n * 10 + 1] };
    return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  },
});
reportScenarios('react query hooks', run);
