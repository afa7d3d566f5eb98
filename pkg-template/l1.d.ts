// Types of `stackquery/l1`, the build without L2: the package's API without the built-in
// stores, and a client that refuses `storage` (a TypeError).
export * from './api.js';

/** Kept for earlier code: the engine is ready when the import resolves; this returns at once. */
export default function init(moduleOrPath?: unknown): Promise<unknown>;

/** Kept for earlier code: the engine is ready when the import resolves; this returns at once. */
export function initSync(module?: unknown): unknown;
