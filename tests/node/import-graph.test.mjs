// The house rule "no import circles between files", checked on the sources themselves:
// the crate's modules (src/: `use` paths and inline `super::`/`crate::`/`self::` or
// child-module paths, each an import of the file that defines what it names, followed
// through re-exports; a parent's `mod` lines and the re-exports it does not use itself
// are the module tree, no imports; test modules left out) and the package's JavaScript
// (js/, relative `import`/`export … from`).
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

/**
 * Circles (strongly connected components of two files or more) of `edges`: Map<file,
 * Set<file>>, or Map<file, Map<file, why>> where `why` says what made the edge.
 */
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
    const work = [[start, [...edges.get(start).keys()]]];
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
          work.push([w, [...(edges.get(w)?.keys() ?? [])]]);
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
      const lines = files.map((f) => {
        const out = edges.get(f);
        const to = [...out.keys()].filter((t) => inside.has(t));
        return `  ${f} → ${to.map((t) => (out instanceof Map ? `${t} (${out.get(t)})` : t)).join(', ')}`;
      });
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

/**
 * The source without comments, literals and test modules. A string (raw, byte or not)
 * becomes `""` and a char `''`, so that neither hides code nor passes for it: in
 * `'"'`, `'\''` or `r#"…"…"#` the quotes inside are no delimiters. A lifetime or a
 * label (`'a`, `'static`, `'outer:`) is code and stays. Block comments nest, as in Rust.
 */
function rustCode(text) {
  const rawString = /(?<!\w)[bc]?r(#*)"/y;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      let depth = 0;
      do {
        if (text.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (text.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else {
          if (text[i] === '\n') out += '\n';
          i++;
        }
      } while (depth > 0 && i < text.length);
      out += ' ';
      continue;
    }
    if (c === 'r' || c === 'b' || c === 'c') {
      rawString.lastIndex = i;
      const raw = rawString.exec(text);
      if (raw) {
        const end = text.indexOf('"' + raw[1], rawString.lastIndex);
        i = end < 0 ? text.length : end + 1 + raw[1].length;
        out += '""';
        continue;
      }
    }
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      out += '""';
      continue;
    }
    if (c === "'") {
      if (text[i + 1] === '\\') {
        // '\n', '\'', '\\', '\x7f', '\u{1F600}': the escaped character, then to the quote.
        i += 3;
        while (i < text.length && text[i] !== "'") i++;
        i++;
        out += "''";
        continue;
      }
      const width = (text.codePointAt(i + 1) ?? 0) > 0xffff ? 2 : 1;
      if (text[i + 1 + width] === "'") {
        i += 2 + width;
        out += "''";
        continue;
      }
      // A lifetime or a label: the quote and the name after it are code.
    }
    out += c;
    i++;
  }
  const cut = out.search(/^\s*#\[cfg\(test\)\]\s*\n\s*(pub(\(\w+\))?\s+)?mod\s+\w+\s*\{/m);
  return cut >= 0 ? out.slice(0, cut) : out;
}

const useStatement = /(\bpub\b(?:\s*\([^)]*\))?\s*)?\buse\s+([^;]+);/g;

/**
 * Each `use` of `code`, its tree expanded: the path it imports (a trailing `self` left
 * off), the name it binds (`null` for a glob) and whether it is `pub`.
 */
function rustUses(code) {
  const uses = [];
  const segments = (s) => s.split('::').map((x) => x.trim()).filter(Boolean);
  const expand = (prefix, tree, pub) => {
    tree = tree.trim();
    const brace = tree.indexOf('{');
    if (brace < 0) {
      const [path, alias] = tree.split(/\s+as\s+/);
      let full = [...prefix, ...segments(path)];
      if (full[full.length - 1] === '*') {
        uses.push({ path: full.slice(0, -1), name: null, pub });
        return;
      }
      if (full[full.length - 1] === 'self') full = full.slice(0, -1);
      uses.push({ path: full, name: alias?.trim() ?? full[full.length - 1], pub });
      return;
    }
    const head = segments(tree.slice(0, brace));
    const inner = tree.slice(brace + 1, tree.lastIndexOf('}'));
    let depth = 0;
    let from = 0;
    for (let i = 0; i <= inner.length; i++) {
      const c = inner[i];
      if (c === '{') depth++;
      else if (c === '}') depth--;
      else if ((c === ',' && depth === 0) || i === inner.length) {
        const part = inner.slice(from, i).trim();
        if (part) expand([...prefix, ...head], part, pub);
        from = i + 1;
      }
    }
  };
  for (const m of code.matchAll(useStatement)) expand([], m[2], m[1] !== undefined);
  return uses;
}

