// What a hook hands its QueryObserver: the options with every function option wrapped
// to call the latest render's function (so inline arrows do not reconfigure the observer
// on every render), and the signature that tells when a value option really changed.

// TanStack's hashKey: JSON with the keys of plain objects sorted. Used only to tell
// whether options changed between renders.
function isPlainObject(value) {
  if (Object.prototype.toString.call(value) !== '[object Object]') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

function stableJson(value) {
  return JSON.stringify(value, (_, v) =>
    isPlainObject(v)
      ? Object.keys(v).sort().reduce((out, k) => {
          out[k] = v[k];
          return out;
        }, {})
      : v,
  );
}

/** The key's hash (a key that is not JSON makes client.watch throw a TypeError naming it). */
export function hashOf(queryKey) {
  try {
    return stableJson(queryKey);
  } catch {
    return '\u0000not JSON';
  }
}

// Options that may be a value or a function: passed as a wrapper either way.
const VALUE_OR_FUNCTION = new Set(['placeholderData', 'initialData']);
// Options the hooks act on themselves, never handed to the observer: select runs in render,
// throwOnError and suspense decide what the hook throws, notifyOnChangeProps and subscribed
// when it re-renders and listens (the observer's own notifyOnChangeProps filter compares
// results before select).
export const HOOK_ONLY = new Set(['select', 'throwOnError', 'suspense', 'notifyOnChangeProps', 'subscribed']);

/**
 * A string that changes when an option the observer reads by value (other than the key)
 * changes. Function options count only as "a function": their wrapper calls the latest.
 */
export function signature(options) {
  const parts = [];
  for (const name of Object.keys(options).sort()) {
    const value = options[name];
    if (name === 'queryKey' || HOOK_ONLY.has(name)) continue; // a new key is a new observer; the hook's own options
    if (VALUE_OR_FUNCTION.has(name)) parts.push([name, value === undefined ? 'u' : 'set']);
    else if (typeof value === 'function') parts.push([name, 'f']);
    else parts.push([name, value === Infinity ? 'Infinity' : value === undefined ? 'u' : value]);
  }
  try {
    return stableJson(parts);
  } catch {
    // An option that is not JSON (a BigInt or a cycle in `meta`): compared by name only.
    return `\u0000not JSON ${Object.keys(options).sort().join()}`;
  }
}

/**
 * The options handed to the observer. Every function option (queryFn, retry, retryDelay,
 * structuralSharing, …) becomes a wrapper calling the latest render's function;
 * placeholderData and initialData become functions reading the latest value.
 */
export function observerOptions(options, latest, lastData) {
  const out = {};
  for (const [name, value] of Object.entries(options)) {
    if (HOOK_ONLY.has(name)) continue;
    if (typeof value === 'function' && !VALUE_OR_FUNCTION.has(name)) {
      out[name] = (...args) => {
        const f = latest.current[name];
        return typeof f === 'function' ? f(...args) : f;
      };
    } else {
      out[name] = value;
    }
  }
  if (options.placeholderData !== undefined) {
    out.placeholderData = (previousData, previousQuery) => {
      const p = latest.current.placeholderData;
      return typeof p === 'function' ? p(previousData ?? lastData.current, previousQuery) : p;
    };
  }
  if (options.initialData !== undefined) {
    out.initialData = () => {
      const d = latest.current.initialData;
      return typeof d === 'function' ? d() : d;
    };
  }
  return out;
}

/** Whether the query is enabled: `enabled`, or what it says of the query when a function. */
export function enabledOf(client, options) {
  const enabled = options.enabled;
  if (typeof enabled !== 'function') return enabled !== false;
  try {
    return enabled(client.getQueryCache().find({ queryKey: options.queryKey, exact: true })) !== false;
  } catch {
    return true; // the observer's rule for a throwing option function: the default
  }
}

