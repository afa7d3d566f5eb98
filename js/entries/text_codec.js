// TextDecoder and TextEncoder for the CommonJS entry's glue, injected by the build in place
// of the globals (esbuild `inject`): jsdom, the browser environment of Jest and of other
// CommonJS test runners, has neither, while the Node process underneath has both.
const util = typeof globalThis.TextDecoder === 'function' ? null : globalThis.process?.getBuiltinModule?.('node:util');
const Decoder = util?.TextDecoder ?? globalThis.TextDecoder;
const Encoder = util?.TextEncoder ?? globalThis.TextEncoder;
export { Decoder as TextDecoder, Encoder as TextEncoder };
