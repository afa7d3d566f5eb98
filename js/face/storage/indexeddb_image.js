// The packed image of a namespace's entries, kept by IndexedDbStorage beside the entries
// themselves so that a bulk restore reads a few dozen rows instead of one per query (each
// row read costs IndexedDB about 8 µs whatever its size: 10,000 entries took 80–120 ms to
// read one by one, against about 10 ms packed, in Chromium).
//
// Rows, under array keys (which no string key range covers, like the order records):
// - `["image", ns]`: the head `[FORMAT, SEGMENTS]`;
// - `["image", ns, n]`: segment `n`, `[keys, values]` (two arrays of one length, the
//   values the stored strings), holding copies of the entries whose key falls in it
//   (`segmentOf`);
// - `["image", ns, "mark", id, seq]`: the keys a write changed (`id`: the storage object's,
//   `seq` its count), or `true` for a write of more keys than a fold reads one by one.
//
// While the head is there, every entry key of namespace `ns` (a key starting `${ns}[`)
// that no mark lists has its exact copy in its segment, and a key without an entry has
// none (a `true` mark lists every key: the image is then of no use until packed anew). Writes never read for the image: each entry-changing transaction adds a mark of
// the keys it changed (one put), so a batch commits as soon as it is issued, as a closing
// page needs. A fold (`foldImage`), in a transaction of its own in the background, reads
// the marked keys' entries into their segments and deletes the marks; with no head it
// packs every entry. A restore (`readImage`) reads the head, the segments, the marks and
// the marked entries in one readonly transaction. A clear deletes the image with the
// entries: after a log-out no copy of the data is left in it.
//
// A writer that knows nothing of the image (a tab running a stackquery from before it,
// or the Rust face's own IndexedDB store on the same database) leaves it stale: the image
// trusts every writer of the store to be this one.

/** The image's layout; a head of any other is no image. */
const FORMAT = 1;
/** How many segments a namespace's image has: a fold rewrites only those holding marked keys. */
const SEGMENTS = 32;

/** A fold reads marked entries one by one up to this many, and packs every entry past it. */
const FOLD_KEYS_MAX = 500;
/** How many entries a pack reads per request, and how many segments it writes per step. */
const PACK_PAGE = 1_000;
const PACK_WRITES = 8;

const headKey = (ns) => ['image', ns];
const segmentKey = (ns, n) => ['image', ns, n];
const markKey = (ns, id, seq) => ['image', ns, 'mark', id, seq];
/** The head, the segments and the marks of `ns` (an array sorts after any number or string). */
const imageOf = (ns) => IDBKeyRange.bound(headKey(ns), ['image', ns, []]);
const segmentsOf = (ns) => IDBKeyRange.bound(segmentKey(ns, 0), segmentKey(ns, SEGMENTS));
const marksOf = (ns) => IDBKeyRange.bound(['image', ns, 'mark'], ['image', ns, 'mark', []]);
/** The images of every namespace starting with `prefix`. */
const imagesUnder = (prefix) => IDBKeyRange.bound(headKey(prefix), ['image', `${prefix}\uffff`, []]);
const entriesOf = (ns) => IDBKeyRange.bound(`${ns}[`, `${ns}[\uffff`);
const isHead = (stored) => Array.isArray(stored) && stored[0] === FORMAT && stored[1] === SEGMENTS;
/** A stored segment: `[keys, values]`, two arrays of one length. */
const isSegment = (stored) =>
  Array.isArray(stored) && Array.isArray(stored[0]) && Array.isArray(stored[1]) && stored[0].length === stored[1].length;

/** Which segment an entry key is packed in (FNV-1a over its UTF-16 code units). */
export function segmentOf(key) {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % SEGMENTS;
}

/**
 * The namespaces `key` would be an entry of: every `ns` ending in `:` with `${ns}[`
 * starting `key` (a namespace is `${keyPrefix}:`). Usually one.
 */
