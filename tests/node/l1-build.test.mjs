// `stackquery/l1`, the build without L2 (the engine built with the `l1_only` feature,
// src/bindings/l2_build.rs, and the face without the built-in stores or the mutation
// outbox): a client there must behave exactly as a client of the full build made without
// `storage`, refuse `storage` with a TypeError that says where to get it, and be reached
// through the package's exports map like any other entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as full from '../../pkg/web/stackquery.js';
import * as l1 from '../../pkg/l1/stackquery.js';
import { rng } from '../support/rng.mjs';

const pkg = resolve(import.meta.dirname, '../../pkg');
const SEED = Number(process.env.L1_SEED ?? 20261128);
const STEPS = Number(process.env.L1_STEPS ?? 3000);

/** What a value shows a test, `undefined` included. */
const show = (v) => JSON.stringify(v === undefined ? '<undefined>' : v);

/** A call's outcome: its value, or the name and message of what it threw or rejected with. */
async function outcome(call) {
  try {
    return { value: await call() };
  } catch (e) {
    return { error: `${e?.name}: ${e?.message}` };
  }
}

/** One build's side of the lockstep: a client, its queryFn and mutationFn calls. */
function sideOf(build, options) {
  const client = new build.QueryClient(options);
  const log = [];
  let version = 0;
  const queryFn = ({ queryKey }) => {
    log.push(`fetch ${JSON.stringify(queryKey)}`);
    version += 1;
    return version % 7 === 0 ? Promise.reject(new Error(`failed ${version}`)) : Promise.resolve({ v: version });
  };
  const mutationFn = (n) => {
    log.push(`mutate ${n}`);
    return n % 3 === 0 ? Promise.reject(new Error(`refused ${n}`)) : Promise.resolve(n * 2);
  };
  return { build, client, log, queryFn, mutationFn, observers: [] };
}

const KEYS = [['todos'], ['todos', 1], ['todos', 2], ['user', { id: 1 }], ['feed']];

test(`an L1-only client answers as a full client without storage: ${STEPS} random steps, seed ${SEED}`, async () => {
  const rand = rng(SEED);
  const int = (n) => Math.floor(rand() * n);
  const options = { staleTime: 30_000, maxEntries: 3, retry: false };
  const sides = [sideOf(full, options), sideOf(l1, options)];
  for (let step = 0; step < STEPS; step++) {
    const key = KEYS[int(KEYS.length)];
    const op = int(12);
    const n = int(10);
    const results = [];
    for (const s of sides) {
      const c = s.client;
      const query = { queryKey: key, queryFn: s.queryFn, staleTime: n < 5 ? 0 : 30_000 };
      results.push(await outcome(async () => {
        switch (op) {
          case 0: return c.fetchQuery(query);
          case 1: return c.ensureQueryData(query);
          case 2: return c.prefetchQuery(query);
          case 3: return c.getQueryData(key);
          case 4: return c.setQueryData(key, (old) => ({ ...old, set: n }));
          case 5: return c.invalidateQueries({ queryKey: [key[0]] });
          case 6: return c.removeQueries({ queryKey: key, exact: n < 5 });
          case 7: return c.getQueryState(key)?.status ?? null;
          case 8: return c.mutation({ mutationFn: s.mutationFn, retry: false }).mutate(n);
          case 9: {
            if (s.observers.length < 2) {
              const observer = new s.build.QueryObserver(c, query);
              s.observers.push(observer.subscribe(() => {}));
            } else {
              s.observers.shift()();
            }
            return null;
          }
          case 10: return s.build.dehydrate(c).queries.map((q) => [q.queryHash, q.state.data]);
          default: return [c.isFetching(), c.isMutating(), c.size];
        }
      }));
    }
    await new Promise((r) => setImmediate(r)); // refetches started by the step settle on both sides
    const where = `step ${step}: op ${op} on ${show(key)} (n ${n})`;
    assert.equal(show(results[1]), show(results[0]), `${where}: the call answered alike`);
    assert.deepEqual(sides[1].log, sides[0].log, `${where}: the same queryFn and mutationFn calls`);
    for (const k of KEYS) {
      assert.equal(show(sides[1].client.getQueryData(k)), show(sides[0].client.getQueryData(k)), `${where}: data of ${show(k)}`);
    }
  }
  const fetched = sides[0].log.filter((line) => line.startsWith('fetch')).length;
  assert.ok(fetched > STEPS / 20 && sides[0].log.length > fetched, `the steps fetched (${fetched}) and mutated`);
  for (const s of sides) s.client.dispose();
});

