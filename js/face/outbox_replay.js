// Running the mutation outbox again (mutation_outbox.js): `client.resumePausedMutations()`
// (client.js) and the network coming back run each stored record that nobody is running —
// a run cut short by a reload, a crash or a restart — as a new mutation of the client, made
// with the options `setMutationDefaults` (or `defaultOptions.mutations`) gives its
// mutationKey, its scope id and its variables. Records are started oldest first, so those
// of one scope run one after another in the order they were submitted (mutation.js's
// scopes); those without a scope run side by side, as in TanStack. Once a run settles its
// record goes — on an error after its retries too (reported through the MutationCache's
// onError, as any mutation's), so a record is never replayed forever.
//
// Each record runs once per acknowledgement: in this realm a record is taken synchronously
// before it runs (MutationOutbox.claim), so concurrent resumes, and every client on the same
// storage object and keyPrefix, take it once; a record whose mutationFn is running here now
// is never taken. Across tabs (Web Locks: outbox_owners.js) records are taken under one
// lock, only from realms that are gone, and re-owned before they run. Across processes
// without Web Locks it is best effort: resume where the process that wrote a record is
// known to be gone (at start-up, say).
//
// A record whose key has no mutationFn stays, with one warning naming the key; it runs at a
// later resume once one is registered.

import { Mutation } from './mutation.js';
import { outboxOf } from './mutation_outbox.js';
import { warnOnce } from './warn_once.js';
import { onlineManager } from '../managers.js';
import { owner, exclusively, liveOwners, ownerLockHeld } from './outbox_owners.js';

const plainMutate = Mutation.prototype.mutate;
const noop = () => {};

/** Runs the records of `client`'s outbox nobody runs; resolves when those runs settled. */
export async function replayOutbox(client) {
  const outbox = outboxOf(client);
  if (outbox === undefined || outbox.closed) return;
  const taken = await exclusively(`stackquery-outbox:${outbox.keyPrefix}`, () => take(client, outbox));
  const runs = [];
  for (const record of taken) runs.push(run(client, outbox, record));
  await Promise.all(runs);
}

/** The records this call runs, taken (and, across tabs, re-owned) under the outbox lock. */
async function take(client, outbox) {
  let records;
  try {
    records = await outbox.records();
  } catch {
    return []; // reported by the outbox
  }
  if (outbox.closed) return [];
  const live = await liveOwners(); // undefined: only this realm's runs are known
  const taken = [];
  for (const record of records) {
    if (live !== undefined && record.owner !== owner() && live.has(record.owner)) continue; // running in another tab
    if (typeof mutationFnOf(client, record.mutationKey) !== 'function') {
      const key = JSON.stringify(record.mutationKey);
      warnOnce(`outbox-no-fn:${key}`, `stackquery: a persisted mutation of key ${key} waits in the outbox: register its mutationFn with setMutationDefaults(${key}, { mutationFn }) before resumePausedMutations()`);
      continue;
    }
    if (!outbox.claim(record.id)) continue; // running here, or taken by another resume
    if (live !== undefined && record.owner !== owner()) {
      await ownerLockHeld();
      if (!(await outbox.rewrite({ ...record, owner: owner() }))) {
        outbox.unclaim(record.id);
        continue;
      }
    }
    taken.push(record);
  }
  return taken;
}

function mutationFnOf(client, mutationKey) {
  try {
    return client.defaultMutationOptions({ mutationKey }).mutationFn;
  } catch {
    return undefined;
  }
}

/** One record's run, as a new mutation of `client`; resolves when it settled. */
function run(client, outbox, record) {
  const entry = outbox.entryOf(record);
  let mutation;
  let running;
  try {
    mutation = client.mutation({ mutationKey: record.mutationKey, scope: typeof record.scope === 'string' ? { id: record.scope } : undefined });
    // The Mutation's own mutate: the record exists already (a persisted `mutate` would add one).
    running = plainMutate.call(mutation, record.variables, undefined);
  } catch (error) {
    outbox.release(entry);
    warnOnce(`outbox-replay:${JSON.stringify(record.mutationKey)}`, `stackquery: a persisted mutation of key ${JSON.stringify(record.mutationKey)} could not be run again: ${error?.message ?? error}`);
    return Promise.resolve();
  }
  return outbox.settle(entry, running); // once its record was deleted: a process may exit then
}

/** Runs the outbox again each time the network comes back; returns the unsubscribe. Holds `client` weakly. */
export function replayOnReconnect(client) {
  const ref = typeof WeakRef === 'function' ? new WeakRef(client) : { deref: () => client };
  return onlineManager.subscribe((online) => {
    if (!online) return;
    // After the engine's setOnline returns (a client call from inside it would be re-entry).
    Promise.resolve().then(() => {
      const c = ref.deref();
      if (c !== undefined) return replayOutbox(c);
    }).catch(noop);
  });
}
