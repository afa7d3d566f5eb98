// The package's types as a TypeScript user gets them, in every module mode a project is set
// up with: a fresh project per mode (typescript 5.x from the registry, react + @types/react,
// stackquery from the packed tarball), a tsconfig a user writes (`strict`, the mode's
// `module` / `moduleResolution`, `jsx: react-jsx`), and source using the main API
// (`stackquery`), `stackquery/web`, `stackquery/react` and the Workers KV adapter.
//
// One `tsc` run per mode checks src/: main.ts and App.tsx must type-check clean, and the
// wrong uses in wrong.ts / wrong-react.tsx must fail exactly where their `// TSxxxx` comments
// say (so `any` types, or an entry tsc cannot resolve, fail the test). In the Node modes
// (node16, nodenext; ESM with `"type": "module"`, CommonJS without it) the same run emits
// dist/, and node runs dist/main.js: what the types promised (fetchQuery's data, the
// observer's result, the adapter's writes, the web entry, the React entry loading) is what
// the program prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshProject, installedVersion, run } from './support.mjs';

const mainTs = `import { IndexedDbStorage, MemoryStorage, QueryClient, QueryObserver, type QueryObserverResult } from 'stackquery';
import init, { QueryClient as WebQueryClient } from 'stackquery/web';
import { workersKvStorage, type KvNamespaceLike } from 'stackquery/adapters/workers-kv';
import { App } from './App.js';

interface Todo { id: number; title: string }

const client = new QueryClient({ storage: new MemoryStorage(), staleTime: 60_000 });

/** L2 in the browser (not called under Node, which has no indexedDB). */
export const browserClient = (): QueryClient => new QueryClient({ storage: new IndexedDbStorage({ dbName: 'app' }) });

/** A Workers KV namespace held in a Map. */
function memoryKv(): KvNamespaceLike & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get: async (key) => entries.get(key) ?? null,
    put: async (key, value) => void entries.set(key, value),
    delete: async (key) => void entries.delete(key),
    list: async (options) => ({
      keys: [...entries.keys()].filter((name) => name.startsWith(options?.prefix ?? '')).map((name) => ({ name })),
      list_complete: true,
    }),
  };
}

async function main() {
  const todos = await client.fetchQuery({
    queryKey: ['todos', 1] as const,
    queryFn: async ({ queryKey }): Promise<Todo[]> => [{ id: queryKey[1], title: 'typed' }],
  });
  const title: string = todos[0].title;

  const observer = new QueryObserver<Todo[]>(client, { queryKey: ['todos', 1] });
  let heard: QueryObserverResult<Todo[]> | undefined;
  const unsubscribe = observer.subscribe((result) => { heard = result; }); // hears changes only
  const observed: QueryObserverResult<Todo[]> = observer.getCurrentResult();
  unsubscribe();
  observer.destroy();
  const observedTitle: string | undefined = (heard ?? observed).data?.[0].title;

  const kv = memoryKv();
  const edge = new QueryClient({ storage: workersKvStorage(kv) });
  const count: number = await edge.fetchQuery({ queryKey: ['count'], queryFn: () => 42 });
  await edge.flush();

  await init();
  const web = new WebQueryClient();
  const greeting: string = await web.fetchQuery({ queryKey: ['greeting'], queryFn: async () => 'hello' });

  return { todos, title, observedTitle, count, kvKeys: [...kv.entries.keys()], greeting, app: typeof App };
}

main().then((result) => console.log(JSON.stringify(result)));
`;

const appTsx = `import { QueryClient } from 'stackquery';
import { QueryClientProvider, useQuery } from 'stackquery/react';

interface User { name: string }
const client = new QueryClient();

function Profile() {
  const user = useQuery({
    queryKey: ['user', 7],
    queryFn: async (): Promise<User> => ({ name: 'Ada' }),
    select: (u) => u.name.toUpperCase(),
  });
  const name: string | undefined = user.data;
  return <p>{user.isPending ? 'loading' : name}</p>;
}

export const App = () => (
  <QueryClientProvider client={client}>
    <Profile />
  </QueryClientProvider>
);
`;

// Each line ending in `// TSxxxx` must get exactly that error from tsc; no other line may get one.
const wrongTs = `import { IndexedDbStorage, QueryClient, QueryObserver } from 'stackquery';
import { QueryClient as WebQueryClient } from 'stackquery/web';
import { workersKvStorage } from 'stackquery/adapters/workers-kv';

const client = new QueryClient();

export async function wrong() {
  await client.fetchQuery({ queryKey: 'todos', queryFn: async () => 1 }); // TS2322
  const count: number = await client.fetchQuery({ queryKey: ['n'], queryFn: async () => 'one' }); // TS2322
  new QueryObserver<{ id: number }[]>(client, { queryKey: ['todos'] }).subscribe((result) => {
    const id: string | undefined = result.data?.[0].id; // TS2322
    return id;
  });
  new QueryClient({ storage: new IndexedDbStorage({ dbName: 1 }) }); // TS2322
  new WebQueryClient({ staleTime: 'soon' }); // TS2322
  workersKvStorage(new Map<string, string>()); // TS2345
  return count;
}
`;

