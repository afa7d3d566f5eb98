// IndexedDB durability modes measured in headless Chromium, as stackquery's writer uses
// IndexedDB: 10,000 entries (~130 B of JSON each) put in one readwrite transaction, and the
// same in 100 transactions of 100 (background batches), with `durability` 'default',
// 'relaxed' and 'strict' (rounds interleaved; medians). Prints a Markdown table.
// Run: node www/bench/durability.mjs   (ROUNDS=n, default 5; needs /usr/bin/chromium)
import { launchChromium, serveFiles } from '../../tests/support/chromium.mjs';

const ROUNDS = Number(process.env.ROUNDS || 5);
const page = `<!doctype html><script>
const req = (r) => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
const done = (tx) => new Promise((ok, fail) => { tx.oncomplete = ok; tx.onerror = tx.onabort = () => fail(tx.error); });
window.run = async (mode, batches, n) => {
  const name = 'dur-' + Math.random();
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => open.result.createObjectStore('q');
  const db = await req(open);
  const rows = Array.from({ length: n }, (_, i) => ['ns:["todo",' + i + ']', JSON.stringify({ v: 1, key: ['todo', i], updatedAt: Date.now(), data: { id: i, title: 'todo ' + i, done: false } })]);
  const per = n / batches;
  const t0 = performance.now();
  for (let b = 0; b < batches; b++) {
    const tx = db.transaction('q', 'readwrite', mode === 'default' ? undefined : { durability: mode });
    const store = tx.objectStore('q');
    for (let i = b * per; i < (b + 1) * per; i++) store.put(rows[i][1], rows[i][0]);
    await done(tx);
  }
  const ms = performance.now() - t0;
  db.close();
  await req(indexedDB.deleteDatabase(name));
  return ms;
};
</script>`;

const { server, base } = await serveFiles('/nonexistent', { route: (path, _req, res) => (path === '/' ? (res.writeHead(200, { 'content-type': 'text/html' }).end(page), true) : false) });
const browser = await launchChromium();
const tab = await browser.newPage();
await tab.goto(`${base}/`);
const modes = ['default', 'relaxed', 'strict'];
const shapes = [[1, '10,000 puts in 1 transaction'], [100, '10,000 puts in 100 transactions of 100']];
const times = {};
for (let r = 0; r < ROUNDS; r++) {
  for (const [batches] of shapes) {
    for (const mode of r % 2 ? [...modes].reverse() : modes) {
      (times[`${batches}/${mode}`] ??= []).push(await tab.evaluate(([m, b]) => window.run(m, b, 10_000), [mode, batches]));
    }
  }
}
await browser.close();
server.close();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`| workload (Chromium ${browser.version?.() ?? ''}, median of ${ROUNDS}) | ${modes.join(' | ')} |`);
console.log(`|---|${modes.map(() => '---').join('|')}|`);
for (const [batches, label] of shapes) {
  console.log(`| ${label} | ${modes.map((m) => `${median(times[`${batches}/${m}`]).toFixed(1)} ms`).join(' | ')} |`);
}
