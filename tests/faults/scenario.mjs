// One cell of the storage fault matrix, as a user lives it: a client over a storage
// backend, one operation made to fail in one way, then healed. Runs unchanged in Node
// (the JS storage protocol, the remote store) and in Chromium (IndexedDB); it only
// records what it saw — judging it and wording the table is matrix.test.mjs's job.
//
// An adapter gives the backend: `fresh(id)` → { storage, keyPrefix, raw } where `raw`
// reads and writes the store directly, underneath the client (`get(key)` → the stored
// value or null, `put(key, value)`, `keys(prefix)`); `inject(env, op, fault, variant,
// keys)` starts the fault, `heal(env)` ends it.

export const OPS = ['get', 'set', 'delete', 'clear'];
export const FAULTS = ['throw', 'reject', 'hang', 'corrupt', 'quota'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

/** A queryFn that counts its calls. */
function net(value) {
  const fn = async () => {
    fn.calls += 1;
    if (value instanceof Error) throw value;
    return value;
  };
  fn.calls = 0;
  return fn;
}

/** The data of a stored envelope, or a description of what is stored instead. */
function dataOf(stored) {
  if (stored === null || stored === undefined) return { absent: true };
  if (stored && typeof stored === 'object' && stored.unavailable) return { unavailable: true };
  if (typeof stored !== 'string') return { corrupt: true };
  try {
    const e = JSON.parse(stored);
    return e && e.v === 1 ? { data: e.data } : { corrupt: true };
  } catch {
    return { corrupt: true };
  }
}

/**
 * Runs one cell (or one variant of it). Returns the observations; never throws (an
 * unexpected exception is recorded in `errors`).
 */
export async function runCell({ QueryClient, adapter, op, fault, variant = null, T, id }) {
  const obs = { op, fault, variant: variant && variant.label, T, errors: [], reports: [] };
  const env = await adapter.fresh(id);
  const key = (k) => `${env.keyPrefix}:${JSON.stringify(k)}`;
  const stored = async (k) => dataOf(await env.raw.get(key(k)));
  const clients = [];
  const make = (options = {}) => {
    const c = new QueryClient({ storage: env.storage, keyPrefix: env.keyPrefix, retry: 0, ...options });
    clients.push(c);
    return c;
  };
  const step = async (name, fn) => {
    try {
      return await fn();
    } catch (e) {
      obs.errors.push(`${name}: ${e && e.name}: ${e && e.message}`);
      return undefined;
    }
  };
  let healed = false;
  try {
    // ---- seed the store through a healthy client
    const seed = make();
    const seeded = [];
    if (fault === 'quota') {
      // distinct ages, oldest first: the candidates for eviction
      for (let i = 0; i < 8; i++) {
        seed.setQueryData(['old', i], `old ${i}`);
        await seed.flush();
        seeded.push(['old', i]);
        await sleep(3);
      }
    }
    for (const [k, v] of [[['cached'], 'from L2'], [['later'], 'later from L2'], [['doomed'], 'old'], [['doomed-2'], 'old']]) {
      seed.setQueryData(k, v);
      seeded.push(k);
    }
    await seed.flush();
    seed.dispose();
    obs.seeded = seeded.length;

    const reports = obs.reports;
    const client = make({
      storageTimeout: T,
      staleTime: 60_000,
      onStorageError: (error, operation, k) =>
        reports.push({ op: operation, key: k, name: error && error.name, message: String((error && error.message) || error) }),
    });
    // warm-up, L2 healthy: the keys this session will remove are loaded (removeQueries
    // acts on queries the client holds)
    for (const k of [['doomed'], ['doomed-2']]) await step('warm-up', () => client.fetchQuery({ queryKey: k, queryFn: net('network') }));
    if (op === 'clear') await step('warm-up', () => client.fetchQuery({ queryKey: ['cached'], queryFn: net('network') }));

    // ---- the fault
    await adapter.inject(env, op, fault, variant, { cached: key(['cached']), corrupt2: key(['corrupt-2']) });
    obs.injectedAt = now();
    if (env.note) obs.note = env.note;

    if (op === 'get') {
      const qf = net('network');
      const t0 = now();
      const value = await step('fetchQuery during the fault', () => client.fetchQuery({ queryKey: ['cached'], queryFn: qf }));
      obs.answer = { value, network: qf.calls > 0, ms: now() - t0 };
      const qf2 = net('network 2');
      const t1 = now();
      const value2 = await step('second fetchQuery', () => client.fetchQuery({ queryKey: ['cold'], queryFn: qf2 }));
      obs.second = { value: value2, network: qf2.calls > 0, ms: now() - t1 };
      if (fault === 'corrupt') {
        // a second corrupt entry read by a query whose fetch fails: nothing replaces it,
        // so whether it was deleted shows in the store
        await client.fetchQuery({ queryKey: ['corrupt-2'], queryFn: net(new Error('offline')) }).catch(() => {});
      }
      obs.reportsDuringReads = reports.length;
      // writes while reads fail
      client.setQueryData(['during'], 'd1');
      client.removeQueries({ queryKey: ['doomed'], exact: true });
      client.setQueryData(['during'], 'd2');
      await step('flush during the fault', () => client.flush());
      if (fault === 'corrupt') {
        obs.corrupt = { corrupt2: await stored(['corrupt-2']), cached: await stored(['cached']) };
      }
    } else if (op === 'set' || op === 'delete') {
      const t0 = now();
      if (op === 'set') {
        client.setQueryData(['during'], 'd1');
        client.setQueryData(['zombie'], 'z'); // removed again during the outage
      } else client.removeQueries({ queryKey: ['doomed'], exact: true });
      await step('flush during the fault', () => client.flush());
      obs.flushMs = now() - t0;
      obs.reportsAfterFirstWrite = reports.length;
      if (fault === 'quota') {
        const gone = [];
        for (const k of seeded) if ((await stored(k)).absent) gone.push(JSON.stringify(k));
        obs.quota = { gone, landed: (await stored(['during'])).data === 'd1', seeded: seeded.map((k) => JSON.stringify(k)) };
      }
      if (op === 'set') {
        const qf = net('network');
        obs.l1 = { get: client.getQueryData(['during']) };
        obs.l1.fetch = await step('fetchQuery of the unwritten key', () => client.fetchQuery({ queryKey: ['during'], queryFn: qf }));
        obs.l1.network = qf.calls > 0;
      }
      // more writes during the outage: the other kind, a newer value, removals
      if (op === 'set') {
        client.removeQueries({ queryKey: ['doomed'], exact: true });
        client.removeQueries({ queryKey: ['zombie'], exact: true });
      } else client.setQueryData(['during'], 'd1');
      client.setQueryData(['during'], 'd2');
      client.removeQueries({ queryKey: ['doomed-2'], exact: true });
      const qf = net('network 2');
      const v = await step('fetchQuery of a removed key', () => client.fetchQuery({ queryKey: ['doomed-2'], queryFn: qf }));
      obs.removedDuring = { value: v, network: qf.calls > 0 };
      await step('second flush during the fault', () => client.flush());
    } else if (op === 'clear') {
      const t0 = now();
      // The store cannot be emptied now: clear() must say so (reject), not resolve.
      obs.clearRejected = await client.clear().then(() => false, () => true);
      obs.flushMs = now() - t0;
      obs.l1Cleared = client.getQueryData(['cached']) === undefined;
      // a cleared key read during the outage must not come back from the store
      const qf = net('network 2');
      const v = await step('fetchQuery of a cleared key', () => client.fetchQuery({ queryKey: ['doomed-2'], queryFn: qf }));
      obs.removedDuring = { value: v, network: qf.calls > 0 };
      client.setQueryData(['during'], 'd2'); // written after the clear: must survive it
      await step('flush during the fault', () => client.flush());
    }
    obs.reportsBeforeHeal = reports.length;

    // ---- heal; a write issued after recovery
    await adapter.heal(env);
    healed = true;
    obs.healedAt = now();
    client.setQueryData(['after'], 'healed');
    const t2 = now();
    await step('flush after healing', () => client.flush());
    obs.recoveryFlushMs = now() - t2;
    if (env.releaseLate) {
      // a call given up during the fault completes now, after the recovery writes
      obs.late = await env.releaseLate();
      await sleep(20);
      await step('flush after the late completion', () => client.flush());
    }
    const r = (obs.recovery = {});
    if (op === 'set') r.zombie = await stored(['zombie']);
    r.after = await stored(['after']);
    r.during = await stored(['during']);
    r.doomed = await stored(['doomed']);
    if (op === 'clear') {
      r.namespace = (await env.raw.keys(`${env.keyPrefix}:`)).sort();
      r.expectedNamespace = [key(['after']), key(['doomed-2']), key(['during'])].sort();
    }
    // the same client reads L2 again
    if (op !== 'clear') {
      const qf = net('network later');
      const v = await step('fetchQuery after healing', () => client.fetchQuery({ queryKey: ['later'], queryFn: qf }));
      r.readsResume = v === 'later from L2' && qf.calls === 0;
    }
    // a reload: a fresh client over the same store
    const fresh = make({ staleTime: 60_000, storageTimeout: T });
    const qd = net('network fresh');
    r.doomedAfterReload = await step('reload: removed key', () => fresh.fetchQuery({ queryKey: ['doomed'], queryFn: qd }));
    r.doomedResurrected = qd.calls === 0;
    const qw = net('network fresh');
    r.duringAfterReload = await step('reload: written key', () => fresh.fetchQuery({ queryKey: ['during'], queryFn: qw }));
    r.duringFromL2 = qw.calls === 0;
    if (op === 'set') {
      const qz = net('network fresh');
      r.zombieAfterReload = await step('reload: key written then removed during the fault', () => fresh.fetchQuery({ queryKey: ['zombie'], queryFn: qz }));
      r.zombieResurrected = qz.calls === 0;
    }
    if (op === 'clear') {
      const qc = net('network fresh');
      r.clearedAfterReload = await step('reload: cleared key', () => fresh.fetchQuery({ queryKey: ['cached'], queryFn: qc }));
      r.clearedResurrected = qc.calls === 0;
    }
    await step('final flush', () => fresh.flush());
    obs.reportsTotal = reports.length;
  } catch (e) {
    obs.errors.push(`scenario: ${e && e.name}: ${e && e.message}`);
  } finally {
    for (const c of clients) {
      try {
        c.dispose();
      } catch {}
    }
    if (!healed) await adapter.heal(env).catch(() => {});
    if (env.cleanup) await env.cleanup().catch(() => {});
  }
  return obs;
}

/**
 * Every cell of one backend, in turn: `{ op, fault, na }` for a cell that does not
 * apply, else one observation per variant.
 */
export async function runBackend({ QueryClient, adapter, T, only = null }) {
  const out = [];
  let n = 0;
  for (const op of OPS) {
    for (const fault of FAULTS) {
      if (only && !only(op, fault)) continue;
      const na = adapter.na(op, fault);
      if (na) {
        out.push({ op, fault, na });
        continue;
      }
      for (const variant of adapter.variants(op, fault)) {
        const t0 = now();
        const obs = await runCell({ QueryClient, adapter, op, fault, variant, T, id: `${op}-${fault}-${n++}` });
        obs.ms = Math.round(now() - t0);
        out.push(obs);
      }
    }
  }
  return out;
}
