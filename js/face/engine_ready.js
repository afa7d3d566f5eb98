// Whether the engine is there yet. The package's entries instantiate it while they load;
// only where a host refuses a synchronous WebAssembly compile (Chromium before 114 on a
// page's main thread) does it arrive later (js/entries/web.js), and until then making a
// client fails with this error rather than with a TypeError from inside the glue.

let waiting = null; // the engine's promise while it loads
let failure = null; // why it did not

/** Called by an entry whose engine is being instantiated asynchronously. */
export function engineLoading(promise) {
  waiting = promise;
  promise.then(
    () => { waiting = null; },
    (e) => { waiting = null; failure = e; },
  );
}

/** Throws a clear Error while the engine is loading or after it failed to. */
export function assertEngineReady() {
  if (waiting) {
    throw new Error("stackquery: the engine is still loading (this host refused to compile WebAssembly synchronously): await init() from 'stackquery/web' before making a client");
  }
  if (failure) throw new Error(`stackquery: the engine could not be loaded: ${failure?.message ?? failure}`, { cause: failure });
}

/** Whether the engine can be called now (it has loaded). */
export const engineUsable = () => waiting === null && failure === null;