test('the Rust scanner tells code from comments and literals', () => {
  const code = rustCode(String.raw`
fn f<'a>(s: &'a str) -> &'static str {
    let quote = '"';
    use_it(super::between_quotes::X);
    let (q, b, u) = ('\'', b'"', '\u{1F600}');
    'outer: loop { break 'outer; }
    s
}
// use super::in_line_comment::X;
/* /* nested */ use super::in_block_comment::X; */
const R: &str = r#"a "quoted" super::in_raw_string::X"#;
const S: &str = "\" super::in_string::X";
use super::after::Y;

#[cfg(test)]
mod tests {
    use super::in_test::Z;
}
`);
  const isCode = [
    'super::between_quotes::X',
    'use super::after::Y;',
    "<'a>",
    "&'a str",
    "&'static",
    "'outer:",
    "break 'outer",
  ];
  for (const kept of isCode) assert.ok(code.includes(kept), `${kept} is code:\n${code}`);
  const notCode = ['in_line_comment', 'in_block_comment', 'in_raw_string', 'in_string', 'in_test', '"quoted"'];
  for (const gone of notCode) assert.ok(!code.includes(gone), `${gone} is no code:\n${code}`);
});

test('no import circles between the files of the crate (src/)', () => {
  const files = filesUnder(join(root, 'src'), '.rs').map((file) => {
    const code = rustCode(readFileSync(file, 'utf8'));
    const self = modulePath(file);
    const from = relative(root, file);
    // What the file's own code says once its `use` lines and `mod` declarations are left
    // out: where inline paths are looked for, and where a re-exported name is used.
    const body = code.replace(useStatement, '').replace(/\bmod\s+\w+\s*;/g, '');
    return { from, self, uses: rustUses(code), body, isParent: /(^|\/)(mod|lib)\.rs$/.test(from) };
  });
  const byModule = new Map(files.map((f) => [f.self.join('::'), f.from]));

  /** Whether the absolute path `path` lies inside module `outer`. */
  const below = (outer, path) => path.length > outer.length && outer.every((s, i) => path[i] === s);

  /** `path` as named in module `self`, from the crate root; undefined for another crate. */
  const absolute = (self, path) => {
    if (path[0] === 'crate') return path.slice(1);
    if (path[0] === 'self') return [...self, ...path.slice(1)];
    if (path[0] === 'super') {
      let n = 0;
      while (path[n] === 'super') n++;
      return [...self.slice(0, self.length - n), ...path.slice(n)];
    }
    // A child module, named from its parent (2018 paths); else a crate or a name in scope.
    if (byModule.has([...self, path[0]].join('::'))) return [...self, ...path];
    return undefined;
  };

  // The names each module binds with `use` (re-exported or not): a path through one of
  // them leads on to where the item lives, so that `use super::Query` in core/filters.rs,
  // where core/mod.rs has `pub use cache::Query`, is an import of core/cache.rs. A name
  // bound to another crate's item leads nowhere in the crate (null).
  const bindings = new Map();
  for (const { self, uses } of files) {
    const names = new Map();
    for (const { path, name } of uses) if (name) names.set(name, absolute(self, path) ?? null);
    bindings.set(self.join('::'), names);
  }

  /** The file an absolute path leads to: the deepest module it reaches, or where a name bound there leads. */
  const fileOf = (path, hops = 0) => {
    for (let n = path.length; n >= 0; n--) {
      const module = path.slice(0, n).join('::');
      const file = byModule.get(module);
      if (file === undefined) continue;
      const via = n < path.length && hops < 16 ? bindings.get(module).get(path[n]) : undefined;
      if (via === null) return undefined;
      return via ? fileOf([...via, ...path.slice(n + 1)], hops + 1) : file;
    }
    return undefined;
  };

  const edges = new Map();
  for (const { from, self, uses, body, isParent } of files) {
    const targets = new Map();
    const add = (path) => {
      const full = absolute(self, path);
      const target = full && fileOf(full);
      if (target === undefined || target === from || targets.has(target)) return;
      targets.set(target, path.join('::'));
    };
    for (const { path, name, pub } of uses) {
      // A parent (lib.rs, mod.rs) declaring its children (`mod x;`, no path) and
      // re-exporting their items (`pub use x::Item;`) lays out the module tree and imports
      // nothing, unless it uses a re-exported name itself. Everything else it names counts,
      // as in any other file.
      const full = absolute(self, path);
      if (isParent && pub && full && below(self, full)) {
        const usedHere = name && name !== '_' && new RegExp(`(?<![\\w.:])${name}\\b`).test(body);
        if (!usedHere) continue;
      }
      add(path);
    }
    const children = files.filter((f) => f.self.length === self.length + 1 && below(self, f.self));
    const heads = ['super', 'crate', 'self', ...children.map((f) => f.self[self.length])];
    const inline = new RegExp(`(?<![\\w:])((?:${heads.join('|')})(?:::\\w+)+)`, 'g');
    for (const m of body.matchAll(inline)) add(m[1].split('::'));
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
