// What a client or an observer is once freed (`free()`, or the end of a `using` block):
// the instance takes a prototype on which every method and getter throws a TypeError
// naming the call, where the engine's glue would say only "null pointer passed to
// rust"; `free()`, `[Symbol.dispose]()`, `dispose()`, `destroy()` and `unmount()`, which
// let go of it, do nothing again. It stays an instance of its class.
//
// The engine's object is freed at once, unless a call into the engine is on the stack
// (free() from a listener, a queryFn, a select…): the object may be the one that call
// holds, so it is freed a microtask later, when the stack is empty. Until then it can no
// longer be reached: the instance is already on the freed prototype.

const LETTING_GO = new Set(['free', 'dispose', 'destroy', 'unmount', Symbol.dispose]);
const noop = () => {};
const freedPrototypes = new WeakMap(); // a class's prototype → the freed one

/**
 * Marks `object` freed and frees its engine object with `free` (the engine's `free`,
 * bound): now, or once the stack is empty when `inEngine`.
 */
export function freeOnce(object, free, inEngine) {
  const prototype = Object.getPrototypeOf(object);
  let freed = freedPrototypes.get(prototype);
  if (freed === undefined) {
    // The face's classes keep their names through minification (a `static name`).
    freed = freedPrototypeOf(prototype, prototype.constructor?.name || 'object');
    freedPrototypes.set(prototype, freed);
  }
  Object.setPrototypeOf(object, freed);
  if (inEngine) queueMicrotask(free);
  else free();
}

function freedPrototypeOf(prototype, className) {
  const freed = Object.create(prototype);
  const done = new Set(['constructor', '__destroy_into_raw']); // the glue's free() calls the latter
  for (let p = prototype; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Reflect.ownKeys(p)) {
      if (done.has(name)) continue;
      done.add(name);
      const { value, get } = Object.getOwnPropertyDescriptor(p, name);
      if (LETTING_GO.has(name)) {
        Object.defineProperty(freed, name, { value: noop, configurable: true, writable: true });
      } else if (typeof value === 'function') {
        const message = `stackquery: ${className}.${String(name)}() was called after free(); this ${className} can no longer be used`;
        Object.defineProperty(freed, name, { value: () => { throw new TypeError(message); }, configurable: true, writable: true });
      } else if (get !== undefined) {
        const message = `stackquery: ${className}.${String(name)} was read after free(); this ${className} can no longer be used`;
        Object.defineProperty(freed, name, { get: () => { throw new TypeError(message); }, configurable: true });
      }
    }
  }
  return freed;
}
