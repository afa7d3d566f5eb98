// Types of `stackquery/web`: the package's API. The engine is instantiated when the module
// loads; `init` and `initSync` remain for code written for earlier versions, which had to
// call one first, and return at once.
export * from './index.js';

/** Kept for earlier code: the engine is ready when the import resolves; this returns at once. */
export default function init(moduleOrPath?: unknown): Promise<unknown>;

/** Kept for earlier code: the engine is ready when the import resolves; this returns at once. */
export function initSync(module?: unknown): unknown;