const wrongReactTsx = `import { QueryClientProvider, useQuery } from 'stackquery/react';

export function Wrong() {
  const n = useQuery({ queryKey: ['n'], queryFn: async () => 1 });
  const text: string | undefined = n.data; // TS2322
  return <QueryClientProvider client={{}}>{text}</QueryClientProvider>; // TS2322
}
`;

const files = { 'src/main.ts': mainTs, 'src/App.tsx': appTsx, 'src/wrong.ts': wrongTs, 'src/wrong-react.tsx': wrongReactTsx };

/** `file(line): TSxxxx` for each line of the wrong files marked with the error it must get. */
const expectedErrors = ['src/wrong.ts', 'src/wrong-react.tsx'].flatMap((file) =>
  files[file].split('\n').flatMap((line, i) => {
    const code = / \/\/ (TS\d+)$/.exec(line)?.[1];
    return code ? [`${file}(${i + 1}): ${code}`] : [];
  })).sort();

// module / moduleResolution as a project of each kind sets them; `run`: how node runs dist/.
const modes = [
  { name: 'bundler, module esnext', type: 'module', module: 'esnext', moduleResolution: 'bundler' },
  { name: 'bundler, module preserve', type: 'module', module: 'preserve', moduleResolution: 'bundler' },
  { name: 'node16, ESM ("type": "module")', type: 'module', module: 'node16', moduleResolution: 'node16', run: 'esm' },
  { name: 'node16, CommonJS (no "type")', type: null, module: 'node16', moduleResolution: 'node16', run: 'cjs' },
  { name: 'nodenext, ESM ("type": "module")', type: 'module', module: 'nodenext', moduleResolution: 'nodenext', run: 'esm' },
  { name: 'nodenext, CommonJS (no "type")', type: null, module: 'nodenext', moduleResolution: 'nodenext', run: 'cjs' },
];

test('TypeScript: the package type-checks under strict in every module mode, and the emitted JS does what the types say', { concurrency: 3, timeout: 300_000 }, async (t) => {
  await Promise.all(modes.map((mode) => t.test(mode.name, async (t) => {
    const tsconfig = {
      compilerOptions: {
        strict: true,
        target: 'es2022',
        module: mode.module,
        moduleResolution: mode.moduleResolution,
        jsx: 'react-jsx',
        ...(mode.run ? { outDir: 'dist' } : { noEmit: true }),
      },
      include: ['src'],
    };
    const slug = `ts-${mode.moduleResolution}-${mode.module}-${mode.type ?? 'commonjs'}`;
    const dir = await freshProject(t, slug, {
      type: mode.type,
      dependencies: { react: '^19' },
      devDependencies: { typescript: '^5', '@types/react': '^19' },
      files: { ...files, 'tsconfig.json': JSON.stringify(tsconfig, null, 2) },
    });
    assert.match(installedVersion(dir, 'typescript'), /^5\./);

    const started = Date.now();
    const tsc = await run(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--pretty', 'false'],
      { cwd: dir, timeout: 120_000, maxBuffer: 16 << 20 }).then(() => ({ code: 0, stdout: '' }), (e) => e);
    t.diagnostic(`tsc: ${Date.now() - started} ms`);
    const output = `${tsc.stdout ?? ''}${tsc.stderr ?? ''}`;
    const errors = output.split('\n').flatMap((line) => {
      const located = /^(.+?)\((\d+),\d+\): error (TS\d+):/.exec(line);
      if (located) return [`${located[1]}(${located[2]}): ${located[3]}`];
      return /\berror TS\d+/.test(line) ? [line] : [];
    }).sort();
    assert.deepEqual(errors, expectedErrors,
      `tsc must accept main.ts and App.tsx and reject each marked line of the wrong files, and only those; it printed:\n${output}`);
    assert.equal(tsc.code, 2, 'tsc exits with errors (the wrong files)');
    if (!mode.run) return;

    const emitted = readFileSync(join(dir, 'dist/main.js'), 'utf8');
    if (mode.run === 'cjs') assert.match(emitted, /require\("stackquery"\)/, 'the import was compiled to require()');
    else assert.match(emitted, /^import .* from 'stackquery';$/m, 'the import stayed an ES import');
    const node = await run(process.execPath, ['dist/main.js'], { cwd: dir, timeout: 30_000 }).catch((e) => {
      throw new Error(`node dist/main.js failed:\n${e.stdout}\n${e.stderr}`);
    });
    if (node.stderr) t.diagnostic(`node dist/main.js stderr: ${node.stderr.trim()}`);
    const result = JSON.parse(node.stdout);
    assert.deepEqual(result, {
      todos: [{ id: 1, title: 'typed' }],
      title: 'typed',
      observedTitle: 'typed',
      count: 42,
      kvKeys: result.kvKeys,
      greeting: 'hello',
      app: 'function',
    });
    assert.equal(result.kvKeys.length, 1, 'the adapter wrote the one query to KV');
    assert.match(result.kvKeys[0], /^stackquery:/);
  })));
});
