// Whether a client belongs to this entry's engine. `stackquery` and `stackquery/l1` are two
// engines, and in Node `import` and `require` of one entry load two copies: a client of one
// handed to another's observer or `hydrate` would have its wasm pointer read in the wrong
// instance (a hang, or memory not its own), so it is refused first, by name.
import * as engine from 'stackquery:engine';
import { describe } from './describe.js';

/** Throws a TypeError naming `method` unless `client` is a QueryClient of this engine. */
export function assertSameEngine(client, method) {
  if (client instanceof engine.QueryClient) return;
  const foreign = typeof client?.getQueryCache === 'function'
    ? ' from another entry or copy (stackquery and stackquery/l1 are separate engines, and so are `import` and `require` of one entry in Node: take the client and its helpers from the same one)'
    : '';
  throw new TypeError(`${method}: client must be a QueryClient of this entry, got ${describe(client)}${foreign}`);
}
