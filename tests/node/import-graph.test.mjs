// The house rule "no import circles between files", checked on the sources themselves:
// the crate's modules (src/, `use` paths and inline `super::`/`crate::` paths, test
// modules left out) and the package's JavaScript (js/, relative `import`/`export … from`).
// A circle is reported with the files in it and the edges that close it, so the file to
// move a type or an `impl` out of can be read off the failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

function filesUnder(dir, ext) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, ext));
    else if (path.endsWith(ext)) out.push(path);
  }
  return out;
}

/** Circles (strongly connected components of two files or more) of `edges`: Map<file, Set<file>>. */
function circles(edges) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  let next = 0;
  // Iterative Tarjan: no recursion depth to worry about.
  for (const start of edges.keys()) {
    if (index.has(start)) continue;
    const work = [[start, [...edges.get(start)]]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const [v, pending] = work[work.length - 1];
      if (pending.length > 0) {
        const w = pending.pop();
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push([w, [...(edges.get(w) ?? [])]]);
        } else if (onStack.has(w)) {
          low.set(v, Math.min(low.get(v), index.get(w)));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(v)));
      }
      if (low.get(v) === index.get(v)) {
        const component = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1) found.push(component.sort());
      }
    }
  }
  return found;
}

function report(edges, found) {
  return found
    .map((files) => {
      const inside = new Set(files);
      const lines = files.map((f) => `  ${f} → ${[...edges.get(f)].filter((t) => inside.has(t)).join(', ')}`);
      return `a circle of ${files.length} files:\n${lines.join('\n')}`;
    })
    .join('\n');
}

// ------------------------------------------------------------------ Rust

/** src/a/b.rs → ['a', 'b']; src/a/mod.rs → ['a']; src/lib.rs → []. */
function modulePath(file) {
  const parts = relative(join(root, 'src'), file).replace(/\.rs$/, '').split('/');
  if (parts[parts.length - 1] === 'mod' || parts[parts.length - 1] === 'lib') parts.pop();
  return parts;
}

/** The source without comments, string literals and test modules. */
function rustCode(text) {
  const cut = text.search(/^\s*#\[cfg\(test\)\]\s*\n\s*(pub\s+)?mod\s+\w+\s*\{/m);
  const body = cut >= 0 ? text.slice(0, cut) : text;
  return body
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

/** The paths a module names: each `use` tree expanded, and inline `super::`/`crate::` paths. */
function rustPaths(code) {
  const paths = [];
  const expand = (prefix, tree) => {
    tree = tree.trim();
    const brace = tree.indexOf('{');
    if (brace < 0) {
      paths.push([...prefix, ...tree.split('::').map((s) => s.trim()).filter(Boolean)]);
      return;
    }
    const head = tree.slice(0, brace).split('::').map((s) => s.trim()).filter(Boolean);
    const inner = tree.slice(brace + 1, tree.lastIndexOf('}'));
    let depth = 0;
    let from = 0;
    for (let i = 0; i <= inner.length; i++) {
      const c = inner[i];
      if (c === '{') depth++;
      else if (c === '}') depth--;
      else if ((c === ',' && depth === 0) || i === inner.length) {
        const part = inner.slice(from, i).trim();
        if (part) expand([...prefix, ...head], part.split(/\s+as\s+/)[0]);
        from = i + 1;
      }
    }
  };
  for (const m of code.matchAll(/\buse\s+([^;]+);/g)) expand([], m[1]);
  for (const m of code.matchAll(/\b((?:super|crate)(?:::\w+)+)/g)) paths.push(m[1].split('::'));
  return paths;
}

test('no import circles between the files of the crate (src/)', () => {
  const files = filesUnder(join(root, 'src'), '.rs');
  const byModule = new Map(files.map((f) => [modulePath(f).join('::'), relative(root, f)]));
  const edges = new Map();
  for (const file of files) {
    const self = modulePath(file);
    const from = relative(root, file);
    const isParent = /(^|\/)(mod|lib)\.rs$/.test(from);
    const targets = new Set();
    for (let path of rustPaths(rustCode(readFileSync(file, 'utf8')))) {
      let base;
      if (path[0] === 'crate') {
        base = [];
        path = path.slice(1);
      } else if (path[0] === 'super') {
        base = self.slice(0, -1);
        path = path.slice(1);
        while (path[0] === 'super') {
          base = base.slice(0, -1);
          path = path.slice(1);
        }
      } else if (path[0] === 'self') {
        base = self;
        path = path.slice(1);
      } else {
        continue; // another crate, or a name in scope
      }
      // The deepest module the path reaches (the rest are items in it).
      let target;
      for (let n = path.length; n >= 0 && target === undefined; n--) {
        target = byModule.get([...base, ...path.slice(0, n)].join('::'));
      }
      if (target === undefined || target === from) continue;
      // A parent (lib.rs, mod.rs) declaring and re-exporting its children is not an
      // import of theirs: only what a file takes from outside itself counts.
      if (isParent && target.startsWith(dirname(from) + '/')) continue;
      targets.add(target);
    }
    edges.set(from, targets);
  }
  const found = circles(edges);
  assert.equal(found.length, 0, report(edges, found));
});

// ------------------------------------------------------------------ JavaScript

test('no import circles between the package\'s JavaScript files (js/)', () => {
  const files = filesUnder(join(root, 'js'), '.js');
  const edges = new Map();
  for (const file of files) {
    const from = relative(root, file);
    const targets = new Set();
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const m of code.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]/g)) {
      targets.add(relative(root, normalize(join(dirname(file), m[1]))));
    }
    for (const m of code.matchAll(/(?:^|[\s;])import\s*['"](\.[^'"]+)['"]/g)) {
      targets.add(relative(root, normalize(join(dirname(file), m[1]))));
    }
    edges.set(from, targets);
  }
  const found = circles(edges);
  assert.equal(found.length, 0, report(edges, found));
});
