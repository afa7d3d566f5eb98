// Builds the package's entry modules: the JS face (js/face/) in front of each target's
// wasm-bindgen glue. Run by scripts/build-package.sh after wasm-bindgen, with the
// package folder as argument. In every target folder the glue's `stackquery.js` is
// renamed `engine.js` and the face takes its place as `stackquery.js`, so the entry
// paths stay what they were. The `web` entry is one file: face, glue and key hashing
// bundled together, so a page makes one request for JS and one for the .wasm.
import { build } from 'esbuild';
import { renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const pkg = resolve(process.argv[2] ?? 'pkg');
const face = resolve('js/face');
const keyHash = resolve('js/key_hash.js');

// `stackquery:engine` → the glue: bundled in (web) or imported at run time (others).
const engine = (glue, bundled) => ({
  name: 'stackquery-engine',
  setup(b) {
    b.onResolve({ filter: /^stackquery:engine$/ }, () =>
      bundled ? { path: glue } : { path: './engine.js', external: true });
    // The glue's copy of js/key_hash.js is the face's: one copy in the bundle.
    b.onResolve({ filter: /snippets\/.*key_hash\.js$/ }, () => ({ path: keyHash }));
  },
});

// The web entry is served as it is, so it is minified (names too: keeping them costs
// 1.1 KB gzip); the others go through the user's bundler or run on a server, and stay
// readable.
const common = { bundle: true, target: 'es2022', logLevel: 'warning', legalComments: 'none' };

for (const target of ['web', 'bundler', 'deno', 'nodejs']) {
  const dir = join(pkg, target);
  renameSync(join(dir, 'stackquery.js'), join(dir, 'engine.js'));
  const web = target === 'web';
  await build({
    ...common,
    minify: web,
    entryPoints: [join(face, web ? 'entry-web.js' : 'index.js')],
    outfile: join(dir, 'stackquery.js'),
    format: target === 'nodejs' ? 'cjs' : 'esm',
    platform: target === 'nodejs' ? 'node' : 'neutral',
    plugins: [engine(join(dir, 'engine.js'), web)],
  });
  if (web) {
    rmSync(join(dir, 'engine.js'));
    rmSync(join(dir, 'snippets'), { recursive: true, force: true });
  }
}
