// Which options a hit may be answered with in JS. A hit reads each option once, in
// plain JS, and answers only when the engine would accept every one of them: anything
// it would refuse (or any shape this does not know for certain) goes to the engine,
// which gives the TypeError or RangeError naming the option. So a hit never hides an
// error a miss would give.

const NETWORK_MODES = new Set(['online', 'offlineFirst', 'always']);

const isFn = (v) => typeof v === 'function';
const isMillis = (v) => typeof v === 'number' && v >= 0; // false for NaN
const isOptionalBool = (v) => v === undefined || typeof v === 'boolean';

/**
 * The staleTime a hit answers with (`defaultStaleTime` when absent), or `undefined`
 * when the options must go to the engine.
 */
export function hitStaleTime(options, defaultStaleTime) {
  if (typeof options !== 'object' || options === null) return undefined;
  const { staleTime, queryFn, gcTime, retry, retryDelay, persist, networkMode, structuralSharing } = options;
  if (queryFn !== undefined && !isFn(queryFn)) return undefined;
  if (gcTime !== undefined && !isMillis(gcTime)) return undefined;
  if (retry !== undefined && typeof retry !== 'boolean' && !isMillis(retry) && !isFn(retry)) return undefined;
  if (retryDelay !== undefined && !isFn(retryDelay) && !(isMillis(retryDelay) && retryDelay !== Infinity)) return undefined;
  if (!isOptionalBool(persist) || !isOptionalBool(structuralSharing) && !isFn(structuralSharing)) return undefined;
  if (networkMode !== undefined && !NETWORK_MODES.has(networkMode)) return undefined;
  if (staleTime === undefined) return defaultStaleTime;
  return staleTime === 'static' || isMillis(staleTime) ? staleTime : undefined;
}

/** The engine's rule (src/core/staleness.rs) for data the mirror holds. */
export function isStale(entry, staleTime, invalidated) {
  if (staleTime === 'static') return false;
  if (invalidated) return true;
  if (staleTime === Infinity) return false;
  return Date.now() >= entry.updatedAt + staleTime;
}
