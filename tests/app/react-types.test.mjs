// The stackquery/react types, as an app sees them: tests/app/types/*.tsx compiled
// with tsc --strict against the built package (pkg/, or $STACKQUERY_PKG) installed in a temp
// app's node_modules and resolved through its exports map (`stackquery`, `stackquery/web`,
// `stackquery/react`, `stackquery/l1`, `stackquery/l1/react`), React's types from the repository's devDependencies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const pkgDir = resolve(process.env.STACKQUERY_PKG || join(root, 'pkg'));

test('stackquery/react types: inference, no `any`, clients from both entries (tsc --strict)', async (t) => {
  const app = mkdtempSync(join(tmpdir(), 'stackquery-react-types-'));
  t.after(() => rmSync(app, { recursive: true, force: true }));
  mkdirSync(join(app, 'node_modules/@types'), { recursive: true });
  cpSync(pkgDir, join(app, 'node_modules/stackquery'), { recursive: true, filter: (src) => !src.endsWith('.wasm') });
  symlinkSync(join(root, 'node_modules/react'), join(app, 'node_modules/react'), 'dir');
  symlinkSync(join(root, 'node_modules/@types/react'), join(app, 'node_modules/@types/react'), 'dir');
  cpSync(join(import.meta.dirname, 'types'), app, { recursive: true });
  const tsc = (lib, file) => run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit',
    '--strict', '--target', 'es2022', '--lib', lib, '--module', 'esnext', '--moduleResolution', 'bundler',
    '--jsx', 'react-jsx', '--types', 'react', file], { cwd: app }).catch((e) => e);
  for (const [lib, file] of [['es2020,dom', 'react-usage.tsx'], ['es2020,dom', 'react-web-client.tsx'], ['es2020,dom', 'react-mutations.tsx'], ['es2020,dom', 'react-queries.tsx'], ['es2020,dom', 'react-hydration.tsx'], ['es2020,dom', 'react-l1.tsx']]) {
    const result = await tsc(lib, file);
    assert.equal(result.code ?? 0, 0, `${file}: ${result.stdout}${result.stderr}`);
  }
});