test('storage is refused with a TypeError that names the option and the entry that has it', () => {
  for (const storage of [new full.MemoryStorage(), { get() {}, set() {}, delete() {} }, 'idb']) {
    assert.throws(() => new l1.QueryClient({ storage }), (e) =>
      e instanceof TypeError && /^stackquery: storage is not kept by stackquery\/l1/.test(e.message) &&
      e.message.includes("import QueryClient from 'stackquery'"));
  }
  // No storage is what the build is for; the other L2 options are ignored there, as the
  // full build ignores them without storage.
  for (const options of [undefined, {}, { storage: undefined }, { storage: null }, { keyPrefix: 'app', crossTab: true, buster: 'v2' }]) {
    const client = new l1.QueryClient(options);
    client.setQueryData(['k'], 1);
    assert.equal(client.getQueryData(['k']), 1);
    client.dispose();
  }
});

test('the L2 calls of a client without storage behave as in the full build', async () => {
  for (const build of [full, l1]) {
    const client = new build.QueryClient();
    client.setQueryData(['a'], 1);
    assert.equal(await client.flush(), undefined, 'flush resolves at once');
    assert.equal(await client.restoreQueries(), 0, 'nothing to restore');
    assert.equal(client.storageCalls, 0);
    await client.clear();
    assert.equal(client.getQueryData(['a']), undefined, 'clear empties L1');
    // A persisted mutation runs without a durable record (and says so once).
    const warnings = [];
    const warn = console.warn;
    console.warn = (m) => warnings.push(String(m));
    try {
      const m = client.mutation({ mutationKey: ['save'], persist: true, mutationFn: async (v) => v + 1 });
      assert.equal(await m.mutate(1), 2);
    } finally {
      console.warn = warn;
    }
    assert.ok(warnings.some((w) => w.includes('client without storage')), `${warnings}`);
    client.dispose();
  }
});

test("a client of one build is refused by the other's observers and hydrate, by name", async () => {
  const source = new full.QueryClient();
  await source.prefetchQuery({ queryKey: ['k'], queryFn: async () => 1 });
  const state = full.dehydrate(source);
  for (const [mine, other] of [[l1, full], [full, l1]]) {
    const foreign = new other.QueryClient();
    const refused = (method) => (e) => e instanceof TypeError && e.message.startsWith(`${method}: client must be a QueryClient of this entry`) && e.message.includes('stackquery/l1');
    assert.throws(() => mine.hydrate(foreign, state), refused('hydrate'));
    assert.throws(() => new mine.QueryObserver(foreign, { queryKey: ['k'], queryFn: async () => 1 }), refused('QueryObserver'));
    assert.throws(() => new mine.InfiniteQueryObserver(foreign, { queryKey: ['p'], queryFn: async () => 1, initialPageParam: 0, getNextPageParam: () => undefined }), refused('InfiniteQueryObserver'));
    assert.equal(foreign.getQueryData(['k']), undefined, 'nothing reached the foreign client');
    // Its own build's hydrate takes it.
    other.hydrate(foreign, state);
    assert.equal(foreign.getQueryData(['k']), 1);
    foreign.dispose();
  }
  source.dispose();
});