function namespacesOf(key) {
  const found = [];
  for (let i = key.indexOf(':['); i !== -1; i = key.indexOf(':[', i + 1)) found.push(key.slice(0, i + 1));
  return found;
}

/**
 * Adds the marks of a write that changes the entries `keys` (strings; others are no
 * entries), one row per namespace they belong to, in the write's transaction; the
 * namespaces marked. `mark`: the storage object's `{ id, seq }`, counted on.
 */
export function markWritten(store, keys, mark) {
  const byNamespace = new Map();
  // Each key's namespaces as `namespacesOf` finds them, the last one's string reused: a
  // batch's keys are nearly always of one, and reusing it spares a slice and a hash per
  // key (10,000 keys, a cold call: 16 → 3 ms in Chromium; 11 → 6 ms in Node, median of 7;
  // calling `namespacesOf` with the known strings instead allocates an array per key and
  // took 14 ms).
  let last = '';
  for (const key of keys) {
    if (typeof key !== 'string') continue;
    for (let i = key.indexOf(':['); i !== -1; i = key.indexOf(':[', i + 1)) {
      const ns = i + 1 === last.length && key.startsWith(last) ? last : (last = key.slice(0, i + 1));
      let marked = byNamespace.get(ns);
      if (marked === undefined) byNamespace.set(ns, (marked = []));
      // Past what a fold reads one by one, the fold packs everything anyway: `true` says
      // so without writing every key again.
      if (marked.length <= FOLD_KEYS_MAX) marked.push(key);
    }
  }
  for (const [ns, marked] of byNamespace) {
    store.put(marked.length > FOLD_KEYS_MAX ? true : marked, markKey(ns, mark.id, mark.seq++));
  }
  return [...byNamespace.keys()];
}

/**
 * Deletes, whole, the images of every namespace that a deletion of all keys starting with
 * `prefix` touches: a segment must not keep a copy of a deleted entry.
 */
export function forgetImagesUnder(store, prefix) {
  store.delete(imagesUnder(prefix));
  // Namespaces holding only some of those keys (`prefix` goes past their `${ns}[`).
  for (const ns of namespacesOf(prefix)) store.delete(imageOf(ns));
}

/** After namespace `ns` was emptied in this transaction: an image of nothing, exact. */
export function emptyImage(store, ns) {
  store.delete(imageOf(ns));
  store.put([FORMAT, SEGMENTS], headKey(ns));
}

/** The keys that `marks` (stored mark rows) list, once each; `null` when one marks every entry. */
function markedKeys(marks) {
  const keys = new Set();
  for (const mark of marks) {
    if (!Array.isArray(mark)) return null;
    for (const key of mark) if (typeof key === 'string') keys.add(key);
  }
  return keys;
}

/**
 * Reads namespace `ns`'s entries from its image in `store`'s (readonly) transaction.
 * `read(request, step)` issues a read whose answer runs `step`. Calls `done(entries,
 * marked)` with `[keys, values]` (segment by segment, not in key order) and whether marks
 * were folded in, or `done(null, corrupt)` when the namespace has no usable image
 * (`corrupt`: it has a head, and a segment that is not one).
 */
export function readImage(store, ns, read, done) {
  let head;
  let segments;
  read(store.get(headKey(ns)), (h) => {
    head = h;
  });
  read(store.getAll(segmentsOf(ns)), (s) => {
    segments = s;
  });
  read(store.getAll(marksOf(ns)), (marks) => {
    if (!isHead(head) || !segments.every(isSegment)) {
      done(null, isHead(head));
      return;
    }
    const marked = markedKeys(marks);
    if (marked === null) {
      done(null, false);
      return;
    }
    const copies = new Map();
    const keys = [];
    const values = [];
    if (marked.size === 0) {
      for (const [k, v] of segments) {
        for (let i = 0; i < k.length; i++) {
          keys.push(k[i]);
          values.push(v[i]);
        }
      }
      done([keys, values], false);
      return;
    }
    for (const [k, v] of segments) for (let i = 0; i < k.length; i++) copies.set(k[i], v[i]);
    let unanswered = marked.size;
    for (const key of marked) {
      read(store.get(key), (value) => {
        if (value === undefined) copies.delete(key);
        else copies.set(key, value);
        if (--unanswered > 0) return;
        for (const [k, v] of copies) {
          keys.push(k);
          values.push(v);
        }
        done([keys, values], true);
      });
    }
  });
}

