// One warning per cause for the life of the realm (a misuse met on every render would
// otherwise flood the console).

const warned = new Set();

/** `console.warn(message)` once per `id` for the life of the realm. */
export function warnOnce(id, message) {
  if (warned.has(id)) return;
  warned.add(id);
  console.warn(message);
}
