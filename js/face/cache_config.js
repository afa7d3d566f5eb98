// The config of a `QueryCache` or `MutationCache` (`new QueryCache({ onError, … })`): an
// object whose global callbacks, when given, are functions. Checked once, at construction,
// with a TypeError naming the callback and the signature it needs.

import { describe } from './describe.js';

/** `config` (default `{}`), checked against `callbacks` (name → signature) for `what`. */
export function checkCacheConfig(config = {}, callbacks, what) {
  if (typeof config !== 'object' || config === null) {
    throw new TypeError(`${what} config must be an object { ${Object.keys(callbacks).join(', ')} }, got ${describe(config)}`);
  }
  for (const [name, signature] of Object.entries(callbacks)) {
    const fn = config[name];
    if (fn !== undefined && typeof fn !== 'function') {
      throw new TypeError(`${what}: ${name} must be a function ${signature}, got ${describe(fn)}`);
    }
  }
  return config;
}