test('the entry exports the full API but the built-in stores', () => {
  // (`__` names are the engine's own, for the face: the IndexedDB store's are not in l1.)
  const missing = Object.keys(full).filter((name) => !(name in l1) && !name.startsWith('__')).sort();
  assert.deepEqual(missing, ['IndexedDbStorage', 'MemoryStorage', 'RemoteStorage']);
  assert.deepEqual(Object.keys(l1).filter((name) => !(name in full)), []);
});

/** An app folder whose node_modules/stackquery is the built package; runs `file` there. */
function runApp(file, code) {
  const app = mkdtempSync(join(tmpdir(), 'stackquery-l1-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(pkg, join(app, 'node_modules', 'stackquery'), 'dir');
  for (const dep of ['react', 'react-dom']) symlinkSync(resolve(import.meta.dirname, '../../node_modules', dep), join(app, 'node_modules', dep), 'dir');
  writeFileSync(join(app, file), code);
  return new Promise((done) => {
    execFile(process.execPath, [file], { cwd: app, timeout: 10_000 }, (error, stdout, stderr) => done({ error, stdout, stderr }));
  });
}

/** `body` run as an ES module and as CommonJS, each after its `loads` line: both must print `expected`. */
async function runBothForms(loads, body, expected) {
  for (const [file, load] of [['main.mjs', loads.import], ['main.cjs', loads.require]]) {
    const { error, stdout, stderr } = await runApp(file, `${load}\n${body}`);
    assert.equal(error, null, stderr);
    assert.equal(stdout.trim(), expected, file);
  }
}

test("`stackquery/l1` resolves through the exports map, for import and require, with its types", async () => {
  await runBothForms({
    import: "import * as sq from 'stackquery/l1'; const { QueryClient, IndexedDbStorage } = sq;",
    require: "const { QueryClient, IndexedDbStorage } = require('stackquery/l1');",
  }, `
    const client = new QueryClient();
    client.fetchQuery({ queryKey: ['x'], queryFn: async () => 'from l1' }).then((v) => console.log(v, typeof IndexedDbStorage));
  `, 'from l1 undefined');
  const exported = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).exports['./l1'];
  for (const file of [exported.default, exported.require, exported.types.default, exported.types.require]) {
    assert.ok(existsSync(join(pkg, file)), `${file} is in the package`);
  }
  assert.match(readFileSync(join(pkg, exported.types.default), 'utf8'), /export \* from '\.\/api\.js'/);
  assert.doesNotMatch(readFileSync(join(pkg, 'api.d.ts'), 'utf8'), /class IndexedDbStorage/);
});

test('`stackquery/l1/react`: the hooks on a client of the build without L2, for import and require', async () => {
  // Rendered on the server: a query prefetched into one client, dehydrated, hydrated by a
  // HydrationBoundary into another, and read by useQuery with no fetch.
  await runBothForms({
    import: "import { createElement as h } from 'react'; import { renderToString } from 'react-dom/server'; import { QueryClient, QueryClientProvider, HydrationBoundary, useQuery, dehydrate } from 'stackquery/l1/react';",
    require: "const { createElement: h } = require('react'); const { renderToString } = require('react-dom/server'); const { QueryClient, QueryClientProvider, HydrationBoundary, useQuery, dehydrate } = require('stackquery/l1/react');",
  }, `
    const source = new QueryClient();
    source.prefetchQuery({ queryKey: ['greeting'], queryFn: async () => 'hello from l1' }).then(() => {
      const client = new QueryClient();
      function Greeting() {
        const q = useQuery({ queryKey: ['greeting'], queryFn: () => { throw new Error('fetched'); }, staleTime: 60_000 });
        return h('p', null, q.status + ': ' + q.data);
      }
      const tree = h(QueryClientProvider, { client }, h(HydrationBoundary, { state: dehydrate(source) }, h(Greeting)));
      console.log(renderToString(tree), client.getQueryData(['greeting']));
    });
  `, '<p>success: hello from l1</p> hello from l1');
});
