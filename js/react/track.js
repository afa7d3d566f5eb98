// Which result properties a component re-renders for (TanStack's `notifyOnChangeProps`):
// by default the ones it read — the hook returns the result behind a Proxy that notes
// each property read (TanStack's trackResult), and the properties noted so far are the
// ones compared; nothing read yet: every change. `notifyOnChangeProps` given (an array,
// a function giving one, or 'all') replaces the tracking. The comparison is of the
// results the component is shown (select applied), with `error` added when the hook
// may throw it.

/** The properties noted for one hook, and the Proxy that notes them. */
export class Tracker {
  props = new Set();
  #proxied = new WeakMap(); // result → its Proxy, so a kept result keeps its identity

  /** `result` behind a Proxy noting each property read. */
  track(result) {
    let proxy = this.#proxied.get(result);
    if (proxy === undefined) {
      const props = this.props;
      proxy = new Proxy(result, {
        get(target, key, receiver) {
          if (typeof key === 'string') props.add(key);
          return Reflect.get(target, key, receiver);
        },
      });
      this.#proxied.set(result, proxy);
    }
    return proxy;
  }
}

/** The properties given by `notifyOnChangeProps` (undefined: tracked; 'all': every change). */
function givenProps(notifyOnChangeProps) {
  if (typeof notifyOnChangeProps !== 'function') return notifyOnChangeProps;
  try {
    return notifyOnChangeProps();
  } catch {
    return 'all'; // a throwing option hides nothing
  }
}

/**
 * Whether a component shown `before` re-renders for `after`: a property it listens to
 * changed (`throwing`: the error too).
 */
export function shouldNotify(before, after, notifyOnChangeProps, tracker, throwing) {
  if (before === undefined || before === after) return before !== after;
  const given = givenProps(notifyOnChangeProps);
  if (given === 'all') return true;
  let props;
  if (Array.isArray(given)) props = given;
  else if (given === undefined || given === null) {
    if (tracker.props.size === 0) return true;
    props = tracker.props;
  } else return true;
  for (const key of props) if (!Object.is(before[key], after[key])) return true;
  return throwing && !Object.is(before.error, after.error);
}
