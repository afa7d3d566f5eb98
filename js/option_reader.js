// Reading an options object for the engine in one call (src/bindings/option_reader.rs):
// the properties of one fixed list are read here, in order, where a property read is
// what the JIT makes of it, and each value's kind (and a number's value) is written into
// `out`, a view of the engine's memory: the engine then checks kinds and numbers without a
// call per property or per check. The values themselves come back as one array, from which
// the engine takes only those it keeps or must name in an error (keys, functions, strings).
// A getter that throws ends the reading: its error is handed back with the values read
// before it, for the engine to throw once those passed its checks (the options after it
// are not read), as when the engine read and checked them one by one. A getter that grows the engine's memory leaves
// `out` detached, and the engine then classifies the values itself (the kinds it finds
// unwritten).
// Imported by the engine's glue; the build bundles it once per entry.

// The lists, by number: the order is option_reader.rs's.
const LISTS = [
  // a query's options (fetchQuery & co., observers, restoreQueries)
  ['queryKey', 'queryFn', 'staleTime', 'gcTime', 'retry', 'retryDelay', 'initialData', 'initialDataUpdatedAt', 'meta', 'persist', 'networkMode', 'structuralSharing'],
  // an observer's own
  ['enabled', 'refetchOnWindowFocus', 'refetchOnReconnect', 'refetchInterval', 'refetchOnMount', 'retryOnMount', 'refetchIntervalInBackground'],
  // a client's
  ['maxEntries', 'staleTime', 'gcTime', 'retry', 'retryDelay', 'runtime', 'networkMode', 'refetchOnWindowFocus', 'refetchOnReconnect'],
];

// Kinds: option_reader.rs's `Kind`.
const UNDEFINED = 0, NUMBER = 1, TRUE = 2, FALSE = 3, FUNCTION = 4, STRING = 5, NULL = 6, OTHER = 7;

/**
 * Reads list `list` of `options` into `out` ([kind, number] per name); returns the values.
 * A getter that throws ends the reading there: the array then has one more element, the
 * index of the name whose getter threw, and holds its error at that index: the engine
 * throws it after checking the options before it (an earlier option's TypeError first).
 */
function readOptions(options, list, out) {
  const names = LISTS[list];
  const values = new Array(names.length);
  for (let i = 0; i < names.length; i++) {
    let value;
    try {
      value = options[names[i]];
    } catch (error) {
      values[i] = error;
      values.push(i);
      return values;
    }
    values[i] = value;
    let kind = OTHER;
    switch (typeof value) {
      case 'undefined': kind = UNDEFINED; break;
      case 'number': kind = NUMBER; out[2 * i + 1] = value; break;
      case 'boolean': kind = value ? TRUE : FALSE; break;
      case 'function': kind = FUNCTION; break;
      case 'string': kind = STRING; break;
      default: if (value === null) kind = NULL;
    }
    out[2 * i] = kind;
  }
  return values;
}

export { readOptions };
