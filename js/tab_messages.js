// The messages a tab sends the others sharing its store about one query
// (src/bindings/broadcast.rs says what each field means): made here, one object literal
// each, rather than field by field from wasm: one call into JS a change, not six. They
// are made only when posted: while no other tab listens, changes wait in wasm memory.

/** New settled data (or an invalidation) of query `h` at version (`u`, `r`). */
export function putMessage(h, d, u, i, r) {
  return { t: 'put', h, d, u, i, r };
}

/** The removal of query `h`, made at version (`u`, `r`). */
export function removeMessage(h, u, r) {
  return { t: 'del', h, u, r };
}
