// How the package's ES module entry (web/stackquery.js) brings up the engine: compiled
// synchronously from the inlined .wasm while the module loads, so a client can be made on
// the line after the import; and where a host refuses a synchronous compile (Chromium
// before 114 refused modules over 4 KB on the main thread, with a RangeError), compiled
// asynchronously instead, `await init()` waiting for it. The refusal is injected in a child
// Node process by replacing `WebAssembly.Module` before the import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const pkgDir = resolve(process.env.STACKQUERY_PKG || join(import.meta.dirname, '../../pkg'));
const entry = pathToFileURL(join(pkgDir, 'web/stackquery.js')).href;

async function node(script) {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').pop());
}

test('the engine is ready when the import is: no init() before the first client', async () => {
  const out = await node(`
    const { default: init, QueryClient } = await import(${JSON.stringify(entry)});
    const client = new QueryClient();
    const data = await client.fetchQuery({ queryKey: ['a'], queryFn: async () => ({ n: 1 }) });
    // init() still resolves to the engine's exports, its memory under that name (apps and
    // the benchmark measure the engine's memory through it).
    const { memory } = await init();
    console.log(JSON.stringify({ data, cached: client.getQueryData(['a']) === data, memory: memory instanceof WebAssembly.Memory }));
  `);
  assert.deepEqual(out, { data: { n: 1 }, cached: true, memory: true });
});

test('a host that refuses synchronous compiles gets the engine asynchronously: await init() first', async () => {
  const out = await node(`
    const Real = WebAssembly.Module;
    let refused = 0;
    WebAssembly.Module = function Module() {
      refused++;
      throw new RangeError('WebAssembly.Module(): sync compile refused (injected)');
    };
    WebAssembly.Module.prototype = Real.prototype;
    const lib = await import(${JSON.stringify(entry)});
    let early;
    try { new lib.QueryClient(); early = 'made'; } catch (e) { early = e.message; }
    await lib.default();
    const client = new lib.QueryClient();
    const data = await client.fetchQuery({ queryKey: ['a'], queryFn: async () => 'late but there' });
    console.log(JSON.stringify({ refused, early, data, again: await lib.default() === await lib.default() }));
  `);
  assert.equal(out.refused, 1, 'the entry tried the synchronous compile once');
  assert.match(out.early, /stackquery: the engine is still loading .*await init\(\)/, 'before init() settles, making a client fails and says what to do');
  assert.equal(out.data, 'late but there');
  assert.equal(out.again, true, 'init() resolves to the same engine every time');
});

test('a host that compiles the small decoder synchronously but refuses the engine gets the engine asynchronously', async () => {
  // The decoder (a few KB) is compiled, the .wasm it unpacks (287 KB) refused: the unpacked
  // bytes go to the asynchronous instantiation, not unpacked again.
  const out = await node(`
    const Real = WebAssembly.Module;
    let refused = 0;
    let compiled = 0;
    WebAssembly.Module = function Module(bytes) {
      if (bytes.byteLength > 100_000) {
        refused++;
        throw new RangeError('WebAssembly.Module(): sync compile refused (injected)');
      }
      compiled++;
      return new Real(bytes);
    };
    WebAssembly.Module.prototype = Real.prototype;
    const lib = await import(${JSON.stringify(entry)});
    await lib.default();
    const data = await new lib.QueryClient().fetchQuery({ queryKey: ['a'], queryFn: async () => 'there' });
    console.log(JSON.stringify({ refused, compiled, data }));
  `);
  assert.deepEqual(out, { refused: 1, compiled: 1, data: 'there' });
});

test('where the asynchronous instantiation fails too, init() and the next client say why; nothing goes unhandled', async () => {
  const out = await node(`
    let unhandled = 0;
    process.on('unhandledRejection', () => { unhandled++; });
    WebAssembly.Module = function Module() { throw new RangeError('sync compile refused (injected)'); };
    // Only the engine's instantiation fails (Node's own fetch instantiates wasm too).
    const realInstantiate = WebAssembly.instantiate;
    WebAssembly.instantiate = (bytes, imports) => bytes?.byteLength > 200_000
      ? Promise.reject(new WebAssembly.CompileError('out of memory (injected)'))
      : realInstantiate(bytes, imports);
    const lib = await import(${JSON.stringify(entry)});
    const initError = await lib.default().then(() => 'resolved', (e) => e.message);
    let clientError;
    try { new lib.QueryClient(); } catch (e) { clientError = e.message; }
    await new Promise((r) => setTimeout(r, 50));
    console.log(JSON.stringify({ initError, clientError, unhandled }));
  `);
  assert.equal(out.initError, 'out of memory (injected)');
  assert.equal(out.clientError, 'stackquery: the engine could not be loaded: out of memory (injected)');
  assert.equal(out.unhandled, 0);
});

test('an error other than a refusal is not swallowed: the import fails with it', async () => {
  await assert.rejects(node(`
    WebAssembly.Module = function Module() { throw new WebAssembly.CompileError('broken module (injected)'); };
    await import(${JSON.stringify(entry)});
    console.log('{}');
  `), /broken module \(injected\)/);
});
