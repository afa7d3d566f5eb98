// What headless Chromium fires when a page is reloaded or closed (the ways tests/durability/
// data-loss.mjs ends its pages, and two more), and whether an IndexedDB write made inside each
// handler survives, with and without an explicit transaction.commit(). Events are reported with
// navigator.sendBeacon (made to outlive the page); the writes are counted from a fresh page.
// This file owns the probe and its table; the page is unload-probe.html.
//
// Run:  node tests/durability/unload-probe.mjs     (ROUNDS=n, default 3; needs nothing built)
// As a module: probeUnload({ rounds }) → result; probeTable(result) → Markdown.
import { resolve } from 'node:path';
import { launchChromium, serveFiles } from '../support/chromium.mjs';

const root = resolve(import.meta.dirname, '../..');

/** How each scenario ends a ready page; `popup` pages were opened by window.open (so may close themselves). */
export const SCENARIOS = {
  'location.reload()': { end: (page) => page.evaluate(() => setTimeout(() => location.reload(), 0)), reloads: true },
  'page.reload()': { end: (page) => page.reload(), reloads: true },
  'page.close()': { end: (page) => page.close() },
  'page.close({ runBeforeUnload: true })': { end: (page) => page.close({ runBeforeUnload: true }) },
  'window.close() (page opened by window.open)': { popup: true, end: (page) => page.evaluate(() => window.closeSelf()) },
  'navigation to another page (page.goto)': { end: (page, base) => page.goto(`${base}/tests/durability/unload-probe.html?run=elsewhere&mode=read`) },
};

export async function probeUnload({ rounds = 3 } = {}) {
  const beacons = [];
  const { server, base } = await serveFiles(root, {
    route: (path, req, res) => {
      if (path !== '/__probe') return false;
      let body = '';
      req.on('data', (c) => { body += c; }).on('end', () => { beacons.push(JSON.parse(body)); res.writeHead(204).end(); });
      return true;
    },
  });
  server.unref();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const page = (query) => `${base}/tests/durability/unload-probe.html?${new URLSearchParams(query)}`;
    const home = await context.newPage();
    await home.goto(page({ mode: 'read' }));
    const runs = [];
    for (let round = 0; round < rounds; round++) {
      for (const [name, scenario] of Object.entries(SCENARIOS)) {
        for (const commit of [1, 0]) {
          const run = `${name}#${commit}#${round}`;
          const url = page({ run, commit, close: scenario.popup ? 'self' : '' });
          let p;
          if (scenario.popup) [p] = await Promise.all([home.waitForEvent('popup'), home.evaluate((u) => { window.open(u); }, url)]);
          else { p = await context.newPage(); await p.goto(url); }
          await p.waitForFunction(() => window.ready, null, { timeout: 10_000 });
          const closed = new Promise((ok) => p.once('close', ok));
          await scenario.end(p, base);
          if (scenario.reloads) await p.waitForFunction(() => document.readyState === 'complete', null, { timeout: 10_000 }).catch(() => {});
          if (!p.isClosed()) await p.close();
          await closed;
          runs.push({ name, commit, run });
        }
      }
    }
    await new Promise((r) => setTimeout(r, 300)); // the last beacons
    const reader = await context.newPage();
    await reader.goto(page({ mode: 'read' }));
    const landed = new Set(await reader.waitForFunction(() => window.landed).then((h) => h.jsonValue()));
    return { rounds, browser: browser.version(), runs, beacons, landed: [...landed] };
  } finally {
    await browser.close();
    server.close();
  }
}

const HANDLERS = ['pagehide', 'visibilitychange→hidden', 'unload'];

export function probeTable({ rounds, browser, runs, beacons, landed }) {
  const written = new Set(landed);
  const lines = [
    `| scenario | events fired (in order) | IndexedDB put in ${HANDLERS.join(' / ')}: lands with \`commit()\` | … without \`commit()\` |`,
    '|---|---|---|---|',
  ];
  for (const name of Object.keys(SCENARIOS)) {
    const mine = runs.filter((r) => r.name === name);
    const orders = new Set(mine.map((r) => beacons.filter((b) => b.run === r.run).sort((a, b) => a.ms - b.ms).map((b) => b.event).join(' → ') || '(none)'));
    const lands = (commit) => HANDLERS.map((h) => {
      const rs = mine.filter((r) => r.commit === commit);
      const fired = rs.filter((r) => beacons.some((b) => b.run === r.run && b.event === h)).length;
      return fired ? `${rs.filter((r) => written.has(`${r.run}|${h}`)).length}/${fired}` : 'not fired';
    }).join(' / ');
    lines.push(`| ${name} | ${[...orders].join('; or ')} | ${lands(1)} | ${lands(0)} |`);
  }
  lines.push('', `Headless Chromium ${browser}; ${rounds} round(s) per scenario and commit mode; x/y = landed / handler ran.`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(probeTable(await probeUnload({ rounds: Number(process.env.ROUNDS || 3) })));
}
