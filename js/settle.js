// A native promise that settles as a value does: `new Promise((resolve) => resolve(value))`.
// A thenable's `then` is looked up and called by the promise machinery, which turns what it
// throws into a rejection, so no user `then` can stand in for it; the engine awaits only
// promises made here from what user code returned (src/bindings/promise.rs `settle`).
// One call from wasm, where `Promise::new` with a Rust executor took four crossings.
// Imported by the engine's glue; the build bundles it once per entry.

const NativePromise = Promise;

export function settle(value) {
  return new NativePromise((resolve) => resolve(value));
}
