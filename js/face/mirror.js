// The face's mirror of what the engine answered for each key: data, dataUpdatedAt and
// a few flags, read from wasm only on a miss (`__peek`). Exact by construction: the
// engine bumps its client's epoch, a u32 in wasm memory, on every borrow of the cache
// that may change it (src/bindings/face_link.rs); the mirror holds answers read at one
// epoch and forgets them all the moment the epoch moves. Reading the epoch is one
// typed-array load, not a call into wasm.
//
// LRU touches of hits are kept here and handed over in batches, in the order they were
// made: a flag in wasm memory tells the engine some are pending, and it drains them
// before any change to its cache, so its LRU order is exactly that of the calls.

import { __memory } from 'stackquery:engine';

export const EXISTS = 1;
export const HAS_DATA = 2;
export const HYDRATED = 4;
export const INVALIDATED = 8;
export const BUSY = 16;

// Answers one epoch keeps beyond the client's maxEntries (keys asked for that are not
// in the cache): a page reading ever new keys while nothing changes stays bounded.
const MAX_ABSENT = 4096;
// Touches sent without waiting for the engine to ask.
const MAX_PENDING = 4096;

// Views on the one wasm memory. Growing the memory detaches the old buffer; a detached
// view reads `undefined`, which is when a view is made again.
let memory;
/** The u32 view (exported for the observers' fast path: an index read past a detached view is `undefined`). */
export let u32 = new Uint32Array(0);
let f64 = new Float64Array(0);
function remakeViews() {
  memory ??= __memory();
  u32 = new Uint32Array(memory.buffer);
  f64 = new Float64Array(memory.buffer);
}
function u32At(index) {
  const v = u32[index];
  if (v !== undefined) return v;
  remakeViews();
  return u32[index];
}
function f64At(index) {
  const v = f64[index];
  if (v !== undefined) return v;
  remakeViews();
  return f64[index];
}
function u32Set(index, value) {
  if (u32[index] === undefined) remakeViews();
  u32[index] = value;
}

// The mirror of each face client, for its observers.
export const mirrors = new WeakMap();

// The LRU touches of a client's hits, in the order of each query's last hit. Kept apart
// from the mirror: the engine holds the function that drains them, and it must not
// reach the client (or the client would never be collected).
class Touches {
  list = [];
  tick = 0;
  flagIndex = 0;

  /** The pending touches' hashes, oldest first; lowers the flag. */
  drain() {
    const list = this.list;
    this.list = [];
    u32Set(this.flagIndex, 0);
    list.sort((a, b) => a.tick - b.tick);
    const out = new Array(list.length);
    for (let i = 0; i < list.length; i++) {
      list[i].pending = false;
      out[i] = list[i].hash; // an entry of an older epoch may share a hash: the later tick wins
    }
    return out;
  }
}
const drainOf = (touches) => () => touches.drain();

export class Mirror {
  /** The client's default `staleTime`. */
  staleTime;
  #engine;
  #capacity;
  /** Where the client's epoch and call depth are in the u32 view (`u32[mirror.epochAt]`). */
  epochAt;
  depthAt;
  #peekIndex;
  #refusedIndex;
  #freshUntilIndex;
  #epoch = -1;
  #entries = new Map();
  #touches = new Touches();

  constructor(engine, staleTime, maxEntries) {
    this.#engine = engine;
    this.staleTime = staleTime;
    this.#capacity = Math.min(maxEntries, 1 << 24) + MAX_ABSENT;
    mirrors.set(engine, this);
    const [epoch, peek, pending, refused, depth, freshUntil] = engine.__faceSlots(drainOf(this.#touches), typeof WeakRef === 'function' ? new WeakRef(engine) : undefined);
    this.epochAt = epoch >>> 2;
    this.#peekIndex = peek >>> 3;
    this.#touches.flagIndex = pending >>> 2;
    this.#refusedIndex = refused >>> 2;
    this.depthAt = depth >>> 2;
    this.#freshUntilIndex = freshUntil >>> 3;
  }

  /**
   * Until when the result an observer's engine `getCurrentResult()` just gave holds: the
   * instant its data turns stale under the observer's own staleTime (Infinity: never,
   * or it is stale already). Read right after that call, before any other.
   */
  freshUntil() {
    return f64At(this.#freshUntilIndex);
  }

  /** The client's epoch: it moves whenever the engine may have changed the cache. */
  epoch() {
    return u32At(this.epochAt);
  }

  /** How many reads of the cache the engine refused (it was borrowed): a count. */
  refusals() {
    return u32At(this.#refusedIndex);
  }

  /**
   * Whether a call into the engine is on the stack (user code called from it): the face
   * then answers nothing itself, so the engine's nesting guard and borrow rules decide.
   */
  inEngine() {
    return u32At(this.depthAt) !== 0;
  }

  /**
   * What the engine holds for `hash` now: `{ data, updatedAt, flags, staleTime, gcTime }`
   * (the query's own staleTime, -1 for 'static', and gcTime).
   */
  get(hash) {
    const epoch = u32At(this.epochAt);
    if (epoch !== this.#epoch) {
      this.#entries.clear();
      this.#epoch = epoch;
    }
    let entry = this.#entries.get(hash);
    if (entry === undefined) {
      const data = this.#engine.__peek(hash);
      const at = this.#peekIndex;
      const flags = f64At(at + 1);
      entry = { hash, data, updatedAt: f64At(at), flags, staleTime: f64At(at + 2), gcTime: f64At(at + 3), tick: 0, pending: false };
      if (flags & BUSY) return entry; // not an answer to keep
      if (this.#entries.size >= this.#capacity) this.#entries.clear();
      this.#entries.set(hash, entry);
    }
    return entry;
  }

  /** A hit used the query (LRU). */
  touch(entry) {
    const touches = this.#touches;
    entry.tick = ++touches.tick;
    if (entry.pending) return;
    entry.pending = true;
    if (touches.list.push(entry) === 1) u32Set(touches.flagIndex, 1);
    else if (touches.list.length >= MAX_PENDING) this.#engine.__touch(touches.drain());
  }

  /** False once the client is disposed or freed: nothing is read or kept any more. */
  live = true;
  #closers = new Set();

  /**
   * Calls `fn` when the client is disposed or freed (at once if it is): what holds a global
   * subscription for the client lets go then. Returns the cancel.
   */
  onClose(fn) {
    if (!this.live) {
      fn();
      return () => {};
    }
    this.#closers.add(fn);
    return () => this.#closers.delete(fn);
  }

  /** Hands the pending touches to the engine now and forgets every answer, for good. */
  close() {
    this.live = false;
    this.#entries.clear();
    if (this.#touches.list.length) this.#engine.__touch(this.#touches.drain());
    const closers = [...this.#closers];
    this.#closers.clear();
    for (const fn of closers) fn();
  }
}
