// What every React scenario page shares (tests/app/hooks/*.jsx, tests/app/hydration/app.jsx,
// bundled by esbuild and run in Chromium by tests/app/react-*.test.mjs through
// tests/app/hooks/in_chromium.mjs): waiting, asserting, mounting under <StrictMode> and a
// QueryClientProvider, and running the scenarios once the engine is loaded, each reporting
// { name, ok, detail } in `window.results`.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import init from 'stackquery/web';
import { QueryClientProvider } from 'stackquery/react';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns something truthy (returned), or throws after `timeout` ms. */
export async function waitFor(what, check, timeout = 8_000) {
  const end = performance.now() + timeout;
  for (;;) {
    const v = check();
    if (v) return v;
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/**
 * Renders `element` in a new root under <StrictMode> (double render, double effects) and a
 * QueryClientProvider with `provider`'s props (`client` at least), synchronously.
 */
export function mountUnder(element, provider, rootOptions) {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container, rootOptions);
  flushSync(() => root.render(<StrictMode><QueryClientProvider {...provider}>{element}</QueryClientProvider></StrictMode>));
  return { container, root, unmount: () => { flushSync(() => root.unmount()); container.remove(); } };
}

/**
 * Loads the engine, calls `setup()`, then runs each scenario in turn: `window.results` gets
 * `{ name, ok, detail }` for each. An unhandled rejection is a console error (which fails the
 * run) unless its reason is in `expectedRejections`, where a scenario put it.
 */
export function runScenarios(scenarios, { setup = () => {}, expectedRejections = new Set() } = {}) {
  window.addEventListener('unhandledrejection', (e) => {
    if (expectedRejections.has(e.reason)) {
      expectedRejections.delete(e.reason);
      e.preventDefault();
      return;
    }
    console.error(`unhandled rejection: ${e.reason}`);
  });
  (async () => {
    await init({ module_or_path: '/pkg/web/stackquery_bg.wasm' });
    await setup();
    const results = [];
    for (const [name, run] of Object.entries(scenarios)) {
      try {
        results.push({ name, ok: true, detail: String(await run()) });
      } catch (e) {
        results.push({ name, ok: false, detail: String(e?.stack ?? e) });
      }
    }
    window.results = results;
  })();
}
