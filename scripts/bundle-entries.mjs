// Builds the package's entry modules from the JS face (js/face/), the engine's
// wasm-bindgen glue (`--target web`) and the optimized .wasm. Run by
// scripts/build-package.sh with the package folder and the two engines' folders (glue,
// .wasm and decoder: the full engine, then the one built without L2) as arguments.
//
//   web/stackquery.js       ES module for browsers, bundlers, Node `import`, Deno, Bun:
//                           face + glue + the .wasm inlined (js/entries/inline_wasm.js),
//                           instantiated as the module loads; minified (served as is)
//   nodejs/stackquery.js    CommonJS for `require`: the same
//   l1/stackquery.js, .cjs  stackquery/l1: both again on the engine without L2 (the
//                           `l1_only` build) and without the built-in stores
//   l1/react/*              stackquery/l1/react: react/* on stackquery/l1
//   l1/workerd/index.js     stackquery/l1 for Workers, with its precompiled .wasm beside it
//   react/hooks.js          stackquery/react's hooks (js/react/), React external, 'use client'
//   react/index.js          stackquery/react: `export *` from stackquery and ./hooks.js
//   react/index.cjs, adapters/*.cjs  CommonJS twins of the package's own ES modules
//   workerd/index.js        Cloudflare Workers: imports workerd/stackquery_bg.wasm, a
//                           precompiled module there
//
// Every entry is one file with no asset reference a bundler has to understand: the
// glue's fallback `new URL('stackquery_bg.wasm', import.meta.url)` (which webpack, Vite
// and Parcel would try to resolve, and Rollup and esbuild would leave dangling) is cut.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renameInGlue, shortenWasmNames } from './short_wasm_names.mjs';

const [pkgArg, glueArg, l1GlueArg] = process.argv.slice(2);
const pkg = resolve(pkgArg ?? 'pkg');
const glueDir = resolve(glueArg ?? join(pkg, '.engine'));
// The L1-only engine (`--features l1_only`: no L2 in its .wasm), for stackquery/l1.
const l1GlueDir = resolve(l1GlueArg ?? join(pkg, '.engine-l1'));
const entries = resolve('js/entries');
const DEFAULT_URL = "new URL('stackquery_bg.wasm', import.meta.url)";

// The .wasm's imports from the glue and its exports get short names (short_wasm_names.mjs),
// in the file itself (Workers load it as it is) and in the glue below.
// The .wasm travels LZMA-packed (raw LZMA1, no header: js/entries/unlzma.js): 98 KB where
// deflate -9 took 122 KB. lc=4 lp=0 pb=0 suit wasm's byte-oriented code best (measured:
// 0.3% below xz's defaults); the dictionary holds the whole .wasm.
const LZMA = { lc: 4, lp: 0, pb: 0 };
const wasmProps = (LZMA.pb * 5 + LZMA.lp) * 9 + LZMA.lc;

/**
 * One engine (a folder with wasm-bindgen's glue, its .wasm and the decoder, unlzma.wasm)
 * as an esbuild plugin: `stackquery:engine` is its glue, `stackquery:wasm-data` its
 * .wasm packed as text.
 */