/**
 * Folds namespace `ns`'s marks into its image in `store`'s (readwrite) transaction: the
 * marked keys' entries are read into their segments and the marks deleted; with no image
 * (or `repack`: one found corrupt), every entry is read and packed. `read` as for
 * `readImage`.
 */
export function foldImage(store, ns, read, repack) {
  let head;
  let markKeys;
  read(store.get(headKey(ns)), (h) => {
    head = h;
  });
  read(store.getAllKeys(marksOf(ns)), (k) => {
    markKeys = k;
  });
  read(store.getAll(marksOf(ns)), (marks) => {
    if (repack || !isHead(head)) {
      pack(store, ns, read);
      return;
    }
    const marked = markedKeys(marks);
    if (marked?.size === 0) return;
    // Each get costs the page about 15 µs: past this many, one pass over every entry is cheaper.
    if (marked === null || marked.size > FOLD_KEYS_MAX) {
      pack(store, ns, read);
      return;
    }
    const segments = new Map();
    const entries = new Map();
    let unanswered = marked.size;
    const touched = new Set([...marked].map(segmentOf));
    unanswered += touched.size;
    const answered = () => {
      if (--unanswered > 0) return;
      for (const n of touched) {
        const stored = segments.get(n);
        const copies = new Map();
        if (isSegment(stored)) stored[0].forEach((k, i) => copies.set(k, stored[1][i]));
        for (const [key, value] of entries) {
          if (segmentOf(key) !== n) continue;
          if (value === undefined) copies.delete(key);
          else copies.set(key, value);
        }
        if (copies.size === 0) store.delete(segmentKey(ns, n));
        else store.put([[...copies.keys()], [...copies.values()]], segmentKey(ns, n));
      }
      for (const key of markKeys) store.delete(key);
    };
    for (const n of touched) {
      read(store.get(segmentKey(ns, n)), (segment) => {
        segments.set(n, segment);
        answered();
      });
    }
    for (const key of marked) {
      read(store.get(key), (value) => {
        entries.set(key, typeof key === 'string' && key.startsWith(`${ns}[`) ? value : undefined);
        answered();
      });
    }
  });
}

/**
 * Packs every entry of `ns` into a new image (its marks, and any old segment, deleted),
 * reading PACK_PAGE entries at a time so that no step holds the page long.
 */
function pack(store, ns, read) {
  const segments = Array.from({ length: SEGMENTS }, () => [[], []]);
  const page = (range) => {
    const found = store.getAllKeys(range, PACK_PAGE);
    read(store.getAll(range, PACK_PAGE), (values) => {
      const keys = found.result;
      keys.forEach((key, i) => {
        const [k, v] = segments[segmentOf(key)];
        k.push(key);
        v.push(values[i]);
      });
      if (keys.length === PACK_PAGE) {
        page(IDBKeyRange.bound(keys[keys.length - 1], `${ns}[\uffff`, true));
        return;
      }
      store.delete(imageOf(ns));
      write(0);
    });
  };
  // The segments, PACK_WRITES at a time (each put copies its segment on the page's thread).
  const write = (from) => {
    const to = Math.min(from + PACK_WRITES, SEGMENTS);
    for (let n = from; n < to; n++) {
      const segment = segments[n];
      if (segment[0].length === 0) continue;
      const put = store.put(segment, segmentKey(ns, n));
      if (n === to - 1 && to < SEGMENTS) read(put, () => write(to));
    }
    if (to === SEGMENTS) store.put([FORMAT, SEGMENTS], headKey(ns));
    else if (segments[to - 1][0].length === 0) write(to);
  };
  page(entriesOf(ns));
}
