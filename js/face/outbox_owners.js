// Who owns a record of the mutation outbox (mutation_outbox.js): the JS realm (page, worker,
// process) running it, by a random id made once per realm. Where the Web Locks API exists
// (browsers), a realm that wrote or took over a record holds the lock `OWNER_LOCK + id` for
// as long as it lives, so another tab of the origin can tell a record whose run is under way
// there (its owner's lock is held: leave it) from one cut short by a reload or a closed tab
// (nobody holds it: run it again); and resumes take records over one tab at a time
// (`exclusively`). Without Web Locks (Node, Deno, workers of some hosts) a realm knows only
// its own runs: across processes, resuming is best effort (see pkg-template/README.md).
//
// A page holding a Web Lock is not put in the back/forward cache by Chromium: the lock is
// taken only when a page first persists or resumes a mutation.

const OWNER_LOCK = 'stackquery-outbox-owner:';

let ownerId;
/** This realm's owner id, made on first use: hosts such as Cloudflare Workers refuse random
 * values in a module's global scope. */
export function owner() {
  return (ownerId ??= randomId(16));
}

let held; // resolves once this realm holds its owner lock (or at once without Web Locks)

const webLocks = () => {
  const locks = globalThis.navigator?.locks;
  return locks && typeof locks.request === 'function' && typeof locks.query === 'function' ? locks : undefined;
};

/** Resolves once other tabs can see that this realm is alive (at once without Web Locks). */
export function ownerLockHeld() {
  if (held !== undefined) return held;
  const locks = webLocks();
  if (locks === undefined) return (held = Promise.resolve());
  held = new Promise((resolve) => {
    try {
      // Granted at once (nobody else asks for this name); released when the realm ends.
      locks.request(`${OWNER_LOCK}${owner()}`, () => {
        resolve();
        return new Promise(() => {});
      }).catch(resolve);
    } catch {
      resolve(); // a sandboxed frame may refuse: resuming there is best effort
    }
  });
  return held;
}

/** The owner ids whose realm is alive now, or `undefined` where that cannot be known. */
export async function liveOwners() {
  const locks = webLocks();
  if (locks === undefined) return undefined;
  try {
    const { held: locksHeld = [] } = await locks.query();
    const live = new Set();
    for (const { name } of locksHeld) {
      if (typeof name === 'string' && name.startsWith(OWNER_LOCK)) live.add(name.slice(OWNER_LOCK.length));
    }
    return live;
  } catch {
    return undefined;
  }
}

/** `task()` while holding the lock `name` across this origin's tabs (Web Locks); else just `task()`. */
export function exclusively(name, task) {
  const locks = webLocks();
  if (locks === undefined) return task();
  try {
    return locks.request(name, task);
  } catch {
    return task();
  }
}

/** `length` random characters of [0-9a-z]. */
export function randomId(length) {
  const bytes = new Uint8Array(length);
  if (typeof globalThis.crypto?.getRandomValues === 'function') globalThis.crypto.getRandomValues(bytes);
  else for (let i = 0; i < length; i++) bytes[i] = Math.floor(Math.random() * 256);
  let id = '';
  for (const b of bytes) id += (b % 36).toString(36);
  return id;
}