function engineOf(dir) {
  const glue = join(dir, 'stackquery.js');
  const wasmFile = join(dir, 'stackquery_bg.wasm');
  const { wasm, ...renamed } = shortenWasmNames(readFileSync(wasmFile));
  writeFileSync(wasmFile, wasm);
  const packed = execFileSync('xz', ['--format=raw', '--stdout',
    `--lzma1=preset=9e,lc=${LZMA.lc},lp=${LZMA.lp},pb=${LZMA.pb},nice=273,dict=1MiB`], { input: wasm, maxBuffer: 1 << 26 });
  const wasmText = packed.toString('base64');
  // Its decoder, a wasm module of its own (unlzma/), inlined as it is.
  const decoderText = readFileSync(join(dir, 'unlzma.wasm')).toString('base64');
  const plugin = {
    name: 'stackquery-engine',
    setup(b) {
      b.onResolve({ filter: /^stackquery:engine$/ }, () => ({ path: glue }));
      b.onResolve({ filter: /^stackquery:wasm-data$/ }, () => ({ path: 'wasm-data', namespace: 'stackquery' }));
      b.onLoad({ filter: /^wasm-data$/, namespace: 'stackquery' }, () =>
        ({ contents: [`export const wasmSize = ${wasm.length};`, `export const wasmProps = ${wasmProps};`,
          `export const wasmText = ${JSON.stringify(wasmText)};`, `export const decoderText = ${JSON.stringify(decoderText)};`].join('\n'), loader: 'js' }));
      // The glue's snippets are copies of files under js/ (key_hash.js, managers.js, …):
      // the bundle takes the files themselves, so the face and the engine share one module
      // instance of each, and a snippet's own imports resolve from where it lives.
      b.onResolve({ filter: /snippets\/[^/]+\/js\/.+\.js$/ }, (args) => ({ path: resolve('js', args.path.replace(/^.*snippets\/[^/]+\/js\//, '')) }));
      b.onLoad({ filter: /stackquery\.js$/ }, (args) => {
        if (args.path !== glue) return undefined;
        const source = readFileSync(glue, 'utf8');
        if (!source.includes(DEFAULT_URL)) throw new Error(`the glue no longer has ${DEFAULT_URL}: check what init() defaults to`);
        return { contents: renameInGlue(source.replace(DEFAULT_URL, 'undefined'), renamed), loader: 'js' };
      });
    },
  };
  return { plugin, wasmFile };
}

const full = engineOf(glueDir);
const l1 = engineOf(l1GlueDir);

const common = { bundle: true, target: 'es2022', logLevel: 'warning', legalComments: 'none', plugins: [full.plugin] };

// Served as is in the web case, so minified (names too: keeping them costs 1.1 KB gzip);
// NO_MINIFY=1 keeps it readable, for a profile that names the face's functions.
await build({
  ...common, minify: process.env.NO_MINIFY !== '1', format: 'esm', platform: 'neutral',
  entryPoints: [join(entries, 'web.js')], outfile: join(pkg, 'web/stackquery.js'),
});
// Servers: readable.
await build({
  ...common, format: 'cjs', platform: 'node', define: { 'import.meta.url': 'undefined' },
  inject: [join(entries, 'text_codec.js')],
  entryPoints: [join(entries, 'node.cjs.js')], outfile: join(pkg, 'nodejs/stackquery.js'),
});
// stackquery/l1: the same two entries on the engine without L2, and the API without the
// built-in stores (js/face/api.js).
await build({
  ...common, plugins: [l1.plugin], minify: process.env.NO_MINIFY !== '1', format: 'esm', platform: 'neutral',
  entryPoints: [join(entries, 'l1.js')], outfile: join(pkg, 'l1/stackquery.js'),
});
await build({
  ...common, plugins: [l1.plugin], format: 'cjs', platform: 'node', define: { 'import.meta.url': 'undefined' },
  inject: [join(entries, 'text_codec.js')],
  entryPoints: [join(entries, 'l1.cjs.js')], outfile: join(pkg, 'l1/stackquery.cjs'),
});
// stackquery/react: the hooks (one concept a file in js/react/) as one module each way,
// React external (the app's own copy), readable, marked 'use client'; and the index
// beside them, re-exporting `stackquery` (the package itself, external) and the hooks.
// stackquery/l1/react: the same on `stackquery/l1` (what the hooks import as `stackquery`
// is `stackquery/l1` there: a client of the build without L2 is another engine's class).
for (const [dir, engineEntry] of [['react', 'stackquery'], ['l1/react', 'stackquery/l1']]) {
  const stackquery = { name: 'stackquery', setup: (b) => b.onResolve({ filter: /^stackquery$/ }, () => ({ path: engineEntry, external: true })) };
  for (const [format, ext] of [['esm', 'js'], ['cjs', 'cjs']]) {
    await build({
      ...common, format, platform: 'neutral', plugins: [stackquery], external: ['react', 'react-dom'],
      banner: { js: "'use client';" },
      entryPoints: [resolve('js/react/hooks.js')], outfile: join(pkg, `${dir}/hooks.${ext}`),
    });
    const hooks = { name: 'hooks', setup: (b) => b.onResolve({ filter: /^\.\/hooks\.js$/ }, () => ({ path: `./hooks.${ext}`, external: true })) };
    await build({
      ...common, format, platform: 'neutral', plugins: [hooks, stackquery],
      entryPoints: [resolve('js/react/index.js')], outfile: join(pkg, `${dir}/index.${ext}`),
    });
  }
}
// CommonJS twins of the package's own ES modules (storage adapters), for `require()` on
// any Node and for test runners that load CommonJS only (Jest).
for (const file of ['adapters/workers-kv', 'adapters/deno-kv', 'adapters/redis', 'adapters/sqlite', 'adapters/fs']) {
  await build({
    ...common, bundle: false, format: 'cjs', platform: 'node', plugins: [],
    entryPoints: [resolve('pkg-template', `${file}.js`)], outfile: join(pkg, `${file}.cjs`),
  });
}
for (const [entry, dir, engine] of [['workerd.js', 'workerd', full], ['l1.workerd.js', 'l1/workerd', l1]]) {
  await build({
    ...common, plugins: [engine.plugin], format: 'esm', platform: 'neutral', external: ['./stackquery_bg.wasm'],
    entryPoints: [join(entries, entry)], outfile: join(pkg, dir, 'index.js'),
  });
  mkdirSync(join(pkg, dir), { recursive: true });
  copyFileSync(engine.wasmFile, join(pkg, dir, 'stackquery_bg.wasm'));
}
