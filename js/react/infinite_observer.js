// Where the hooks get an `InfiniteQueryObserver` of a client: the client's own
// `watchInfinite(options)` when it has one, else stackquery's class (stackquery is external
// to the hooks' bundle, so this is the app's one copy of it).
import { InfiniteQueryObserver } from 'stackquery';

/** A new InfiniteQueryObserver of `client` with `options`. */
export function watchInfinite(client, options) {
  if (typeof client.watchInfinite === 'function') return client.watchInfinite(options);
  return new InfiniteQueryObserver(client, options);
}
