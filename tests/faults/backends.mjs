// The Node-side backends of the fault matrix: a JS object speaking the storage protocol
// (scripted to fail), and RemoteStorage against a real Redis behind the Upstash REST
// protocol, reached through tests/faults/fault-proxy.mjs. The IndexedDB backend lives in
// the Chromium page (idb-faults.html). Each adapter says which cells do not apply
// (`na(op, fault)` → a footnote id) and which variants a cell has.

let counter = 0;
const uid = () => `${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** Cells that do not apply, whatever the backend (footnote ids). */
export function commonNa(op, fault) {
  if (fault === 'quota' && op === 'get') return 'quota-read';
  if (fault === 'quota' && (op === 'delete' || op === 'clear')) return 'quota-delete';
  return null;
}

/** A storage object whose methods can be told to fail. */
function scriptedStorage() {
  const map = new Map();
  const s = { map, mode: {}, late: [] };
  const act = (method, fn) => {
    switch (s.mode[method]) {
      case 'throw':
        throw new Error(`injected: storage.${method}() threw`);
      case 'reject':
        return Promise.reject(new Error(`injected: storage.${method}() rejected`));
      case 'hang':
        return new Promise(() => {});
      case 'corrupt': // keys(): not an array
        return Promise.resolve({ not: 'an array' });
      case 'late': {
        // this call hangs until released, then does its work; later calls are fine
        delete s.mode[method];
        return new Promise((resolve) => s.late.push(() => resolve(fn())));
      }
      case 'quota': // full once
        delete s.mode[method];
        throw new DOMException('injected: the quota has been exceeded', 'QuotaExceededError');
      default:
        return Promise.resolve(fn());
    }
  };
  s.get = (k) => act('get', () => (map.has(k) ? map.get(k) : null));
  s.set = (k, v) => act('set', () => void map.set(k, v));
  s.delete = (k) => act('delete', () => void map.delete(k));
  s.keys = (prefix) => act('keys', () => [...map.keys()].filter((k) => k.startsWith(prefix)));
  return s;
}

/** What a corrupted entry reads back as (shared with the IndexedDB page). */
export const CORRUPT_VALUES = [
  { label: 'truncated JSON', value: '{"v":1,"key":["trunc' },
  { label: 'not a string', value: { not: 'a string' } },
];

export function jsProtocolBackend() {
  const method = { get: 'get', set: 'set', delete: 'delete', clear: 'keys' };
  return {
    name: 'JS storage protocol',
    na(op, fault) {
      const common = commonNa(op, fault);
      if (common) return common;
      if (fault === 'corrupt' && (op === 'set' || op === 'delete')) return 'corrupt-write';
      return null;
    },
    variants(op, fault) {
      if (op === 'get' && fault === 'corrupt') return CORRUPT_VALUES;
      if (op === 'clear' && fault === 'corrupt') return [{ label: 'keys() not an array' }];
      if (op === 'set' && fault === 'hang') return [{ label: 'never settles' }, { label: 'one call settles late', late: true }];
      return [null];
    },
    async fresh() {
      const s = scriptedStorage();
      return {
        s,
        storage: s,
        keyPrefix: `js-${uid()}`,
        raw: {
          get: async (k) => (s.map.has(k) ? s.map.get(k) : null),
          put: async (k, v) => void s.map.set(k, v),
          keys: async (p) => [...s.map.keys()].filter((k) => k.startsWith(p)),
        },
      };
    },
    async inject(env, op, fault, variant, keys) {
      if (op === 'get' && fault === 'corrupt') {
        env.s.map.set(keys.cached, variant.value);
        env.s.map.set(keys.corrupt2, variant.value);
        return;
      }
      if (variant && variant.late) {
        env.s.mode[method[op]] = 'late';
        env.releaseLate = async () => {
          const calls = env.s.late.splice(0);
          for (const finish of calls) finish();
          return { completed: calls.length };
        };
        return;
      }
      env.s.mode[method[op]] = fault;
    },
    async heal(env) {
      env.s.mode = {};
    },
  };
}

/**
 * RemoteStorage → fault proxy → upstash-redis-server → redis-server. `store` is
 * tests/servers/remote-store.mjs's handle (its `command` bypasses the proxy).
 */
export function remoteBackend({ RemoteStorage, store, proxy }) {
  const kind = { get: 'GET', set: 'SET', delete: 'DEL', clear: 'SCAN' };
  const mode = { throw: 'reset', reject: 'http500', hang: 'hang' };
  /** One command straight to the store: its whole reply ({ result } or { error }). */
  const rest = async (parts) => {
    const r = await fetch(store.url, { method: 'POST', headers: { Authorization: `Bearer ${store.token}` }, body: JSON.stringify(parts) });
    return { status: r.status, ...(await r.json()) };
  };
  return {
    name: 'remote store',
    na(op, fault) {
      return commonNa(op, fault);
    },
    variants(op, fault) {
      if (op === 'set' && fault === 'hang') return [{ label: 'never answers' }, { label: 'one request answered late', mode: 'late' }];
      if (fault !== 'corrupt') return [null];
      if (op === 'get') {
        return [
          { label: 'stored value', stored: CORRUPT_VALUES[0].value },
          { label: 'result not a string', mode: 'shape' },
          { label: 'reply not JSON', mode: 'garbage' },
        ];
      }
      if (op === 'clear') {
        return [
          { label: 'reply not JSON', mode: 'garbage' },
          { label: 'reply not [cursor, keys]', mode: 'shape' },
        ];
      }
      return [
        { label: 'reply not JSON', mode: 'garbage' },
        { label: 'reply not an array', mode: 'shape' },
        { label: 'fewer replies than commands', mode: 'short' },
      ];
    },
    async fresh() {
      return {
        storage: new RemoteStorage({ url: proxy.url, token: store.token }),
        keyPrefix: `rs-${uid()}`,
        raw: {
          get: (k) => store.command(['GET', k]),
          put: (k, v) => store.command(['SET', k, v]),
          keys: async (p) => (await store.command(['KEYS', '*'])).filter((k) => k.startsWith(p)),
        },
      };
    },
    async inject(env, op, fault, variant, keys) {
      if (fault === 'quota') {
        // the real thing: Redis over its memory limit refuses writes with OOM
        env.quota = true;
        const probe = `${env.keyPrefix}:probe`;
        await store.command(['SET', probe, 'x']);
        await store.command(['CONFIG', 'SET', 'maxmemory-policy', 'noeviction']);
        await store.command(['CONFIG', 'SET', 'maxmemory', '1']);
        // what the store now says to a write, and that it still takes a DEL (the
        // footnote of the delete/quota cells)
        env.note = { set: await rest(['SET', `${probe}-2`, 'x']), del: await rest(['DEL', probe]) };
        return;
      }
      if (variant && variant.stored) {
        await store.command(['SET', keys.cached, variant.stored]);
        await store.command(['SET', keys.corrupt2, variant.stored]);
        return;
      }
      if (variant && variant.mode === 'late') env.releaseLate = () => proxy.releaseLate();
      const m = variant && variant.mode ? variant.mode : mode[fault];
      // Cold reads are batched (MGET); a key read alone is a GET: a get fault is both.
      proxy.setModes(op === 'get' ? { GET: m, MGET: m } : { [kind[op]]: m });
    },
    async heal(env) {
      proxy.heal();
      if (env.quota) {
        env.quota = false;
        await store.command(['CONFIG', 'SET', 'maxmemory', '0']);
      }
    },
  };
}
