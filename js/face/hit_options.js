// Which options a hit may be answered with in JS. A hit reads each option once, in
// plain JS, and answers only when the engine would accept every one of them: anything
// it would refuse (or any shape this does not know for certain) goes to the engine,
// which gives the TypeError or RangeError naming the option. So a hit never hides an
// error a miss would give. (On a miss the engine reads the options again: a getter on
// an options object runs twice then.)
import { skipToken } from './skip_token.js';

const NETWORK_MODES = new Set(['online', 'offlineFirst', 'always']);

const isFn = (v) => typeof v === 'function';
const isMillis = (v) => typeof v === 'number' && v >= 0; // false for NaN
const isOptionalBool = (v) => v === undefined || typeof v === 'boolean';

/** What the last successful `readHitOptions` read (reused: a hit allocates nothing). */
export const hitOptions = { staleTime: 0, gcTime: 0 };

/**
 * Reads `options` for a hit into `hitOptions` (the client's defaults where absent);
 * false when they must go to the engine.
 */
export function readHitOptions(options, defaultStaleTime, defaultGcTime) {
  if (typeof options !== 'object' || options === null) return false;
  // initialData and meta are read too: a throwing getter there is the engine's to report.
  // eslint-disable-next-line no-unused-vars
  const { staleTime, queryFn, gcTime, retry, retryDelay, persist, networkMode, structuralSharing, initialData, meta } = options;
  if (queryFn !== undefined && !isFn(queryFn) && queryFn !== skipToken) return false;
  if (gcTime !== undefined && !isMillis(gcTime)) return false;
  if (retry !== undefined && typeof retry !== 'boolean' && !isMillis(retry) && !isFn(retry)) return false;
  if (retryDelay !== undefined && !isFn(retryDelay) && !(isMillis(retryDelay) && retryDelay !== Infinity)) return false;
  if (!isOptionalBool(persist) || !isOptionalBool(structuralSharing) && !isFn(structuralSharing)) return false;
  if (networkMode !== undefined && !NETWORK_MODES.has(networkMode)) return false;
  if (staleTime !== undefined && staleTime !== 'static' && !isMillis(staleTime)) return false;
  hitOptions.staleTime = staleTime === undefined ? defaultStaleTime : staleTime;
  hitOptions.gcTime = gcTime === undefined ? defaultGcTime : gcTime;
  return true;
}

/** The engine's rule (src/core/staleness.rs) for data the mirror holds. */
export function isStale(entry, staleTime, invalidated) {
  if (staleTime === 'static') return false;
  if (invalidated) return true;
  if (staleTime === Infinity) return false;
  return Date.now() >= entry.updatedAt + staleTime;
}
