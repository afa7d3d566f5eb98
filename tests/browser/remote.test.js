// RemoteStorage from a page in headless Chromium, against a real Redis behind the
// Upstash REST protocol. scripts/test.sh starts it first:
//   node tests/servers/remote-store.mjs 38479 38480
const STORE = 'http://127.0.0.1:38479';
const CONTROL = 'http://127.0.0.1:38480';
const TOKEN = 'stackquery-test-token';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}
async function control(path, method = 'POST') {
  try {
    return await (await fetch(CONTROL + path, { method })).json();
  } catch (e) {
    throw new Error(`the remote store test server is not running (start it with: node tests/servers/remote-store.mjs 38479 38480): ${e}`);
  }
}
async function command(parts) {
  const r = await fetch(STORE, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(parts) });
  return (await r.json()).result;
}

export async function remoteStoreFromTheBrowser(make, lib) {
  await control('/start');
  await control('/reset');
  const prefix = `page-${Date.now()}`;
  const a = make({ storage: lib.RemoteStorage({ url: STORE, token: TOKEN }), keyPrefix: prefix });
  for (let i = 0; i < 50; i++) a.setQueryData(['item', i], { i });
  await a.fetchQuery({ queryKey: ['user'], queryFn: async () => ({ name: 'Ada' }) });
  await a.flush();
  const stats = await control('/stats', 'GET');
  // one cold read of ['user'] (a GET); the 51 writes in pipeline requests, none alone
  assert(stats.requests['/'] === 1 && stats.requests['/pipeline'] <= 2, `51 writes used the pipeline: ${JSON.stringify(stats.requests)}`);
  const raw = await command(['GET', `${prefix}:["user"]`]);
  assert(raw && JSON.parse(raw).data.name === 'Ada', 'write-behind reached Redis');
  const pttl = await command(['PTTL', `${prefix}:["user"]`]);
  assert(pttl > 0, `a TTL is set (PTTL ${pttl})`);

  const b = make({ storage: lib.RemoteStorage({ url: STORE, token: TOKEN }), keyPrefix: prefix, staleTime: 60_000 });
  let calls = 0;
  const user = await b.fetchQuery({ queryKey: ['user'], queryFn: async () => { calls++; return 'net'; } });
  assert(user.name === 'Ada' && calls === 0, 'a second client hydrates without calling queryFn');
}

export async function remoteStoreFailuresFallBackToL1(make, lib) {
  await control('/start');
  const reports = [];
  const wrong = make({
    storage: lib.RemoteStorage({ url: STORE, token: 'not-the-token' }),
    onStorageError: (e, op) => reports.push(String(e.message)),
  });
  assert((await wrong.fetchQuery({ queryKey: ['w'], queryFn: async () => 'net' })) === 'net', 'a wrong token: queries still work');
  assert(reports.length === 1 && /refused the token/.test(reports[0]) && !reports[0].includes('not-the-token'), `reported once, token hidden: ${reports}`);

  const prefix = `outage-${Date.now()}`;
  const outages = [];
  const client = make({ storage: lib.RemoteStorage({ url: STORE, token: TOKEN }), keyPrefix: prefix, storageTimeout: 1_000, onStorageError: (e, op) => outages.push(op) });
  await control('/stop');
  assert((await client.fetchQuery({ queryKey: ['x'], queryFn: async () => 'during' })) === 'during', 'the store stopped: queries keep working');
  client.setQueryData(['queued'], 1);
  await client.flush();
  assert(outages.length === 1, `one report: ${outages}`);
  await control('/start');
  await sleep(1_100);
  client.setQueryData(['after'], 2);
  await client.flush();
  assert(await command(['GET', `${prefix}:["after"]`]), 'restarted: L2 resumes');
  assert(await command(['GET', `${prefix}:["queued"]`]), 'and the write queued during the outage landed');
}
